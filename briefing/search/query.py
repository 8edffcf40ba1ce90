"""Queries: Whoosh's query language with our field names, date ranges and bounded expansion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    FuzzyTermPlugin,
    GtLtPlugin,
    MultifieldParser,
)
from whoosh.query.compound import PreloadedOr
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from briefing.sanitize import clean_line

SEARCH_FIELDS = ["title", "body", "key_points"]
# A prefix or fuzzy term expands to at most this many index terms (the most
# frequent ones); an unbounded three-letter prefix expands to hundreds and
# takes seconds.
MAX_EXPANSION = 64
MAX_QUERY_CHARS = 1000
# The fields worth naming to a user who typed an unknown one.
_QUERYABLE = ("title", "body", "key_points", "source", "tag", "date")

_FIELD = re.compile(r"(?<![\w\"])([A-Za-z_]+):(?=\S)")
# Names users may type for a field: "tag:" reads better than "tags:".
FIELD_ALIASES = {"tags": ["tag"], "key_points": ["keypoints", "kp"]}
_ALIAS_OF = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
_DATE_RANGE = re.compile(r"\bdate:(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?")


class QueryError(Exception):
    """A query that cannot be run; the message says why, for the user."""


@dataclass
class ParsedQuery:
    text: str
    query: wq.Query
    terms: set[str] = field(default_factory=set)


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
    for leaf, _ in reader.leaf_readers():
        found.update(leaf.terms_within(fieldname, text, maxdist, prefix=prefix))
    return found


def _bound(q: wq.Query, searcher: Searcher) -> wq.Query:
    """Replace each expanding term (prefix, wildcard, fuzzy) by its most frequent expansions."""
    if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
        reader = searcher.reader()
        try:
            if isinstance(q, wq.FuzzyTerm):
                words = list(near_terms(reader, q.fieldname, q.text, q.maxdist, q.prefixlength))
            else:
                words = list(q._btexts(reader))  # the expansion Whoosh itself would use
        except Exception:
            words = []
        if len(words) > MAX_EXPANSION:
            words.sort(key=lambda w: -reader.doc_frequency(q.fieldname, w))
            words = words[:MAX_EXPANSION]
        texts = [w.decode("utf-8") if isinstance(w, bytes) else w for w in words]
        if not texts:
            return wq.NullQuery
        # Scores and doc numbers loaded into an array at once: dozens of terms
        # in a tree of pairwise unions cost seconds at 10,000 articles.
        return PreloadedOr([wq.Term(q.fieldname, t) for t in texts], boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(lambda sub: _bound(sub, searcher))


def _unreadable(q: wq.Query):
    """The parts of *q* Whoosh could not read (they carry an ``error``)."""
    if getattr(q, "error", None) is not None:
        yield q
    for child in q.children():
        yield from _unreadable(child)


def parse_query(text: str, searcher: Searcher, schema) -> ParsedQuery:
    """Parse *text* for *searcher*'s index. Raises :class:`QueryError` with a reason."""
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
    q = _bound(q, searcher)
    terms = {
        t.decode("utf-8") if isinstance(t, bytes) else str(t)
        for fieldname, t in q.iter_all_terms()
        if fieldname in SEARCH_FIELDS
    }
    return ParsedQuery(text, q, terms)
