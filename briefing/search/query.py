"""Queries: Whoosh's query language with our field names, date ranges, and every expansion bounded.

Whatever is typed, a query's cost is bounded before it runs: an edit distance
above MAX_DISTANCE is lowered to it, a prefix, wildcard or fuzzy term stands
for at most MAX_EXPANSION words of at most MAX_POSTINGS documents in all (the
most frequent ones), at most MAX_EXPANDING such terms are allowed, a wildcard
needs letters before it, and a lone ``*`` is refused. A date range narrows
the results through the date column instead of taking part in the ranking;
alone, it lists its articles newest first. Whatever was lowered or cut is
said in the results' notes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import AndGroup, FieldAliasPlugin, FuzzyTermPlugin, GtLtPlugin, MultifieldParser
from whoosh.query.compound import PreloadedOr
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from briefing.sanitize import clean_line
from briefing.search import deadline
from briefing.search.errors import QueryError

SEARCH_FIELDS = ["title", "body", "key_points"]
# A prefix, wildcard or fuzzy term expands to at most this many index words
# (the most frequent), of at most this many documents together: a three-letter
# prefix matches hundreds of words, and loading the postings of 64 common ones
# took a second and a hundred MB at 100,000 articles.
MAX_EXPANSION = 64
MAX_POSTINGS = 300_000
# And all the expansions of one query together (eight prefixes over three
# fields each would otherwise load millions of postings).
MAX_QUERY_POSTINGS = 600_000
# Index words looked at per segment to expand one prefix or wildcard.
MAX_SCAN = 20_000
# Expanding terms in one query, and the largest edit distance of a fuzzy term
# (``governments~9`` once ran for minutes and took a gigabyte).
MAX_EXPANDING = 8
MAX_DISTANCE = 2
# A fuzzy word longer than this builds an automaton that takes seconds.
MAX_FUZZY_LETTERS = 30
MAX_QUERY_CHARS = 1000
# The fields worth naming to a user who typed an unknown one.
_QUERYABLE = ("title", "body", "key_points", "source", "tag", "date")

_FIELD = re.compile(r"(?<![\w\"])([A-Za-z_]+):(?=\S)")
# Names users may type for a field: "tag:" reads better than "tags:".
FIELD_ALIASES = {"tags": ["tag"], "key_points": ["keypoints", "kp"]}
_ALIAS_OF = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
_DATE_RANGE = re.compile(r"\bdate:(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?")
_WILD = re.compile(r"[*?]")


@dataclass
class ParsedQuery:
    text: str
    query: wq.Query
    terms: set[str] = field(default_factory=set)
    # The query's date ranges together, as (first, last) in the date column's
    # units (None: open), applied as a filter; None when there are none.
    dates: tuple[int | None, int | None] | None = None
    # What was lowered or cut to keep the query bounded, for the user.
    notes: list[str] = field(default_factory=list)

    @property
    def dates_only(self) -> bool:
        return self.dates is not None and isinstance(self.query, wq.Every)


def _rewrite_dates(text: str) -> str:
    """``date:2024-11-27..2024-12-01`` in Whoosh's range syntax."""

    def repl(m: re.Match[str]) -> str:
        start = (m.group(1) or "").replace("-", "")
        end = (m.group(2) or "").replace("-", "")
        return f"date:[{start} to {end}]"

    return _DATE_RANGE.sub(repl, text)


def make_parser(schema) -> MultifieldParser:
    parser = MultifieldParser(SEARCH_FIELDS, schema, group=AndGroup)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    return parser


def near_terms(reader: IndexReader, fieldname: str, text: str, maxdist: int, prefix: int) -> set[str]:
    """The index's words in *fieldname* within *maxdist* edits of *text*.

    Whoosh walks a Levenshtein automaton over one segment's word list, but an
    index of several segments falls back to computing the distance to every
    word (a second per query at 1,000 articles); asking each segment is the
    fast path for all of them.
    """
    found: set[str] = set()
    maxdist = min(maxdist, MAX_DISTANCE)
    for leaf, _ in reader.leaf_readers():
        deadline.check()
        found.update(leaf.terms_within(fieldname, text, maxdist, prefix=prefix))
    return found


def _frequencies(reader: IndexReader, q: wq.Query) -> tuple[Counter, bool]:
    """The words a prefix or wildcard stands for, with their document counts; and whether the scan was cut."""
    fieldname = q.fieldname
    if isinstance(q, wq.Prefix):
        prefix, pattern = q.text, None
    else:
        prefix = _WILD.split(q.text, 1)[0]
        pattern = re.compile(q._get_pattern())
    counts: Counter = Counter()
    cut = False
    for leaf, _ in reader.leaf_readers():
        deadline.check()
        if fieldname not in leaf.indexed_field_names():
            continue
        for n, (word, info) in enumerate(leaf.iter_prefix(fieldname, prefix)):
            if n >= MAX_SCAN:
                cut = True
                break
            if n % 1024 == 0:
                deadline.check()
            word = word.decode("utf-8") if isinstance(word, bytes) else word
            if pattern is None or pattern.match(word):
                counts[word] += info.doc_frequency()
    return counts, cut


class _Bounds:
    """Rewrites a parsed query so that every part of it has a bounded cost."""

    def __init__(self, searcher: Searcher) -> None:
        self.reader = searcher.reader()
        self.notes: list[str] = []
        self.expanding: set[str] = set()
        self.postings_left = MAX_QUERY_POSTINGS

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def __call__(self, q: wq.Query) -> wq.Query:
        if isinstance(q, wq.Every):
            raise QueryError("a lone * would match every article: add a word to look for")
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            return self.expand(q)
        if isinstance(q, wq.Phrase):
            return deadline.TimedPhrase.of(q)
        if q.is_leaf():
            return q
        q = q.apply(self)
        if type(q) is wq.Or:
            # A tree of unions, which can skip blocks that cannot reach the
            # top hits. Whoosh preloads and scores every posting in segments
            # under 5,000 documents: a common word over many small segments
            # was scored 45,000 times for 20 hits.
            q.matcher_type = wq.Or.DEFAULT_MATCHER
        return q

    def expand(self, q: wq.Query) -> wq.Query:
        shown = f"{q.text}~" if isinstance(q, wq.FuzzyTerm) else q.text if isinstance(q, wq.Wildcard) else f"{q.text}*"
        self.expanding.add(shown)
        if len(self.expanding) > MAX_EXPANDING:
            raise QueryError(f"too many wildcard and fuzzy terms (at most {MAX_EXPANDING} in one query)")
        if isinstance(q, wq.FuzzyTerm):
            if len(q.text) > MAX_FUZZY_LETTERS:
                raise QueryError(f"'{q.text[:40]}~': a fuzzy word may have at most {MAX_FUZZY_LETTERS} letters")
            distance = q.maxdist
            if distance > MAX_DISTANCE:
                self.note(f"{q.text}~{distance}: edit distance lowered to {MAX_DISTANCE}")
                distance = MAX_DISTANCE
            # The first letter is taken as typed: from the very first, the walk visits every word.
            words = near_terms(self.reader, q.fieldname, q.text, distance, max(q.prefixlength, 1))
            counts = Counter({w: self.reader.doc_frequency(q.fieldname, w) for w in words})
            cut = False
        else:
            if isinstance(q, wq.Wildcard) and len(_WILD.split(q.text, 1)[0]) < 2:
                raise QueryError(f"'{q.text}': a wildcard needs two letters before its first * or ? (as in hezb*)")
            counts, cut = _frequencies(self.reader, q)
        chosen, postings = [], 0
        allowed = min(MAX_POSTINGS, self.postings_left)
        for word, frequency in counts.most_common():
            if len(chosen) >= MAX_EXPANSION or (chosen and postings + frequency > allowed):
                cut = True
                break
            chosen.append(word)
            postings += frequency
        self.postings_left = max(0, self.postings_left - postings)
        if cut:
            self.note(f"{shown} stands for its {len(chosen)} most frequent words")
        if not chosen:
            return wq.NullQuery
        # Scores and doc numbers loaded into an array at once: dozens of terms
        # in a tree of pairwise unions cost seconds at 10,000 articles.
        return PreloadedOr([wq.Term(q.fieldname, w) for w in chosen], boost=q.boost)


def _unreadable(q: wq.Query):
    """The parts of *q* Whoosh could not read (they carry an ``error``)."""
    if getattr(q, "error", None) is not None:
        yield q
    for child in q.children():
        yield from _unreadable(child)


def _is_date(q: wq.Query) -> bool:
    return isinstance(q, wq.NumericRange) and q.fieldname == "date"


def _split_dates(q: wq.Query) -> tuple[wq.Query, tuple[int | None, int | None] | None]:
    """The query without its top-level date ranges, and the span all of them allow."""
    if _is_date(q):
        ranges, words = [q], wq.Every()
    elif isinstance(q, wq.And) and any(_is_date(c) for c in q.subqueries):
        ranges = [c for c in q.subqueries if _is_date(c)]
        rest = [c for c in q.subqueries if not _is_date(c)]
        words = rest[0] if len(rest) == 1 else wq.And(rest) if rest else wq.Every()
    else:
        return q, None
    first = max((r.start for r in ranges if r.start is not None), default=None)
    last = min((r.end for r in ranges if r.end is not None), default=None)
    return words, (first, last)


def parse_query(text: str, searcher: Searcher, schema=None) -> ParsedQuery:
    """Parse *text* for *searcher*'s index. Raises :class:`QueryError` with a reason."""
    schema = searcher.schema if schema is None else schema
    # Pasted text may carry escape sequences; the query is echoed on screen.
    text = clean_line(text)
    if not text:
        raise QueryError("empty query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})")
    if text.count('"') % 2:
        raise QueryError('unbalanced quotes: a phrase needs a closing "')
    if text.count("(") != text.count(")"):
        raise QueryError("unbalanced parentheses")
    outside_phrases = re.sub(r'"[^"]*"', " ", text)
    for name in _FIELD.findall(outside_phrases):
        if _ALIAS_OF.get(name, name) not in schema.names():
            fields = ", ".join(_QUERYABLE)
            raise QueryError(f"unknown field '{name}:' (fields: {fields})")
    parser = make_parser(schema)
    try:
        q = parser.parse(_rewrite_dates(text), normalize=False)
        # Whoosh turns a value it cannot read (date:someday) into an empty
        # query that normalising drops: the rest would run without the limit
        # the user asked for.
        if any(_unreadable(q)):
            raise QueryError(
                "a date in the query is not understood (dates look like 2024-12-02, 2024-12 or 2024; "
                "ranges like date:2024-11-27..2024-12-01)"
            )
        q = q.normalize()
    except QueryError:
        raise
    except Exception as exc:  # Whoosh raises many kinds for odd input
        raise QueryError(f"cannot read the query ({exc})") from None
    if q is wq.NullQuery:
        raise QueryError("the query has no words to look for")
    words, dates = _split_dates(q)
    bounds = _Bounds(searcher)
    if dates is not None and isinstance(words, wq.Every):
        bounds.note("a date range alone lists its articles newest first")
    else:
        words = bounds(words)
    terms = {
        t.decode("utf-8") if isinstance(t, bytes) else str(t)
        for fieldname, t in words.iter_all_terms()
        if fieldname in SEARCH_FIELDS
    }
    return ParsedQuery(text, words, terms, dates, bounds.notes)
