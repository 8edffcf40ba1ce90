"""Reviewing a folder's articles: read marks, stars, flags, notes, key-point marks and where one left off.

Each change is an operation with an :class:`Outcome`: whether it was saved,
the article's state as it now stands on disk, and what to tell the analyst.
A change is written at once; on failure the state read back (not the state
hoped for) is what the reader shows. Nothing here draws, so the review rules
are tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from briefing.model import Entry
from briefing.sanitize import clean_line, clean_text
from briefing.state import ArticleState, Flag, Mark, NoteSaved, Position, StateError

Severity = Literal["information", "warning", "error"]
UNAVAILABLE = "Read marks, stars and notes cannot be kept: the state file could not be opened."
BOTH_NOTES = ("The note was changed elsewhere while you wrote (another reader or an import): "
              "both are kept, theirs first. Press a to read them together.")
THEIR_NOTE = ("The note was changed elsewhere while you wrote (another reader or an import): "
              "theirs is kept, not removed. Press a to read it.")
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
    def toggle_flag(self, entry: Entry, flag: Flag) -> bool: ...
    def save_note(self, entry: Entry, text: str, opened_with: str) -> NoteSaved: ...
    def toggle_mark(self, entry: Entry, point: str, mark: Mark) -> Mark | None: ...
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
class Batch:
    """A change made to many articles at once, with what each was before: enough to undo it."""

    flag: Flag
    value: bool
    # The articles changed, each with its value before.
    before: tuple[tuple[Entry, bool], ...]

    @property
    def count(self) -> int:
        return len(self.before)


@dataclass(frozen=True)
class Elsewhere:
    """What a look for another reader's changes found."""

    changed: bool
    # Why the state could not be looked at, said once until it can be again.
    problem: str | None = None


@dataclass(frozen=True)
class Place:
    """Where to open at start: the row of the list and the offset in the article."""

    index: int
    rel: str
    offset: int


def _count(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def shown(state: ArticleState | None) -> ArticleState | None:
    """*state* as the reader may show it: a note written by something other than Briefing (an
    older version, a hand-edited file, a tool) is cleaned like any text from outside."""
    if state is None or not state.note:
        return state
    note = clean_text(state.note)
    return state if note == state.note else replace(state, note=note)


class Review:
    """The marks on one folder's articles, as loaded and as changed here."""

    def __init__(self, marks: FolderMarks | None, changes: Callable[[], int] | None = None) -> None:
        self.marks = marks
        # A number that moves when another process commits a change (SQLite's data_version).
        self._changes = changes or (lambda: 0)
        self._seen: int | None = self._version()
        self._unseeable = False
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
            self.states = {rel: shown(state) for rel, state in self.marks.load(entries).items()}
        except StateError as exc:
            return clean_line(str(exc))
        return None

    def merge_states(self, states: dict[str, ArticleState | None], whole: bool = False) -> None:
        """States read again elsewhere (a team archive's notification); *whole*: they replace all."""
        if whole:
            self.states = {rel: shown(s) for rel, s in states.items() if s is not None}
            return
        for rel, state in states.items():
            if state is None:
                self.states.pop(rel, None)
            else:
                self.states[rel] = shown(state)

    def _version(self) -> int | None:
        try:
            return self._changes()
        except StateError:
            return None

    def changed_elsewhere(self) -> Elsewhere:
        """Whether another reader has changed the state since the last look (from a worker: never raises)."""
        try:
            version = self._changes()
        except StateError as exc:
            # Said once: the look is made every few seconds.
            problem = None if self._unseeable else clean_line(f"Marks made elsewhere cannot be looked for: {exc}")
            self._unseeable = True
            return Elsewhere(False, problem)
        # After a failure, the state is read again in case it was missed.
        changed = version != self._seen or self._unseeable
        self._seen, self._unseeable = version, False
        return Elsewhere(changed)

    # Changes

    def toggle(self, entry: Entry, flag: Flag) -> Outcome:
        """Flip *flag* as it is stored now, not as this reader last saw it (another may have changed it)."""
        done: list[bool] = []
        outcome = self._save(entry, lambda marks: done.append(marks.toggle_flag(entry, flag)))
        if outcome.saved and done:
            return Outcome(True, outcome.state, TOGGLED[flag][0 if done[0] else 1])
        return outcome

    def mark_read(self, entry: Entry) -> Outcome | None:
        """Mark *entry* read; None when it already is."""
        if self.state(entry).read or self.marks is None:
            return None
        return self._save(entry, lambda marks: marks.set_flag(entry, "read", True))

    def opened_note(self, entry: Entry) -> str:
        """The note on *entry* as stored now, for an editor to open on (the last one read if it cannot be)."""
        if self.marks is not None:
            try:
                state = shown(self.marks.load_one(entry))
            except StateError:
                state = None
            else:
                if state is not None:
                    self.states[entry.rel] = state
        return self.state(entry).note

    def note(self, entry: Entry, text: str, opened_with: str | None = None) -> Outcome | None:
        """Keep *text*, written in an editor opened on the note *opened_with*, as the note on *entry*.

        Empty removes it; None when nothing changed. When another reader
        changed the note since the editor opened, neither text is lost: the
        store keeps both and the outcome says so.
        """
        opened = self.state(entry).note if opened_with is None else opened_with
        if text.strip() == opened.strip():
            return None
        saved: list[NoteSaved] = []
        outcome = self._save(entry, lambda marks: saved.append(marks.save_note(entry, text, opened)))
        if not outcome.saved or not saved:
            return outcome
        if saved[0].conflict:
            return Outcome(True, outcome.state, BOTH_NOTES if text.strip() else THEIR_NOTE, "warning")
        return Outcome(True, outcome.state, "Note saved" if text.strip() else "Note removed")

    def mark_point(self, entry: Entry, point: str, mark: Mark) -> Outcome:
        """Mark a key point verified or disputed; the same mark again (as stored now) clears it."""
        return self._save(entry, lambda marks: marks.toggle_mark(entry, point, mark))

    def set_many(self, entries: Sequence[Entry], flag: Flag, value: bool) -> tuple[Outcome, Batch | None]:
        """Set *flag* to *value* on every one of *entries* that differs; the batch done, to undo."""
        if self.marks is None:
            return Outcome(False, None, UNAVAILABLE, "error"), None
        changing = [e for e in dict.fromkeys(entries) if getattr(self.state(e), flag) != value]
        if not changing:
            word = TOGGLED[flag][0 if value else 1].lower()
            return Outcome(True, None, f"Nothing to change: every one is {word} already"), None
        done, problem = self._write_many([(e, value) for e in changing], flag)
        batch = Batch(flag, value, tuple((e, not value) for e in done)) if done else None
        label = TOGGLED[flag][0 if value else 1]
        if problem:
            return Outcome(False, None, f"{label}: {len(done)} of {len(changing)}; not saved: {problem}", "error"), batch
        return Outcome(True, None, f"{label}: {_count(len(done))} (ctrl+z undoes)"), batch

    def undo(self, batch: Batch) -> Outcome:
        """Put back what *batch* changed."""
        done, problem = self._write_many(list(batch.before), batch.flag)
        if problem:
            return Outcome(False, None, f"Undone for {len(done)} of {batch.count}; not saved: {problem}", "error")
        return Outcome(True, None, f"Undone: {_count(batch.count)} as before")

    def _write_many(self, changes: list[tuple[Entry, bool]], flag: Flag) -> tuple[list[Entry], str | None]:
        """Write each change (in one transaction where the store offers it); read them back; stop at a failure."""
        assert self.marks is not None
        done: list[Entry] = []
        problem = None
        many = getattr(self.marks, "set_flags", None)
        try:
            if many is not None:
                for value in (True, False):
                    group = [e for e, v in changes if v == value]
                    if group:
                        many(group, flag, value)
                        done += group
            else:
                for entry, value in changes:
                    self.marks.set_flag(entry, flag, value)
                    done.append(entry)
        except StateError as exc:
            problem = str(exc)
        for entry, _ in changes:
            try:
                state = self.marks.load_one(entry)
            except StateError:
                continue
            if state is not None:
                self.states[entry.rel] = shown(state)
        return done, problem

    def _save(self, entry: Entry, change: Callable[[FolderMarks], object]) -> Outcome:
        """Write one change at once; read back only this article, so what is on disk is what is shown."""
        if self.marks is None:
            return Outcome(False, None, UNAVAILABLE, "error")
        try:
            change(self.marks)
        except StateError as exc:
            saved, message = False, clean_line(f"Not saved: {exc}")
        else:
            saved, message = True, ""
        try:
            state = shown(self.marks.load_one(entry))
        except StateError:
            state = None
        if state is not None:
            self.states[entry.rel] = state
        return Outcome(saved, state, message, "information" if saved else "error")

    # Where the analyst left off

    def starting_place(self, entries: Sequence[Entry], final: bool = True) -> Place | None:
        """Once, at start: the article read last, found by path or (renamed) by content.

        Not *final*: *entries* are only the first of the list; not found there, it is looked for again.
        """
        position = self._start
        if position is None:
            return None
        for index, entry in enumerate(entries):
            if entry.rel == position.path or (position.digest and entry.digest == position.digest):
                self._start = None
                return Place(index, entry.rel, position.offset)
        if final:
            self._start = None
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
