"""The team archive on PostgreSQL at archive sizes, beside the embedded index on the same corpus and queries.

    python bench/archive.py [--size 100000] [--work DIR] [--skip-embedded]

For one size: the deterministic corpus of bench/make_corpus.py; a local
PostgreSQL cluster (bench settings: durable, fsync on) with the schema; a
full ingest (``briefing index --archive``'s code path: read, hash, parse in
worker processes, COPY, stories placed) with its rate; the database's own
write rate for rows already parsed, from one and from two writers at once
(what many ingesting machines could send it); an incremental ingest of 10
changed files; the list read whole (a reader's first screen) and by
revision; the benchmark's 240 queries (words, AND, phrases, fields,
prefixes, fuzzy words, dates) p50/p95 by kind with snippets; and the time a
mark takes to show in a second reader (notification, then the reader's
read of that article). The embedded index is built on the same corpus and
runs the same queries in the same run. Figures are printed as a table and
as one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_corpus import make_corpus  # noqa: E402


def query_mix() -> list[tuple[str, str]]:
    """The benchmark's own 240 queries, (kind, query), whichever version of it this checkout has."""
    try:
        from queries import generated_words
        from queries import query_mix as mix_of

        return [(kind, q) for kind, q, _ in mix_of(*generated_words())]
    except ImportError:
        from run import query_mix as old_mix

        return [(kind, q) for kind, q, _ in old_mix()]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def p50_p95(values: list[float]) -> tuple[float, float]:
    return percentile(values, 50) * 1000, percentile(values, 95) * 1000


def time_queries(search, mix) -> dict[str, list[float]]:
    from briefing.search.query import QueryError

    for _, q in mix[:20]:  # warm caches, as a running reader has them
        try:
            search(q)
        except QueryError:
            pass
    times: dict[str, list[float]] = {}
    for kind, q in mix:
        started = time.perf_counter()
        try:
            search(q)
        except QueryError:
            pass
        times.setdefault(kind, []).append(time.perf_counter() - started)
    return times


def pg_cpu_seconds(cluster) -> float:
    """CPU seconds of the cluster's server processes so far: the postmaster, its live children, those it reaped."""
    tick = os.sysconf("SC_CLK_TCK")
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(name) == postmaster:
            total += sum(int(f) for f in fields[11:15]) / tick
        elif int(fields[1]) == postmaster:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def cpu_now(cluster) -> dict[str, float]:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": time.perf_counter(), "main": own.ru_utime + own.ru_stime,
            "workers": children.ru_utime + children.ru_stime, "postgres": pg_cpu_seconds(cluster)}


def setup_archive(cluster):
    from briefing.archive.connection import Archive
    from briefing.archive.migrations import migrate

    cluster.sql("CREATE ROLE briefing_analyst NOLOGIN; CREATE ROLE briefing_ingest NOLOGIN")
    cluster.create_role("owner", createrole=True)
    for role in ("ana", "ben"):
        cluster.create_role(role, member_of=("briefing_analyst", "briefing_ingest"))
    cluster.sql("CREATE DATABASE briefing OWNER owner")
    cluster.sql("CREATE DATABASE scratch OWNER owner")
    os.environ.update(cluster.env())
    for database in ("briefing", "scratch"):
        con = Archive(cluster.url("owner", database)).connect()
        migrate(con)
        con.close()


def write_rate(cluster, corpus: Path, rows_wanted: int = 4000) -> dict[str, float]:
    """Rows already parsed, written by one writer, then by two at once: what the database absorbs."""
    from briefing.archive.connection import Archive
    from briefing.archive.ingest import BATCH, row_of, write_batch

    files = sorted(corpus.rglob("*.md"))[:rows_wanted]
    rows = []
    for n, path in enumerate(files):
        data = path.read_bytes()
        rows.append(row_of(data, path, f"w/{n}.md", hashlib.sha256(data + b"w").hexdigest(),
                          dt.datetime.now(dt.timezone.utc)))

    def write(part: list[tuple], tag: str) -> None:
        archive = Archive(cluster.url("ana", "scratch"), statement_timeout_ms=0)
        con = archive.connect(options="-c statement_timeout=0 -c search_path=briefing,public")
        for start in range(0, len(part), BATCH):
            batch = [(f"{tag}/{r[0]}", hashlib.sha256((tag + r[1]).encode()).hexdigest(), *r[2:])
                     for r in part[start:start + BATCH]]
            with con.transaction():
                write_batch(con, batch)
        con.close()

    started = time.perf_counter()
    write(rows, "one")
    one = len(rows) / (time.perf_counter() - started)
    half = len(rows) // 2
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda args: write(*args), [(rows[:half], "two-a"), (rows[half:], "two-b")]))
    two = len(rows) / (time.perf_counter() - started)
    return {"one_writer": one, "two_writers": two, "rows": len(rows)}


def mark_latency(cluster, runs: int = 40) -> list[float]:
    """From ana's change to ben's reader holding it: the notification heard, then the article's marks read."""
    from briefing.archive.connection import Archive
    from briefing.archive.library import ArchiveList
    from briefing.archive.live import Listener
    from briefing.archive.marks import ArchiveMarks

    ana_archive, ben_archive = Archive(cluster.url("ana", "briefing")), Archive(cluster.url("ben", "briefing"))
    ana, ben = ArchiveMarks(ana_archive), ArchiveMarks(ben_archive)
    entries = ArchiveList(ben_archive).snapshot().entries[:runs]
    by_rel = {e.rel: e for e in entries}
    seen: dict[str, float] = {}
    up = threading.Event()

    def heard(paths: set[str]) -> None:
        for path in paths:
            if path in by_rel and path not in seen:
                state = ben.load_one(by_rel[path])  # what the reader does with a notification
                if state is not None and any(m.analyst == "ana" for m in state.team):
                    seen[path] = time.perf_counter()

    listener = Listener(ben_archive, marks=heard, articles=lambda: None, status=lambda ok, _: ok and up.set())
    listener.start()
    up.wait(10)
    time.sleep(0.3)
    latencies = []
    for entry in entries:
        started = time.perf_counter()
        ana.set_flag(entry, "flagged", True)
        deadline = started + 10
        while entry.rel not in seen and time.perf_counter() < deadline:
            time.sleep(0.002)
        latencies.append(seen.get(entry.rel, deadline) - started)
        time.sleep(0.05)
    listener.stop()
    ana_archive.close()
    ben_archive.close()
    return latencies


def bench(size: int, work: Path, skip_embedded: bool, embedded_first: bool = False) -> dict[str, object]:
    out: dict[str, object] = {"size": size}
    corpus = work / f"corpus-{size}"
    if not corpus.exists():
        started = time.perf_counter()
        make_corpus(size, corpus)
        print(f"corpus of {size} written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    mix = query_mix()
    parts = [] if skip_embedded else [embedded_part]
    parts = [*parts, archive_part] if embedded_first else [archive_part, *parts]
    for part in parts:
        part(out, size, work, corpus, mix)
        # Each part's figures as soon as they are there: the 100,000 runs take long on a busy machine.
        print(f"{part.__name__}: {json.dumps(out, default=str)}", file=sys.stderr, flush=True)
    return out


def archive_part(out: dict[str, object], size: int, work: Path, corpus: Path, mix) -> None:
    from briefing.archive import throwaway
    from briefing.archive.connection import Archive
    from briefing.archive.ingest import ArchiveIngest
    from briefing.archive.library import ArchiveList
    from briefing.archive.search import ArchiveEngine

    out["load_before"] = os.getloadavg()
    cluster = throwaway.start(KEEP, durable=True)
    try:
        setup_archive(cluster)
        archive = Archive(cluster.url("ana", "briefing"))
        last = [0.0]

        def progress(done: int, total: int, committed: bool) -> None:
            if committed and time.perf_counter() - last[0] > 30:
                last[0] = time.perf_counter()
                print(f"  ingest {done}/{total}", file=sys.stderr, flush=True)

        from briefing.archive import placement

        # Where an ingest's time goes: CPU of this process, its parse workers and the
        # server, before story placement and during it (ms an article).
        place, marks = placement.place_unplaced, {}

        def timed_place(con) -> int:
            marks["placing"] = cpu_now(cluster)
            return place(con)

        placement.place_unplaced = timed_place
        begun = cpu_now(cluster)
        try:
            report = ArchiveIngest(archive, corpus).update(progress=progress)
        finally:
            placement.place_unplaced = place
        time.sleep(0.5)  # the ingest's server process has gone: its time is counted once reaped
        ended = cpu_now(cluster)
        out["ingest_s"] = ended["wall"] - begun["wall"]
        out["ingest_rate"] = size / out["ingest_s"]
        placing = marks.get("placing", ended)
        out["ingest_cpu_ms"] = {
            "parse_write": {k: (placing[k] - begun[k]) * 1000 / size for k in begun},
            "placement": {k: (ended[k] - placing[k]) * 1000 / size for k in begun},
        }
        out["stories"] = int(cluster.sql("SELECT count(DISTINCT story) FROM briefing.listing", "briefing"))
        out["largest_story"] = int(cluster.sql(
            "SELECT max(n) FROM (SELECT count(*) n FROM briefing.listing GROUP BY story) x", "briefing"))
        assert len(report.added) == size, report.summary()
        print(f"  ingest: {out['ingest_rate']:.0f} articles/s", file=sys.stderr)
        out["db_write"] = write_rate(cluster, corpus)
        out["archive_size"] = cluster.sql("SELECT pg_size_pretty(pg_database_size('briefing'))")

        changed = sorted(corpus.rglob("*.md"))[:: max(1, size // 10)][:10]
        for path in changed:
            path.write_text(path.read_text(encoding="utf-8") + "\nA late correction was added.\n", encoding="utf-8")
        started = time.perf_counter()
        report = ArchiveIngest(archive, corpus).update()
        out["update10_s"] = time.perf_counter() - started
        assert len(report.updated) == 10, report.summary()

        listing = ArchiveList(archive)
        started = time.perf_counter()
        snapshot = listing.snapshot()
        out["list_s"] = time.perf_counter() - started
        started = time.perf_counter()
        listing.snapshot()
        out["list_again_s"] = time.perf_counter() - started
        assert len(snapshot.entries) == size

        engine = ArchiveEngine(archive)
        ours = time_queries(lambda q: engine.search(q, limit=20), mix)
        out["archive_search"] = {k: p50_p95(v) for k, v in ours.items()}
        out["archive_search_all"] = p50_p95([t for v in ours.values() for t in v])
        print(f"  archive search p50/p95: {out['archive_search_all']}", file=sys.stderr)
        listed, snipped = reader_queries(engine, mix)
        out["archive_listed"] = {k: p50_p95(v) for k, v in listed.items()}
        out["archive_snippets"] = {k: p50_p95(v) for k, v in snipped.items()}
        out["mark_latency"] = p50_p95(mark_latency(cluster))
        out["load_after"] = os.getloadavg()
        archive.close()
    finally:
        if KEEP is None:
            cluster.remove()
        else:
            print(f"  the archive is left running: python -m briefing.archive.throwaway --stop {KEEP}"
                  f" (port {cluster.port}, PGPASSFILE={cluster.pgpass})", file=sys.stderr)


def reader_queries(engine, mix, shown: int = 20) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Each query as the reader runs it: the whole list (up to 1,000 hits, no snippets), then the snippets
    of the rows in view, each timed."""
    from briefing.search.query import QueryError

    listed: dict[str, list[float]] = {}
    snipped: dict[str, list[float]] = {}
    for kind, q in mix:
        started = time.perf_counter()
        try:
            results = engine.search_as_typed(q, limit=None, snippets=0)
        except QueryError:
            results = None
        listed.setdefault(kind, []).append(time.perf_counter() - started)
        if results is not None and results.hits:
            started = time.perf_counter()
            engine.snippets(results, results.hits[:shown])
            snipped.setdefault(kind, []).append(time.perf_counter() - started)
    return listed, snipped


def embedded_part(out: dict[str, object], size: int, work: Path, corpus: Path, mix) -> None:
    """The embedded index (Whoosh and its catalogue) built on the same corpus, the same queries run."""
    from briefing.search.engine import Engine
    from briefing.search.index import ContentIndex

    index_dir = work / f"embedded-index-{size}"
    shutil.rmtree(index_dir, ignore_errors=True)
    print("  embedded index: building", file=sys.stderr, flush=True)
    started = time.perf_counter()
    ContentIndex(corpus, index_dir).update()
    out["embedded_build_s"] = time.perf_counter() - started
    out["embedded_build_rate"] = size / out["embedded_build_s"]
    engine = Engine.open(ContentIndex(corpus, index_dir))
    theirs = time_queries(lambda q: engine.search(q, limit=20), mix)
    engine.close()
    out["embedded_search"] = {k: p50_p95(v) for k, v in theirs.items()}
    out["embedded_search_all"] = p50_p95([t for v in theirs.values() for t in v])


# Where to leave the archive's cluster running after the bench (--keep-archive), for queries of one's own.
KEEP: Path | None = None
TARGETS = {"word": 100, "and": 100, "field": 100, "phrase": 300, "prefix": 300, "fuzzy": 300}


def report(out: dict[str, object]) -> None:
    print(f"\nTeam archive at {out['size']:,} articles ({platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; shared machine: compare ratios)")
    print(f"load average (1, 5, 15 min) before {out['load_before']}, after {out.get('load_after')}")
    print(f"ingest (read, hash, parse, write, stories): {out['ingest_s']:.0f} s, {out['ingest_rate']:.0f} articles/s"
          f" (target 1,000/s)")
    for phase, cpu in out["ingest_cpu_ms"].items():
        print(f"  {phase}: wall {cpu['wall']:.2f} ms an article; CPU {cpu['main']:.2f} ingest process, "
              f"{cpu['workers']:.2f} parse workers, {cpu['postgres']:.2f} PostgreSQL")
    db = out["db_write"]
    print(f"database writes of parsed rows: {db['one_writer']:.0f} rows/s one writer, "
          f"{db['two_writers']:.0f} rows/s two writers ({db['rows']} rows)")
    print(f"update of 10 changed files: {out['update10_s']:.2f} s; stories: {out['stories']} "
          f"(largest {out['largest_story']}); database size {out['archive_size']}")
    print(f"list read whole: {out['list_s']:.2f} s; again (by revision): {out['list_again_s'] * 1000:.0f} ms")
    print(f"a mark in a second reader: p50 {out['mark_latency'][0]:.0f} ms, p95 {out['mark_latency'][1]:.0f} ms "
          f"(target 2,000 ms)")
    print(f"\n{'search, p50 / p95 ms':24} {'archive':>16} {'embedded':>16} {'target p95':>11}")
    embedded = out.get("embedded_search", {})
    for kind, (p50, p95) in out["archive_search"].items():
        theirs = embedded.get(kind)
        shown = f"{theirs[0]:.0f} / {theirs[1]:.0f}" if theirs else "-"
        target = TARGETS.get(kind)
        mark = "" if target is None else (" met" if p95 < target else f" missed by {p95 - target:.0f}")
        print(f"{kind:24} {p50:7.0f} / {p95:6.0f} {shown:>16} {target or '':>6}{mark}")
    print(f"\n{'as the reader asks, p50 / p95 ms':34} {'list (no snippets)':>20} {'20 snippets':>14}")
    for kind, (p50, p95) in out["archive_listed"].items():
        snip = out["archive_snippets"].get(kind)
        print(f"{kind:34} {p50:10.0f} / {p95:6.0f} {(f'{snip[0]:.0f} / {snip[1]:.0f}' if snip else '-'):>14}")
    all_theirs = out.get("embedded_search_all")
    print(f"{'all':24} {out['archive_search_all'][0]:7.0f} / {out['archive_search_all'][1]:6.0f} "
          f"{(f'{all_theirs[0]:.0f} / {all_theirs[1]:.0f}' if all_theirs else '-'):>16}")
    if "embedded_build_s" in out:
        print(f"embedded index build: {out['embedded_build_s']:.0f} s, {out['embedded_build_rate']:.0f} articles/s "
              f"(the archive's ingest is {out['ingest_rate'] / out['embedded_build_rate']:.2f}x its rate)")
    print(json.dumps(out, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/briefing-bench"))
    parser.add_argument("--skip-embedded", action="store_true", help="time the archive only")
    parser.add_argument("--embedded-first", action="store_true", help="build and query the embedded index first")
    parser.add_argument("--keep-archive", type=Path, metavar="DIR",
                        help="start the archive's PostgreSQL in DIR and leave it running (stop it with "
                             "python -m briefing.archive.throwaway --stop DIR)")
    args = parser.parse_args()
    global KEEP
    KEEP = args.keep_archive
    args.work.mkdir(parents=True, exist_ok=True)
    report(bench(args.size, args.work, args.skip_embedded, args.embedded_first))


if __name__ == "__main__":
    main()
