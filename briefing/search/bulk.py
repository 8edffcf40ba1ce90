"""Ranking a query of words a term at a time, from Whoosh's own postings and BM25F.

Whoosh ranks by walking a tree of matchers one document at a time: several
Python calls for every posting of every term. At 100,000 articles a common
word in three fields (14,000 documents) took 180 ms, and a prefix that stands
for 64 words in three fields ran into the search's deadline. A query made only
of words (terms joined by OR, AND, NOT, AND NOT, ANDMAYBE, with boosts: plain
words, fields, and the expansions of prefixes and fuzzy terms) is scored here
instead, one posting block at a time: the same postings, the same BM25F
parameters and statistics, the same formula, with each document's field
length read from a table made once per searcher. Phrases, and anything else,
go through Whoosh's matchers (:func:`supports` says which).

Each term's score is Whoosh's exactly; a document's terms are summed in
another order than Whoosh's matcher tree, so two hits whose scores differ in
the last bits of rounding may change places. Ties are broken as Whoosh does:
the lower document number first (newest first: the higher).
"""

from __future__ import annotations

import heapq

from dataclasses import dataclass

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.formats import Positions
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from briefing.search.deadline import TimeLimit, check
from briefing.search.postings import Unsupported, blocks
from briefing.search.postings import positions as decode_positions

__all__ = ["Ranker", "Unsupported", "supports"]

# Untested phrase candidates tested to estimate how many of the rest hold the phrase.
_SAMPLE = 64

_OR = (wq.Or,)
_AND = (wq.And,)


def supports(q: wq.Query, searcher: Searcher) -> bool:
    """Whether *q* is made only of what this ranker scores as Whoosh would."""
    if not isinstance(searcher.weighting, BM25F):
        return False
    return _supported(q, searcher.schema)


def _supported(q: wq.Query, schema) -> bool:
    if q is wq.NullQuery:
        return True
    kind = type(q)
    if kind is wq.Term:
        return q.fieldname in schema and schema[q.fieldname].scorable
    if isinstance(q, _OR):
        return not q.minmatch and not q.scale and all(_supported(c, schema) for c in q.subqueries)
    if isinstance(q, _AND):
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        return bool(positive) and all(_supported(c, schema) for c in positive + negative)
    if isinstance(q, wq.Phrase):
        field = schema[q.fieldname] if q.fieldname in schema else None
        return (field is not None and field.scorable and type(field.format) is Positions and len(q.words) > 1
                and q.slop >= 1)
    if kind in (wq.AndNot, wq.AndMaybe):
        return q.boost == 1.0 and _supported(q.a, schema) and _supported(q.b, schema)
    return False


@dataclass
class _Leaf:
    """One segment in one rank(): what was asked for, and what its phrases left untested."""

    number: int
    searcher: Searcher
    offset: int
    limit: int
    allow: object
    dates: object
    phrases: dict[int, list]  # per phrase, the best found in any segment so far (a heap)
    untested: list[tuple[set[int], float]]  # candidates left untested here, and the share of a sample that held


class Ranker:
    """Ranks queries :func:`supports` accepts over one searcher; keeps that searcher's length tables."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.weighting = searcher.weighting
        self._leaves = searcher.leaf_searchers()
        # (leaf, field) -> each document's length byte; (field) -> the BM25F
        # length part of the denominator for each byte.
        self._lengths: dict[tuple[int, str], bytes] = {}
        self._norms: dict[str, list[float]] = {}

    def rank(self, q: wq.Query, limit: int, allow=None, dates=None):
        """The best *limit* (score, docnum) pairs, best first, the number matching, and whether time ran out.

        With *dates* (the raw date column), (date, docnum) pairs newest first
        instead. *allow* says yes or no to a document number. Raises
        :class:`Unsupported` when the index holds something this ranker does
        not read (the caller then asks Whoosh).
        """
        found: list[tuple] = []
        floor = None  # the limit-th best score found so far: nothing below it is kept
        total = 0
        partial = False
        phrases: dict[int, list] = {}
        for number, (sub, offset) in enumerate(self._leaves):
            leaf = _Leaf(number, sub, offset, limit, allow, dates, phrases, [])
            try:
                scores = self._eval(q, leaf)
            except TimeLimit:
                partial = True
                break
            reader = sub.reader()
            if reader.has_deletions() and scores:
                for docnum in reader.deleted_docs_set:
                    scores.pop(docnum, None)
            if allow is not None:
                scores = {d: s for d, s in scores.items() if allow(offset + d)}
            total += len(scores) + _estimate(leaf, scores, reader)
            if dates is not None:
                found.extend((dates[offset + d], offset + d) for d in scores)
                found = heapq.nlargest(limit, found)
            else:
                found.extend(_best(scores, limit, offset, floor))
                if len(found) > limit:
                    floor = heapq.nlargest(limit, [pair[0] for pair in found])[-1]
                    found = [pair for pair in found if pair[0] >= floor]
        total = min(total, self.searcher.doc_count())
        if dates is not None:
            return found, total, partial
        # Whoosh's order: the higher score, then the lower document number.
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        return found[:limit], total, partial

    # Scores of one leaf: local document number -> score

    def _eval(self, q: wq.Query, leaf: _Leaf, within: set[int] | None = None) -> dict[int, float]:
        """Scores of *q*'s documents in one leaf; only of those *within*, when given (the rest of an AND)."""
        if q is wq.NullQuery or within is not None and not within:
            return {}
        if type(q) is wq.Term:
            return self._term(q, leaf, within)
        if isinstance(q, wq.Phrase):
            return self._phrase(q, leaf, within)
        if isinstance(q, _OR):
            parts = sorted((self._eval(c, leaf, within) for c in q.subqueries), key=len, reverse=True)
            scores = dict(parts[0]) if parts else {}
            get = scores.get
            for part in parts[1:]:
                for d, s in part.items():
                    scores[d] = get(d, 0.0) + s
            return _boosted(scores, q.boost)
        if isinstance(q, _AND) or type(q) in (wq.AndNot, wq.AndMaybe):
            return self._joined(q, leaf, within)
        raise Unsupported(f"query part {type(q).__name__}")

    def _joined(self, q: wq.Query, leaf: _Leaf, within: set[int] | None) -> dict[int, float]:
        """AND (with NOT parts), AND NOT and ANDMAYBE."""
        if isinstance(q, _AND):
            # The rarest part first: the others are read only where it matched,
            # skipping their blocks without such a document ("tariff AND
            # said" reads a few blocks of "said", not all). Phrases last: their
            # untested candidates then hold every other part.
            reader = leaf.searcher.reader()
            positive = sorted((c for c in q.subqueries if not isinstance(c, wq.Not)),
                              key=lambda c: (_has_phrase(c), c.estimate_size(reader)))
            negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
            parts = []
            keep = within
            for c in positive:
                part = self._eval(c, leaf, keep)
                keep = set(part) if keep is None else keep.intersection(part)
                parts.append(part)
                if not keep:
                    return {}
            for c in negative:
                if keep:
                    keep.difference_update(self._eval(c, leaf, keep))
            # Whoosh's NOT inside AND matches with a score of 1.
            extra = float(len(negative))
            scores = {d: sum(part[d] for part in parts) + extra for d in keep}
            return _boosted(scores, q.boost)
        if type(q) is wq.AndNot:
            scores = self._eval(q.a, leaf, within)
            if scores:
                for d in self._eval(q.b, leaf, set(scores)):
                    scores.pop(d, None)
            return scores
        if type(q) is wq.AndMaybe:
            scores = self._eval(q.a, leaf, within)
            if scores:
                for d, s in self._eval(q.b, leaf, set(scores)).items():
                    scores[d] += s
            return scores
        raise Unsupported(f"query part {type(q).__name__}")

    def _term(self, q: wq.Term, leaf: _Leaf, within: set[int] | None) -> dict[int, float]:
        scores, _ = self._postings(q.fieldname, q.text, leaf, within=within)
        return _boosted(scores, q.boost)

    def _phrase(self, q: wq.Phrase, leaf: _Leaf, within: set[int] | None) -> dict[int, float]:
        """As Whoosh's phrase: documents with the words in order, each at most *slop* after the last; summed scores.

        A phrase of common words ("more than") is in almost every article,
        and testing a document's positions is the costly part: the documents
        with all the words are tested best first (or newest first), until the
        best *limit* are found, or none left could rank among the best *limit*
        found in earlier leaves. How many of the rest would match is estimated
        from a sample of them.
        """
        read = {}
        for word in q.words:
            if word not in read:
                read[word] = self._postings(q.fieldname, word, leaf, positions=True, within=within)
                if not read[word][0]:
                    return {}
        ordered = sorted(read.values(), key=lambda pair: len(pair[0]))
        candidates = set(ordered[0][0])
        for scores, _ in ordered[1:]:
            candidates.intersection_update(scores)
        steps = [read[word] for word in q.words]
        offset, allow, dates, limit = leaf.offset, leaf.allow, leaf.dates, leaf.limit
        if allow is not None:
            candidates = [d for d in candidates if allow(offset + d)]
        first, *rest = [scores for scores, _ in steps]
        summed = {d: first[d] for d in candidates}
        for scores in rest:
            for d in summed:
                summed[d] += scores[d]
        if dates is not None:
            key = lambda d: (-dates[offset + d], -d)  # noqa: E731
            rank = lambda d: dates[offset + d]  # noqa: E731
            order = heapq.nsmallest(2 * limit, summed, key=key) if len(summed) > 2 * limit else sorted(summed, key=key)
        else:
            key = lambda d: (-summed[d], d)  # noqa: E731
            rank = summed.__getitem__
            # The best few first (floats compare fast); the rest in order only if the phrase is rare among them.
            if len(summed) > 2 * limit:
                cut = heapq.nlargest(2 * limit, summed.values())[-1]
                order = sorted((d for d, score in summed.items() if score >= cut), key=key)
            else:
                order = sorted(summed, key=key)
        # What earlier leaves found of this phrase: a candidate ranked below
        # the limit-th of those cannot be among the best.
        best = leaf.phrases.setdefault(id(q), [])
        floor = best[0] if len(best) >= limit else None
        slop = q.slop

        def holds(d: int) -> bool:
            ends = decode_positions(steps[0][1][d])
            for _, values in steps[1:]:
                ends = _next_ends(ends, decode_positions(values[d]), slop)
                if not ends:
                    return False
            return True

        found: dict[int, float] = {}
        tested: set[int] = set()
        for d in _then_the_rest(order, summed, key):
            if len(found) >= limit or floor is not None and rank(d) < floor:
                break
            if len(tested) % 256 == 0:
                check()
            tested.add(d)
            if holds(d):
                found[d] = summed[d]
                if len(best) < limit:
                    heapq.heappush(best, rank(d))
                else:
                    heapq.heappushpop(best, rank(d))
        untested = summed.keys() - tested
        if untested:
            # The best candidates are likelier to hold the phrase than the
            # rest: the share is taken from a sample spread over the rest.
            spread = sorted(untested)
            sample = spread[:: max(1, len(spread) // _SAMPLE)][:_SAMPLE]
            held = [d for d in sample if holds(d)]
            found.update((d, summed[d]) for d in held)
            leaf.untested.append((untested.difference(sample), len(held) / len(sample)))
        return _boosted(found, q.boost)

    def _postings(self, fieldname: str, word, leaf: _Leaf, positions: bool = False,
                  within: set[int] | None = None):
        """A term's BM25F score in each document of one leaf (of those *within*), and with *positions* its positions."""
        check()
        reader = leaf.searcher.reader()
        field = leaf.searcher.schema[fieldname]
        try:
            text = field.to_bytes(word)
        except ValueError:
            return {}, {}
        if (fieldname, text) not in reader:
            return {}, {}
        # What Whoosh's BM25FScorer holds, without making one per term and
        # segment: its average field length sums every segment's lengths, a
        # cost that grew with the square of the segments a prefix's 64 words met.
        if type(self.weighting) is not BM25F or not field.scorable:
            raise Unsupported("a weighting other than BM25F, or a field without lengths")
        idf, top = self.searcher.idf(fieldname, text), self.weighting.K1 + 1
        norms = self._norm_table(fieldname)
        lengths = self._length_bytes(leaf.number, reader, fieldname)
        scores: dict[int, float] = {}
        values: dict[int, bytes] = {}
        wanted = sorted(within) if within is not None else None
        for ids, weights, block_values in blocks(reader.postings(fieldname, text), positions, wanted):
            check()
            if positions:
                ids = list(ids)
                values.update(zip(ids, block_values))
            if within is None:
                for d, w in zip(ids, weights):
                    # bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
                    scores[d] = idf * ((w * top) / (w + norms[lengths[d]]))
            else:
                for d, w in zip(ids, weights):
                    if d in within:
                        scores[d] = idf * ((w * top) / (w + norms[lengths[d]]))
        return scores, values

    def _norm_table(self, fieldname: str) -> list[float]:
        norms = self._norms.get(fieldname)
        if norms is None:
            weighting = self.weighting
            K1, B = weighting.K1, weighting._field_B.get(fieldname, weighting.B)
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            # Byte 0 is never read: a document with a posting has a length.
            norms = [K1 * ((1 - B) + B * (byte_to_length(b) or 1) / avgfl) for b in range(256)]
            self._norms[fieldname] = norms
        return norms

    def _length_bytes(self, leafno: int, reader, fieldname: str) -> bytes:
        key = (leafno, fieldname)
        found = self._lengths.get(key)
        if found is None:
            perdoc = getattr(reader, "_perdoc", None)
            if perdoc is None:
                raise Unsupported("a reader without per-document lengths")
            column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            count = reader.doc_count_all()
            if column is None:
                found = bytes(count)
            else:
                if getattr(column, "_typecode", None) != "B":
                    raise Unsupported("a length column of another kind")
                stored = bytes(column._dbfile.get(column._basepos, min(column._count, count)))
                found = stored + bytes([column._default]) * (count - len(stored))
            self._lengths[key] = found
        return found


def _estimate(leaf: _Leaf, scores: dict[int, float], reader) -> int:
    """How many of the leaf's untested phrase candidates would match, beyond those in *scores*.

    A document left untested by several phrases (the same phrase in the
    title and the body) is counted once, for the phrase with the most
    candidates.
    """
    counted = scores.keys() | (reader.deleted_docs_set if reader.has_deletions() else set())
    estimate = 0.0
    for docs, share in sorted(leaf.untested, key=lambda pair: len(pair[0]), reverse=True):
        rest = docs - counted
        estimate += share * len(rest)
        counted |= rest
    return round(estimate)


def _has_phrase(q: wq.Query) -> bool:
    return isinstance(q, wq.Phrase) or any(_has_phrase(c) for c in q.children())


def _best(scores: dict[int, float], limit: int, offset: int, floor: float | None = None) -> list[tuple[float, int]]:
    """The (score, docnum) pairs that could be among the best *limit*: those at or above the limit-th score.

    *floor*: the limit-th best score of the segments before; every pair
    below it is out already (ties are kept: the document number decides).
    """
    # Floats alone compare fast; pairs only for those that can make it.
    values = scores.values() if floor is None else [s for s in scores.values() if s >= floor]
    if len(values) > limit:
        own = heapq.nlargest(limit, values)[-1]
        floor = own if floor is None else max(floor, own)
    if floor is None:
        return [(s, offset + d) for d, s in scores.items()]
    return [(s, offset + d) for d, s in scores.items() if s >= floor]


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    if boost != 1.0:
        for d in scores:
            scores[d] *= boost
    return scores


def _then_the_rest(order: list[int], everything: dict, key):
    """*order*, then the rest of *everything* in the same order."""
    yield from order
    if len(order) < len(everything):
        seen = set(order)
        yield from sorted((d for d in everything if d not in seen), key=key)


def _next_ends(ends: list[int], positions: list[int], slop: int) -> list[int]:
    """The positions that come 1 to *slop* words after one of *ends*."""
    ends = set(ends)
    if slop == 1:
        return [p for p in positions if p - 1 in ends]
    return [p for p in positions if any(p - k in ends for k in range(1, slop + 1))]
