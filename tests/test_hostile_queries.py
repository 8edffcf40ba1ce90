"""Queries no one meant to type: each runs or says why, and none hangs or drops part of itself."""

from __future__ import annotations

import pytest

from briefing.search.query import MAX_EXPANSION, QueryError, parse_query

BAD = [
    ("NOT", "no words to look for"),
    ("AND OR NOT", "no words to look for"),
    ('"Iranian consulate', "unbalanced quotes"),
    ("(Aleppo OR (Hama)", "unbalanced parentheses"),
    ("Aleppo)", "unbalanced parentheses"),
    ("colour:red Aleppo", "unknown field 'colour:'"),
    ("Aleppo date:someday", "a date in the query is not understood"),
    ("date:[x TO", "a date in the query is not understood"),
    ("rebels " * 1500, "query too long"),
    ("x" * 10_000, "query too long (10000 characters; the limit is 1000)"),
]


@pytest.mark.parametrize(("query", "reason"), BAD, ids=[q[:20] for q, _ in BAD])
def test_hostile_queries_say_why(engine, query, reason):
    with pytest.raises(QueryError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        engine.search(query)


def test_a_date_that_cannot_be_read_is_not_silently_dropped(engine):
    # Without the check, Whoosh drops the unreadable date and finds every article with the word.
    assert len(engine.search("Aleppo").hits) == 5
    with pytest.raises(QueryError):
        engine.search("Aleppo date:2024-13-45")


def test_escape_sequences_in_a_query_are_taken_out(engine):
    with engine.ix.searcher() as searcher:
        parsed = parse_query("\x1b[31mHezbollah\x1b[0m \x1b]52;c;aGk=\x07", searcher, engine.ix.schema)
    assert parsed.text == "Hezbollah"
    assert len(engine.search("\x1b[31mHezbollah\x1b[0m").hits) == 2


@pytest.mark.parametrize(("query", "reason"), [
    ("*", "a lone \\* would match every article"),
    ("title:*", "a lone \\* would match every article"),
    ("**", "a wildcard needs two letters before"),
    ("*a*", "a wildcard needs two letters before"),
    ("?*", "a wildcard needs two letters before"),
    ("Aleppo OR *leppo", "a wildcard needs two letters before"),
])
def test_wildcards_that_would_match_everything_are_refused_with_a_reason(engine, query, reason):
    with pytest.raises(QueryError, match=reason):
        engine.search(query)


@pytest.mark.parametrize("query", ["a*", "al*", "th?*", "r*s"])
def test_wildcard_expansion_is_bounded_per_field(engine, query):
    assert engine.search(query).hits
    with engine.ix.searcher() as searcher:
        parsed = parse_query(query, searcher, engine.ix.schema)
    per_field: dict[str, int] = {}
    for field, _ in parsed.query.iter_all_terms():
        per_field[field] = per_field.get(field, 0) + 1
    # Each field's expansion is bounded, however much the pattern matches.
    assert 0 < max(per_field.values()) <= MAX_EXPANSION
