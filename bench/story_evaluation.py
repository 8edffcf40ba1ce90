"""How well the grouping matches a labelled set: pairwise precision and recall.

A pair of articles is right when the grouping and the labels agree that they
belong to one story. Precision is the share of pairs put together that should
be; recall the share of pairs that should be together that are.
``bench/stories.py`` prints these figures; the tests hold the code to them.
It lives with the benchmarks: the reader never scores itself, and the
``stories`` package must not import the ``search`` package that imports it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import yaml

SAMPLE_STORY = "aleppo"


@dataclass
class PairScores:
    precision: float
    recall: float
    stories_found: int
    stories_labelled: int
    wrong: list[tuple[str, str, str]]  # (a, b, "joined" | "split") for each wrong pair

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def pair_scores(found: dict[str, int], labels: dict[str, str]) -> PairScores:
    """Compare *found* (article to story number) with *labels* (article to story name)."""
    together = right = should = 0
    wrong = []
    for a, b in combinations(sorted(labels), 2):
        joined = found.get(a) is not None and found.get(a) == found.get(b)
        same = labels[a] == labels[b]
        together += joined
        should += same
        right += joined and same
        if joined != same:
            wrong.append((a, b, "joined" if joined else "split"))
    return PairScores(
        precision=right / together if together else 1.0,
        recall=right / should if should else 1.0,
        stories_found=len({found[r] for r in labels if r in found}),
        stories_labelled=len(set(labels.values())),
        wrong=wrong,
    )


def labelled_set(stories_dir: Path, sample_dir: Path, into: Path) -> dict[str, str]:
    """Copy the labelled articles and the sample content into *into*; return the labels."""
    labels = yaml.safe_load((stories_dir / "labels.yaml").read_text())
    into.mkdir(parents=True, exist_ok=True)
    for name in labels:
        shutil.copy(stories_dir / name, into / name)
    for path in sorted(sample_dir.iterdir()):
        if path.is_file():
            shutil.copy(path, into / path.name)
            labels[path.name] = SAMPLE_STORY
    return labels


def evaluate(stories_dir: Path, sample_dir: Path) -> PairScores:
    """Index the labelled set from scratch and score the stories the index made."""
    from briefing.search.index import ContentIndex

    with tempfile.TemporaryDirectory(prefix="briefing-stories-") as tmp:
        labels = labelled_set(stories_dir, sample_dir, Path(tmp) / "content")
        index = ContentIndex(Path(tmp) / "content", Path(tmp) / "index")
        index.update()
        snapshot = index.snapshot()
        assert snapshot is not None
        found = {entry.rel: entry.story for entry in snapshot.entries if entry.story is not None}
    return pair_scores(found, labels)
