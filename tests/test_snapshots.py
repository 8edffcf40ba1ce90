"""What the reader shows at fixed sizes. Update with: make test PYTEST_ARGS=--snapshot-update"""

from __future__ import annotations

import pytest

from briefing.config import Settings
from briefing.tui.app import BriefingApp
from briefing.tui.services import Pace
from tui_helpers import settle

SIZES = [(80, 24), (160, 48)]
# Every layout: two panes (100x30), one pane (60x20) as well.
ALL_SIZES = [(80, 24), (100, 30), (60, 20), (160, 48)]
# The default theme, and the one made of the terminal's 16 colours.
THEMES = ["dark", "ansi"]


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def reader(content, **settings) -> BriefingApp:
    """The reader, with articles turning read only when opened with enter.

    The pane follows the list and marks an article read after it has been
    shown a while; that moment must not depend on the test machine's speed.
    """
    return BriefingApp(content, settings=Settings.of(**settings), pace=Pace(read=3600))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", ALL_SIZES, ids=size_id)
def test_first_screen(snap_compare, content_dir, size, theme):
    assert snap_compare(reader(content_dir, theme=theme), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", ALL_SIZES, ids=size_id)
def test_article_with_title_and_subheading(snap_compare, content_dir, size, theme):
    async def open_second(pilot):
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)

    assert snap_compare(reader(content_dir, theme=theme), terminal_size=size, run_before=open_second)


def test_help_screen(snap_compare, content_dir):
    async def open_help(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(reader(content_dir, theme="dark"), terminal_size=(80, 24), run_before=open_help)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_key_point_jump_highlights_its_sentence(snap_compare, content_dir, size):
    async def jump(pilot):
        await settle(pilot)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        # Three panes: tab to the key points; fewer: K brings them in.
        await pilot.press(*(("tab", "tab") if size[0] >= 120 else ("K",)), "down", "down", "enter")
        await pilot.pause()

    assert snap_compare(reader(content_dir, theme="dark"), terminal_size=size, run_before=jump)


@pytest.mark.parametrize("theme", ["light", "high-contrast"])
def test_other_shipped_themes(snap_compare, content_dir, theme):
    async def open_second(pilot):
        await settle(pilot)
        await pilot.press("j", "enter", "s")
        await settle(pilot)

    assert snap_compare(reader(content_dir, theme=theme), terminal_size=(100, 30), run_before=open_second)


def test_ascii_borders_and_marks(snap_compare, content_dir):
    async def star_second(pilot):
        await settle(pilot)
        await pilot.press("j", "enter", "s")
        await settle(pilot)

    assert snap_compare(reader(content_dir, theme="ansi", ascii=True), terminal_size=(80, 24), run_before=star_second)
