"""The reader's one-line text box: whatever is put in it, a paste or text from a file, is shown clean."""

from __future__ import annotations

from textual.widgets import Input

from briefing.sanitize import clean_typed


class TextBox(Input):
    """An Input that never holds a control or invisible character.

    Textual's Input draws its value as it is; a paste (the first line of it,
    escape sequences and all) or a saved query read back from a file would
    reach the terminal through it, and through every echo of the value.
    """

    def validate_value(self, value: str) -> str:
        return clean_typed(value)

    def replace(self, text: str, start: int, end: int) -> None:
        # Cleaned before it goes in, so the cursor lands after what is kept of a paste.
        super().replace(clean_typed(text), start, end)
