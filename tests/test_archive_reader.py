"""The reader on a team archive (Pilot): two analysts' readers side by side, and an archive that goes away."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Static

from briefing.config import Settings
from briefing.tui.app import BriefingApp
from briefing.tui.services import Pace
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reading_pane import ReadingPane
from tui_helpers import list_lines, settle


def reader(url: str, content) -> BriefingApp:
    return BriefingApp(content, settings=Settings.of(archive=url), pace=Pace(read=3600))


def team_shown(app) -> str:
    widget = app.query_one(ReadingPane).query_one(".team", Static)
    return widget.visual.plain if widget.display else ""


async def until(pilot, check, timeout: float = 10.0) -> float:
    """Wait (letting the app run) until *check()* holds; how long it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError("not within the time allowed")
        await pilot.pause(0.05)
    return time.monotonic() - started


async def test_a_mark_in_one_reader_shows_in_the_others_within_two_seconds(pg_archive, pg_env, content):
    ana, ben = reader(pg_archive.url("ana"), content), reader(pg_archive.url("ben"), content)
    async with ana.run_test(size=(120, 40)) as pa, ben.run_test(size=(120, 40)) as pb:
        await settle(pa)
        await settle(pb)
        assert len(ana.query_one(ArticleList).entries) == 5
        first = ana.query_one(ArticleList).current
        assert ben.query_one(ArticleList).current.rel == first.rel
        assert team_shown(ben) == ""
        await pa.press("f")
        await pa.pause()
        # In ana's reader: her own flag, as ever.
        assert "\u2691" in list_lines(ana)[1]
        took = await until(pb, lambda: "flagged by ana" in team_shown(ben), timeout=5)
        assert took < 2.0
        assert team_shown(ben).startswith("\u2691 flagged by ana, just now")
        # Ben's own marks are his: the flag is not his, so his list shows none of his own...
        assert "\u2691" not in list_lines(ben)[1]
        # ...and his filter for what anyone flagged lists it.
        await pb.press("6")
        await pb.pause()
        assert ben.query_one(ArticleList).border_title.startswith("Flagged by anyone (1 of 5)")
        await pb.press("7")
        await pb.pause()
        assert ben.query_one(ArticleList).entries == []
        # A note of ben's shows in ana's reader, as text.
        await pb.press("1")
        await pb.pause()
        await pb.press("a")
        await pb.pause()
        from textual.widgets import TextArea

        ben.screen.query_one(TextArea).insert("[red]Check[/] the toll \x1b[2J")
        await pb.press("ctrl+s")
        await until(pa, lambda: "noted by ben" in team_shown(ana), timeout=5)
        assert "\u270e noted by ben, just now: [red]Check[/] the toll" in team_shown(ana)
        assert "\x1b" not in team_shown(ana)
        await pa.press("7")
        await pa.pause()
        assert ana.query_one(ArticleList).border_title.startswith("Noted by others (1 of 5)")


async def test_articles_ingested_elsewhere_appear_in_the_list(pg_cluster, pg_env, content, tmp_path):
    from archive_fixtures import new_archive

    archive = new_archive(pg_cluster)
    archive.briefing("index", "--content", str(content))
    app = reader(archive.url("ana"), content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.query_one(ArticleList).entries) == 5
        more = tmp_path / "more"
        more.mkdir()
        (more / "late.md").write_text("---\ntitle: Late report from Hama\ndate: 2030-01-02\n---\n\nText.\n",
                                      encoding="utf-8")
        archive.briefing("index", "--content", str(more), role="ben")
        await until(pilot, lambda: len(app.query_one(ArticleList).entries) == 6, timeout=5)
        assert list_lines(app)[0].endswith("Late report from Hama") or "Late report from Hama" in list_lines(app)[0]


async def test_the_archive_going_away_and_coming_back(content, tmp_path, monkeypatch):
    from briefing.archive import throwaway
    from archive_fixtures import new_archive

    try:
        cluster = throwaway.start()
    except throwaway.Unavailable as exc:
        pytest.skip(f"no PostgreSQL here: {exc}")
    try:
        for role in ("ana", "ben", "desk"):
            cluster.create_role(role)
        cluster.create_role("owner", createrole=True)
        for key, value in cluster.env().items():
            monkeypatch.setenv(key, value)
        archive = new_archive(cluster)
        archive.briefing("index", "--content", str(content))
        app = reader(archive.url("ana"), content)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            before = list_lines(app)
            cluster.kill()
            pane = app.query_one(ReadingPane)
            await until(pilot, lambda: "Archive unreachable" in str(pane.border_subtitle), timeout=15)
            # What was shown stays; a mark that cannot be saved says so and is not shown as done.
            assert list_lines(app) == before
            started = time.monotonic()
            await pilot.press("s")
            await pilot.pause()
            assert time.monotonic() - started < 2.0
            said = [n.message for n in app._notifications]
            assert any(m.startswith("Not saved:") and "unreachable" in m for m in said)
            assert "\u2605" not in list_lines(app)[1]
            cluster.start()
            await until(pilot, lambda: "Archive unreachable" not in str(pane.border_subtitle), timeout=20)
            await pilot.press("s")
            await until(pilot, lambda: "\u2605" in list_lines(app)[1], timeout=5)
    finally:
        cluster.remove()
