"""What is recorded of an article, and the list's filters over it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Flag = Literal["read", "starred", "flagged"]
Mark = Literal["verified", "disputed"]
FLAGS: tuple[Flag, ...] = ("read", "starred", "flagged")
MARKS: tuple[Mark, ...] = ("verified", "disputed")


class StateError(Exception):
    """The state could not be read or written; one line for the user."""


@dataclass
class ArticleState:
    read: bool = False
    starred: bool = False
    flagged: bool = False
    note: str = ""
    # Key point text -> "verified" or "disputed".
    marks: dict[str, Mark] = field(default_factory=dict)

    @property
    def noted(self) -> bool:
        return bool(self.note.strip())


# The list's filters, in the order of their keys (1..5).
FILTERS: dict[str, Any] = {
    "all": lambda s: True,
    "unread": lambda s: not s.read,
    "starred": lambda s: s.starred,
    "flagged": lambda s: s.flagged,
    "noted": lambda s: s.noted,
}


def keep(filter_name: str, state: ArticleState | None) -> bool:
    """Whether an article with *state* (None: never touched) passes *filter_name*."""
    return FILTERS[filter_name](state or ArticleState())


@dataclass(frozen=True)
class Position:
    """Where the analyst left off in a folder."""

    path: str
    digest: str
    offset: int


@dataclass(frozen=True)
class NoteSaved:
    """What saving a note did (:meth:`briefing.state.FolderState.save_note`).

    ``note`` is the note as now stored. ``conflict`` is true when the stored
    note had been changed (by another reader, an import) since the editor
    was opened on it: nothing is lost, both texts are kept in ``note``, and
    ``theirs`` is what the other change had saved.
    """

    note: str
    conflict: bool = False
    theirs: str = ""


def merge_notes(mine: str, theirs: str) -> str:
    """Both notes, one after the other; one alone where it holds the other."""
    if not mine.strip() or theirs.strip() in mine:
        return theirs if not mine.strip() else mine
    if mine.strip() in theirs:
        return theirs
    return f"{mine.rstrip()}\n\n{theirs}"
