"""Key points: anchored when the article gives them, extracted when it does not.

Extraction follows how news is written: the lede (the first sentence) says
the most important thing, so it comes first. The next points are the
sentences that carry what the points so far do not: words the article keeps
returning to (what it is about) count by how often it repeats them, and a
word already said counts half; a figure not yet given, or a named source
("said", "according to"), makes a sentence likelier, a quotation less likely,
and a later place in the article a little less likely. A near-repeat of a
point is never taken. Plain Python, a fraction of a millisecond a story.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from briefing.model import Anchor, Article, KeyPoint
from briefing.sentences import sentence_spans
from briefing.words import content_words, folded

MAX_POINTS = 3
# Key points and facts come from this much of the body at most (a long report
# is 50,000 characters): the rest of a larger article is shown, not analysed.
MAX_ANALYSED_CHARS = 100_000
# Only this many sentences from the top are considered for key points.
MAX_RANKED = 300
MIN_WORDS = 6
# A word the points so far already carry counts this much.
SAID_BEFORE = 0.5
# Long sentences carry more words; this much of their length is discounted.
LENGTH_EXPONENT = 0.4
NEW_FIGURE_BONUS = 2.0
SOURCE_BONUS = 1.2
# A direct quotation is colour, rarely the point.
QUOTE_WEIGHT = 0.6
# Each sentence further down weighs this much less (1 / (1 + k * position)).
POSITION_DECAY = 0.1
# Two picks sharing more than this share of their words say the same thing.
REDUNDANCY = 0.6
# A given point is anchored only where a sentence shares enough of its words.
MIN_SUPPORT_WORDS = 2
MIN_SUPPORT_SHARE = 0.15

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_NO_FIGURES: frozenset[str] = frozenset()
_SOURCE_WORDS = ("said", "says", "according to", "told", "announced", "reported", "stated")
_SOURCED = re.compile(rf"\b(?:{'|'.join(_SOURCE_WORDS)})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sentence:
    paragraph: int
    start: int
    end: int
    text: str
    words: frozenset[str]

    @property
    def anchor(self) -> Anchor:
        return Anchor(self.paragraph, self.start, self.end)


def body_sentences(article: Article) -> list[Sentence]:
    """The sentences of the body's text, quote and list paragraphs, in reading order.

    Only the first MAX_ANALYSED_CHARS of the body: key points and facts are
    worked out from them, so that one article's cost is bounded whatever its
    size (the rest is shown as plain text).
    """
    out: list[Sentence] = []
    dateline = article.dateline
    budget = MAX_ANALYSED_CHARS
    for index, paragraph in enumerate(article.paragraphs):
        if paragraph.kind == "heading":
            continue
        if budget <= 0:
            break
        budget -= len(paragraph.text)
        offset = 0
        if dateline is not None and dateline.anchor.paragraph == index:
            # The dateline is shown with the story, not read as part of its first sentence.
            offset = _after_dateline(paragraph.text, dateline.anchor.end)
        for start, end in sentence_spans(paragraph.text[offset : budget + len(paragraph.text)]):
            start, end = start + offset, end + offset
            text = paragraph.text[start:end]
            out.append(Sentence(index, start, end, text, frozenset(content_words(text))))
    return out


def _after_dateline(text: str, end: int) -> int:
    while end < len(text) and (text[end].isspace() or text[end] in "-\u2013\u2014"):
        end += 1
    return end


def figures(text: str) -> frozenset[str]:
    """The figures a sentence gives, bare years left out."""
    found = _NUMBER.findall(text)
    return frozenset(m for m in found if not _YEAR.match(m)) if found else _NO_FIGURES


def _is_sourced(text: str) -> bool:
    """A source named: "said", "according to" (the pattern is run only where one of its words stands)."""
    low = folded(text)
    return any(map(low.__contains__, _SOURCE_WORDS)) and _SOURCED.search(text) is not None


def _is_quote(text: str) -> bool:
    return text[:1] in "\"\u201c\u2018'"


def point_count(sentence_count: int) -> int:
    """Three points, fewer for a short body (one per three sentences, at least one)."""
    return max(1, min(MAX_POINTS, math.ceil(sentence_count / 3)))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def extract(sentences: list[Sentence], count: int | None = None) -> list[KeyPoint]:
    """The *count* key sentences of *sentences*: the lede, then what it leaves out, each anchored."""
    sentences = sentences[:MAX_RANKED]
    # (Words counted only as far as MIN_WORDS.)
    candidates = [i for i, s in enumerate(sentences) if len(s.text.split(None, MIN_WORDS)) >= MIN_WORDS]
    candidates = candidates or list(range(len(sentences)))
    if not candidates:
        return []
    count = point_count(len(candidates)) if count is None else count
    # How often the article comes back to a word: once is no evidence, so count the repeats.
    counts: Counter[str] = Counter()
    for s in sentences:
        counts.update(s.words)
    weight = {w: float(n - 1) for w, n in counts.items()}
    numbers = {i: figures(sentences[i].text) for i in candidates}
    # What is fixed by the sentence itself: its length, place, quotation and source.
    prior = {
        i: (QUOTE_WEIGHT if _is_quote(sentences[i].text) else 1.0)
        * (SOURCE_BONUS if _is_sourced(sentences[i].text) else 1.0)
        / max(1, len(sentences[i].words)) ** LENGTH_EXPONENT
        / (1 + POSITION_DECAY * i)
        for i in candidates
    }
    picked: list[int] = []
    given: set[str] = set()
    while len(picked) < count:
        best, best_score = -1, -1.0
        for i in candidates:
            if i in picked:
                continue
            sentence = sentences[i]
            if picked:
                score = (sum(map(weight.__getitem__, sentence.words)) + 1) * prior[i]
                if numbers[i] - given:
                    score *= NEW_FIGURE_BONUS
                if score <= best_score:
                    continue
            else:
                score = 0.0  # the lede
            if any(_overlap(sentence.words, sentences[j].words) > REDUNDANCY for j in picked):
                continue
            best, best_score = i, score
            if not picked:
                break
        if best < 0:
            break
        picked.append(best)
        given |= numbers[best]
        # What the points so far say counts less in the next one.
        for word in sentences[best].words:
            weight[word] *= SAID_BEFORE
    return [KeyPoint(sentences[i].text, "extracted", sentences[i].anchor) for i in picked]


def support(point: str, sentences: list[Sentence]) -> Sentence | None:
    """The body sentence that best shares *point*'s content words, if any shares enough.

    Shared words count by how rare they are in the article, so that "fled
    Damascus" outweighs "Syria" in a story about Syria.
    """
    words = content_words(point)
    if not words or not sentences:
        return None
    df: dict[str, int] = {}
    for sentence in sentences:
        for word in sentence.words & words:
            df[word] = df.get(word, 0) + 1
    weight = {w: math.log(1 + len(sentences) / df.get(w, 1)) for w in words}
    total = sum(weight.values())
    best: Sentence | None = None
    best_score = 0.0
    for sentence in sentences:
        shared = words & sentence.words
        if len(shared) < MIN_SUPPORT_WORDS:
            continue
        score = sum(weight[w] for w in shared) / total
        if score > best_score:
            best, best_score = sentence, score
    return best if best_score >= MIN_SUPPORT_SHARE else None


def key_points(article: Article, sentences: list[Sentence]) -> list[KeyPoint]:
    """The article's key points: its own, anchored where the body supports them, else extracted.

    *sentences* are the article's :func:`body_sentences`.
    """
    if not article.key_points:
        return extract(sentences)
    out = []
    for point in article.key_points:
        best = support(point.text, sentences)
        out.append(KeyPoint(point.text, point.origin, best.anchor if best else None))
    return out
