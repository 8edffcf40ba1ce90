"""Briefing at archive sizes, against what a user would do without it.

    python bench/run.py [--sizes 1000,10000] [--corpora generated,reuters] [--runs 3] [--work DIR]
    make bench                      # the same, 1,000 and 10,000 articles
    make bench BENCH_SIZES=100000

For each corpus and size: the corpus (bench/make_corpus.py: generated text,
and real Reuters wire stories repeated with other dates and sources when
../shared/data/reuters-dev is there), a full index build and an update of 10
changed files, the story sizes, a fixed mix of 240 queries (words, AND,
phrases, fields, prefixes, fuzzy terms, date ranges) timed as the reader runs
them (the best 1,000 hits, snippets for the first screen), queries no one
should type (time and memory), and the reader started headless in a new
process (bench/reader_probe.py). The same queries run against `grep -ril`
over the files and against SQLite FTS5 from the standard library, in the same
run; ratios are printed. The machine's load is printed too: on a shared
machine absolute times vary, ratios from one run much less.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import queries as Q  # noqa: E402
from make_corpus import make_corpus, make_reuters_corpus, reuters_dir  # noqa: E402

from briefing.search.engine import Engine, QueryError  # noqa: E402
from briefing.search.index import ContentIndex  # noqa: E402
from briefing.stories.story import stories_of  # noqa: E402


# Rows of the list on a 45-line terminal: the snippets a search makes before any scrolling.
SCREEN_ROWS = 20


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def p50_95(values: list[float]) -> tuple[float, float]:
    return percentile(values, 50) * 1000, percentile(values, 95) * 1000


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """The most memory this process held while the block ran, above what it held before."""

    def __enter__(self):
        self.before = self.peak = rss_mb()
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.005)

    def __exit__(self, *_):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_mb())

    @property
    def extra(self) -> float:
        return self.peak - self.before


def make(corpus_kind: str, size: int, work: Path) -> tuple[Path, float] | None:
    folder = work / f"{corpus_kind}-{size}"
    if (folder / ".complete").exists():
        return folder, 0.0
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    if corpus_kind == "reuters":
        make_reuters_corpus(size, folder)
    else:
        make_corpus(size, folder)
    (folder / ".complete").write_text("")
    return folder, time.perf_counter() - started


def story_sizes(index: ContentIndex) -> dict[str, object]:
    snapshot = index.snapshot()
    sizes = [len(s.entries) for s in stories_of(snapshot.entries)] if snapshot else []
    bins = Counter()
    for n in sizes:
        bins["1" if n == 1 else "2-5" if n <= 5 else "6-20" if n <= 20 else "21-100" if n <= 100
             else "101-1000" if n <= 1000 else ">1000"] += 1
    return {"stories": len(sizes), "largest": sorted(sizes, reverse=True)[:5], "bins": dict(bins),
            "in_stories": sum(n for n in sizes if n > 1)}


def bench_size(kind: str, size: int, work: Path, runs: int) -> dict[str, object]:
    corpus, made_in = make(kind, size, work)
    out: dict[str, object] = {"corpus": kind, "size": size, "corpus_s": made_in}
    index_dir = work / f"index-{kind}-{size}"
    shutil.rmtree(index_dir, ignore_errors=True)
    index = ContentIndex(corpus, index_dir)
    cpu, started = cpu_seconds(), time.perf_counter()
    index.update()
    out["build_s"] = time.perf_counter() - started
    out["build_cpu_s"] = cpu_seconds() - cpu
    out["build_rate"] = size / out["build_s"]
    out["index_mb"] = sum(p.stat().st_size for p in index_dir.iterdir() if p.is_file()) / 2**20
    out["stories"] = story_sizes(index)

    changed = sorted(corpus.rglob("*.md"))[:: max(1, size // 10)][:10]
    for path in changed:
        path.write_text(path.read_text(encoding="utf-8") + "\nA late correction was added.\n", encoding="utf-8")
    started = time.perf_counter()
    report = index.update()
    out["update10_s"] = time.perf_counter() - started
    assert len(report.updated) == 10, report.summary()

    words = Q.generated_words() if kind == "generated" else Q.corpus_words(corpus)
    mix = Q.query_mix(*words)
    engine = Engine.open(index)
    for _, q, _ in mix[:20]:  # warm the searcher's caches, as a running reader has them
        engine.search(q, limit=None)
    ours: dict[str, list[float]] = {}
    bare: list[float] = []
    partial = 0
    with PeakRss() as memory:
        for kind_of, q, _ in mix:
            started = time.perf_counter()
            # As the reader asks: the best 1,000 hits, then the snippets of the rows a screen shows.
            results = engine.search(q, limit=None, snippets=0)
            engine.snippets(results, results.hits[:SCREEN_ROWS])
            ours.setdefault(kind_of, []).append(time.perf_counter() - started)
            partial += results.partial
            started = time.perf_counter()
            engine.search(q, limit=20, snippets=0)
            bare.append(time.perf_counter() - started)
    out["search"] = {k: p50_95(v) for k, v in ours.items()}
    everything = [t for v in ours.values() for t in v]
    out["search_all"] = p50_95(everything)
    out["search_max_ms"] = max(everything) * 1000
    out["search_bare"] = p50_95(bare)
    out["search_partial"] = partial
    out["search_extra_mb"] = memory.extra

    hostile = []
    for q in Q.HOSTILE:
        with PeakRss() as memory:
            started = time.perf_counter()
            try:
                results = engine.search(q, limit=None)
                outcome = f"{len(results.hits)} hits" + (", partial" if results.partial else "") + \
                          (f" ({'; '.join(results.query.notes)})" if results.query.notes else "")
            except QueryError as exc:
                outcome = f"refused: {exc}"
            took = time.perf_counter() - started
        hostile.append((q[:48], took * 1000, memory.extra, outcome[:90]))
    out["hostile"] = hostile
    engine.close()

    grep_words = [Q.first_word(q) for k, q, _ in mix if k in ("word", "and", "field")][:40]
    out["grep_ms"] = p50_95(Q.grep_times(corpus, grep_words))
    db = work / f"fts-{kind}-{size}.sqlite"
    out["fts_build_s"] = Q.build_fts(corpus, db)
    out["fts_ms"] = p50_95(Q.fts_times(db, [fts for _, _, fts in mix if fts]))
    db.unlink(missing_ok=True)

    probes = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(HERE / "reader_probe.py"), str(corpus), str(index_dir)],
            capture_output=True, text=True, env={**os.environ, "BRIEFING_STATE_DIR": str(work / "state")},
        )
        wall = time.perf_counter() - started
        lines = result.stdout.strip().splitlines()
        if result.returncode != 0 or not lines:
            print(f"reader probe failed: {result.stderr.strip()[-500:]}", file=sys.stderr)
            continue
        probe = json.loads(lines[-1])
        probe["wall_s"] = wall
        probes.append(probe)
    out["reader"] = {key: statistics.median(p[key] for p in probes) for key in probes[0]} if probes else None
    return out


def report(results: list[dict[str, object]], load: tuple[float, float]) -> None:
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; load average {load[0]:.1f} at the start, {load[1]:.1f} at the end")
    for r in results:
        size = r["size"]
        print(f"\n== {size:,} articles, {r['corpus']} ==")
        if r["corpus_s"]:
            print(f"corpus written in     {r['corpus_s']:8.1f} s")
        print(f"full build           {r['build_s']:8.1f} s   {r['build_rate']:6.0f} articles/s  "
              f"({r['build_cpu_s']:.0f} s CPU; SQLite FTS5: {r['fts_build_s']:.1f} s, "
              f"{r['build_s'] / r['fts_build_s']:.1f}x faster); index {r['index_mb']:.0f} MB")
        print(f"update of 10 files   {r['update10_s']:8.2f} s")
        st = r["stories"]
        print(f"stories: {st['stories']:,}, largest {st['largest']}, by size {st['bins']}, "
              f"{st['in_stories']:,} articles in stories of 2 or more")
        print("search, ms           p50      p95   (the best 1,000 hits and a screen of snippets)")
        for kind, (p50, p95) in r["search"].items():
            print(f"  {kind:<16} {p50:8.1f} {p95:8.1f}")
        p50, p95 = r["search_all"]
        g50, g95 = r["grep_ms"]
        f50, f95 = r["fts_ms"]
        b50, b95 = r["search_bare"]
        print(f"  {'all':<16} {p50:8.1f} {p95:8.1f}   slowest {r['search_max_ms']:.0f} ms, "
              f"{r['search_partial']} partial, {r['search_extra_mb']:.0f} MB extra at most")
        print(f"  {'top 20, no snip':<16} {b50:8.1f} {b95:8.1f}")
        print(f"  grep -ril        {g50:8.1f} {g95:8.1f}   Briefing is {g50 / p50:.1f}x faster at the median")
        print(f"  SQLite FTS5      {f50:8.1f} {f95:8.1f}   FTS5 is {p50 / f50:.1f}x faster at the median")
        print("queries no one should type:     ms   MB extra")
        for q, took, extra, outcome in r["hostile"]:
            print(f"  {q:<48} {took:6.0f} {extra:6.0f}  {outcome}")
        reader = r["reader"]
        if reader is None:
            print("reader: the probe failed (see above)")
            continue
        print(f"reader: first screen {reader['startup_s']:.2f} s from process start ({reader['wall_s']:.2f} s wall"
              f" incl. exit), peak RSS {reader['rss_mb']:.0f} MB")
        print(f"  CPU per key beyond an unbound key's: move {reader['move_ms']:.1f} ms, open {reader['open_ms']:.1f} ms"
              f" (wall through Pilot: {reader['move_wall_ms']:.0f} and {reader['open_wall_ms']:.0f} ms,"
              f" of which Pilot's idle wait {reader['idle_wait_ms']:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--corpora", default="generated,reuters")
    parser.add_argument("--runs", type=int, default=3, help="reader probes per size (one at 100,000 and more)")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "briefing-bench")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    corpora = args.corpora.split(",")
    if "reuters" in corpora and reuters_dir() is None:
        print("The Reuters stories are not on this machine (../shared/data/reuters-dev, or set BRIEFING_DATA): "
              "only the generated corpus is measured.", file=sys.stderr)
        corpora.remove("reuters")
    load = os.getloadavg()[0]
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        for kind in corpora:
            print(f"benchmarking {size:,} articles ({kind}) in {args.work} ...", file=sys.stderr, flush=True)
            results.append(bench_size(kind, size, args.work, args.runs if size < 100_000 else 1))
            # Each corpus's figures as soon as they are measured: a run of an hour that is stopped keeps them.
            report(results[-1:], (load, os.getloadavg()[0]))
            sys.stdout.flush()
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
