"""Scores on real copy: key points against gold sentences (precision at 3, ROUGE), beside
Lead-3, and the structure errors a reader notices, line by line.

Used by ``bench/keypoints.py`` (which prints them) and by the tests that hold
the parser to the labelled real-copy set.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench.realcopy import Labelled
from briefing.keypoints import Sentence, body_sentences
from briefing.model import Article
from briefing.parse import parse_file
from briefing.sanitize import clean_line
from briefing.sentences import split_sentences


def norm(text: str) -> str:
    """Letters and digits only, lower case: how labels and texts are compared."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


# --- key points --------------------------------------------------------------------------------


@dataclass
class Gold:
    """What a good pick is: the gold sentences (by a test on a pick) and the reference text for ROUGE."""

    is_hit: Callable[[str], bool]
    reference: str
    size: int


def bbc_gold(summary: str) -> Gold:
    sentences = summary.count(".")  # only for the record; hits are tested on the summary itself
    return Gold(lambda pick: bool(pick.strip()) and pick.strip() in summary, summary, sentences)


def prefix_gold(text: str, prefixes: list[str]) -> Gold:
    """Gold sentences named by their opening words; the reference is those sentences in full,
    found in the file's own lines (whatever the parser made of them)."""
    keys = [norm(p) for p in prefixes]
    found: dict[str, str] = {}
    for line in text.split("\n"):
        for sentence in split_sentences(line.strip()):
            n = norm(sentence)
            for key in keys:
                if key not in found and key in n:
                    found[key] = sentence
    reference = " ".join(found.get(k, p) for k, p in zip(keys, prefixes))
    return Gold(lambda pick: any(k and k in norm(pick) for k in keys), reference, len(keys))


@dataclass
class Scores:
    """Precision at 3 and ROUGE-1/2 F1 of one system's picks, summed over articles."""

    hits: int = 0
    picked: int = 0
    rouge1: list[float] = field(default_factory=list)
    rouge2: list[float] = field(default_factory=list)

    def add(self, picks: list[str], gold: Gold, scorer) -> None:
        picks = picks[:3]
        self.hits += sum(1 for p in picks if gold.is_hit(p))
        self.picked += len(picks)
        if scorer is not None:
            result = scorer.score(gold.reference, " ".join(picks))
            self.rouge1.append(result["rouge1"].fmeasure)
            self.rouge2.append(result["rouge2"].fmeasure)

    @property
    def precision(self) -> float:
        return self.hits / self.picked if self.picked else 0.0

    @property
    def r1(self) -> float:
        return 100 * statistics.mean(self.rouge1) if self.rouge1 else 0.0

    @property
    def r2(self) -> float:
        return 100 * statistics.mean(self.rouge2) if self.rouge2 else 0.0


def rouge_scorer():
    """ROUGE-1/2 with the Porter stemmer, as the summarisation literature reports it (None without rouge-score)."""
    try:
        from rouge_score import rouge_scorer as rs
    except ImportError:
        return None
    return rs.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)


def lead3(sentences: list[Sentence]) -> list[str]:
    """The baseline: the first three sentences of the body."""
    return [s.text for s in sentences[:3]]


def briefing_points(article: Article) -> list[str]:
    """Briefing's three extracted key points (what the sidebar shows when the article gives none)."""
    from briefing.keypoints import extract

    return [k.text for k in extract(body_sentences(article), count=3)]


@dataclass
class KeyPointReport:
    briefing: Scores = field(default_factory=Scores)
    lead3: Scores = field(default_factory=Scores)
    articles: int = 0
    ms: list[float] = field(default_factory=list)


def timed_parse(path: Path) -> tuple[Article, float]:
    """The parsed article (with key points and facts) and the CPU time it took, in ms.

    CPU time, not wall time: on a shared machine the wall clock counts the
    waits for a core as well."""
    t0 = time.process_time()
    article = parse_file(path)
    return article, (time.process_time() - t0) * 1000


def timed_parts(path: Path) -> tuple[float, float]:
    """CPU ms to parse *path* with its key points, and to find its facts (the two halves of
    parse_file's work, timed apart)."""
    from briefing.decode import read_text
    from briefing.facts import extract_facts
    from briefing.keypoints import key_points
    from briefing.parse import parse_text

    text, warnings = read_text(path)
    t0 = time.process_time()
    article = parse_text(text, path, warnings, extras=False)
    sentences = body_sentences(article)
    article.key_points = key_points(article, sentences)
    t1 = time.process_time()
    extract_facts(sentences)
    t2 = time.process_time()
    return (t1 - t0) * 1000, (t2 - t1) * 1000


# --- structure, line by line ----------------------------------------------------------------------

FATES = ("dropped", "title", "key_point", "header", "body")


def _bullet_free(line: str) -> str:
    from briefing.parse.shapes import bullet_text

    return bullet_text(line) or line


def line_fates(text: str, article: Article) -> dict[int, str]:
    """What the parser made of each non-blank line of *text*: dropped, title, key point, header, body."""
    dropped = {d.line for d in getattr(article, "dropped", [])}
    old_style = not hasattr(article, "dropped")
    given = [norm(k.text) for k in article.key_points if k.origin == "given"]
    title = None if article.title_derived else norm(article.title)
    fates: dict[int, str] = {}
    # Key points stand at the top: once the body starts, a line that repeats a key point is body.
    body_started = False
    claimed: set[str] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = clean_line(raw)
        if not line:
            continue
        if old_style:
            from briefing.boilerplate import is_boilerplate

            if is_boilerplate(line):
                fates[number] = "dropped"
                continue
        if number in dropped:
            fates[number] = "dropped"
            continue
        n = norm(_bullet_free(line))
        inline = _inline_header(line)
        if title is not None and n == title:
            fates[number] = "title"
            title = None  # only the first such line is the title
        elif given and not body_started and any(g and g not in claimed and (g == n or inline and g in n) for g in given):
            fates[number] = "key_point"
            claimed.update(g for g in given if g and (g == n or inline and g in n))
        elif given and not body_started and _is_header(line):
            fates[number] = "header"
        else:
            fates[number] = "body"
            body_started = True
    return fates


def _inline_header(line: str) -> bool:
    from briefing.parse import shapes

    test = getattr(shapes, "inline_highlights", None)
    return bool(test and test(line) is not None)


def _is_header(line: str) -> bool:
    from briefing.parse import shapes

    test = getattr(shapes, "is_highlights_header", None) or shapes.is_key_points_header
    return bool(test(line))


@dataclass
class StructureReport:
    files: int = 0
    body_lines: int = 0
    junk_lines: int = 0
    highlight_lines: int = 0
    body_as_key_points: int = 0
    body_dropped: int = 0
    junk_in_body: int = 0
    junk_as_key_point: int = 0
    highlights_found: int = 0
    false_truncation: int = 0
    missed_truncation: int = 0
    title_wrong: int = 0
    datelines_labelled: int = 0
    datelines_right: int = 0
    datelines_false: int = 0
    notes: list[str] = field(default_factory=list)

    def merge_counts(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


def check_structure(item: Labelled, article: Article, report: StructureReport) -> None:
    """Compare the parser's reading of *item* with its labels, line by line."""
    report.files += 1
    fates = line_fates(item.text, article)
    lines = item.text.split("\n")
    paragraph_lines: dict[str, list[int]] = {}
    for number, raw in enumerate(lines, start=1):
        paragraph_lines.setdefault(norm(_bullet_free(clean_line(raw))), []).append(number)
    for number, role in item.roles.items():
        fate = fates.get(number, "dropped")
        if role == "body":
            report.body_lines += 1
            if fate == "key_point":
                report.body_as_key_points += 1
                report.notes.append(f"{item.id}:{number} body read as a key point")
            elif fate == "dropped":
                report.body_dropped += 1
                report.notes.append(f"{item.id}:{number} body dropped: {lines[number - 1][:60]!r}")
        elif role == "junk":
            report.junk_lines += 1
            if fate == "body":
                report.junk_in_body += 1
                report.notes.append(f"{item.id}:{number} junk kept: {lines[number - 1][:60]!r}")
        elif role == "highlights":
            report.highlight_lines += 1
            if fate in ("key_point", "header"):
                report.highlights_found += 1
            else:
                report.notes.append(f"{item.id}:{number} highlight read as {fate}")
    for point in article.key_points:
        numbers = paragraph_lines.get(norm(point.text), [])
        if point.anchor is not None:
            numbers = numbers or paragraph_lines.get(norm(article.paragraphs[point.anchor.paragraph].text), [])
        if numbers and all(item.roles.get(n) == "junk" for n in numbers):
            report.junk_as_key_point += 1
            report.notes.append(f"{item.id}: junk chosen as a key point: {point.text[:60]!r}")
    if article.truncated and not item.entry.get("truncated"):
        report.false_truncation += 1
        report.notes.append(f"{item.id}: marked truncated")
    if item.entry.get("truncated") and not article.truncated:
        report.missed_truncation += 1
    title_line = item.entry.get("title_line")
    if title_line:
        if article.title_derived or norm(article.title) != norm(lines[title_line - 1]):
            report.title_wrong += 1
            report.notes.append(f"{item.id}: title {article.title[:60]!r}")
    elif not article.title_derived:
        report.title_wrong += 1
        report.notes.append(f"{item.id}: title {article.title[:60]!r} where there is no headline")
    found = getattr(article, "dateline", None)
    wanted = item.entry.get("dateline")
    if wanted:
        report.datelines_labelled += 1
        if found is not None and norm(found.text) == norm(wanted):
            report.datelines_right += 1
        else:
            report.notes.append(f"{item.id}: dateline {found.text if found else None!r}, labelled {wanted!r}")
    elif found is not None:
        report.datelines_false += 1
        report.notes.append(f"{item.id}: dateline {found.text!r} where there is none")


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else 0.0


def key_sentences(article: Article) -> list[Sentence]:
    return body_sentences(article)
