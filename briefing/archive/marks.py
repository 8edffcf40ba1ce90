"""Each analyst's marks in the archive, and the team's: what :class:`briefing.review.Review` works with.

An analyst's own read marks, stars, flags, notes and key-point marks come
back as the ``ArticleState`` the reader already shows; the team's (everyone's
stars, flags, notes and key-point marks, with who and when) ride along in
:class:`briefing.team.TeamState`. Every change is one statement on the
analyst's own row; the database fills in the analyst and refuses a row of
anyone else's (row-level security), whatever a client sends. A failure comes
out as the ``StateError`` the reader already says "Not saved" with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from briefing.archive.connection import Archive, ArchiveError
from briefing.model import Entry
from briefing.sanitize import clean_line, clean_text
from briefing.state import FLAGS, MARKS, ArticleState, Flag, Mark, NoteSaved, Position, StateError
from briefing.state.records import merge_notes
from briefing.team import TeamMark, TeamState

T = TypeVar("T")
MAX_NOTE_CHARS = 100_000
_SELECT = (
    "SELECT a.path, m.analyst, m.read, m.starred, m.starred_at, m.flagged, m.flagged_at, m.note, m.noted_at"
    " FROM briefing.marks m JOIN briefing.articles a ON a.id = m.article"
    " WHERE (m.analyst = briefing.analyst() OR m.starred OR m.flagged OR m.note <> '')"
)
_POINTS = (
    "SELECT a.path, p.analyst, p.point, p.mark, p.marked_at"
    " FROM briefing.point_marks p JOIN briefing.articles a ON a.id = p.article"
)
_ARTICLE = "(SELECT id FROM briefing.articles WHERE path = %s)"


class ArchiveMarks:
    """The marks of the analyst this archive connection writes as (see :meth:`Archive.identity`)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    @property
    def me(self) -> str:
        """Who this analyst is in the archive (asked once; the archive must be reachable)."""
        try:
            return self.archive.identity()
        except ArchiveError as exc:
            raise StateError(str(exc)) from None

    def _run(self, work: Callable[[object], T], saying: str) -> T:
        self.me  # who one is, asked once: a name the role may not use is said as such
        try:
            return self.archive.run(work)
        except ArchiveError as exc:
            raise StateError(f"{saying}: {exc}") from None

    # Reading

    def load(self, entries: Iterable[Entry]) -> dict[str, ArticleState]:
        """The state of each of *entries* with any marks (own or the team's), by path."""
        wanted = {e.rel for e in entries}

        def read(con):
            return con.execute(_SELECT).fetchall(), con.execute(_POINTS).fetchall()

        rows, points = self._run(read, "cannot read the archive's marks")
        return self._states(rows, points, wanted)

    def load_one(self, entry: Entry) -> ArticleState | None:
        def read(con):
            return (con.execute(_SELECT + " AND a.path = %s", (entry.rel,)).fetchall(),
                    con.execute(_POINTS + " WHERE a.path = %s", (entry.rel,)).fetchall())

        rows, points = self._run(read, "cannot read the archive's marks")
        return self._states(rows, points, {entry.rel}).get(entry.rel)

    def _states(self, rows, points, wanted: set[str]) -> dict[str, ArticleState]:
        states: dict[str, TeamState] = {}
        team: dict[str, list[TeamMark]] = {}

        def state(path: str) -> TeamState:
            return states.setdefault(path, TeamState(me=self.me))

        for path, analyst, read, starred, starred_at, flagged, flagged_at, note, noted_at in rows:
            if path not in wanted:
                continue
            analyst = clean_line(analyst)
            note = clean_text(note or "")
            found = state(path)
            if analyst == self.me:
                found.read, found.starred, found.flagged, found.note = bool(read), bool(starred), bool(flagged), note
            marks = team.setdefault(path, [])
            if starred:
                marks.append(TeamMark(analyst, "starred", starred_at))
            if flagged:
                marks.append(TeamMark(analyst, "flagged", flagged_at))
            if note.strip():
                marks.append(TeamMark(analyst, "noted", noted_at, note.strip()))
        for path, analyst, point, mark, marked_at in points:
            if path not in wanted:
                continue
            analyst = clean_line(analyst)
            found = state(path)
            if analyst == self.me:
                found.marks[point] = mark
            team.setdefault(path, []).append(TeamMark(analyst, mark, marked_at, point))
        for path, marks in team.items():
            state(path).team = tuple(marks)
        return dict(states)

    # Writing: one field of one's own row

    def _write(self, sql: str, params: tuple, entry: Entry):
        self.me

        def write(con):
            row = con.execute(sql, params).fetchone()
            if row is None:
                raise StateError(f"{clean_line(entry.rel)} is not in the archive")
            return row

        try:
            return self.archive.run(write)
        except ArchiveError as exc:
            raise StateError(f"the archive did not keep it: {exc}") from None

    def set_flag(self, entry: Entry, flag: Flag, value: bool) -> None:
        if flag not in FLAGS:
            raise ValueError(flag)
        self._write(
            f"INSERT INTO briefing.marks (article, {flag}, {flag}_at) SELECT id, %s, now() FROM briefing.articles"
            f" WHERE path = %s ON CONFLICT (article, analyst) DO UPDATE SET {flag} = excluded.{flag},"
            f" {flag}_at = now() RETURNING {flag}",
            (bool(value), entry.rel), entry)

    def toggle_flag(self, entry: Entry, flag: Flag) -> bool:
        """Flip *flag* as the archive holds it now (whatever a view showed); its new value."""
        if flag not in FLAGS:
            raise ValueError(flag)
        (value,) = self._write(
            f"INSERT INTO briefing.marks (article, {flag}, {flag}_at) SELECT id, true, now() FROM briefing.articles"
            f" WHERE path = %s ON CONFLICT (article, analyst) DO UPDATE SET {flag} = NOT briefing.marks.{flag},"
            f" {flag}_at = now() RETURNING {flag}",
            (entry.rel,), entry)
        return bool(value)

    def set_note(self, entry: Entry, text: str) -> None:
        note = clean_text(text).strip()[:MAX_NOTE_CHARS]
        self._write(
            "INSERT INTO briefing.marks (article, note, noted_at) SELECT id, %s, now() FROM briefing.articles"
            " WHERE path = %s ON CONFLICT (article, analyst) DO UPDATE SET note = excluded.note, noted_at = now()"
            " RETURNING note",
            (note, entry.rel), entry)

    def save_note(self, entry: Entry, text: str, opened_with: str) -> NoteSaved:
        """Save *text*, written in an editor opened on the note *opened_with*; never lose the note stored since.

        When this analyst's note changed meanwhile (their other session, an
        import), both are kept, the stored one first, and the result says so.
        """
        mine = clean_text(text).strip()[:MAX_NOTE_CHARS]
        opened = clean_text(opened_with).strip()

        def save(con):
            with con.transaction():
                found = con.execute(
                    "INSERT INTO briefing.marks (article) SELECT id FROM briefing.articles WHERE path = %s"
                    " ON CONFLICT (article, analyst) DO UPDATE SET note = briefing.marks.note RETURNING note",
                    (entry.rel,)).fetchone()
                if found is None:
                    raise StateError(f"{clean_line(entry.rel)} is not in the archive")
                stored = found[0].strip()
                saved = _note_saved(stored, opened, mine)
                con.execute("UPDATE briefing.marks SET note = %s, noted_at = now() WHERE article = " + _ARTICLE +
                            " AND analyst = briefing.analyst()", (saved.note, entry.rel))
                return saved

        return self._run(save, "the archive did not keep it")

    def set_mark(self, entry: Entry, point: str, mark: Mark | None) -> None:
        point = clean_line(point)[:5000]
        if mark is None:
            def clear(con):
                con.execute("DELETE FROM briefing.point_marks WHERE article = " + _ARTICLE +
                            " AND analyst = briefing.analyst() AND point = %s", (entry.rel, point))

            self._run(clear, "the archive did not keep it")
            return
        if mark not in MARKS:
            raise ValueError(mark)
        self._write(
            "INSERT INTO briefing.point_marks (article, point, mark) SELECT id, %s, %s FROM briefing.articles"
            " WHERE path = %s ON CONFLICT (article, analyst, point) DO UPDATE SET mark = excluded.mark,"
            " marked_at = now() RETURNING mark",
            (point, mark, entry.rel), entry)

    def toggle_mark(self, entry: Entry, point: str, mark: Mark) -> Mark | None:
        """Set *mark* on the key point, or clear it where the archive holds that mark already."""
        if mark not in MARKS:
            raise ValueError(mark)
        point = clean_line(point)[:5000]

        def toggle(con):
            with con.transaction():
                found = con.execute(
                    "SELECT mark FROM briefing.point_marks WHERE article = " + _ARTICLE +
                    " AND analyst = briefing.analyst() AND point = %s FOR UPDATE", (entry.rel, point)).fetchone()
                if found and found[0] == mark:
                    con.execute("DELETE FROM briefing.point_marks WHERE article = " + _ARTICLE +
                                " AND analyst = briefing.analyst() AND point = %s", (entry.rel, point))
                    return None
            return mark

        if self._run(toggle, "the archive did not keep it") is None:
            return None
        self.set_mark(entry, point, mark)
        return mark

    # Where the analyst left off (one place per analyst in the archive)

    def position(self) -> Position | None:
        try:
            row = self.archive.run(lambda con: con.execute(
                "SELECT path, digest, position FROM briefing.positions WHERE analyst = briefing.analyst()").fetchone())
        except ArchiveError:
            return None
        return Position(row[0], row[1], row[2]) if row else None

    def remember_position(self, entry: Entry, offset: int) -> None:
        self._run(lambda con: con.execute(
            "INSERT INTO briefing.positions (path, digest, position) VALUES (%s, %s, %s)"
            " ON CONFLICT (analyst) DO UPDATE SET path = excluded.path, digest = excluded.digest,"
            " position = excluded.position, updated_at = now()",
            (entry.rel, entry.digest, max(0, int(offset)))), "the archive did not keep the place")


def _note_saved(stored: str, opened: str, mine: str) -> NoteSaved:
    """What saving *mine* over *stored* keeps, the editor having opened on *opened* (the state file's rule)."""
    if stored in (opened, mine):
        return NoteSaved(mine)
    return NoteSaved(merge_notes(stored, mine) if mine else stored, conflict=True, theirs=stored)
