"""Helpers shared by the reader's tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from briefing.tui.screens.reader import ReaderScreen
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.article_text import ArticleText


def screen_of(app) -> ReaderScreen:
    """The reader's screen of *app*, under any dialog."""
    return app.reader


async def settle(pilot: Pilot, timeout: float = 30.0) -> None:
    """Wait until the index is up to date and the panes have followed the list."""
    waited = 0.0
    while (pilot.app.services is None or pilot.app.services.indexing.state == "waiting") and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    await _workers_done(pilot)
    await pilot.pause(0.2)
    await _workers_done(pilot)
    await pilot.pause()


async def _workers_done(pilot: Pilot) -> None:
    # An exclusive worker replaced by a newer one reports itself cancelled:
    # that is the reader working as meant, so wait on for the newer one.
    for _ in range(10):
        try:
            await pilot.app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await pilot.pause(0.05)


def list_lines(app) -> list[str]:
    """The article list as the user sees it, one string a screen line."""
    widget = app.query_one(ArticleList)
    return [widget.render_line(y).text for y in range(widget.size.height)]


def article_lines(app) -> list[str]:
    """The article's text in the reading pane as drawn, one string a line, right-trimmed."""
    return [strip.text.rstrip() for strip in app.query_one(ArticleText).lines()]


def reversed_runs(app) -> list[tuple[int, str]]:
    """(line, text) for each run of the article drawn in reverse video."""
    runs = []
    for y, strip in enumerate(app.query_one(ArticleText).lines()):
        text = "".join(seg.text for seg in strip if seg.style is not None and seg.style.reverse)
        if text.strip():
            runs.append((y, text))
    return runs
