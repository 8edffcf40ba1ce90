"""Asking where to write the digest of the listed articles."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from briefing.sanitize import shown_path, unescape_name
from briefing.tui.look import stylesheet_beside
from briefing.tui.widgets.key_hints import KeyHints
from briefing.tui.widgets.text_box import TextBox


class DigestScreen(ModalScreen[Path | None]):
    """A file name for the digest; `enter` writes it, `esc` does not."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="digest.cancel")]

    def __init__(self, count: int, default: Path) -> None:
        super().__init__()
        self.count = count
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="digest-body"):
            plural = "s" if self.count != 1 else ""
            yield Static(Text(f"Write a Markdown digest of the {self.count} listed article{plural} to:"))
            # Offered in the working folder, whose name may be anyone's: shown escaped, read back unescaped.
            yield TextBox(shown_path(self.default), id="digest-path")
            yield Static(Text("enter writes, esc cancels"), id="digest-hint")
        yield KeyHints()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(Path(unescape_name(value)).expanduser() if value else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
