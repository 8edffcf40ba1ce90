"""Email newsletters: .eml files and Maildir folders, each message an article."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from briefing.library import find_files
from briefing.model import UnreadableFile
from briefing.parse import parse_bytes, parse_file

from conftest import indexed

MAIL = Path(__file__).parent / "data" / "formats" / "mail"
MAILDIR = MAIL / "newsletters"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True, timeout=120)


def reasons(article) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in article.dropped:
        out.setdefault(d.reason, []).append(d.text)
    return out


def body(article) -> str:
    return "\n".join(p.text for p in article.paragraphs)


def test_a_multipart_newsletter_reads_its_text_part_with_its_stories_as_headings():
    article = parse_file(MAIL / "daily-brief.eml")
    assert article.title == "The Daily Brief: ceasefire talks, Valencia floods, rates"
    assert article.source == "Example Policy Institute"
    assert article.date == dt.date(2024, 12, 2)
    assert article.tags == ["The Daily Brief"]
    assert article.url == "https://briefs.example.org/daily/2024-12-02"
    # "In today's brief: 1. ... 2. ... 3. ..." gives the key points, and each story a heading.
    assert [k.text for k in article.key_points if k.origin == "given"] == [
        "Ceasefire talks resume in Doha", "Floods displace thousands in Valencia", "Central bank holds rates",
    ]
    assert article.headings == [
        "Ceasefire talks resume in Doha", "Floods displace thousands in Valencia", "Central bank holds rates",
    ]
    # Quoted-printable soft line breaks undone, the wrapped lines joined into paragraphs.
    assert "Mediators met both delegations separately and will try to agree on the order" in body(article)


def test_newsletter_furniture_is_dropped_and_listed_with_the_reason():
    article = parse_file(MAIL / "daily-brief.eml")
    text = body(article).lower()
    for gone in ("view this email", "unsubscribe", "preferences", "mailing address", "all rights reserved", "http"):
        assert gone not in text, gone
    why = reasons(article)
    assert why["view in browser"] == ["View this email in your browser:"]
    assert any("Unsubscribe" in t for t in why["unsubscribe"])
    assert "https://briefs.example.org/r/9f2c" in why["link"]
    # A link taken out of a sentence leaves the sentence whole.
    assert "12 people had died and 30 were missing." in body(article)


def test_an_html_only_base64_message_goes_through_the_page_extraction():
    (path,) = (MAILDIR / "new").iterdir()
    article = parse_file(path)
    assert article.title == "Alerte sécurité: roadblocks on the Kabul–Jalalabad road"
    assert article.source == "Example Monitoring"
    assert article.tags == ["alerts@example.net"]
    assert article.headings == ["Roadblocks reported on the Kabul-Jalalabad road"]
    assert ("list", "Location: Sarobi district, Kabul province") in [(p.kind, p.text) for p in article.paragraphs]
    why = reasons(article)
    assert why["tracking pixel"] == ["https://alerts.example.net/o/7731/pixel.png"]
    assert why["hidden preview text"] == ["Alert: roadblocks reported on the Kabul-Jalalabad road"]
    assert "Trouble viewing? Read it online" in why["view in browser"]
    assert article.url == "https://alerts.example.net/view/7731"
    assert "Unsubscribe" not in body(article) and "sent to analyst@example.com" not in body(article)


def test_a_text_part_that_only_points_to_the_html_gives_way_to_it():
    article = parse_file(MAIL / "weekend-stub-text.eml")
    assert article.headings == [
        "Ceasefire talks resume in Doha", "Floods displace thousands in Valencia", "Central bank holds rates",
    ]
    assert "https://track.example.org/open.gif?u=abc123" in reasons(article)["tracking pixel"]
    assert "cannot show this newsletter" not in body(article)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (MAILDIR / "cur" / "1733119200.M2P100.mailhost:2,S", "un plafond de 180 € par mégawattheure"),
        (MAIL / "press-review-koi8r.eml", "На восстановление выделено 12 миллиардов рублей."),
    ],
)
def test_non_utf8_charsets_are_decoded(path, words):
    article = parse_file(path)
    assert words in body(article)
    assert not article.warnings


def test_a_localised_unsubscribe_line_and_the_masthead_are_dropped():
    article = parse_file(MAILDIR / "cur" / "1733119200.M2P100.mailhost:2,S")
    why = reasons(article)
    assert why["unsubscribe"] == ["Pour vous désinscrire, cliquez ici:"]
    assert why["masthead"] == ["La Lettre de Bruxelles -- édition du 2 décembre 2024"]
    assert article.tags == ["lettre.example.fr"]


def test_a_maildir_lists_cur_and_new_but_not_tmp(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(MAIL, folder)
    (folder / "newsletters" / "tmp" / "1733119999.M9P1.mailhost").write_bytes(b"Subject: half delivered\n\n")
    # A cur/ folder outside a Maildir is an ordinary folder.
    (folder / "notes" / "cur").mkdir(parents=True)
    (folder / "notes" / "cur" / "README").write_text("not a message")
    paths, problems = find_files(folder)
    rel = sorted(p.relative_to(folder).as_posix() for p in paths)
    assert rel == [
        "daily-brief.eml",
        "newsletters/cur/1733119200.M2P100.mailhost:2,S",
        "newsletters/new/1733065500.M1P100.mailhost",
        "press-review-koi8r.eml",
        "weekend-stub-text.eml",
    ]
    assert not problems


def test_a_newsletter_folder_is_indexed_and_searchable(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(MAIL, folder)
    snapshot = indexed(folder)
    titles = sorted(e.title for e in snapshot.entries)
    assert "La Lettre de Bruxelles : plafond du prix du gaz" in titles
    assert "Обзор прессы" in titles
    result = run("search", "mégawattheure", "--content", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [h["title"] for h in hits] == ["La Lettre de Bruxelles : plafond du prix du gaz"]
    result = run("search", "tag:alerts@example.net OR Sarobi", "--content", str(folder), "--json")
    assert any("Kabul" in h["title"] for h in json.loads(result.stdout))


def test_parse_json_works_for_a_maildir_message():
    (path,) = (MAILDIR / "new").iterdir()
    result = run("parse", str(path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == "Example Monitoring"
    assert {"text": "https://alerts.example.net/o/7731/pixel.png", "reason": "tracking pixel"} in data["dropped"]


def message(subject: str = "Test", body: str = "Hello there, this is the body of the message.", **headers) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = headers.pop("sender", "Sender <s@example.org>")
    msg["Date"] = headers.pop("date", "Mon, 02 Dec 2024 06:30:00 +0100")
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def test_hostile_headers_never_reach_the_terminal(tmp_path):
    msg = message(subject="=?utf-8?b?" + __import__("base64").b64encode("Pay \x1b]0;owned\x07now \u202eevil".encode()).decode() + "?=",
                  sender='"\x1b[31mRed\x1b[0m" <red@example.org>')
    article = parse_bytes(msg.as_bytes(policy=SMTP), tmp_path / "x.eml")
    data = json.dumps(article.to_json(), ensure_ascii=False)
    for bad in ("\x1b", "\x07", "\u202e"):
        assert bad not in data
    assert article.title.startswith("Pay")


def test_broken_messages_are_read_or_refused_with_a_reason_never_a_traceback(tmp_path):
    nested = b"Content-Type: multipart/mixed; boundary=b0\n\n"
    for n in range(1, 3000):
        nested += f"--b{n - 1}\nContent-Type: multipart/mixed; boundary=b{n}\n\n".encode()
    bad_date = message().as_bytes().replace(b"Date: Mon, 02 Dec 2024 06:30:00 +0100", b"Date: the day after tomorrow")
    unknown_charset = message().as_bytes().replace(b'charset="utf-8"', b'charset="x-no-such-charset"')
    cases = {
        "nested.eml": nested,
        "garbage.eml": bytes(range(1, 256)) * 20,
        "no-headers.eml": b"Just a line of text with no headers at all.\n",
        "bad-date.eml": bad_date,
        "unknown-charset.eml": unknown_charset,
        "truncated.eml": message().as_bytes()[:60],
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        result = run("parse", str(tmp_path / name), "--json")
        assert "Traceback" not in result.stderr, (name, result.stderr)
        assert result.returncode in (0, 1), (name, result.stderr)
        if result.returncode == 1:
            assert name in result.stderr
    bad = parse_file(tmp_path / "bad-date.eml")
    assert bad.date is None and any("Date header is not a date" in w for w in bad.warnings)
    odd = parse_file(tmp_path / "unknown-charset.eml")
    assert any("unknown charset" in w for w in odd.warnings)
    assert "Hello there" in body(odd)


def test_an_empty_message_file_is_refused():
    with pytest.raises(UnreadableFile):
        parse_bytes(b"\n\n", Path("empty.eml"))


def test_a_fifo_named_like_a_message_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.eml"
    import os

    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match="not a regular file"):
        parse_file(fifo)
