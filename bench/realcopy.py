"""The labelled real-copy set: texts rebuilt from the real data, labels kept in the repository.

Each entry of ``tests/data/realcopy/labels.yaml`` names a real article (in
``bbc-dev``, ``reuters-dev`` or ``html-dev``) and a shape; this script makes
the text of that shape from the data, so no article text is copied into the
repository:

- ``clean``: a web article's headline and its true text (html-dev's
  ``articleBody``), paragraphs separated by blank lines;
- ``page``: the visible text of the saved page, one block a line, with the
  menus, share bars, captions, related links and footers a copy of the whole
  page brings along;
- ``wire``: a Reuters story as the wire sent it (headline, dateline, one
  paragraph a line, the sign-off);
- ``highlights``: a BBC article with a highlight block under its headline
  ("STORY HIGHLIGHTS", "Key takeaways", "TL;DR: ...", ...), made of the
  sentences its gold summary picked;
- ``item``: a one-paragraph item with no headline (a wire story's text on one
  line, or a BBC article's first paragraph).

Labels give line numbers of the built file (1-based, as an editor shows them):
``title_line``, ``body`` and ``highlights`` as ranges ("3-7,9"); every other
non-blank line is junk. ``sha`` is the start of the SHA-256 of the built text,
so a change in the data or in this builder is noticed, not scored.

    .venv/bin/python bench/realcopy.py [--out DIR]      # build and check the set
    .venv/bin/python bench/realcopy.py --draft ID       # draft labels for one entry (to review by hand)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.realdata import data_dir, missing  # noqa: E402

LABELS = ROOT / "tests" / "data" / "realcopy" / "labels.yaml"
SHAPES = ("clean", "page", "wire", "highlights", "item")
DATA_SETS = ("bbc-dev", "reuters-dev", "html-dev")


# --- the visible text of a saved page ---------------------------------------------------------

_INVISIBLE = {"script", "style", "noscript", "template", "svg", "head", "iframe", "select", "object", "canvas"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "base", "col", "embed", "param", "track"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "td", "th", "tr", "ul", "caption", "summary", "details", "option", "label",
}


class _VisibleText(HTMLParser):
    """Text a browser shows, one block element a line (a plain stand-in for a copy of the page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag in _BLOCK:
                self.parts.append("\n")
            return
        if tag in _INVISIBLE or self.hidden_depth or _hidden(attrs):
            self.hidden_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.hidden_depth:
            self.hidden_depth -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def _hidden(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name == "hidden" or name == "aria-hidden" and value == "true":
            return True
        if name == "style" and value and re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", value):
            return True
    return False


def visible_text(html: str) -> str:
    """The page's visible text: one line per block, spaces folded, no blank lines."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


# --- recipes ------------------------------------------------------------------------------------


def _read(path: Path) -> str:
    from briefing.decode import decode_bytes

    text, _ = decode_bytes(path.read_bytes(), path.name)
    return text


@lru_cache(maxsize=1)
def _ground_truth() -> dict[str, Any]:
    return json.loads((data_dir() / "html-dev" / "ground-truth.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def _page_text(page_id: str) -> str:
    raw = gzip.decompress((data_dir() / "html-dev" / "pages" / f"{page_id}.html.gz").read_bytes())
    return visible_text(raw.decode("utf-8", errors="replace"))


def _bbc(name: str) -> tuple[str, list[str], str]:
    """A BBC article's headline, paragraphs and gold summary."""
    folder = data_dir() / "bbc-dev"
    text = _read(folder / "articles" / f"{name}.txt")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    summary = _read(folder / "summaries" / f"{name}.txt")
    return blocks[0], blocks[1:], summary


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d]?\s+(?=[\"'\u201c]?[A-Z0-9])")


def _summary_sentences(paragraphs: list[str], summary: str) -> list[str]:
    """The article's sentences that the gold summary holds, in the article's order."""
    found = []
    for paragraph in paragraphs:
        for sentence in _SENTENCE_END.split(paragraph):
            sentence = sentence.strip()
            if sentence and sentence in summary:
                found.append(sentence)
    return found


def _reuters(name: str) -> list[str]:
    text = _read(data_dir() / "reuters-dev" / f"{name}.txt")
    return [line.strip() for line in text.split("\n") if line.strip()]


_SIGN_OFF = re.compile(r"^reuter\W*$", re.IGNORECASE)


def build_text(entry: dict[str, Any]) -> str:
    """The text of *entry*'s article in its shape."""
    shape = entry["shape"]
    kind, _, name = entry["source"].partition("/")
    if kind == "html-dev":
        if shape == "page":
            return _page_text(name)
        if shape == "clean":
            headline = _page_text(name).split("\n")[entry["headline_from_page_line"] - 1]
            body = _ground_truth()[name]["articleBody"].strip()
            paragraphs = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n|\n", body)]
            return headline + "\n\n" + "\n\n".join(p for p in paragraphs if p) + "\n"
    if kind == "reuters-dev":
        lines = _reuters(name)
        if shape == "wire":
            return "\n".join(lines) + "\n"
        if shape == "item":
            body = [line for line in lines[1:] if not _SIGN_OFF.match(line)]
            signoff = [lines[-1]] if entry.get("sign_off") and _SIGN_OFF.match(lines[-1]) else []
            return "\n".join([" ".join(body)] + signoff) + "\n"
    if kind == "bbc-dev":
        headline, paragraphs, summary = _bbc(name)
        if shape == "item":
            return paragraphs[0] + "\n"
        if shape == "clean":
            return headline + "\n\n" + "\n\n".join(paragraphs) + "\n"
        if shape == "highlights":
            chosen = _summary_sentences(paragraphs, summary)[: entry.get("count", 3)]
            header = entry["header"]
            if entry.get("inline"):
                block = [f"{header} {' '.join(chosen)}"]
            else:
                marker = entry.get("marker", "")
                block = [header] + [marker + s for s in chosen]
            return headline + "\n\n" + "\n".join(block) + "\n\n" + "\n\n".join(paragraphs) + "\n"
    raise ValueError(f"{entry['id']}: no recipe for shape {shape!r} from {kind}")


# --- labels ---------------------------------------------------------------------------------------


def parse_ranges(spec: str | int | None) -> set[int]:
    """Line numbers from "3-7,9" (or a single number)."""
    if spec is None or spec == "":
        return set()
    out: set[int] = set()
    for part in str(spec).split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        elif part:
            out.add(int(part))
    return out


def format_ranges(numbers: set[int]) -> str:
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)


@dataclass
class Labelled:
    """One built article with its labels, line by line."""

    entry: dict[str, Any]
    path: Path
    text: str
    # line number -> "title" | "body" | "highlights" | "junk" (blank lines left out)
    roles: dict[int, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.entry["id"]

    @property
    def shape(self) -> str:
        return self.entry["shape"]


def line_roles(entry: dict[str, Any], text: str) -> dict[int, str]:
    body = parse_ranges(entry.get("body"))
    highlights = parse_ranges(entry.get("highlights"))
    title_line = entry.get("title_line")
    roles = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if number == title_line:
            roles[number] = "title"
        elif number in highlights:
            roles[number] = "highlights"
        elif number in body:
            roles[number] = "body"
        else:
            roles[number] = "junk"
    return roles


def load_entries(labels: Path = LABELS) -> list[dict[str, Any]]:
    import yaml

    return yaml.safe_load(labels.read_text(encoding="utf-8"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def build(out: Path, labels: Path = LABELS) -> tuple[list[Labelled], list[str]]:
    """Write every entry's text to *out*; the built articles, and the entries whose text changed."""
    out.mkdir(parents=True, exist_ok=True)
    built, changed = [], []
    for entry in load_entries(labels):
        text = build_text(entry)
        if entry.get("sha") and digest(text) != entry["sha"]:
            changed.append(f"{entry['id']}: the built text is not the one labelled (sha {digest(text)})")
            continue
        path = out / f"{entry['id']}.txt"
        path.write_text(text, encoding="utf-8")
        built.append(Labelled(entry, path, text, line_roles(entry, text)))
    return built, changed


# --- drafting labels for a new entry (reviewed by hand before they go into labels.yaml) --------


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def draft(entry: dict[str, Any]) -> dict[str, Any]:
    """Labels guessed for *entry*: for html-dev, lines found in the page's true text are body."""
    text = build_text(entry)
    lines = text.split("\n")
    out = dict(entry)
    out["sha"] = digest(text)
    kind, _, name = entry["source"].partition("/")
    if kind == "html-dev":
        truth = _ground_truth()[name]["articleBody"]
        whole = _norm(truth)
        paragraphs = {_norm(p) for p in re.split(r"\n", truth) if p.strip()}
        body = set()
        start = 2 if entry["shape"] == "clean" else 1
        for number, line in enumerate(lines, start=1):
            key = _norm(line)
            if number >= start and key and (key in paragraphs or len(key) >= 30 and key in whole):
                body.add(number)
        out["body"] = format_ranges(body)
        if entry["shape"] == "clean":
            out["title_line"] = 1
    else:
        filled = [n for n in range(1, len(lines) + 1) if lines[n - 1].strip()]
        headed = entry["shape"] in ("wire", "clean", "highlights")
        if headed:
            out["title_line"] = 1
        highlights: set[int] = set()
        if entry["shape"] == "highlights":
            n = 3
            while n <= len(lines) and lines[n - 1].strip():
                highlights.add(n)
                n += 1
            out["highlights"] = format_ranges(highlights)
        out["body"] = format_ranges({n for n in filled if n not in highlights and not (headed and n == 1)
                                     and not _SIGN_OFF.match(lines[n - 1]) and lines[n - 1] != "More"})
    if kind == "reuters-dev":
        first_body = text.split("\n")[1 if entry["shape"] == "wire" else 0]
        m = re.match(r"^\W*(.+?)\s*-+\s", first_body)
        out["dateline"] = m.group(1) if m else None
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/briefing-realcopy"), help="where to write the texts")
    parser.add_argument("--draft", metavar="ID", help="print draft labels for the entry ID")
    args = parser.parse_args()
    reason = missing(*DATA_SETS)
    if reason:
        print(f"skipped: {reason}")
        return 0
    if args.draft:
        import yaml

        (entry,) = [e for e in load_entries() if e["id"] == args.draft]
        print(yaml.safe_dump([draft(entry)], sort_keys=False, allow_unicode=True, width=200))
        return 0
    built, changed = build(args.out)
    for line in changed:
        print(line)
    by_shape: dict[str, int] = {}
    for article in built:
        by_shape[article.shape] = by_shape.get(article.shape, 0) + 1
    print(f"{len(built)} articles in {args.out}: " + ", ".join(f"{n} {s}" for s, n in by_shape.items()))
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
