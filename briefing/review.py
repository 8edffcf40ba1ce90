"""Reviewing a folder's articles: read marks, stars, flags, notes, key-point marks and where one left off.

Each change is an operation with an :class:`Outcome`: whether it was saved,
the article's state as it now stands on disk, and what to tell the analyst.
A change is written at once; on failure the state read back (not the state
hoped for) is what the reader shows. Nothing here draws, so the review rules
are tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from briefing.model import Entry
from briefing.state import ArticleState, Flag, Mark, Position, StateError

Severity = Literal["information", "warning", "error"]
UNAVAILABLE = "Read marks, stars and notes cannot be kept: the state file could not be opened."
TOGGLED = {
    "starred": ("Starred", "Star removed"),
    "flagged": ("Flagged for follow-up", "Flag removed"),
    "read": ("Marked read", "Marked unread"),
}


class FolderMarks(Protocol):
    """What review needs of the state of one content folder (see :class:`briefing.state.FolderState`)."""

    def load(self, entries: Iterable[Entry]) -> dict[str, ArticleState]: ...
    def load_one(self, entry: Entry) -> ArticleState | None: ...
    def set_flag(self, entry: Entry, flag: Flag, value: bool) -> None: ...
    def set_note(self, entry: Entry, text: str) -> None: ...
    def set_mark(self, entry: Entry, point: str, mark: Mark | None) -> None: ...
    def position(self) -> Position | None: ...
    def remember_position(self, entry: Entry, offset: int) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What a change came to."""

    saved: bool
    # The article's state as read back after the change (None: it could not be read).
    state: ArticleState | None
    # For the analyst; empty when the change speaks for itself on screen.
    message: str = ""
    severity: Severity = "information"


@dataclass(frozen=True)
class Place:
    """Where to open at start: the row of the list and the offset in the article."""

    index: int
    rel: str
    offset: int


class Review:
    """The marks on one folder's articles, as loaded and as changed here."""

    def __init__(self, marks: FolderMarks | None, changes: Callable[[], int] | None = None) -> None:
        self.marks = marks
        # A number that moves when another process commits a change (SQLite's data_version).
        self._changes = changes or (lambda: 0)
        self._seen = self._changes()
        self.states: dict[str, ArticleState] = {}
        self._start = marks.position() if marks is not None else None
        self._remembered: tuple[str, int] | None = None

    @property
    def available(self) -> bool:
        return self.marks is not None

    def state(self, entry: Entry) -> ArticleState:
        return self.states.get(entry.rel) or ArticleState()

    def load(self, entries: Iterable[Entry]) -> str | None:
        """Read the state of *entries*; a message when it cannot be read (the last states stay)."""
        if self.marks is None:
            return None
        try:
            self.states = self.marks.load(entries)
        except StateError as exc:
            return str(exc)
        return None

    def changed_elsewhere(self) -> bool:
        """Whether another reader has changed the state since the last look."""
        version = self._changes()
        changed, self._seen = version != self._seen, version
        return changed

    # Changes

    def toggle(self, entry: Entry, flag: Flag) -> Outcome:
        value = not getattr(self.state(entry), flag)
        outcome = self._save(entry, lambda marks: marks.set_flag(entry, flag, value))
        if outcome.saved:
            return Outcome(True, outcome.state, TOGGLED[flag][0 if value else 1])
        return outcome

    def mark_read(self, entry: Entry) -> Outcome | None:
        """Mark *entry* read; None when it already is."""
        if self.state(entry).read or self.marks is None:
            return None
        return self._save(entry, lambda marks: marks.set_flag(entry, "read", True))

    def note(self, entry: Entry, text: str) -> Outcome | None:
        """Keep *text* as the note on *entry* (empty removes it); None when nothing changed."""
        if text.strip() == self.state(entry).note.strip():
            return None
        outcome = self._save(entry, lambda marks: marks.set_note(entry, text))
        if outcome.saved:
            return Outcome(True, outcome.state, "Note saved" if text.strip() else "Note removed")
        return outcome

    def mark_point(self, entry: Entry, point: str, mark: Mark) -> Outcome:
        """Mark a key point verified or disputed; the same mark again clears it."""
        chosen = None if self.state(entry).marks.get(point) == mark else mark
        return self._save(entry, lambda marks: marks.set_mark(entry, point, chosen))

    def _save(self, entry: Entry, change: Callable[[FolderMarks], None]) -> Outcome:
        """Write one change at once; read back only this article, so what is on disk is what is shown."""
        if self.marks is None:
            return Outcome(False, None, UNAVAILABLE, "error")
        try:
            change(self.marks)
        except StateError as exc:
            saved, message = False, f"Not saved: {exc}"
        else:
            saved, message = True, ""
        try:
            state = self.marks.load_one(entry)
        except StateError:
            state = None
        if state is not None:
            self.states[entry.rel] = state
        return Outcome(saved, state, message, "information" if saved else "error")

    # Where the analyst left off

    def starting_place(self, entries: Sequence[Entry]) -> Place | None:
        """Once, at start: the article read last, found by path or (renamed) by content."""
        position, self._start = self._start, None
        if position is None:
            return None
        for index, entry in enumerate(entries):
            if entry.rel == position.path or (position.digest and entry.digest == position.digest):
                return Place(index, entry.rel, position.offset)
        return None

    def remember_place(self, entry: Entry, offset: int) -> None:
        """Keep where the analyst is; a failure is let go (the marks are what must be kept)."""
        place = (entry.rel, int(offset))
        if self.marks is None or place == self._remembered:
            return
        try:
            self.marks.remember_position(entry, place[1])
            self._remembered = place
        except StateError:
            pass
