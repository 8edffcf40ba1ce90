"""The entity store: every name each indexed article gives, in SQLite beside the index.

One row per name and article (the first sentence naming it, the figures in
the sentences naming it, how many sentences do), looked up through an index
on (name, date): one entity's newest mentions are an ordered range scan, at
any archive size. Entities are names joined by the ties articles make
(an acronym given with its long form); each entity's article count, kind and
latest date are stored, counted again by the pass that changes them
(:mod:`.writer`), so the list of entities sorts by frequency or recency
without counting anything.

The store is derived data: it lives in the index folder, is rebuilt with the
index, and a second process writing it is kept out by a lock.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefing.entities.extract import name_key
from briefing.entities.writer import in_ids
from briefing.model import Anchor

FILE_NAME = "entities.sqlite"
# 2: the names left to count are kept (table stale); a store of 1 may list an entity twice, so is built again.
VERSION = 2
# Mentions are read a page at a time: the newest first, more as the view scrolls.
PAGE = 100
# A name typed to find an entity lists at most this many.
MAX_FOUND = 50

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (rel TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, entity INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS names_entity ON names (entity);
CREATE TABLE IF NOT EXISTS mentions (
    name INTEGER NOT NULL, rel TEXT NOT NULL, kind TEXT NOT NULL, date TEXT NOT NULL, count INTEGER NOT NULL,
    sentence TEXT NOT NULL, paragraph INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (name, rel)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_newest ON mentions (name, date DESC, rel DESC);
CREATE INDEX IF NOT EXISTS mentions_rel ON mentions (rel);
CREATE TABLE IF NOT EXISTS ties (acronym INTEGER NOT NULL, long INTEGER NOT NULL, rel TEXT NOT NULL,
    PRIMARY KEY (acronym, long, rel)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ties_rel ON ties (rel);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
    articles INTEGER NOT NULL, mentions INTEGER NOT NULL, last TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_frequent ON entities (articles DESC);
CREATE INDEX IF NOT EXISTS entities_recent ON entities (last DESC, articles DESC);
CREATE INDEX IF NOT EXISTS entities_kind ON entities (kind, articles DESC);
CREATE INDEX IF NOT EXISTS entities_key ON entities (key);
CREATE TABLE IF NOT EXISTS stale (name INTEGER PRIMARY KEY);
"""

SORTS = ("frequency", "recency")


@dataclass(frozen=True)
class Entity:
    id: int
    name: str
    kind: str
    articles: int
    mentions: int
    last: str  # ISO date of the latest article naming it ('' when none is dated)
    # Other names it is written as (acronyms, short forms), filled in where asked for.
    aliases: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "aliases": list(self.aliases), "articles": self.articles,
                "mentions": self.mentions, "latest": self.last or None}


@dataclass(frozen=True)
class Row:
    """One article naming an entity: the sentence that names it first, and the figures beside it."""

    rel: str
    date: str
    name: str  # as this article writes it
    kind: str
    sentence: str
    anchor: Anchor
    figures: tuple[str, ...]
    count: int


@dataclass
class Cursor:
    """Where the next page of an entity's mentions starts, per name (newest first)."""

    after: dict[int, tuple[str, str]] = field(default_factory=dict)
    done: set[int] = field(default_factory=set)


class StoreError(Exception):
    """The entity store cannot be read; one line for the user."""


def store_path(index_dir: Path) -> Path:
    return index_dir / FILE_NAME


def connect(index_dir: Path, readonly: bool = True) -> sqlite3.Connection:
    path = store_path(index_dir)
    try:
        if readonly:
            if not path.exists():
                raise StoreError("people, places and organisations are still being found (the index is being built)")
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0,
                                  check_same_thread=False)
        else:
            # Transactions are begun and committed by the writer, explicitly.
            con = sqlite3.connect(path, timeout=10.0, check_same_thread=False, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            # Derived data: a power cut may lose the last batch (the next pass reads it again), never the store;
            # without a sync per commit and with the pages a batch touches kept, a first build runs faster.
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA cache_size=-65536")
            con.executescript(_SCHEMA)
            con.execute("INSERT OR IGNORE INTO meta VALUES ('version', ?)", (str(VERSION),))
            (version,) = con.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
            if version != str(VERSION):
                con.close()
                # With its journal: a new store must not take up the old one's.
                for suffix in ("", "-wal", "-shm"):
                    path.with_name(path.name + suffix).unlink(missing_ok=True)
                return connect(index_dir, readonly=False)
    except sqlite3.Error as exc:
        raise StoreError(f"the store of names in {index_dir} cannot be read ({exc})") from None
    return con


# Reading -------------------------------------------------------------------


class Reader:
    """Queries for the entity view and the command line, on a read-only connection."""

    def __init__(self, index_dir: Path) -> None:
        self.con = connect(index_dir, readonly=True)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _query(self, sql: str, args: Sequence = ()) -> list[tuple]:
        try:
            return self.con.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"the store of names cannot be read ({exc})") from None

    def entities(self, kind: str | None = None, sort: str = "frequency", name: str = "",
                 limit: int = 500) -> list[Entity]:
        """The entities, most frequent (or most recent) first, of one *kind* and containing *name* if given."""
        where, args = [], []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if name.strip():
            where.append("(key LIKE ? ESCAPE '\\' OR id IN (SELECT entity FROM names WHERE key LIKE ? ESCAPE '\\'))")
            like = "%" + _escape_like(name_key(name)) + "%"
            args += [like, like]
        order = "articles DESC, last DESC" if sort == "frequency" else "last DESC, articles DESC"
        sql = "SELECT id, name, kind, articles, mentions, last FROM entities"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._query(f"{sql} ORDER BY {order}, id LIMIT ?", [*args, limit])
        return [Entity(*row) for row in rows]

    def count(self, kind: str | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM entities", []
        if kind:
            sql, args = sql + " WHERE kind = ?", [kind]
        return self._query(sql, args)[0][0]

    def find(self, name: str) -> list[Entity]:
        """The entities written *name* (any of their names); failing that, those whose names begin or contain it."""
        key = name_key(name)
        exact = self._query("SELECT DISTINCT entity FROM names WHERE key = ?", (key,))
        ids = [e for (e,) in exact]
        if not ids:
            like = _escape_like(key)
            ids = [e for (e,) in self._query(
                "SELECT DISTINCT entity FROM names WHERE key LIKE ? ESCAPE '\\' OR key LIKE ? ESCAPE '\\' LIMIT ?",
                (like + "%", "% " + like + "%", MAX_FOUND))]
        found = [self.entity(e) for e in ids]
        return sorted((e for e in found if e is not None), key=lambda e: (-e.articles, e.name))

    def entity(self, entity: int) -> Entity | None:
        rows = self._query("SELECT id, name, kind, articles, mentions, last FROM entities WHERE id = ?", (entity,))
        if not rows:
            return None
        names = [n for (n,) in self._query("SELECT name FROM names WHERE entity = ? ORDER BY id", (entity,))]
        return Entity(*rows[0], aliases=tuple(n for n in names if name_key(n) != name_key(rows[0][1])))

    def names_of(self, entity: int) -> list[int]:
        return [n for (n,) in self._query("SELECT id FROM names WHERE entity = ?", (entity,))]

    def page(self, entity: int, cursor: Cursor | None = None, size: int = PAGE) -> tuple[list[Row], Cursor]:
        """The next *size* articles naming *entity*, newest first, and where the page after starts."""
        cursor = cursor or Cursor()
        names = [n for n in self.names_of(entity) if n not in cursor.done]
        streams: list[tuple[int, list[tuple]]] = []
        for name in names:
            sql = ("SELECT m.rel, m.date, n.name, m.kind, m.sentence, m.paragraph, m.start, m.\"end\", m.figures, "
                   "m.count FROM mentions m JOIN names n ON n.id = m.name WHERE m.name = ?")
            args: list = [name]
            if name in cursor.after:
                date, rel = cursor.after[name]
                sql += " AND (m.date < ? OR (m.date = ? AND m.rel < ?))"
                args += [date, date, rel]
            rows = self._query(sql + " ORDER BY m.date DESC, m.rel DESC LIMIT ?", [*args, size])
            streams.append((name, rows))
        merged = sorted(((row, name) for name, rows in streams for row in rows),
                        key=lambda pair: (pair[0][1], pair[0][0]), reverse=True)
        out: list[Row] = []
        taken: set[str] = set()
        for row, name in merged:
            if len(out) == size:
                break
            cursor.after[name] = (row[1], row[0])
            if row[0] in taken:
                continue  # the article names the entity twice, written two ways
            taken.add(row[0])
            rel, date, written, kind, sentence, paragraph, start, end, figures, count = row
            out.append(Row(rel, date, written, kind, sentence, Anchor(paragraph, start, end),
                           tuple(json.loads(figures)), count))
        for name, rows in streams:
            if len(rows) < size and (not rows or cursor.after.get(name) == (rows[-1][1], rows[-1][0])):
                cursor.done.add(name)
        return out, cursor

    def rels(self, entity: int) -> list[str]:
        """Every article naming *entity* (for the stories it appears in)."""
        return [r for (r,) in in_ids(self.con, "SELECT DISTINCT rel FROM mentions WHERE name IN ({})",
                                   self.names_of(entity))]

    def of_article(self, rel: str) -> list[Entity]:
        """The entities one article names, in the order it first names them."""
        rows = self._query("SELECT n.entity FROM mentions m JOIN names n ON n.id = m.name "
                           "WHERE m.rel = ? ORDER BY m.paragraph, m.start", (rel,))
        found = [self.entity(e) for e in dict.fromkeys(e for (e,) in rows)]
        return [e for e in found if e is not None]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def story_counts(rels: Iterable[str], story_of: dict[str, int | None]) -> Counter[int]:
    """How many of *rels* each story holds."""
    return Counter(s for rel in rels if (s := story_of.get(rel)) is not None)
