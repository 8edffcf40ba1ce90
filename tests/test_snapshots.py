"""What the reader shows at fixed sizes. Update with: make test PYTEST_ARGS=--snapshot-update"""

from __future__ import annotations

import pytest

from briefing.tui.app import BriefingApp
from tui_helpers import settle

SIZES = [(80, 24), (160, 48)]
# Every layout: two panes (100x30), one pane (60x20) as well.
ALL_SIZES = [(80, 24), (100, 30), (60, 20), (160, 48)]


def reader(content) -> BriefingApp:
    """The reader, with articles turning read only when opened with enter.

    The pane follows the list and marks an article read after it has been
    shown a while; that moment must not depend on the test machine's speed.
    """
    app = BriefingApp(content)
    app.read_delay = 3600
    return app


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_screen(snap_compare, content_dir, size):
    assert snap_compare(reader(content_dir), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", ALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_article_with_title_and_subheading(snap_compare, content_dir, size):
    async def open_second(pilot):
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)

    assert snap_compare(reader(content_dir), terminal_size=size, run_before=open_second)


def test_help_screen(snap_compare, content_dir):
    async def open_help(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(reader(content_dir), terminal_size=(80, 24), run_before=open_help)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_key_point_jump_highlights_its_sentence(snap_compare, content_dir, size):
    async def jump(pilot):
        await settle(pilot)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        # Three panes: tab to the key points; fewer: K brings them in.
        await pilot.press(*(("tab", "tab") if size[0] >= 120 else ("K",)), "down", "down", "enter")
        await pilot.pause()

    assert snap_compare(reader(content_dir), terminal_size=size, run_before=jump)
