"""The state file: one SQLite database per user, private, written one short transaction at a time.

WAL mode with synchronous FULL: a change is on disk when its transaction
returns, so a change the reader has shown survives a kill, a crash or a
second reader. A change that finds another process writing waits for it,
within :data:`WRITE_BUDGET`; long work (an import) commits in small
transactions so that no one waits longer than one of them.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.private import UnsafeFolder, create_private_file, private_dir
from briefing.sanitize import shown_path
from briefing.state.records import StateError

if TYPE_CHECKING:
    from briefing.state.folder import FolderState

FILE_NAME = "state.sqlite"
# SQLite's companions of the state file, checked and kept private with it.
COMPANIONS = ("-wal", "-shm", "-journal")
# How long opening waits for other processes creating or converting the file.
OPEN_TIMEOUT = 10.0
# How long one change waits for another process's write before it says it could not be saved.
WRITE_BUDGET = 3.0

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


def default_state_path() -> Path:
    env = os.environ.get("BRIEFING_STATE_DIR")
    if env:
        return Path(env).expanduser() / FILE_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir("briefing")) / FILE_NAME


def _busy(exc: sqlite3.Error) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def problem(path: Path, exc: sqlite3.Error, doing: str) -> StateError:
    """The StateError for *exc*, raised while *doing* something with the state file *path*."""
    shown = shown_path(path)
    text = " ".join(str(exc).split())
    if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text):
        return StateError(f"the state file {shown} is damaged ({text}); your marks cannot be read from it. "
                          f"Move it aside to start afresh, or recover what it holds with: "
                          f"sqlite3 {shown} .recover")
    return StateError(f"{doing} the state file {shown}: {text}")


class StateStore:
    """The state of every content folder, in one SQLite file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_state_path()
        # The reader reads from a worker thread and writes from the main one.
        self.lock = threading.RLock()
        try:
            private_dir(self.path.parent, "the state folder", file_what="the state file",
                        files=[self.path.name + suffix for suffix in ("", *COMPANIONS)])
            create_private_file(self.path, "the state file")
        except UnsafeFolder as exc:
            raise StateError(str(exc)) from None
        except OSError as exc:
            raise StateError(f"cannot open the state file {shown_path(self.path)}: {exc.strerror or exc}") from None
        deadline = time.monotonic() + OPEN_TIMEOUT
        while True:
            try:
                self.con = self._connect()
                return
            except sqlite3.OperationalError as exc:
                # Two processes creating the file at once: switching it to WAL
                # takes a lock SQLite does not wait for. The other one finishes
                # in moments; try again.
                if not _busy(exc) or time.monotonic() > deadline:
                    raise problem(self.path, exc, "cannot open") from None
                time.sleep(0.05)
            except sqlite3.Error as exc:
                raise problem(self.path, exc, "cannot open") from None

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=OPEN_TIMEOUT, isolation_level=None, check_same_thread=False)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
            con.executescript(_SCHEMA)
            # From here on a change waits no longer than its budget (see transaction()).
            con.execute(f"PRAGMA busy_timeout={int(WRITE_BUDGET * 1000)}")
        except BaseException:
            con.close()
            raise
        return con

    def close(self) -> None:
        self.con.close()

    def folder(self, content: Path) -> FolderState:
        from briefing.state.folder import FolderState

        return FolderState(self, content)

    @contextmanager
    def transaction(self, budget: float = WRITE_BUDGET) -> Iterator[sqlite3.Connection]:
        """One write, taken under the database's write lock from its first read.

        When another process holds the lock, SQLite waits for it; a lock
        that SQLite reports at once (a WAL being recovered, a connection
        switching modes) is tried again, until *budget* seconds have passed.
        """
        deadline = time.monotonic() + budget
        with self.lock:
            while True:
                try:
                    self.con.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if not _busy(exc) or time.monotonic() >= deadline:
                        raise self._unsaved(exc, budget) from None
                    time.sleep(0.02)
                except sqlite3.Error as exc:
                    raise self._unsaved(exc, budget) from None
            try:
                yield self.con
                self.con.execute("COMMIT")
            except BaseException as exc:
                # SQLite has already rolled back after some errors (a full
                # disk): a second ROLLBACK would hide the real reason.
                if self.con.in_transaction:
                    with suppress(sqlite3.Error):
                        self.con.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._unsaved(exc, budget) from None
                raise

    def _unsaved(self, exc: sqlite3.Error, budget: float) -> StateError:
        if _busy(exc):
            return StateError(f"could not save to {shown_path(self.path)}: another Briefing process kept it "
                              f"locked for over {budget:g} s ({exc}); try again")
        return problem(self.path, exc, "could not save to")

    def read(self, sql: str, args: tuple = ()) -> list[tuple]:
        """Rows of a query, or StateError saying why they could not be read."""
        with self.lock:
            try:
                return self.con.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise problem(self.path, exc, "cannot read") from None

    def preference(self, name: str) -> str | None:
        """A choice the user made in the reader (a pane's width, a theme), or None."""
        try:
            rows = self.read("SELECT value FROM preferences WHERE name = ?", (name,))
        except StateError:
            return None
        return rows[0][0] if rows else None

    def set_preference(self, name: str, value: str) -> None:
        with self.transaction() as con:
            con.execute("INSERT OR REPLACE INTO preferences (name, value) VALUES (?, ?)", (name, value))

    def data_version(self) -> int:
        """Changes when another connection commits: the cue to reload."""
        return self.read("PRAGMA data_version")[0][0]
