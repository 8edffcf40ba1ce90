"""Markup in article text, file names and queries is shown as typed, never obeyed."""

from __future__ import annotations

from textual.widgets import Static
from textual.widgets._toast import Toast

from briefing.tui.app import BriefingApp
from briefing.tui.screens.help import HelpScreen
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.search_bar import SearchInput
from tui_helpers import list_lines, settle

MARKUP_ARTICLE = (
    "Convoy [bold red]ambushed[/] near [link=http://evil.example]Tal Rifaat[/link]\n"
    "Gunmen attacked a [reverse]convoy[/reverse] of aid lorries on Sunday [@click=app.quit]here[/]. "
    "The convoy carried [blink]flour[/blink] and medicine.\n"
)


def toasts(app) -> list[str]:
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def test_markup_in_search_snippets_and_the_search_status_is_literal(write, tmp_path):
    write("convoy.txt", MARKUP_ARTICLE)
    write("other.txt", "Quiet day in Idlib\nNothing happened on Monday. Markets opened.\n")
    app = BriefingApp(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"convoy")
        await pilot.pause(0.4)
        await settle(pilot)
        assert [e.path.name for e in app.query_one(ArticleList).entries] == ["convoy.txt"]
        rows = " ".join(list_lines(app))
        assert "[bold red]ambushed[/]" in rows
        assert "[reverse]convoy[/reverse]" in rows or "[blink]flour[/blink]" in rows
        # A query made of markup is echoed as typed.
        search = app.query_one(SearchInput)
        search.value = "[bold]flour[/bold]"
        await pilot.pause(0.4)
        await settle(pilot)
        status = app.query_one("#search-status", Static).visual.plain
        assert "[bold]flour[/bold]" in status
        assert app.is_running


async def test_markup_in_a_broken_files_name_is_literal_in_the_notification(write, tmp_path):
    write("good.txt", "Good title\nA body. More of it.\n")
    write("[bold red]bad.txt", "")
    app = BriefingApp(tmp_path)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        shown = "\n".join(toasts(app))
        assert "[bold red]bad.txt: empty file" in shown


async def test_help_shows_the_bracket_keys_literally(write, tmp_path):
    write("good.txt", "Good title\nA body. More of it.\n")
    app = BriefingApp(tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = [
            table.render_line(y).text.strip()
            for table in app.screen.query(".help-table")
            for y in range(table.size.height)
        ]
        assert any(line.startswith("[ ") or line.startswith("[  ") for line in lines), lines
        assert any(line.startswith("]") for line in lines) or any(" ] " in line for line in lines), lines
