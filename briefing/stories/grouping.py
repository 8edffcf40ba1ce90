"""Stories: articles grouped by the rare words, names and dates they share, one article at a time.

Each article is reduced, when it is indexed, to its most frequent content
words (names and title words count double). An article joins the story whose
pooled words are closest to its own (cosine of TF-IDF weights) if that is
close enough and the story's dates are near the article's; otherwise it
starts a story. Grouping is incremental: an article is placed once, when it
first arrives, and the stories already made are not redone, so a story keeps
its number while it grows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from briefing.model import Article
from briefing.words import content_word_list

# Words kept per article: enough for the names and topic, few enough to store.
SIGNATURE_WORDS = 40
# An article joins a story at this similarity or above. On the labelled set
# (tests/data/stories, bench/stories.py) 0.16 to 0.17 group every pair right;
# below, the two Syria stories merge; above, late reports split off.
JOIN_AT = 0.165
# Dated articles join only a story whose dates come within this many days.
DATE_WINDOW = dt.timedelta(days=21)
# Candidate stories are looked up by the article's rarest words, not all of them.
LOOKUP_WORDS = 15
# A story is compared by its most weighted words: a story of thousands of
# articles pools tens of thousands of words, and comparing them all made a
# 10,000-article build spend minutes here.
STORY_WORDS = 150


def signature(article: Article) -> dict[str, int]:
    """The words an article is grouped by, with their weights (counts; names and title words doubled)."""
    counts: Counter[str] = Counter()
    parts = [(article.title, 2)] + [(k.text, 1) for k in article.key_points if k.origin == "given"]
    parts += [(p.text, 1) for p in article.paragraphs]
    for text, weight in parts:
        for word, capitalised in content_word_list(text, numbers=False):
            counts[word] += weight * (2 if capitalised else 1)
    return dict(counts.most_common(SIGNATURE_WORDS))


@dataclass
class _Story:
    words: Counter = field(default_factory=Counter)
    members: set[str] = field(default_factory=set)
    dates: list[dt.date] = field(default_factory=list)
    # Its top STORY_WORDS words and their TF-IDF norm. A large story's top
    # words barely move with one more article: they are worked out again when
    # it has grown by a tenth, loses an article, or the archive grows by a
    # fiftieth (which moves the weights a little).
    _top: dict[str, int] | None = None
    _top_at: int = 0
    _norm: float = 0.0
    _norm_at: int = 0

    def top(self) -> dict[str, int]:
        if self._top is None or len(self.members) > self._top_at * 1.1:
            self._top = dict(self.words.most_common(STORY_WORDS))
            self._top_at = len(self.members)
            self._norm_at = 0
        return self._top

    def norm(self, idf: _Idf) -> float:
        top = self.top()
        if idf.articles > self._norm_at * 1.02:
            self._norm = _norm(top, idf)
            self._norm_at = idf.articles
        return self._norm

    first: dt.date | None = None
    last: dt.date | None = None

    def near(self, date: dt.date | None) -> bool:
        if date is None or self.first is None or self.last is None:
            return True
        return self.first - DATE_WINDOW <= date <= self.last + DATE_WINDOW


class StoryModel:
    """The stories so far, able to place a new article and to let one go."""

    def __init__(self) -> None:
        self.stories: dict[int, _Story] = {}
        self.of: dict[str, int] = {}
        self._articles: dict[str, tuple[dict[str, int], dt.date | None]] = {}
        self._df: Counter[str] = Counter()
        self._holding: dict[str, set[int]] = defaultdict(set)

    def load(self, rel: str, words: dict[str, int], date: dt.date | None, story: int) -> None:
        """An article placed in an earlier run."""
        self._add(rel, words, date, story)

    def place(self, rel: str, words: dict[str, int], date: dt.date | None) -> int:
        """Put a new article in the closest story near its date, or in a story of its own."""
        self.remove(rel)
        self._df.update(words.keys())
        idf = self._idf_table()
        best, best_score = None, 0.0
        for story_id in self._candidates(words, idf):
            story = self.stories[story_id]
            if not story.near(date):
                continue
            score = _cosine(words, story.top(), idf, story.norm(idf))
            if score > best_score:
                best, best_score = story_id, score
        self._df.subtract(words.keys())
        if best is None or best_score < JOIN_AT:
            best = max(self.stories, default=0) + 1
        self._add(rel, words, date, best)
        return best

    def remove(self, rel: str) -> None:
        story_id = self.of.pop(rel, None)
        if story_id is None:
            return
        words, date = self._articles.pop(rel)
        story = self.stories[story_id]
        story.words.subtract(words)
        story.words = +story.words
        story._top = None
        story.members.discard(rel)
        if date is not None:
            story.dates.remove(date)
            story.first = min(story.dates, default=None)
            story.last = max(story.dates, default=None)
        self._df.subtract(words.keys())
        for word in words:
            if story.words[word] <= 0:
                self._holding[word].discard(story_id)
        if not story.members:
            del self.stories[story_id]

    def similarity(self, a: str, b: str) -> float:
        """How alike two placed articles are (0 to 1)."""
        return _cosine(self._articles[a][0], self._articles[b][0], self._idf_table())

    # Inside

    def _add(self, rel: str, words: dict[str, int], date: dt.date | None, story_id: int) -> None:
        story = self.stories.setdefault(story_id, _Story())
        story.words.update(words)
        story.members.add(rel)
        if date is not None:
            story.dates.append(date)
            story.first = min(story.first or date, date)
            story.last = max(story.last or date, date)
        self.of[rel] = story_id
        self._articles[rel] = (words, date)
        self._df.update(words.keys())
        for word in words:
            self._holding[word].add(story_id)

    def _idf_table(self) -> _Idf:
        return _Idf(len(self._articles), self._df)

    def _candidates(self, words: dict[str, int], idf: _Idf) -> set[int]:
        rare = sorted(words, key=lambda w: -words[w] * idf[w])[:LOOKUP_WORDS]
        found: set[int] = set()
        for word in rare:
            found |= self._holding.get(word, set())
        return found


class _Idf(dict):
    """Inverse document frequency by word, worked out once per word and placement."""

    def __init__(self, articles: int, df: Counter) -> None:
        super().__init__()
        self.articles = articles
        self.df = df

    def __missing__(self, word: str) -> float:
        value = self[word] = math.log(1 + self.articles / max(self.df[word], 1))
        return value


def _norm(bag: dict[str, int], idf: _Idf) -> float:
    return math.sqrt(sum((count * idf[w]) ** 2 for w, count in bag.items()))


def _cosine(a: dict[str, int], b: dict[str, int], idf: _Idf, norm_b: float | None = None) -> float:
    """Cosine of the TF-IDF weights of two bags of words (*b*'s norm given if known)."""
    dot = sum(a[w] * b[w] * idf[w] ** 2 for w in a if w in b)
    norm_a = _norm(a, idf)
    norm_b = _norm(b, idf) if norm_b is None else norm_b
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def placement_order(items: Iterable[tuple[str, dt.date | None]]) -> list[str]:
    """New articles are placed oldest first, as they would have arrived; undated ones by name, last."""
    return [rel for rel, _ in sorted(items, key=lambda item: (item[1] is None, item[1] or dt.date.min, item[0]))]
