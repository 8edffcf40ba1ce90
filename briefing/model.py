"""The article model shared by the parser, the command line and the reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from briefing.sanitize import clean_field, clean_line, clean_text, shown_path

ParagraphKind = Literal["heading", "text", "quote", "list"]
KeyPointOrigin = Literal["given", "extracted"]
FactKind = Literal["figure", "date", "person", "place", "organisation"]
# How facts are grouped for a reader, in this order.
FACT_GROUPS: list[tuple[FactKind, str]] = [
    ("figure", "Figures"),
    ("date", "Dates"),
    ("person", "People"),
    ("place", "Places"),
    ("organisation", "Organisations"),
]


@dataclass(frozen=True, slots=True)
class Paragraph:
    kind: ParagraphKind
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}


@dataclass(frozen=True, slots=True, order=True)
class Anchor:
    """A sentence in the body: character offsets into one paragraph's text.

    Anchors sort in reading order.
    """

    paragraph: int
    start: int
    end: int

    def to_json(self) -> dict[str, int]:
        return {"paragraph": self.paragraph, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class KeyPoint:
    text: str
    origin: KeyPointOrigin = "given"
    # The body sentence the point was taken from, or that best supports it.
    anchor: Anchor | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "origin": self.origin,
            "anchor": self.anchor.to_json() if self.anchor else None,
        }


@dataclass(frozen=True, slots=True)
class Fact:
    """Something a reader scans for: a figure, a date or a name, and where it stands."""

    kind: FactKind
    text: str
    anchor: Anchor | None = None
    # Who the sentence credits for a figure ("the Syrian Observatory for Human Rights").
    attribution: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "text": self.text,
            "anchor": self.anchor.to_json() if self.anchor else None,
        }
        if self.attribution:
            data["attribution"] = self.attribution
        return data


@dataclass(frozen=True, slots=True)
class Dropped:
    """Text of the source left out of the article (a share bar, a sign-off, a tracking pixel), and why.

    The file is never changed; ``briefing parse --json`` lists these so that
    nothing leaves the article unseen. *line* is where it stands in the file
    (1-based, as an editor numbers lines), where the file has lines of its own.
    """

    text: str
    reason: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "reason": self.reason}
        if self.line is not None:
            data["line"] = self.line
        return data


@dataclass(frozen=True, slots=True)
class Dateline:
    """Where (and when, and by whom) a story was filed: "WASHINGTON, March 2 -", "LONDON (Reuters) -".

    It stays in the first paragraph's text, as written; *anchor* covers it
    there (its dash included), and the first sentence starts after it.
    """

    text: str
    place: str | None
    date: str | None
    agency: str | None
    anchor: Anchor

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "place": self.place,
            "date": self.date,
            "agency": self.agency,
            "anchor": self.anchor.to_json(),
        }


def byline(source: str | None, date: dt.date | None) -> list[str]:
    """Source and ISO date, where known."""
    return [p for p in (source, date.isoformat() if date else None) if p]


@dataclass(slots=True)
class Article:
    """One parsed briefing file.

    ``title_derived`` is true when the file had no title of its own and the
    title was made from the first body sentence.
    """

    path: Path
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    key_points: list[KeyPoint] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    tags: list[str] = field(default_factory=list)
    truncated: bool = False
    title_derived: bool = False
    warnings: list[str] = field(default_factory=list)
    # From a web page's or a message's metadata, where it gives them.
    author: str | None = None
    description: str | None = None
    dateline: Dateline | None = None
    dropped: list[Dropped] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Whatever made the article (a parser, a feed), its fields are safe to show.
        self.title = clean_field(self.title)
        self.source = clean_field(self.source) if self.source else self.source
        self.url = clean_line(self.url) if self.url else self.url
        self.tags = [clean_line(t) for t in self.tags]
        self.warnings[:] = [clean_line(w) for w in self.warnings]
        self.author = clean_field(self.author) if self.author else self.author
        self.description = clean_line(self.description) if self.description else self.description
        self.dropped = [Dropped(clean_text(d.text), clean_line(d.reason), d.line) for d in self.dropped]

    @property
    def headings(self) -> list[str]:
        return [p.text for p in self.paragraphs if p.kind == "heading"]

    @property
    def byline(self) -> list[str]:
        return byline(self.source, self.date)

    def anchor_text(self, anchor: Anchor) -> str:
        return self.paragraphs[anchor.paragraph].text[anchor.start : anchor.end]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": shown_path(self.path),
            "title": self.title,
            "title_derived": self.title_derived,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "url": self.url,
            "tags": list(self.tags),
            "key_points": [k.to_json() for k in self.key_points],
            "facts": [f.to_json() for f in self.facts],
            "paragraphs": [p.to_json() for p in self.paragraphs],
            "truncated": self.truncated,
            "warnings": list(self.warnings),
            "author": self.author,
            "description": self.description,
            "dateline": self.dateline.to_json() if self.dateline else None,
            "dropped": [d.to_json() for d in self.dropped],
        }


@dataclass(frozen=True, slots=True)
class Entry:
    """What the article list shows of one article, read from the catalogue, not the file."""

    rel: str
    path: Path
    title: str
    source: str | None = None
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    digest: str = ""
    # The story the article was grouped into when indexed (see briefing.stories).
    story: int | None = None

    def __post_init__(self) -> None:
        # Entries are read back from the catalogue, which another version may have written.
        object.__setattr__(self, "title", clean_field(self.title))
        if self.source:
            object.__setattr__(self, "source", clean_field(self.source))

    @property
    def byline(self) -> list[str]:
        return byline(self.source, self.date)

    @classmethod
    def of(cls, article: Article, root: Path, digest: str = "") -> Entry:
        from briefing.library import rel_of

        return cls(
            rel=rel_of(article.path, root),
            path=article.path,
            title=article.title,
            source=article.source,
            date=article.date,
            tags=tuple(article.tags),
            digest=digest,
        )


class UnreadableFile(Exception):
    """A file that cannot be read as a briefing at all (empty, binary, missing).

    The message is one line meant for the user; it names the file.
    """
