"""The command line's manual: examples in every --help, no abbreviated options, completion scripts that
complete, and a man page with the exit statuses, all generated from the one parser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.cli import build_parser
from briefing.cli.manual import EXIT_STATUSES, subparsers

ROOT = Path(__file__).resolve().parent.parent


def briefing(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs)


def test_every_command_has_a_description_and_examples_in_its_help():
    commands = list(subparsers(build_parser()))
    assert {"watch", "watch add", "entity", "entities", "completion", "manpage", "feeds add"} <= {w for w, _ in commands}
    for words, parser in commands:
        text = parser.format_help()
        assert "examples:" in text, words
        if words:
            assert parser.description, words
        assert parser.allow_abbrev is False, words
    top = build_parser().format_help()
    for code, _ in EXIT_STATUSES:
        assert f"  {code:>3}  " in top


def test_an_abbreviated_option_is_refused():
    result = briefing("search", "Aleppo", "--lim", "3")
    assert result.returncode == 2 and "unrecognized arguments: --lim" in result.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_name_every_command(shell):
    result = briefing("completion", shell)
    assert result.returncode == 0, result.stderr
    for command in ("watch", "entity", "entities", "search", "fetch", "feeds", "manpage"):
        assert command in result.stdout, (shell, command)


def test_bash_completes_commands_and_options(tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    script = tmp_path / "briefing.bash"
    script.write_text(briefing("completion", "bash").stdout)
    probe = (
        f"source '{script}'\n"
        "complete -p briefing\n"
        "COMP_WORDS=(briefing wat); COMP_CWORD=1; COMP_LINE='briefing wat'; COMP_POINT=${#COMP_LINE}\n"
        "$(complete -p briefing | sed -E 's/.*-F ([^ ]+).*/\\1/') briefing wat briefing\n"
        "echo \"commands: ${COMPREPLY[*]}\"\n"
        "COMP_WORDS=(briefing watch --s); COMP_CWORD=2; COMP_LINE='briefing watch --s'; COMP_POINT=${#COMP_LINE}\n"
        "$(complete -p briefing | sed -E 's/.*-F ([^ ]+).*/\\1/') briefing --s watch\n"
        "echo \"options: ${COMPREPLY[*]}\"\n"
    )
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", probe], capture_output=True, text=True,
                            timeout=60)
    assert "commands: watch" in result.stdout, result.stdout + result.stderr
    assert "--since" in result.stdout.split("options:")[1], result.stdout


def test_the_man_page_renders_with_the_exit_statuses_and_examples(tmp_path):
    page = briefing("manpage")
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith(".TH BRIEFING \"1\"")
    assert ".SH EXIT STATUS" in page.stdout and ".SH EXAMPLES" in page.stdout
    assert "briefing watch add" in page.stdout
    if shutil.which("man") is None or shutil.which("groff") is None and shutil.which("nroff") is None:
        pytest.skip("man or groff is not installed here: the troff source was checked, not its rendering")
    path = tmp_path / "briefing.1"
    path.write_text(page.stdout)
    shown = subprocess.run(["man", "-l", str(path)], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "100"})
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert "EXIT STATUS" in text and "the index is busy" in text
    assert "briefing - a keyboard-driven terminal reader for news briefings" in text
