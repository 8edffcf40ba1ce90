"""Naming the search in force, to keep it as a saved search."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from briefing.tui.look import stylesheet_beside
from briefing.tui.widgets.key_hints import KeyHints
from briefing.tui.widgets.text_box import TextBox
from briefing.watches import MAX_NAME


class SaveSearchScreen(ModalScreen[str | None]):
    """A name for *query* (with *filter*); `enter` saves, `esc` does not."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_search.cancel")]

    def __init__(self, query: str, filter: str, suggested: str) -> None:
        super().__init__()
        self.query_text = query
        self.filter = filter
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(id="save-search-body"):
            kept = f" (with the {self.filter} filter)" if self.filter != "all" else ""
            yield Static(Text(f"Save the search {self.query_text}{kept} as:"))
            yield TextBox(self.suggested, max_length=MAX_NAME, id="save-search-name")
            yield Static(Text("enter saves, esc cancels; W lists the saved searches"), id="save-search-hint")
        yield KeyHints()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
