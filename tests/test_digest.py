"""The digest handed on: the chosen articles as Markdown, the same every time."""

from __future__ import annotations

import hashlib

import pytest

from briefing.cli import main
from briefing.model import Entry
from briefing.parse import parse_file
from briefing.state import StateStore
from conftest import ROOT

EXPECTED = ROOT / "tests" / "data" / "digest" / "two-stars.md"


def star(content, prefix: str, note: str = "", verify: int | None = None) -> None:
    (path,) = content.glob(f"{prefix}_*.txt")
    entry = Entry(rel=path.name, path=path, title="", digest=hashlib.sha256(path.read_bytes()).hexdigest())
    state = StateStore().folder(content)
    state.set_flag(entry, "starred", True)
    if note:
        state.set_note(entry, note)
    if verify is not None:
        point = parse_file(path).key_points[verify].text
        state.set_mark(entry, point, "verified")


def test_the_digest_of_two_starred_samples_matches_the_expected_markdown(content_dir, capsys):
    star(content_dir, "000", verify=0)
    star(content_dir, "002", note="Ask the desk about the *Basel Square* footage.\nSecond line.")
    assert main(["export", "--content", str(content_dir)]) == 0
    out = capsys.readouterr().out
    assert out == EXPECTED.read_text(encoding="utf-8")


def test_export_to_a_file_is_atomic_and_selects_by_flag_and_date(write, tmp_path, capsys):
    for name, date in [("old.md", "2024-11-20"), ("new.md", "2024-12-01"), ("undated.txt", None)]:
        head = f"---\ntitle: {name} title\ndate: {date}\n---\n" if date else f"{name} title\n"
        write(name, head + "Rebels entered the city on Friday, officials said. Residents fled.\n")
    for name in ("old.md", "new.md", "undated.txt"):
        path = tmp_path / name
        entry = Entry(rel=name, path=path, title="", digest=hashlib.sha256(path.read_bytes()).hexdigest())
        StateStore().folder(tmp_path).set_flag(entry, "flagged", True)
    out_file = tmp_path / "out" / "digest.md"
    out_file.parent.mkdir()
    assert main(["export", "--content", str(tmp_path), "--flagged", "--output", str(out_file)]) == 0
    text = out_file.read_text()
    # Grouped by day, newest first; undated last.
    assert text.index("## 2024-12-01") < text.index("## 2024-11-20") < text.index("## Undated")
    assert list(out_file.parent.iterdir()) == [out_file]  # no temporary file left behind
    assert "wrote 3 article(s)" in capsys.readouterr().err

    assert main(["export", "--content", str(tmp_path), "--flagged", "--since", "2024-11-25"]) == 0
    text = capsys.readouterr().out
    assert "new.md title" in text and "old.md title" not in text and "undated" not in text
    assert main(["export", "--content", str(tmp_path)]) == 0  # starred by default: none
    captured = capsys.readouterr()
    assert "0 articles." in captured.out and "no starred articles" in captured.err


def test_a_bad_date_says_why(content_dir, capsys):
    assert main(["export", "--content", str(content_dir), "--since", "yesterday"]) == 2
    assert "--since wants a date as YYYY-MM-DD" in capsys.readouterr().err


def test_one_selection_at_a_time(content_dir, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--content", str(content_dir), "--starred", "--all"])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
