"""Snippets: the lines of a hit's text around the query's words, made only for the hits shown."""

from __future__ import annotations

from whoosh import highlight

from briefing.search.results import HIT_END, HIT_START
from briefing.search.schema import make_schema

# The start of a long article is enough to find the words in: highlighting
# re-reads the text word by word, and a 7 MB article would take seconds.
MAX_CHARS = 60_000
_analyzer = make_schema()["body"].analyzer


class _Marker(highlight.Formatter):
    between = " \u2026 "

    def format_token(self, text, token, replace=False):
        return HIT_START + highlight.get_text(text, token, replace) + HIT_END


_fragmenter = highlight.ContextFragmenter(maxchars=200, surround=40)
_formatter = _Marker()


def make_snippet(fields: dict, terms: set[str]) -> str:
    """The snippet of a document's stored *fields* for the query's indexed *terms*."""
    body = (fields.get("body") or "")[:MAX_CHARS]
    title = fields.get("title") or ""
    snippet = ""
    if terms:
        snippet = (highlight.highlight(body, terms, _analyzer, _fragmenter, _formatter, top=2)
                   or highlight.highlight(title, terms, _analyzer, _fragmenter, _formatter, top=1))
    snippet = snippet or body[:160]
    return " ".join(snippet.split())
