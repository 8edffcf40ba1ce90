"""What keeps the reader quick on a large archive, seen as a user sees it (Pilot): snippets made for the rows
in view and more as the list scrolls, an open replaced by the next one, what is new in a story judged against
a bounded window, and an index rebuilt by another process followed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading

from briefing.stories.story import ADDITIONS_WINDOW
from briefing.tui.app import BriefingApp
from briefing.tui.services import Pace
from briefing.tui.widgets.article_list import ROW_HEIGHT, ArticleList
from briefing.tui.widgets.reading_pane import ReadingPane
from tui_helpers import list_lines, settle

# The folder is not polled during these tests: what changes, the test says.
QUIET = Pace(poll=3600)


def _article(folder, name: str, title: str, day: int, body: str) -> None:
    date = dt.date(2024, 3, 1) + dt.timedelta(days=day)
    (folder / name).write_text(f"---\ntitle: {title}\ndate: {date}\nsource: Wire\n---\n{body}\n")


async def _ready(pilot) -> None:
    for _ in range(300):
        if pilot.app.services.indexing.engine is not None:
            break
        await pilot.pause(0.1)
    await settle(pilot)


async def _search(pilot, query: str) -> None:
    await pilot.press("slash", *query)
    await pilot.pause(0.4)
    await settle(pilot)
    await pilot.press("enter")  # to the results
    await settle(pilot)


def _row_lines(app, entry_index: int) -> str:
    """The two screen lines of the list's row *entry_index*, as drawn (it must be in view)."""
    articles = app.query_one(ArticleList)
    top = entry_index * ROW_HEIGHT - int(articles.scroll_offset.y)
    lines = list_lines(app)
    assert 0 <= top < len(lines), f"row {entry_index} is not in view"
    return " ".join(lines[top : top + ROW_HEIGHT])


async def test_snippets_are_made_for_the_rows_in_view_and_more_as_the_list_scrolls(tmp_path):
    for n in range(60):
        _article(tmp_path, f"d{n:02}.md", f"Dispatch {n:02}", n,
                 f"Quiet opening words of dispatch {n}. Cargo number {n} left the harbour at dawn.")
    app = BriefingApp(tmp_path, pace=QUIET)
    async with app.run_test(size=(100, 24)) as pilot:
        await _ready(pilot)
        await _search(pilot, "harbour")
        articles = app.query_one(ArticleList)
        results = app.reader.results
        assert len(articles.entries) == 60 and len(results.hits) == 60
        shown = articles.rows_on_screen()
        first_shown = articles.entries.index(shown[0])
        assert 0 < len(shown) < 30
        # The rows in view show their snippet, with the hit; no snippet was made for rows far from them.
        whole = [n for n in range(first_shown, first_shown + len(shown))
                 if 0 <= n * ROW_HEIGHT - int(articles.scroll_offset.y) <= articles.size.height - ROW_HEIGHT]
        assert len(whole) >= len(shown) - 2
        for n in whole:
            assert "left the harbour" in _row_lines(app, n)
        assert sum(h.snippet is not None for h in results.hits) <= len(shown) + 1
        far = articles.entries[0] if first_shown > 30 else articles.entries[-1]
        assert next(h for h in results.hits if h.path == far.rel).snippet is None

        await pilot.press("home" if far is articles.entries[0] else "end")
        await settle(pilot)
        # Scrolled there: those rows show their snippets now, made as they came into view.
        assert articles.current is far
        assert "left the harbour" in _row_lines(app, articles.cursor)
        assert next(h for h in results.hits if h.path == far.rel).snippet is not None
        # The rows passed over on the way were never drawn, and their snippets never made.
        assert sum(h.snippet is not None for h in results.hits) <= 2 * (len(shown) + 1)


def _story(folder, count: int) -> None:
    for day in range(count):
        _article(folder, f"r{day:02}.md", f"Floods in Valencia, day {day}", day,
                 f"Floods in Valencia: at least {50 + day} people killed around Paiporta, rescuers said. "
                 "The regional government of Valencia asked for the army.")


def _count_reads(monkeypatch, gate: threading.Event | None = None, hold: set[str] = frozenset()):
    import briefing.article_cache as cache_module

    reads: list[str] = []
    real = cache_module.parse_file

    def parse(path):
        reads.append(path.name)
        if gate is not None and path.name in hold:
            gate.wait(30)
        return real(path)

    monkeypatch.setattr(cache_module, "parse_file", parse)
    return reads


async def test_what_is_new_in_a_long_story_reads_a_bounded_window_of_earlier_reports(tmp_path, monkeypatch):
    _story(tmp_path, 24)
    app = BriefingApp(tmp_path, pace=QUIET)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        screen = app.reader
        # Not the article shown at start: one of the later reports, opened afresh.
        later = next(e for e in app.query_one(ArticleList).entries if e.rel == "r20.md")
        assert len([e for e in screen.library() if e.story == later.story]) == 24
        app.services.articles = type(app.services.articles)()  # nothing cached yet
        reads = _count_reads(monkeypatch)
        screen.jump_to(later)
        await settle(pilot)
        assert screen.shown.rel == "r20.md"
        # All 23 other reports are listed as related coverage; only the few just before it were read to say
        # what is new.
        assert len(screen.shown.related) == 23
        assert sorted(set(reads) - {"r20.md"}) == [f"r{d:02}.md" for d in range(20 - ADDITIONS_WINDOW, 20)]
        assert any("70" in text for _, text in screen.shown.additions.facts)


async def test_opening_another_article_stops_the_work_of_the_one_before(tmp_path, monkeypatch):
    _story(tmp_path, 12)
    _article(tmp_path, "z-other.md", "Dockers walk out in Antwerp", -10, "Dockers in Antwerp walked out over pay.")
    app = BriefingApp(tmp_path, pace=QUIET)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        screen = app.reader
        entries = {e.rel: e for e in app.query_one(ArticleList).entries}
        # A flood report is opened (not the newest, shown at start); reading its story's earlier reports
        # is slow (held here).
        gate = threading.Event()
        earlier = {f"r{d:02}.md" for d in range(10)}
        app.services.articles = type(app.services.articles)()  # nothing cached yet
        reads = _count_reads(monkeypatch, gate, earlier)
        screen.jump_to(entries["r10.md"])
        for _ in range(100):
            await pilot.pause(0.05)
            if any(r in earlier for r in reads):
                break
        # The analyst opens another article before that work is done.
        screen.jump_to(entries["z-other.md"])
        await pilot.pause(0.2)
        gate.set()
        await settle(pilot)
        assert screen.shown.rel == "z-other.md"
        assert app.query_one(ReadingPane).article.title == "Dockers walk out in Antwerp"
        # The first open stopped at the report it was reading: no more of its story was read.
        assert len([r for r in reads if r in earlier]) == 1


async def test_an_index_rebuilt_by_another_process_is_followed_by_the_running_reader(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for n in range(5):
        _article(content, f"a{n}.md", f"Report {n}", n, f"Routine report number {n} about the port.")
    app = BriefingApp(content, pace=QUIET)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        index_dir = app.services.indexing.index.dir
        # Another process rewrites the index from scratch after an article changed.
        _article(content, "a2.md", "Report 2", 2, "Routine report number 2 about the port, now with a zeppelin.")
        done = subprocess.run([sys.executable, "-m", "briefing", "index", "--rebuild", "--content", str(content),
                               "--index", str(index_dir)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        await _search(pilot, "zeppelin")
        # The reader searched the rebuilt index, not the files of the one it had opened.
        assert [e.rel for e in app.query_one(ArticleList).entries] == ["a2.md"]
        assert "zeppelin" in list_lines(app)[1]


async def test_a_long_list_is_drawn_from_its_newest_rows_and_then_read_whole(tmp_path, monkeypatch):
    from dataclasses import replace

    from briefing.search.index import ContentIndex
    from briefing.tui.services import indexing

    for n in range(12):
        _article(tmp_path, f"d{n:02}.md", f"Dispatch {n:02}", n, f"Words of dispatch {n} from the harbour.")
    ContentIndex(tmp_path).update()
    monkeypatch.setattr(indexing, "FIRST_ROWS", 5)
    # The rest of the list is read when the test says (at once, without it, on a screen this small).
    app = BriefingApp(tmp_path, pace=replace(QUIET, rest=3600))
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(200):
            if app.reader.snapshot is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        articles = app.query_one(ArticleList)
        # The newest five are listed at once, and the title counts them all.
        assert [e.title for e in articles.entries] == [f"Dispatch {n:02}" for n in range(11, 6, -1)]
        assert str(articles.border_title) == "Articles (12)"
        # A filter asked for now waits for the whole list: five rows would be counted wrong.
        await pilot.press("2")
        await pilot.pause()
        assert articles.entries == [] and articles.empty_message.startswith("Reading the list")
        app.services.indexing.read_rest()
        await settle(pilot)
        assert len(app.reader.snapshot.entries) == 12
        assert str(articles.border_title) == "Unread (12 of 12)" and len(articles.entries) == 12
        await pilot.press("1")
        await settle(pilot)
        assert [e.title for e in articles.entries] == [f"Dispatch {n:02}" for n in range(11, -1, -1)]
        assert str(articles.border_title) == "Articles (12)"


async def test_a_running_reader_picks_up_an_edit_that_kept_the_files_size_and_time(tmp_path):
    _article(tmp_path, "a.md", "Harbour report", 1, "The ferry to Zanzibar left on time.")
    app = BriefingApp(tmp_path, pace=Pace(poll=0.3))
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        path = tmp_path / "a.md"
        before = path.stat()
        # Written again within the file system's clock tick: same size, same time.
        _article(tmp_path, "a.md", "Harbour report", 1, "The ferry to Mombasa left on dates.")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert path.stat().st_size == before.st_size
        found = []
        for _ in range(150):
            with app.services.indexing.lock:
                engine = app.services.indexing.engine
                found = engine.search("Mombasa").hits if engine is not None else []
            if found:
                break
            await pilot.pause(0.1)
        assert [h.path for h in found] == ["a.md"]
