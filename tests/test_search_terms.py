"""The one-pass terms of a text field are the terms Whoosh's own token stream makes.

Every posting an index holds (term, count, weight, positions) comes from
``StemmedText.index``; a difference from Whoosh's ``TEXT.index`` would make
searches miss or misrank articles, and phrase searches find the wrong places.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from whoosh.analysis import SimpleAnalyzer, StemmingAnalyzer
from whoosh.fields import TEXT

from briefing.search import terms as terms_module
from briefing.search.schema import make_schema
from briefing.search.terms import StemmedText
from conftest import ROOT

sys.path.insert(0, str(ROOT))
from bench.realdata import data_dir, missing  # noqa: E402

EDGES = [
    "",
    "   \n\t ",
    "a an the of",  # nothing but stop words and short words
    "The the THE tariff",  # stop words before the first kept word: it keeps its own place
    "U.S. tariffs on U.K. steel, 3.5% up; e.g. the 1,000,000 mark... and a.b.c.d",
    "Zürich straße ÉLAN naïve café São Paulo İstanbul ǅemal ΣΊΣΥΦΟΣ",  # lower() changes length, Unicode words
    "rock'n'roll don't it's O'Neil's — well-known co-operation",
    "x" * 300 + " y " + "z" * 5000,  # very long words are kept (no maximum size)
    "wildcards* in *text and **stars**",
    "tariff " * 2000,  # one term, many positions
    "\x00\x1b[31mred\x1b[0m \u200b zero\u200bwidth \ufeff bom",
    "١٢٣ 中文字 日本語のテキスト 한국어 text",
    "relational relations relate; happily happy; governments govern",
]


def whoosh_terms(field, text: str) -> list[tuple]:
    return list(TEXT.index(field, text))


def ours(field, text: str) -> list[tuple]:
    return list(field.index(text))


@pytest.fixture(scope="module")
def fields():
    schema = make_schema()
    return [schema[name] for name in ("title", "body", "key_points")]


def test_the_schemas_text_fields_take_the_one_pass(fields):
    for field in fields:
        assert isinstance(field, StemmedText)
        field.index("warm up")
        assert field._plan, "the schema's analyzer should have the one-pass plan"


def test_edge_cases_give_whooshs_terms(fields):
    for field in fields:
        for text in EDGES:
            assert ours(field, text) == whoosh_terms(field, text), (field.format.field_boost, text[:60])


def test_sample_content_gives_whooshs_terms(fields):
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*")) if p.is_file()]
    assert len(texts) >= 5
    for field in fields:
        for text in texts:
            assert ours(field, text) == whoosh_terms(field, text)


def test_real_copy_gives_whooshs_terms(fields):
    reason = missing("bbc-dev", "reuters-dev")
    if reason:
        pytest.skip(reason)
    base = data_dir()
    paths = sorted((base / "bbc-dev" / "articles").glob("*.txt"))[:400]
    paths += sorted((base / "reuters-dev").glob("reut_*.txt"))[:600]
    compared = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        for field in fields:
            got = ours(field, text)
            assert got == whoosh_terms(field, text), path.name
            compared += len(got)
    assert compared > 100_000


def test_other_analyzers_and_values_go_through_whoosh():
    plain = StemmedText(analyzer=SimpleAnalyzer())
    assert list(plain.index("Tariffs and the tariff")) == whoosh_terms(plain, "Tariffs and the tariff")
    assert plain._plan is False
    stemmed = StemmedText(analyzer=StemmingAnalyzer(cachesize=-1))
    listed = ["tariffs", "steel"]  # a list of tokens is indexed as given, by Whoosh
    assert list(stemmed.index(listed)) == list(TEXT.index(stemmed, listed))


def test_the_stem_table_starts_again_when_full(monkeypatch):
    field = StemmedText(analyzer=StemmingAnalyzer(cachesize=-1))
    monkeypatch.setattr(terms_module, "STEMS_KEPT", 3)
    text = "running runners ran runs running tariffs"
    assert ours(field, text) == whoosh_terms(field, text)
    assert len(field._plan.stems) <= 3


def test_a_pickled_schema_leaves_the_plan_behind(fields):
    import pickle

    field = fields[1]
    field.index("warm up")
    copy = pickle.loads(pickle.dumps(field))
    assert "_plan" not in copy.__dict__
    assert ours(copy, "Tariffs rose") == whoosh_terms(copy, "Tariffs rose")
