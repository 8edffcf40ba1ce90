"""Names and fields that try to drive the terminal: every command-line output stays clean.

Each test makes its hostile files itself: names with escape sequences,
newlines, bidi overrides, tag characters, fillers and bytes that are not
UTF-8; front matter with the same in its title, source and tags; notes and
import files with them too. Then it runs the commands a user runs, in a new
process as a user would, and looks at the bytes that reach the terminal.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hostile import DOHA, FORBIDDEN, TRICKS, quoted, raw_name


@pytest.mark.parametrize("trick", TRICKS.values(), ids=TRICKS.keys())
def test_the_sanitiser_takes_out_every_kind_of_trick(trick):
    from briefing.sanitize import clean_field, clean_line, clean_text, escape_name, unescape_name

    text = f"Before {trick} after"
    for cleaned in (clean_text(text), clean_line(text), clean_field(text)):
        assert not FORBIDDEN.search(cleaned.replace("\n", " ")), repr(cleaned)
        assert cleaned.startswith("Before") and cleaned.endswith("after")
    assert "\n" not in clean_line(text) and "\n" not in clean_field(text)
    # A name keeps the trick, as an escape anyone can read, and can be found again from it.
    shown = escape_name(f"file{trick}.md")
    assert not FORBIDDEN.search(shown) and "\\" in shown
    assert unescape_name(shown) == f"file{trick}.md"


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("Ceasefire talks resume in D\u043eha", True),  # Cyrillic o in a Latin word
        ("\u0391thens summit", True),  # Greek capital Alpha
        ("\U0001d403oha talks", True),  # mathematical bold D
        ("\u041c\u043e\u0441\u043a\u0432\u0430 talks with Doha", False),  # each word one alphabet
        ("\u6771\u4eac\u30bf\u30ef\u30fc", False),  # Japanese mixes kanji and kana by design
        ("Caf\u00e9 na\u00efve M\u00fcller", False),
    ],
)
def test_a_word_mixing_look_alike_alphabets_is_marked(text, marked):
    from briefing.sanitize import clean_field

    shown = clean_field(text)
    assert ("\u26a0" in shown) == marked
    assert clean_field(shown) == shown  # marked once, however often it is cleaned


def briefing(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The command as a user runs it; output as the bytes the terminal would get."""
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, timeout=timeout,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.fixture
def hostile_folder(tmp_path) -> Path:
    """A content folder whose names and fields carry every trick, beside plain articles."""
    folder = tmp_path / "content"
    folder.mkdir()
    body = "Officials said 40 people were killed in Aleppo on Monday, according to the ministry. More text here.\n"
    for n, (label, trick) in enumerate(TRICKS.items()):
        name = f"{n:02}-{label.replace(' ', '-')}{trick}.md".replace("/", "-")
        title, source, tag = quoted(f"Title {n}{trick} about {DOHA}"), quoted(f"Wire{trick}"), quoted(f"tag{trick}")
        (folder / name).write_text(
            f"---\ntitle: {title}\nsource: {source}\ntags: [{tag}]\ndate: 2024-12-0{1 + n % 9}\n---\n{body}"
        )
    raw_name(folder, b"latin-\xe9\xff.txt").write_bytes(b"Name not in UTF-8\n" + body.encode())
    (folder / "plain.txt").write_text("A plain article\n" + body)
    return folder


def assert_clean(output: bytes, where: str) -> str:
    text = output.decode("utf-8")  # strict: no stray byte reaches the terminal
    bad = FORBIDDEN.search(text.replace("\n", " "))
    assert bad is None, f"{where}: {bad.group(0)!r} near {text[max(0, bad.start() - 60): bad.end() + 20]!r}"
    return text


def test_a_name_that_is_not_utf8_indexes_lists_opens_and_keeps_its_state(tmp_path):
    from briefing.article_cache import ArticleCache
    from briefing.state import StateStore
    from conftest import indexed

    folder = tmp_path / "content"
    folder.mkdir()
    raw_name(folder, b"caf\xe9 report.txt").write_bytes(b"Caf\xc3\xa9 prices rise\nPrices rose sharply. Owners object.\n")
    (folder / "plain.txt").write_text("Plain title\nA body. More.\n")
    done = briefing("--content", str(folder), "index")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    snapshot = indexed(folder)
    entry = next(e for e in snapshot.entries if e.title == "Caf\u00e9 prices rise")
    assert entry.rel == "caf\\xe9 report.txt"
    assert entry.path.exists()
    article, problem = ArticleCache().get(entry.path)
    assert problem is None and article.title == "Caf\u00e9 prices rise"
    state = StateStore().folder(folder)
    state.set_flag(entry, "starred", True)
    assert state.load(snapshot.entries)[entry.rel].starred
    found = briefing("--content", str(folder), "search", "prices")
    assert found.returncode == 0
    assert "caf\\xe9 report.txt" in assert_clean(found.stdout, "search")
    exported = briefing("--content", str(folder), "export")
    assert exported.returncode == 0, exported.stderr
    assert "caf\\xe9 report.txt" in assert_clean(exported.stdout, "export")


def test_no_command_line_output_carries_a_control_character(hostile_folder, tmp_path):
    """Every output path, with hostile names and fields in place: no control or invisible character, valid UTF-8."""
    from briefing.model import Entry
    from briefing.state import StateStore
    from conftest import indexed

    content = str(hostile_folder)
    runs = {"index": briefing("--content", content, "index")}
    snapshot = indexed(hostile_folder)
    assert len(snapshot.entries) == len(TRICKS) + 2
    # Notes with the tricks in them, and marks on every article.
    state = StateStore().folder(hostile_folder)
    for entry in snapshot.entries:
        state.set_flag(entry, "starred", True)
        state.set_note(entry, "Note " + "".join(TRICKS.values()))
    runs["search"] = briefing("--content", content, "search", "killed")
    runs["search --json"] = briefing("--content", content, "search", "killed", "--json")
    runs["search, echoed query"] = briefing("--content", content, "search", "nothing\x1b[2Jmatches\u202e")
    runs["bad query"] = briefing("--content", content, "search", "\"unbalanced\x1b]0;t\x07")
    runs["stories"] = briefing("--content", content, "stories")
    runs["stories --json"] = briefing("--content", content, "stories", "--json")
    story = re.search(rb"^\s*(\d+)\s", runs["stories"].stdout, re.M)
    assert story, runs["stories"].stdout
    runs["story"] = briefing("--content", content, "story", story.group(1).decode())
    runs["story --json"] = briefing("--content", content, "story", story.group(1).decode(), "--json")
    runs["export"] = briefing("--content", content, "export")
    digest = tmp_path / "digest.md"
    runs["export --output"] = briefing("--content", content, "export", "--output", str(digest))
    runs["state export"] = briefing("--content", content, "state", "export")
    for entry in snapshot.entries[:3]:
        runs[f"parse {entry.rel}"] = briefing("parse", str(entry.path))
        runs[f"parse --json {entry.rel}"] = briefing("parse", str(entry.path), "--json")
    # An import whose paths and notes carry the tricks, and one refused for its path.
    bad = tmp_path / "import\x1b[2J.yaml"
    bad.write_text("briefing-state: 1\narticles:\n  - path: \"a\x1b]0;x\x07.md\"\n    starred: true\n")
    runs["state import, refused"] = briefing("--content", content, "state", "import", str(bad))
    good = tmp_path / "good.yaml"
    good.write_text("briefing-state: 1\narticles:\n  - path: plain.txt\n    note: \"imported\\e[2J\\u202e note\"\n")
    runs["state import"] = briefing("--content", content, "state", "import", str(good))
    runs["no such story"] = briefing("--content", content, "story", "99999")
    runs["bad date"] = briefing("--content", content, "export", "--since", "2024\x1b[2J")
    runs["no such folder"] = briefing("--content", str(tmp_path / "gone\x1b]0;x\x07"), "index")
    config = tmp_path / "config.yaml"
    config.write_text("theme: \"dark\x1b[2J\u202e\"\n\"key\x1b]0;t\x07\": 1\n")
    runs["config problems"] = subprocess.run(
        [sys.executable, "-m", "briefing", "config", "--show"], capture_output=True, timeout=60,
        env={**os.environ, "BRIEFING_CONFIG": str(config)})
    for name, run in runs.items():
        assert b"Traceback" not in run.stderr, f"{name}: {run.stderr.decode(errors='replace')}"
        assert_clean(run.stdout, f"{name} (stdout)")
        assert_clean(run.stderr, f"{name} (stderr)")
    assert_clean(digest.read_bytes(), "the digest file")
    # The tricks were there to be taken out: the titles are shown, marked where they mix alphabets.
    assert "Title 0" in runs["search"].stdout.decode() and "\u26a0D\u043eha" in runs["export"].stdout.decode()
    assert runs["state import, refused"].returncode == 1
    assert StateStore().folder(hostile_folder).load([Entry("plain.txt", hostile_folder / "plain.txt", "x")])
