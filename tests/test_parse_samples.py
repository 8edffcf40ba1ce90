"""The parser on the five sample briefings: what becomes key points, title, body."""

from __future__ import annotations

from briefing.parse import parse_file


def kinds(article):
    return [p.kind for p in article.paragraphs]


def test_000_four_unmarked_key_points_and_no_title(sample):
    article = parse_file(sample("000"))
    assert [k.text.split()[:4] for k in article.key_points] == [
        ["The", "recent", "advances", "by"],
        ["The", "involvement", "of", "external"],
        ["If", "the", "rebels", "successfully"],
        ["Continued", "international", "involvement", "and"],
    ]
    assert all(k.origin == "given" for k in article.key_points)
    assert article.title_derived
    # Derived from the first body sentence and cut at a word boundary.
    assert article.title.startswith("After a significant escalation in northern Syria")
    assert article.title.endswith("\u2026") and len(article.title) <= 80
    assert article.paragraphs[0].text.startswith("After a significant escalation")
    assert kinds(article) == ["text"] * 4
    assert not article.truncated


def test_001_six_key_points_title_and_one_subheading(sample):
    article = parse_file(sample("001"))
    assert len(article.key_points) == 6
    assert article.key_points[-1].text.startswith("The ongoing conflict may provoke")
    assert article.title == "Jihadist Rebels Capture Aleppo: A Turning Point in the Syrian Civil War"
    assert not article.title_derived
    assert article.headings == ["The Geopolitical Implications of the Aleppo Offensive"]
    assert kinds(article) == ["text", "text", "heading", "text", "text", "text"]
    # The title is not repeated in the body, nor are the key points.
    texts = [p.text for p in article.paragraphs]
    assert article.title not in texts
    assert not any(k.text in texts for k in article.key_points)


def test_002_six_key_points_and_a_title(sample):
    article = parse_file(sample("002"))
    assert len(article.key_points) == 6
    assert article.title == "Rebels Storm Aleppo: A Significant Escalation in Syria's Civil War"
    assert article.headings == []
    assert article.paragraphs[0].text.startswith("On November 29, 2024, Islamist rebels")
    assert len(article.paragraphs) == 3


def test_003_boilerplate_dropped_no_key_points_no_title(sample):
    article = parse_file(sample("003"))
    assert all(k.origin == "extracted" for k in article.key_points)
    assert article.title_derived
    assert article.title.startswith("Syrian rebels, led by the Islamist group Hayat Tahrir al-Sham")
    texts = [p.text for p in article.paragraphs]
    assert not any("Google News" in t for t in texts)
    # The one-sentence lede is body, not a key point.
    assert texts[0].startswith("Syrian rebels, led by the Islamist group")
    assert len(texts) == 6


def test_004_title_first_then_three_bullet_key_points(sample):
    article = parse_file(sample("004"))
    assert article.title == "Iran backs Syria's Assad as rebels seize Aleppo"
    assert [k.text[:30] for k in article.key_points] == [
        "Syrian rebels led by Hayat Tah",
        "Reports indicate that Presiden",
        "The fall of Assad's regime pre",
    ]
    # The bullet marker is not part of the point.
    assert not any(k.text.startswith("-") for k in article.key_points)
    assert len(article.paragraphs) == 1 and article.paragraphs[0].kind == "text"


def test_samples_have_no_warnings_and_are_complete(content_dir):
    for path in sorted(content_dir.glob("*.txt")):
        article = parse_file(path)
        assert article.warnings == [], path.name
        assert not article.truncated, path.name
