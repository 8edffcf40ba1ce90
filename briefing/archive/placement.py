"""Stories in the archive, grouped at ingest by the same model as the embedded index.

New and changed articles (``story IS NULL``) are placed oldest first by
:class:`briefing.stories.grouping.Placement`, which reads the stories within
reach of their dates from ``briefing.stories`` a window at a time and writes
back the ones it changed, as the embedded index does with its catalogue.
An article is dated by its own date, else by its file's. All of it runs in
one transaction under an advisory lock: two machines ingesting at once place
their articles one after the other, never into two stories of one number.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from collections.abc import Iterable

from briefing.stories.grouping import CORE, FewPlacement, Placement, Story, StoryStore, Window, core_words

PLACEMENT_LOCK = 0x42726967
# Up to this many articles to place, each looks up its candidate stories by word (see FewPlacement).
FEW = 50
REVISION_LOCK = 0x42726968  # as in briefing.archive.ingest


class ArchiveStories(StoryStore):
    """``briefing.stories`` on one connection, inside the placement's transaction."""

    def __init__(self, con, replacing: set[str]) -> None:
        self.con = con
        # Articles placed again (their file changed): their old selves leave the cores they were in.
        self.replacing = replacing

    def next_id(self) -> int:
        return self.con.execute(
            "SELECT greatest((SELECT max(id) FROM briefing.stories), (SELECT max(story) FROM briefing.listing), 0)"
            " + 1").fetchone()[0]

    def load(self, last_from: dt.date, first_until: dt.date, first_after: dt.date | None) -> Iterable[Story]:
        sql = "SELECT id, first, last, size, core FROM briefing.stories WHERE last >= %s AND first <= %s"
        params: list = [last_from, first_until]
        if first_after is not None:
            sql += " AND first > %s"
            params.append(first_after)
        return [self._story(*row) for row in self.con.execute(sql, params).fetchall()]

    def _story(self, story_id: int, first: dt.date, last: dt.date, size: int, core: list) -> Story:
        members = [(rel, vec) for rel, vec in core if rel not in self.replacing]
        story = Story(story_id, first, last, size - (len(core) - len(members)), deque(members, maxlen=CORE))
        for _, vec in story.core:
            for w, v in vec.items():
                story.core_sum[w] = story.core_sum.get(w, 0.0) + v
        return story

    def window(self, last_from: dt.date, first_until: dt.date) -> Window:
        return _ArchiveWindow(self, last_from, first_until)

    def save(self, stories: Iterable[Story]) -> None:
        from psycopg.types.json import Jsonb

        rows = [(s.id, s.first, s.last, s.size,
                 Jsonb([[rel, {w: round(v, 5) for w, v in vec.items()}] for rel, vec in s.core]),
                 core_words(s.core))
                for s in stories]
        if rows:
            with self.con.cursor() as cur:
                cur.executemany(
                    "INSERT INTO briefing.stories (id, first, last, size, core, words)"
                    " VALUES (%s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (id) DO UPDATE SET first = excluded.first, last = excluded.last,"
                    " size = excluded.size, core = excluded.core, words = excluded.words", rows)


class _ArchiveWindow(Window):
    """The stories within reach of a date, looked up by word in the database; only those asked for are decoded."""

    def __init__(self, store: ArchiveStories, last_from: dt.date, first_until: dt.date) -> None:
        self.store = store
        self.span = (last_from, first_until)
        self._ids = {row[0] for row in store.con.execute(
            "SELECT id FROM briefing.stories WHERE last >= %s AND first <= %s", self.span)}

    def __contains__(self, story_id: int) -> bool:
        return story_id in self._ids

    def ids_with(self, word: str, limit: int) -> set[int] | None:
        found = {row[0] for row in self.store.con.execute(
            "SELECT id FROM briefing.stories WHERE words @> ARRAY[%s]::text[] AND last >= %s AND first <= %s"
            " LIMIT %s", (word, *self.span, limit + 1))}
        return found if len(found) <= limit else None

    def story(self, story_id: int) -> Story:
        return self.store._story(*self.store.con.execute(
            "SELECT id, first, last, size, core FROM briefing.stories WHERE id = %s", (story_id,)).fetchone())


def place_unplaced(con) -> int:
    """Place every article of the archive not yet in a story; how many were placed."""
    with con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(%s)", (PLACEMENT_LOCK,))
        new = con.execute(
            "SELECT a.id, a.path, coalesce(a.date, (a.file_mtime AT TIME ZONE 'UTC')::date, current_date), t.words"
            " FROM briefing.listing l JOIN briefing.articles a ON a.id = l.article"
            " JOIN briefing.article_texts t ON t.article = a.id WHERE l.story IS NULL ORDER BY 3, 2").fetchall()
        if not new:
            return 0
        # How many articles hold each signature word: the weights of the similarity. The
        # counts are kept as articles are written (the queue folded in here), and only
        # the words of the articles being placed are read: the cost follows the
        # articles placed, not the archive.
        con.execute(
            "WITH taken AS (DELETE FROM briefing.words_to_count RETURNING words, step)"
            " INSERT INTO briefing.word_counts AS c (word, articles)"
            " SELECT w, sum(step) FROM taken, jsonb_object_keys(taken.words) w GROUP BY w ORDER BY w"
            " ON CONFLICT (word) DO UPDATE SET articles = c.articles + excluded.articles")
        wanted = sorted({w for _, _, _, words in new for w in words})
        df = Counter(dict(con.execute(
            "SELECT word, articles FROM briefing.word_counts WHERE word = ANY(%s) AND articles > 0",
            (wanted,)).fetchall()))
        (articles,) = con.execute("SELECT count(*) FROM briefing.listing").fetchone()
        ids = {path: id_ for id_, path, _, _ in new}
        # A few articles (an update's) read only the stories their words look up; many read their windows whole.
        kind = FewPlacement if len(new) <= FEW else Placement
        placement = kind(ArchiveStories(con, set(ids)), df, articles)
        placed: list[tuple[int, int]] = []
        placement.place_all(((path, date, words) for _, path, date, words in new),
                            lambda rel, story: placed.append((ids[rel], story)))
        con.execute("CREATE TEMP TABLE placed (article bigint PRIMARY KEY, story integer) ON COMMIT DROP")
        with con.cursor().copy("COPY placed (article, story) FROM STDIN") as copy:
            for row in placed:
                copy.write_row(row)
        con.execute("SELECT pg_advisory_xact_lock(%s)", (REVISION_LOCK,))  # revisions commit in order
        # The narrow listing rows change, not the articles' (whose text indexes a rewrite would redo).
        con.execute(
            "UPDATE briefing.listing l SET story = p.story, revision = nextval('briefing.revisions')"
            " FROM placed p WHERE l.article = p.article"
        )
        return len(placed)
