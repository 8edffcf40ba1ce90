"""The search bar: a query line and what the query found (or why it could not run).

The query runs once typing pauses, in the search service's worker; the
outcome comes back here first (the status line), then goes on to the screen
(the list and the hits).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from briefing.tui.look import Look, stylesheet_beside
from briefing.search.results import Results
from briefing.tui.messages import SearchCleared, SearchNotRun
from briefing.tui.services.search import Search
from briefing.tui.widgets.text_box import TextBox


# Keys that reach the terminal this close together come from a paste (or a
# program), not from fingers: a terminal without bracketed paste sends a
# paste as keys. Their query waits for PASTE_DELAY, long enough for the
# rest of the paste to be handled on a busy machine, instead of one
# query a character whenever handling a key takes longer than the pause.
PASTE_GAP = 0.01
PASTE_DELAY = 0.4


class SearchInput(TextBox):
    # When the last two keys reached the terminal (as the driver read them, not as handled).
    key_times: tuple[float, float] = (0.0, 0.0)

    async def _on_key(self, event: events.Key) -> None:
        self.key_times = (self.key_times[1], event.time)
        await super()._on_key(event)

    @property
    def pasting(self) -> bool:
        earlier, last = self.key_times
        return last - earlier < PASTE_GAP

    BINDINGS = [
        Binding("escape", "clear_search", "Clear search", show=False, id="search.clear_esc"),
        Binding("ctrl+u", "clear_search", "Clear search", key_display="^u", id="search.clear"),
        # Priority: handled as the key arrives, so a key typed right after
        # enter is already for the results, not the query.
        Binding("enter,down", "screen.search_done", "To results", key_display="enter", priority=True,
                id="search.done"),
    ]

    def action_clear_search(self) -> None:
        self.clear_quietly()
        self.post_message(SearchCleared())

    def clear_quietly(self) -> None:
        """Empty the box without a Changed message: whoever clears it says so once."""
        with self.prevent(Input.Changed):
            self.value = ""


class SearchBar(Vertical):
    """Hidden until `/`; the status line shows the count, the query in force, or the error."""

    # Its own styles and its query line's, which must outrank Input's own.
    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False

    def __init__(self, search: Search, look: Look, delay: float, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.search = search
        self.look = look
        # Typing pauses this long before the query runs.
        self.delay = delay
        self._typing: Timer | None = None

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="Search: words, \"phrase\", title:, tag:, prefix*, fuzzy~", id="search-input")
        yield Static(id="search-status")

    def on_mount(self) -> None:
        self.search.start(self)

    @property
    def input(self) -> SearchInput:
        return self.query_one(SearchInput)

    def open(self) -> SearchInput:
        self.add_class("-active")
        return self.input

    def close(self) -> None:
        self._stop_typing()
        self.search.cancel()  # a query abandoned with esc stops using the CPU
        self.remove_class("-active")
        self.set_status("")

    def set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#search-status", Static)
        status.set_class(error, "-error")
        status.update(Text(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._stop_typing()
        query = event.value
        delay = max(self.delay, PASTE_DELAY) if self.input.pasting else self.delay
        # An emptied box brings the list back, once typing pauses like any query.
        self._typing = self.set_timer(
            delay, (lambda: self.search.run(query)) if query.strip() else self.input.action_clear_search)

    def show_count(self, results: Results) -> None:
        # Called by the screen as it lists the results, so the count and the list change in one frame.
        count = len(results.hits)
        status = f"{count} result{'s' if count != 1 else ''} for {results.query.text}"
        if not results.hits and results.suggestion:
            status += f"{self.look.glyphs.dash}did you mean: {results.suggestion}"
        self.set_status(status)

    def on_search_not_run(self, message: SearchNotRun) -> None:
        # The last good results stay on screen.
        message.stop()
        self.set_status(message.reason, message.error)

    def _stop_typing(self) -> None:
        if self._typing is not None:
            self._typing.stop()
            self._typing = None
