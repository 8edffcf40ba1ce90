"""The reader's screen: the article list, the reading pane and the key points, and the keys that work in them.

It is given its services (index, search, review, articles) and turns what
they report, as messages, into what the panes show. The list's contents come
from :mod:`briefing.listing`, every change of a mark from :mod:`briefing.review`.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from briefing.listing import Listing, Problems, needs_whole, page
from briefing.model import Entry
from briefing.review import Outcome
from briefing.sanitize import clean_line
from briefing.search.catalogue import Snapshot
from briefing.search.results import Results
from briefing.stories.story import StoriesOfList, additions, arrival_order, stories_of
from briefing.team import team_lines
from briefing.tui import bindings
from briefing.tui import messages as m
from briefing.tui.commands import ArticleCommands
from briefing.tui.look import Look, stylesheet_beside
from briefing.tui.panes import Panes
from briefing.tui.screens.help import HelpScreen, KeyGroup
from briefing.tui.screens.fetching import Fetching
from briefing.tui.screens.linking import Linking
from briefing.tui.screens.reader_entities import EntityBrowsing
from briefing.tui.screens.reviewing import Reviewing
from briefing.tui.screens.searching import Searching
from briefing.tui.screens.stories import StoriesScreen
from briefing.tui.screens.watching import Watching
from briefing.tui.services import Pace, Services
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.key_hints import KeyHints
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.reading_pane import ReadingPane
from briefing.tui.widgets.search_bar import SearchBar, SearchInput
from briefing.tui.widgets.watch_list import WatchList


class ReaderScreen(Searching, Reviewing, Watching, Linking, Fetching, EntityBrowsing, Screen[None],
                   inherit_bindings=False):
    """Three panes side by side (fewer on a narrow terminal), a search bar and the key line."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    COMMANDS = {ArticleCommands}
    BINDINGS = bindings.READER

    def __init__(self, services: Services, look: Look, widths: dict[str, int], pace: Pace | None = None) -> None:
        super().__init__()
        self.services = services
        self.review = services.review
        self.look = look
        self.pace = pace or Pace()
        self.listing = Listing()
        # The folder's articles as last read, the search results in force, the article in the reading pane.
        self.snapshot: Snapshot | None = None
        self._by_rel: dict[str, Entry] = {}
        # The library's stories, grouped once per list (not at every open).
        self._stories = StoriesOfList()
        self.results: Results | None = None
        self.shown: m.Shown | None = None
        self.panes = Panes(self, widths, services.preferences,
                           lambda text, severity: self.notify(text, severity=severity, timeout=3, markup=False))
        self.problems = Problems(look.glyphs.ellipsis)
        # At start, the article read last and the place in it, until the list has it.
        self._resume_offset: tuple[str, int] | None = None
        self._follow: Timer | None = None
        self._reading: Timer | None = None
        # The last change to many articles (A, u on a selection), for ctrl+z.
        self.last_batch = None
        # What the status line (the reading pane's lower border) says, by what says it.
        self._status: dict[str, str] = {}
        self._watching_init()
        self._entities_init()

    def compose(self) -> ComposeResult:
        yield SearchBar(self.services.search, self.look, self.pace.search, id="search")
        with Horizontal(id="panes"):
            yield ArticleList(self.look, id="articles")
            yield WatchList(self.look, id="watches")
            yield ReadingPane(self.look, id="reader")
            yield KeyPointsPanel(self.look, id="keypoints")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#articles").border_title = "Articles"
        self.query_one("#reader").border_title = "Reading"
        self.query_one("#keypoints").border_title = "Key points"
        self.query_one(ArticleList).focus()
        self.panes.apply()
        if self.services.watching is not None:
            self.services.watching.start(self)
        if self.services.fetching is not None:
            self.services.fetching.start(self)
        self.services.indexing.start(self)
        self.set_interval(self.pace.poll, self._every_while)

    def on_resize(self, event: events.Resize) -> None:
        # The app's own size follows a moment later; the event has the new one.
        self.panes.apply(event.size.width)

    def on_screen_resume(self) -> None:
        self.panes.apply()  # the terminal may have been resized under a dialog

    def library(self) -> list[Entry]:
        """Every article of the folder, listed or not (not to be changed)."""
        return self.snapshot.entries if self.snapshot else []

    # The list

    def on_list_read(self, message: m.ListRead) -> None:
        snapshot = message.snapshot
        if snapshot is None:
            # No index yet: the first build is running and fills the list as it commits.
            self.query_one(ArticleList).set_entries([], f"Indexing {self.services.content}{self.look.glyphs.ellipsis}")
            return
        # Only a whole list before says what arrived; the rest of a first screen's list did not.
        before = set(self._by_rel) if self.snapshot is not None and self.snapshot.complete else None
        self.note_arrivals(before, snapshot.entries)
        self.snapshot = snapshot
        self._by_rel = {e.rel: e for e in snapshot.entries}
        self._say_problem(self.review.load(snapshot.entries))
        self.refresh_list()
        self._resume(final=snapshot.complete)
        if not snapshot.complete:
            # The first rows are drawn: the rest waits until the first screen (its article too) has settled.
            self.set_timer(self.pace.rest, self.services.indexing.read_rest)
        news = self.problems.news(snapshot)
        if news:
            # File names are untrusted text: never read as markup.
            self.notify(news[1], title=news[0], severity="warning", timeout=10, markup=False)

    def refresh_list(self) -> None:
        """Show the whole library, or the results of the query in force, as the listing asks."""
        if self.snapshot is None:
            return
        articles = self.query_one(ArticleList)
        hits = self.results.hits if self.results is not None else None
        if not self.snapshot.complete and needs_whole(self.listing, hits, self.hidden):
            articles.set_entries([], f"Reading the list{self.look.glyphs.ellipsis}")
            return
        shown = page(self.snapshot.entries, self.review.states, self.listing, hits, total=self.snapshot.total,
                     folder=str(self.services.content), separator=self.look.glyphs.separator, by_rel=self._by_rel,
                     hidden=self.hidden, show_hidden=self.show_hidden)
        articles.set_states(self.review.states)
        # A saved search's name is outside text (its file may have been written by anything): as text, never markup.
        named = f"{clean_line(self.listed_watch)}: " if self.listed_watch and hits is not None else ""
        articles.border_title = Text(named + shown.title)
        articles.set_entries(shown.entries, shown.empty, shown.snippets if hits is not None else None)

    def action_cycle_order(self) -> None:
        self.listing = self.listing.next_order(searching=self.results is not None)
        self.refresh_list()

    # The index

    def on_index_progress(self, message: m.IndexProgress) -> None:
        if not message.progress.finished:
            self._index_status(f"Indexing {message.progress.summary()}")

    def on_index_busy(self, _: m.IndexBusy) -> None:
        self._index_status("Index busy (another Briefing is updating it)")
        if self.snapshot is None:
            self.services.indexing.read_list(or_files=True)

    def on_index_failed(self, message: m.IndexFailed) -> None:
        self._index_status("Search unavailable")
        self.notify(f"Search is unavailable: {message.reason}", severity="error", timeout=10, markup=False)
        if self.snapshot is None:
            self.services.indexing.read_files()

    async def on_index_ready(self, message: m.IndexReady) -> None:
        self._index_status("")
        for notice in message.notices:
            self.notify(notice, severity="warning", markup=False)
        if message.snapshot is not None:
            self.on_list_read(m.ListRead(message.snapshot))
        if self.snapshot is not None and not self.snapshot.entries:
            await self.query_one(ReadingPane).show(
                None, f"No briefing files (.txt, .md) were found in {self.services.content}.")
            self.query_one(KeyPointsPanel).show(None)
        query = self.query_one(SearchBar).input.value
        if query.strip():
            self.services.search.run(query)
        self.refresh_watching()

    def _index_status(self, text: str) -> None:
        self.set_status("index", text)

    def set_status(self, what: str, text: str) -> None:
        """The status line: the reading pane's lower border, what each of indexing and fetching says."""
        self._status[what] = text
        # It quotes feeds' names and what their servers said: text, never markup.
        status = self.look.glyphs.separator.join(t for t in self._status.values() if t)
        self.query_one(ReadingPane).border_subtitle = Text(status)

    # Following the list

    def on_article_highlighted(self, message: m.ArticleHighlighted) -> None:
        self._stop(self._follow)
        entry = message.entry
        if self.shown is None:
            self.open(entry, "followed")
        else:
            self._follow = self.set_timer(self.pace.follow, lambda: self.open(entry, "followed"))

    def on_article_chosen(self, message: m.ArticleChosen) -> None:
        self._stop(self._follow)
        if self.shown is not None and self.shown.rel == message.entry.rel:
            self._stop(self._reading)
            self.apply(self.review.mark_read(message.entry))  # already shown: read now
        else:
            self.open(message.entry, "asked")
        self.panes.open_reader()
        self.query_one(ReadingPane).focus()

    def open(self, entry: Entry, opened: m.Opened) -> None:
        """Read *entry* off the keyboard's path; it is shown when :class:`ArticleShown` comes back."""
        if opened == "followed" and self.shown is not None and self.shown.rel == entry.rel:
            return
        self.run_worker(partial(self._read_article, entry, opened), thread=True, exclusive=True, group="show")

    def _read_article(self, entry: Entry, opened: m.Opened) -> None:
        worker = get_current_worker()  # cancelled when another article is opened
        article, problem = self.services.articles.get(entry.path)
        if worker.is_cancelled:
            return
        # The rest of its story, and what it adds to the reports just before it (read too, and kept).
        story = self._stories(self.library()).story(entry)
        others = [e for e in story.entries if e.rel != entry.rel] if story else []
        added = None
        if article is not None and story is not None:
            added = additions(entry, article, story, lambda e: self.services.articles.get(e.path)[0],
                              cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(m.ArticleShown(m.Shown(entry, article, problem, others, added, opened)))

    async def on_article_shown(self, message: m.ArticleShown) -> None:
        shown = self.shown = message.shown
        reader = self.query_one(ReadingPane)
        reader.border_title = "Reading"
        await reader.show(shown.article,
                          f"{shown.problem}\n\nThe list is brought up to date at the next check of the folder.")
        self._stop(self._reading)
        # Asked for: read now, drawn with the rest. Passed over in the list: read once it has stayed a moment.
        read = self.review.mark_read(shown.entry) if shown.article is not None and shown.opened == "asked" else None
        self.show_marks()
        if read is not None and read.message:
            self.tell(read)
        self.mark_hits()
        self.show_wanted_sentence(shown)
        if shown.article is not None:
            if self._resume_offset and self._resume_offset[0] == shown.rel:
                reader.restore_offset(self._resume_offset[1])
            if shown.opened != "asked":
                self._reading = self.set_timer(self.pace.read, partial(self._read_if_still_shown, shown.entry))
        self._resume_offset = None

    def _read_if_still_shown(self, entry: Entry) -> None:
        if self.shown is not None and self.shown.rel == entry.rel:
            self.apply(self.review.mark_read(entry))

    def show_marks(self) -> None:
        """Bring the list's marks, the note and the sidebar's marks up to date."""
        self.query_one(ArticleList).set_states(self.review.states)
        if self.panes.list_pane == "watches":
            self.show_watch_counts()
        reader = self.query_one(ReadingPane)
        shown = self.shown
        state = self.review.state(shown.entry) if shown is not None else None
        reader.set_note(state.note if state else "")
        reader.set_team(team_lines(state, glyphs=self.look.glyphs))
        self.query_one(KeyPointsPanel).show(reader.article, state.marks if state else {},
                                            shown.related if shown else [], shown.additions if shown else None)

    def apply(self, outcome: Outcome | None) -> None:
        """Show what a change came to: the marks as saved, and a word if there is one."""
        if outcome is None:
            return
        if outcome.message:
            self.tell(outcome)
        self.show_marks()

    def tell(self, outcome: Outcome) -> None:
        """Say what a change came to (a saved mark's word, or why it could not be saved)."""
        self.notify(outcome.message, severity=outcome.severity, timeout=10 if outcome.severity == "error" else 2,
                    markup=False)

    def jump_to(self, entry: Entry) -> None:
        """Open *entry* (from the palette, a story, related coverage), listing the whole library if need be."""
        articles = self.query_one(ArticleList)
        if all(e.rel != entry.rel for e in articles.entries):
            self.listing = self.listing.filtered("all")
            if self.results is not None:
                self.query_one(SearchInput).clear_quietly()
                self.clear_search()  # lists the whole library again
            else:
                self.refresh_list()
        for index, listed in enumerate(articles.entries):
            if listed.rel == entry.rel:
                articles.cursor = index
                articles.focus()
                articles.action_open()
                return
        self.notify("That article is no longer in the folder.", timeout=3)

    def on_related_chosen(self, message: m.RelatedChosen) -> None:
        self.jump_to(message.entry)

    def action_next_related(self) -> None:
        """Open the next article of the shown one's story, in the order the coverage came in."""
        if self.shown is None or not self.shown.related:
            self.notify("No related coverage for this article.", timeout=3)
            return
        story = sorted([self.shown.entry, *self.shown.related], key=arrival_order)
        self.jump_to(story[(story.index(self.shown.entry) + 1) % len(story)])

    def action_stories(self) -> None:
        """The stories of the whole folder, with a story's figures side by side."""
        screen = StoriesScreen(stories_of(self.library()), lambda e: self.services.articles.get(e.path)[0], self.look)
        self.app.push_screen(screen, lambda entry: self.jump_to(entry) if entry is not None else None)

    def on_sentence_wanted(self, message: m.SentenceWanted) -> None:
        self.query_one(ReadingPane).highlight(message.anchor)

    # The panes

    def action_reader(self, action: str) -> None:
        getattr(self.query_one(ReadingPane), f"action_{action}")()

    def action_toggle_points(self) -> None:
        if self.panes.toggle_points():
            self.query_one(KeyPointsPanel).focus()

    def action_focused_reading(self) -> None:
        if self.panes.toggle_focused_reading():
            self.query_one(ReadingPane).focus()

    def action_back(self) -> None:
        """Back to the list: from the reading pane on a narrow screen, or from focused reading."""
        self.panes.back_to_list()
        self.query_one(ArticleList).focus()

    def action_resize(self, step: int) -> None:
        self.panes.resize("keypoints" if self.focused is self.query_one(KeyPointsPanel) else "articles", step)

    def action_focus_next(self) -> None:
        self.focus_next()

    def action_focus_previous(self) -> None:
        self.focus_previous()

    # The reader as a whole

    async def action_quit(self) -> None:
        await self.app.action_quit()  # which keeps the place first, for ctrl+q too

    def key_groups(self) -> list[KeyGroup]:
        """Where keys work, by the name the help screen gives each."""
        return [
            ("Everywhere", (self.app, self)),
            ("Article list", (self.query_one(ArticleList),)),
            ("Reading pane", (self.query_one(ReadingPane),)),
            ("Key points", (self.query_one(KeyPointsPanel),)),
            ("Search box", (self.query_one(SearchInput),)),
        ]

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.key_groups()))

    # Where the analyst left off

    def _resume(self, final: bool = True) -> None:
        """Once, at start: highlight the article read last (*final*: or give up); its offset is applied when shown."""
        articles = self.query_one(ArticleList)
        place = self.review.starting_place(articles.entries, final)
        if place is not None:
            self._resume_offset = (place.rel, place.offset)
            articles.cursor = place.index

    # Small things
    def _say_problem(self, problem: str | None) -> None:
        if problem:
            self.notify(problem, severity="error", markup=False)

    @staticmethod
    def _stop(timer: Timer | None) -> None:
        if timer is not None:
            timer.stop()
