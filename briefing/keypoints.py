"""Key points: anchored when the article gives them, extracted when it does not.

Extraction ranks the body's sentences on a graph whose edges are shared content
words (TextRank), with the random jump biased towards early sentences and
sentences that carry facts (PositionRank-style personalisation), then picks the
best ones that do not repeat each other. Plain Python, well under a
millisecond on a briefing-length article.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from briefing.model import Anchor, Article, KeyPoint
from briefing.sentences import sentence_spans
from briefing.words import content_words

MAX_POINTS = 3
# Key points and facts come from this much of the body at most (a long report
# is 50,000 characters): the rest of a larger article is shown, not analysed.
MAX_ANALYSED_CHARS = 100_000
# Only this many sentences from the top are ranked for key points.
MAX_RANKED = 300
DAMPING = 0.3
ITERATIONS = 40
# Two picks sharing more than this share of their words say the same thing.
REDUNDANCY = 0.45
MIN_WORDS = 6
FIGURE_BONUS = 2.0
SOURCE_BONUS = 1.15
POSITION_EXPONENT = 0.5
# A direct quotation is colour, rarely the point.
QUOTE_WEIGHT = 0.4
# A given point is anchored only where a sentence shares enough of its words.
MIN_SUPPORT_WORDS = 2
MIN_SUPPORT_SHARE = 0.15

_FIGURE = re.compile(
    r"\b\d[\d,.]*\s*(%|percent|per cent)?|\b(dozens|hundreds|thousands|millions)\b", re.IGNORECASE
)
# Only explicit attribution counts: "said" is in most sentences of news copy
# and, measured on the labelled set, a bonus for it picks quotes over facts.
_SOURCED = re.compile(r"\baccording to\b", re.IGNORECASE)
_YEAR = re.compile(r"^(19|20)\d\d$")


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
    budget = MAX_ANALYSED_CHARS
    for index, paragraph in enumerate(article.paragraphs):
        if paragraph.kind == "heading":
            continue
        if budget <= 0:
            break
        budget -= len(paragraph.text)
        for start, end in sentence_spans(paragraph.text[: budget + len(paragraph.text)]):
            text = paragraph.text[start:end]
            out.append(Sentence(index, start, end, text, frozenset(content_words(text))))
    return out


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)
    if not shared or len(a) < 2 or len(b) < 2:
        return 0.0
    return shared / (math.log(len(a)) + math.log(len(b)))


def fact_weight(text: str) -> float:
    """How much more likely a reader wants *text*: figures (not bare years) and named sources."""
    figures = [m.group(0).strip() for m in _FIGURE.finditer(text)]
    weight = 1.0
    if any(not _YEAR.match(f.rstrip(".,")) for f in figures):
        weight *= FIGURE_BONUS
    if _SOURCED.search(text):
        weight *= SOURCE_BONUS
    return weight


def _is_quote(text: str) -> bool:
    return text[:1] in "\"\u201c\u2018'"


def rank(sentences: list[Sentence]) -> list[float]:
    """A score for each sentence: biased PageRank over the similarity graph."""
    n = len(sentences)
    if n == 0:
        return []
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            w = _similarity(sentences[i].words, sentences[j].words)
            weights[i][j] = weights[j][i] = w
    out_sums = [sum(row) for row in weights]

    prior = [
        (1.0 / (i + 1) ** POSITION_EXPONENT) * fact_weight(s.text) * (QUOTE_WEIGHT if _is_quote(s.text) else 1.0)
        for i, s in enumerate(sentences)
    ]
    total = sum(prior)
    prior = [p / total for p in prior]

    # Each sentence's neighbours and the share of their score that flows to it.
    inflow = [
        [(i, weights[i][j] / out_sums[i]) for i in range(n) if weights[i][j] and out_sums[i]]
        for j in range(n)
    ]
    scores = prior[:]
    for _ in range(ITERATIONS):
        new = []
        for j in range(n):
            flow = sum(scores[i] * share for i, share in inflow[j])
            new.append((1 - DAMPING) * prior[j] + DAMPING * flow)
        # Sentences with no neighbours leak their share; give it back by the prior.
        leak = 1.0 - sum(new)
        new = [s + leak * p for s, p in zip(new, prior)]
        if max(abs(a - b) for a, b in zip(new, scores)) < 1e-7:
            scores = new
            break
        scores = new
    return scores


def point_count(sentence_count: int) -> int:
    """Three points, fewer for a short body (one per three sentences, at least one)."""
    return max(1, min(MAX_POINTS, math.ceil(sentence_count / 3)))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def extract(sentences: list[Sentence], count: int | None = None) -> list[KeyPoint]:
    """The *count* best of *sentences*, best first, each anchored to its place."""
    candidates = [s for s in sentences if len(s.text.split()) >= MIN_WORDS] or sentences
    # The ranking compares every pair of sentences: a file of thousands (a
    # log, a dump) would take minutes. Briefings say what matters early.
    candidates = candidates[:MAX_RANKED]
    if not candidates:
        return []
    count = point_count(len(candidates)) if count is None else count
    scores = rank(candidates)
    order = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    picked: list[Sentence] = []
    for i in order:
        sentence = candidates[i]
        if any(_overlap(sentence.words, p.words) > REDUNDANCY for p in picked):
            continue
        picked.append(sentence)
        if len(picked) == count:
            break
    return [KeyPoint(s.text, "extracted", s.anchor) for s in picked]


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
