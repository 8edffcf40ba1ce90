"""Helpers shared by the reader's tests."""

from __future__ import annotations

from textual.pilot import Pilot

from briefing.tui.widgets.article_list import ArticleList


async def settle(pilot: Pilot, timeout: float = 30.0) -> None:
    """Wait until the index is up to date and the panes have followed the list."""
    waited = 0.0
    while pilot.app.index_state == "waiting" and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def list_lines(app) -> list[str]:
    """The article list as the user sees it, one string a screen line."""
    widget = app.query_one(ArticleList)
    return [widget.render_line(y).text for y in range(widget.size.height)]
