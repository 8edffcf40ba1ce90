"""Key points and facts against the labelled evaluation set.

Prints line-label accuracy, precision/recall/F1 at 3 of the extracted key
sentences beside Lead-3 (the first three sentences, the baseline to beat),
fact precision and recall by kind, and the median time per article.

    .venv/bin/python bench/keypoints.py [--verbose]
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.evaluation import FACT_KINDS, evaluate, load_labels, median  # noqa: E402

LABELS = ROOT / "tests" / "data" / "eval" / "labels.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every mismatch")
    parser.add_argument("--repeats", type=int, default=20, help="timing runs per article")
    args = parser.parse_args()

    labels = load_labels(LABELS, ROOT)
    report = evaluate(labels, repeats=args.repeats)

    print(f"Key points and facts on {len(labels)} labelled articles "
          f"(Python {platform.python_version()}, {platform.machine()})")
    print()
    print(f"line labels       accuracy {report.line_accuracy:6.1%}  "
          f"({report.lines_right}/{report.lines_total} lines)")
    print(f"structure         {len(report.structure_errors)} mismatches in title, key points, truncation")
    print()
    print("key sentences @3  precision  recall     F1")
    for name, tally in (("extracted", report.extracted), ("Lead-3", report.lead3)):
        print(f"  {name:<15} {tally.precision:9.1%} {tally.recall:7.1%} {tally.f1:6.1%}")
    if report.lead3.f1:
        print(f"  F1 ratio extracted / Lead-3: {report.extracted.f1 / report.lead3.f1:.2f}")
    print()
    print("facts             precision  recall  (found/labelled)")
    for kind in FACT_KINDS:
        t = report.facts[kind]
        print(f"  {kind:<15} {t.precision:9.1%} {t.recall:7.1%}  ({t.picked}/{t.wanted}, {t.hits} right)")
    print()
    print(f"median time per article: parse with key points and facts "
          f"{median(report.parse_ms):.2f} ms, extraction alone {median(report.extract_ms):.2f} ms")
    if args.verbose:
        for line in report.structure_errors + report.line_errors + report.fact_misses:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
