"""Links and the analyst's day in a real terminal: the clipboard escape crossing tmux to the outer terminal,
hostile links that never reach it raw, and the saved searches and entity view on screen."""

from __future__ import annotations

import base64
import fcntl
import os
import stat
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path

import pytest

from briefing.search.index import ContentIndex
from terminal import Terminal, needs_tmux, private_env, reader_command

pytestmark = needs_tmux

URL = "https://example.com/world/2024/11/29/aleppo-falls?ref=brief"


class OuterTerminal:
    """A tmux client attached through a pseudo-terminal whose output is kept: what the terminal emulator gets."""

    def __init__(self, terminal: Terminal, size=(100, 30)) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        self.client = subprocess.Popen(["tmux", "-L", terminal.socket, "-f", str(terminal.config), "attach"],
                                       stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.output = bytearray()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output.extend(data)

    def wait_for(self, data: bytes, timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        while data not in self.output and time.monotonic() < deadline:
            time.sleep(0.05)
        return data in self.output

    def close(self) -> None:
        self.client.kill()
        self.client.wait(timeout=10)
        os.close(self.master)


@pytest.fixture
def linked(tmp_path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a.md").write_text(
        f"---\ntitle: Aleppo falls\ndate: 2024-11-29\nsource: Wire\nurl: {URL}\n---\n\nRebels took Aleppo.\n",
        encoding="utf-8")
    # A YAML double-quoted "\e" is an escape character: a link that tries to set the window title and the clipboard.
    (folder / "b.md").write_text(
        '---\ntitle: A hostile link\ndate: 2024-11-28\nsource: Wire\n'
        'url: "javascript:alert(1)//\\e]0;PWNED\\a\\e]52;c;cm0gLXJmIH4K\\a"\n---\n\nNothing to see.\n',
        encoding="utf-8")
    ContentIndex(folder).update()
    return folder


@pytest.fixture
def session():
    opened: list = []

    def start(folder: Path, *options: str, env: dict[str, str] | None = None) -> tuple[Terminal, OuterTerminal]:
        terminal = Terminal(reader_command("--content", str(folder)),
                            {**private_env(), "TERM": "xterm-256color", **(env or {})}, (100, 30))
        opened.append(terminal)
        for option in options:
            terminal.tmux("set-option", "-g", *option.split())
        outer = OuterTerminal(terminal)
        opened.append(outer)
        return terminal, outer

    yield start
    for item in reversed(opened):
        item.close()


def test_L_puts_the_link_on_the_outer_terminals_clipboard_through_tmux_passthrough(linked, session):
    terminal, outer = session(linked, "allow-passthrough on")
    terminal.wait_for("Link: https://example.com/world")
    terminal.keys("L")
    terminal.wait_for("Link copied")
    payload = base64.b64encode(URL.encode()).decode().encode()
    # The DCS wrapping is tmux's to undo: the outer terminal gets the plain OSC 52.
    assert outer.wait_for(b"\x1b]52;c;" + payload), bytes(outer.output[-2000:])
    assert b"Ptmux;" not in outer.output


def test_L_with_tmux_set_clipboard_sets_the_buffer_and_the_outer_clipboard(linked, session):
    terminal, outer = session(linked, "set-clipboard on")
    terminal.wait_for("Link: https://example.com/world")
    terminal.keys("L")
    terminal.wait_for("Link copied")
    payload = base64.b64encode(URL.encode()).decode().encode()
    assert outer.wait_for(b"\x1b]52;;" + payload) or outer.wait_for(b"\x1b]52;c;" + payload)
    deadline = time.monotonic() + 10
    buffer = ""
    while time.monotonic() < deadline and buffer != URL:
        try:
            buffer = terminal.tmux("show-buffer")
        except subprocess.CalledProcessError:
            time.sleep(0.1)
    assert buffer == URL


def test_L_inside_a_tmux_that_passes_nothing_on_says_how_to_let_it(linked, session):
    terminal, outer = session(linked)
    terminal.wait_for("Link: https://example.com/world")
    terminal.keys("L")
    screen = terminal.wait_for("set-clipboard on")
    assert "Link copied" in screen


def test_a_hostile_link_never_reaches_the_terminal_raw_nor_the_opener(linked, session, tmp_path):
    record = tmp_path / "opened.txt"
    opener = tmp_path / "fake-opener"
    opener.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{record}'\n")
    opener.chmod(opener.stat().st_mode | stat.S_IXUSR)
    terminal, outer = session(linked, env={"DISPLAY": ":99", "BRIEFING_OPENER": str(opener)})
    terminal.wait_for("Aleppo falls")
    terminal.keys("j")
    screen = terminal.wait_for("never opened")
    assert "javascript:alert(1)" in screen
    terminal.keys("O")
    terminal.wait_for("Not opened")
    terminal.keys("L")
    time.sleep(1.5)
    title = terminal.tmux("display-message", "-p", "#{pane_title}").strip()
    assert "PWNED" not in title
    assert b"PWNED\x07" not in outer.output and b"]0;PWNED" not in outer.output
    assert b"cm0gLXJmIH4K" not in outer.output  # the link's own clipboard payload never reached the terminal
    # The web link is opened, the hostile one never was.
    terminal.keys("k")
    terminal.wait_for("Link: https://example.com/world")
    terminal.keys("O")
    terminal.wait_for("Opened with")
    deadline = time.monotonic() + 10
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert record.read_text() == URL + "\n"


def test_the_saved_searches_and_the_entity_view_on_screen(content, tmp_path):
    from briefing.watches import WatchStore

    ContentIndex(content).update()
    with WatchStore() as store:
        store.add("hezbollah", "Hezbollah")
    terminal = Terminal(reader_command("--content", str(content)), {**private_env(), "TERM": "xterm"}, (80, 24))
    try:
        terminal.wait_for("Articles (5)")
        terminal.keys("W")
        terminal.wait_for("Saved searches (1)")
        # The first article, shown at start, counts as read once it has been shown a moment;
        # the saved search's count comes when its search has run.
        deadline = time.monotonic() + 20
        while True:
            screen = terminal.screen()
            every = [line for line in screen.splitlines() if "All articles" in line and "4 unread" in line]
            saved = [line for line in screen.splitlines() if "hezbollah" in line and "unread" in line]
            if (every and saved) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert every and saved and "2 unread" in saved[0], screen
        terminal.keys("j", "Enter")
        terminal.wait_for("2 results for Hezbollah")
        screen = terminal.wait_for("hezbollah: Results (2")
        terminal.keys("E")
        screen = terminal.wait_for("In this article")
        terminal.keys("a")
        screen = terminal.wait_for("All kinds (")
        assert "Aleppo" in screen and "Articles naming it" in screen
        terminal.keys("Escape")
        terminal.wait_until_gone("Articles naming it")
    finally:
        terminal.close()
