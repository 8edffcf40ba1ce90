"""The stories in the catalogue: each story's dates, size and recent core, and the words' frequencies.

Placement (``briefing.stories.grouping``) reads the stories a window of
dates at a time from here and writes back the ones it changed; an article
that goes (removed, changed, unreadable) leaves its story here, without
reading the other stories.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import sqlite3
from collections import Counter, deque
from collections.abc import Iterable

from briefing.stories.grouping import CORE, FewPlacement, Placement, Story, StoryStore, Window, core_words

# Up to this many articles to place, each reads only the stories its words look up (see FewPlacement).
FEW = 50

SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    rel TEXT PRIMARY KEY, gdate TEXT NOT NULL, words TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY, first TEXT NOT NULL, last TEXT NOT NULL, size INTEGER NOT NULL, core TEXT NOT NULL
);
-- Each story's core's words, apart from the core itself: a lookup reads a few
-- hundred bytes a story, not the core's kilobytes (see FewPlacement).
CREATE TABLE IF NOT EXISTS story_words (id INTEGER PRIMARY KEY, words TEXT NOT NULL);
-- The stories within reach of a date, found without reading the others' cores
-- (it serves all that an index of "last" alone, as catalogues had, did).
DROP INDEX IF EXISTS stories_last;
CREATE INDEX IF NOT EXISTS stories_span ON stories (last, first);
CREATE TABLE IF NOT EXISTS word_df (word TEXT PRIMARY KEY, df INTEGER NOT NULL);
-- The articles waiting for a story (the catalogue's articles table): found without reading the others.
CREATE INDEX IF NOT EXISTS articles_unplaced ON articles (rel) WHERE story IS NULL;
"""


def _words(members: Iterable) -> str:
    """The words of a core's articles, each once, for the ``words`` column: what a lookup searches."""
    return " ".join(core_words(members))


def _story(row) -> Story:
    story_id, first, last, size, core = row
    story = Story(story_id, dt.date.fromisoformat(first), dt.date.fromisoformat(last), size,
                  deque((tuple(member) for member in json.loads(core)), maxlen=CORE))
    for _, vec in story.core:
        for w, v in vec.items():
            story.core_sum[w] = story.core_sum.get(w, 0.0) + v
    return story


class _StoredWindow(Window):
    """Stories as stored: a word is looked up in their cores' words, and only a story asked for is decoded."""

    def __init__(self, con: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
        self.con = con
        self._ids = [story_id for story_id, _ in rows]
        self._in = set(self._ids)
        # One text of every story's words, " w1 w2 \n" each (a word has no space), searched once per word.
        lines = [f" {words} \n" for _, words in rows]
        self._starts = list(itertools.accumulate(map(len, lines), initial=0))
        self._text = "".join(lines)

    def __contains__(self, story_id: int) -> bool:
        return story_id in self._in

    def ids_with(self, word: str, limit: int) -> set[int] | None:
        key = f" {word} "
        found: set[int] = set()
        find, starts = self._text.find, self._starts
        at = find(key)
        while at >= 0:
            if len(found) == limit:
                return None  # a common word: no need to find where else it is
            row = bisect.bisect_right(starts, at) - 1
            found.add(self._ids[row])
            at = find(key, starts[row + 1])
        return found

    def story(self, story_id: int) -> Story:
        return _story(self.con.execute(
            "SELECT id, first, last, size, core FROM stories WHERE id = ?", (story_id,)).fetchone())


class StoryTable(StoryStore):
    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        older = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'stories'").fetchone() and \
            not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_words'").fetchone()
        con.executescript(SCHEMA)
        if older:
            self._add_words()
        self._df: Counter | None = None
        self._df_changed: set[str] = set()
        self._articles: int | None = None

    def _add_words(self) -> None:
        """A catalogue from before stories kept their words: read each core once to write them."""
        with self.con:
            self.con.executemany("INSERT OR REPLACE INTO story_words VALUES (?, ?)", (
                (story_id, _words(json.loads(core)))
                for story_id, core in self.con.execute("SELECT id, core FROM stories").fetchall()))

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

    def window(self, last_from: dt.date, first_until: dt.date) -> Window:
        return _StoredWindow(self.con, self.con.execute(
            "SELECT s.id, w.words FROM stories s JOIN story_words w USING (id) WHERE s.last >= ? AND s.first <= ?",
            (last_from.isoformat(), first_until.isoformat())).fetchall())

    def save(self, stories: Iterable[Story]) -> None:
        stories = list(stories)
        self.con.executemany(
            "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?)",
            ((s.id, s.first.isoformat(), s.last.isoformat(), s.size,
              json.dumps([[rel, {w: round(v, 5) for w, v in vec.items()}] for rel, vec in s.core]))
             for s in stories),
        )
        self.con.executemany("INSERT OR REPLACE INTO story_words VALUES (?, ?)",
                             ((s.id, _words(s.core)) for s in stories))

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
            self.con.execute("DELETE FROM story_words WHERE id = ?", (story_id,))
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
            "SELECT COUNT(*) FROM articles a JOIN signatures s USING (rel) WHERE a.story IS NULL").fetchone()
        if not count:
            return 0
        rows = self.con.execute(
            "SELECT s.rel, s.gdate, s.words FROM signatures s JOIN articles a USING (rel) "
            "WHERE a.story IS NULL ORDER BY s.gdate, s.rel"
        )
        placement = (FewPlacement if count <= FEW else Placement)(self, self.df, self._articles or count)
        updates: list[tuple[int, str]] = []
        # Read as they are placed (a first build places 100,000); written once all are read.
        placement.place_all(((rel, dt.date.fromisoformat(gdate), json.loads(words)) for rel, gdate, words in rows),
                            lambda rel, story: updates.append((story, rel)))
        self.con.executemany("UPDATE articles SET story = ? WHERE rel = ?", updates)
        return len(updates)
