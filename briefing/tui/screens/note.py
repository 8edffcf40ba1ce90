"""Writing the analyst's note on an article, without leaving the reader."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from briefing.tui.look import Look, stylesheet_beside
from briefing.tui.widgets.key_hints import KeyHints


class NoteScreen(ModalScreen[str | None]):
    """A text box for the note; `ctrl+s` keeps it, `esc` leaves it as it was."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, note: str, look: Look, unsaved: bool = False) -> None:
        super().__init__()
        self.look = look
        self.article_title = title
        self.note = note
        # Reopened after a failed save: the hint says the text is not kept yet.
        self.unsaved = unsaved

    def compose(self) -> ComposeResult:
        with Vertical(id="note-body"):
            # The title is article text: shown as Text, never as markup.
            yield Static(Text(f"Note on: {self.look.title(self.article_title)}"), id="note-title")
            yield TextArea(self.note, id="note-text", soft_wrap=True, tab_behavior="focus")
            hint = ("NOT SAVED (see the message): ctrl+s tries again, esc drops the text"
                    if self.unsaved else "ctrl+s saves, esc cancels; an empty note removes it")
            yield Static(Text(hint), id="note-hint", classes="-unsaved" if self.unsaved else "")
        yield KeyHints()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
