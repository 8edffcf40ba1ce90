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

    def near(self, date: dt.date | None) -> bool:
        if date is None or not self.dates:
            return True
        return min(self.dates) - DATE_WINDOW <= date <= max(self.dates) + DATE_WINDOW


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
        best, best_score = None, 0.0
        for story_id in self._candidates(words):
            story = self.stories[story_id]
            if not story.near(date):
                continue
            score = self._similarity(words, story.words)
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
        story.members.discard(rel)
        if date is not None:
            story.dates.remove(date)
        self._df.subtract(words.keys())
        for word in words:
            if story.words[word] <= 0:
                self._holding[word].discard(story_id)
        if not story.members:
            del self.stories[story_id]

    def similarity(self, a: str, b: str) -> float:
        """How alike two placed articles are (0 to 1)."""
        return self._similarity(self._articles[a][0], self._articles[b][0])

    # Inside

    def _add(self, rel: str, words: dict[str, int], date: dt.date | None, story_id: int) -> None:
        story = self.stories.setdefault(story_id, _Story())
        story.words.update(words)
        story.members.add(rel)
        if date is not None:
            story.dates.append(date)
        self.of[rel] = story_id
        self._articles[rel] = (words, date)
        self._df.update(words.keys())
        for word in words:
            self._holding[word].add(story_id)

    def _idf(self, word: str) -> float:
        return math.log(1 + len(self._articles) / max(self._df[word], 1))

    def _candidates(self, words: dict[str, int]) -> set[int]:
        rare = sorted(words, key=lambda w: -words[w] * self._idf(w))[:LOOKUP_WORDS]
        found: set[int] = set()
        for word in rare:
            found |= self._holding.get(word, set())
        return found

    def _similarity(self, a: dict[str, int], b: dict[str, int]) -> float:
        idf = {w: self._idf(w) for w in a.keys() | b.keys()}
        dot = sum(a[w] * b.get(w, 0) * idf[w] ** 2 for w in a)
        norm_a = math.sqrt(sum((a[w] * idf[w]) ** 2 for w in a))
        norm_b = math.sqrt(sum((b[w] * idf[w]) ** 2 for w in b))
        return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def placement_order(items: Iterable[tuple[str, dt.date | None]]) -> list[str]:
    """New articles are placed oldest first, as they would have arrived; undated ones by name, last."""
    return [rel for rel, _ in sorted(items, key=lambda item: (item[1] is None, item[1] or dt.date.min, item[0]))]
