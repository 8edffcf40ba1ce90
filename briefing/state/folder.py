"""The state of the articles of one content folder: read, and changed one field at a time.

Each write changes one field of one article, never a whole row read earlier,
so two readers editing different things never overwrite each other; a
toggle flips what is stored now, not what a view showed; and a note saved
from an editor opened on an older version of it keeps both versions.

An article's state is found by its path and content hash together; failing
that, by its path (the file was edited), then by its hash where the file it
was recorded for is gone (the file was renamed). State for files that
disappear is kept.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from briefing.library import path_of
from briefing.model import Entry
from briefing.sanitize import clean_line, clean_text
from briefing.state.records import FLAGS, MARKS, ArticleState, Flag, Mark, NoteSaved, Position, merge_notes
from briefing.state.store import StateStore, problem


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def pick(rows: list[tuple], rel: str, digest: str, gone: Callable[[str], bool]) -> tuple | None:
    """The row that holds the state of the file *rel* with content *digest*.

    Rows are ``(id, path, digest, ...)``. First the row for this path and
    content; then this path (the file was edited); then this content under a
    path that is *gone* (the file was renamed; a copy still present under
    its old name keeps its own state).
    """
    exact = [r for r in rows if r[1] == rel and r[2] == digest]
    same_path = [r for r in rows if r[1] == rel]
    for found in (exact, same_path):
        if found:
            return min(found, key=lambda r: r[0])
    moved = [r for r in rows if r[1] != rel and digest and r[2] == digest and gone(r[1])]
    return min(moved, key=lambda r: r[0]) if moved else None


class FolderState:
    """The state of the articles of one content folder."""

    def __init__(self, store: StateStore, content: Path) -> None:
        self.store = store
        self.content = content
        self.key = str(content.resolve())

    def gone(self, rel: str) -> bool:
        return not path_of(self.content, rel).exists()

    # Finding an article's row

    def row(self, con: sqlite3.Connection, rel: str, digest: str) -> int | None:
        rows = con.execute(
            "SELECT id, path, digest FROM article_state WHERE folder = ? AND path = ?"
            " UNION SELECT id, path, digest FROM article_state WHERE folder = ? AND digest = ? AND digest != ''",
            (self.key, rel, self.key, digest),
        ).fetchall()
        row = pick(rows, rel, digest, self.gone)
        return row[0] if row else None

    def row_for_write(self, con: sqlite3.Connection, entry: Entry) -> int:
        row = self.row(con, entry.rel, entry.digest)
        if row is None:
            cursor = con.execute(
                "INSERT INTO article_state (folder, path, digest, updated) VALUES (?, ?, ?, ?)",
                (self.key, entry.rel, entry.digest, now()),
            )
            return int(cursor.lastrowid)
        con.execute(
            "UPDATE article_state SET path = ?, digest = CASE WHEN ? = '' THEN digest ELSE ? END, updated = ?"
            " WHERE id = ?",
            (entry.rel, entry.digest, entry.digest, now(), row),
        )
        return row

    # Reading

    def load(self, entries: Iterable[Entry]) -> dict[str, ArticleState]:
        """The state of each of *entries* that has any, by path."""
        rows = self.store.read(
            "SELECT id, path, digest, read, starred, flagged, note FROM article_state WHERE folder = ?", (self.key,)
        )
        marks: dict[int, dict[str, Mark]] = {}
        for article, point, mark in self.store.read(
            "SELECT m.article, m.point, m.mark FROM point_marks m JOIN article_state a ON a.id = m.article"
            " WHERE a.folder = ?",
            (self.key,),
        ):
            marks.setdefault(article, {})[point] = mark
        candidates: dict[str, list[tuple]] = {}
        for r in rows:
            candidates.setdefault(r[1], []).append(r)
            if r[2]:
                candidates.setdefault(r[2], []).append(r)
        entries = list(entries)
        listed = {e.rel for e in entries}
        states: dict[str, ArticleState] = {}
        for entry in entries:
            found = candidates.get(entry.rel, []) + (candidates.get(entry.digest, []) if entry.digest else [])
            row = pick(found, entry.rel, entry.digest, lambda path: path not in listed)
            if row is None:
                continue
            states[entry.rel] = ArticleState(
                read=bool(row[3]), starred=bool(row[4]), flagged=bool(row[5]), note=row[6],
                marks=marks.get(row[0], {}),
            )
        return states

    def load_one(self, entry: Entry) -> ArticleState | None:
        """The state of one article (after a change to it), without reading the others'."""
        with self.store.lock:
            try:
                row = self.row(self.store.con, entry.rel, entry.digest)
                if row is None:
                    return None
                read, starred, flagged, note = self.store.con.execute(
                    "SELECT read, starred, flagged, note FROM article_state WHERE id = ?", (row,)
                ).fetchone()
                marks = dict(self.store.con.execute("SELECT point, mark FROM point_marks WHERE article = ?", (row,)))
            except sqlite3.Error as exc:
                raise problem(self.store.path, exc, "cannot read") from None
        return ArticleState(read=bool(read), starred=bool(starred), flagged=bool(flagged), note=note, marks=marks)

    # Writing: one field at a time

    def set_flag(self, entry: Entry, flag: Flag, value: bool) -> None:
        if flag not in FLAGS:
            raise ValueError(flag)
        with self.store.transaction() as con:
            row = self.row_for_write(con, entry)
            con.execute(f"UPDATE article_state SET {flag} = ? WHERE id = ?", (int(value), row))

    def set_flags(self, entries: Iterable[Entry], flag: Flag, value: bool) -> None:
        """Set *flag* on many articles (mark all read) in one transaction: all of them or none."""
        if flag not in FLAGS:
            raise ValueError(flag)
        with self.store.transaction() as con:
            for entry in entries:
                row = self.row_for_write(con, entry)
                con.execute(f"UPDATE article_state SET {flag} = ? WHERE id = ?", (int(value), row))

    def toggle_flag(self, entry: Entry, flag: Flag) -> bool:
        """Flip *flag* as it is stored now (whatever a view showed) and return its new value."""
        if flag not in FLAGS:
            raise ValueError(flag)
        with self.store.transaction() as con:
            row = self.row_for_write(con, entry)
            con.execute(f"UPDATE article_state SET {flag} = 1 - {flag} WHERE id = ?", (row,))
            (value,) = con.execute(f"SELECT {flag} FROM article_state WHERE id = ?", (row,)).fetchone()
        return bool(value)

    def set_note(self, entry: Entry, text: str) -> None:
        """Store *text* as the note, whatever the note was (see :meth:`save_note` for an editor's save)."""
        with self.store.transaction() as con:
            row = self.row_for_write(con, entry)
            con.execute("UPDATE article_state SET note = ? WHERE id = ?", (clean_text(text).strip(), row))

    def save_note(self, entry: Entry, text: str, opened_with: str) -> NoteSaved:
        """Save *text*, written in an editor opened on the note *opened_with*; never lose another's note.

        When the stored note is still *opened_with*, *text* replaces it. When
        someone else changed it since (a second reader, an import), both are
        kept, theirs first, and the result says so; a note emptied in the
        editor then leaves theirs in place.
        """
        mine = clean_text(text).strip()
        with self.store.transaction() as con:
            row = self.row_for_write(con, entry)
            (stored,) = con.execute("SELECT note FROM article_state WHERE id = ?", (row,)).fetchone()
            if stored.strip() == clean_text(opened_with).strip() or stored.strip() == mine:
                con.execute("UPDATE article_state SET note = ? WHERE id = ?", (mine, row))
                return NoteSaved(mine)
            kept = merge_notes(stored, mine) if mine else stored
            con.execute("UPDATE article_state SET note = ? WHERE id = ?", (kept, row))
        return NoteSaved(kept, conflict=True, theirs=stored)

    def set_mark(self, entry: Entry, point: str, mark: Mark | None) -> None:
        if mark is not None and mark not in MARKS:
            raise ValueError(mark)
        with self.store.transaction() as con:
            row = self.row_for_write(con, entry)
            if mark is None:
                con.execute("DELETE FROM point_marks WHERE article = ? AND point = ?", (row, clean_line(point)))
            else:
                con.execute("INSERT OR REPLACE INTO point_marks VALUES (?, ?, ?)", (row, clean_line(point), mark))

    def toggle_mark(self, entry: Entry, point: str, mark: Mark) -> Mark | None:
        """Set *mark* on the key point, or clear it where it is stored already; the point's mark now."""
        if mark not in MARKS:
            raise ValueError(mark)
        point = clean_line(point)
        with self.store.transaction() as con:
            row = self.row_for_write(con, entry)
            found = con.execute("SELECT mark FROM point_marks WHERE article = ? AND point = ?", (row, point)).fetchone()
            if found and found[0] == mark:
                con.execute("DELETE FROM point_marks WHERE article = ? AND point = ?", (row, point))
                return None
            con.execute("INSERT OR REPLACE INTO point_marks VALUES (?, ?, ?)", (row, point, mark))
        return mark

    # Where the analyst left off

    def position(self) -> Position | None:
        try:
            rows = self.store.read("SELECT path, digest, position FROM folder_state WHERE folder = ?", (self.key,))
        except Exception:
            return None
        row = rows[0] if rows else None
        return Position(row[0], row[1] or "", row[2]) if row and row[0] else None

    def remember_position(self, entry: Entry, offset: int) -> None:
        with self.store.transaction() as con:
            con.execute(
                "INSERT OR REPLACE INTO folder_state (folder, path, digest, position) VALUES (?, ?, ?, ?)",
                (self.key, entry.rel, entry.digest, max(0, int(offset))),
            )

    # Moving state between machines (briefing.state.transfer)

    def export(self) -> dict[str, Any]:
        from briefing.state.transfer import export

        return export(self)

    def merge(self, data: Any) -> tuple[int, int]:
        """Merge exported state into this folder's: (articles merged, of which new). See :mod:`briefing.state.transfer`."""
        from briefing.state.transfer import merge

        return merge(self, data)
