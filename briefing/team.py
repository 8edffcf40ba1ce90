"""The team's marks beside one's own: who starred, flagged, noted or checked an article, and when.

With a shared archive each analyst has marks of their own (an
:class:`~briefing.state.ArticleState`, as on one machine) and sees the
others' as :class:`TeamMark` values: "flagged by ana, 2 h ago". The list's
team filters read them too. Nothing here draws, and everything shown is
cleaned text (a note from another analyst never reaches the terminal raw).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from briefing.sanitize import clean_line, clean_text
from briefing.state import ArticleState

TeamKind = Literal["starred", "flagged", "noted", "verified", "disputed"]
# The kinds are named as the reader's glyphs are (starred, flagged, noted, verified, disputed).
VERBS = {"starred": "starred", "flagged": "flagged", "noted": "noted", "verified": "verified",
         "disputed": "disputed"}
# Key-point text shown in a mark's line at most this long.
POINT_CHARS = 60


@dataclass(frozen=True)
class TeamMark:
    """One mark another analyst (or this one, elsewhere) made on an article."""

    analyst: str
    kind: TeamKind
    at: dt.datetime | None
    # The note's text, or the key point a verified/disputed mark is on.
    text: str = ""

    def describe(self, now: dt.datetime | None = None, mine: bool = False) -> str:
        """``flagged by ana, 2 h ago`` (``... on "point"`` for a key point; the note after a colon)."""
        who = "you" if mine else clean_line(self.analyst)
        line = f"{VERBS[self.kind]} by {who}"
        if self.at is not None:
            line += f", {ago(self.at, now)}"
        if self.kind in ("verified", "disputed") and self.text:
            point = clean_line(self.text)
            line += f' on "{point[:POINT_CHARS]}{"..." if len(point) > POINT_CHARS else ""}"'
        if self.kind == "noted" and self.text:
            line += ": " + clean_line(clean_text(self.text))
        return line


@dataclass
class TeamState(ArticleState):
    """An analyst's own marks on an article, and the team's (``team``: every analyst's, this one's included)."""

    team: tuple[TeamMark, ...] = field(default_factory=tuple)
    me: str = ""

    def others(self, kind: TeamKind) -> list[TeamMark]:
        return [m for m in self.team if m.kind == kind and m.analyst != self.me]

    def anyone(self, kind: TeamKind) -> bool:
        return any(m.kind == kind for m in self.team)


def team_of(state: ArticleState | None) -> tuple[TeamMark, ...]:
    return getattr(state, "team", ()) if state is not None else ()


def _flagged_by_anyone(state: Any) -> bool:
    return bool(state.flagged) or any(m.kind == "flagged" for m in team_of(state))


def _noted_by_others(state: Any) -> bool:
    me = getattr(state, "me", "")
    return any(m.kind == "noted" and m.analyst != me for m in team_of(state))


# The team's filters, after the analyst's own (keys 6 and 7).
TEAM_FILTERS: dict[str, Any] = {
    "flagged_by_anyone": _flagged_by_anyone,
    "noted_by_others": _noted_by_others,
}
TEAM_FILTER_LABELS = {
    "flagged_by_anyone": "articles flagged by anyone in the team",
    "noted_by_others": "articles others have noted",
}


def ago(at: dt.datetime, now: dt.datetime | None = None) -> str:
    """``just now``, ``5 min ago``, ``2 h ago``, ``3 d ago``, or the date."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    seconds = max(0.0, (now - at).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 86400 * 30:
        return f"{int(seconds // 86400)} d ago"
    return at.date().isoformat()


def team_lines(state: ArticleState | None, now: dt.datetime | None = None, glyphs: Any = None) -> list[str]:
    """What the reading pane says of the team's marks on an article, newest first (one's own left out).

    With *glyphs* (the reader's look), each line starts with the mark's own
    character (a star, a flag, a pencil, a tick), as the list shows one's own.
    """
    me = getattr(state, "me", "")
    marks = [m for m in team_of(state) if m.analyst != me]
    marks.sort(key=lambda m: m.at or dt.datetime.min.replace(tzinfo=dt.timezone.utc), reverse=True)
    if glyphs is None:
        return [m.describe(now) for m in marks]
    return [f"{getattr(glyphs, m.kind)} {m.describe(now)}" for m in marks]
