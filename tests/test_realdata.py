"""The parser and the key points on real copy nobody here wrote (../shared/data).

The labelled real-copy set (tests/data/realcopy, rebuilt from the data by
bench/realcopy.py) holds the parser to the issue's targets line by line; a
slice of reuters-dev and of bbc-dev checks wire stories and key points at
some scale. bench/keypoints.py prints the full figures. Where the data is not
there, each test says so and is skipped.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from briefing.keypoints import body_sentences
from briefing.parse import parse_file
from conftest import ROOT

sys.path.insert(0, str(ROOT))
from bench.realcopy import build  # noqa: E402
from bench.realdata import bbc_articles, data_dir, missing  # noqa: E402
from bench.realeval import StructureReport, bbc_gold, briefing_points, check_structure, lead3, norm  # noqa: E402


def needs(*sets: str) -> None:
    reason = missing(*sets)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def realcopy(tmp_path_factory) -> StructureReport:
    needs("bbc-dev", "reuters-dev", "html-dev")
    built, changed = build(tmp_path_factory.mktemp("realcopy"))
    assert changed == [], "the data no longer gives the labelled texts"
    assert len(built) >= 60
    report = StructureReport()
    for item in built:
        check_structure(item, parse_file(item.path), report)
    return report


def test_realcopy_no_body_paragraph_is_read_as_a_key_point(realcopy):
    assert realcopy.body_as_key_points == 0, realcopy.notes


def test_realcopy_junk_is_taken_out_of_the_body(realcopy):
    assert realcopy.junk_lines > 1000
    assert realcopy.junk_in_body / realcopy.junk_lines < 0.10, realcopy.notes
    # ...and the article's own text stays.
    assert realcopy.body_dropped <= 0.01 * realcopy.body_lines, realcopy.notes


def test_realcopy_truncation_titles_datelines_and_highlights(realcopy):
    assert realcopy.false_truncation < 0.01 * realcopy.files, realcopy.notes
    assert realcopy.title_wrong == 0, realcopy.notes
    assert realcopy.datelines_right == realcopy.datelines_labelled > 20, realcopy.notes
    assert realcopy.datelines_false == 0, realcopy.notes
    assert realcopy.highlights_found == realcopy.highlight_lines > 30, realcopy.notes


def test_wire_stories_keep_their_shape():
    needs("reuters-dev")
    paths = sorted((data_dir() / "reuters-dev").glob("reut_*.txt"))[:300]
    signed = dropped = opened = found = truncated = titled = 0
    for path in paths:
        article = parse_file(path)
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").split("\n") if line.strip()]
        assert not any(k.origin == "given" for k in article.key_points), path.name
        titled += norm(article.title) == norm(lines[0]) and not article.title_derived
        truncated += article.truncated
        if re.fullmatch(r"(?i)reuter", lines[-1]):
            signed += 1
            dropped += any(d.text == lines[-1] and d.reason == "sign-off" for d in article.dropped)
        if len(lines) > 1 and re.match(r"^[A-Z][A-Z .,'-]+, [A-Z][a-z]{2,8} \d{1,2} - ", lines[1]):
            opened += 1
            found += article.dateline is not None
    assert signed > 250 and dropped == signed
    assert opened > 250 and found >= 0.98 * opened
    assert truncated <= 0.01 * len(paths)
    assert titled >= 0.98 * len(paths)


def test_bbc_key_points_beat_lead3_and_clean_copy_stays_whole():
    needs("bbc-dev")
    hits = lead_hits = picked = lead_picked = 0
    for item in bbc_articles(limit=200):
        article = parse_file(item.path)
        gold = bbc_gold(item.summary)
        points = briefing_points(article)
        lead = lead3(body_sentences(article))
        hits += sum(gold.is_hit(p) for p in points)
        lead_hits += sum(gold.is_hit(p) for p in lead)
        picked += len(points)
        lead_picked += len(lead)
        first_line = item.path.read_bytes().decode("utf-8", "replace").split("\n")[0]
        assert norm(article.title) == norm(first_line) and not article.title_derived, item.path.name
        assert article.dropped == [] and not any(k.origin == "given" for k in article.key_points), item.path.name
    assert hits / picked >= lead_hits / lead_picked + 0.10


def test_the_data_folder_can_be_named(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFING_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    assert "bbc-dev" in missing("bbc-dev") and "BRIEFING_DATA" in missing("bbc-dev")
    monkeypatch.delenv("BRIEFING_DATA")
    assert data_dir() == Path(ROOT).parent / "shared" / "data"
