"""The settings as the reader uses them: remapped keys, date format, pane widths, the palette's article jump."""

from __future__ import annotations

import os
import shutil

import pytest
from textual.command import CommandPalette

from briefing.config import Settings
from briefing.state import StateStore
from briefing.tui.app import BriefingApp
from briefing.tui.keymap import binding_ids
from briefing.tui.screens.help import HelpScreen, binding_rows
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reading_pane import ReadingPane
from tui_helpers import list_lines, settle


@pytest.fixture
def dated(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: Ceasefire talks resume\nsource: Wire\ndate: 2024-11-27\n---\n\n"
                                 "Talks resumed in Doha on Wednesday.\n")
    (folder / "b.md").write_text("---\ntitle: Grain corridor reopens\nsource: Desk\ndate: 2024-11-28\n---\n\n"
                                 "Ships left Odesa at dawn.\n")
    return folder


def help_keys(app) -> dict[str, str]:
    return {description: keys for _, nodes in app.screen.groups for keys, description, *_ in binding_rows(*nodes)}


async def test_a_remapped_key_does_the_action_and_the_help_shows_it(content):
    app = BriefingApp(content, settings=Settings.of(keys={"star": "x", "list.next": "n,down"}))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert app.reader.review.state(app.query_one(ArticleList).current).starred
        await pilot.press("s")  # the old key no longer stars (nor un-stars)
        await pilot.pause()
        assert app.reader.review.state(app.query_one(ArticleList).current).starred
        await pilot.press("n")
        await pilot.pause()
        assert app.query_one(ArticleList).cursor == 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = help_keys(app)
        assert keys["Star"] == "x"
        assert keys["Next"].split(", ") == ["n", "\u2193"]


async def test_an_unknown_action_id_is_reported_and_the_rest_applied(content_dir):
    app = BriefingApp(content_dir, settings=Settings.of(keys={"stra": "x", "flag": "F"}))
    async with app.run_test() as pilot:
        await settle(pilot)
        notes = " ".join(str(n.message) for n in app._notifications)
        assert "keys: 'stra' is not an action id" in notes
        await pilot.press("F")
        await pilot.pause()
        assert app.reader.review.state(app.query_one(ArticleList).current).flagged


async def test_a_key_given_to_two_actions_is_reported(content_dir):
    app = BriefingApp(content_dir, settings=Settings.of(keys={"star": "f"}))
    async with app.run_test() as pilot:
        await settle(pilot)
        notes = " ".join(str(n.message) for n in app._notifications)
        assert "keys: 'f' given to star was flag's key; flag loses it" in notes
        await pilot.press("f")
        await pilot.pause()
        current = app.reader.review.state(app.query_one(ArticleList).current)
        assert current.starred and not current.flagged


def test_every_binding_can_be_remapped_by_a_unique_id():
    ids = binding_ids()
    assert {"star", "flag", "search", "quit", "list.next", "reader.page_down", "points.verified", "theme"} <= ids


async def test_dates_follow_the_date_format(dated):
    app = BriefingApp(dated, settings=Settings.of(date_format="%d %b %Y"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Wire \u00b7 27 Nov 2024" in " ".join(list_lines(app))
        reader = app.query_one(ReadingPane)
        shown = reader.article.date.strftime("%d %b %Y")
        assert f"{reader.article.source} \u00b7 {shown}" in str(reader.query_one(".details").render())
        assert "2024-11-2" not in str(reader.query_one(".details").render())


async def test_pane_widths_from_the_config_file(content_dir):
    app = BriefingApp(content_dir, settings=Settings.of(widths={"articles": 44}))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.query_one("#articles").outer_size.width == 44


async def test_a_width_set_with_a_key_stands_until_the_config_changes(content_dir):
    app = BriefingApp(content_dir, settings=Settings.of(widths={"articles": 44}))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert app.query_one("#articles").outer_size.width == 48
    again = BriefingApp(content_dir, settings=Settings.of(widths={"articles": 44}))
    async with again.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert again.query_one("#articles").outer_size.width == 48
    assert StateStore().preference("width.articles") == "48"
    changed = BriefingApp(content_dir, settings=Settings.of(widths={"articles": 36}))
    async with changed.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert changed.query_one("#articles").outer_size.width == 36


async def test_the_palette_jumps_to_an_article_by_words_of_its_title(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # Filtered to starred articles: none listed, yet the jump still finds it.
        await pilot.press("3")
        await pilot.pause()
        assert app.query_one(ArticleList).entries == []
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"iran assad")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.query_one(ReadingPane)
        assert reader.article is not None and reader.article.title.startswith("Iran backs Syria")
        assert app.reader.listing.filter == "all"
        assert app.query_one(ArticleList).current.title.startswith("Iran backs Syria")


async def test_titles_in_the_palette_are_text_not_markup(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "m.md").write_text("---\ntitle: '[bold red]Alert[/] [link=http://x]here[/link]'\n---\n\nBody text here.\n")
    app = BriefingApp(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        from briefing.tui.commands import ArticleCommands

        provider = ArticleCommands(app.screen)
        hits = [hit async for hit in provider.search("alert")]
        assert hits and "[bold red]Alert[/]" in hits[0].match_display.plain


async def test_no_color_is_honoured_and_still_seen_by_the_editor(content_dir, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = BriefingApp(content_dir)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.no_color
        assert os.environ.get("NO_COLOR") == "1"  # passed on to $EDITOR and the indexer


async def test_the_palette_offers_every_action_with_its_key(content):
    app = BriefingApp(content)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for title in ("Star", "Flag", "Read/unread", "Note", "Order", "Search", "Key points", "Focus", "Next theme",
                      "Narrower side pane", "Page down", "Open", "Verified", "Disputed", "Show in article"):
            assert title in commands, title
        assert commands["Star"].help == "Everywhere, key s"
        await commands["Star"].callback()
        await pilot.pause()
        assert app.reader.review.state(app.query_one(ArticleList).current).starred


async def test_ascii_reaches_the_order_note_the_problems_the_search_status_and_the_stories(tmp_path, content_dir):
    from textual.widgets import OptionList, Static

    folder = tmp_path / "content"
    shutil.copytree(content_dir, folder)
    for n in range(7):  # more problems than a notification names
        (folder / f"empty{n}.txt").write_text("")
    # The articles' own text is shown as written; every other character must be ASCII.
    own = set("".join(p.read_text(encoding="utf-8") for p in content_dir.iterdir()))

    def foreign(text: str) -> set[str]:
        return {c for c in text if not c.isascii() and c not in own}

    app = BriefingApp(folder, settings=Settings.of(ascii=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("...and" in n for n in notes), notes
        assert not any(foreign(n) for n in notes), notes
        await pilot.press("o")
        assert app.query_one(ArticleList).border_title == "Articles (5) | source"
        await pilot.press("slash", *"Alepo")
        await pilot.pause(0.4)
        await settle(pilot)
        status = app.query_one("#search-status", Static).visual.plain
        assert status == "0 results for Alepo -- did you mean: aleppo"
        await pilot.press("ctrl+u", "S")
        await settle(pilot)
        listing = app.screen.query_one("#stories-list", OptionList)
        prompts = " ".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))
        detail = app.screen.query_one("#story-text", Static).visual.plain
        assert not foreign(prompts), prompts
        assert not foreign(detail), detail
