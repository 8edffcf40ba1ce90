"""Running queries: ranked hits with highlighted snippets, and "did you mean"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import highlight, spelling
from whoosh import index as windex
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from briefing.search.query import SEARCH_FIELDS, ParsedQuery, QueryError, near_terms, parse_query

# Hits are marked with control characters, which cleaned article text never holds.
HIT_START = "\x02"
HIT_END = "\x03"


# "Did you mean" looks this many edits away, for words of this length at least
# (a two-letter word is one edit from dozens of others).
SUGGEST_DISTANCE = 2
SUGGEST_MIN_LETTERS = 4

# A last word being typed: after a space, "(" or a field's ":", two letters at least.
_LAST_WORD = re.compile(r"(?:^|[\s(:])([^\W\d_][\w'-]+)$")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


class _Marker(highlight.Formatter):
    between = " \u2026 "

    def format_token(self, text, token, replace=False):
        return HIT_START + highlight.get_text(text, token, replace) + HIT_END


@dataclass
class Hit:
    id: str
    path: str
    title: str
    score: float
    snippet: str  # with HIT_START / HIT_END around each hit

    @property
    def snippet_parts(self) -> list[tuple[str, bool]]:
        return snippet_parts(self.snippet)

    def to_json(self) -> dict[str, object]:
        plain = "".join(f"**{t}**" if hit else t for t, hit in self.snippet_parts)
        return {"id": self.id, "path": self.path, "title": self.title,
                "score": round(self.score, 4), "snippet": plain}


@dataclass
class Results:
    query: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    suggestion: str | None = None


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


class _Corrector(spelling.Corrector):
    """Words of one field near a misspelt one: nearest first, then the most frequent."""

    def __init__(self, reader: IndexReader, fieldname: str) -> None:
        self.reader = reader
        self.fieldname = fieldname

    def _suggestions(self, text, maxdist, prefix):
        if len(text) < SUGGEST_MIN_LETTERS:
            return
        seen: set[str] = set()
        for distance in range(1, maxdist + 1):
            for word in near_terms(self.reader, self.fieldname, text, distance, prefix) - seen:
                seen.add(word)
                frequency = self.reader.frequency(self.fieldname, word)
                # Higher is better: one edit less outweighs any frequency.
                yield -distance + frequency / (frequency + 1), word


class Engine:
    """Queries one index, opening a new searcher whenever another process has committed."""

    def __init__(self, ix: windex.Index) -> None:
        self.ix = ix
        self._searcher: Searcher | None = None

    @property
    def searcher(self) -> Searcher:
        # refresh() after another process's optimising commit can return
        # duplicate documents; a new searcher never does.
        if self._searcher is None or not self._searcher.up_to_date():
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self.ix.searcher()
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def search(self, text: str, limit: int | None = 50, by_date: bool = False) -> Results:
        """Ranked (BM25F) or newest-first results. Raises :class:`QueryError`."""
        searcher = self.searcher
        parsed = parse_query(text, searcher, self.ix.schema)
        if by_date:
            found = searcher.search(parsed.query, limit=limit, sortedby="date", reverse=True, terms=True)
        else:
            found = searcher.search(parsed.query, limit=limit, terms=True)
        found.fragmenter = highlight.ContextFragmenter(maxchars=200, surround=40)
        found.formatter = _Marker()
        results = Results(parsed, total=found.estimated_length() if not found.has_exact_length() else len(found))
        for hit in found:
            snippet = hit.highlights("body", top=2) or hit.highlights("title") or hit.get("body", "")[:160]
            snippet = " ".join(snippet.split())
            results.hits.append(Hit(hit["id"], hit["path"], hit["title"], hit.score or 0.0, snippet))
        if not results.hits:
            results.suggestion = self.suggest(parsed)
        return results

    def search_as_typed(self, text: str, limit: int | None = 50) -> Results:
        """As :meth:`search`, for a query still being typed.

        When the query as written finds nothing and ends in a word (no space
        after it yet), that word may be unfinished: it is tried as a prefix,
        so "Hezb" already lists the Hezbollah articles.
        """
        results = self.search(text, limit)
        if results.hits:
            return results
        match = _LAST_WORD.search(text)
        if not match or match.group(1).upper() in _OPERATORS:
            return results
        try:
            completed = self.search(text + "*", limit)
        except QueryError:
            return results
        return completed if completed.hits else results

    def suggest(self, parsed: ParsedQuery) -> str | None:
        """A corrected query from the index's own words, when one differs."""
        searcher = self.searcher
        reader = searcher.reader()
        correctors = {name: _Corrector(reader, name) for name in SEARCH_FIELDS}
        try:
            corrected = searcher.correct_query(
                parsed.query, parsed.text, correctors=correctors, maxdist=SUGGEST_DISTANCE, prefix=1
            )
        except Exception:
            return None
        if corrected.query != parsed.query and corrected.string != parsed.text:
            return corrected.string
        return None


__all__ = ["Engine", "Hit", "QueryError", "Results", "snippet_parts"]
