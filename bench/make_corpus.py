"""Write N deterministic briefing files for benchmarks.

    python bench/make_corpus.py N DIR [--seed S]

Words are drawn from a vocabulary with a Zipf-like frequency distribution
(a few very common words, a long tail of rare ones), so an index sees term
statistics close to real news copy. Each file is Markdown with front matter:
a title, a date, a source, tags and key points, then a body of 300 to 1,200
words in paragraphs. The same N, seed and code always give the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
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
        # Zipf weights (s = 1.07), drawn through cumulative weights.
        weights = [1.0 / (rank ** 1.07) for rank in range(1, len(self.words) + 1)]
        total = 0.0
        self.cumulative = []
        for w in weights:
            total += w
            self.cumulative.append(total)

    def word(self) -> str:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=1)[0]

    def sentence(self, length: int | None = None) -> str:
        rng = self.rng
        n = length or rng.randint(8, 26)
        words = [self.word() for _ in range(n)]
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

    def article(self, n: int, start: dt.date) -> str:
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


def make_corpus(count: int, folder: Path, seed: int = 20241130) -> None:
    """Write *count* files into *folder*, a hundred files per subfolder."""
    writer = Writer(seed)
    start = dt.date(2023, 1, 1)
    for n in range(count):
        sub = folder / f"{n // 1000:03}"
        if n % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"briefing-{n:06}.md").write_text(writer.article(n, start), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=20241130)
    args = parser.parse_args()
    make_corpus(args.count, args.folder, args.seed)
    print(f"wrote {args.count} briefings to {args.folder}")


if __name__ == "__main__":
    main()
