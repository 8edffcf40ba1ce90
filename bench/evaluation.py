"""Scores the parser, the key-point extractor and the fact finder against labelled articles.

The labels live in ``tests/data/eval/labels.yaml``; ``bench/keypoints.py``
prints these scores and the tests hold the code to them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefing.boilerplate import is_boilerplate
from briefing.decode import read_text
from briefing.facts import extract_facts
from briefing.keypoints import Sentence, body_sentences, extract
from briefing.model import Article
from briefing.parse import parse_file
from briefing.parse.shapes import bullet_text, is_key_points_header
from briefing.sanitize import clean_line

FACT_KINDS = ("figure", "date", "person", "place", "organisation")


def load_labels(labels_file: Path, root: Path) -> list[tuple[Path, dict[str, Any]]]:
    entries = yaml.safe_load(labels_file.read_text(encoding="utf-8"))
    return [(root / entry["path"], entry) for entry in entries]


def line_labels(path: Path, article: Article) -> list[str]:
    """The role the parser gave each non-empty line of a plain-text file."""
    text, _ = read_text(path)
    given = {k.text for k in article.key_points if k.origin == "given"}
    headings = set(article.headings)
    labels = []
    for raw in text.split("\n"):
        line = clean_line(raw)
        if not line:
            continue
        if is_boilerplate(line):
            labels.append("boilerplate")
        elif given and is_key_points_header(line):
            labels.append("key_points_header")
        elif (bullet_text(line) or line) in given:
            labels.append("key_point")
        elif not article.title_derived and line == article.title:
            labels.append("title")
        elif line in headings:
            labels.append("heading")
        else:
            labels.append("body")
    return labels


def lead(sentences: list[Sentence], count: int = 3) -> list[str]:
    """The baseline: the first *count* sentences."""
    return [s.text for s in sentences[:count]]


@dataclass
class Tally:
    hits: int = 0
    picked: int = 0
    wanted: int = 0

    def add(self, picked: Iterable[str], wanted: Iterable[str]) -> None:
        picked_set = {p.strip().lower() for p in picked}
        wanted_set = {w.strip().lower() for w in wanted}
        self.hits += len(picked_set & wanted_set)
        self.picked += len(picked_set)
        self.wanted += len(wanted_set)

    @property
    def precision(self) -> float:
        return self.hits / self.picked if self.picked else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.wanted if self.wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    lines_right: int = 0
    lines_total: int = 0
    line_errors: list[str] = field(default_factory=list)
    extracted: Tally = field(default_factory=Tally)
    lead3: Tally = field(default_factory=Tally)
    facts: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in FACT_KINDS})
    fact_misses: list[str] = field(default_factory=list)
    structure_errors: list[str] = field(default_factory=list)
    parse_ms: list[float] = field(default_factory=list)
    extract_ms: list[float] = field(default_factory=list)

    @property
    def line_accuracy(self) -> float:
        return self.lines_right / self.lines_total if self.lines_total else 0.0


def evaluate(labels: list[tuple[Path, dict[str, Any]]], repeats: int = 5) -> Report:
    report = Report()
    for path, entry in labels:
        article = parse_file(path)
        _check_structure(path, entry, article, report)
        if "lines" in entry:
            got = line_labels(path, article)
            want = entry["lines"]
            right = sum(g == w for g, w in zip(got, want))
            report.lines_right += right
            report.lines_total += max(len(want), len(got))
            if got != want:
                report.line_errors.append(f"{path.name}: got {got}, want {want}")
        sentences = body_sentences(article)
        if "key_sentences" in entry:
            picks = [k.text for k in extract(sentences, count=3)]
            report.extracted.add(picks, entry["key_sentences"])
            report.lead3.add(lead(sentences), entry["key_sentences"])
        if "facts" in entry:
            found = extract_facts(sentences)
            for kind in FACT_KINDS:
                got_kind = [f.text for f in found if f.kind == kind]
                want_kind = entry["facts"].get(kind, [])
                report.facts[kind].add(got_kind, want_kind)
                missed = {w.lower() for w in want_kind} - {g.lower() for g in got_kind}
                extra = {g.lower() for g in got_kind} - {w.lower() for w in want_kind}
                if missed or extra:
                    report.fact_misses.append(
                        f"{path.name} {kind}: missed {sorted(missed)}, extra {sorted(extra)}"
                    )
        for _ in range(repeats):
            t0 = time.process_time()
            parsed = parse_file(path)
            report.parse_ms.append((time.process_time() - t0) * 1000)
            t0 = time.process_time()
            extract(body_sentences(parsed), count=3)
            report.extract_ms.append((time.process_time() - t0) * 1000)
    return report


def _check_structure(path: Path, entry: dict[str, Any], article: Article, report: Report) -> None:
    given = [k.text for k in article.key_points if k.origin == "given"]
    checks = [
        ("title", article.title),
        ("title_derived", article.title_derived),
        ("truncated", article.truncated),
        ("given", given),
        ("given_count", len(given)),
    ]
    for key, got in checks:
        if key in entry and entry[key] != got:
            report.structure_errors.append(f"{path.name}: {key} is {got!r}, labelled {entry[key]!r}")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
