"""The command line as a user runs it: a real process, its output and exit code."""

from __future__ import annotations

import json
import subprocess
import sys

from briefing import __version__


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True, text=True, cwd=cwd, timeout=60,
    )


def test_parse_json_on_a_sample(sample):
    result = run("parse", str(sample("001")), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "Jihadist Rebels Capture Aleppo: A Turning Point in the Syrian Civil War"
    assert len(data["key_points"]) == 6
    assert all(k["origin"] == "given" for k in data["key_points"])
    assert {p["kind"] for p in data["paragraphs"]} == {"text", "heading"}
    assert data["truncated"] is False
    assert data["warnings"] == []
    for key in ("date", "source", "url", "tags"):
        assert key in data


def test_parse_without_json_prints_readable_text(sample):
    result = run("parse", str(sample("004")))
    assert result.returncode == 0
    assert result.stdout.startswith("Iran backs Syria's Assad as rebels seize Aleppo")
    assert "Key points:" in result.stdout


def test_parse_unreadable_file_is_one_line_on_stderr(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    for path in (tmp_path / "bin.txt", tmp_path / "missing.txt"):
        result = run("parse", str(path), "--json")
        assert result.returncode == 1
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert path.name in result.stderr


def test_parse_warnings_go_to_stderr_and_json_stays_clean(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [oops\n---\nBody text.\n")
    result = run("parse", str(path), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["warnings"] and "bad.md" in result.stderr


def test_version_and_help():
    assert run("--version").stdout.strip() == f"briefing {__version__}"
    top = run("--help")
    assert top.returncode == 0 and "parse" in top.stdout and "--content" in top.stdout
    sub = run("parse", "-h")
    assert sub.returncode == 0 and "--json" in sub.stdout


def test_missing_content_folder_is_a_clear_error(tmp_path):
    result = run("--content", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "content folder not found" in result.stderr and "Traceback" not in result.stderr
    result = run(cwd=tmp_path)
    assert result.returncode == 2 and "--content" in result.stderr


def test_index_progress_lines_are_the_protocol_the_reader_reads(content):
    from briefing.progress import Notice, Progress, read_line

    result = run("--content", str(content), "index", "--progress-lines")
    assert result.returncode == 0, result.stderr
    steps = [read_line(line) for line in result.stderr.splitlines()]
    assert steps and all(isinstance(s, Progress) for s in steps), result.stderr
    assert steps[-1].committed and steps[-1].done == steps[-1].total == 5
    # One format both ways, and anything else is an error line, kept whole.
    assert read_line(Progress(3, 10, 1.5, True).line()) == Progress(3, 10, 1.5, True)
    assert read_line(Notice("the index was rebuilt").line()) == Notice("the index was rebuilt")
    assert read_line("briefing: cannot write the index\n") == "briefing: cannot write the index"
    assert Progress(120, 1000, 2.0).summary() == "120/1000 (60 files/s)"


def test_stories_are_named_by_their_first_real_headline_and_counted_in_words(content):
    result = run("--content", str(content), "stories")
    assert result.returncode == 0, result.stderr
    # 000 opens the story but has no headline of its own (its title is its lede); 001 has one.
    assert result.stdout.splitlines()[1].split(None, 1)[1] == (
        "5 articles, no source named, undated  Jihadist Rebels Capture Aleppo: A Turning Point in the Syrian Civil War")
    data = json.loads(run("--content", str(content), "stories", "--json").stdout)
    assert data[0]["title"].startswith("Jihadist Rebels Capture Aleppo")
    story = run("--content", str(content), "story", str(data[0]["id"]))
    assert story.stdout.startswith(f"Story {data[0]['id']}: Jihadist Rebels Capture Aleppo")
    assert "(s)" not in story.stdout
