"""The reader in real terminals (tmux): 80x24, 16 colours, no colour, ASCII only, no mouse, hang-ups."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from briefing.search.index import ContentIndex
from briefing.state import StateStore
from terminal import Terminal, colours_used, needs_tmux, private_env, reader_command

pytestmark = needs_tmux

# The sixteen colours by SGR number, and the same as 256-colour indexes 0-15.
SIXTEEN = {str(n) for n in [*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)]} | {
    f"{layer};5;{n}" for layer in ("38", "48") for n in range(16)
}


@pytest.fixture
def content(content):
    """The sample content, copied and indexed before the reader starts."""
    ContentIndex(content).update()
    return content


@pytest.fixture
def open_terminal():
    opened = []

    def start(*args: str, env: dict[str, str] | None = None, size=(80, 24), term="xterm-256color") -> Terminal:
        # As a terminal emulator would set them: no COLORTERM unless the test says.
        terminal = Terminal(reader_command(*args), {**private_env(), "TERM": term, "COLORTERM": "", **(env or {})}, size)
        opened.append(terminal)
        return terminal

    yield start
    for terminal in opened:
        terminal.close()


def test_at_80x24_list_reading_pane_key_points_and_a_search(content, open_terminal):
    terminal = open_terminal("--content", str(content), env={"COLORTERM": "truecolor"})
    screen = terminal.wait_for("Articles (5)")
    terminal.wait_for("widespread panic")  # the reading pane shows the first article
    screen = terminal.screen()
    assert "Reading" in screen and "? Help" in screen.splitlines()[-1]
    terminal.keys("K")
    screen = terminal.wait_for("Key points")
    assert "Articles (5)" not in screen  # at 80 columns the key points take the list's place
    terminal.keys("K")
    terminal.wait_for("Articles (5)")
    terminal.keys("/")
    terminal.type("Hezbollah")
    screen = terminal.wait_for("2 results for Hezbollah")
    assert "Results (2 of 5)" in screen  # the count and the list change in the same frame
    terminal.keys("Enter", "j")  # the key right after enter moves in the results, not the query
    screen = terminal.wait_for("Hezbollah", timeout=5)
    assert "Hezbollahj" not in screen
    terminal.keys("q")
    terminal.wait_for("exit=0")


def test_ascii_mode_draws_nothing_but_ascii_and_the_articles_own_text(content, open_terminal):
    article_chars = set("".join(p.read_text(encoding="utf-8") for p in content.iterdir()))
    terminal = open_terminal("--content", str(content), "--ascii", env={"COLORTERM": "truecolor"})
    terminal.wait_for("widespread panic")
    screens = [terminal.screen()]
    steps = [("s", "Starred"), ("?", "Keys"), ("q", None), (":", None), ("Storm", "Open: Rebels Storm"),
             ("Escape", None), ("a", "Note on:"), ("Escape", None), ("/", None), ("Aleppo", "results for Aleppo"),
             ("Enter", None), ("K", "Key points")]
    for keys, wait in steps:
        terminal.keys(keys) if keys in ("Escape", "Enter") else terminal.type(keys)
        if wait is None:
            time.sleep(0.4)  # an escape followed at once by a key reads as alt+key
            continue
        screens.append(terminal.wait_for(wait))
    for screen in screens:
        foreign = {c for c in screen if not c.isascii() and c not in article_chars}
        assert not foreign, (foreign, screen)
    assert "+-" in screens[0] and "|" in screens[0]


def test_a_16_colour_terminal_gets_only_its_own_16_colours(content, open_terminal):
    terminal = open_terminal("--content", str(content), term="xterm")
    terminal.wait_for("widespread panic")
    terminal.keys("j")
    time.sleep(0.5)
    used = colours_used(terminal.styled_screen())
    assert used and used <= SIXTEEN, used - SIXTEEN


# 16 colours as over SSH (TERM=xterm, no COLORTERM), 256, and true colour.
@pytest.mark.parametrize("term, colorterm", [("xterm", ""), ("xterm-256color", ""), ("xterm-256color", "truecolor")],
                         ids=["16", "256", "truecolor"])
def test_no_color_draws_in_the_terminals_own_colours_with_bold_and_reverse(content, open_terminal, term,
                                                                          colorterm):
    terminal = open_terminal("--content", str(content), term=term, env={"COLORTERM": colorterm, "NO_COLOR": "1"})
    terminal.wait_for("widespread panic")
    styled = terminal.styled_screen()
    # No colour at all, only the terminal's default foreground and background
    # (SGR 39/49): readable on a dark and on a light background alike. (Greys
    # painted instead became black on black at 16 colours.)
    assert colours_used(styled) == set()
    lines = styled.splitlines()
    plain = terminal.screen().splitlines()
    assert "\u25b6" in plain[1] and "\u25cf" in plain[3]  # the selected row, an unread one
    assert re.search(sgr(7) + "\u25b6", lines[1])  # the selected row in reverse video
    assert re.search(sgr(1) + " Articles \\(5\\) ", lines[0])  # the focused pane's title in bold


def sgr(attribute: int) -> str:
    """A pattern for an SGR sequence that turns *attribute* on (alone or with others)."""
    return rf"\x1b\[(?:\d+;)*{attribute}(?:;\d+)*m"


@pytest.mark.parametrize("args, mouse", [((), "1"), (("--no-mouse",), "0")])
def test_no_mouse_means_the_terminal_is_not_asked_for_mouse_reports(content, open_terminal, args, mouse):
    terminal = open_terminal("--content", str(content), *args)
    terminal.wait_for("widespread panic")
    assert terminal.flag("mouse_any_flag") == mouse


def _reader_pid(terminal: Terminal) -> int:
    shell = terminal.pane_pid()
    children = open(f"/proc/{shell}/task/{shell}/children").read().split()
    return int(children[0])


def test_sighup_quits_saves_the_place_and_restores_the_terminal(content, open_terminal):
    terminal = open_terminal("--content", str(content))
    terminal.wait_for("widespread panic")
    terminal.keys("j", "j")
    terminal.wait_for("Rebels Storm")
    time.sleep(0.5)
    os.kill(_reader_pid(terminal), signal.SIGHUP)
    screen = terminal.wait_for("exit=129")
    assert "Articles (5)" not in screen
    assert terminal.flag("alternate_on") == "0" and terminal.flag("mouse_any_flag") == "0"
    assert terminal.flag("cursor_flag") == "1"
    position = StateStore().folder(content).position()
    assert position is not None and position.path.startswith("002_")


def test_closing_the_terminal_ends_the_reader_and_keeps_its_marks(content, open_terminal):
    terminal = open_terminal("--content", str(content))
    terminal.wait_for("widespread panic")
    terminal.keys("s")
    terminal.wait_for("\u2605")
    pid = _reader_pid(terminal)
    terminal.close()  # the pty goes away: the kernel sends SIGHUP
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    states = StateStore().folder(content).load(ContentIndex(content).snapshot().entries)
    assert [rel[:3] for rel, s in states.items() if s.starred] == ["000"]


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        here = todo.pop()
        for task in os.listdir(f"/proc/{here}/task") if os.path.exists(f"/proc/{here}/task") else ():
            try:
                children = open(f"/proc/{here}/task/{task}/children").read().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_quitting_during_a_long_first_build_ends_at_once_and_the_next_run_finishes_it(tmp_path, open_terminal):
    import random

    from briefing.search.engine import Engine

    # A folder whose first build takes many seconds: waiting for it would keep the shell from its prompt.
    folder = tmp_path / "large"
    folder.mkdir()
    words = [f"word{n}" for n in range(3000)]
    pick = random.Random(7)
    for n in range(4000):
        body = " ".join(pick.choice(words) for _ in range(300))
        (folder / f"{n:05}.md").write_text(f"# Report number {n}\n\nThe zebrafinch {n} item. {body}.\n",
                                          encoding="utf-8")
    terminal = open_terminal("--content", str(folder))
    terminal.wait_for("Indexing", timeout=60)
    reader = _reader_pid(terminal)
    # The list says "Indexing" as soon as it is drawn; the indexer starts just after.
    deadline = time.monotonic() + 30
    while not (helpers := _descendants(reader)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert helpers, "the index is built by a process of its own"
    time.sleep(0.5)
    helpers = _descendants(reader) or helpers  # its worker processes too
    terminal.keys("q")
    quit_at = time.monotonic()
    terminal.wait_for("exit=0", timeout=30)
    took = time.monotonic() - quit_at
    deadline = time.monotonic() + 5
    while any(map(_alive, helpers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in helpers if _alive(pid)], "the indexer outlived the reader"
    assert took < 8, f"q took {took:.1f} s to give the shell back"
    # What the stopped build did is kept, and the next run does the rest: every article is found.
    index = ContentIndex(folder)
    report = index.update()
    assert not report.skipped
    with Engine.open(index) as engine:
        assert len(engine.search("zebrafinch", limit=None).hits) == 1000  # the most a search returns
        assert engine.search('"zebrafinch 3999"', limit=None).hits
    assert len(index.snapshot().entries) == 4000
