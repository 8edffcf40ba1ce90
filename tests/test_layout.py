"""The panes the reader shows at each terminal width, and the keys that change them."""

from __future__ import annotations

import pytest

from briefing.tui.app import BriefingApp
from briefing.tui.layout import MIN_READER, MIN_SIDE, Layout, side_widths
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.reading_pane import ReadingPane
from tui_helpers import settle


def shown(app) -> list[str]:
    """The panes on screen, left to right, each with some width."""
    panes = [app.query_one(f"#{name}") for name in ("articles", "reader", "keypoints")]
    return [p.id for p in panes if p.display and p.region.width > 0]


@pytest.mark.parametrize(
    ("width", "expected"),
    [(200, ("articles", "reader", "keypoints")), (120, ("articles", "reader", "keypoints")),
     (119, ("articles", "reader")), (70, ("articles", "reader")), (69, ("articles",)), (40, ("articles",))],
)
def test_the_width_decides_how_many_panes_show(width, expected):
    assert Layout().visible(width) == expected


def test_side_panes_always_leave_the_reader_room():
    for width in range(70, 260):
        for chosen in ({}, {"articles": 200}, {"articles": 200, "keypoints": 200}):
            for panes in (("articles", "reader", "keypoints"), ("articles", "reader"), ("reader", "keypoints")):
                widths = side_widths(panes, width, chosen)
                assert all(w >= MIN_SIDE for w in widths.values())
                if width >= 2 * MIN_SIDE + MIN_READER:
                    assert width - sum(widths.values()) >= MIN_READER, (width, chosen, panes)


async def test_at_80_columns_K_puts_the_key_points_in_place_of_the_list(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert shown(app) == ["articles", "reader"]
        await pilot.press("K")
        await pilot.pause()
        assert shown(app) == ["reader", "keypoints"]
        assert app.focused is app.query_one(KeyPointsPanel)
        await pilot.press("K")
        await pilot.pause()
        assert shown(app) == ["articles", "reader"]
        assert app.focused is app.query_one(ArticleList)


async def test_below_70_columns_one_pane_at_a_time_with_enter_and_backspace(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert shown(app) == ["articles"]
        await pilot.press("j", "enter")
        await settle(pilot)
        assert shown(app) == ["reader"]
        assert app.focused is app.query_one(ReadingPane)
        assert app.query_one(ReadingPane).article.path.name.startswith("001")
        await pilot.press("backspace")
        await pilot.pause()
        assert shown(app) == ["articles"]
        assert app.query_one(ArticleList).cursor == 1  # back where the user was
        await pilot.press("K")
        await pilot.pause()
        assert shown(app) == ["keypoints"]


async def test_z_shows_the_reading_pane_alone_and_brings_the_panes_back(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert shown(app) == ["articles", "reader", "keypoints"]
        await pilot.press("z")
        await pilot.pause()
        assert shown(app) == ["reader"]
        assert app.query_one(ReadingPane).region.width == 160
        await pilot.press("z")
        await pilot.pause()
        assert shown(app) == ["articles", "reader", "keypoints"]


async def test_growing_the_terminal_brings_back_the_panes(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert shown(app) == ["articles"]
        await pilot.resize_terminal(130, 30)
        await pilot.pause()
        assert shown(app) == ["articles", "reader", "keypoints"]


async def test_pane_widths_set_with_keys_are_kept_for_the_next_session(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        before = app.query_one(ArticleList).outer_size.width
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        wider = app.query_one(ArticleList).outer_size.width
        assert wider == before + 8
        await pilot.press("tab", "tab", "less_than_sign")  # the focused side pane: key points
        await pilot.pause()
        narrower = app.query_one(KeyPointsPanel).outer_size.width
    again = BriefingApp(content_dir)
    async with again.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert again.query_one(ArticleList).outer_size.width == wider
        assert again.query_one(KeyPointsPanel).outer_size.width == narrower
