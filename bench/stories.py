"""Story grouping against the labelled set: pairwise precision and recall.

The set is tests/data/stories (six stories written for it, with look-alikes:
two floods, two Syria stories) plus the sample content, which is one story.
Prints precision, recall and F1 of the pairs of articles put in one story,
beside the baseline of every article alone, then the same figures for a
sweep of join thresholds; --verbose lists each wrong pair.

    .venv/bin/python bench/stories.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from briefing.stories import grouping  # noqa: E402
from bench.story_evaluation import SAMPLE_STORY, evaluate, pair_scores  # noqa: E402

STORIES = ROOT / "tests" / "data" / "stories"
SAMPLE = ROOT / "content"


def alone_baseline():
    """Every article alone: the grouping a reader without stories has (recall 0)."""
    labels = yaml.safe_load((STORIES / "labels.yaml").read_text())
    labels.update({p.name: SAMPLE_STORY for p in SAMPLE.iterdir() if p.is_file()})
    return pair_scores({rel: n for n, rel in enumerate(sorted(labels))}, labels)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every wrong pair")
    args = parser.parse_args()
    scores = evaluate(STORIES, SAMPLE)
    alone = alone_baseline()
    print(f"Stories on the labelled set: {scores.stories_labelled} stories labelled, {scores.stories_found} found")
    print()
    print("pairs in one story   precision  recall     F1")
    print(f"  grouping              {scores.precision:6.1%}  {scores.recall:6.1%}  {scores.f1:6.1%}")
    print(f"  each article alone    {alone.precision:6.1%}  {alone.recall:6.1%}  {alone.f1:6.1%}")
    sample_split = [w for w in scores.wrong if w[0][:3].isdigit() and w[1][:3].isdigit()]
    print()
    print(f"sample content: {'one story' if not sample_split else 'split'} "
          f"({len(sample_split)} of its pairs apart)")
    if args.verbose:
        for a, b, how in scores.wrong:
            print(f"  {how:6}  {a}  {b}")
    print()
    print(f"join threshold sweep (in use: {grouping.JOIN_AT}):")
    chosen = grouping.JOIN_AT
    for step in range(10, 31, 2):
        grouping.JOIN_AT = step / 100
        swept = evaluate(STORIES, SAMPLE)
        print(f"  {grouping.JOIN_AT:.2f}  precision {swept.precision:6.1%}  recall {swept.recall:6.1%}  "
              f"F1 {swept.f1:6.1%}  stories {swept.stories_found}")
    grouping.JOIN_AT = chosen
    return 0


if __name__ == "__main__":
    sys.exit(main())
