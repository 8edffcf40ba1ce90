"""What a search returns: hits (whose snippets are made when they are shown) and what limited them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parser loads Whoosh: not needed to hold results
    from briefing.search.query import ParsedQuery

# Hits are marked with control characters, which cleaned article text never holds.
HIT_START = "\x02"
HIT_END = "\x03"


@dataclass
class Hit:
    id: str
    path: str
    title: str
    score: float
    # None until made: see Engine.snippets. With HIT_START / HIT_END around each hit.
    snippet: str | None = None
    # The document's number in the searcher that found it (see Results.searcher).
    docnum: int = -1

    @property
    def snippet_parts(self) -> list[tuple[str, bool]]:
        return snippet_parts(self.snippet or "")

    def to_json(self) -> dict[str, object]:
        plain = "".join(f"**{t}**" if hit else t for t, hit in self.snippet_parts)
        return {"id": self.id, "path": self.path, "title": self.title,
                "score": round(self.score, 4), "snippet": plain}


@dataclass
class Results:
    query: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    # Matching articles, counted or (for large result sets) estimated.
    total: int = 0
    suggestion: str | None = None
    # The time budget ran out: these are the best hits found before it did.
    partial: bool = False
    # More articles match than were returned (the limit): the best come first.
    limited: bool = False
    # Which searcher the hits' document numbers belong to.
    searcher: object = None

    @property
    def notes(self) -> list[str]:
        """What the user should be told besides the hits: limits applied, partial results."""
        notes = list(self.query.notes)
        if self.partial:
            notes.append("the search took too long: these are the best results found in time")
        if self.limited:
            notes.append(f"the best {len(self.hits):,} of about {self.total:,} matching articles")
        return notes


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """Split a marked snippet into (text, is_hit) pieces."""
    parts: list[tuple[str, bool]] = []
    for n, chunk in enumerate(snippet.split(HIT_START)):
        if n == 0:
            parts.append((chunk, False))
            continue
        hit, _, rest = chunk.partition(HIT_END)
        parts.append((hit, True))
        if rest:
            parts.append((rest, False))
    return [p for p in parts if p[0]]
