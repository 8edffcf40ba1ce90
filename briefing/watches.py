"""Saved searches: a query (and the list's filter with it) kept under a name, and what each has already told.

They are the analyst's own state, kept in SQLite beside the reading state
(``watches.sqlite`` in the state folder, readable by its owner only): each
change is one transaction, so two readers and a cron job saving, removing
and running searches at once never lose each other's work, and a kill never
leaves half a change. For ``briefing watch``, each search remembers, per
content folder, the articles it has already reported; a search saved from
now on counts what it matches at that moment as already seen, so its first
run reports only what arrives after.

Queries run through the search engine (:func:`matching`); nothing here draws.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing.sanitize import clean_line
from briefing.state.store import OPEN_TIMEOUT
from briefing.state.store import _busy as busy

FILE_NAME = "watches.sqlite"
MAX_NAME = 60
MAX_QUERY = 1000
# A saved search's matches are counted up to this many.
MAX_MATCHES = 10_000
FILTERS = ("all", "unread", "starred", "flagged", "noted")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    name TEXT PRIMARY KEY, query TEXT NOT NULL, filter TEXT NOT NULL DEFAULT 'all', created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seen (
    watch TEXT NOT NULL, folder TEXT NOT NULL, rel TEXT NOT NULL, first TEXT NOT NULL,
    PRIMARY KEY (watch, folder, rel)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (watch TEXT NOT NULL, folder TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (watch, folder)) WITHOUT ROWID;
"""


class WatchError(Exception):
    """A saved search that cannot be saved, found or read; the message says why."""


@dataclass(frozen=True)
class Watch:
    name: str
    query: str
    filter: str = "all"
    created: str = ""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "query": self.query, "filter": self.filter}


def default_path() -> Path:
    from briefing.state import default_state_path

    return default_state_path().parent / FILE_NAME


def check_name(name: str) -> str:
    """*name* as it will be kept, or :class:`WatchError` saying what is wrong with it."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise WatchError("a saved search needs a name")
    if clean_line(name) != cleaned:
        raise WatchError("a saved search's name cannot hold control characters")
    if len(cleaned) > MAX_NAME:
        raise WatchError(f"a saved search's name is at most {MAX_NAME} characters")
    if cleaned.startswith("-"):
        raise WatchError("a saved search's name cannot start with '-'")
    return cleaned


def check_query(query: str) -> str:
    cleaned = " ".join(query.split())
    if not cleaned:
        raise WatchError("a saved search needs a query")
    if clean_line(query) != cleaned:
        raise WatchError("a query cannot hold control characters")
    if len(cleaned) > MAX_QUERY:
        raise WatchError(f"a query is at most {MAX_QUERY} characters")
    return cleaned


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class WatchStore:
    """The saved searches, in one SQLite file shared by every reader of this user."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Created private before SQLite opens it; its journal files take the same mode.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600))
            self.con = self._connect()
        except (OSError, sqlite3.Error) as exc:
            raise WatchError(f"the saved searches in {self.path} cannot be opened ({getattr(exc, 'strerror', None) or exc})") from None

    def _connect(self) -> sqlite3.Connection:
        deadline = time.monotonic() + OPEN_TIMEOUT
        while True:
            con = sqlite3.connect(self.path, timeout=OPEN_TIMEOUT, isolation_level=None, check_same_thread=False)
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("PRAGMA synchronous=FULL")
                con.executescript(_SCHEMA)
                return con
            except sqlite3.OperationalError as exc:
                con.close()
                # Two processes creating the file at once: switching it to WAL takes a lock SQLite
                # does not wait for (as with the state file). The other finishes in moments.
                if not busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> WatchStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _write(self, statements: list[tuple[str, tuple]]) -> list[int]:
        with self.lock:
            try:
                self.con.execute("BEGIN IMMEDIATE")
                counts = [self.con.execute(sql, args).rowcount for sql, args in statements]
                self.con.execute("COMMIT")
                return counts
            except sqlite3.Error as exc:
                if self.con.in_transaction:
                    self.con.execute("ROLLBACK")
                if isinstance(exc, sqlite3.IntegrityError):
                    raise
                raise WatchError(f"the saved searches could not be saved ({exc})") from None

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            try:
                return self.con.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise WatchError(f"the saved searches cannot be read ({exc})") from None

    def watches(self) -> list[Watch]:
        return [Watch(*row) for row in self._read("SELECT name, query, filter, created FROM watches ORDER BY name COLLATE NOCASE")]

    def get(self, name: str) -> Watch | None:
        rows = self._read("SELECT name, query, filter, created FROM watches WHERE name = ?", (" ".join(name.split()),))
        return Watch(*rows[0]) if rows else None

    def add(self, name: str, query: str, filter: str = "all", replace: bool = False) -> Watch:
        """Save *query* as *name*; an existing name is kept unless *replace*."""
        watch = Watch(check_name(name), check_query(query), filter, _now())
        if filter not in FILTERS:
            raise WatchError(f"no filter {filter!r} (filters: {', '.join(FILTERS)})")
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        statements = [(f"{verb} INTO watches VALUES (?, ?, ?, ?)", (watch.name, watch.query, watch.filter, watch.created))]
        if replace:
            # A changed query starts afresh: what the old one reported says nothing of the new.
            statements += [("DELETE FROM seen WHERE watch = ?", (watch.name,)),
                           ("DELETE FROM runs WHERE watch = ?", (watch.name,))]
        try:
            self._write(statements)
        except sqlite3.IntegrityError:
            raise WatchError(f"a saved search named {watch.name!r} exists already") from None
        return watch

    def remove(self, name: str) -> bool:
        name = " ".join(name.split())
        counts = self._write([("DELETE FROM watches WHERE name = ?", (name,)),
                              ("DELETE FROM seen WHERE watch = ?", (name,)),
                              ("DELETE FROM runs WHERE watch = ?", (name,))])
        return counts[0] > 0

    # What each has told, per content folder

    def seen(self, watch: str, folder: Path) -> set[str]:
        return {r for (r,) in self._read("SELECT rel FROM seen WHERE watch = ? AND folder = ?", (watch, _key(folder)))}

    def has_run(self, watch: str, folder: Path) -> bool:
        return bool(self._read("SELECT 1 FROM runs WHERE watch = ? AND folder = ?", (watch, _key(folder))))

    def mark_seen(self, watch: str, folder: Path, rels: Iterable[str]) -> None:
        """Record *rels* as told (and this as a run of *watch* on *folder*)."""
        at, key = _now(), _key(folder)
        rows = [(watch, key, rel, at) for rel in rels]
        with self.lock:
            try:
                self.con.execute("BEGIN IMMEDIATE")
                self.con.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)", rows)
                self.con.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?)", (watch, key, at))
                self.con.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.con.in_transaction:
                    self.con.execute("ROLLBACK")
                raise WatchError(f"what was reported could not be saved ({exc})") from None


def _key(folder: Path) -> str:
    return str(folder.resolve())


def matching(engine, query: str, limit: int = MAX_MATCHES, seconds: float | None = None) -> list[str]:
    """The paths of the articles *query* finds, through the search engine (raises its QueryError).

    Within *seconds* (the engine's own deadline when None). A search cut
    short is an error, not a count: its missing articles would be reported
    as new on the next run, and a rule would leave some of its articles be.
    """
    from briefing.search.deadline import Budget
    from briefing.search.engine import DEADLINE, QueryError

    seconds = DEADLINE if seconds is None else seconds
    results = engine.search(query, limit=limit, snippets=0, budget=Budget(seconds))
    if results.partial:
        raise QueryError(f"the search took longer than {seconds:g} s and was stopped; "
                         "a narrower query finds its articles in time")
    return [hit.path for hit in results.hits]
