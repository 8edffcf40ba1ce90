"""Key points and the parser on real copy, beside Lead-3, then on the project's own labelled set.

In one run, side by side:

1. bbc-dev (1,092 BBC articles with gold extractive summaries): precision at 3
   against the gold sentences and ROUGE-1/2 F1 against the summary, for
   Briefing's key points and for Lead-3 (the first three sentences); also on
   each half (alternate files), and the structure errors on this clean copy.
2. The labelled real-copy set (tests/data/realcopy, rebuilt from the data by
   bench/realcopy.py): the same scores where a reader labelled key sentences,
   and the structure errors line by line (body read as key points, junk kept
   in the body, junk chosen as a key point, false truncation, title not the
   headline, datelines, highlights).
3. reuters-dev (13,000 wire stories): structure at scale.
4. html-dev (91 saved pages): how much of the visible text of each page the
   parser keeps as the article, scored against the page's true text.
5. tests/data/eval, the set written for the project: line labels, key
   sentences against Lead-3, facts.

The median time per article (parse with key points and facts) is printed for
each. Needs the `bench` extra (rouge-score) for ROUGE; without it the ROUGE
columns say so.

    .venv/bin/python bench/keypoints.py [--limit N] [--verbose]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.evaluation import FACT_KINDS, evaluate, load_labels  # noqa: E402
from bench.realcopy import build, visible_text  # noqa: E402
from bench.realdata import bbc_articles, data_dir, missing  # noqa: E402
from bench.realeval import (  # noqa: E402
    KeyPointReport,
    StructureReport,
    bbc_gold,
    briefing_points,
    check_structure,
    lead3,
    median,
    norm,
    pct,
    prefix_gold,
    rouge_scorer,
    timed_parse,
    timed_parts,
)
from briefing.keypoints import body_sentences  # noqa: E402
from briefing.model import UnreadableFile  # noqa: E402

EVAL_LABELS = ROOT / "tests" / "data" / "eval" / "labels.yaml"


def table(rows: list[tuple[str, KeyPointReport]], rouge: bool) -> None:
    print(f"  {'':<22}{'P@3 Briefing':>13}{'Lead-3':>8}{'R-1 Briefing':>14}{'Lead-3':>8}"
          f"{'R-2 Briefing':>14}{'Lead-3':>8}")
    for name, r in rows:
        if rouge:
            r1 = f"{r.briefing.r1:14.1f}{r.lead3.r1:8.1f}"
            r2 = f"{r.briefing.r2:14.1f}{r.lead3.r2:8.1f}"
        else:
            r1 = r2 = f"{'(no rouge-score)':>22}"
        print(f"  {name:<22}{r.briefing.precision:13.3f}{r.lead3.precision:8.3f}{r1}{r2}")


def bbc(limit: int | None, scorer, verbose: bool) -> None:
    print("1. bbc-dev: BBC News articles with gold extractive summaries")
    reason = missing("bbc-dev")
    if reason:
        print(f"   skipped: {reason}\n")
        return
    reports = {"all": KeyPointReport(), "even": KeyPointReport(), "odd": KeyPointReport()}
    errors = Counter()
    notes = []
    articles = bbc_articles(limit)
    for n, item in enumerate(articles):
        article, ms = timed_parse(item.path)
        gold = bbc_gold(item.summary)
        sentences = body_sentences(article)
        for key in ("all", "even" if n % 2 == 0 else "odd"):
            r = reports[key]
            r.articles += 1
            r.briefing.add(briefing_points(article), gold, scorer)
            r.lead3.add(lead3(sentences), gold, scorer)
        reports["all"].ms.append(ms)
        first_line = item.path.read_bytes().decode("utf-8", "replace").split("\n")[0].strip()
        if article.title_derived or norm(article.title) != norm(first_line):
            errors["title not the headline"] += 1
            notes.append(f"{item.path.name}: title {article.title!r}")
        if any(k.origin == "given" for k in article.key_points):
            errors["body read as key points (files)"] += 1
            notes.append(f"{item.path.name}: given key points {article.key_points[0].text[:60]!r}")
        if article.truncated:
            errors["false truncation"] += 1
            notes.append(f"{item.path.name}: truncated")
        dropped = getattr(article, "dropped", [])
        if dropped:
            errors["body lines dropped"] += len(dropped)
            notes.extend(f"{item.path.name}: dropped {d.text[:60]!r} ({d.reason})" for d in dropped)
    total = reports["all"]
    parts = [timed_parts(item.path) for item in articles]
    print(f"   {total.articles} articles; median CPU time per article {median(total.ms):.2f} ms: parse and key points "
          f"{median(p for p, _ in parts):.2f} ms, facts {median(f for _, f in parts):.2f} ms")
    table([(f"all {total.articles}", total), (f"even half {reports['even'].articles}", reports["even"]),
           (f"odd half {reports['odd'].articles}", reports["odd"])], scorer is not None)
    b, l = total.briefing, total.lead3
    if scorer is not None:
        print(f"   margins over Lead-3: P@3 {b.precision - l.precision:+.3f} (target +0.10), "
              f"R-1 {b.r1 - l.r1:+.1f} (target +2), R-2 {b.r2 - l.r2:+.1f} (target +2)")
    print("   structure errors: " + (", ".join(f"{k} {v}" for k, v in errors.items()) or "none"))
    if verbose:
        for line in notes[:60]:
            print("     " + line)
    print()


def realcopy(scorer, verbose: bool) -> None:
    print("2. The labelled real-copy set (tests/data/realcopy)")
    reason = missing("bbc-dev", "reuters-dev", "html-dev")
    if reason:
        print(f"   skipped: {reason}\n")
        return
    with tempfile.TemporaryDirectory() as tmp:
        built, changed = build(Path(tmp))
        for line in changed:
            print("   not scored: " + line)
        by_shape: dict[str, StructureReport] = {}
        overall = StructureReport()
        keys = KeyPointReport()
        times = []
        summaries = {a.path.stem: a.summary for a in bbc_articles()}
        for item in built:
            article, ms = timed_parse(item.path)
            times.append(ms)
            check_structure(item, article, overall)
            check_structure(item, article, by_shape.setdefault(item.shape, StructureReport()))
            key = item.entry.get("key")
            if key:
                source = item.entry["source"].partition("/")[2]
                gold = bbc_gold(summaries[source]) if key == "bbc" else prefix_gold(item.text, key)
                keys.articles += 1
                keys.briefing.add(briefing_points(article), gold, scorer)
                keys.lead3.add(lead3(body_sentences(article)), gold, scorer)
    shapes = ", ".join(f"{r.files} {s}" for s, r in by_shape.items())
    print(f"   {overall.files} articles ({shapes}); median CPU time per article {median(times):.2f} ms")
    print(f"   key points on the {keys.articles} articles with labelled key sentences:")
    table([(f"{keys.articles} articles", keys)], scorer is not None)
    print("   structure                      " + "".join(f"{s:>11}" for s in by_shape) + f"{'all':>11}")
    rows = [
        ("body read as key points", lambda r: f"{r.body_as_key_points}/{r.body_lines}"),
        ("body lines dropped", lambda r: f"{r.body_dropped}/{r.body_lines}"),
        ("junk kept in the body", lambda r: pct(r.junk_in_body, r.junk_lines)),
        ("  (junk lines)", lambda r: f"{r.junk_in_body}/{r.junk_lines}"),
        ("junk chosen as a key point", lambda r: str(r.junk_as_key_point)),
        ("false truncation", lambda r: f"{r.false_truncation}/{r.files}"),
        ("title not the headline", lambda r: f"{r.title_wrong}/{r.files}"),
        ("datelines right", lambda r: f"{r.datelines_right}/{r.datelines_labelled}"),
        ("datelines where none", lambda r: str(r.datelines_false)),
        ("highlight lines found", lambda r: f"{r.highlights_found}/{r.highlight_lines}"),
    ]
    for name, show in rows:
        print(f"   {name:<31}" + "".join(f"{show(r):>11}" for r in by_shape.values()) + f"{show(overall):>11}")
    if verbose:
        for line in overall.notes:
            print("     " + line)
    print()


_DATELINE_REFERENCE = re.compile(r"^\W*[A-Z][A-Za-z .,'&()/-]{1,60}?,? (?:\d{1,2} )?[A-Z][a-z]{2,8}\.? ?\d{0,2},?(?: Reuter)? ?-")


def reuters(limit: int | None, verbose: bool) -> None:
    print("3. reuters-dev: wire stories (headline, dateline, one paragraph a line, sign-off)")
    reason = missing("reuters-dev")
    if reason:
        print(f"   skipped: {reason}\n")
        return
    paths = sorted((data_dir() / "reuters-dev").glob("reut_*.txt"))[:limit]
    errors = Counter()
    notes = []
    times = []
    with_dateline = found_dateline = signed = signoff_dropped = 0
    for path in paths:
        try:
            article, ms = timed_parse(path)
        except UnreadableFile as exc:
            errors["unreadable"] += 1
            notes.append(str(exc))
            continue
        times.append(ms)
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").split("\n") if line.strip()]
        if article.title_derived or norm(article.title) != norm(lines[0]):
            errors["title not the headline"] += 1
            notes.append(f"{path.name}: title {article.title[:60]!r}")
        if any(k.origin == "given" for k in article.key_points):
            errors["body read as key points (files)"] += 1
            notes.append(f"{path.name}: key points {article.key_points[0].text[:60]!r}")
        if article.truncated:
            errors["marked truncated"] += 1
            notes.append(f"{path.name}: truncated, ends {article.paragraphs[-1].text[-50:]!r}" if article.paragraphs
                         else f"{path.name}: truncated")
        dropped = {d.line: d for d in getattr(article, "dropped", [])}
        if re.fullmatch(r"(?i)reuter\W*", lines[-1]):
            signed += 1
            numbers = [n for n, raw in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), 1)
                       if raw.strip() == lines[-1]]
            if numbers and numbers[-1] in dropped:
                signoff_dropped += 1
        other = [d for n, d in dropped.items() if not re.fullmatch(r"(?i)reuter\W*|more", d.text)]
        if other:
            errors["other lines dropped"] += len(other)
            notes.extend(f"{path.name}: dropped {d.text[:60]!r} ({d.reason})" for d in other)
        if len(lines) > 1 and _DATELINE_REFERENCE.match(lines[1]):
            with_dateline += 1
            if getattr(article, "dateline", None) is not None:
                found_dateline += 1
    print(f"   {len(times)} stories; median CPU time per article {median(times):.2f} ms")
    print(f"   sign-off dropped: {signoff_dropped}/{signed} stories that end with one; "
          f"dateline recognised: {found_dateline}/{with_dateline} stories that open with one")
    print("   structure errors: " + (", ".join(f"{k} {v} ({pct(v, len(times))})" for k, v in errors.items()) or "none"))
    if verbose:
        for line in notes[:80]:
            print("     " + line)
    print()


_TOKEN = re.compile(r"\w+")


def _token_scores(got: str, want: str) -> tuple[float, float, float]:
    g, w = Counter(_TOKEN.findall(got.lower())), Counter(_TOKEN.findall(want.lower()))
    common = sum((g & w).values())
    p = common / sum(g.values()) if g else 0.0
    r = common / sum(w.values()) if w else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pages(verbose: bool) -> None:
    print("4. html-dev: the visible text of each saved page, read as a plain-text briefing")
    reason = missing("html-dev")
    if reason:
        print(f"   skipped: {reason}\n")
        return
    from briefing.parse import parse_text

    truth = json.loads((data_dir() / "html-dev" / "ground-truth.json").read_text(encoding="utf-8"))
    kept, everything = [], []
    times = []
    for page_id, entry in sorted(truth.items()):
        raw = gzip.decompress((data_dir() / "html-dev" / "pages" / f"{page_id}.html.gz").read_bytes())
        text = visible_text(raw.decode("utf-8", errors="replace"))
        t0 = time.process_time()
        article = parse_text(text, Path(f"{page_id}.txt"))
        times.append((time.process_time() - t0) * 1000)
        body = "\n".join(p.text for p in article.paragraphs)
        kept.append(_token_scores(body, entry["articleBody"]))
        everything.append(_token_scores(text, entry["articleBody"]))
        if verbose and kept[-1][2] < 0.6:
            print(f"     {page_id}: F1 {kept[-1][2]:.2f} ({entry['url'][:60]})")
    n = len(kept)

    def mean(rows, i):
        return sum(r[i] for r in rows) / n

    print(f"   {n} pages; median CPU time per page {median(times):.2f} ms; tokens of the text kept as the body "
          "against the true article text, averaged over pages:")
    print(f"   {'':<28}{'precision':>10}{'recall':>8}{'F1':>7}")
    print(f"   {'Briefing (body paragraphs)':<28}{mean(kept, 0):10.3f}{mean(kept, 1):8.3f}{mean(kept, 2):7.3f}")
    print(f"   {'all visible text':<28}{mean(everything, 0):10.3f}{mean(everything, 1):8.3f}{mean(everything, 2):7.3f}")
    print()


def project_set(repeats: int, verbose: bool) -> None:
    print("5. tests/data/eval: articles written for the project, and the sample briefings")
    labels = load_labels(EVAL_LABELS, ROOT)
    report = evaluate(labels, repeats=repeats)
    print(f"   {len(labels)} labelled articles; median CPU time per article (parse, key points, facts) "
          f"{median(report.parse_ms):.2f} ms, extraction alone {median(report.extract_ms):.2f} ms")
    print(f"   line labels: accuracy {report.line_accuracy:.1%} ({report.lines_right}/{report.lines_total} lines); "
          f"structure: {len(report.structure_errors)} mismatches in title, key points, truncation")
    print(f"   {'key sentences @3':<22}{'precision':>10}{'recall':>8}{'F1':>7}")
    for name, tally in (("Briefing", report.extracted), ("Lead-3", report.lead3)):
        print(f"   {name:<22}{tally.precision:10.1%}{tally.recall:8.1%}{tally.f1:7.1%}")
    print(f"   {'facts':<22}{'precision':>10}{'recall':>8}  (found/labelled)")
    for kind in FACT_KINDS:
        t = report.facts[kind]
        print(f"   {kind:<22}{t.precision:10.1%}{t.recall:8.1%}  ({t.picked}/{t.wanted}, {t.hits} right)")
    if verbose:
        for line in report.structure_errors + report.line_errors + report.fact_misses:
            print("     " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N articles of bbc-dev and reuters-dev")
    parser.add_argument("--repeats", type=int, default=20, help="timing runs per article of the project's set")
    parser.add_argument("--only", choices=["bbc", "realcopy", "reuters", "pages", "eval"], action="append",
                        help="run only these parts (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="list the errors")
    args = parser.parse_args()
    parts = set(args.only or ["bbc", "realcopy", "reuters", "pages", "eval"])
    scorer = rouge_scorer()
    print(f"Key points and structure on real copy (Python {platform.python_version()}, {platform.machine()}; "
          f"data in {data_dir()})")
    if scorer is None:
        print("ROUGE needs the bench extra: pip install -e '.[bench]'")
    print()
    if "bbc" in parts:
        bbc(args.limit, scorer, args.verbose)
    if "realcopy" in parts:
        realcopy(scorer, args.verbose)
    if "reuters" in parts:
        reuters(args.limit, args.verbose)
    if "pages" in parts:
        pages(args.verbose)
    if "eval" in parts:
        project_set(args.repeats, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
