"""The queries the benchmark times, for either corpus, and the baselines they are timed against."""

from __future__ import annotations

import random
import re
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

from make_corpus import PLACES, Writer

STOP = set("the of and to in a is that for on was with as by at from it an be are have has had were said its but not "
           "this which their they after also more been who over than will would about into up out one all there "
           "could when would year mln pct dlrs cts vs shr net".split())


def generated_words() -> tuple[list[str], list[str], list[str]]:
    """Common words, rare words and names of the generated corpus."""
    writer = Writer(20241130)
    return writer.words[60:600], writer.words[2000:8000], list(PLACES)


def corpus_words(folder: Path, sample: int = 2000) -> tuple[list[str], list[str], list[str]]:
    """Common words, rare words and capitalised names of a real corpus, from a sample of its files."""
    words: Counter = Counter()
    names: Counter = Counter()
    for path in sorted(folder.rglob("*.md"))[:sample]:
        body = path.read_text(encoding="utf-8", errors="replace").split("---", 2)[-1]
        for token in re.findall(r"[A-Za-z]{4,}", body):
            low = token.lower()
            if low in STOP:
                continue
            words[low] += 1
            if token[0].isupper() and not token.isupper():
                names[token] += 1
    ranked = [w for w, _ in words.most_common()]
    return ranked[30:600], ranked[2000:8000] or ranked[-500:], [n for n, _ in names.most_common(40)]


def query_mix(common: list[str], rare: list[str], names: list[str], seed: int = 7) -> list[tuple[str, str, str | None]]:
    """(kind, query, FTS5 query or None) for 240 queries; grep takes the first word."""
    rng = random.Random(seed)
    mix: list[tuple[str, str, str | None]] = []
    for _ in range(40):
        w = rng.choice(common + names)
        mix.append(("word", w, f'"{w}"'))
    for _ in range(40):
        a, b = rng.choice(common), rng.choice(rare)
        mix.append(("and", f"{a} {b}", f'"{a}" AND "{b}"'))
    for _ in range(40):
        name = rng.choice(names)
        phrase = rng.choice(["in " + name, "at least", "more than", "the " + rng.choice(common)])
        mix.append(("phrase", f'"{phrase}"', f'"{phrase}"'))
    for _ in range(40):
        w = rng.choice(names + common)
        mix.append(("field", f"title:{w}", f'title : "{w}"'))
    for _ in range(30):
        w = rng.choice(common + rare)[:4]
        mix.append(("prefix", f"{w}*", f'"{w}" *'))
    for _ in range(30):
        w = rng.choice(common)
        typo = w[:-1] if len(w) > 4 else w + "e"
        mix.append(("fuzzy", f"{typo}~", None))
    for _ in range(20):
        month = rng.randint(1, 12)
        mix.append(("date", f"date:2024-{month:02}-01..2024-{month:02}-28 {rng.choice(common)}", None))
    return mix


# Queries no one should type: each must come back within the budget, limited or refused, never hang.
HOSTILE = [
    "governments~9", "government~5 forces~5 officials~5 people~5 control~5",
    "a*", "th*", "*", "*a*", "?*", "a* b* c* d* e* f* g* h*",
    '"people government people government forces"', '"said government forces people"',
    "people AND government AND forces AND city AND officials", "people NOT government",
    "date:2000-01-01..2030-12-31", "x" * 900, "internationalisation~2",
    "pneumonoultramicroscopicsilicovolcanoconiosis~2",
    " OR ".join(f"{c}{d}*" for c in "abcdefgh" for d in "aeiou")[:990],
]


def first_word(query: str) -> str:
    return re.findall(r"[A-Za-z]+", query.split(":")[-1])[0]


def time_each(run, queries) -> list[float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        run(q)
        times.append(time.perf_counter() - started)
    return times


def grep_times(corpus: Path, words: list[str]) -> list[float]:
    return time_each(lambda w: subprocess.run(["grep", "-ril", w, str(corpus)], capture_output=True), words)


def build_fts(folder: Path, db: Path) -> float:
    started = time.perf_counter()
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(path, title, body, tokenize='porter')")

    def rows():
        for path in folder.rglob("*.md"):
            text = path.read_text(encoding="utf-8", errors="replace")
            title = re.search(r'^title: "(.*)"$', text, re.M)
            yield (str(path), title.group(1) if title else "", text)

    con.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows())
    con.commit()
    con.close()
    return time.perf_counter() - started


def fts_times(db: Path, queries: list[str]) -> list[float]:
    con = sqlite3.connect(db)
    try:
        return time_each(lambda q: con.execute(
            "SELECT path, snippet(docs, 2, '[', ']', '...', 12) FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20",
            (q,),
        ).fetchall(), queries)
    finally:
        con.close()
