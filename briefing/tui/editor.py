"""Writing a note in the analyst's own editor ($VISUAL or $EDITOR)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported


class EditorError(Exception):
    """The editor could not be run; one line for the user."""


def editor_command() -> list[str]:
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            return shlex.split(value)
    for fallback in ("sensible-editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise EditorError("No editor found: set $EDITOR, or press a to write the note here.")


def edit_in_editor(app: App, text: str) -> str | None:
    """Open *text* in the editor with the reader suspended; the edited text, or None if it failed."""
    command = editor_command()
    with tempfile.TemporaryDirectory(prefix="briefing-note-") as folder:
        path = Path(folder, "note.md")
        path.write_text(text, encoding="utf-8")
        try:
            with app.suspend():
                result = subprocess.run([*command, str(path)], check=False)
        except SuspendNotSupported:
            raise EditorError("This terminal cannot hand over to an editor; press a to write the note here.") from None
        except OSError as exc:
            raise EditorError(f"Could not run {command[0]}: {exc.strerror or exc}") from None
        if result.returncode != 0:
            raise EditorError(f"{command[0]} exited with status {result.returncode}; the note was not changed.")
        return path.read_text(encoding="utf-8", errors="replace")
