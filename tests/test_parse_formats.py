"""Both file formats, odd encodings and broken input."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.model import UnreadableFile
from briefing.parse import parse_file

MARKDOWN = """\
---
title: Ceasefire talks resume in Doha
date: 2024-12-02
source: Example Wire
url: https://example.org/doha
tags: [diplomacy, gaza]
key_points:
  - Negotiators return to Doha after a two-week pause.
  - Both sides signal flexibility on prisoner exchanges.
---
# Ceasefire talks resume in Doha

Mediators from Qatar and Egypt met the delegations on **Monday**, officials said.

## What changed

> "We are closer than at any point this year," one mediator said.

- Prisoner lists were exchanged.
- A second round is planned.

Advertisement

The talks continue on Tuesday.
"""


def test_markdown_with_front_matter(write):
    article = parse_file(write("doha.md", MARKDOWN))
    assert article.title == "Ceasefire talks resume in Doha"
    assert article.date == dt.date(2024, 12, 2)
    assert article.source == "Example Wire"
    assert article.url == "https://example.org/doha"
    assert article.tags == ["diplomacy", "gaza"]
    assert [k.text for k in article.key_points] == [
        "Negotiators return to Doha after a two-week pause.",
        "Both sides signal flexibility on prisoner exchanges.",
    ]
    assert [(p.kind, p.text) for p in article.paragraphs] == [
        ("text", "Mediators from Qatar and Egypt met the delegations on Monday, officials said."),
        ("heading", "What changed"),
        ("quote", '"We are closer than at any point this year," one mediator said.'),
        ("list", "Prisoner lists were exchanged."),
        ("list", "A second round is planned."),
        ("text", "The talks continue on Tuesday."),
    ]
    assert article.warnings == []


def test_markdown_heading_is_title_without_front_matter(write):
    article = parse_file(write("a.md", "# Floods in Valencia\n\nRain fell for nine hours.\n"))
    assert article.title == "Floods in Valencia"
    assert not article.title_derived
    assert [p.text for p in article.paragraphs] == ["Rain fell for nine hours."]


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "not a mapping"),
        ("title: {a: 1}\n", "'title' should be text"),
        ("key_points: 12\n", "'key_points' should be a list"),
        ("date: someday\n", "'date' is not a date"),
        ("title: !!python/object:os.system ls\n", "not valid YAML"),
    ],
)
def test_bad_front_matter_warns_and_body_is_still_read(write, front, message):
    article = parse_file(write("bad.md", f"---\n{front}---\nThe body is here.\n"))
    assert any(message in w and "bad.md" in w for w in article.warnings), article.warnings
    assert [p.text for p in article.paragraphs] == ["The body is here."]


def test_front_matter_wrong_scalar_types_are_converted_with_a_warning(write):
    article = parse_file(write("n.md", "---\ntitle: 1984\nkey_points: One point.\n---\nBody.\n"))
    assert article.title == "1984"
    assert [k.text for k in article.key_points] == ["One point."]
    assert any("'title' is a int" in w for w in article.warnings)


def test_alias_bomb_does_not_hang_or_expand(write):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for n in range(ord("b"), ord("k")):
        prev = chr(n - 1)
        bomb += f"{chr(n)}: &{chr(n)} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    bomb += "title: *j\nkey_points: *j\ndate: *j\n"
    article = parse_file(write("bomb.md", f"---\n{bomb}---\nStill read.\n"))
    assert [p.text for p in article.paragraphs] == ["Still read."]
    assert article.warnings


def test_bom_and_crlf(write):
    data = "\ufeffA title line\r\nFirst sentence of the body. Second one.\r\n".encode("utf-8")
    article = parse_file(write("bom.txt", data))
    assert article.title == "A title line"
    assert article.paragraphs[0].text == "First sentence of the body. Second one."
    assert article.warnings == []


def test_utf16_with_bom(write):
    data = "Title here\nBody text of the article. More text.\n".encode("utf-16")
    article = parse_file(write("u16.txt", data))
    assert article.title == "Title here"


def test_cp1252_falls_back_with_a_warning(write):
    data = "Caf\xe9 owners protest\nPrices rose by 5\u20ac this week. Owners object.\n".encode("cp1252")
    article = parse_file(write("cp.txt", data))
    assert article.title == "Caf\u00e9 owners protest"
    assert "5\u20ac" in article.paragraphs[0].text
    assert any("cp.txt" in w and "Windows-1252" in w for w in article.warnings)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t\n", "empty file"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_unreadable_files_raise_a_one_line_reason(write, name, data, reason):
    with pytest.raises(UnreadableFile, match=reason) as info:
        parse_file(write(name, data))
    assert name in str(info.value) and "\n" not in str(info.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UnreadableFile, match="no such file"):
        parse_file(tmp_path / "gone.txt")
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(UnreadableFile, match="is a folder"):
        parse_file(tmp_path / "dir.txt")


def test_escape_sequences_and_controls_are_removed(write):
    evil = (
        "Title \x1b[31mred\x1b[0m\n"
        "Body \x1b]52;c;aGVsbG8=\x07with clipboard\x1b]0;title\x1b\\ and bell\x07 text"
        " \u202eevil\u202c and zero\u200bwidth. [bold red]markup[/] stays.\n"
    )
    article = parse_file(write("evil.txt", evil))
    assert article.title == "Title red"
    body = article.paragraphs[0].text
    assert body == "Body with clipboard and bell text evil and zerowidth. [bold red]markup[/] stays."
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in article.title + body)


def test_lone_carriage_return_cannot_hide_text(write):
    article = parse_file(write("cr.txt", "Safe headline\nHidden text.\rVisible text.\n"))
    joined = " ".join(p.text for p in article.paragraphs)
    assert "Hidden text." in joined and "Visible text." in joined


def test_bullets_under_a_key_points_line(write):
    text = (
        "Port strike enters second week\n"
        "Key points:\n"
        "* Dockers reject the latest offer.\n"
        "\u2022 Exports of grain are delayed.\n"
        "The strike began on 3 March. It has cost millions.\n"
    )
    article = parse_file(write("strike.txt", text))
    assert article.title == "Port strike enters second week"
    assert [k.text for k in article.key_points] == [
        "Dockers reject the latest offer.",
        "Exports of grain are delayed.",
    ]
    assert [p.text for p in article.paragraphs] == ["The strike began on 3 March. It has cost millions."]


def test_wire_copy_written_one_sentence_a_line_is_body(write):
    text = (
        "Police arrested four people in Lyon on Tuesday after a protest turned violent.\n"
        "The arrests followed clashes near the town hall, officials said.\n"
        "A spokesman for the prefecture said two officers were injured.\n"
        "The protest had been called by farmers' unions.\n"
    )
    article = parse_file(write("wire.txt", text))
    assert all(k.origin == "extracted" for k in article.key_points)
    assert len(article.paragraphs) == 4


def test_truncated_ending_is_marked(write):
    article = parse_file(write("cut.txt", "Headline here\nThe first sentence is whole. The second is cut off in the\n"))
    assert article.truncated
    complete = parse_file(write("whole.txt", "Headline here\nThe article says \u201cit ended.\u201d\n"))
    assert not complete.truncated


def test_boilerplate_dropped_wherever_it_stands(write):
    text = (
        "Advertisement\n"
        "Markets fall on rate fears\n"
        "Shares fell sharply on Monday. Banks led the losses.\n"
        "Share this article\n"
        "Read more: Why rates matter\n"
        "Analysts expect more volatility. Traders agree.\n"
        "Subscribe to our newsletter\n"
    )
    article = parse_file(write("markets.txt", text))
    assert article.title == "Markets fall on rate fears"
    assert [p.text for p in article.paragraphs] == [
        "Shares fell sharply on Monday. Banks led the losses.",
        "Analysts expect more volatility. Traders agree.",
    ]
