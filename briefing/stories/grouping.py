"""Stories: articles grouped by the rare words, names and dates they share, in the order they were dated.

Each article is reduced, when it is indexed, to its most frequent content
words (names and title words count double), weighed by how rare each word is
in the whole archive (TF-IDF, as a unit vector). Articles are placed in date
order: an article joins the story it resembles most if its mean similarity
to the story's recent core (its last few articles) is high enough and the
story's dates come within three weeks of its own; otherwise it starts a
story. A story keeps its number as it grows.

Two bounds keep a story a story at any archive size. Comparing with the
story's *recent core*, not with everything it ever pooled, stops a large
story from becoming an average that resembles every article (the archive
of 100,000 generated articles once chained 45,690 into one story). And the
work per article is bounded whatever the number of stories: candidates are
found through an index of each active story's most telling words, at most
MAX_CANDIDATES of them are scored, and stories whose dates have passed out
of reach are written back and dropped from memory (see ``StoryStore``).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from briefing.model import Article
from briefing.words import content_word_list, tokens

# Words kept per article: enough for the names and topic, few enough to store.
SIGNATURE_WORDS = 40
# An article joins a story when its mean similarity (cosine of TF-IDF
# vectors) to the story's recent core is at least this. On the labelled set
# (tests/data/stories, bench/stories.py) every pair is right from 0.10 to
# 0.18; in a folder of only the Valencia and Pakistan floods (weaker IDF) the
# Valencia story's last report scores 0.149.
JOIN_AT = 0.14
# A story's recent core: its last few articles, what a new one is compared with.
CORE = 8
# Dated articles join only a story whose dates come within this many days,
# and a story runs for at most MAX_SPAN before later coverage starts another.
DATE_WINDOW = dt.timedelta(days=21)
MAX_SPAN = dt.timedelta(days=120)
# Candidate stories are looked up by the article's most telling words among
# the words of their cores; at most MAX_CANDIDATES are scored.
LOOKUP_WORDS = 20
MAX_CANDIDATES = 8
# Words kept of an article's vector (all of its signature: keeping 20 lost
# a third of the labelled pairs).
VECTOR_WORDS = 40
# A word that more than this many stories within reach share tells nothing
# about which of them an article belongs to: it is not looked up.
COMMON_IN = 60
# Stories out of reach are dropped from memory every this many placements.
EVICT_EVERY = 500

class _ContentWords(dict[str, "tuple[str, bool] | None"]):
    """The stemmed content word a token stands for (and whether it was capitalised), or None; worked out once.

    A dict that fills itself: an article's tokens are looked up by one map()
    without a Python call each (news repeats its words). Cleared when large.
    """

    def __missing__(self, token: str) -> tuple[str, bool] | None:
        if len(self) > 500_000:
            self.clear()
        words = content_word_list(token, numbers=False)
        found = self[token] = words[0] if len(words) == 1 else None
        return found


_content_words = _ContentWords()


def signature(article: Article) -> dict[str, int]:
    """The words an article is grouped by, with their weights (counts; names and title words doubled)."""
    counts: dict[str, int] = {}
    get = counts.get
    parts = [(article.title, 2)] + [(k.text, 1) for k in article.key_points if k.origin == "given"]
    parts += [(p.text, 1) for p in article.paragraphs]
    for text, weight in parts:
        for word in map(_content_words.__getitem__, tokens(text)):
            if word is not None:
                key = word[0]
                counts[key] = get(key, 0) + (weight + weight if word[1] else weight)
    # Counter.most_common's order: heaviest first, ties in the order first met.
    return dict(heapq.nlargest(SIGNATURE_WORDS, counts.items(), key=_weight))


def _weight(item: tuple[str, int]) -> int:
    return item[1]


Vector = dict[str, float]


def vector(words: dict[str, int], idf: Callable[[str], float]) -> Vector:
    """*words* as a unit vector of their VECTOR_WORDS heaviest, each weighing (1 + log count) * idf.

    The log dampens a word repeated throughout an article; keeping the
    heaviest words keeps comparisons cheap and loses little (the rest weigh
    a few hundredths each).
    """
    weights = {w: (1 + math.log(count)) * idf(w) for w, count in words.items() if count > 0}
    if len(weights) > VECTOR_WORDS:
        weights = dict(heapq.nlargest(VECTOR_WORDS, weights.items(), key=lambda item: item[1]))
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {w: v / norm for w, v in weights.items() if v} if norm else {}


class Idf(dict):
    """Inverse document frequency by word over an archive, worked out once per word."""

    def __init__(self, df: Counter, articles: int) -> None:
        super().__init__()
        self.df = df
        self.articles = max(articles, 1)

    def __missing__(self, word: str) -> float:
        value = self[word] = math.log(1 + self.articles / max(self.df.get(word, 0), 1))
        return value


def _dot(a: Vector, b: Vector) -> float:
    # The shared words first (in C): most candidates share only a few.
    return sum(a[w] * b[w] for w in a.keys() & b.keys())


@dataclass
class Story:
    """A story as placement needs it: its dates, size and recent core."""

    id: int
    first: dt.date
    last: dt.date
    size: int = 0
    # (rel, vector) of its last CORE articles, oldest first, and their sum.
    core: deque = field(default_factory=lambda: deque(maxlen=CORE))
    core_sum: dict[str, float] = field(default_factory=dict)

    def add(self, rel: str, vec: Vector, date: dt.date) -> None:
        if len(self.core) == CORE:
            _, old = self.core[0]
            for w, v in old.items():
                left = self.core_sum.get(w, 0.0) - v
                if left > 1e-9:
                    self.core_sum[w] = left
                else:
                    self.core_sum.pop(w, None)
        self.core.append((rel, vec))
        for w, v in vec.items():
            self.core_sum[w] = self.core_sum.get(w, 0.0) + v
        self.size += 1
        self.first = min(self.first, date)
        self.last = max(self.last, date)

    def score(self, vec: Vector) -> float:
        """Mean cosine similarity of *vec* to the core's articles."""
        return _dot(vec, self.core_sum) / len(self.core) if self.core else 0.0

    def reaches(self, date: dt.date) -> bool:
        return (self.first - DATE_WINDOW <= date <= self.last + DATE_WINDOW
                and date - self.first <= MAX_SPAN and self.last - date <= MAX_SPAN)

    def lookup_words(self) -> list[str]:
        return list(self.core_sum)


class StoryStore:
    """Where stories live between placements: the catalogue's tables, read a window at a time."""

    def next_id(self) -> int:
        raise NotImplementedError

    def load(self, last_from: dt.date, first_until: dt.date, first_after: dt.date | None) -> Iterable[Story]:
        """Stories with ``last >= last_from`` and ``first <= first_until`` (and ``first > first_after``)."""
        raise NotImplementedError

    def save(self, stories: Iterable[Story]) -> None:
        raise NotImplementedError

    def window(self, last_from: dt.date, first_until: dt.date) -> Window:
        """The stories :meth:`load` gives, for looking words up in before any is read whole."""
        return Window(self.load(last_from, first_until, None))


def core_words(members: Iterable) -> list[str]:
    """The words of a story core's articles, each once: what a lookup by word searches (see FewPlacement)."""
    return list(dict.fromkeys(w for _, vec in members for w in vec))


class Window:
    """The stories within reach of one date, for :class:`FewPlacement`: which hold a word, and each one whole.

    This one holds them read whole; a store that can tell a story's words
    from its stored form without reading it (the catalogue) gives its own.
    """

    def __init__(self, stories: Iterable[Story]) -> None:
        self.stories = {story.id: story for story in stories}

    def __contains__(self, story_id: int) -> bool:
        return story_id in self.stories

    def ids_with(self, word: str, limit: int) -> set[int] | None:
        """The stories whose core has *word*; None when there are more than *limit*."""
        found = {i for i, story in self.stories.items() if word in story.core_sum}
        return found if len(found) <= limit else None

    def story(self, story_id: int) -> Story:
        return self.stories[story_id]


class Placement:
    """One pass of placing articles, oldest first, with the stories within reach in memory.

    Memory and time per article are bounded: stories come in from the store
    as the dates reach them and go back once the dates have passed them by.
    """

    def __init__(self, store: StoryStore, df: Counter, articles: int) -> None:
        self.store = store
        self.idf = Idf(df, articles)
        self.stories: dict[int, Story] = {}
        self.holding: dict[str, set[int]] = defaultdict(set)
        self._words: dict[int, list[str]] = {}
        self._next = store.next_id()
        self._loaded_to: dt.date | None = None
        self._dirty: set[int] = set()
        self._placed = 0

    def place_all(self, articles: Iterable[tuple[str, dt.date, dict[str, int]]],
                  placed: Callable[[str, int], None]) -> None:
        """Place each (rel, date, words), given oldest first; *placed* is told each article's story."""
        for rel, date, words in articles:
            placed(rel, self.place(rel, date, words))
        self.store.save(self.stories[i] for i in self._dirty if i in self.stories)
        self._dirty.clear()

    def place(self, rel: str, date: dt.date, words: dict[str, int]) -> int:
        self._reach(date)
        vec = vector(words, self.idf.__getitem__)
        best, best_score = None, 0.0
        for story in self._candidates(vec, date):
            score = story.score(vec)
            if score > best_score:
                best, best_score = story, score
        if best is None or best_score < JOIN_AT:
            best = Story(self._next, date, date)
            self._next += 1
            self.stories[best.id] = best
        self._unhold(best)
        best.add(rel, vec, date)
        self._hold(best)
        self._dirty.add(best.id)
        return best.id

    def _candidates(self, vec: Vector, date: dt.date) -> list[Story]:
        hits: Counter[int] = Counter()
        for word in heapq.nlargest(LOOKUP_WORDS, vec, key=vec.__getitem__):
            held = self.holding.get(word)
            if held and len(held) <= COMMON_IN:
                hits.update(held)
        found = []
        for story_id, _ in heapq.nlargest(4 * MAX_CANDIDATES, hits.items(), key=lambda item: item[1]):
            story = self.stories[story_id]
            if story.reaches(date):
                found.append(story)
                if len(found) == MAX_CANDIDATES:
                    break
        return found

    def _hold(self, story: Story) -> None:
        words = self._words[story.id] = story.lookup_words()
        for word in words:
            self.holding[word].add(story.id)

    def _unhold(self, story: Story) -> None:
        for word in self._words.pop(story.id, ()):
            held = self.holding.get(word)
            if held is not None:
                held.discard(story.id)
                if not held:
                    del self.holding[word]

    def _reach(self, date: dt.date) -> None:
        """Bring in the stories this date can reach; now and then, write back and drop those it is past."""
        end = date + DATE_WINDOW
        if self._loaded_to is None or end > self._loaded_to:
            # The first time, every story within reach; then those that start within the new days.
            for story in self.store.load(date - DATE_WINDOW, end, self._loaded_to):
                if story.id not in self.stories:
                    self.stories[story.id] = story
                    self._hold(story)
            self._loaded_to = end
        self._placed += 1
        if self._placed % EVICT_EVERY:
            return
        # Dates only grow in a pass: a story this date is past, no later one reaches.
        gone = [s for s in self.stories.values() if s.last + DATE_WINDOW < date or s.first + MAX_SPAN < date]
        self.store.save(s for s in gone if s.id in self._dirty)
        for story in gone:
            self._unhold(story)
            self._dirty.discard(story.id)
            del self.stories[story.id]


class FewPlacement(Placement):
    """Placing a few articles (an update's), each with only the stories it looks up read whole.

    :class:`Placement` reads every story within reach of the dates it passes;
    ten articles spread over two years would read a sixth of the stories of
    an archive, each a few kilobytes to decode. Here the stories within reach
    of each article are looked up by its words in the store's own form, and
    only the candidates are read. The lookup is :class:`Placement`'s: the
    same words, the same stories counted for a common word.
    """

    def place(self, rel: str, date: dt.date, words: dict[str, int]) -> int:
        self._near = self.store.window(date - DATE_WINDOW, date + DATE_WINDOW)
        return super().place(rel, date, words)

    def _reach(self, date: dt.date) -> None:
        pass  # each article reads its own window (above)

    def _candidates(self, vec: Vector, date: dt.date) -> list[Story]:
        # Stories this pass has changed or made are newer in memory than in the store.
        mine = {i: s for i, s in self.stories.items()
                if s.last >= date - DATE_WINDOW and s.first <= date + DATE_WINDOW}
        # Held by more than COMMON_IN + this many stories in the store, a word is common whatever memory holds.
        known = sum(1 for i in self.stories if i in self._near)
        hits: Counter[int] = Counter()
        for word in heapq.nlargest(LOOKUP_WORDS, vec, key=vec.__getitem__):
            stored = self._near.ids_with(word, COMMON_IN + known)
            if stored is None:
                continue
            held = {i for i in stored if i not in self.stories}
            held.update(i for i, story in mine.items() if word in story.core_sum)
            if held and len(held) <= COMMON_IN:
                hits.update(held)
        found = []
        for story_id, _ in heapq.nlargest(4 * MAX_CANDIDATES, hits.items(), key=lambda item: item[1]):
            story = self.stories.get(story_id)
            if story is None:
                story = self.stories[story_id] = self._near.story(story_id)
                self._hold(story)
            if story.reaches(date):
                found.append(story)
                if len(found) == MAX_CANDIDATES:
                    break
        return found
