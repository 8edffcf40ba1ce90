"""The search bar: a query line and what the query found (or why it could not run)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static


class SearchInput(Input):
    BINDINGS = [
        Binding("escape", "clear_search", "Clear search", show=False, id="search.clear_esc"),
        Binding("ctrl+u", "clear_search", "Clear search", key_display="^u", id="search.clear"),
        # Priority: handled as the key arrives, so a key typed right after
        # enter is already for the results, not the query.
        Binding("enter,down", "app.search_done", "To results", key_display="enter", priority=True, id="search.done"),
    ]

    class Cleared(Message):
        pass

    def action_clear_search(self) -> None:
        self.clear_quietly()
        self.post_message(self.Cleared())

    def clear_quietly(self) -> None:
        """Empty the box without a Changed message: whoever clears it says so once."""
        with self.prevent(Input.Changed):
            self.value = ""


class SearchBar(Vertical):
    """Hidden until `/`; the status line shows the count, the query in force, or the error."""

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="Search: words, \"phrase\", title:, tag:, prefix*, fuzzy~", id="search-input")
        yield Static(id="search-status")

    def set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#search-status", Static)
        status.set_class(error, "-error")
        status.update(Text(text))
