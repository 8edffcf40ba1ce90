"""The entity view: people, places and organisations across the archive, and every article naming one.

On the left the entities (of one kind or all, by frequency or recency, or
those of the article being read, or those whose names hold what is typed);
on the right the highlighted one: its names, its stories, and each article
naming it, newest first, with its sentence and figures. ``enter`` on an
article opens it at that sentence. Every read of the store runs in a worker,
a page at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from briefing.entities.store import PAGE, Cursor, Entity, Reader, StoreError
from briefing.entities.view import stories_of
from briefing.model import Anchor, Entry
from briefing.tui.look import Look, stylesheet_beside
from briefing.tui.widgets.entity_list import EntityChosen, EntityHighlighted, EntityList
from briefing.tui.widgets.key_hints import KeyHints
from briefing.tui.widgets.mention_list import MentionChosen, MentionList, MoreWanted
from briefing.tui.widgets.text_box import TextBox

KINDS = {None: "All kinds", "person": "People", "place": "Places", "organisation": "Organisations"}
LISTED = 300


@dataclass(frozen=True)
class Pick:
    """The article to open, and the sentence to show in it."""

    entry: Entry
    anchor: Anchor
    sentence: str


# The entities listed, and the first one with its first page of articles (or None).
Listed = tuple[list[Entity], tuple[Entity, list, Cursor] | None]


def listing(reader: Reader, kind: str | None, sort: str, typed: str, article: str | None,
            wanted: str | None) -> Listed:
    """The entities the view lists (an article's own, or the archive's), *wanted* first, and the first's page."""
    first_wanted = None
    if wanted:
        found = reader.find(wanted)
        first_wanted = found[0] if found else None
    if article:
        entities = [e for e in reader.of_article(article) if kind in (None, e.kind)]
        if typed:
            entities = [e for e in entities if typed.casefold() in e.name.casefold()]
        if sort == "recency":
            entities.sort(key=lambda e: e.last, reverse=True)
    else:
        entities = reader.entities(kind, sort, typed, limit=LISTED)
    if first_wanted is not None:
        entities = [first_wanted, *(e for e in entities if e.id != first_wanted.id)]
    if not entities:
        return entities, None
    detail = reader.entity(entities[0].id) or entities[0]
    return entities, (detail, *reader.page(detail.id))


def preload(index_dir: Path, name: str | None, article: str | None) -> Listed | str:
    """What the view first shows, read before it is pushed (off the screen's thread); or why it cannot be."""
    try:
        with Reader(index_dir) as reader:
            return listing(reader, None, "frequency", "", article if name is None else None, name)
    except StoreError as exc:
        return str(exc)


class EntitiesScreen(Screen[Pick | None]):
    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("escape,q,E", "close", "Close", key_display="esc", id="entities.close"),
        Binding("1", "kind(None)", "All kinds", show=False, id="entities.all"),
        Binding("2", "kind('person')", "People", show=False, id="entities.people"),
        Binding("3", "kind('place')", "Places", show=False, id="entities.places"),
        Binding("4", "kind('organisation')", "Organisations", show=False, id="entities.organisations"),
        Binding("o", "sort", "Order", id="entities.order", tooltip="By how many articles name it, or how recently"),
        Binding("a", "this_article", "This article", show=False, id="entities.article"),
        Binding("slash", "find", "Find a name", key_display="/", id="entities.find"),
        Binding("tab", "switch", "Other pane", id="entities.switch"),
    ]

    def __init__(self, index_dir: Path, library: Mapping[str, Entry], look: Look,
                 name: str | None = None, article: str | None = None, preloaded: Listed | None = None) -> None:
        super().__init__()
        self.preloaded = preloaded
        self.index_dir = index_dir
        self.library = library
        self.look = look
        self.wanted_name = name
        self.article = article
        self.kind: str | None = None
        self.sort = "frequency"
        self.typed = ""
        # The article's own entities first when opened over one (a toggles them off).
        self.of_article = article is not None and name is None
        self.entities: list[Entity] = []
        self.current: Entity | None = None
        self.cursor: Cursor | None = None
        self._lock = threading.Lock()
        self._reader: Reader | None = None
        self._closed = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="entities-body"):
            with Vertical(id="entities-side"):
                yield TextBox(placeholder="Find a name", id="entities-find")
                yield EntityList(self.look, id="entities-list")
            with Vertical(id="entity-detail"):
                yield Static(id="entity-head")
                yield MentionList(self.look, id="entity-mentions")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#entity-detail").border_title = "Articles naming it"
        self.query_one(EntityList).focus()
        if self.preloaded is not None:
            # Read before the view was pushed (see open_view): drawn in its first frame.
            self._show_list(*self.preloaded)
        else:
            self.load_list()

    def on_unmount(self) -> None:
        with self._lock:
            self._closed = True
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def _read(self, what):
        """Run *what* with the store's reader, opened on first use; StoreError says why not."""
        with self._lock:
            if self._closed:
                raise StoreError("the view is closed")
            if self._reader is None:
                self._reader = Reader(self.index_dir)
            return what(self._reader)

    def _from_worker(self, show, *args) -> None:
        """Run *show* on the screen's thread, unless the view was closed while the worker read."""

        def shown() -> None:
            if self.is_attached and not self._closed:
                show(*args)

        self.app.call_from_thread(shown)

    # The list of entities

    def _title(self) -> str:
        kind = KINDS[self.kind]
        if self.of_article:
            kind = f"{kind} in this article" if self.kind else "In this article"
        found = f"{kind} naming '{self.typed}'" if self.typed else kind
        order = "" if self.sort == "frequency" else f"{self.look.glyphs.separator}recent first"
        return f"{found} ({len(self.entities)}{'+' if len(self.entities) >= LISTED else ''}){order}"

    @work(thread=True, exclusive=True, group="entity-list")
    def load_list(self) -> None:
        """The entities, and the first one's articles with them: the view changes in one step."""
        try:
            listed = self._read(lambda reader: listing(reader, self.kind, self.sort, self.typed,
                                                       self.article if self.of_article else None, self.wanted_name))
        except StoreError as exc:
            self._from_worker(self._show_problem, str(exc))
            return
        if not get_current_worker().is_cancelled:
            self._from_worker(self._show_list, *listed)

    def reload(self) -> None:
        """Read the names again (they have been found or have changed); the entity shown stays first."""
        if self.current is not None:
            self.wanted_name = self.current.name
        self.load_list()

    def _show_problem(self, problem: str) -> None:
        listing = self.query_one(EntityList)
        listing.border_title = "People, places, organisations"
        listing.set_entities([], problem, quietly=True)

    def _show_list(self, entities: list[Entity], first) -> None:
        self.wanted_name = None
        self.entities = entities
        listing = self.query_one(EntityList)
        listing.set_entities(entities, self._nothing(), quietly=True)
        listing.border_title = Text(self._title())  # it quotes what was typed: never markup
        listing.border_subtitle = "1-4 kind  a this article"
        if first is None:
            self.current = None
            self.query_one("#entity-head", Static).update(Text(""))
            self.query_one(MentionList).set_rows([], self.library, False)
            return
        self._show_entity(*first)
        # After the first frame: the stories' thread would hold the interpreter while the view is drawn.
        self.call_after_refresh(self.load_stories, first[0])

    def _nothing(self) -> str:
        if self.of_article:
            return "This article names no one the fact finder knows (a: all the archive's)."
        return "No people, places or organisations" + (f" named '{self.typed}'." if self.typed else " yet.")

    def on_entity_highlighted(self, event: EntityHighlighted) -> None:
        event.stop()
        if self.current is None or event.entity.id != self.current.id:
            self.current = event.entity
            self.load_entity(event.entity)

    def on_entity_chosen(self, event: EntityChosen) -> None:
        event.stop()
        self.query_one(MentionList).focus()

    # One entity

    @work(thread=True, exclusive=True, group="entity")
    def load_entity(self, entity: Entity) -> None:
        try:
            detail, (rows, cursor) = self._read(lambda r: (r.entity(entity.id), r.page(entity.id)))
        except StoreError as exc:
            self._from_worker(self._show_problem, str(exc))
            return
        if not get_current_worker().is_cancelled:
            self._from_worker(self._show_entity, detail or entity, rows, cursor)
            self._from_worker(self.load_stories, detail or entity)

    @work(thread=True, exclusive=True, group="entity-stories")
    def load_stories(self, entity: Entity) -> None:
        """The stories it appears in: every article naming it is looked at, after the view has opened."""
        try:
            stories = self._read(lambda r: stories_of(r, entity, self.library.values(), self.library))
        except StoreError:
            return
        if not get_current_worker().is_cancelled:
            self._from_worker(self._show_stories, entity, stories)

    def _head(self, entity: Entity, stories: Sequence | None = None) -> Text:
        look = self.look
        text = Text()
        text.append(entity.name, style="bold")
        also = f"; also {', '.join(entity.aliases)}" if entity.aliases else ""
        text.append(f"  {entity.kind}{also}\n")
        latest = f", the latest {look.date(_date(entity.last))}" if entity.last else ""
        text.append(f"{entity.articles} article{'s' if entity.articles != 1 else ''}{latest}")
        if stories is None:
            return text
        if stories:
            parts = [f"{look.title(s.title)} ({s.naming}/{s.articles})" for s in stories[:3]]
            more = f"{look.glyphs.separator}{len(stories) - 3} more" if len(stories) > 3 else ""
            text.append(f"\nStories: {look.glyphs.separator.join(parts)}{more}")
        return text

    def _show_entity(self, entity: Entity, rows, cursor: Cursor) -> None:
        self.current = entity
        self.cursor = cursor
        self.query_one("#entity-head", Static).update(self._head(entity))
        more = len(rows) == PAGE
        self.query_one(MentionList).set_rows(rows, self.library, more, "No article names it any more.")

    def _show_stories(self, entity: Entity, stories) -> None:
        if self.current is not None and self.current.id == entity.id:
            self.query_one("#entity-head", Static).update(self._head(entity, stories))

    def on_more_wanted(self, _: MoreWanted) -> None:
        if self.current is not None and self.cursor is not None:
            self.load_more(self.current, self.cursor)

    @work(thread=True, exclusive=True, group="entity-more")
    def load_more(self, entity: Entity, cursor: Cursor) -> None:
        try:
            rows, cursor = self._read(lambda r: r.page(entity.id, cursor))
        except StoreError:
            return
        if not get_current_worker().is_cancelled:
            self._from_worker(self._add_rows, entity, rows)

    def _add_rows(self, entity: Entity, rows) -> None:
        if self.current is not None and self.current.id == entity.id:
            self.query_one(MentionList).add_rows(rows, len(rows) == PAGE)

    def on_mention_chosen(self, message: MentionChosen) -> None:
        row = message.row
        entry = self.library.get(row.rel)
        if entry is None:
            self.notify("That article is no longer in the folder.", timeout=3)
            return
        self.dismiss(Pick(entry, row.anchor, row.sentence))

    # Keys

    def action_kind(self, kind: str | None) -> None:
        self.kind = kind
        self.load_list()

    def action_sort(self) -> None:
        self.sort = "recency" if self.sort == "frequency" else "frequency"
        self.load_list()

    def action_this_article(self) -> None:
        if self.article is None:
            self.notify("Open an article first to list the names it gives.", timeout=3)
            return
        self.of_article = not self.of_article
        self.load_list()

    def action_find(self) -> None:
        find = self.query_one("#entities-find", Input)
        find.add_class("-active")
        find.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.typed = event.value.strip()
        self.load_list()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#entities-list").focus()

    def action_switch(self) -> None:
        if self.focused is self.query_one(MentionList):
            self.query_one("#entities-list").focus()
        else:
            self.query_one(MentionList).focus()

    def action_close(self) -> None:
        if isinstance(self.focused, Input):
            find = self.query_one("#entities-find", Input)
            if not find.value:
                find.remove_class("-active")
            self.query_one("#entities-list").focus()
            return
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Typing a name: letters and digits are the name's, not keys.
        if isinstance(self.focused, Input) and action not in ("close", "switch"):
            return False
        return True


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
