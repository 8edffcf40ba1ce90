"""Where a query's terms stand in a text, found with the index's own analyser."""

from __future__ import annotations

from whoosh.analysis import StemmingAnalyzer

_analyzer = StemmingAnalyzer()


def term_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """(start, end) of each word in *text* whose indexed form is one of *terms*."""
    if not terms or not text:
        return []
    return [
        (token.startchar, token.endchar)
        for token in _analyzer(text, chars=True, mode="index")
        if token.text in terms
    ]
