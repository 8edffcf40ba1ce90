"""Saved web pages (.html, .htm): the article, its metadata, and pages that hold none."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefing.formats.document import Block, Document
from briefing.formats.html import MAX_ELEMENTS
from briefing.parse import parse_bytes, parse_file

PAGES = Path(__file__).parent / "data" / "formats" / "pages"
ROOT = Path(__file__).resolve().parent.parent


def html_dev() -> Path | None:
    base = Path(os.environ["BRIEFING_DATA"]) if os.environ.get("BRIEFING_DATA") else ROOT.parent / "shared" / "data"
    folder = base / "html-dev"
    return folder if (folder / "ground-truth.json").is_file() else None


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True, timeout=120)


def shown(article) -> str:
    return "\n".join([article.title, *(k.text for k in article.key_points), *(p.text for p in article.paragraphs)])


def test_a_news_page_reads_as_its_article_with_the_metadata_in_the_fields():
    article = parse_file(PAGES / "news-article.html")
    assert article.title == "Ceasefire talks resume in Doha after two-week pause"
    assert not article.title_derived
    assert article.date == dt.date(2024, 12, 2)
    assert article.author == "Jane Doe"
    assert article.source == "Example News"
    assert article.url == "https://news.example.com/world/ceasefire-talks-resume-doha"
    assert article.description.startswith("Mediators met both delegations on Monday")
    assert article.tags == ["World"]
    kinds = {(p.kind, p.text) for p in article.paragraphs}
    assert ("heading", "What is on the table") in kinds
    assert ("heading", "Why the talks stalled") in kinds
    assert ("list", "the release of 33 hostages in exchange for prisoners;") in kinds
    assert any(p.kind == "quote" and p.text.startswith('"We are closer') for p in article.paragraphs)
    assert article.paragraphs[0].text.startswith("Negotiators returned to Doha on Monday")
    # The headline is the title, not repeated as a heading.
    assert article.title not in article.headings


def test_menus_share_bars_scripts_styles_and_link_targets_never_reach_the_text():
    article = parse_file(PAGES / "news-article.html")
    text = shown(article)
    for furniture in ("Share on Facebook", "Share on X", "Related stories", "Aid convoy", "All rights reserved",
                      "Home", "Cookies", "dataLayer", "tracking", "font-family", "javascript", "http"):
        assert furniture not in text, furniture
    assert "javascript:" not in json.dumps(article.to_json())


def test_a_page_in_latin_1_is_decoded_by_its_declared_charset():
    article = parse_file(PAGES / "latin1-article.html")
    assert article.title == "Conseil européen : accord sur le budget"
    assert "négociations à Bruxelles" in article.paragraphs[0].text
    assert not article.warnings


@pytest.mark.parametrize(
    ("page", "warning"),
    [
        ("front-page.html", "mostly links"),
        ("sign-in.html", "asks to sign in"),
        ("app-shell.html", "needs JavaScript"),
    ],
)
def test_a_page_that_is_no_article_opens_with_its_text_and_a_warning(page, warning):
    article = parse_file(PAGES / page)
    assert any(warning in w for w in article.warnings), article.warnings
    result = run("parse", str(PAGES / page), "--json")
    assert result.returncode == 0, result.stderr
    assert warning in result.stderr
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert data["title"]


def test_the_front_page_shows_its_headlines():
    article = parse_file(PAGES / "front-page.html")
    text = shown(article)
    assert "Central bank holds rates at 3.25 percent as inflation eases slowly" in text
    assert "Business" in article.headings


def test_parse_json_carries_author_description_and_dropped():
    result = run("parse", str(PAGES / "news-article.html"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["author"] == "Jane Doe"
    assert data["source"] == "Example News"
    assert data["date"] == "2024-12-02"
    assert isinstance(data["dropped"], list)


def test_a_page_too_large_to_extract_is_shown_as_text_with_a_warning(tmp_path):
    # 60,000 inline elements: trafilatura would spend minutes on it.
    words = "".join(f"<span>word{n}</span> " for n in range(60_000))
    page = tmp_path / "huge.html"
    page.write_text(f"<html><head><title>Huge</title></head><body><p>{words}</p></body></html>")
    article = parse_file(page)
    assert any("too large to look for its article" in w for w in article.warnings)
    text = " ".join(p.text for p in article.paragraphs)
    assert text.startswith("word0 word1 word2")
    # What is shown of such a page is bounded too, and says so.
    assert len(text) < 300_000
    assert any("only the start" in w for w in article.warnings), article.warnings
    assert MAX_ELEMENTS < 60_000


def test_a_large_page_with_one_article_element_is_narrowed_to_it(tmp_path):
    menu = "".join(f"<li><a href='/{n}'>Item {n}</a></li>" for n in range(MAX_ELEMENTS))
    story = "".join(f"<p>Paragraph {n} of the story says something about the talks in Doha today.</p>" for n in range(8))
    page = tmp_path / "big.html"
    page.write_text(f"<html><head><title>Talks</title></head><body><ul>{menu}</ul><article><h1>Talks</h1>{story}</article></body></html>")
    article = parse_file(page)
    assert "Paragraph 7 of the story" in shown(article)
    assert "Item 10" not in shown(article)


def test_escape_sequences_and_markup_in_a_page_are_shown_literally_and_harmlessly(tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(
        "<html><head><title>\x1b]0;pwned\x07Title [bold]x[/bold]</title></head><body><article>"
        "<h1>Title [bold]x[/bold]</h1>"
        + "<p>Text with *stars*, _under_, `code`, <b>[red]markup[/red]</b> and a \x1b[2J clear. 1. not a list.</p>" * 3
        + "<p># not a heading and &lt;script&gt; as text, \u202eevil.</p></article></body></html>"
    )
    article = parse_file(page)
    data = json.dumps(article.to_json(), ensure_ascii=False)
    assert "\x1b" not in data and "\x07" not in data and "\u202e" not in data
    assert "[bold]x[/bold]" in article.title
    text = shown(article)
    assert "*stars*, _under_, `code`, [red]markup[/red]" in text
    assert "# not a heading and <script> as text" in text


def test_a_file_that_is_not_html_at_all_is_read_as_text_never_a_traceback(tmp_path):
    for data in (b"just some words in a file named .html", b"<<<>>>&&&", "\u00e9t\u00e9".encode("latin-1") * 50):
        article = parse_bytes(data, tmp_path / "odd.html")
        assert article.title


def test_binary_and_empty_pages_are_refused_with_a_reason(tmp_path):
    (tmp_path / "empty.htm").write_bytes(b"  \n")
    (tmp_path / "bin.html").write_bytes(b"\x00\x01\x02" * 100)
    for name, reason in (("empty.htm", "empty"), ("bin.html", "binary")):
        result = run("parse", str(tmp_path / name))
        assert result.returncode == 1
        assert reason in result.stderr and "Traceback" not in result.stderr


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["heading", "text", "list", "quote"]), st.text(min_size=1, max_size=80)),
                min_size=1, max_size=6))
@example([("text", "By"), ("text", "Reuter"), ("list", "AP")])
def test_any_text_written_as_markdown_reads_back_as_the_same_text(blocks):
    """The bridge from pages, messages and feeds to the parser changes no character of the text."""
    from briefing.parse import parse_text
    from briefing.sanitize import clean_line

    doc = Document(title="T")
    for kind, text in blocks:
        doc.add(kind, text, 2)
    article = parse_text(doc.to_markdown(), Path("x.html"), extras=False, markdown=True)
    got = [p.text for p in article.paragraphs] + [k.text for k in article.key_points]
    # A line the boilerplate list drops ("By", "AP") is not lost: it is listed with its reason.
    dropped = [d.text for d in article.dropped]
    for block in doc.blocks:
        assert block.text in got or block.text in dropped or not clean_line(block.text), (block, got, dropped)


def test_html_dev_pages_read_with_their_true_text():
    """Every real page of html-dev opens, and the text shown matches the true article text (mean F1)."""
    folder = html_dev()
    if folder is None:
        pytest.skip("html-dev not found beside the checkout (../shared/data/html-dev) nor under $BRIEFING_DATA")
    sys.path.insert(0, str(ROOT / "bench"))
    from html_extraction import f1, page_scores

    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    scores = []
    for key, entry in sorted(truth.items()):
        html = gzip.decompress((folder / "pages" / f"{key}.html.gz").read_bytes())
        article = parse_bytes(html, Path(f"{key}.html"), extras=False)
        body = "\n".join([*(k.text for k in article.key_points), *(p.text for p in article.paragraphs)])
        scores.append(page_scores(entry["articleBody"], body))
    precision = sum(p for p, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    assert f1(precision, recall) >= 0.95, (precision, recall)


def test_document_bounds_what_one_source_may_carry():
    doc = Document()
    for n in range(6000):
        doc.add("text", f"paragraph {n}")
    assert len(doc.blocks) == 5000
    doc.add("text", "x" * 100_000)
    assert all(len(b.text) <= 20_000 for b in doc.blocks)
    assert Block("text", "a") == Block("text", "a")


def test_markdown_escaping_keeps_line_starts_literal():
    from briefing.formats.document import escape

    for text in ("# h", "- item", "+ item", "> quote", "1. one", "12) twelve", "=== rule", "<div>", "&amp;", "a\\b"):
        escaped = escape(text)
        assert re.sub(r"\\(.)", r"\1", escaped) == text


def test_parse_json_works_for_every_format(tmp_path):
    """.txt and .md as before, a page saved as .htm, a message as .eml, a message in a Maildir."""
    import shutil

    mail = Path(__file__).parent / "data" / "formats" / "mail"
    shutil.copy(PAGES / "news-article.html", tmp_path / "saved.HTM")
    (tmp_path / "note.txt").write_text("Talks resume\n\nNegotiators returned to Doha on Monday.\n")
    (tmp_path / "note.md").write_text("---\ntitle: Talks\n---\nNegotiators returned to Doha on Monday.\n")
    files = [tmp_path / "saved.HTM", tmp_path / "note.txt", tmp_path / "note.md", mail / "daily-brief.eml",
             *(mail / "newsletters" / "new").iterdir()]
    for path in files:
        result = run("parse", str(path), "--json")
        assert result.returncode == 0, (path, result.stderr)
        data = json.loads(result.stdout)
        assert data["title"] and data["paragraphs"], path
        assert {"author", "description", "dropped"} <= data.keys()
