"""Write N briefing files for benchmarks: generated text, or real wire stories repeated.

    python bench/make_corpus.py N DIR [--seed S]
    python bench/make_corpus.py N DIR --reuters [--data DIR]

Generated: words are drawn from a vocabulary with a Zipf-like frequency
distribution (a few very common words, a long tail of rare ones), so an index
sees term statistics close to news copy. Each file is Markdown with front
matter (a title, a date, a source, tags and key points), then a body of 300
to 1,200 words in paragraphs. The same N, seed and code always give the same
files, and the first N files of a larger corpus are the N-file corpus: each
folder of 1,000 files has a random generator of its own, so folders are
written in parallel.

Real: the 13,000 Reuters stories of ``reuters-dev`` (found through
``BRIEFING_DATA`` or ``../shared/data`` beside the checkout; never copied into
the repository), repeated until there are N, each copy a year later than the
one before (give or take a few days) and credited to another source, as
Markdown with the wire headline as title.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SOURCES = ["Reuters", "AFP", "AP", "BBC", "Al Jazeera", "The Guardian", "Le Monde", "DW", "NHK", "Anadolu"]
PLACES = ["Aleppo", "Hama", "Idlib", "Damascus", "Homs", "Latakia", "Beirut", "Ankara", "Tehran", "Baghdad",
          "Amman", "Gaza", "Kyiv", "Kharkiv", "Odesa", "Khartoum", "Sanaa", "Tripoli", "Mosul", "Raqqa"]
PEOPLE = ["Bashar al-Assad", "Recep Tayyip Erdogan", "Vladimir Putin", "Ali Khamenei", "Antonio Guterres",
          "Abu Mohammed al-Jolani", "Benjamin Netanyahu", "Volodymyr Zelensky", "Emmanuel Macron", "Olaf Scholz"]
ORGS = ["Hayat Tahrir al-Sham", "Syrian Observatory for Human Rights", "United Nations", "Red Crescent",
        "World Food Programme", "NATO", "European Union", "Hezbollah", "Islamic State", "African Union"]
TAGS = ["syria", "conflict", "diplomacy", "humanitarian", "economy", "energy", "elections", "security", "refugees"]
# Common English words first: the Zipf draw favours the front of the list.
COMMON = ("the of and to in a is that for on was with as by at from it an be are have has had were "
          "said its but not this which their they after also more been who over than two will would "
          "about into up out one new all people there could when city forces government officials "
          "during while other first last year years week since before between under against where "
          "control military attack offensive region border aid talks ceasefire report reports").split()
SYLLABLES = ["ka", "ro", "mi", "ta", "len", "sar", "vo", "dun", "pel", "qu", "ast", "ner", "bil", "tor",
             "ax", "em", "il", "or", "ush", "ran", "kel", "fo", "zi", "mar", "tek", "lo", "ven", "hu"]
PER_FOLDER = 1000
START = dt.date(2023, 1, 1)
# Slots of the sampling table: the rarest word (p ~ 2e-6) still gets a few.
_SLOTS = 1 << 21


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        # Zipf weights (s = 1.07) laid out in a table drawn from uniformly:
        # five times faster than a weighted draw, which made generating
        # 100,000 files take minutes.
        weights = [1.0 / (rank ** 1.07) for rank in range(1, len(self.words) + 1)]
        total = sum(weights)
        self.table: list[str] = []
        for word, weight in zip(self.words, weights):
            self.table.extend([word] * max(1, round(weight / total * _SLOTS)))

    def reseed(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self, length: int | None = None) -> str:
        rng = self.rng
        n = length or rng.randint(8, 26)
        words = rng.choices(self.table, k=n)
        # Names, places and figures where a news sentence has them.
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), rng.choice(PLACES))
        if rng.random() < 0.25:
            words.insert(rng.randrange(len(words)), rng.choice(PEOPLE))
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words)), rng.choice(ORGS))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), f"{rng.choice(['at least', 'more than', 'about'])} "
                                                    f"{rng.randint(2, 5000)} {rng.choice(['people', 'civilians', 'fighters', 'families'])}")
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def article(self, n: int, start: dt.date = START) -> str:
        rng = self.rng
        place = rng.choice(PLACES)
        title = f"{self.sentence(rng.randint(4, 9))[:-1]} in {place}"
        date = start + dt.timedelta(days=rng.randint(0, 730))
        points = [self.sentence(rng.randint(10, 20)) for _ in range(rng.randint(2, 4))]
        tags = sorted(rng.sample(TAGS, rng.randint(1, 3)))
        target = rng.randint(300, 1200)
        paragraphs, count = [], 0
        while count < target:
            sentences = [self.sentence() for _ in range(rng.randint(2, 6))]
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        front = [
            "---",
            f"title: \"{title}\"",
            f"date: {date.isoformat()}",
            f"source: {rng.choice(SOURCES)}",
            f"tags: [{', '.join(tags)}]",
            "key_points:",
            *[f"  - \"{p}\"" for p in points],
            "---",
        ]
        return "\n".join(front) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def _folder(folder: Path, number: int) -> Path:
    return folder / f"{number:03}"


def _write_generated(job: tuple[Path, int, int, int]) -> int:
    folder, number, count, seed = job
    writer = _writers.get(seed) or _writers.setdefault(seed, Writer(seed))
    writer.reseed(seed * 1000 + number)
    sub = _folder(folder, number)
    sub.mkdir(parents=True, exist_ok=True)
    first = number * PER_FOLDER
    for n in range(first, first + count):
        (sub / f"briefing-{n:06}.md").write_text(writer.article(n), encoding="utf-8")
    return count


_writers: dict[int, Writer] = {}


def _jobs(count: int, folder: Path, extra) -> list[tuple]:
    return [(folder, number, min(PER_FOLDER, count - number * PER_FOLDER), extra)
            for number in range((count + PER_FOLDER - 1) // PER_FOLDER)]


def _run(worker, jobs: list[tuple]) -> None:
    processes = min(len(jobs), os.cpu_count() or 1)
    if processes < 2:
        for job in jobs:
            worker(job)
        return
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(worker, jobs))


def make_corpus(count: int, folder: Path, seed: int = 20241130) -> None:
    """Write *count* generated files into *folder*, a thousand files per subfolder."""
    _run(_write_generated, _jobs(count, folder, seed))


# Real wire copy, repeated -----------------------------------------------------

def data_dir() -> Path:
    """The shared real data sets: ``BRIEFING_DATA``, else ``shared/data`` beside the checkout's folder."""
    env = os.environ.get("BRIEFING_DATA")
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parent.parent
    for base in (repo.parent, repo.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return repo.parent / "shared" / "data"


def reuters_dir() -> Path | None:
    """The Reuters stories, or None when they are not on this machine."""
    folder = data_dir() / "reuters-dev"
    return folder if folder.is_dir() and any(folder.glob("reut_*.txt")) else None


_MONTHS = {m: n for n, m in enumerate("Jan Feb March April May June July Aug Sept Oct Nov Dec".split(), 1)}
_DATELINE = re.compile(r"^[A-Z][A-Za-z .,'-]*, (Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\.? (\d{1,2}) -")


def _story_date(first_line: str, fallback: int) -> dt.date:
    m = _DATELINE.match(first_line)
    if m:
        try:
            return dt.date(1987, _MONTHS[m.group(1)], int(m.group(2)))
        except ValueError:
            pass
    return dt.date(1987, 2, 26) + dt.timedelta(days=fallback % 240)


def _reuters_copy(text: str, n: int, copy: int) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title, body = lines[0], lines[1:] or [lines[0]]
    rng = random.Random(n * 31 + copy)
    date = _story_date(body[0], n) + dt.timedelta(days=365 * copy + rng.randint(-3, 3))
    source = SOURCES[(n + copy) % len(SOURCES)]
    front = ["---", f"title: {_yaml_text(title)}", f"date: {date.isoformat()}", f"source: {source}", "---"]
    return "\n".join(front) + "\n\n" + "\n\n".join(body) + "\n"


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_reuters(job: tuple[Path, int, int, Path]) -> int:
    folder, number, count, source = job
    stories = sorted(source.glob("reut_*.txt"))
    sub = _folder(folder, number)
    sub.mkdir(parents=True, exist_ok=True)
    first = number * PER_FOLDER
    for n in range(first, first + count):
        story, copy = n % len(stories), n // len(stories)
        text = stories[story].read_text(encoding="utf-8", errors="replace")
        (sub / f"wire-{n:06}.md").write_text(_reuters_copy(text, story, copy), encoding="utf-8")
    return count


def make_reuters_corpus(count: int, folder: Path, source: Path | None = None) -> None:
    """Write *count* files of real wire copy into *folder*. Raises FileNotFoundError without the data."""
    source = source or reuters_dir()
    if source is None:
        raise FileNotFoundError(f"no Reuters stories in {data_dir() / 'reuters-dev'} (set BRIEFING_DATA)")
    _run(_write_reuters, _jobs(count, folder, source))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=20241130)
    parser.add_argument("--reuters", action="store_true", help="real wire stories, repeated, instead of generated text")
    args = parser.parse_args()
    if args.reuters:
        try:
            make_reuters_corpus(args.count, args.folder)
        except FileNotFoundError as exc:
            parser.exit(1, f"{exc}\n")
        print(f"wrote {args.count} wire stories to {args.folder}")
    else:
        make_corpus(args.count, args.folder, args.seed)
        print(f"wrote {args.count} briefings to {args.folder}")


if __name__ == "__main__":
    main()
