"""The reader: article list, reading pane and key-points sidebar side by side."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

from textual import events, work
from textual.worker import get_current_worker
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.theme import ThemeProvider
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.timer import Timer
from textual.widgets import Input, TextArea

from briefing.config import Settings, describe, remembered
from briefing.library import find_files
from briefing.themes import ThemeError, ThemeSet, ThemeSpec, load_themes, shipped_theme_dirs
from briefing.model import Anchor, Article, Entry
from briefing.progress import Notice, Progress, read_line
from briefing.digest import collect, render, write_atomically
from briefing.search.catalogue import ORDERS, Snapshot, snapshot_of_files
from briefing.state import FILTERS, ArticleState, FolderState, Position, StateError, StateStore, keep
from briefing.tui.editor import EditorError, edit_in_editor
from briefing.tui.commands import ArticleCommands
from briefing.tui.look import ASCII, UNICODE, date_of, use_ascii_scrollbars
from briefing.tui.theming import starting_theme, to_textual
from briefing.tui.layout import DEFAULT_SHARES, MIN_SIDE, PANES, STEP, Layout, mode_for, side_widths
from briefing.tui.screens.digest import DigestScreen
from briefing.tui.screens.note import NoteScreen
from briefing.tui.screens.stories import StoriesScreen
from briefing.search.engine import Engine, QueryError, Results
from briefing.search.highlight import term_spans
from briefing.search.index import BUSY_EXIT_STATUS, ContentIndex
from briefing.stories.story import Additions, Story, additions, arrival_order, related, stories_of
from briefing.article_cache import ArticleCache
from briefing.tui.screens.help import HelpScreen, binding_rows
from briefing.tui.widgets.article_list import ArticleList, meta_line
from briefing.tui.widgets.key_hints import KeyHints
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.reading_pane import ReadingPane
from briefing.tui.widgets.search_bar import SearchBar, SearchInput

# Moving quickly through the list should not draw every article passed over:
# the pane follows once the highlight rests this long.
FOLLOW_DELAY = 0.08
HANGUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
# Seconds an orderly exit after a hang-up may take before the process ends itself.
HANGUP_GRACE = 3.0
# Typing pauses this long before the query runs.
SEARCH_DELAY = 0.15
# How often the content folder is checked for new, changed or removed files.
POLL_INTERVAL = 3.0
MAX_PROBLEMS_SHOWN = 5
# An article highlighted in the list counts as read once it has been shown this long.
READ_DELAY = 1.5
FILTER_LABELS = {
    "all": "all articles",
    "unread": "unread articles",
    "starred": "starred articles",
    "flagged": "articles flagged for follow-up",
    "noted": "articles with a note",
}
LIST_ORDERS = ("date", "source", "title")
RESULT_ORDERS = ("relevance", *LIST_ORDERS)


def _order_note(order: str, options: tuple[str, ...]) -> str:
    """Said in the list's title only when the order is not the usual one."""
    return "" if order == options[0] else f" \u00b7 {order}"


def _filter_hint(name: str) -> str:
    return "" if name == "all" else " Press 1 to list all."


def _next(options: tuple[str, ...], current: str) -> str:
    return options[(options.index(current) + 1) % len(options)]


class BriefingApp(App[None]):
    """Read a folder of briefings with the keyboard."""

    TITLE = "Briefing"
    COMMANDS = App.COMMANDS | {ArticleCommands}
    CSS_PATH = [
        "app.tcss",
        "widgets/article_list.tcss",
        "widgets/reading_pane.tcss",
        "widgets/key_points.tcss",
        "widgets/search_bar.tcss",
        "widgets/key_hints.tcss",
        "screens/help.tcss",
        "screens/note.tcss",
        "screens/digest.tcss",
        "screens/stories.tcss",
    ]

    # Every binding has an id, by which the config file's "keys" setting remaps it.
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        # A priority binding runs as the key arrives, before keys typed just
        # after it are passed on: so those reach the search box, not the list.
        Binding("slash", "search", "Search", key_display="/", priority=True, id="search"),
        Binding("n", "hit(1)", "Next hit", show=False, id="hit.next"),
        Binding("N", "hit(-1)", "Previous hit", show=False, id="hit.previous"),
        Binding("o", "cycle_order", "Order", id="order",
                tooltip="Cycle the list's order: date, source, title (and relevance for results)"),
        Binding("s", "toggle('starred')", "Star", id="star"),
        Binding("f", "toggle('flagged')", "Flag", id="flag"),
        Binding("u", "toggle('read')", "Read/unread", show=False, id="read"),
        Binding("a", "note", "Note", id="note"),
        Binding("e", "note_in_editor", "Note in $EDITOR", show=False, id="note.editor"),
        Binding("D", "digest", "Digest", show=False, id="digest"),
        Binding("1", "filter('all')", "All articles", show=False, id="filter.all"),
        Binding("2", "filter('unread')", "Unread only", show=False, id="filter.unread"),
        Binding("3", "filter('starred')", "Starred only", show=False, id="filter.starred"),
        Binding("4", "filter('flagged')", "Flagged only", show=False, id="filter.flagged"),
        Binding("5", "filter('noted')", "With a note only", show=False, id="filter.noted"),
        Binding("K", "toggle_points", "Key points", id="key_points"),
        Binding("r", "next_related", "Next related", show=False, id="related.next"),
        Binding("S", "stories", "Stories", show=False, id="stories"),
        Binding("z", "focused_reading", "Focus", id="focus",
                tooltip="Show the reading pane alone (z again to come back)"),
        Binding("backspace", "back", "Back to the list", id="back"),
        Binding("less_than_sign", "resize(-1)", "Narrower side pane", key_display="<", show=False, id="narrower"),
        Binding("greater_than_sign", "resize(1)", "Wider side pane", key_display=">", show=False, id="wider"),
        Binding("T", "next_theme", "Next theme", show=False, id="theme"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("ctrl+p,colon", "command_palette", "Commands", show=False, key_display="^p", id="commands"),
        Binding("tab", "focus_next", "Next pane", show=False, id="pane.next"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="pane.previous"),
        # The reading pane's paging keys work from the list too (same ids: remapped together).
        Binding("space,pagedown", "reader('page_down')", "Page down", show=False, id="reader.page_down"),
        Binding("pageup", "reader('page_up')", "Page up", show=False, id="reader.page_up"),
        Binding("g", "reader('scroll_home')", "Top of article", show=False, id="reader.top"),
        Binding("G", "reader('scroll_end')", "End of article", show=False, id="reader.bottom"),
    ]

    def __init__(self, content: Path, index_dir: Path | None = None, settings: Settings | None = None,
                 themes: ThemeSet | None = None) -> None:
        no_color = os.environ.get("NO_COLOR")
        super().__init__()
        if no_color is not None:
            # Textual takes NO_COLOR out of the environment; $EDITOR, started from here, should see it too.
            os.environ["NO_COLOR"] = no_color
        # Defaults unless told: a reader made by a test never reads the user's config.
        self.settings = settings or Settings()
        self.problems: list[str] = list(self.settings.problems)
        self.glyphs = ASCII if self.settings.ascii else UNICODE
        if self.settings.ascii:
            use_ascii_scrollbars()
        self.format_date = self.settings.format_date
        self._theme_specs = self._install_themes(themes or load_themes(shipped_theme_dirs()))
        self._own_actions = {b.action.split("(")[0] for b in self.BINDINGS if isinstance(b, Binding)}
        self.content = content
        self.index = ContentIndex(content, index_dir, self.settings.follow_links)
        self.snapshot: Snapshot | None = None
        self.by_rel: dict[str, Entry] = {}
        self.articles = ArticleCache()
        # The article the reading pane shows, by path in the folder.
        self.shown: str | None = None
        # The shown article's story: its other articles, and what it adds to the earlier ones.
        self.shown_related: list[Entry] = []
        self.shown_additions: Additions | None = None
        self.list_order = LIST_ORDERS[0]
        self.result_order = RESULT_ORDERS[0]
        self._reported: set[str] = set()
        self._indexing = False
        self._scan_cost = 0.0
        # "waiting" until the first update of the index ends, then "ready" or "failed".
        self.index_state = "waiting"
        self.store: StateStore | None = None
        self.folder_state: FolderState | None = None
        self.states: dict[str, ArticleState] = {}
        self.filter = "all"
        self.shown_entry: Entry | None = None
        self._opened_now = False
        self._read_timer: Timer | None = None
        self.read_delay = READ_DELAY
        self.follow_delay = FOLLOW_DELAY
        self._state_version = 0
        self._position: Position | None = None
        self._restore_to: tuple[str, int] | None = None
        self._saved_position: tuple[str, int] | None = None
        self.engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self.results: Results | None = None
        self._search_timer: Timer | None = None
        self._signature: tuple | None = None
        # Every byte counts over SSH; animation multiplies what is sent.
        self.animation_level = "none"
        self._follow_timer: Timer | None = None
        self.layout = Layout()
        # Side pane widths: the config file's, or those the user set with < and >, in columns.
        self.widths: dict[str, int] = dict(self.settings.widths)

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield ArticleList(id="articles")
            yield ReadingPane(id="reader")
            yield KeyPointsPanel(id="keypoints")
        yield KeyHints()

    def on_mount(self) -> None:
        self.set_class(self.settings.ascii, "-ascii")
        self._handle_hangup()
        self.query_one("#articles").border_title = "Articles"
        self.query_one("#reader").border_title = "Reading"
        self.query_one("#keypoints").border_title = "Key points"
        self.query_one(ArticleList).focus()
        self._open_state()
        self._choose_theme()
        for problem in self.problems + self._set_keys(self.settings.keys):
            self.notify(problem, title="Settings", severity="warning", timeout=10, markup=False)
        self._apply_layout()
        self.read_catalogue()
        # The check for changed files waits until the first screen is drawn.
        self.call_after_refresh(self.update_index)

    # Loading the list

    @work(thread=True, exclusive=True, group="catalogue")
    def read_catalogue(self) -> None:
        snapshot = self.index.snapshot()
        self.call_from_thread(self._catalogue_read, snapshot)

    def _catalogue_read(self, snapshot: Snapshot | None) -> None:
        if snapshot is None:
            # No index yet: the first build is running and fills the list as it commits.
            self.query_one(ArticleList).set_entries([], f"Indexing {self.content}\u2026")
            return
        self.snapshot = snapshot
        self.by_rel = {e.rel: e for e in snapshot.entries}
        self._load_states()
        self._refresh_list()
        self._restore_position()
        self._report_problems(snapshot)

    def _refresh_list(self) -> None:
        """Show the whole library, or the results of the query in force, in the chosen order."""
        if self.snapshot is None:
            return
        articles = self.query_one(ArticleList)
        library = self.snapshot.entries
        articles.set_states(self.states)
        passes = self._passes_filter
        if self.results is None:
            order = self.list_order
            shown = [e for e in library if passes(e)] if self.filter != "all" else library
            if order != "date":
                shown = sorted(shown, key=ORDERS[order])
            name = "Articles" if self.filter == "all" else self.filter.capitalize()
            count = f"{len(shown)} of {len(library)}" if self.filter != "all" else f"{len(library)}"
            articles.border_title = f"{name} ({count})" + _order_note(order, LIST_ORDERS)
            empty = f"No briefings in {self.content}" if self.filter == "all" else f"No {self.filter} articles."
            articles.set_entries(shown, empty + _filter_hint(self.filter))
            return
        pairs = [(self.by_rel[h.path], h) for h in self.results.hits if h.path in self.by_rel]
        pairs = [(e, h) for e, h in pairs if passes(e)]
        order = self.result_order
        if order != "relevance":
            pairs.sort(key=lambda pair: ORDERS[order](pair[0]))
        name = "Results" if self.filter == "all" else f"{self.filter.capitalize()} results"
        articles.border_title = f"{name} ({len(pairs)} of {len(library)})" + _order_note(order, RESULT_ORDERS)
        articles.set_entries(
            [e for e, _ in pairs],
            "No articles match the search." + _filter_hint(self.filter),
            {e.rel: h.snippet_parts for e, h in pairs},
        )

    def _passes_filter(self, entry: Entry) -> bool:
        return keep(self.filter, self.states.get(entry.rel))

    def action_cycle_order(self) -> None:
        if self.results is None:
            self.list_order = _next(LIST_ORDERS, self.list_order)
        else:
            self.result_order = _next(RESULT_ORDERS, self.result_order)
        self._refresh_list()

    # Keeping up with the folder and the index

    @work(thread=True, exclusive=True, group="index")
    def update_index(self) -> None:
        """Bring the index up to date in a separate process, re-reading the list as it commits.

        A separate process, because Whoosh's writer may fork and this process
        has threads; and because a killed build must not take the reader with it.
        """
        self._indexing = True
        try:
            self._signature = folder_signature(self.content, self.index.follow_links)
            self._run_indexer()
        finally:
            self._indexing = False
            self.call_from_thread(self._schedule_poll)

    def _run_indexer(self) -> None:
        command = [sys.executable, "-m", "briefing", "index", "--progress-lines",
                   "--content", str(self.content), "--index", str(self.index.dir)]
        if self.index.follow_links:
            command.append("--follow-links")
        errors: list[str] = []
        notices: list[str] = []
        listed = False  # whether this run's commits already brought the list up to date
        try:
            with subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            ) as proc:
                assert proc.stderr is not None
                for line in proc.stderr:
                    step = read_line(line)
                    if isinstance(step, Progress):
                        if not step.finished:
                            self.call_from_thread(self._set_index_status, f"Indexing {step.summary()}")
                        if step.committed:
                            listed = True
                            self.call_from_thread(self._catalogue_read, self.index.snapshot())
                    elif isinstance(step, Notice):
                        notices.append(step.text)
                    else:
                        errors.append(step)
                proc.wait()
        except OSError as exc:
            self.call_from_thread(self._index_failed, str(exc))
            return
        if proc.returncode == BUSY_EXIT_STATUS:
            # Another Briefing process is writing the index: not a failure.
            # Forget the folder's signature so that the next poll runs again.
            self._signature = None
            self.call_from_thread(self._index_busy)
            return
        if proc.returncode != 0:
            self.call_from_thread(self._index_failed, errors[-1] if errors else "indexing failed")
            return
        with self._engine_lock:
            try:
                ix = self.index.open()
            except Exception as exc:
                self.call_from_thread(self._index_failed, str(exc))
                return
            if self.engine is not None:
                self.engine.close()
            self.engine = Engine(ix)
        # Read the list again if no commit of this run did: another process
        # (a second reader, `briefing index`) may have indexed the changes.
        snapshot = self.index.snapshot() if not listed else None
        self.call_from_thread(self._index_ready, notices, snapshot)

    def _set_index_status(self, text: str) -> None:
        self.query_one(ReadingPane).border_subtitle = text

    def _index_busy(self) -> None:
        self._set_index_status("Index busy (another Briefing is updating it)")
        if self.snapshot is None:
            snapshot = self.index.snapshot()
            if snapshot is not None:
                self._catalogue_read(snapshot)
            else:
                self.read_files()

    def _index_failed(self, reason: str) -> None:
        self.index_state = "failed"
        self._set_index_status("Search unavailable")
        self.notify(f"Search is unavailable: {reason}", severity="error", timeout=10, markup=False)
        if self.snapshot is None:
            self.read_files()

    @work(thread=True, exclusive=True, group="catalogue")
    def read_files(self) -> None:
        """No index could be written (a full disk, a read-only cache): list the files the slow way."""
        self.call_from_thread(self._catalogue_read, snapshot_of_files(self.content, self.index.follow_links))

    async def _index_ready(self, messages: list[str], snapshot: Snapshot | None) -> None:
        self.index_state = "ready"
        self._set_index_status("")
        for message in messages:
            self.notify(message, severity="warning", markup=False)
        if snapshot is not None:
            self._catalogue_read(snapshot)
        if self.snapshot is not None and not self.snapshot.entries:
            await self.query_one(ReadingPane).show(
                None, f"No briefing files (.txt, .md) were found in {self.content}."
            )
            self.query_one(KeyPointsPanel).show(None)
        query = self.query_one(SearchInput).value
        if query.strip():
            self.run_search(query)

    def _schedule_poll(self) -> None:
        # Where one is reading is saved at this pace and on quit, not at every
        # move through the list: each save waits for the disk.
        self._remember_position()
        # A scan of a large folder is not free: poll less often the longer it takes.
        self.set_timer(max(POLL_INTERVAL, self._scan_cost * 20), self.check_folder)

    @work(thread=True, exclusive=True, group="poll")
    def check_folder(self) -> None:
        if self._indexing:
            return  # the update in progress reschedules the poll
        version = self.store.data_version() if self.store is not None else 0
        if version != self._state_version:
            # Another reader changed the state: show its marks too.
            self._state_version = version
            self.call_from_thread(self._state_changed_elsewhere)
        started = time.monotonic()
        signature = folder_signature(self.content, self.index.follow_links)
        self._scan_cost = time.monotonic() - started
        if signature != self._signature:
            self.call_from_thread(self.update_index)
        else:
            self.call_from_thread(self._schedule_poll)

    def _state_changed_elsewhere(self) -> None:
        self._load_states()
        self._show_state()

    def _report_problems(self, snapshot: Snapshot) -> None:
        """Tell of skipped files and warnings once each, not at every refresh."""
        problems = [p for p in snapshot.problems if p not in self._reported]
        warnings = [w for w in snapshot.warnings if w not in self._reported]
        self._reported.update(problems, warnings)
        lines = problems + warnings
        if not lines:
            return
        shown = lines[:MAX_PROBLEMS_SHOWN]
        if len(lines) > len(shown):
            shown.append(f"\u2026and {len(lines) - len(shown)} more")
        title = f"{len(problems)} file(s) skipped" if problems else "Warnings"
        # File names are untrusted text: never read as markup.
        self.notify("\n".join(shown), title=title, severity="warning", timeout=10, markup=False)

    # Following the list

    def on_article_list_highlighted(self, message: ArticleList.Highlighted) -> None:
        if self._follow_timer is not None:
            self._follow_timer.stop()
        entry = message.entry
        if self.shown is None:
            self._follow_timer = None
            self.open_entry(entry)
        else:
            self._follow_timer = self.set_timer(self.follow_delay, lambda: self.open_entry(entry))

    def on_article_list_selected(self, message: ArticleList.Selected) -> None:
        self._opened_now = True
        if self.shown == message.entry.rel:
            self._mark_read(message.entry)
        self.open_entry(message.entry)
        if self.layout.single != "reader":  # one pane at a time: the list gives way to the article
            self.layout.single = "reader"
            self._apply_layout()
        self.query_one(ReadingPane).focus()

    @work(thread=True, exclusive=True, group="show")
    def open_entry(self, entry: Entry) -> None:
        """Read and parse the article now it is wanted; the list never needs the file."""
        if self.shown == entry.rel:
            return
        article, problem = self.articles.get(entry.path)
        if get_current_worker().is_cancelled:
            return
        # The rest of its story, and what it adds to the earlier reports (they are read too, and kept).
        entries = self.snapshot.entries if self.snapshot else []
        others = related(entry, entries)
        added = None
        if article is not None and others:
            story = Story(entry.story or 0, sorted([entry, *others], key=arrival_order))
            added = additions(entry, article, story, lambda e: self.articles.get(e.path)[0])
        if get_current_worker().is_cancelled:
            return
        self.call_from_thread(self._show_article, entry, article, problem, others, added)

    async def _show_article(self, entry: Entry, article: Article | None, problem: str | None,
                            others: list[Entry] | None = None, added: Additions | None = None) -> None:
        self.shown = entry.rel
        self.shown_entry = entry
        # Set here, on the screen's thread, with the article they belong to.
        self.shown_related = others or []
        self.shown_additions = added
        reader = self.query_one(ReadingPane)
        reader.border_title = "Reading"
        await reader.show(article, f"{problem}\n\nThe list is brought up to date at the next check of the folder.")
        self._show_state()
        self._mark_hits()
        if article is not None:
            self._restore_offset(entry)
            # Opened with enter: read now. Passed over in the list: read once it has stayed a moment.
            if self._read_timer is not None:
                self._read_timer.stop()
            if self._opened_now:
                self._mark_read(entry)
            else:
                self._read_timer = self.set_timer(self.read_delay, lambda: self._mark_read(entry))
        self._opened_now = False

    def _mark_hits(self) -> None:
        reader = self.query_one(ReadingPane)
        if reader.article is None:
            return
        terms = self.results.query.terms if self.results else set()
        hits = [
            Anchor(index, start, end)
            for index, paragraph in enumerate(reader.article.paragraphs)
            for start, end in term_spans(paragraph.text, terms)
        ]
        reader.set_hits(hits)

    # Searching

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Over a dialog (help, a note, the digest) the reader's own keys rest:
        # "/" or "s" typed into a note is text, not a search or a star.
        if len(self.screen_stack) > 1 and action in self._own_actions:
            return False
        # In the search box "/" is just a character.
        if action == "search" and isinstance(self.focused, (Input, TextArea)):
            return False
        return True

    def action_search(self) -> None:
        self.query_one(SearchBar).add_class("-active")
        # Focus now, not after the next refresh as focus() does: keys typed
        # straight after "/" are already queued and must reach the box.
        self.screen.set_focus(self.query_one(SearchInput))

    def on_input_changed(self, event: Input.Changed) -> None:
        # Other inputs (the digest's file name) are not queries.
        if not isinstance(event.input, SearchInput):
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        query = event.value
        # An emptied box brings the list back, once typing pauses like any query.
        self._search_timer = self.set_timer(
            SEARCH_DELAY, (lambda: self.run_search(query)) if query.strip() else self._clear_search)

    def on_search_input_cleared(self, _: SearchInput.Cleared) -> None:
        self._clear_search()

    def _clear_search(self) -> None:
        """The whole list back, no hits marked, the focus on the list."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self.results = None
        self.query_one(SearchBar).remove_class("-active")
        self.query_one(SearchBar).set_status("")
        self._refresh_list()
        self._mark_hits()
        self.query_one(ArticleList).focus()

    def action_search_done(self) -> None:
        self.screen.set_focus(self.query_one(ArticleList))

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        with self._engine_lock:
            engine = self.engine
            if engine is None:
                self.call_from_thread(self._search_status, "The index is being built; results follow.", False)
                return
            try:
                results = engine.search_as_typed(query, limit=None)
            except QueryError as exc:
                # The last good results stay on screen.
                self.call_from_thread(self._search_status, f"{exc}", True)
                return
        self.call_from_thread(self._search_done, results)

    def _search_status(self, text: str, error: bool) -> None:
        self.query_one(SearchBar).set_status(text, error)

    def _search_done(self, results: Results) -> None:
        self.results = results
        count = len(results.hits)
        status = f"{count} result{'s' if count != 1 else ''} for {results.query.text}"
        if not results.hits and results.suggestion:
            status += f" \u2014 did you mean: {results.suggestion}"
        self.query_one(SearchBar).set_status(status)
        self._refresh_list()
        self._mark_hits()

    def action_hit(self, step: int) -> None:
        if not self.query_one(ReadingPane).next_hit(step):
            self.notify("No search hits in this article.", timeout=2)

    def on_key_points_panel_jump(self, message: KeyPointsPanel.Jump) -> None:
        self.query_one(ReadingPane).highlight(message.anchor)

    # Actions

    def action_reader(self, action: str) -> None:
        reader = self.query_one(ReadingPane)
        getattr(reader, f"action_{action}")()

    def action_command_palette(self) -> None:
        # Says that titles can be typed too; and no ellipsis, which --ascii would not draw.
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder="Type a command or words of a title"))

    def search_themes(self) -> None:
        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder="Type a theme's name"))

    def on_key_points_panel_open_related(self, message: KeyPointsPanel.OpenRelated) -> None:
        self.jump_to(message.entry)

    def action_next_related(self) -> None:
        """Open the next article of the shown one's story, in the order the coverage came in."""
        entry = self.shown_entry if self.shown else None
        if entry is None or not self.shown_related:
            self.notify("No related coverage for this article.", timeout=3)
            return
        story = sorted([entry, *self.shown_related], key=arrival_order)
        following = story[(story.index(entry) + 1) % len(story)]
        self.jump_to(following)

    def action_stories(self) -> None:
        """The stories of the whole folder, with a story's figures side by side."""
        entries = self.snapshot.entries if self.snapshot else []
        screen = StoriesScreen(stories_of(entries), lambda e: self.articles.get(e.path)[0],
                               lambda date: date_of(self, date))
        self.push_screen(screen, lambda entry: self.jump_to(entry) if entry is not None else None)

    def jump_to(self, entry: Entry) -> None:
        """Open *entry* (from the command palette), showing the whole library if it is not listed."""
        articles = self.query_one(ArticleList)
        if all(e.rel != entry.rel for e in articles.entries):
            self.filter = "all"
            if self.results is not None:
                self.query_one(SearchInput).clear_quietly()
                self._clear_search()  # lists the whole library again
            else:
                self._refresh_list()
        for index, listed in enumerate(articles.entries):
            if listed.rel == entry.rel:
                articles.cursor = index
                articles.focus()
                articles.action_open()
                return
        self.notify("That article is no longer in the folder.", timeout=3)

    def on_unmount(self) -> None:
        self._stop_hangup_handling()
        if self.engine is not None:
            self.engine.close()
        if self.store is not None:
            self.store.close()

    # Layout: which panes show at this width, and how wide

    def on_resize(self, event: events.Resize) -> None:
        # The app's own size follows a moment later; the event has the new one.
        self._apply_layout(event.size.width)

    def _apply_layout(self, width: int | None = None) -> None:
        width = width or self.size.width
        shown = self.layout.visible(width)
        widths = side_widths(shown, width, self.widths)
        for name in PANES:
            pane = self.query_one(f"#{name}")
            pane.display = name in shown
            if name != "reader":
                pane.styles.width = widths.get(name, "1fr")
        self.screen.set_class(len(shown) == 1, "-one-pane")
        focused = self.focused
        if focused is None or focused.id not in shown and not isinstance(focused, Input):
            self.query_one(f"#{shown[0]}").focus()

    def action_toggle_points(self) -> None:
        self.layout.points_toggled = not self.layout.points_toggled
        self.layout.focused_reading = False
        self._apply_layout()
        if "keypoints" in self.layout.visible(self.size.width):
            self.query_one(KeyPointsPanel).focus()

    def action_focused_reading(self) -> None:
        self.layout.focused_reading = not self.layout.focused_reading
        self._apply_layout()
        if self.layout.focused_reading:
            self.query_one(ReadingPane).focus()

    def action_back(self) -> None:
        """Back to the list: from the reading pane on a narrow screen, or from focused reading."""
        self.layout.single = "articles"
        self.layout.points_toggled = self.layout.points_toggled and mode_for(self.size.width) == "wide"
        self.layout.focused_reading = False
        self._apply_layout()
        self.query_one(ArticleList).focus()

    def action_resize(self, step: int) -> None:
        shown = self.layout.visible(self.size.width)
        pane = "keypoints" if self.focused is self.query_one(KeyPointsPanel) else "articles"
        if pane not in shown or "reader" not in shown:
            self.notify("No side pane beside the reading pane to resize at this width.", timeout=3)
            return
        current = self.query_one(f"#{pane}").outer_size.width
        self.widths[pane] = max(MIN_SIDE, current + step * STEP)
        self._apply_layout()
        # What the layout allowed is what is kept.
        self.widths[pane] = side_widths(shown, self.size.width, self.widths)[pane]
        self._keep_choice(f"width.{pane}", str(self.widths[pane]), self.settings.widths.get(pane))

    # Themes and keys: the user's own

    def _install_themes(self, themes: ThemeSet) -> dict[str, ThemeSpec]:
        """Register every theme Textual can draw; the rest are reported and left out."""
        usable = {}
        for name, spec in themes.themes.items():
            try:
                self.register_theme(to_textual(spec))
            except ThemeError as exc:
                self.problems.append(f"theme {spec.path or name}: {exc}; skipped")
                continue
            usable[name] = spec
        self.problems.extend(themes.problems)
        if usable:
            # The theme picker lists the reader's themes, not Textual's demos.
            for name in list(self.available_themes):
                if name not in usable:
                    self.unregister_theme(name)
        self._theme_ready = False
        first, _ = starting_theme(sorted(usable), self.settings.theme, self.console.color_system)
        if first in self.available_themes:
            # Before the first frame: the stylesheet is built once, in these colours.
            self.theme = first
        return usable

    def _choose_theme(self) -> None:
        """The theme chosen in an earlier session (T), unless the settings say otherwise since."""
        names = sorted(self._theme_specs)
        wanted = self.settings.theme
        chosen = self._remembered("theme", self.settings.theme, "theme")
        if chosen in names:
            wanted = chosen
        name, problem = starting_theme(names, wanted, self.console.color_system)
        if problem:
            self.problems.append(problem)
        if name in self.available_themes and name != self.theme:
            self.theme = name
        self._theme_ready = True

    def _remembered(self, key: str, configured, setting: str) -> str | None:
        if self.store is None:
            return None
        return remembered(self.settings, setting, key, configured, self.store.preference)

    def _keep_choice(self, key: str, value: str, configured) -> None:
        if self.store is None:
            return
        try:
            self.store.set_preference(key, value)
            self.store.set_preference(f"{key}.over", describe(configured))
        except StateError as exc:
            self.notify(f"Not kept for next time: {exc}", severity="warning", markup=False)

    def watch_theme(self, name: str) -> None:
        if getattr(self, "_theme_ready", False):
            self._keep_choice("theme", name, self.settings.theme)

    def action_next_theme(self) -> None:
        names = sorted(self._theme_specs) or sorted(self.available_themes)
        self.theme = _next(tuple(names), self.theme) if self.theme in names else names[0]
        self.notify(f"Theme: {self.theme}", timeout=2, markup=False)

    def _set_keys(self, keys: dict[str, str]) -> list[str]:
        """Remap bindings by id from the settings; unknown ids and taken keys are reported, the rest applied."""
        known = binding_ids()
        source = self.settings.sources["keys"]
        problems = [f"{source}: keys: {action!r} is not an action id (press ? for the ids); ignored"
                    for action in keys if action not in known]
        keymap = {action: spec for action, spec in keys.items() if action in known}
        problems += [f"{source}: keys: {clash}" for clash in key_clashes(keymap)]
        self.set_keymap(keymap)
        return problems

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        if self.glyphs is ASCII and not shown.isascii():
            return binding.key.split(",")[0]
        return shown

    # Leaving cleanly when the terminal goes away

    def _handle_hangup(self) -> None:
        """A dropped SSH link (SIGHUP) or a kill (SIGTERM) quits as `q` would: position saved, terminal restored."""
        try:
            loop = asyncio.get_running_loop()
            for signum in HANGUP_SIGNALS:
                loop.add_signal_handler(signum, self._hung_up)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread (some test runners): the default action stands

    def _stop_hangup_handling(self) -> None:
        try:
            loop = asyncio.get_running_loop()
            for signum in HANGUP_SIGNALS:
                loop.remove_signal_handler(signum)
        except (NotImplementedError, RuntimeError, ValueError):
            pass

    def _hung_up(self) -> None:
        self._remember_position()
        self.exit(return_code=129)
        # Marks and notes are on disk already (each change is committed as made)
        # and with the terminal gone there is nothing to restore: if the orderly
        # exit stalls (a worker thread blocked on the dead terminal or a child),
        # the process must still go rather than linger on the server.
        watchdog = threading.Timer(HANGUP_GRACE, os._exit, args=(129,))
        watchdog.daemon = True
        watchdog.start()

    # Review: read marks, stars, flags, notes and key-point marks

    def _open_state(self) -> None:
        try:
            self.store = StateStore()
        except StateError as exc:
            self.notify(f"Read marks, stars and notes cannot be kept: {exc}", severity="error",
                        timeout=10, markup=False)
            return
        self.folder_state = self.store.folder(self.content)
        for pane in DEFAULT_SHARES:
            value = self._remembered(f"width.{pane}", self.settings.widths.get(pane), "widths")
            if value and value.isdigit():
                self.widths[pane] = int(value)
        self._state_version = self.store.data_version()
        self._position = self.folder_state.position()

    def _load_states(self) -> None:
        if self.folder_state is None or self.snapshot is None:
            return
        try:
            self.states = self.folder_state.load(self.snapshot.entries)
        except StateError as exc:
            self.notify(str(exc), severity="error", markup=False)

    def _show_state(self) -> None:
        """Bring the list's marks, the note and the sidebar's marks up to date."""
        self.query_one(ArticleList).set_states(self.states)
        reader = self.query_one(ReadingPane)
        panel = self.query_one(KeyPointsPanel)
        state = self.states.get(self.shown or "") or ArticleState()
        reader.set_note(state.note)
        glyphs = self.glyphs
        panel.show(reader.article, state.marks, self.shown_related, self.shown_additions,
                   lambda e: meta_line(e, glyphs.separator, date_of(self, e.date)))

    def _current_entry(self) -> Entry | None:
        """The article a review key acts on: the one highlighted in the list, else the one shown."""
        entry = self.query_one(ArticleList).current or (self.shown_entry if self.shown else None)
        if entry is None:
            self.notify("No article is selected.", timeout=3)
        return entry

    def _save(self, change, entry: Entry) -> bool:
        """Write one change at once; on failure say so, and show what is really saved."""
        if self.folder_state is None:
            self.notify("Read marks, stars and notes cannot be kept: the state file could not be opened.",
                        severity="error", markup=False)
            return False
        try:
            change()
        except StateError as exc:
            self.notify(f"Not saved: {exc}", severity="error", timeout=10, markup=False)
            saved = False
        else:
            saved = True
        # Read back only this article: what is on disk is what is shown.
        try:
            state = self.folder_state.load_one(entry)
        except StateError:
            state = None
        if state is not None:
            self.states[entry.rel] = state
        self._show_state()
        return saved

    def _mark_read(self, entry: Entry) -> None:
        state = self.states.get(entry.rel)
        if self.shown == entry.rel and not (state and state.read) and self.folder_state is not None:
            self._save(lambda: self.folder_state.set_flag(entry, "read", True), entry)

    def action_toggle(self, flag: str) -> None:
        entry = self._current_entry()
        if entry is None:
            return
        if flag == "read" and self._read_timer is not None:
            self._read_timer.stop()  # "u" on an article just opened keeps it unread
        state = self.states.get(entry.rel) or ArticleState()
        value = not getattr(state, flag)
        if self._save(lambda: self.folder_state.set_flag(entry, flag, value), entry):
            word = {"starred": ("Starred", "Star removed"), "flagged": ("Flagged for follow-up", "Flag removed"),
                    "read": ("Marked read", "Marked unread")}[flag]
            self.notify(word[0] if value else word[1], timeout=2)

    def on_key_points_panel_marked(self, message: KeyPointsPanel.Marked) -> None:
        # The point belongs to the article in the reading pane.
        entry = self.shown_entry
        if entry is None or self.shown != entry.rel:
            return
        state = self.states.get(entry.rel) or ArticleState()
        mark = None if state.marks.get(message.point) == message.mark else message.mark
        self._save(lambda: self.folder_state.set_mark(entry, message.point, mark), entry)

    def action_note(self) -> None:
        entry = self._current_entry()
        if entry is None:
            return
        state = self.states.get(entry.rel) or ArticleState()

        self.push_screen(NoteScreen(entry.title, state.note), lambda text: self._save_note(entry, state, text))

    def _save_note(self, entry: Entry, state: ArticleState, text: str | None) -> None:
        if text is not None and text.strip() != state.note.strip():
            if self._save(lambda: self.folder_state.set_note(entry, text), entry):
                self.notify("Note saved" if text.strip() else "Note removed", timeout=2)
            elif self.folder_state is not None:
                # What was typed is not thrown away: the note stays open to try again or copy out.
                self.push_screen(NoteScreen(entry.title, text, unsaved=True),
                                 lambda again: self._save_note(entry, state, again))

    def action_note_in_editor(self) -> None:
        entry = self._current_entry()
        if entry is None:
            return
        state = self.states.get(entry.rel) or ArticleState()
        try:
            text = edit_in_editor(self, state.note)
        except EditorError as exc:
            self.notify(str(exc), severity="error", timeout=6, markup=False)
            return
        self._save_note(entry, state, text)

    def action_filter(self, name: str) -> None:
        self.filter = name
        self._refresh_list()

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        for name in FILTERS:
            yield SystemCommand(f"Show {FILTER_LABELS[name]}", f"Filter the list (key {list(FILTERS).index(name) + 1})",
                                lambda name=name: self.action_filter(name))
        yield SystemCommand("Write a digest", "A Markdown digest of the listed articles (key D)", self.action_digest)
        # Every other action with a key, read from the bindings as the help screen is.
        offered = {"command_palette", "help", "quit", "digest", "focus_next", "focus_previous"}
        for group, node in self._key_groups():
            for row in binding_rows(node):
                if row.action in offered or row.action.startswith("filter("):
                    continue
                offered.add(row.action)
                yield SystemCommand(row.description, f"{group}, key {row.keys}",
                                    partial(self.run_action, row.action, node))

    # Where the analyst left off

    def _restore_position(self) -> None:
        """Once, at start: highlight the article read last."""
        position, self._position = self._position, None
        if position is None:
            return
        articles = self.query_one(ArticleList)
        for n, entry in enumerate(articles.entries):
            if entry.rel == position.path or (position.digest and entry.digest == position.digest):
                self._restore_to = (entry.rel, position.offset)
                articles.cursor = n
                return

    def _restore_offset(self, entry: Entry) -> None:
        if self._restore_to and self._restore_to[0] == entry.rel:
            offset = self._restore_to[1]
            self.query_one(ReadingPane).restore_offset(offset)
        self._restore_to = None

    def _remember_position(self) -> None:
        entry = self.shown_entry
        if self.folder_state is None or entry is None or self.shown is None:
            return
        position = (entry.rel, int(self.query_one(ReadingPane).scroll_y))
        if position == self._saved_position:
            return
        try:
            self.folder_state.remember_position(entry, position[1])
            self._saved_position = position
        except StateError:
            pass  # where one left off is a convenience; the marks are what must be kept

    async def action_quit(self) -> None:
        self._remember_position()
        self.exit()

    # The digest

    def action_digest(self) -> None:
        listed = list(self.query_one(ArticleList).entries)
        if not listed:
            self.notify("No articles are listed, so there is nothing to put in a digest.", timeout=4)
            return
        default = Path.cwd() / f"briefing-digest-{dt.date.today().isoformat()}.md"

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.write_digest(listed, path)

        self.push_screen(DigestScreen(len(listed), default), chosen)

    @work(thread=True, exclusive=True, group="digest")
    def write_digest(self, entries: list[Entry], path: Path) -> None:
        items = collect(entries, self.states, cache=self.articles)
        try:
            write_atomically(path, render(items))
        except OSError as exc:
            self.call_from_thread(self.notify, f"The digest was not written: {exc.strerror or exc}",
                                  severity="error", timeout=10, markup=False)
            return
        self.call_from_thread(self.notify, f"Wrote {len(items)} article(s) to {path}", timeout=6, markup=False)

    def _key_groups(self) -> list[tuple[str, DOMNode]]:
        """Where keys work, by the name the help screen gives each."""
        return [
            ("Everywhere", self),
            ("Article list", self.query_one(ArticleList)),
            ("Reading pane", self.query_one(ReadingPane)),
            ("Key points", self.query_one(KeyPointsPanel)),
            ("Search box", self.query_one(SearchInput)),
        ]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self._key_groups()))


BINDING_OWNERS = (BriefingApp, ArticleList, ReadingPane, KeyPointsPanel, SearchInput, HelpScreen, NoteScreen,
                  StoriesScreen,
                  DigestScreen)


def binding_ids() -> set[str]:
    """Every id a binding can be remapped by, in the reader and its panes."""
    return {b.id for cls in BINDING_OWNERS for b in cls.BINDINGS if isinstance(b, Binding) and b.id}


def key_clashes(keymap: dict[str, str]) -> list[str]:
    """Keys the keymap gives to an action that another action of the same pane still has.

    The remapped action takes the key and the other loses it; Textual does
    not report this for bindings with ids, so it is checked here.
    """
    clashes = []
    for owner in BINDING_OWNERS:
        bindings = [b for b in owner.BINDINGS if isinstance(b, Binding)]
        for binding in bindings:
            if binding.id not in keymap:
                continue
            for key in keymap[binding.id].split(","):
                for other in bindings:
                    if other.id != binding.id and other.id not in keymap and key in other.key.split(","):
                        clashes.append(f"{key!r} given to {binding.id} was {other.id or other.action}'s key; "
                                       f"{other.id or other.action} loses it")
    return clashes


def folder_signature(root: Path, follow_links: bool = False) -> tuple:
    """What changes when a briefing file is added, removed or modified: cheap, no reads."""
    paths, _ = find_files(root, follow_links)
    signature = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        signature.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(signature)
