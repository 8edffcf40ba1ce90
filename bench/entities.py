"""The entity view at archive sizes: how long it takes to open, measured on real wire copy.

    python bench/entities.py [--sizes 10000,100000] [--workdir DIR] [--rebuild]

The archive is reuters-dev (13,000 real Reuters stories, with their real
spread of names) repeated with varied dates up to each size, as the data's
README suggests; the stories are not copied: each repetition's entries point
at the same files. The store of names is built by the real pass
(``briefing.entities.sync``, the one ``briefing index`` runs) and kept in
the work folder for the next run. Then, for the most named entity, a median
one and the largest entity joined by an acronym:

- the store's queries the view makes to open (the list of entities, the
  entity, its first page of articles), from a freshly opened store, median
  of 7;
- the view itself in a headless reader, from the key to the frame that shows
  the entity's articles, median of 5;
- beside them, in the same run: counting every article naming the entity
  (what a view reading all its mentions would at least pay), and the
  stories it appears in (read after the view opens, in a worker).

Figures are printed; the target is under 200 ms to open at 100,000 articles.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realdata import data_dir, missing  # noqa: E402
from briefing.model import Entry  # noqa: E402

START = dt.date(2023, 1, 1)


def archive(size: int) -> list[Entry]:
    """*size* entries over reuters-dev's files, each repetition with dates of its own."""
    files = sorted((data_dir() / "reuters-dev").glob("*.txt"))
    heads = {}
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as handle:
            heads[path] = (handle.readline().strip() or path.stem, hashlib.sha256(path.read_bytes()).hexdigest())
    entries = []
    for n in range(size):
        path = files[n % len(files)]
        copy = n // len(files)
        title, digest = heads[path]
        date = START + dt.timedelta(days=(n * 37) % 730)
        entries.append(Entry(f"copy{copy:02}/{path.name}", path, title.title(), "Reuters", date,
                             digest=f"{digest[:32]}-{copy}", story=n % 997))
    return entries


def build(index_dir: Path, entries: list[Entry], rebuild: bool) -> None:
    from briefing.entities.sync import sync

    done = index_dir / f"built-{len(entries)}"
    if done.exists() and not rebuild:
        print(f"  store of names: kept from an earlier run ({index_dir})")
        return
    if rebuild and index_dir.exists():
        import shutil

        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    cpu = time.process_time()
    workers = _children_cpu()
    last = [started]
    loads = []

    def progress(read: int, total: int) -> None:
        loads.append(os.getloadavg()[0])
        if time.monotonic() - last[0] > 30:
            last[0] = time.monotonic()
            print(f"    {read}/{total} ({read / (last[0] - started):.0f} articles/s)", flush=True)

    report = sync(index_dir, index_dir, progress, entries=entries)
    took = time.monotonic() - started
    mine, theirs = time.process_time() - cpu, _children_cpu() - workers
    print(f"  store of names: {report.read} articles in {took:.0f} s ({report.read / took:.0f} articles/s); "
          f"CPU per article {mine * 1000 / max(1, report.read):.2f} ms in this process (the store), "
          f"{theirs * 1000 / max(1, report.read):.2f} ms in the workers (reading the files); "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"load average during it {statistics.mean(loads or [os.getloadavg()[0]]):.1f}")
    done.touch()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_ms(run, times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def pick(index_dir: Path):
    """The most named entity, a median one, and the largest one joined by a tie (if any)."""
    from briefing.entities.store import Reader

    with Reader(index_dir) as reader:
        ranked = reader.entities(limit=10**9)
        top = ranked[0]
        middle = ranked[len(ranked) // 2]
        tied = next((e for e in ranked[:2000] if reader.entity(e.id).aliases), None)
        total = reader.count()
        mentions = reader.con.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
    return total, mentions, [("most named", top), ("median", middle)] + ([("joined by a tie", tied)] if tied else [])


def store_queries(index_dir: Path, entity) -> tuple[float, float, float]:
    """Milliseconds: open the store and list, open the entity's first page; count all its articles."""
    from briefing.entities.store import Reader

    def open_view() -> None:
        with Reader(index_dir) as reader:
            reader.entities(limit=300)
            reader.entity(entity.id)
            reader.page(entity.id)

    def count_all() -> None:
        with Reader(index_dir) as reader:
            len(reader.rels(entity.id))

    return median_ms(open_view, 7), median_ms(count_all, 3), 0.0


def stories_ms(index_dir: Path, entity, entries: list[Entry], by_rel: dict) -> float:
    from briefing.entities.store import Reader
    from briefing.entities.view import stories_of

    def run() -> None:
        with Reader(index_dir) as reader:
            stories_of(reader, entity, entries, by_rel)

    return median_ms(run, 3)


def view_ms(index_dir: Path, by_rel: dict, name: str, times: int = 5) -> tuple[float, float]:
    """From the key (E) to the frame showing the entity's first articles: wall-clock and CPU milliseconds.

    On a shared machine the wall clock counts the time other processes had
    the cores; the process's CPU time is what the view itself costs.
    """
    from textual.app import App

    from briefing.tui.look import Look
    from briefing.tui.screens.entities import EntitiesScreen, preload
    from briefing.tui.widgets.mention_list import MentionList

    class Timed(EntitiesScreen):
        """Notes the end of the first frame that draws the entity's articles (what the user sees)."""

        shown_at: float | None = None
        cpu_at: float | None = None
        rows_drawn = False

        def on_mount(self) -> None:
            mentions = self.query_one(MentionList)
            draw = mentions.render_line

            def drawn(y: int):
                if mentions.rows:
                    self.rows_drawn = True
                return draw(y)

            mentions.render_line = drawn
            super().on_mount()

        def _compositor_refresh(self) -> None:
            super()._compositor_refresh()
            if self.rows_drawn and self.shown_at is None:
                self.shown_at, self.cpu_at = time.perf_counter(), time.process_time()

    samples = []
    cpu = []

    async def measure() -> None:
        app = App()
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(times):
                # As E does: read in a worker thread, then push the view with what it shows first.
                started, cpu_started = time.perf_counter(), time.process_time()
                first = await asyncio.to_thread(preload, index_dir, name, None)
                screen = Timed(index_dir, by_rel, Look(), name=name, preloaded=first)
                await app.push_screen(screen)
                while screen.shown_at is None:
                    await asyncio.sleep(0.001)
                samples.append((screen.shown_at - started) * 1000)
                cpu.append((screen.cpu_at - cpu_started) * 1000)
                app.pop_screen()
                await app.workers.wait_for_complete()
                await pilot.pause(0.05)

    asyncio.run(measure())
    return statistics.median(samples), statistics.median(cpu)


def floor_ms(times: int = 7) -> tuple[float, float]:
    """Textual's own floor on this machine now: pushing a screen of one line of text, to its first frame."""
    from textual.app import App
    from textual.screen import ModalScreen
    from textual.widgets import Static

    class Plain(ModalScreen):
        shown_at: float | None = None
        cpu_at: float | None = None

        def compose(self):
            yield Static("A screen of one line.")

        def on_mount(self) -> None:
            self.call_after_refresh(self._drawn)

        def _drawn(self) -> None:
            self.shown_at, self.cpu_at = time.perf_counter(), time.process_time()

    samples = []
    cpu = []

    async def measure() -> None:
        app = App()
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(times):
                screen = Plain()
                started, cpu_started = time.perf_counter(), time.process_time()
                await app.push_screen(screen)
                while screen.shown_at is None:
                    await asyncio.sleep(0.001)
                samples.append((screen.shown_at - started) * 1000)
                cpu.append((screen.cpu_at - cpu_started) * 1000)
                app.pop_screen()
                await pilot.pause(0.05)

    asyncio.run(measure())
    return statistics.median(samples), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/briefing-bench-entities"))
    parser.add_argument("--rebuild", action="store_true", help="build the store of names again")
    args = parser.parse_args()
    reason = missing("reuters-dev")
    if reason:
        print(f"skipped: {reason}")
        return
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"\n{size:,} articles")
        entries = archive(size)
        by_rel = {e.rel: e for e in entries}
        index_dir = args.workdir / f"names-{size}"
        build(index_dir, entries, args.rebuild)
        total, mentions, picked = pick(index_dir)
        print(f"  {total:,} entities, {mentions:,} mentions; load average now {os.getloadavg()[0]:.1f}")
        floor_wall, floor_cpu = floor_ms()
        print(f"  baseline, same run: a screen of one line of text opens in {floor_wall:.1f} ms "
              f"({floor_cpu:.1f} ms CPU)")
        print(f"  {'entity':<34} {'articles':>9} {'store: open':>12} {'view: open (CPU)':>19} {'count all':>10} "
              f"{'stories':>9}")
        for label, entity in picked:
            opened, counted, _ = store_queries(index_dir, entity)
            shown, shown_cpu = view_ms(index_dir, by_rel, entity.name)
            stories = stories_ms(index_dir, entity, entries, by_rel)
            results[(size, label)] = (shown, shown_cpu)
            print(f"  {label + ': ' + entity.name[:22]:<34} {entity.articles:>9,} {opened:>9.1f} ms "
                  f"{shown:>7.1f} ({shown_cpu:>5.1f}) ms {counted:>7.1f} ms {stories:>6.0f} ms")
    print(f"\nload average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1 / 5 / 15 min)")
    sizes = sorted({s for s, _ in results})
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for label in ("most named", "median"):
            if (small, label) in results and (large, label) in results:
                (wall_small, cpu_small), (wall_large, cpu_large) = results[(small, label)], results[(large, label)]
                print(f"\nview open, {label}: {wall_large / wall_small:.2f}x wall-clock, "
                      f"{cpu_large / cpu_small:.2f}x CPU from {small:,} to {large:,} articles")
    print("\nTarget: the view opens in under 200 ms at 100,000 articles (medians; on a shared machine the wall "
          "clock counts others' work too: the CPU figure is the view's own).")


if __name__ == "__main__":
    main()
