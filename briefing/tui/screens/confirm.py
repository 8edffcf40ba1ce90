"""A yes-or-no question before a change to many articles at once."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing.tui.look import stylesheet_beside
from briefing.tui.widgets.key_hints import KeyHints


class ConfirmScreen(ModalScreen[bool]):
    """*question*; `y` does it, `n`, `q` or `esc` does not."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,q,escape", "answer(False)", "No", key_display="n", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-body"):
            # The question names article counts and titles: text, never markup.
            yield Static(Text(self.question))
            yield Static(Text("y: yes   n or esc: no"), id="confirm-hint")
        yield KeyHints()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
