"""Saved web pages: Briefing's reading of html-dev against the true article text.

For each page of ``html-dev`` (91 real pages with the text a person marked as
the article), the text Briefing shows as the article's body is scored against
that text the way the public article-extraction benchmark scores it: shingles
of four word tokens, precision and recall per page, averaged over the pages,
and F1 of the two means (the mean of the pages' own F1 is printed too).

In the same run, on the same pages:
- trafilatura used directly, with the options Briefing passes it, and with
  its defaults (so the wrapper is shown to lose nothing);
- readability-lxml, the alternative (skipped, with a note, if not installed:
  ``.venv/bin/pip install -e '.[bench]'``).

It also times every page and names the slowest, and with ``--hostile`` times
pages made to be slow (tens of thousands of elements, megabytes of text, deep
nesting) through Briefing and through trafilatura directly (given at most
60 s, in a separate process).

    .venv/bin/python bench/html_extraction.py [--data DIR] [--verbose] [--hostile]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_TOKEN = re.compile(r"\w+")


def data_dir(given: str | None) -> Path:
    """html-dev: --data, else $BRIEFING_DATA/html-dev, else ../shared/data/html-dev beside the checkout."""
    if given:
        return Path(given)
    if os.environ.get("BRIEFING_DATA"):
        return Path(os.environ["BRIEFING_DATA"]) / "html-dev"
    return ROOT.parent / "shared" / "data" / "html-dev"


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_scores(true: str, shown: str) -> tuple[float, float]:
    """Precision and recall of *shown* against *true*, as the benchmark counts them."""
    want, got = shingles(true), shingles(shown)
    keys = want.keys() | got.keys()
    tp = sum(min(want[k], got[k]) for k in keys)
    fp = sum(max(0, got[k] - want[k]) for k in keys)
    fn = sum(max(0, want[k] - got[k]) for k in keys)
    if fp == fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def briefing_body(path: Path) -> str:
    """What Briefing shows of the page as the article: its body paragraphs and the key points it gives."""
    from briefing.parse import parse_file

    article = parse_file(path)
    given = [k.text for k in article.key_points if k.origin == "given"]
    return "\n".join(given + [p.text for p in article.paragraphs])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", metavar="DIR", help="the html-dev folder")
    parser.add_argument("--verbose", action="store_true", help="print each page's scores")
    parser.add_argument("--hostile", action="store_true", help="also time pages made to be slow")
    parser.add_argument("--hostile-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hostile_only:
        return hostile()
    data = data_dir(args.data)
    if not (data / "ground-truth.json").is_file():
        print(f"html-dev not found at {data}: set BRIEFING_DATA or pass --data; nothing measured")
        return 2
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    logging.disable(logging.WARNING)

    import trafilatura

    from briefing.formats.html import extraction_options

    options = extraction_options()
    options.pop("with_metadata")
    runners: list[tuple[str, Callable[[bytes, Path], str]]] = [
        ("Briefing (reader path)", lambda html, path: briefing_body(path)),
        ("trafilatura, Briefing's options", lambda html, path: trafilatura.extract(html, **options) or ""),
        ("trafilatura, defaults", lambda html, path: trafilatura.extract(html) or ""),
    ]
    try:
        import lxml.html
        from readability import Document as Readability

        def readability(html: bytes, path: Path) -> str:
            summary = Readability(html).summary(html_partial=True)
            return lxml.html.fromstring(summary).text_content() if summary.strip() else ""

        runners.append(("readability-lxml", readability))
    except ImportError:
        print("readability-lxml is not installed (pip install -e '.[bench]'): its line is left out")

    # Warm every library up once, so the first page does not pay for imports.
    warm = b"<html><head><title>t</title></head><body><p>" + b"Warm up words. " * 40 + b"</p></body></html>"
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "warm.html"
        page.write_bytes(warm)
        for _, run in runners:
            run(warm, page)

        results: dict[str, list[tuple[str, float, float, float]]] = {name: [] for name, _ in runners}
        for key in sorted(truth):
            html = gzip.decompress((data / "pages" / f"{key}.html.gz").read_bytes())
            path = Path(tmp) / f"{key}.html"
            path.write_bytes(html)
            for name, run in runners:
                started = time.perf_counter()
                shown = run(html, path)
                elapsed = time.perf_counter() - started
                p, r = page_scores(truth[key].get("articleBody", ""), shown)
                results[name].append((key, p, r, elapsed))

    print(f"html-dev: {len(truth)} pages (Python {platform.python_version()}, {platform.machine()}, "
          f"trafilatura {trafilatura.__version__})")
    print("scored as the article-extraction benchmark does: 4-word shingles, precision and recall per page, averaged")
    print()
    print(f"{'':34} {'precision':>9} {'recall':>7} {'F1':>6} {'mean page F1':>13} {'median ms':>10} {'max ms':>8}")
    for name, rows in results.items():
        p = statistics.mean(r[1] for r in rows)
        r = statistics.mean(r[2] for r in rows)
        page_f1 = statistics.mean(f1(row[1], row[2]) for row in rows)
        times = [row[3] * 1000 for row in rows]
        print(f"{name:34} {p:9.3f} {r:7.3f} {f1(p, r):6.3f} {page_f1:13.3f} "
              f"{statistics.median(times):10.0f} {max(times):8.0f}")
    ours = {row[0]: row for row in results["Briefing (reader path)"]}
    direct = {row[0]: row for row in results["trafilatura, Briefing's options"]}
    worse = [k for k in ours if f1(ours[k][1], ours[k][2]) < f1(direct[k][1], direct[k][2]) - 0.005]
    print()
    print(f"pages where Briefing scores below trafilatura used directly: {len(worse)}")
    slowest = max(ours.values(), key=lambda row: row[3])
    print(f"slowest page for Briefing: {slowest[0]} ({slowest[3] * 1000:.0f} ms)")
    if args.verbose or worse:
        print()
        for key in sorted(ours, key=lambda k: f1(ours[k][1], ours[k][2])):
            mark = "  below trafilatura" if key in worse else ""
            if args.verbose or mark:
                o, d = ours[key], direct[key]
                print(f"{key}  Briefing P {o[1]:.2f} R {o[2]:.2f}  trafilatura P {d[1]:.2f} R {d[2]:.2f}{mark}")
    if args.hostile:
        print()
        hostile()
    return 0


def hostile_pages() -> dict[str, str]:
    """Pages made to be slow to extract, each a few megabytes at most."""
    sentence = "The delegations met in Doha on Monday and agreed to meet again on Wednesday. "
    wrap = "<html><head><title>Hostile</title></head><body>{}</body></html>".format
    return {
        "60,000 inline spans in one paragraph": wrap("<p>" + "".join(f"<span>w{n}</span> " for n in range(60_000)) + "</p>"),
        "20,000 paragraphs": wrap("".join(f"<div><p>{sentence}</p></div>" for _ in range(20_000))),
        "2,400 paragraphs (just under the cap)": wrap("".join(f"<div><p>{sentence}</p></div>" for _ in range(2_400))),
        "10,000 links": wrap("<ul>" + "".join(f"<li><a href='/{n}'>Headline number {n}</a></li>" for n in range(10_000)) + "</ul>"),
        "divs nested 10,000 deep": wrap("<div>" * 10_000 + f"<p>{sentence * 20}</p>" + "</div>" * 10_000),
        "one paragraph of 6 MB": wrap("<p>" + sentence * 80_000 + "</p>"),
        "a 4 MB inline image and a short article": wrap(
            '<img src="data:image/png;base64,' + "A" * 4_000_000 + '">' + f"<article><p>{sentence * 10}</p></article>"),
        "a table of 50,000 cells": wrap("<table>" + ("<tr>" + "<td>cell</td>" * 10 + "</tr>") * 5_000 + "</table>"),
    }


def hostile() -> int:
    import subprocess

    from briefing.parse import parse_bytes

    print("pages made to be slow: seconds for Briefing (parse, key points, facts) and for trafilatura.extract alone")
    print(f"{'':42} {'size':>8} {'Briefing':>9} {'trafilatura':>12}")
    for name, html in hostile_pages().items():
        data = html.encode()
        started = time.perf_counter()
        article = parse_bytes(data, Path("hostile.html"))
        ours = time.perf_counter() - started
        code = ("import sys, time, logging, trafilatura; logging.disable(logging.WARNING); d = sys.stdin.buffer.read(); "
                "t = time.perf_counter(); trafilatura.extract(d); print(time.perf_counter() - t)")
        try:
            out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, timeout=60)
            theirs = f"{float(out.stdout):12.1f}" if out.returncode == 0 else "       error"
        except subprocess.TimeoutExpired:
            theirs = "       > 60"
        note = " (warned: too large)" if any("too large" in w for w in article.warnings) else ""
        print(f"{name:42} {len(data) / 2**20:6.1f} MB {ours:9.1f} {theirs}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
