"""Run the reader headless on a content folder and time what a user feels.

    python bench/reader_probe.py CONTENT INDEX_DIR

Prints one JSON object: seconds from the start of this process to the list
being drawn (the reader's own "list loaded" step), the median cost of moving
the selection one row and of opening an article with enter, and the peak RSS.
Keys are timed once the reader's work after the first screen (the rest of the
list, the folder check) is done; when that was is printed too.
A key's cost is the CPU time it took beyond that of an unbound key (Pilot's
own wait for the app to fall idle); the wall time through Pilot is printed
beside it.
Meant to be started as a new process by bench/run.py.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

from briefing.tui.app import BriefingApp  # noqa: E402
from briefing.tui.services import Pace  # noqa: E402
from briefing.tui.widgets.article_list import ArticleList  # noqa: E402
from briefing.tui.widgets.reading_pane import ReadingPane  # noqa: E402


def listed(app: BriefingApp) -> bool:
    """Whether the reader has its list (the catalogue read, with articles in it)."""
    reader = app.reader
    return reader is not None and reader.snapshot is not None and bool(reader.snapshot.entries)


async def timed_press(pilot, key: str, until=None) -> tuple[float, float]:
    """Wall and CPU seconds for one key, up to the screen being settled again."""
    wall, cpu = time.perf_counter(), time.process_time()
    await pilot.press(key)
    while until is not None and not until():
        await asyncio.sleep(0.001)
    await pilot.pause()
    return time.perf_counter() - wall, time.process_time() - cpu


def net_ms(samples: list[tuple[float, float]], baseline: list[tuple[float, float]]) -> dict[str, float]:
    """Median wall time through Pilot, and the CPU the key cost beyond an unbound key's."""
    wall = statistics.median(w for w, _ in samples) * 1000
    cpu = (statistics.median(c for _, c in samples) - statistics.median(c for _, c in baseline)) * 1000
    return {"wall": wall, "cpu": max(0.0, cpu)}


async def quiet(window: float = 0.5, limit: float = 120.0) -> float:
    """Seconds since start when this process's CPU use fell under a tenth of a core for *window* seconds."""
    ends = time.perf_counter() + limit
    while time.perf_counter() < ends:
        cpu = time.process_time()
        await asyncio.sleep(window)
        if time.process_time() - cpu < 0.1 * window:
            break
    return time.perf_counter() - STARTED


async def probe(content: Path, index_dir: Path) -> dict[str, float]:
    app = BriefingApp(content, index_dir, pace=Pace(read=3600))
    async with app.run_test(size=(160, 48)) as pilot:
        while not listed(app):
            await asyncio.sleep(0.005)
        # Wait for the first screen to be drawn with the list on it.
        await pilot.pause()
        startup = time.perf_counter() - STARTED
        # What the reader does once the list is shown (the rest of the list,
        # the folder check) runs in other threads and counts in this
        # process's CPU time: keys are timed once it is done.
        settled = await quiet()
        articles = app.query_one(ArticleList)
        reader = app.query_one(ReadingPane)
        # Pilot waits for the app to fall idle in 20 ms steps, so its wall
        # time is mostly waiting; an unbound key measures that baseline.
        baseline = [await timed_press(pilot, "f12") for _ in range(20)]
        # Moving: the pane follows only once the selection rests, so a move
        # costs the list's own redraw.
        app.reader.pace = replace(app.reader.pace, follow=3600)
        moves = [await timed_press(pilot, "j") for _ in range(30)]
        opens = []
        for _ in range(10):
            await pilot.press("j")
            target = articles.current
            opens.append(await timed_press(
                pilot, "enter", lambda: reader.article is not None and reader.article.path == target.path))
            await pilot.press("shift+tab")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        app.exit()
    move, opened = net_ms(moves, baseline), net_ms(opens, baseline)
    return {
        "startup_s": startup,
        "settled_s": settled,
        "idle_wait_ms": statistics.median(w for w, _ in baseline) * 1000,
        "move_ms": move["cpu"],
        "move_wall_ms": move["wall"],
        "open_ms": opened["cpu"],
        "open_wall_ms": opened["wall"],
        "rss_mb": rss,
        "articles": len(articles.entries),
    }


def main() -> None:
    content, index_dir = Path(sys.argv[1]), Path(sys.argv[2])
    print(json.dumps(asyncio.run(probe(content, index_dir))))


if __name__ == "__main__":
    main()
