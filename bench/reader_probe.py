"""Run the reader headless on a content folder and time what a user feels.

    python bench/reader_probe.py CONTENT INDEX_DIR

Prints one JSON object: seconds from the start of this process to the list
being drawn (the reader's own "list loaded" step), the median time to move
the selection one row and to open an article with enter, and the peak RSS.
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
from pathlib import Path  # noqa: E402

from briefing.tui.app import BriefingApp  # noqa: E402
from briefing.tui.widgets.article_list import ArticleList  # noqa: E402
from briefing.tui.widgets.reading_pane import ReadingPane  # noqa: E402


class ProbedApp(BriefingApp):
    # Style paths are read relative to the class's own module: point them home.
    CSS_PATH = [str(Path(sys.modules[BriefingApp.__module__].__file__).parent / p) for p in BriefingApp.CSS_PATH]
    listed_at: float | None = None

    def _catalogue_read(self, snapshot) -> None:
        super()._catalogue_read(snapshot)
        if self.listed_at is None and snapshot is not None and snapshot.entries:
            self.listed_at = time.perf_counter()


async def probe(content: Path, index_dir: Path) -> dict[str, float]:
    app = ProbedApp(content, index_dir)
    app.read_delay = 3600
    async with app.run_test(size=(160, 48)) as pilot:
        while app.listed_at is None:
            await asyncio.sleep(0.005)
        # Wait for the first screen to be drawn with the list on it.
        await pilot.pause()
        startup = time.perf_counter() - STARTED
        articles = app.query_one(ArticleList)
        moves = []
        for _ in range(30):
            t = time.perf_counter()
            await pilot.press("j")
            moves.append(time.perf_counter() - t)
        opens = []
        reader = app.query_one(ReadingPane)
        for _ in range(10):
            await pilot.press("j")
            target = articles.current
            t = time.perf_counter()
            await pilot.press("enter")
            while reader.article is None or reader.article.path != target.path:
                await asyncio.sleep(0.001)
            await pilot.pause()
            opens.append(time.perf_counter() - t)
            await pilot.press("shift+tab")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        app.exit()
    return {
        "startup_s": startup,
        "move_ms": statistics.median(moves) * 1000,
        "open_ms": statistics.median(opens) * 1000,
        "rss_mb": rss,
        "articles": len(articles.entries),
    }


def main() -> None:
    content, index_dir = Path(sys.argv[1]), Path(sys.argv[2])
    print(json.dumps(asyncio.run(probe(content, index_dir))))


if __name__ == "__main__":
    main()
