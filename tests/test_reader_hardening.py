"""The reader on a shared server: what it quotes is clean, a dialog outlives the timers, big articles and
long queries never hold the keyboard, a dead terminal ends it with the state saved."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time

from textual import events
from textual.widgets import Static, TextArea

from briefing.config import Settings
from briefing.sanitize import clean_text
from briefing.search.index import ContentIndex
from briefing.state import StateStore
from briefing.tui.app import BriefingApp
from briefing.tui.screens.note import NoteScreen
from briefing.tui.services import Pace
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.article_text import ArticleText
from briefing.tui.widgets.reading_pane import ReadingPane
from briefing.tui.widgets.search_bar import SearchInput
from tui_helpers import settle

TRICKS = "\x1b]0;owned\x07\x1b[2J\u202eevil\u2066\x9b31m\u200b"


def is_clean(text: str) -> bool:
    return clean_text(text) == text and "\x1b" not in text and "\u202e" not in text


async def test_notifications_quoting_a_setting_a_theme_or_an_error_are_clean(content):
    settings = Settings(theme=f"night{TRICKS}", problems=[f"config.yaml: unknown key 'colour{TRICKS}'"])
    app = BriefingApp(content, settings=settings, pace=Pace(read=3600))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.notify(f"Could not run vi{TRICKS}: No such file", title=f"Editor{TRICKS}")
        await pilot.pause()
        shown = [(n.title, n.message) for n in app._notifications]
        assert any("night" in message for _, message in shown) and any("colour" in message for _, message in shown)
        assert any("Could not run vi" in message for _, message in shown)
        for title, message in shown:
            assert is_clean(title) and is_clean(message), (title, message)


async def test_a_note_the_state_holds_with_escape_sequences_is_shown_clean(content):
    app = BriefingApp(content, pace=Pace(read=3600, poll=3600))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        entry = app.query_one(ArticleList).entries[0]
        # Written by something other than Briefing (an older version, a tool): Briefing's own writes are cleaned.
        folder = StateStore().folder(content)
        folder.set_note(entry, "placeholder")
        with folder.store.transaction() as con:
            con.execute("UPDATE article_state SET note = ?", (f"Check{TRICKS} the toll",))
        app.reader._reload_marks()
        await pilot.press("enter")
        await settle(pilot)
        note = app.query_one(ReadingPane).query_one(".note", Static)
        assert note.display and "Check" in note.visual.plain and is_clean(note.visual.plain)
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        text = app.screen.query_one(TextArea).text
        assert text.startswith("Check") and is_clean(text)


async def test_a_dialog_open_when_the_read_mark_timer_fires_is_no_error(content):
    # The article passed over in the list counts as read after 0.3 s, while help (or another dialog) is
    # open; and another reader's star is picked up meanwhile. On a narrow screen too, where panes are hidden.
    for key, size in (("question_mark", (80, 24)), ("question_mark", (120, 40)), ("a", (80, 24)), ("D", (80, 24)),
                      ("S", (80, 24))):
        app = BriefingApp(content, pace=Pace(read=0.3, poll=0.2))
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("j")
            await pilot.pause(0.15)
            await pilot.press(key)
            StateStore().folder(content).set_flag(app.query_one(ArticleList).entries[0], "starred", True)
            await pilot.pause(1.0)
            assert app.is_running and app.screen is not app.reader, key
            await pilot.press("escape")
            await pilot.pause(0.3)
            entry = app.reader.shown.entry
            assert app.reader.review.state(entry).read, key


async def test_q_is_served_while_a_huge_article_is_still_being_wrapped(tmp_path):
    # 1.4 MB in 15,000 paragraphs and a 1.8 MB one-line file: tens of seconds of wrapping each, done a slice at a time.
    folder = tmp_path / "huge"
    folder.mkdir()
    sentence = "The convoy reached Idlib on Monday after officials said more than 300 trucks were waiting. "
    (folder / "a.txt").write_text("A huge report\n\n" + "\n\n".join([sentence] * 15_000))
    (folder / "b.txt").write_text(sentence * 20_000)
    for keys in (("enter",), ("j", "enter")):
        app = BriefingApp(folder, pace=Pace(read=3600, poll=3600))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, 120)
            await pilot.press(*keys)
            await pilot.pause(0.3)
            body = app.query_one(ArticleText)
            # The first lines are on screen, and the rest follows between keys.
            assert any("convoy" in body.render_line(y).text for y in range(5)), keys
            assert not body.complete, keys
            await pilot.press("q")
            assert not app.is_running and not body.complete, keys


async def test_esc_stops_a_query_and_its_results_never_come_back(content):
    app = BriefingApp(content, pace=Pace(read=3600, poll=3600, search=0.05))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listed = len(app.query_one(ArticleList).entries)
        indexing = app.services.indexing
        # The index is busy (an update, another query): the query waits, and esc comes first.
        indexing.lock.acquire()
        try:
            await pilot.press("slash", *"hezbollah")
            await pilot.pause(0.3)
            await pilot.press("escape")
            await pilot.pause(0.1)
        finally:
            indexing.lock.release()
        await settle(pilot)
        await pilot.pause(0.3)
        assert app.reader.results is None and len(app.query_one(ArticleList).entries) == listed
        # A query run to the end after esc would have narrowed the list; typed again, it does.
        await pilot.press("slash", *"hezbollah")
        await settle(pilot)
        await pilot.pause(0.3)
        assert app.reader.results is not None and len(app.query_one(ArticleList).entries) < listed


def _read_until(fd: int, text: bytes, timeout: float) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while text not in got and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                got += os.read(fd, 65536)
            except OSError:
                break
    return got


def test_a_terminal_that_fails_without_a_hangup_ends_the_reader_with_its_place_saved(content):
    """The terminal goes (its other end closed) and no SIGHUP comes: the pty is not the reader's controlling
    terminal, as under some multiplexers and job runners. Reads and writes then fail with EIO."""
    ContentIndex(content).update()
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "--content", str(content)], stdin=slave,
                            stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    try:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        assert b"Articles" in _read_until(master, b"Articles", 60)
        _read_until(master, b"never", 2.0)  # let the first article be shown
        os.close(master)
        master = -1
        status = proc.wait(timeout=30)
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert status == 129
    assert StateStore().folder(content).position() is not None


async def test_an_unsafe_index_folder_is_named_in_one_short_line_with_why_and_the_fix(content, tmp_path):
    index = tmp_path / "shared-index"
    index.mkdir()
    index.chmod(0o777)
    app = BriefingApp(content, index_dir=index, pace=Pace(read=3600, poll=3600))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications if "index" in n.message]
    assert len(said) == 1, said
    line = said[0]
    # What (the folder), why (anyone can write to it, so it could run code), the fix: once each, on one line.
    assert "\n" not in line and "briefing:" not in line and len(line) - 2 * len(str(index)) < 180, line
    assert f"the index folder {index}:" in line and "every user can write to it" in line and "run code" in line
    assert line.endswith(f"chmod go-w {index}") and line.count(str(index)) == 2


async def test_a_paste_without_bracketed_paste_runs_one_query_not_one_a_character(content):
    app = BriefingApp(content, pace=Pace(read=3600, poll=3600))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        runs: list[str] = []
        run = app.services.search.run
        app.services.search.run = lambda query: (runs.append(query), run(query))
        await pilot.press("slash")
        text = "hezbollah OR idlib"
        # As a terminal without bracketed paste sends a paste: every character a key, all arriving at
        # once; handled here slower than the typing pause (a busy machine, a slow link).
        keys = [events.Key("space" if ch == " " else ch, ch) for ch in text]
        for key in keys:
            app.screen.query_one(SearchInput).post_message(key)
            await pilot.pause(0.25)
        await pilot.pause(1.5)
        await settle(pilot)
        assert app.screen.query_one(SearchInput).value == text
        # The first key cannot be told from typing: its query may start, and the paste's replaces it.
        assert runs[-1] == text and len(runs) <= 2, runs
        # Typed by hand (keys apart), a query still runs as typing pauses.
        await pilot.press("ctrl+u", "slash")
        for key in "idlib":
            await pilot.press(key)
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        assert runs[-1] == "idlib"
