"""Briefing at archive sizes, against what a user would do without it.

    python bench/run.py [--sizes 1000,10000] [--runs 3] [--work DIR]
    make bench                      # the same, 1,000 and 10,000 articles
    make bench BENCH_SIZES=1000,10000,100000

For each size: a deterministic corpus (bench/make_corpus.py), a full index
build and an update of 10 changed files, a fixed mix of 240 queries (words,
AND, phrases, fields, prefixes, fuzzy terms, date ranges) with highlights,
and the reader started headless in a new process (bench/reader_probe.py).
The same queries run against `grep -ril` over the files and against SQLite
FTS5 from the standard library, in the same run; ratios are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_corpus import PLACES, Writer, make_corpus  # noqa: E402

from briefing.search.engine import Engine  # noqa: E402
from briefing.search.index import ContentIndex  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def query_mix(seed: int = 7) -> list[tuple[str, str, str | None]]:
    """(kind, Whoosh query, FTS5 query or None) for 240 queries; grep takes the first word."""
    rng = random.Random(seed)
    writer = Writer(20241130)
    common = writer.words[60:600]
    rare = writer.words[2000:8000]
    mix: list[tuple[str, str, str | None]] = []
    for _ in range(40):
        w = rng.choice(common + PLACES)
        mix.append(("word", w, f'"{w}"'))
    for _ in range(40):
        a, b = rng.choice(common), rng.choice(rare)
        mix.append(("and", f"{a} {b}", f'"{a}" AND "{b}"'))
    for _ in range(40):
        place = rng.choice(PLACES)
        phrase = rng.choice(["in " + place, "at least", "more than", "the " + rng.choice(common)])
        mix.append(("phrase", f'"{phrase}"', f'"{phrase}"'))
    for _ in range(40):
        w = rng.choice(PLACES + common)
        mix.append(("field", f"title:{w}", f'title : "{w}"'))
    for _ in range(30):
        w = rng.choice(common + rare)[:4]
        mix.append(("prefix", f"{w}*", f'"{w}" *'))
    for _ in range(30):
        w = rng.choice(common)
        typo = w[:-1] if len(w) > 4 else w + "e"
        mix.append(("fuzzy", f"{typo}~", None))
    for _ in range(20):
        month = rng.randint(1, 12)
        mix.append(("date", f"date:2024-{month:02}-01..2024-{month:02}-28 {rng.choice(common)}", None))
    return mix


def first_word(query: str) -> str:
    return re.findall(r"[A-Za-z]+", query.split(":")[-1])[0]


def build_fts(folder: Path, db: Path) -> float:
    started = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(path, title, body, tokenize='porter')")
    rows = []
    for path in folder.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        title = re.search(r'^title: "(.*)"$', text, re.M)
        rows.append((str(path), title.group(1) if title else "", text))
    con.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
    con.commit()
    con.close()
    return time.perf_counter() - started


def time_queries(run, queries) -> list[float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        run(q)
        times.append(time.perf_counter() - started)
    return times


def bench_size(size: int, work: Path, runs: int) -> dict[str, object]:
    corpus = work / f"corpus-{size}"
    if not corpus.exists():
        make_corpus(size, corpus)
    out: dict[str, object] = {"size": size}

    builds = []
    for _ in range(runs if size <= 1000 else 1):
        index_dir = work / f"index-{size}"
        shutil.rmtree(index_dir, ignore_errors=True)
        started = time.perf_counter()
        ContentIndex(corpus, index_dir).update()
        builds.append(time.perf_counter() - started)
    out["build_s"] = statistics.median(builds)
    out["build_rate"] = size / out["build_s"]

    changed = sorted(corpus.rglob("*.md"))[:: max(1, size // 10)][:10]
    for path in changed:
        path.write_text(path.read_text(encoding="utf-8") + "\nA late correction was added.\n", encoding="utf-8")
    started = time.perf_counter()
    report = ContentIndex(corpus, index_dir).update()
    out["update10_s"] = time.perf_counter() - started
    assert len(report.updated) == 10, report.summary()

    mix = query_mix()
    engine = Engine(ContentIndex(corpus, index_dir).open())
    for kind, q, _ in mix[:20]:  # warm the searcher's caches, as a running reader has them
        engine.search(q, limit=20)
    ours: dict[str, list[float]] = {}
    for kind, q, _ in mix:
        started = time.perf_counter()
        engine.search(q, limit=20)
        ours.setdefault(kind, []).append(time.perf_counter() - started)
    engine.close()
    out["search"] = {k: (percentile(v, 50) * 1000, percentile(v, 95) * 1000) for k, v in ours.items()}
    everything = [t for v in ours.values() for t in v]
    out["search_all"] = (percentile(everything, 50) * 1000, percentile(everything, 95) * 1000)

    grep_queries = [first_word(q) for kind, q, _ in mix if kind in ("word", "and", "field")][:40]
    grep = time_queries(lambda w: subprocess.run(["grep", "-ril", w, str(corpus)], capture_output=True), grep_queries)
    out["grep_ms"] = (percentile(grep, 50) * 1000, percentile(grep, 95) * 1000)

    db = work / f"fts-{size}.sqlite"
    db.unlink(missing_ok=True)
    out["fts_build_s"] = build_fts(corpus, db)
    con = sqlite3.connect(db)
    fts_queries = [fts for _, _, fts in mix if fts]
    fts = time_queries(
        lambda q: con.execute(
            "SELECT path, snippet(docs, 2, '[', ']', '...', 12) FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20",
            (q,),
        ).fetchall(),
        fts_queries,
    )
    con.close()
    out["fts_ms"] = (percentile(fts, 50) * 1000, percentile(fts, 95) * 1000)

    probes = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(HERE / "reader_probe.py"), str(corpus), str(index_dir)],
            capture_output=True, text=True, env={**os.environ, "BRIEFING_STATE_DIR": str(work / "state")},
        )
        wall = time.perf_counter() - started
        line = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "{}"
        probe = json.loads(line)
        probe["wall_s"] = wall
        probes.append(probe)
    out["reader"] = {key: statistics.median(p[key] for p in probes) for key in probes[0]}
    return out


def report(results: list[dict[str, object]]) -> None:
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    for r in results:
        size = r["size"]
        print(f"\n== {size:,} articles ==")
        print(f"full build           {r['build_s']:8.1f} s   {r['build_rate']:6.0f} articles/s"
              f"   (SQLite FTS5: {r['fts_build_s']:.1f} s, {r['build_s'] / r['fts_build_s']:.1f}x faster)")
        print(f"update of 10 files   {r['update10_s']:8.2f} s")
        print("search, ms           p50      p95")
        for kind, (p50, p95) in r["search"].items():
            print(f"  {kind:<16} {p50:8.1f} {p95:8.1f}")
        p50, p95 = r["search_all"]
        g50, g95 = r["grep_ms"]
        f50, f95 = r["fts_ms"]
        print(f"  {'all':<16} {p50:8.1f} {p95:8.1f}")
        print(f"  grep -ril        {g50:8.1f} {g95:8.1f}   Briefing is {g50 / p50:.1f}x faster at the median")
        print(f"  SQLite FTS5      {f50:8.1f} {f95:8.1f}   FTS5 is {p50 / f50:.1f}x faster at the median")
        reader = r["reader"]
        print(f"reader: first screen {reader['startup_s']:.2f} s from process start ({reader['wall_s']:.2f} s wall"
              f" incl. exit), peak RSS {reader['rss_mb']:.0f} MB")
        print(f"  CPU per key beyond an unbound key's: move {reader['move_ms']:.1f} ms, open {reader['open_ms']:.1f} ms"
              f" (wall through Pilot: {reader['move_wall_ms']:.0f} and {reader['open_wall_ms']:.0f} ms,"
              f" of which Pilot's idle wait {reader['idle_wait_ms']:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "briefing-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"benchmarking {size:,} articles in {args.work} ...", file=sys.stderr, flush=True)
        results.append(bench_size(size, args.work, args.runs))
    report(results)


if __name__ == "__main__":
    main()
