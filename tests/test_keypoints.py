"""Key points and facts: held to the labels on the samples and the evaluation set."""

from __future__ import annotations

import json
import subprocess
import sys
import pytest

from briefing.parse import parse_file
from conftest import ROOT

sys.path.insert(0, str(ROOT))
from bench.evaluation import FACT_KINDS, evaluate, load_labels  # noqa: E402

LABELS = ROOT / "tests" / "data" / "eval" / "labels.yaml"


@pytest.fixture(scope="module")
def report():
    return evaluate(load_labels(LABELS, ROOT), repeats=1)


def test_parser_matches_every_line_label_and_structure(report):
    assert report.line_errors == []
    assert report.structure_errors == []
    assert report.line_accuracy == 1.0


def test_extraction_beats_lead3_on_the_labelled_set(report):
    assert report.extracted.f1 > report.lead3.f1
    assert report.extracted.recall >= 0.85


@pytest.mark.parametrize("kind", FACT_KINDS)
def test_facts_precision_and_recall_by_kind(report, kind):
    tally = report.facts[kind]
    assert tally.precision >= 0.9, report.fact_misses
    assert tally.recall >= 0.9, report.fact_misses


def test_sample_003_extracts_lede_casualties_and_airstrikes(sample):
    article = parse_file(sample("003"))
    points = article.key_points
    assert [k.origin for k in points] == ["extracted"] * 3
    texts = [k.text for k in points]
    assert any(t.startswith("Syrian rebels, led by the Islamist group") for t in texts)
    assert any("over 250 combatants killed" in t for t in texts)
    assert any("23 attacks on Idlib city" in t for t in texts)
    for point in points:
        # Each points at exactly its own sentence in the body.
        assert article.anchor_text(point.anchor) == point.text


def test_given_points_are_anchored_to_their_best_supporting_sentence(sample):
    article = parse_file(sample("004"))
    fled = article.key_points[1]
    assert fled.text.startswith("Reports indicate that President Bashar al Assad has fled Damascus")
    assert fled.origin == "given"
    assert "fled Damascus" in article.anchor_text(fled.anchor)


def test_given_point_with_no_support_in_the_body_has_no_anchor(write):
    text = (
        "Markets steady after rate decision\n"
        "- Volcanic ash grounded flights across Iceland.\n"
        "- Bank shares rose 2% after the decision.\n"
        "The central bank held rates at 4%. Shares in banks rose 2% on the news.\n"
    )
    article = parse_file(write("m.txt", text))
    ash, banks = article.key_points
    assert ash.anchor is None
    assert banks.anchor is not None and "Shares in banks rose" in article.anchor_text(banks.anchor)


def test_short_body_gets_fewer_points(write):
    article = parse_file(write("s.txt", "Short item\nThe port reopened on Monday after repairs. Ships resumed loading.\n"))
    assert len(article.key_points) == 1


def test_figures_dates_and_names_on_sample_002(sample):
    facts = parse_file(sample("002")).facts
    by_text = {f.text: f for f in facts}
    assert by_text["at least 121 people"].kind == "figure"
    assert by_text["at least 121 people"].attribution == "the Syrian Observatory for Human Rights"
    assert by_text["November 29, 2024"].kind == "date"
    assert by_text["Hayat Tahrir al-Sham (HTS)"].kind == "organisation"
    assert by_text["Benjamin Netanyahu"].kind == "person"
    assert by_text["Basel Square"].kind == "place"
    # "HTS" alone is the same organisation, not a second one.
    assert "HTS" not in by_text


def test_parse_json_has_anchors_and_facts(sample):
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "parse", str(sample("003")), "--json"],
        capture_output=True, text=True, timeout=60,
    )
    data = json.loads(result.stdout)
    for point in data["key_points"]:
        assert point["origin"] == "extracted"
        anchor = point["anchor"]
        paragraph = data["paragraphs"][anchor["paragraph"]]["text"]
        assert paragraph[anchor["start"] : anchor["end"]] == point["text"]
    kinds = {f["kind"] for f in data["facts"]}
    assert kinds == {"figure", "date", "person", "place", "organisation"}
    friday = next(f for f in data["facts"] if f["text"] == "Friday")
    assert friday["kind"] == "date" and friday["anchor"] is not None


def test_extracted_points_start_with_the_lede_and_never_repeat(write):
    text = (
        "Port reopens after strike\n"
        "The port of Rotterdam reopened on Thursday after a three-day strike by dock workers ended.\n"
        "The port of Rotterdam reopened on Thursday after the three-day dock strike ended, the port said.\n"
        "More than 40 container ships had waited at anchor during the strike, the port authority said.\n"
        "The union said members accepted a 5% pay rise over two years.\n"
        "Shipping lines expect the backlog to clear within two weeks.\n"
        "Retailers had warned of shortages before Christmas.\n"
    )
    points = [k.text for k in parse_file(write("p.txt", text)).key_points]
    assert points[0].startswith("The port of Rotterdam reopened on Thursday after a three-day")
    # The second sentence says the lede again; the points add what the lede leaves out.
    assert not any(p.startswith("The port of Rotterdam reopened on Thursday after the") for p in points)
    assert any("40 container ships" in p for p in points)
