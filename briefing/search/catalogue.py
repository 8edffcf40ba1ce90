"""The catalogue: a small SQLite table beside the index, one row per file.

The reader builds its list from here, so it opens without reading a single
briefing file, and the indexer decides from here which files changed. A row
is written only after the Whoosh commit that holds the same article, so the
catalogue may lag the index after a kill but never runs ahead of it: the next
update simply does those files again.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from briefing.library import path_of
from briefing.model import Entry, UnreadableFile
from briefing.private import UnsafeFolder, private_dir
from briefing.search.story_table import StoryTable

FILE_NAME = "catalogue.sqlite"
# Files left out before they could be looked at (links leaving the folder,
# loops) carry no size; they are found again by every scan.
NOT_STATED = -1

# *checked*: when the file's size and time were taken (ns since the epoch), to tell whether
# they can be trusted (see ``update``); 0 in rows of catalogues written before it was kept.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    rel TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT, date TEXT, tags TEXT NOT NULL,
    size INTEGER NOT NULL, mtime INTEGER NOT NULL, digest TEXT NOT NULL, warnings TEXT NOT NULL,
    story INTEGER, checked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS skipped (
    rel TEXT PRIMARY KEY, reason TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
    checked INTEGER NOT NULL DEFAULT 0
);
-- The list's order: the reader's first screen reads its first rows through it, without a sort.
CREATE INDEX IF NOT EXISTS articles_listed ON articles (date IS NULL, date DESC, rel);
"""
# The list's order in SQL; it must stay the one the index above is made of.
LIST_ORDER = "date IS NULL, date DESC, rel"


class Known(NamedTuple):
    """What the catalogue remembers of a file, to tell whether it changed (a tuple: there are 100,000)."""

    size: int
    mtime: int
    digest: str | None  # None for a file that was skipped
    reason: str | None = None
    checked: int = 0


@dataclass
class Snapshot:
    """The catalogue as the reader needs it."""

    entries: list[Entry] = field(default_factory=list)
    # "path: why" for each file left out, and the warnings of those read.
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Set when *entries* are only the first of the list (newest first): how many the whole list has.
    total: int | None = None

    @property
    def complete(self) -> bool:
        return self.total is None


def reading_order(entry: Entry) -> tuple[bool, int, str]:
    """Newest first where dates are known, then by path."""
    date = entry.date
    return (date is None, -date.toordinal() if date else 0, entry.rel)


def by_source(entry: Entry) -> tuple:
    return (entry.source is None, (entry.source or "").casefold(), *reading_order(entry))


def by_title(entry: Entry) -> tuple:
    return (entry.title.casefold(), entry.rel)


# The orders the list offers, in the order a key cycles through them.
ORDERS: dict[str, Callable[[Entry], tuple]] = {
    "date": reading_order,
    "source": by_source,
    "title": by_title,
}


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    else:
        con = sqlite3.connect(path, timeout=5.0)
        # Readers never wait for the indexer, nor it for them.
        con.execute("PRAGMA journal_mode=WAL")
        with con:
            for table in ("articles", "skipped"):
                if con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone() and \
                        "checked" not in {row[1] for row in con.execute(f"PRAGMA table_info({table})")}:
                    # An older catalogue: its files are read and hashed once more, then trusted again.
                    con.execute(f"ALTER TABLE {table} ADD COLUMN checked INTEGER NOT NULL DEFAULT 0")
        con.executescript(_SCHEMA)
    return con


class CatalogueWriter:
    """The indexer's handle: what is known, and the changes of each commit."""

    def __init__(self, index_dir: Path) -> None:
        self.con = _connect(index_dir / FILE_NAME, readonly=False)
        self.stories = StoryTable(self.con)
        self._pending: list[tuple[str, tuple]] = []

    def known(self) -> dict[str, Known]:
        make = Known._make
        known = {
            row[0]: make(row[1:])
            for row in self.con.execute("SELECT rel, size, mtime, digest, NULL, checked FROM articles")
        }
        for row in self.con.execute("SELECT rel, size, mtime, NULL, reason, checked FROM skipped"):
            known.setdefault(row[0], make(row[1:]))
        return known

    def put(self, article, rel: str, size: int, mtime: int, digest: str,
            words: dict[str, int] | None = None, checked: int = 0) -> None:
        """*article*: a parsed :class:`Article`, or anything with its title, source, date, tags and warnings.

        *checked*: when *size* and *mtime* were taken (ns since the epoch).
        """
        row = (
            rel, article.title, article.source,
            article.date.isoformat() if article.date else None,
            json.dumps(article.tags), size, mtime, digest, json.dumps(article.warnings), checked,
        )
        # Undated articles are grouped by the day their file was written.
        grouped_on = article.date or dt.date.fromtimestamp(mtime / 1e9)
        self._pending.append(("put", (row, grouped_on, words or {})))

    def touch(self, rel: str, mtime: int, checked: int = 0) -> None:
        self._pending.append(("touch", (mtime, checked, rel)))

    def skip(self, rel: str, reason: str, size: int = NOT_STATED, mtime: int = 0, checked: int = 0) -> None:
        self._pending.append(("skip", (rel, reason, size, mtime, checked)))

    def remove(self, rel: str) -> None:
        self._pending.append(("remove", (rel,)))

    def forget_unstated(self) -> None:
        """Drop the skipped-before-looking rows; the scan in progress finds them again."""
        self._pending.append(("forget", ()))

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> None:
        """Write the changes since the last flush, in one transaction (the articles are placed later)."""
        statements = {
            "put": "INSERT OR REPLACE INTO articles (rel, title, source, date, tags, size, mtime, digest, warnings, "
                   "checked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "touch": "UPDATE articles SET mtime = ?, checked = ? WHERE rel = ?",
            "skip": "INSERT OR REPLACE INTO skipped (rel, reason, size, mtime, checked) VALUES (?, ?, ?, ?, ?)",
            "remove": "DELETE FROM articles WHERE rel = ?",
            "forget": f"DELETE FROM skipped WHERE size = {NOT_STATED}",
        }
        with self.con:
            for kind, row in self._pending:
                if kind == "put":
                    row, grouped_on, words = row
                    self.stories.sign(row[0], grouped_on, words)
                elif kind in ("remove", "skip"):
                    self.stories.forget(row[0])
                if kind in ("put", "remove"):
                    self.con.execute("DELETE FROM skipped WHERE rel = ?", row[:1])
                if kind == "skip":
                    self.con.execute("DELETE FROM articles WHERE rel = ?", row[:1])
                self.con.execute(statements[kind], row)
            self.stories.write_df()
        self._pending.clear()

    def place(self) -> int:
        """Put the articles not yet in a story into stories, oldest first (see ``briefing.stories``)."""
        with self.con:
            placed = self.stories.place_unplaced()
        return placed

    def discard(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        self.con.close()


def read_catalogue(index_dir: Path, content: Path, first: int | None = None) -> Snapshot | None:
    """The list of *content* as last indexed, newest first; None when there is none yet.

    Read at every start: at 100,000 articles every microsecond per row is a
    tenth of a second. SQLite sorts; tags and dates repeat, so each distinct
    value is decoded once; warnings are read only where there are some.
    With *first*, only that many rows are read, through the order's index (a
    screenful in milliseconds), and the snapshot says how many there are in
    all; its problems and warnings wait for the whole list.
    """
    path = index_dir / FILE_NAME
    if not path.exists():
        return None
    try:
        private_dir(index_dir, "the index folder", create=False, files=True, file_what="the index file")
    except UnsafeFolder:
        return None  # said by the update, which refuses it too
    warnings: list = []
    skipped: list = []
    total = None
    try:
        con = _connect(path, readonly=True)
        try:
            query = f"SELECT rel, title, source, date, tags, digest, story FROM articles ORDER BY {LIST_ORDER}"
            if first is None:
                rows = con.execute(query).fetchall()
                warnings = con.execute(
                    "SELECT warnings FROM articles WHERE warnings != '[]' ORDER BY rel").fetchall()
                skipped = con.execute("SELECT rel, reason FROM skipped ORDER BY rel").fetchall()
            else:
                rows = con.execute(query + " LIMIT ?", (first,)).fetchall()
                if len(rows) == first:
                    (count,) = con.execute("SELECT COUNT(*) FROM articles").fetchone()
                    total = count if count > len(rows) else None
        finally:
            con.close()
    except sqlite3.Error:
        return None
    snapshot = Snapshot(total=total)
    tags_of: dict[str, tuple[str, ...]] = {}
    dates: dict[str | None, dt.date | None] = {None: None}
    child = _child_maker(content)
    append = snapshot.entries.append
    for rel, title, source, date, tags, digest, story in rows:
        if tags not in tags_of:
            tags_of[tags] = tuple(json.loads(tags))
        if date not in dates:
            dates[date] = _date(date)
        append(Entry(rel, child(rel), title, source, dates[date], tags_of[tags], digest, story))
    for (text,) in warnings:
        snapshot.warnings.extend(json.loads(text))
    snapshot.problems = [reason for _, reason in skipped]
    return snapshot


def _child_maker(folder: Path) -> Callable[[str], Path]:
    """``folder / rel`` for many *rel*: made from parts already split (seven times faster in CPython 3.11)."""
    make = getattr(type(folder), "_from_parsed_parts", None)
    parts = getattr(folder, "_parts", None)
    if make is None or parts is None or not folder.is_absolute():
        return lambda rel: path_of(folder, rel)

    def child(rel: str) -> Path:
        # A key with an escape in it (a name that is not plain UTF-8), or an odd shape: the careful way.
        if not rel or "\\" in rel or rel.startswith(("/", "./")) or "//" in rel or "/./" in rel:
            return path_of(folder, rel)
        return make(folder._drv, folder._root, parts + rel.split("/"))

    try:
        if child("a/b.md") != folder / "a/b.md":
            return lambda rel: path_of(folder, rel)
    except Exception:
        return lambda rel: path_of(folder, rel)
    return child


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def snapshot_of_files(content: Path, follow_links: bool = False) -> Snapshot:
    """The list made by reading every file: the slow way, for when no index can be written."""
    from briefing.library import find_files
    from briefing.parse import parse_file

    snapshot = Snapshot()
    paths, snapshot.problems = find_files(content, follow_links)
    for path in paths:
        try:
            article = parse_file(path)
        except UnreadableFile as exc:
            snapshot.problems.append(str(exc))
            continue
        snapshot.entries.append(Entry.of(article, content))
        snapshot.warnings.extend(article.warnings)
    snapshot.entries.sort(key=reading_order)
    return snapshot
