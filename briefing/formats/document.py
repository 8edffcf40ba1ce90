"""A briefing read from another format, written out as a Markdown briefing.

Web pages, email messages and feed items are each turned into a
:class:`Document`: the article's fields and its body as blocks that keep
their kind (heading, text, list, quote). A document becomes Markdown with
front matter, the one format the parser already reads, so the text that comes
out of a page or a message goes through the same rules as a briefing written
by hand; feed items are saved as exactly that text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

import yaml

from briefing.model import Dropped
from briefing.sanitize import clean_line

BlockKind = Literal["heading", "text", "list", "quote"]

# Bounds on what one document may carry into the parser, whatever the source.
MAX_BLOCKS = 5000
MAX_BLOCK_CHARS = 20_000
MAX_FIELD_CHARS = 500
MAX_TAGS = 20
MAX_KEY_POINTS = 20
MAX_DROPPED = 200


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # headings: 1 to 6


@dataclass(slots=True)
class Document:
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    # More front matter fields, kept in the file for the record (a feed item's feed and id).
    extra: dict[str, str] = field(default_factory=dict)

    def add(self, kind: BlockKind, text: str, level: int = 0) -> None:
        """Add a block of *text* (cleaned, one line); empty text and blocks past the bound are left out."""
        text = clean_line(text[: MAX_BLOCK_CHARS * 2])[:MAX_BLOCK_CHARS]
        if text and len(self.blocks) < MAX_BLOCKS:
            self.blocks.append(Block(kind, text, level))

    def drop(self, text: str, reason: str) -> None:
        text = clean_line(text[:1000])[:300]
        if text and len(self.dropped) < MAX_DROPPED and Dropped(text, reason) not in self.dropped:
            self.dropped.append(Dropped(text, reason))

    @property
    def text_chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    def front_matter(self) -> dict[str, object]:
        data: dict[str, object] = {}
        for name in ("title", "source", "url", "author", "description"):
            value = field_text(getattr(self, name))
            if value:
                data[name] = value
        if self.date:
            data["date"] = self.date.isoformat()
        tags = unique(field_text(t) for t in self.tags)[:MAX_TAGS]
        if tags:
            data["tags"] = tags
        points = unique(field_text(k, MAX_BLOCK_CHARS) for k in self.key_points)[:MAX_KEY_POINTS]
        if points:
            data["key_points"] = points
        for key, value in self.extra.items():
            if key not in data and field_text(value, 1000):
                data[key] = field_text(value, 1000)
        return data

    def to_markdown(self) -> str:
        """The document as a Markdown briefing: YAML front matter, then the body."""
        head = yaml.safe_dump(self.front_matter(), sort_keys=False, allow_unicode=True, width=1_000_000)
        return f"---\n{head}---\n\n{markdown_body(self.blocks)}"


def field_text(value: str | None, limit: int = MAX_FIELD_CHARS) -> str:
    if not value:
        return ""
    return clean_line(value[: limit * 2])[:limit]


def unique(items) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def markdown_body(blocks: list[Block]) -> str:
    parts: list[str] = []
    previous: BlockKind | None = None
    for block in blocks:
        text = escape(block.text)
        if block.kind == "heading":
            line = "#" * min(max(block.level, 1), 6) + " " + text
        elif block.kind == "list":
            line = "- " + text
        elif block.kind == "quote":
            line = "> " + text
        else:
            line = text
        # Items of one list, or paragraphs of one quote, stay together.
        joined = block.kind == previous and block.kind in ("list",)
        parts.append(("\n" if joined else "\n\n") + line if parts else line)
        previous = block.kind
    return "".join(parts) + "\n"


# Characters that start Markdown inline syntax (emphasis, code, links, HTML,
# entities, escapes) are escaped everywhere; a line's first characters are
# escaped where they would start a block (heading, list, quote, rule, fence).
_INLINE = re.compile(r"([\\`*_\[\]<&])")
_BLOCK_START = re.compile(r"^(?:([#>+=~|-])|(\d{1,9})([.)]))")


def escape(text: str) -> str:
    """*text* as Markdown that reads back as exactly this text."""
    text = _INLINE.sub(r"\\\1", text)
    return _BLOCK_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text)
