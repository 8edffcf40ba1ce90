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
