"""What the analyst records: read marks, stars, flags, notes and key-point marks.

Kept in SQLite (WAL, synchronous FULL) in the user's data directory, one
transaction per change, so a change the reader has shown is on disk: a kill,
a crash or a second reader cannot take it back. Each write changes one field
of one article, never a whole row read earlier, so two readers editing
different things never overwrite each other.

An article's state is found by its path and content hash together; failing
that, by its path (the file was edited), then by its hash where the file it
was recorded for is gone (the file was renamed). State for files that
disappear is kept.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from briefing.model import Entry
from briefing.sanitize import clean_text

Flag = Literal["read", "starred", "flagged"]
Mark = Literal["verified", "disputed"]
FLAGS: tuple[Flag, ...] = ("read", "starred", "flagged")
MARKS: tuple[Mark, ...] = ("verified", "disputed")
FILE_NAME = "state.sqlite"
# How long a change or the opening waits for another process's write.
OPEN_TIMEOUT = 10.0
EXPORT_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS article_state (
    id INTEGER PRIMARY KEY,
    folder TEXT NOT NULL,
    path TEXT NOT NULL,
    digest TEXT NOT NULL DEFAULT '',
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    flagged INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS article_state_path ON article_state (folder, path);
CREATE INDEX IF NOT EXISTS article_state_digest ON article_state (folder, digest);
CREATE TABLE IF NOT EXISTS point_marks (
    article INTEGER NOT NULL REFERENCES article_state (id) ON DELETE CASCADE,
    point TEXT NOT NULL,
    mark TEXT NOT NULL,
    PRIMARY KEY (article, point)
);
CREATE TABLE IF NOT EXISTS preferences (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS folder_state (
    folder TEXT PRIMARY KEY,
    path TEXT,
    digest TEXT,
    position INTEGER NOT NULL DEFAULT 0
);
"""


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


def default_state_path() -> Path:
    env = os.environ.get("BRIEFING_STATE_DIR")
    if env:
        return Path(env).expanduser() / FILE_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir("briefing")) / FILE_NAME


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class StateStore:
    """The state of every content folder, in one SQLite file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_state_path()
        # The reader reads from a worker thread and writes from the main one.
        self.lock = threading.RLock()
        deadline = time.monotonic() + OPEN_TIMEOUT
        while True:
            try:
                self.con = self._connect()
                return
            except sqlite3.OperationalError as exc:
                # Two processes creating the file at once: switching it to WAL
                # takes a lock SQLite does not wait for. The other one finishes
                # in moments; try again.
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise StateError(f"cannot open the state file {self.path}: {exc}") from None
                time.sleep(0.05)
            except (OSError, sqlite3.Error) as exc:
                raise StateError(f"cannot open the state file {self.path}: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=OPEN_TIMEOUT, isolation_level=None, check_same_thread=False)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
            con.executescript(_SCHEMA)
        except BaseException:
            con.close()
            raise
        return con

    def close(self) -> None:
        self.con.close()

    def folder(self, content: Path) -> FolderState:
        return FolderState(self, content)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write, taken under the database's write lock from its first read."""
        with self.lock:
            try:
                self.con.execute("BEGIN IMMEDIATE")
                try:
                    yield self.con
                    self.con.execute("COMMIT")
                except BaseException:
                    # SQLite has already rolled back after some errors (a full
                    # disk): a second ROLLBACK would hide the real reason.
                    if self.con.in_transaction:
                        with suppress(sqlite3.Error):
                            self.con.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise StateError(f"could not save to {self.path}: {exc}") from None

    def preference(self, name: str) -> str | None:
        """A choice the user made in the reader (a pane's width, a theme), or None."""
        with self.lock:
            try:
                row = self.con.execute("SELECT value FROM preferences WHERE name = ?", (name,)).fetchone()
            except sqlite3.Error:
                return None
        return row[0] if row else None

    def set_preference(self, name: str, value: str) -> None:
        with self.transaction() as con:
            con.execute("INSERT OR REPLACE INTO preferences (name, value) VALUES (?, ?)", (name, value))

    def data_version(self) -> int:
        """Changes when another connection commits: the cue to reload."""
        with self.lock:
            return self.con.execute("PRAGMA data_version").fetchone()[0]


class FolderState:
    """The state of the articles of one content folder."""

    def __init__(self, store: StateStore, content: Path) -> None:
        self.store = store
        self.content = content
        self.key = str(content.resolve())

    # Finding an article's row

    def _row(self, con: sqlite3.Connection, rel: str, digest: str) -> int | None:
        rows = con.execute(
            "SELECT id, path, digest FROM article_state WHERE folder = ? AND (path = ? OR (digest = ? AND digest != ''))"
            " ORDER BY id",
            (self.key, rel, digest),
        ).fetchall()
        row = _pick(rows, rel, digest, lambda path: not (self.content / path).exists())
        return row[0] if row else None

    def _row_for_write(self, con: sqlite3.Connection, entry: Entry) -> int:
        row = self._row(con, entry.rel, entry.digest)
        if row is None:
            cursor = con.execute(
                "INSERT INTO article_state (folder, path, digest, updated) VALUES (?, ?, ?, ?)",
                (self.key, entry.rel, entry.digest, _now()),
            )
            return int(cursor.lastrowid)
        con.execute(
            "UPDATE article_state SET path = ?, digest = CASE WHEN ? = '' THEN digest ELSE ? END, updated = ?"
            " WHERE id = ?",
            (entry.rel, entry.digest, entry.digest, _now(), row),
        )
        return row

    # Reading

    def load(self, entries: Iterable[Entry]) -> dict[str, ArticleState]:
        """The state of each of *entries* that has any, by path."""
        with self.store.lock:
            return self._load(entries)

    def _load(self, entries: Iterable[Entry]) -> dict[str, ArticleState]:
        try:
            rows = self.store.con.execute(
                "SELECT id, path, digest, read, starred, flagged, note FROM article_state WHERE folder = ?",
                (self.key,),
            ).fetchall()
            marks: dict[int, dict[str, Mark]] = {}
            for article, point, mark in self.store.con.execute(
                "SELECT m.article, m.point, m.mark FROM point_marks m JOIN article_state a ON a.id = m.article"
                " WHERE a.folder = ?",
                (self.key,),
            ):
                marks.setdefault(article, {})[point] = mark
        except sqlite3.Error as exc:
            raise StateError(f"cannot read the state file {self.store.path}: {exc}") from None
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
            row = _pick(found, entry.rel, entry.digest, lambda path: path not in listed)
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
                row = self._row(self.store.con, entry.rel, entry.digest)
                if row is None:
                    return None
                read, starred, flagged, note = self.store.con.execute(
                    "SELECT read, starred, flagged, note FROM article_state WHERE id = ?", (row,)
                ).fetchone()
                marks = dict(self.store.con.execute("SELECT point, mark FROM point_marks WHERE article = ?", (row,)))
            except sqlite3.Error as exc:
                raise StateError(f"cannot read the state file {self.store.path}: {exc}") from None
        return ArticleState(read=bool(read), starred=bool(starred), flagged=bool(flagged), note=note, marks=marks)

    # Writing: one field at a time

    def set_flag(self, entry: Entry, flag: Flag, value: bool) -> None:
        if flag not in FLAGS:
            raise ValueError(flag)
        with self.store.transaction() as con:
            row = self._row_for_write(con, entry)
            con.execute(f"UPDATE article_state SET {flag} = ? WHERE id = ?", (int(value), row))

    def set_flags(self, entries: Iterable[Entry], flag: Flag, value: bool) -> None:
        """Set *flag* on many articles (mark all read) in one transaction: all of them or none."""
        if flag not in FLAGS:
            raise ValueError(flag)
        with self.store.transaction() as con:
            for entry in entries:
                row = self._row_for_write(con, entry)
                con.execute(f"UPDATE article_state SET {flag} = ? WHERE id = ?", (int(value), row))

    def set_note(self, entry: Entry, text: str) -> None:
        with self.store.transaction() as con:
            row = self._row_for_write(con, entry)
            con.execute("UPDATE article_state SET note = ? WHERE id = ?", (clean_text(text).strip(), row))

    def set_mark(self, entry: Entry, point: str, mark: Mark | None) -> None:
        with self.store.transaction() as con:
            row = self._row_for_write(con, entry)
            if mark is None:
                con.execute("DELETE FROM point_marks WHERE article = ? AND point = ?", (row, point))
            elif mark in MARKS:
                con.execute("INSERT OR REPLACE INTO point_marks VALUES (?, ?, ?)", (row, point, mark))
            else:
                raise ValueError(mark)

    # Where the analyst left off

    def position(self) -> Position | None:
        try:
            row = self.store.con.execute(
                "SELECT path, digest, position FROM folder_state WHERE folder = ?", (self.key,)
            ).fetchone()
        except sqlite3.Error:
            return None
        return Position(row[0], row[1] or "", row[2]) if row and row[0] else None

    def remember_position(self, entry: Entry, offset: int) -> None:
        with self.store.transaction() as con:
            con.execute(
                "INSERT OR REPLACE INTO folder_state (folder, path, digest, position) VALUES (?, ?, ?, ?)",
                (self.key, entry.rel, entry.digest, max(0, int(offset))),
            )

    # Moving state between machines

    def export(self) -> dict[str, Any]:
        con = self.store.con
        rows = con.execute(
            "SELECT id, path, digest, read, starred, flagged, note, updated FROM article_state"
            " WHERE folder = ? ORDER BY path",
            (self.key,),
        ).fetchall()
        articles = []
        for id_, path, digest, read, starred, flagged, note, updated in rows:
            marks = dict(con.execute("SELECT point, mark FROM point_marks WHERE article = ? ORDER BY point", (id_,)))
            item: dict[str, Any] = {"path": path, "digest": digest, "read": bool(read),
                                    "starred": bool(starred), "flagged": bool(flagged)}
            if note:
                item["note"] = note
            if marks:
                item["marks"] = marks
            item["updated"] = updated
            articles.append(item)
        return {"briefing-state": EXPORT_VERSION, "folder": self.key, "articles": articles}

    def merge(self, data: Any) -> tuple[int, int]:
        """Merge exported state into this folder's: (articles merged, of which new).

        Nothing is taken away: a flag set on either side stays set, marks are
        added where this side has none, and two different notes are both kept.
        """
        items = _validated(data)
        merged = new = 0
        with self.store.transaction() as con:
            for item in items:
                entry = Entry(rel=item["path"], path=self.content / item["path"], title="", digest=item["digest"])
                existed = self._row(con, entry.rel, entry.digest) is not None
                row = self._row_for_write(con, entry)
                for flag in FLAGS:
                    if item[flag]:
                        con.execute(f"UPDATE article_state SET {flag} = 1 WHERE id = ?", (row,))
                if item["note"]:
                    (current,) = con.execute("SELECT note FROM article_state WHERE id = ?", (row,)).fetchone()
                    con.execute("UPDATE article_state SET note = ? WHERE id = ?",
                                (_merge_notes(current, clean_text(item["note"]).strip()), row))
                for point, mark in item["marks"].items():
                    con.execute("INSERT OR IGNORE INTO point_marks VALUES (?, ?, ?)", (row, point, mark))
                merged += 1
                new += not existed
        return merged, new


def _pick(rows: list[tuple], rel: str, digest: str, gone) -> tuple | None:
    """The row that holds the state of the file *rel* with content *digest*.

    Rows are ``(id, path, digest, ...)``. First the row for this path and
    content; then this path (the file was edited); then this content under a
    path that is *gone* (the file was renamed; a copy still present under
    its old name keeps its own state).
    """
    exact = [r for r in rows if r[1] == rel and r[2] == digest]
    same_path = [r for r in rows if r[1] == rel]
    moved = [r for r in rows if r[1] != rel and digest and r[2] == digest and gone(r[1])]
    for found in (exact, same_path, moved):
        if found:
            return min(found, key=lambda r: r[0])
    return None


def _merge_notes(mine: str, theirs: str) -> str:
    if not mine.strip() or theirs.strip() in mine:
        return theirs if not mine.strip() else mine
    if mine.strip() in theirs:
        return theirs
    return f"{mine.rstrip()}\n\n{theirs}"


def _validated(data: Any) -> list[dict[str, Any]]:
    """The articles of an export, checked field by field; raises StateError naming what is wrong."""
    if not isinstance(data, dict) or data.get("briefing-state") != EXPORT_VERSION:
        raise StateError(f"not a Briefing state export (expected 'briefing-state: {EXPORT_VERSION}' at the top)")
    articles = data.get("articles") or []
    if not isinstance(articles, list):
        raise StateError("'articles' must be a list")
    items = []
    for n, item in enumerate(articles, 1):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) or not item["path"]:
            raise StateError(f"article {n}: needs a 'path'")
        marks = item.get("marks") or {}
        if not isinstance(marks, dict) or any(
            not isinstance(k, str) or v not in MARKS for k, v in marks.items()
        ):
            raise StateError(f"article {n} ({item['path']}): marks must map key points to verified or disputed")
        note = item.get("note") or ""
        if not isinstance(note, str):
            raise StateError(f"article {n} ({item['path']}): note must be text")
        items.append({
            "path": item["path"],
            "digest": str(item.get("digest") or ""),
            **{flag: item.get(flag) is True for flag in FLAGS},
            "note": note,
            "marks": marks,
        })
    return items
