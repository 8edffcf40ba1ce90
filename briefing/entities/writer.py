"""Writing the entity store: each article's mentions as it is read, each entity's figures counted after.

An entity's figures (its articles, mentions, kind, name and latest date) are
counted from all its mentions, so counting them after every batch of
articles would read a frequent entity's thousands of mentions again each
time: a pass would slow as the archive grows. The touched names are noted
instead (in the store, with each batch, so that a pass killed half way leaves
the next one knowing what to count) and their entities counted at the end of
the pass, and during a long pass each time the store has doubled since the
last count, so that the list fills in while a first build runs and the
counting stays proportional to the archive.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from briefing.entities.extract import Mention, name_key
from briefing.entities.ties import join

# Counted again during a pass at the earliest after this many articles.
FIRST_COUNT = 500


class Writer:
    """The sync's handle: replace one article's mentions; :meth:`save` with each batch, :meth:`count` to publish."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self._known: set[str] = set()
        self._written: dict[str, int] = {}  # a name as written, to its id
        self._ids: dict[str, int] = {}  # a name as matched (its key), to its id
        self._next = con.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM names").fetchone()[0]
        # Names whose entity must be counted again: those of an earlier pass that did not finish, and this one's.
        self.touched: set[int] = {n for (n,) in con.execute("SELECT name FROM stale")}
        self._unsaved: set[int] = set()
        self.tied = con.execute("SELECT 1 FROM meta WHERE k = 'join'").fetchone() is not None
        self._changed = 0  # articles put or removed since the last count
        self._counted_over = 0  # articles in the store at the last count

    def known(self) -> dict[str, str]:
        known = dict(self.con.execute("SELECT rel, digest FROM articles"))
        self._known = set(known)
        self._counted_over = len(known)
        return known

    def _touch(self, names: Iterable[int]) -> None:
        for name in names:
            if name not in self.touched:
                self.touched.add(name)
                self._unsaved.add(name)

    def _name(self, name: str) -> int:
        found = self._written.get(name)
        if found is not None:
            return found
        key = name_key(name)
        found = self._ids.get(key)
        if found is None:
            row = self.con.execute("SELECT id FROM names WHERE key = ?", (key,)).fetchone()
            if row:
                found = row[0]
            else:
                # One writer at a time (the sync's lock): the next id is ours; a name is its own entity until tied.
                found, self._next = self._next, self._next + 1
                self.con.execute("INSERT INTO names VALUES (?, ?, ?, ?)", (found, key, name, found))
            self._ids[key] = found
        self._written[name] = found
        return found

    def remove(self, rel: str) -> None:
        con = self.con
        self._touch([n for (n,) in con.execute("SELECT name FROM mentions WHERE rel = ?", (rel,))])
        con.execute("DELETE FROM mentions WHERE rel = ?", (rel,))
        if con.execute("DELETE FROM ties WHERE rel = ?", (rel,)).rowcount:
            self.tied = True
        con.execute("DELETE FROM articles WHERE rel = ?", (rel,))
        self._known.discard(rel)
        self._changed += 1

    def put(self, rel: str, digest: str, date: str, found: Sequence[Mention]) -> None:
        if rel in self._known:
            self.remove(rel)
        rows, ties = [], []
        for mention in found:
            name = self._name(mention.name)
            a = mention.anchor
            rows.append((name, rel, mention.kind, date, mention.count, mention.sentence, a.paragraph, a.start,
                         a.end, json.dumps(mention.figures, ensure_ascii=False) if mention.figures else "[]"))
            ties += [(self._name(alias), name, rel) for alias in mention.aliases]
        self._touch(row[0] for row in rows)
        self.con.executemany("INSERT OR REPLACE INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if ties:
            self.con.executemany("INSERT OR IGNORE INTO ties VALUES (?, ?, ?)", ties)
            self.tied = True
        self.con.execute("INSERT OR REPLACE INTO articles VALUES (?, ?)", (rel, digest))
        self._known.add(rel)
        self._changed += 1

    def save(self) -> None:
        """Note in the store what is left to count, in the batch's transaction: a killed pass's next one counts it."""
        self.con.executemany("INSERT OR IGNORE INTO stale VALUES (?)", ((n,) for n in self._unsaved))
        self._unsaved.clear()
        if self.tied:
            self.con.execute("INSERT OR IGNORE INTO meta VALUES ('join', '1')")

    def due(self) -> bool:
        """Whether to count during the pass: once the store has doubled since the last count (see the module)."""
        return self._changed >= max(FIRST_COUNT, self._counted_over)

    def count(self) -> None:
        """Join names into entities by their ties, then count each touched entity again (in the caller's transaction)."""
        con = self.con
        self._counted_over, self._changed = len(self._known), 0
        if not self.touched and not self.tied:
            return
        entities: set[int] = set()
        if self.tied:
            for name, before in join(con):
                self.touched.add(name)
                entities.add(before)  # the entity it left, counted again (removed when left with no names)
        entities.update(e for (e,) in in_ids(con, "SELECT DISTINCT entity FROM names WHERE id IN ({})", self.touched))
        if entities:
            _count(con, entities)
        con.execute("DELETE FROM stale")
        con.execute("DELETE FROM meta WHERE k = 'join'")
        self.touched.clear()
        self._unsaved.clear()
        self.tied = False


def _count(con: sqlite3.Connection, entities: set[int]) -> None:
    """Each of *entities*' figures from its names' mentions, in one pass over them; those left with none removed."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS counting (entity INTEGER PRIMARY KEY)")
    con.execute("DELETE FROM temp.counting")
    con.executemany("INSERT INTO temp.counting VALUES (?)", ((e,) for e in entities))
    per_name = con.execute(
        "SELECT n.entity, n.id, n.name, m.kind, COUNT(*), SUM(m.count), MAX(m.date) FROM temp.counting c "
        "JOIN names n ON n.entity = c.entity JOIN mentions m ON m.name = n.id GROUP BY n.id, m.kind ORDER BY n.id")
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    forms: dict[int, dict[int, list]] = {}  # entity -> name id -> [written, sentences naming it]
    articles: Counter[int] = Counter()
    last: dict[int, str] = {}
    for entity, name, written, kind, rows, sentences, latest in per_name:
        kinds[entity][kind] += sentences
        form = forms.setdefault(entity, {}).setdefault(name, [written, 0])
        form[1] += sentences
        # A name is in an article once: its rows are its articles.
        articles[entity] += rows
        last[entity] = max(last.get(entity, ""), latest or "")
    several = [e for e, names in forms.items() if len(names) > 1]
    # An article may write one entity two ways: those with several names count their articles apart.
    for entity, distinct in in_ids(con, "SELECT n.entity, COUNT(DISTINCT m.rel) FROM names n JOIN mentions m "
                                     "ON m.name = n.id WHERE n.entity IN ({}) GROUP BY n.entity", several):
        articles[entity] = distinct
    rows = []
    for entity, named in forms.items():
        kind = max(kinds[entity].items(), key=lambda kc: (kc[1], kc[0]))[0]
        # Named by its most used written form, a long form before an acronym.
        name = max(named.values(), key=lambda f: (not _is_acronym(f[0]), f[1], -len(f[0])))[0]
        rows.append((entity, name, name_key(name), kind, articles[entity], sum(kinds[entity].values()),
                     last[entity]))
    con.executemany("INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    in_ids(con, "DELETE FROM entities WHERE id IN ({})", [e for e in entities if e not in forms])


def _is_acronym(name: str) -> bool:
    return name.replace(".", "").isupper() and " " not in name


def in_ids(con: sqlite3.Connection, sql: str, ids: Iterable[int]) -> list[tuple]:
    """*sql* with its ``IN ({})`` filled with *ids*, in chunks SQLite accepts."""
    ids = list(ids)
    out: list[tuple] = []
    for at in range(0, len(ids), 900):
        chunk = ids[at:at + 900]
        out.extend(con.execute(sql.format(",".join("?" * len(chunk))), chunk))
    return out
