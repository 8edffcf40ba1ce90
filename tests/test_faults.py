"""Faults a shared server brings: a full disk, and several Briefing processes on one folder at once."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

from briefing.search.catalogue import snapshot_of_files
from briefing.search.index import ContentIndex
from briefing.state import StateStore
from terminal import Terminal, needs_tmux, private_env, reader_command


def briefing(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True, timeout=timeout)


@needs_tmux
def test_a_full_disk_still_opens_the_reader_and_says_what_cannot_be_kept(content):
    StateStore().close()  # the state file exists, as it would after earlier sessions
    # A file-size limit of zero: every write that would grow a file fails, as on a full disk.
    command = f"ulimit -f 0; {reader_command('--content', str(content))}"
    terminal = Terminal(f"sh -c {shlex.quote(command)}", {**private_env(), "TERM": "xterm-256color"}, (120, 40))
    try:
        # The list is read from the files themselves, and the first article is shown;
        # the reading pane's border says what is missing.
        terminal.wait_for("Articles (5)")
        terminal.wait_for("widespread panic")
        terminal.wait_for("Search unavailable")
        terminal.keys("s")
        terminal.wait_for("cannot be kept")
        # Everything else keeps working: moving, reading, quitting.
        terminal.keys("j")
        terminal.wait_for("Jihadist Rebels Capture")
        terminal.keys("q")
        terminal.wait_for("exit=0")
    finally:
        terminal.close()
    # Nothing half-written claims to be an index, and the star was not kept.
    assert ContentIndex(content).snapshot() is None
    states = StateStore().folder(content).load(snapshot_of_files(content).entries)
    assert not any(s.starred for s in states.values())


@needs_tmux
def test_two_readers_and_an_indexer_at_once_on_one_folder(content):
    env = {**private_env(), "TERM": "xterm-256color"}
    first = Terminal(reader_command("--content", str(content)), env, (120, 40))
    second = Terminal(reader_command("--content", str(content)), env, (120, 40))
    try:
        first.wait_for("Articles (5)")
        second.wait_for("Articles (5)")
        # New files arrive while an indexer runs from the command line.
        for n in range(20):
            (content / f"new-{n:02}.txt").write_text(
                f"Convoy report number {n}\nA convoy crossed the border on day {n}. Officials confirmed it.\n"
            )
        indexer = subprocess.Popen([sys.executable, "-m", "briefing", "--content", str(content), "index"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first.keys("s")  # star the first article listed in the first reader
        second.keys("j", "f")  # flag the second one in the other reader
        out, err = indexer.communicate(timeout=120)
        assert indexer.returncode == 0, err
        assert "Traceback" not in err
        # Each reader catches up with the new files and with the other's mark.
        for terminal in (first, second):
            terminal.wait_for("Articles (25)", timeout=30)
            screen = terminal.wait_for("\u2605", timeout=30)
            assert "\u2691" in screen
            terminal.keys("q")
            terminal.wait_for("exit=0")
    finally:
        first.close()
        second.close()
    found = briefing("--content", str(content), "search", "convoy", "--limit", "100", "--json")
    assert found.returncode == 0, found.stderr
    assert len([hit for hit in json.loads(found.stdout) if hit["path"].startswith("new-")]) == 20
    snapshot = ContentIndex(content).snapshot()
    states = StateStore().folder(content).load(snapshot.entries)
    starred = [rel for rel, s in states.items() if s.starred]
    flagged = [rel for rel, s in states.items() if s.flagged]
    assert len(starred) == 1 and len(flagged) == 1 and starred != flagged


async def test_a_note_that_cannot_be_saved_is_reported_and_kept_open(content):
    from textual.widgets import TextArea

    from briefing.tui.app import BriefingApp
    from briefing.tui.screens.note import NoteScreen
    from tui_helpers import settle

    app = BriefingApp(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The state file may grow no more: SQLite then fails exactly as on a full disk.
        pages = app.services.store.con.execute("PRAGMA page_count").fetchone()[0]
        app.services.store.con.execute(f"PRAGMA max_page_count = {pages}")
        await pilot.press("a")
        typed = "Casualty figures disagree; check with the field office. " * 300
        app.screen.query_one(TextArea).insert(typed)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any(n.message.startswith("Not saved:") and "full" in n.message for n in app._notifications), [
            n.message for n in app._notifications]
        # The text is still there, in a note box that says it is not saved.
        assert isinstance(app.screen, NoteScreen) and app.screen.unsaved
        assert app.screen.query_one(TextArea).text == typed
        # Room again: ctrl+s now keeps it.
        app.services.store.con.execute("PRAGMA max_page_count = 1073741823")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteScreen)
        entry = app.reader.snapshot.entries[0]
    assert StateStore().folder(content).load_one(entry).note == typed.strip()
