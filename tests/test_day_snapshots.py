"""The new screens at fixed sizes: the saved searches in the list's place, the entity view, the question
before marking many articles. Update with: make test PYTEST_ARGS=--snapshot-update"""

from __future__ import annotations

import pytest

from briefing.config import Settings
from briefing.tui.app import BriefingApp
from briefing.tui.screens.entities import EntitiesScreen
from briefing.tui.services import Pace
from briefing.watches import WatchStore
from tui_helpers import settle

SIZES = [(80, 24), (160, 48)]


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def reader(content, **settings) -> BriefingApp:
    return BriefingApp(content, settings=Settings.of(theme="dark", **settings), pace=Pace(read=3600))


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_saved_searches_in_the_lists_place(snap_compare, content_dir, size):
    with WatchStore() as store:
        store.add("hezbollah", "Hezbollah")
        store.add("hts unread", "HTS", "unread")

    async def show(pilot):
        await settle(pilot)
        await pilot.press("enter", "backspace", "W")
        await settle(pilot)

    assert snap_compare(reader(content_dir), terminal_size=size, run_before=show)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_entity_view(snap_compare, content_dir, size):
    async def show(pilot):
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EntitiesScreen)

    assert snap_compare(reader(content_dir), terminal_size=size, run_before=show)


def test_hide_and_highlight_rules_in_the_list(snap_compare, content_dir):
    async def show(pilot):
        await settle(pilot)

    app = reader(content_dir, hide=["Hezbollah"], highlight=["Tehran OR Iran"])
    assert snap_compare(app, terminal_size=(80, 24), run_before=show)
