"""The stories in the catalogue: each story's dates, size and recent core, and the words' frequencies.

Placement (``briefing.stories.grouping``) reads the stories a window of
dates at a time from here and writes back the ones it changed; an article
that goes (removed, changed, unreadable) leaves its story here, without
reading the other stories.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter, deque
from collections.abc import Iterable

from briefing.stories.grouping import CORE, Placement, Story, StoryStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    rel TEXT PRIMARY KEY, gdate TEXT NOT NULL, words TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY, first TEXT NOT NULL, last TEXT NOT NULL, size INTEGER NOT NULL, core TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_last ON stories (last);
CREATE TABLE IF NOT EXISTS word_df (word TEXT PRIMARY KEY, df INTEGER NOT NULL);
"""


def _story(row) -> Story:
    story_id, first, last, size, core = row
    story = Story(story_id, dt.date.fromisoformat(first), dt.date.fromisoformat(last), size,
                  deque((tuple(member) for member in json.loads(core)), maxlen=CORE))
    for _, vec in story.core:
        for w, v in vec.items():
            story.core_sum[w] = story.core_sum.get(w, 0.0) + v
    return story


class StoryTable(StoryStore):
    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        con.executescript(SCHEMA)
        self._df: Counter | None = None
        self._df_changed: set[str] = set()
        self._articles: int | None = None

    # What placement needs

    def next_id(self) -> int:
        (largest,) = self.con.execute("SELECT MAX(id) FROM stories").fetchone()
        return (largest or 0) + 1

    def load(self, last_from: dt.date, first_until: dt.date, first_after: dt.date | None) -> Iterable[Story]:
        query = "SELECT id, first, last, size, core FROM stories WHERE last >= ? AND first <= ?"
        args = [last_from.isoformat(), first_until.isoformat()]
        if first_after is not None:
            query += " AND first > ?"
            args.append(first_after.isoformat())
        return map(_story, self.con.execute(query, args).fetchall())

    def save(self, stories: Iterable[Story]) -> None:
        self.con.executemany(
            "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?)",
            ((s.id, s.first.isoformat(), s.last.isoformat(), s.size,
              json.dumps([[rel, {w: round(v, 5) for w, v in vec.items()}] for rel, vec in s.core]))
             for s in stories),
        )

    # Word frequencies

    @property
    def df(self) -> Counter:
        if self._df is None:
            self._df = Counter(dict(self.con.execute("SELECT word, df FROM word_df")))
            (self._articles,) = self.con.execute("SELECT COUNT(*) FROM signatures").fetchone()
        return self._df

    def count(self, words: Iterable[str], step: int) -> None:
        df = self.df
        for word in words:
            df[word] += step
            self._df_changed.add(word)
        self._articles = (self._articles or 0) + step

    def write_df(self) -> None:
        if not self._df_changed:
            return
        df = self.df
        self.con.executemany("INSERT OR REPLACE INTO word_df VALUES (?, ?)",
                             ((w, df[w]) for w in self._df_changed if df[w] > 0))
        self.con.executemany("DELETE FROM word_df WHERE word = ?", ((w,) for w in self._df_changed if df[w] <= 0))
        self._df_changed.clear()

    # Articles coming and going

    def signed(self, rel: str) -> dict[str, int] | None:
        row = self.con.execute("SELECT words FROM signatures WHERE rel = ?", (rel,)).fetchone()
        return json.loads(row[0]) if row else None

    def sign(self, rel: str, date: dt.date, words: dict[str, int]) -> None:
        """Record an article's words (replacing what it had): placed by :meth:`place_unplaced`."""
        self.forget(rel)
        self.con.execute("INSERT INTO signatures VALUES (?, ?, ?)", (rel, date.isoformat(), json.dumps(words)))
        self.count(words, 1)

    def forget(self, rel: str) -> None:
        """Take an article out of the word counts and out of its story."""
        old = self.signed(rel)
        if old is None:
            return
        self.count(old, -1)
        self.con.execute("DELETE FROM signatures WHERE rel = ?", (rel,))
        row = self.con.execute("SELECT story FROM articles WHERE rel = ?", (rel,)).fetchone()
        if row and row[0] is not None:
            self._leave(row[0], rel)

    def _leave(self, story_id: int, rel: str) -> None:
        row = self.con.execute("SELECT id, first, last, size, core FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return
        story = _story(row)
        story.size -= 1
        if story.size <= 0:
            self.con.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            return
        story.core = deque(((r, v) for r, v in story.core if r != rel), maxlen=CORE)
        story.core_sum = {}
        dates = self.con.execute(
            "SELECT MIN(s.gdate), MAX(s.gdate) FROM articles a JOIN signatures s USING (rel) "
            "WHERE a.story = ? AND a.rel != ?", (story_id, rel)).fetchone()
        if dates[0]:
            story.first, story.last = dt.date.fromisoformat(dates[0]), dt.date.fromisoformat(dates[1])
        self.save([story])

    def place_unplaced(self) -> int:
        """Place every article not yet in a story, oldest first; returns how many."""
        (count,) = self.con.execute(
            "SELECT COUNT(*) FROM articles WHERE story IS NULL AND rel IN (SELECT rel FROM signatures)").fetchone()
        if not count:
            return 0
        rows = self.con.execute(
            "SELECT s.rel, s.gdate, s.words FROM signatures s JOIN articles a USING (rel) "
            "WHERE a.story IS NULL ORDER BY s.gdate, s.rel"
        )
        placement = Placement(self, self.df, self._articles or count)
        updates: list[tuple[int, str]] = []
        # Read as they are placed (a first build places 100,000); written once all are read.
        placement.place_all(((rel, dt.date.fromisoformat(gdate), json.loads(words)) for rel, gdate, words in rows),
                            lambda rel, story: updates.append((story, rel)))
        self.con.executemany("UPDATE articles SET story = ? WHERE rel = ?", updates)
        return len(updates)
