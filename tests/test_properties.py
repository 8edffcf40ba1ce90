"""Properties of the parser and the query front end, for any input (hypothesis)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing.parse import parse_bytes
from briefing.search.query import QueryError, parse_query
from hostile import FORBIDDEN, FRAGMENTS, FUZZ_DATA, broken_promises

PATHS = [Path("article.txt"), Path("article.md")]

# Text made of briefing shapes and hostile fragments, with arbitrary text between them.
shaped_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40).map("".join)
any_text = st.one_of(shaped_text, st.text(max_size=400))

CHECKS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CHECKS
@given(text=any_text, path=st.sampled_from(PATHS))
# A first line of a quote and a line separator: nothing left once closers are stripped.
@example(text="'\u2028---\n", path=Path("article.txt"))
def test_any_text_parses_cleanly_and_the_same_way_twice(text, path):
    assert broken_promises(parse_bytes, text.encode("utf-8"), path) == []


@CHECKS
@given(data=st.binary(max_size=600), path=st.sampled_from(PATHS))
def test_any_bytes_parse_or_are_refused_with_a_reason(data, path):
    assert broken_promises(parse_bytes, data, path) == []


@CHECKS
@given(text=any_text, encoding=st.sampled_from(["utf-16", "cp1252", "latin-1"]))
def test_text_in_other_encodings_parses_cleanly(text, encoding):
    data = text.encode(encoding, errors="replace")
    assert broken_promises(parse_bytes, data, Path("article.txt")) == []


# Names as the system gives them: any text, with bytes that are not UTF-8 as surrogates (os.fsdecode).
names = st.one_of(
    st.text(st.characters(blacklist_characters="/\x00"), max_size=40),
    st.binary(max_size=40).map(lambda b: os.fsdecode(b.replace(b"/", b"").replace(b"\x00", b""))),
    st.lists(st.sampled_from(FRAGMENTS + ["\\", "\\x41", "\\u202e", "\\\\"]), max_size=8).map(
        lambda parts: "".join(parts).replace("/", "").replace("\x00", "")),
)


@CHECKS
@given(name=names)
def test_any_name_is_shown_on_one_clean_line_and_can_be_found_again(name):
    from briefing.sanitize import escape_name, unescape_name

    shown = escape_name(name)
    assert not FORBIDDEN.search(shown) and "\n" not in shown
    shown.encode("utf-8")  # printable anywhere
    assert unescape_name(shown) == name


@CHECKS
@given(text=any_text)
def test_cleaning_twice_changes_nothing(text):
    from briefing.sanitize import clean_field, clean_text

    once = clean_text(text)
    assert clean_text(once) == once
    field = clean_field(text)
    assert clean_field(field) == field and not FORBIDDEN.search(field)


def saved_inputs() -> list[Path]:
    return sorted(p for p in FUZZ_DATA.iterdir() if p.is_file()) if FUZZ_DATA.is_dir() else []


@pytest.mark.parametrize("case", saved_inputs(), ids=lambda p: p.name)
def test_inputs_kept_from_fuzzing_parse_cleanly(case):
    # A kept input is parsed both as plain text and as Markdown, whatever its name.
    for path in PATHS:
        assert broken_promises(parse_bytes, case.read_bytes(), path) == [], path


def test_the_fuzzers_inputs_are_kept():
    assert len(saved_inputs()) >= 10, "tests/data/fuzz holds the fuzzer's seeds and findings"


QUERY_PIECES = ["AND", "OR", "NOT", "(", ")", '"', "*", "?", "~", "~2", "^", "^3", ":", "title:", "body:", "date:",
                "date:2024-12-02", "date:2024..", "..2024-12-01", "[", "]", "{", "}", "to", "TO", "tag:", "kp:",
                "nosuch:", "Aleppo", "Hezbollah", "rebels", "\x1b[31m", "\\", "-", "+", "'", "/", "%", "\u202e"]
queries = st.lists(st.one_of(st.sampled_from(QUERY_PIECES), st.text(max_size=12)), max_size=20).map(" ".join)


@CHECKS
@given(text=st.one_of(queries, st.text(max_size=200)))
def test_any_query_runs_or_says_why(engine, text):
    with engine.ix.searcher() as s:
        try:
            first = parse_query(text, s, engine.ix.schema)
        except QueryError as exc:
            reason = str(exc)
            assert reason and "\n" not in reason
            # The same query gives the same reason.
            with pytest.raises(QueryError, match="^" + re.escape(reason) + "$"):
                parse_query(text, s, engine.ix.schema)
            return
        again = parse_query(text, s, engine.ix.schema)
    assert repr(first.query) == repr(again.query)
    assert not FORBIDDEN.search(first.text)
    engine.search(text)  # and it runs
