"""Links: only http, https and mailto are opened; nothing in a link reaches the terminal or a shell raw;
the clipboard sequence is wrapped for tmux and screen."""

from __future__ import annotations

import base64
import os
import stat
import time
from pathlib import Path

import pytest

from briefing.links import OpenRefused, clipboard_sequence, has_display, hyperlinks_supported, link, open_link


@pytest.mark.parametrize("url", [
    "https://example.com/world/2024/11/29/aleppo",
    "http://example.com/a?b=1&c=2#frag",
    "mailto:desk@example.org?subject=Aleppo",
    "HTTPS://EXAMPLE.COM/",
])
def test_web_and_mail_links_may_be_opened(url):
    found = link(url)
    assert found.openable and found.target == url


@pytest.mark.parametrize("url, why", [
    ("javascript:alert(document.cookie)", "'javascript:' links are never opened"),
    ("JavaScript:alert(1)", "'javascript:' links are never opened"),
    ("file:///etc/passwd", "'file:' links are never opened"),
    ("data:text/html,<script>alert(1)</script>", "'data:' links are never opened"),
    ("//example.com/no-scheme", "links without http, https or mailto are never opened"),
    ("http:///no-host", "it names no host"),
])
def test_other_schemes_are_shown_and_never_opened(url, why):
    found = link(url)
    assert not found.openable and found.refused == why
    assert found.shown == url


@pytest.mark.parametrize("url", [
    "https://example.com/\x1b]52;c;cm0gLXJmIH4=\x07",
    "https://example.com/\x1b[2J",
    "https://example.com/a\x07b",
    "https://exa\u009dmple.com/",
    "https://example.com/\nrm -rf ~",
])
def test_a_link_holding_a_control_character_is_refused_whole_and_never_shown_raw(url):
    found = link(url)
    assert found.target is None and not found.openable
    assert found.refused == "it holds control characters"
    assert all(c.isprintable() for c in found.shown)


def test_what_reaches_the_terminal_is_printable_ascii():
    found = link("https://example.com/путь with space/\"quoted\"")
    assert found.openable
    assert found.target == "https://example.com/%D0%BF%D1%83%D1%82%D1%8C%20with%20space/%22quoted%22"
    assert found.target.isascii() and found.target.isprintable()


def test_no_link_is_none():
    assert link(None) is None and link("   ") is None


def test_the_clipboard_sequence_plain_and_wrapped_for_tmux_and_screen():
    url = "https://example.com/a"
    payload = base64.b64encode(url.encode()).decode()
    plain = f"\x1b]52;c;{payload}\x07"
    assert clipboard_sequence(url, {"TERM": "xterm-256color"}) == plain
    inside_tmux = clipboard_sequence(url, {"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"})
    # Plain for tmux's set-clipboard, and wrapped (ESC doubled) for its passthrough.
    assert inside_tmux == plain + "\x1bPtmux;\x1b" + plain + "\x1b\\"
    inside_screen = clipboard_sequence(url, {"TERM": "screen", "STY": "1234.pts-0.host"})
    assert inside_screen.startswith("\x1bP\x1b]52;c;") and inside_screen.endswith("\x1b\\")
    # Each DCS string is short enough for screen to pass on.
    chunks = inside_screen.split("\x1b\\")[:-1]
    assert all(len(c) <= 2 + 76 for c in chunks)
    assert "".join(c[2:] for c in chunks) == plain


def test_hyperlinks_where_the_terminal_draws_them():
    assert hyperlinks_supported({"TERM": "xterm-256color"})
    assert not hyperlinks_supported({"TERM": "linux"})
    assert not hyperlinks_supported({"TERM": "screen", "STY": "1.pts"})
    assert not hyperlinks_supported({})


@pytest.fixture
def opener(tmp_path) -> tuple[str, Path]:
    """A program that records what it was asked to open."""
    record = tmp_path / "opened.txt"
    script = tmp_path / "fake-opener"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{record}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return f"{script} --new-tab", record


def wait_for(path: Path, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.read_text() if path.exists() else ""


def test_the_opener_is_given_the_link_as_one_argument_never_a_shell(opener, tmp_path):
    command, record = opener
    url = "https://example.com/a;touch $HOME/owned`id`"
    open_link(link(url), command, {"DISPLAY": ":0", "PATH": os.environ.get("PATH", "")})
    assert wait_for(record) == "--new-tab\nhttps://example.com/a;touch%20$HOME/owned%60id%60\n"
    assert not (tmp_path / "owned").exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "https://example.com/\x1b]8;;x\x07"])
def test_a_hostile_link_is_never_given_to_the_opener(opener, url):
    command, record = opener
    with pytest.raises(OpenRefused, match="Not opened"):
        open_link(link(url), command, {"DISPLAY": ":0"})
    time.sleep(0.3)
    assert not record.exists()


def test_without_a_display_nothing_is_opened_and_it_says_why(opener):
    command, record = opener
    with pytest.raises(OpenRefused, match="there is no display here"):
        open_link(link("https://example.com/"), command, {"TERM": "xterm"})
    assert not record.exists()
    assert not has_display({}, platform="linux") and has_display({}, platform="darwin")
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux")


def test_an_opener_that_cannot_start_is_said(opener):
    with pytest.raises(OpenRefused, match="could not be started"):
        open_link(link("https://example.com/"), "/nonexistent/opener", {"DISPLAY": ":0"})
