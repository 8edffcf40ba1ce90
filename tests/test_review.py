"""Reviewing with the keyboard: marks that survive a restart, filters, notes and the digest."""

from __future__ import annotations

import os
import signal
import sys

from textual.widgets import Input, Static, TextArea

from briefing.search.index import ContentIndex
from briefing.state import StateStore
from briefing.tui.app import BriefingApp
from briefing.tui.services import Pace
from briefing.tui.screens.note import NoteScreen
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.reading_pane import ReadingPane
from terminal import Terminal, needs_tmux
from tui_helpers import list_lines, settle


def reader(content) -> BriefingApp:
    # Only enter marks an article read in these tests.
    return BriefingApp(content, pace=Pace(read=3600))


def sidebar_prompts(app) -> list[str]:
    panel = app.query_one(KeyPointsPanel)
    return [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]


def note_shown(app) -> str:
    widget = app.query_one(ReadingPane).query_one(".note", Static)
    return widget.visual.plain if widget.display else ""


async def test_marks_made_in_one_session_are_there_in_the_next(content):
    app = reader(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # open the second article: read
        await settle(pilot)
        await pilot.press("s", "f")
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one(TextArea).insert("Compare with the [bold]UN[/] count.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Mark the first key point verified in the sidebar (enter left the focus in the reading pane).
        assert app.focused is app.query_one(ReadingPane)
        await pilot.press("tab", "down", "v")
        await pilot.pause()
        assert "\u2713 verified: " in sidebar_prompts(app)[1]
        await pilot.press("shift+tab", "pagedown")
        await pilot.pause()
        offset = int(app.query_one(ReadingPane).scroll_y)
        assert offset > 0
        lines = list_lines(app)
        await pilot.press("q")
    # The second row, read: no unread dot; starred, flagged, noted.
    assert lines[2].startswith("\u25b6  Jihadist")
    assert lines[3].startswith("   \u2605\u2691\u270e ")

    again = reader(content)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = again.query_one(ArticleList)
        # Back where the analyst left off: the same article, the same place in it.
        assert articles.cursor == 1
        assert again.query_one(ReadingPane).article.title.startswith("Jihadist Rebels")
        assert int(again.query_one(ReadingPane).scroll_y) == offset
        assert list_lines(again)[3].startswith("   \u2605\u2691\u270e ")
        assert note_shown(again) == "Note: Compare with the [bold]UN[/] count."
        assert "\u2713 verified: " in sidebar_prompts(again)[1]
        # The first article was never opened with enter: still unread.
        assert list_lines(again)[0].startswith(" \u25cf ")


async def test_escape_leaves_the_note_as_it_was(content):
    app = reader(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        app.screen.query_one(TextArea).insert("not kept")
        await pilot.press("escape")
        await pilot.pause()
        assert note_shown(app) == ""
        assert "\u270e" not in list_lines(app)[1]


async def test_D_writes_a_digest_of_the_listed_articles(content, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = reader(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s", "3")
        await pilot.press("D")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.value.startswith(str(tmp_path / "briefing-digest-"))
        field.value = str(tmp_path / "hand-on.md")
        await pilot.press("enter")
        await settle(pilot)
        # Typing the file name was not a search.
        assert app.reader.results is None and app.query_one(ArticleList).border_title == "Starred (1 of 5)"
    text = (tmp_path / "hand-on.md").read_text()
    assert "1 article." in text and "### After a significant escalation" in text
    assert "Jihadist" not in text


async def test_a_second_reader_sees_the_first_ones_marks(content):
    first = reader(content)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        entry = first.query_one(ArticleList).entries[2]
        # Another session stars an article.
        StateStore().folder(content).set_flag(entry, "starred", True)
        for _ in range(100):
            await pilot.pause(0.1)
            if "\u2605" in list_lines(first)[5]:
                break
        assert "\u2605" in list_lines(first)[5]


@needs_tmux
def test_a_star_survives_sigkill_of_the_reader(content, private_state):
    ContentIndex(content).update()
    env = {name: os.environ[name] for name in ("BRIEFING_STATE_DIR", "BRIEFING_INDEX_DIR")}
    terminal = Terminal(f"{sys.executable} -m briefing --content {content}", {**env, "TERM": "xterm-256color"})
    try:
        terminal.wait_for("Articles (5)")
        terminal.tmux("send-keys", "s")
        terminal.wait_for("\u2605")
        # The star is on screen: kill the reader with no chance to clean up.
        pid = terminal.tmux("list-panes", "-F", "#{pane_pid}").split()[0]
        os.kill(int(pid), signal.SIGKILL)
    finally:
        terminal.close()
    snapshot = ContentIndex(content).snapshot()
    states = StateStore().folder(content).load(snapshot.entries)
    assert [rel[:3] for rel, s in states.items() if s.starred] == ["000"]


async def test_the_command_palette_offers_each_filter_and_the_digest(content):
    app = reader(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for title in ("Show unread articles", "Show starred articles", "Show articles flagged for follow-up",
                      "Show articles with a note", "Show all articles", "Write a digest"):
            assert title in commands
        commands["Show unread articles"].callback()
        assert app.query_one(ArticleList).border_title == "Unread (5 of 5)"


async def test_keys_typed_into_a_note_are_text_not_commands(content):
    app = reader(content)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"see /s 1 f D q", "ctrl+s")
        await pilot.pause()
        assert note_shown(app) == "Note: see /s 1 f D q"
        assert app.query_one(ArticleList).border_title == "Articles (5)"
        assert "\u2605" not in list_lines(app)[1] and "\u2691" not in list_lines(app)[1]
        assert not app.query_one("#search").has_class("-active")


@needs_tmux
def test_e_writes_the_note_in_the_users_editor(content, tmp_path):
    ContentIndex(content).update()
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Written in the editor\\n" >> "$1"\n')
    editor.chmod(0o755)
    env = {name: os.environ[name] for name in ("BRIEFING_STATE_DIR", "BRIEFING_INDEX_DIR")}
    terminal = Terminal(f"{sys.executable} -m briefing --content {content}",
                        {**env, "TERM": "xterm-256color", "EDITOR": str(editor), "VISUAL": ""})
    try:
        terminal.wait_for("Articles (5)")
        terminal.wait_for("widespread panic")  # the first article is shown
        terminal.tmux("send-keys", "e")
        screen = terminal.wait_for("Note saved")
        assert "Note: Written in the editor" in screen
    finally:
        terminal.close()
    states = StateStore().folder(content).load(ContentIndex(content).snapshot().entries)
    assert [s.note for s in states.values()] == ["Written in the editor"]


async def test_enter_on_the_article_shown_then_back_and_j_leaves_the_next_one_unread(content):
    # A long read delay: only enter marks an article read. Enter lands on the
    # article already shown (it followed the list), so nothing is opened anew;
    # the next one, only highlighted, must not be taken for one opened with enter.
    app = reader(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first, second = app.query_one(ArticleList).entries[:2]
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.review.state(first).read
        await pilot.press("backspace", "j")
        await settle(pilot)
        assert app.reader.shown.entry == second
        assert not app.reader.review.state(second).read
        assert list_lines(app)[2].startswith("\u25b6\u25cf ")  # still drawn unread
