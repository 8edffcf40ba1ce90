"""Parse, key points and facts against an earlier version of them, in one run: the same output, and the time of each.

The pipeline of this tree and the one at git revision ``--against`` (its
``briefing`` package, exported with ``git archive`` to a temporary folder)
each run in a process of their own. Every bbc-dev article is parsed by one
and then the other, the order swapped from one article to the next, so that
both see the same load on a shared machine; each pass (``--repeats``) starts
a fresh pair of processes, so that a cache is as warm as one reading of the
set leaves it, not warmer. CPU time is measured in the process that does the
work, for each phase: parsing (lines, furniture, headline, paragraphs), key
points (sentences, their words, the picks) and facts. Prints the median per
article of each phase and of the whole, the load average, and whether any
article's output (``briefing parse --json``) differs; exits 1 when one does.

    .venv/bin/python bench/parse_speed.py --against main [--limit N] [--repeats 3] [--realcopy]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("parse", "key points", "facts")


# --- the worker: one tree's pipeline, timed in its own process ---------------------------------


def worker(tree: str, listing: str) -> int:
    """Parse the files named in *listing* as asked on stdin (one index a line); answer with the
    CPU milliseconds of each phase and a digest of the output, one JSON list a line."""
    sys.path.insert(0, tree)
    from briefing.decode import read_text
    from briefing.facts import extract_facts
    from briefing.keypoints import body_sentences, key_points
    from briefing.parse import parse_text

    import briefing

    if not briefing.__file__.startswith(tree):
        print(f"briefing loaded from {briefing.__file__}, not from {tree}", file=sys.stderr)
        return 2
    paths = [Path(line) for line in Path(listing).read_text(encoding="utf-8").splitlines()]
    texts = [read_text(path) for path in paths]
    clock = time.process_time
    # Once before timing, so that no import or first compilation is charged to an article.
    parse_text("Warm-up\n\nIt began on Monday, officials in Paris said. About 20 people came.", Path("w.txt"))
    for line in sys.stdin:
        n = int(line)
        (text, warnings), path = texts[n], paths[n]
        t0 = clock()
        article = parse_text(text, path, warnings, extras=False)
        t1 = clock()
        sentences = body_sentences(article)
        article.key_points = key_points(article, sentences)
        t2 = clock()
        article.facts = extract_facts(sentences)
        t3 = clock()
        digest = hashlib.sha256(json.dumps(article.to_json(), sort_keys=True).encode()).hexdigest()
        print(json.dumps([(t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000, digest]), flush=True)
    return 0


class Worker:
    def __init__(self, tree: Path, listing: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(tree), str(listing)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir(),
        )

    def run(self, n: int) -> tuple[list[float], str]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{n}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the worker stopped (exit {self.process.wait()})")
        *times, digest = json.loads(line)
        return times, digest

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait()


# --- the comparison ----------------------------------------------------------------------------


def export(revision: str, into: Path) -> Path:
    """The ``briefing`` package as it was at *revision*, written under *into*."""
    archive = subprocess.run(["git", "archive", revision, "briefing"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def files(limit: int | None, realcopy: bool, scratch: Path) -> list[tuple[str, Path]]:
    """(set, path) of every file to time: bbc-dev's articles, and with *realcopy* the real-copy set."""
    from bench.realdata import bbc_articles

    out = [("bbc-dev", item.path) for item in bbc_articles(limit)]
    if realcopy:
        from bench.realcopy import build

        built, changed = build(scratch / "realcopy")
        for problem in changed:
            print(f"real-copy set: {problem}", file=sys.stderr)
        out += [("real copy", item.path) for item in built]
    return out


def compare(trees: dict[str, Path], paths: list[Path], repeats: int, scratch: Path):
    """Per tree, the phase times of every run of every file; and the files whose output differs."""
    listing = scratch / "files.txt"
    listing.write_text("".join(f"{path}\n" for path in paths), encoding="utf-8")
    times: dict[str, list[list[float]]] = {name: [[] for _ in paths] for name in trees}
    differ: set[int] = set()
    for _ in range(repeats):
        workers = {name: Worker(tree, listing) for name, tree in trees.items()}
        names = list(workers)
        for n in range(len(paths)):
            digests = set()
            for name in names if n % 2 == 0 else reversed(names):
                phases, digest = workers[name].run(n)
                times[name][n].append(phases)
                digests.add(digest)
            if len(digests) > 1:
                differ.add(n)
        for w in workers.values():
            w.close()
    return times, differ


def median_ms(runs: list[list[list[float]]], indices: list[int], phase: int | None) -> float:
    """The median over the runs of the files *indices*, of one phase (or the whole when None)."""
    values = [sum(p) if phase is None else p[phase] for n in indices for p in runs[n]]
    return statistics.median(values)


def report(sets: list[str], times, differ: set[int], against: str, repeats: int, load: tuple[float, float]) -> None:
    old, new = times[against], times["this tree"]
    for name in dict.fromkeys(sets):
        indices = [n for n, s in enumerate(sets) if s == name]
        changed = len(differ & set(indices))
        print(f"{name}: {len(indices)} files, {repeats} runs each, alternating; output differs on {changed}")
        print(f"  median CPU ms per article   {against:>12}   this tree   ratio")
        for label, phase in [*((p, i) for i, p in enumerate(PHASES)), ("parse, key points, facts", None)]:
            a, b = median_ms(old, indices, phase), median_ms(new, indices, phase)
            print(f"  {label:<26} {a:12.2f} {b:11.2f} {a / b if b else float('nan'):7.2f}")
    print(f"load average {load[0]:.2f} at the start, {load[1]:.2f} at the end (1 min; {os.cpu_count()} CPUs)")


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        return worker(sys.argv[2], sys.argv[3])
    sys.path.insert(0, str(ROOT))
    from bench.realdata import missing

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="git revision to compare with (main, a commit)")
    parser.add_argument("--limit", type=int, help="only the first N bbc-dev articles")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--realcopy", action="store_true", help="also the real-copy set (bench/realcopy.py)")
    args = parser.parse_args()
    if missing("bbc-dev"):
        print(missing("bbc-dev"))
        return 0
    known = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{args.against}^{{commit}}"], cwd=ROOT,
                           capture_output=True)
    if known.returncode != 0:
        print(f"parse_speed: {args.against!r} is not a revision of this repository", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="parse-speed-") as tmp:
        scratch = Path(tmp)
        (scratch / "before").mkdir()
        trees = {args.against: export(args.against, scratch / "before"), "this tree": ROOT}
        chosen = files(args.limit, args.realcopy, scratch)
        start_load = os.getloadavg()[0]
        times, differ = compare(trees, [path for _, path in chosen], args.repeats, scratch)
        report([s for s, _ in chosen], times, differ, args.against, args.repeats, (start_load, os.getloadavg()[0]))
    for n in sorted(differ)[:10]:
        print(f"  output differs: {chosen[n][1]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
