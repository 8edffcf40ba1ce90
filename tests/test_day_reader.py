"""The analyst's day in the reader, as a user goes through it (Pilot): saved searches and their counts, alerts,
hide and highlight rules, marking many articles read and undoing it, links, the entity view, feeds fetched."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.tui.app import BriefingApp
from briefing.tui.screens.confirm import ConfirmScreen
from briefing.tui.screens.entities import EntitiesScreen
from briefing.tui.services import Pace
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reading_pane import ReadingPane
from briefing.tui.widgets.watch_list import WatchList
from briefing.watches import WatchStore
from tui_helpers import list_lines, screen_of, settle


def reader(content, pace: Pace | None = None, **settings) -> BriefingApp:
    return BriefingApp(content, settings=Settings.of(**settings), pace=pace or Pace(read=3600))


def notes(app) -> list[str]:
    return [f"{n.title}: {n.message}" if n.title else str(n.message) for n in app._notifications]


def brief(folder: Path, name: str, title: str, body: str, date: str = "2024-12-02", url: str | None = None) -> Path:
    front = [f"title: {title}", f"date: {date}", "source: Wire"] + ([f"url: {url}"] if url else [])
    path = folder / name
    path.write_text("---\n" + "\n".join(front) + "\n---\n\n" + body + "\n", encoding="utf-8")
    return path


async def wait_until(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.1)
    assert condition()


# Saved searches


async def test_w_saves_the_search_and_W_lists_saved_searches_with_unread_counts(content):
    app = reader(content)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Aleppo", "enter")
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, type(app.screen)) and app.screen.__class__.__name__ == "SaveSearchScreen"
        await pilot.press("ctrl+u", *"aleppo watch", "enter")
        await settle(pilot)
        assert any("Saved as aleppo watch" in n for n in notes(app))
        with WatchStore() as store:
            assert [(w.name, w.query) for w in store.watches()] == [("aleppo watch", "Aleppo")]
        screen = screen_of(app)
        await pilot.press("W")
        await settle(pilot)
        watches = screen.query_one(WatchList)
        # The saved searches stand where the list was, and have the focus.
        assert watches.display and not screen.query_one(ArticleList).display and screen.focused is watches
        rows = {r.name: (r.unread, r.found) for r in watches.rows}
        assert rows == {"": (5, 5), "aleppo watch": (5, 5)}
        # Read one: the counts follow.
        await pilot.press("W")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("backspace", "W")
        await settle(pilot)
        assert {r.name: r.unread for r in watches.rows} == {"": 4, "aleppo watch": 4}
        # Picking the saved search lists its results, named.
        await pilot.press("j", "enter")
        await settle(pilot)
        articles = screen.query_one(ArticleList)
        assert articles.display and screen.focused is articles
        assert articles.border_title.startswith("aleppo watch: Results (5 of 5)")


async def test_articles_that_arrive_and_match_a_saved_search_are_announced_with_the_bell(content):
    with WatchStore() as store:
        store.add("hama", "Hama")
    app = reader(content, Pace(read=3600, poll=0.3), bell=True)
    rings = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.bell = lambda: rings.append(1)
        await settle(pilot)
        assert not any("hama:" in n for n in notes(app))  # what was there at start is not news
        # The saved searches stay listed while articles arrive: their counts follow.
        await pilot.press("W")
        await settle(pilot)
        watches = screen_of(app).query_one(WatchList)
        before = {r.name: (r.unread, r.found) for r in watches.rows}
        brief(content, "late.md", "Rebels reach Hama", "Rebels reached the outskirts of Hama on Monday.")
        brief(content, "other.md", "Floods in Valencia", "Rain fell for days in Valencia.")
        await wait_until(pilot, lambda: any(n.startswith("hama: 1 new article") for n in notes(app)))
        note = next(n for n in notes(app) if n.startswith("hama:"))
        assert "Rebels reach Hama" in note and "Valencia" not in note
        assert rings == [1]
        unread, found = before["hama"]
        await wait_until(pilot, lambda: {r.name: (r.unread, r.found) for r in watches.rows}["hama"]
                         == (unread + 1, found + 1))
        every_unread, every_found = before[""]
        assert {r.name: (r.unread, r.found) for r in watches.rows}[""] == (every_unread + 2, every_found + 2)


# Rules


async def test_hide_rules_leave_articles_out_until_H_and_highlight_rules_mark_them(content):
    app = reader(content, hide=["Hezbollah"], highlight=["Tehran OR Iran"])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        articles = screen.query_one(ArticleList)
        title = articles.border_title
        hidden = len(screen.hidden)
        assert hidden >= 1
        assert title == f"Articles ({5 - hidden}, {hidden} hidden)"
        assert not any(e.rel in screen.hidden for e in articles.entries)
        # Highlighted rows carry a mark, which shows without colour.
        marked = [line for line in list_lines(app) if "\u25c6" in line]
        assert marked
        await pilot.press("H")
        await pilot.pause()
        assert len(articles.entries) == 5
        assert articles.border_title == f"Articles (5, {hidden} hidden shown)"
        # A search leaves them out too.
        await pilot.press("H", "slash", *"Aleppo", "enter")
        await settle(pilot)
        assert articles.border_title.startswith(f"Results ({5 - hidden} of 5, {hidden} hidden)")


# Many at once


@pytest.fixture
def many(tmp_path) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(25):
        place = " Officials in Aleppo confirmed it." if n % 10 == 7 else ""
        brief(folder, f"r{n:02}.md", f"Report {n}", f"Report number {n} from the desk.{place}",
              date=f"2024-11-{n + 1:02}")
    return folder


async def test_A_asks_above_20_says_how_many_and_ctrl_z_undoes_it(many):
    app = reader(many)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert not any(s.read for s in screen.review.states.values())
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert any(n.startswith("Marked read: 25 articles") for n in notes(app))
        assert sum(s.read for s in screen.review.states.values()) == 25
        assert not any("\u25cf" in line for line in list_lines(app))  # no unread dot left
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert any(n.startswith("Undone: 25 articles") for n in notes(app))
        assert not any(s.read for s in screen.review.states.values())
        # A short list (a search's results) is marked without asking.
        await pilot.press("slash", *"Aleppo", "enter")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert sorted(rel for rel, s in screen.review.states.items() if s.read) == ["r07.md", "r17.md"]


async def test_u_on_a_selection_marks_the_range_and_ctrl_z_undoes_it(many):
    app = reader(many)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        articles = screen.query_one(ArticleList)
        await pilot.press("j", "V", "j", "j")
        await pilot.pause()
        assert [e.rel for e in articles.selection()] == ["r23.md", "r22.md", "r21.md"]
        await pilot.press("u")
        await settle(pilot)
        assert sorted(rel for rel, s in screen.review.states.items() if s.read) == ["r21.md", "r22.md", "r23.md"]
        assert articles.selection() == []
        # u on the same range again, all read: unread.
        await pilot.press("V", "k", "k", "u")
        await settle(pilot)
        assert not any(s.read for s in screen.review.states.values())
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert sorted(rel for rel, s in screen.review.states.items() if s.read) == ["r21.md", "r22.md", "r23.md"]


# Links


@pytest.fixture
def opener(tmp_path, monkeypatch) -> Path:
    record = tmp_path / "opened.txt"
    script = tmp_path / "fake-opener"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{record}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("DISPLAY", ":99")
    return record


async def test_O_opens_a_web_link_with_the_opener_and_never_a_hostile_one(tmp_path, opener):
    folder = tmp_path / "links"
    folder.mkdir()
    brief(folder, "a.md", "A web link", "Text.", date="2024-12-02", url="https://example.com/news/1")
    brief(folder, "b.md", "A script link", "Text.", date="2024-12-01", url="javascript:alert(1)")
    app = reader(folder, opener=str(opener.parent / "fake-opener"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = screen_of(app).query_one(ReadingPane)
        link_line = str(pane.query_one(".link").render())
        assert "https://example.com/news/1" in link_line
        await pilot.press("O")
        await wait_until(pilot, opener.exists)
        assert opener.read_text() == "https://example.com/news/1\n"
        await pilot.press("L")
        await pilot.pause()
        assert any(n.startswith("Link copied: https://example.com/news/1") for n in notes(app))
        await pilot.press("j")
        await settle(pilot)
        assert "never opened" in str(pane.query_one(".link").render())
        await pilot.press("O")
        await pilot.pause(0.5)
        assert any("Not opened: 'javascript:' links are never opened" in n for n in notes(app))
        assert opener.read_text() == "https://example.com/news/1\n"


async def test_without_a_display_O_says_so(tmp_path, opener, monkeypatch):
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    folder = tmp_path / "links"
    folder.mkdir()
    brief(folder, "a.md", "A web link", "Text.", url="https://example.com/news/1")
    app = reader(folder, opener=str(opener.parent / "fake-opener"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await pilot.pause(0.3)
        assert any("there is no display here" in n for n in notes(app))
        assert not opener.exists()


# The entity view


async def test_E_lists_the_archives_entities_and_enter_opens_an_article_at_its_sentence(content):
    app = reader(content)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("E")
        await wait_until(pilot, lambda: isinstance(app.screen, EntitiesScreen) and app.screen.entities)
        view = app.screen
        # Over an article: the names it gives; a: every entity of the archive.
        assert view.of_article
        await pilot.press("a")
        await wait_until(pilot, lambda: not view.of_article and len(view.entities) > 10)
        assert [e.articles for e in view.entities] == sorted((e.articles for e in view.entities), reverse=True)
        await pilot.press("3")  # places
        await wait_until(pilot, lambda: view.entities and all(e.kind == "place" for e in view.entities))
        await pilot.press("1", "slash", *"hts", "enter")
        await wait_until(pilot, lambda: view.current is not None and view.current.name == "Hayat Tahrir al-Sham")
        mentions = view.query_one("#entity-mentions")
        await wait_until(pilot, lambda: len(mentions.rows) == view.current.articles)
        assert "HTS" in view.current.aliases
        await pilot.press("enter", "j")
        row = mentions.current
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.shown.rel == row.rel
        pane = screen.query_one(ReadingPane)
        assert pane.highlighted == row.anchor
        assert screen.shown.article.anchor_text(row.anchor) == row.sentence


async def test_E_before_the_names_are_stored_says_so_and_fills_in_when_they_are(content):
    from briefing.entities.store import store_path
    from briefing.tui.messages import NamesFound

    app = reader(content)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        stored = store_path(app.services.indexing.index.dir)
        away = stored.with_name("names-away")
        stored.rename(away)  # as at the first start, before the name finder has run
        await pilot.press("E")
        await wait_until(pilot, lambda: isinstance(app.screen, EntitiesScreen))
        view = app.screen
        await settle(pilot)
        assert not view.entities
        away.rename(stored)
        screen.post_message(NamesFound(True))
        await wait_until(pilot, lambda: len(view.entities) > 5 and view.current is not None)


# Feeds


@pytest.fixture
def server(monkeypatch):
    from feed_server import FeedServer

    # The local server is reached directly, whatever proxy the machine is set up with.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    served = FeedServer().start()
    yield served
    served.stop()


def add_feeds(*feeds) -> None:
    from briefing.feeds.store import Feed, save_feeds

    save_feeds([Feed(name, url) for name, url in feeds])


async def test_F_fetches_with_progress_in_the_status_line_and_the_new_articles_are_listed(content, server):
    add_feeds(("wire", server.url("/feeds/rss20.xml")), ("gone", server.url("/status/404")))
    app = reader(content)
    statuses = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        pane = screen.query_one(ReadingPane)
        original = screen.set_status

        def seen(what, text):
            statuses.append(text)
            original(what, text)

        screen.set_status = seen
        await pilot.press("F")
        await wait_until(pilot, lambda: any(n.startswith("Feeds: some failed") for n in notes(app)))
        note = next(n for n in notes(app) if n.startswith("Feeds:"))
        assert "2 feed(s), 3 new article(s)" in note and "gone: failed: HTTP 404" in note
        assert any(s.startswith("Fetching") for s in statuses) and any(s.startswith("Fetched") for s in statuses)
        assert pane.border_subtitle == ""
        await wait_until(pilot, lambda: len(screen.library()) == 8)
        assert sum(1 for e in screen.library() if e.rel.startswith("wire/")) == 3


async def test_every_feed_failing_is_an_error_and_a_quiet_background_round_says_only_failures(content, server):
    add_feeds(("gone", server.url("/status/404")))
    app = reader(content)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await wait_until(pilot, lambda: any(n.startswith("Feeds: every one failed") for n in notes(app)))
        assert next(n for n in app._notifications if n.title.startswith("Feeds")).severity == "error"
        # In the background, nothing new and nothing failed says nothing.
        add_feeds(("wire", server.url("/feeds/rss20.xml")))
        fetching = app.services.fetching
        # Every notification, even those whose time is up on a slow machine.
        told = []
        notify = app.notify
        app.notify = lambda message, *args, **kwargs: (told.append(str(message)), notify(message, *args, **kwargs))
        assert fetching.fetch(background=True)
        await wait_until(pilot, lambda: any(n.startswith("Feeds fetched") for n in notes(app)))
        count = len(told)
        assert count >= 1
        assert fetching.fetch(background=True)
        await wait_until(pilot, lambda: not fetching.running)
        await settle(pilot)
        assert len(told) == count


async def test_fetch_interval_fetches_in_the_background_skips_a_round_while_one_runs_and_quitting_cancels(
        content, server):
    add_feeds(("slow", server.url("/slow")))
    server.slow_seconds = 5
    app = reader(content, fetch_interval=5)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        fetching = app.services.fetching
        timers = [t for t in app.reader._timers if getattr(t, "name", "") == "feeds"]
        assert timers and timers[0]._interval == 300
        assert fetching.fetch(background=True)
        assert not fetching.fetch(background=True)  # one at a time: this round is skipped
        started = time.monotonic()
    assert fetching.cancel.is_set()
    assert time.monotonic() - started < 20


async def test_the_indexer_and_name_finder_are_this_briefing_whatever_folder_the_reader_starts_in(content, tmp_path,
                                                                                                 monkeypatch):
    # A folder holding another package named briefing (a checkout of another version, say).
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "briefing").mkdir(parents=True)
    (elsewhere / "briefing" / "__init__.py").write_text("raise SystemExit('another briefing')\n")
    (elsewhere / "briefing" / "__main__.py").write_text("raise SystemExit('another briefing')\n")
    monkeypatch.chdir(elsewhere)
    app = reader(content)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.services.indexing.state == "ready"
        assert len(app.query_one(ArticleList).entries) == 5
