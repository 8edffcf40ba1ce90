"""Names and fields that try to drive the terminal: nothing the reader draws carries them.

The folder (tests/hostile.py) has every trick in a file's name and in each
field the reader shows; the state holds a note and a saved search with them.
The reader is driven through each of its views, and at each step every
character of the screen is looked at as the terminal would get it: the text
of each cell, the address of each hyperlink, the notifications, the title.
A last test runs the reader in a real terminal (tmux) and asks the terminal
whether its title, clipboard or lines were changed.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from textual import events

from briefing.config import Settings
from briefing.state import StateStore
from briefing.tui.app import BriefingApp
from briefing.tui.screens.digest import DigestScreen
from briefing.tui.screens.entities import EntitiesScreen
from briefing.tui.screens.note import NoteScreen
from briefing.tui.screens.stories import StoriesScreen
from briefing.tui.services import Pace
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.search_bar import SearchInput
from briefing.watches import WatchStore
from hostile import ALL_TRICKS, DOHA, FORBIDDEN, FORGED, TRICKS, write_hostile_folder
from terminal import Terminal, needs_tmux, private_env, reader_command
from tui_helpers import settle

# A row that starts, past borders and blanks, with the text the newline trick tried to put on a line of its own.
FORGED_ROW = re.compile(rf"^[^\w\\]*{FORGED}")
DOHA_SHOWN = f"\u26a0{DOHA}"  # marked as mixing alphabets
HOSTILE_WATCH = f"watch{TRICKS['OSC title']}{TRICKS['bidi override']}"


def drawn(app) -> tuple[list[str], list[str]]:
    """Every screen row as the terminal would draw it (dialogs over what they cover, toasts included),
    and every hyperlink address, which goes to the terminal inside an escape sequence."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    rows, links = [], []
    for line in update.strips:
        text = []
        for strip in line:
            for segment in strip:
                text.append(segment.text)
                if segment.style is not None and segment.style.link:
                    links.append(segment.style.link)
        rows.append("".join(text))
    return rows, links


def notes(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def assert_clean_screen(app, where: str) -> list[str]:
    """The screen, the notifications and the title carry no control or invisible character and forge no row."""
    rows, links = drawn(app)
    assert len(rows) == app.size.height, where
    for y, row in enumerate(rows):
        bad = FORBIDDEN.search(row)
        assert bad is None, f"{where}, row {y}: {bad.group(0)!r} in {row!r}"
        assert "\n" not in row, f"{where}, row {y}: a line break inside the row {row!r}"
        assert not FORGED_ROW.match(row), f"{where}, row {y}: a field's text on a row of its own: {row!r}"
        row.encode("utf-8")  # strict: a name's undecodable byte is shown as an escape, never sent as is
    for address in links:
        assert re.fullmatch(r"[!-~]+", address), f"{where}: hyperlink {address!r}"
    for text in [*notes(app), str(app.title), str(app.sub_title)]:
        bad = FORBIDDEN.search(text.replace("\n", " "))
        assert bad is None, f"{where}: {bad.group(0)!r} in the notification or title {text!r}"
        assert not any(FORGED_ROW.match(line) for line in text.split("\n")), f"{where}: {text!r}"
    return rows


async def drawn_once(pilot, text: str, where: str, timeout: float = 10.0) -> None:
    """Wait until *text* is on the screen, then look at the whole screen (whether it came or not)."""
    came = await wait_until(pilot, lambda: any(text in row for row in drawn(pilot.app)[0]), timeout, strict=False)
    rows = assert_clean_screen(pilot.app, where)
    assert came, f"{where}: {text!r} is not shown in\n" + "\n".join(rows)


async def wait_until(pilot, condition, timeout: float = 10.0, strict: bool = True) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.02)
    assert condition() or not strict
    return condition()


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """The hostile folder, a note and a saved search with every trick, and a working folder named with one."""
    from conftest import indexed

    folder = write_hostile_folder(tmp_path / "content")
    snapshot = indexed(folder)
    # Written by something other than Briefing (an older version, a tool): Briefing's own writes are cleaned.
    state = StateStore().folder(folder)
    for entry in snapshot.entries:
        state.set_note(entry, "placeholder")
    with state.store.transaction() as con:
        # A note has lines of its own by right: the newline trick's text would be one of them.
        con.execute("UPDATE article_state SET note = ?", (f"Note{ALL_TRICKS.replace(FORGED, 'its line')} end",))
    with WatchStore() as watches:
        watches.add("placeholder", "Aleppo")
        watches.con.execute("UPDATE watches SET name = ?, query = ?", (HOSTILE_WATCH, f"Aleppo{TRICKS['CSI clear']}"))
    # The digest is offered in the working folder, by its name.
    cwd = tmp_path / f"work{TRICKS['OSC 52 clipboard']}{TRICKS['newline']}"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return folder


def reader(folder) -> BriefingApp:
    return BriefingApp(folder, settings=Settings.of(), pace=Pace(follow=0.01, read=3600, poll=3600))


async def test_every_row_article_and_side_pane_is_drawn_clean(hostile):
    app = reader(hostile)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        # The skipped files are told in a notice that goes after 10 s: looked at as soon as it comes.
        await drawn_once(pilot, "2 files skipped", "the skipped-files notice", timeout=60)
        screen = "\n".join(assert_clean_screen(app, "the skipped-files notice"))
        # The tricks were taken out, not the files: they are named, escaped.
        assert "empty\\x1b]0;owned\\x07\\x0aforged line.md" in screen
        await settle(pilot)
        articles = app.query_one(ArticleList)
        assert len(articles.entries) == len(TRICKS) + 1
        screen = "\n".join(assert_clean_screen(app, "the list"))
        assert f"T{list(TRICKS).index('newline')} {FORGED}" in screen
        # Each article in turn, in the reading pane with its key points and related coverage.
        for n, rel in enumerate([e.rel for e in articles.entries]):
            if n:
                await pilot.press("j")
            await wait_until(pilot, lambda: app.reader.shown is not None and app.reader.shown.entry.rel == rel)
            # Its name, escaped, is in the reading pane's details once the pane shows it (wrapped at a space).
            await drawn_once(pilot, rel.split(" ")[0], f"article {rel!r}")
        # The sidebar scrolled to the end of the related coverage, and a related article opened from it.
        first = articles.entries[0].rel
        await pilot.press("home")
        await wait_until(pilot, lambda: app.reader.shown.entry.rel == first)
        points = app.query_one(KeyPointsPanel)
        points.focus()
        await pilot.press("end")
        await pilot.pause()
        assert "Related coverage" in "\n".join(assert_clean_screen(app, "related coverage"))
        await pilot.press("enter")
        await settle(pilot)
        assert_clean_screen(app, "a related article")
        # The article alone, wide, with its note; and the note in the editor.
        await pilot.press("z")
        await pilot.pause()
        assert "Note: Note" in "\n".join(assert_clean_screen(app, "focused reading"))
        await pilot.press("z")
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen))
        assert "Note" in "\n".join(assert_clean_screen(app, "the note editor"))
        await pilot.press("escape")


async def test_every_view_and_dialog_is_drawn_clean(hostile):
    app = reader(hostile)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await settle(pilot)
        # A query pasted with the tricks in it: the search box and the status echo it.
        await pilot.press("slash", "A")
        search = app.query_one(SearchInput)
        search.post_message(events.Paste(f"leppo{TRICKS['OSC title']}{TRICKS['bidi override']}{TRICKS['zero width']}"))
        await wait_until(pilot, lambda: len(search.value) > len("Aleppo"))  # the paste is in
        await pilot.pause(0.3)
        await settle(pilot)
        assert "results for Aleppoevil" in "\n".join(assert_clean_screen(app, "a search"))
        assert search.value == "Aleppoevil" and search.cursor_position == len(search.value)
        # Kept as a saved search: the dialog quotes the query and suggests a name made of it.
        await pilot.press("enter", "w")
        await drawn_once(pilot, "Save the search Aleppoevil", "the dialog saving the search")
        await pilot.press("escape")
        await settle(pilot)
        # The saved searches, and the list of one named with the tricks.
        app.query_one(ArticleList).focus()
        await pilot.press("W")
        await settle(pilot)
        assert "watch" in "\n".join(assert_clean_screen(app, "the saved searches"))
        await pilot.press("j", "enter")
        await settle(pilot)
        assert "watchevil: Results" in "\n".join(assert_clean_screen(app, "a saved search's articles"))
        await pilot.press("backspace")
        await settle(pilot)
        # The stories, one story's figures, and the command palette's titles.
        for key, view, where in (("S", StoriesScreen, "the stories"), ("E", EntitiesScreen, "the entities")):
            await pilot.press(key)
            await wait_until(pilot, lambda: isinstance(app.screen, view))
            await settle(pilot)
            assert DOHA_SHOWN in "\n".join(assert_clean_screen(app, where))
            await pilot.press("tab" if view is EntitiesScreen else "j")
            await settle(pilot)
            assert_clean_screen(app, where + ", the other pane")
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is app.reader)
        newline = list(TRICKS).index("newline")
        await pilot.press("colon", *f"T{newline}")
        await drawn_once(pilot, f"T{newline} {FORGED} {DOHA_SHOWN}", "the command palette's titles")
        await pilot.press("escape")
        await pilot.pause()
        # The digest: offered in the working folder, written, and said to be.
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, DigestScreen))
        assert "work\\x1b]52;c;" in "\n".join(assert_clean_screen(app, "the digest dialog"))
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: any("Wrote" in n for n in notes(app)))
        assert_clean_screen(app, "the digest written")
        (digest,) = list(Path.cwd().glob("briefing-digest-*.md"))
        text = digest.read_text(encoding="utf-8")
        assert FORBIDDEN.search(text.replace("\n", " ")) is None


@pytest.mark.parametrize("trick", TRICKS.values(), ids=TRICKS.keys())
def test_a_text_box_holds_no_trick_and_keeps_the_spaces_typed(trick):
    from briefing.sanitize import clean_typed

    shown = clean_typed(f"Before {trick} after  ")
    assert not FORBIDDEN.search(shown) and "\n" not in shown, repr(shown)
    assert shown.startswith("Before ") and shown.endswith(" after  ")


@needs_tmux
def test_in_a_real_terminal_no_name_or_field_sets_the_title_the_clipboard_or_a_line(hostile, tmp_path):
    go, again = tmp_path / "go", tmp_path / "again"
    # The terminal passes titles and OSC 52 on as one that honours them would. Once the reader has
    # ended, the shell writes both sequences itself: the terminal shows they would have been seen.
    control = "printf '\\033]2;control\\007\\033]52;c;Y29udHJvbA==\\007'"
    command = (f"while [ ! -e '{go}' ]; do sleep 0.05; done; "
               + reader_command("--content", str(hostile),
                                after=f'echo "exit=$?"; while [ ! -e \'{again}\' ]; do sleep 0.05; done; '
                                      f'{control}; echo controlled; sleep 60'))
    terminal = Terminal(command, {**private_env(), "TERM": "xterm-256color", "COLORTERM": "truecolor"}, (140, 45))
    try:
        terminal.tmux("set-option", "-g", "set-clipboard", "on")
        title = terminal.flag("pane_title")
        go.touch()
        screens = [terminal.wait_for("Articles (20)", timeout=30), terminal.wait_for("2 files skipped")]
        for _ in range(len(TRICKS)):
            terminal.keys("j")
            time.sleep(0.1)
            screens.append(terminal.screen())
        # An article, the sidebar off and on, its related coverage, one opened, the article alone;
        # then the saved searches, and the articles of the one named with the tricks.
        steps = [("Home", None), ("Enter", None), ("K", None), ("K", "Related coverage"), ("Tab", None), ("End", None),
                 ("Enter", None), ("z", None), ("z", None), ("W", "Saved searches"), ("j", None),
                 ("Enter", "watchevil: Results")]
        for key, wait in steps:
            terminal.keys(key)
            if wait is None:
                time.sleep(0.3)
            screens.append(terminal.wait_for(wait) if wait else terminal.screen())
        assert terminal.flag("pane_title") == title
        assert terminal.tmux("list-buffers") == ""
        for screen in screens:
            rows = screen.splitlines()
            assert not [row for row in rows if FORGED_ROW.match(row)], screen
            assert FORBIDDEN.search(screen.replace("\n", " ")) is None, screen
        assert f"{FORGED} {DOHA_SHOWN}" in "\n".join(screens) and "watchevil: Results" in screens[-1]
        terminal.keys("q")
        terminal.wait_for("exit=0")
        again.touch()
        terminal.wait_for("controlled")
        assert terminal.flag("pane_title") == "control"
        assert terminal.tmux("show-buffer") == "control"
    finally:
        terminal.close()
