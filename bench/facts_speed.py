"""Fact finding against an earlier version of it, in one run: the same facts, and the time of each.

Parses every bbc-dev article once (with its key points), then finds its facts
with this tree's ``briefing/facts.py`` and with the one at git revision
``--against``, alternately, ``--repeats`` times. Prints whether any article's
facts differ, and the median CPU time per article of each: facts alone, and
parse with key points and facts.

    .venv/bin/python bench/facts_speed.py --against c944276 [--limit N] [--repeats 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realdata import bbc_articles, missing  # noqa: E402
from bench.realeval import body_sentences  # noqa: E402
from briefing import facts as current  # noqa: E402
from briefing.decode import read_text  # noqa: E402
from briefing.keypoints import key_points  # noqa: E402
from briefing.parse import parse_text  # noqa: E402


def facts_at(revision: str):
    """The facts module as it was at *revision*, loaded beside this tree's."""
    source = subprocess.run(["git", "show", f"{revision}:briefing/facts.py"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    spec = importlib.util.spec_from_loader(f"facts_{revision}", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, f"{revision}:briefing/facts.py", "exec"), module.__dict__)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="git revision of the facts.py to compare with")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if missing("bbc-dev"):
        print(missing("bbc-dev"))
        return 0
    before = facts_at(args.against)
    parsed = []
    for item in bbc_articles(args.limit):
        path = item.path
        text, warnings = read_text(path)
        t0 = time.process_time()
        article = parse_text(text, path, warnings, extras=False)
        sentences = body_sentences(article)
        article.key_points = key_points(article, sentences)
        parsed.append(((time.process_time() - t0) * 1000, sentences))
    differ = sum(before.extract_facts(s) != current.extract_facts(s) for _, s in parsed)
    old: list[float] = []
    new: list[float] = []
    for _ in range(args.repeats):
        for _, sentences in parsed:
            t0 = time.process_time()
            before.extract_facts(sentences)
            t1 = time.process_time()
            current.extract_facts(sentences)
            t2 = time.process_time()
            old.append((t1 - t0) * 1000)
            new.append((t2 - t1) * 1000)
    n = len(parsed)
    whole_old = [p + old[r * n + i] for r in range(args.repeats) for i, (p, _) in enumerate(parsed)]
    whole_new = [p + new[r * n + i] for r in range(args.repeats) for i, (p, _) in enumerate(parsed)]
    print(f"bbc-dev, {n} articles, {args.repeats} runs each, alternating; facts differ on {differ} articles")
    print(f"  median CPU ms per article      {args.against:>12}   this tree   ratio")
    for name, a, b in (("facts", old, new), ("parse, key points and facts", whole_old, whole_new)):
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"  {name:<30} {ma:12.2f} {mb:11.2f} {ma / mb:7.2f}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
