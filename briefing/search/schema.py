"""What the index holds of an article: its fields, and the document made from a parsed article."""

from __future__ import annotations

import datetime as dt
import hashlib

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, Schema

from briefing.model import Article
from briefing.search import codec  # noqa: F401  (posting blocks in pickle protocol 5)
from briefing.search.terms import StemmedText

# Raised whenever the fields or their meaning change: an index made with
# another version is rebuilt.
SCHEMA_VERSION = 5
INDEX_NAME = "articles"


def make_schema() -> Schema:
    # Every stem kept (a plain dict): the bounded cache's bookkeeping cost
    # more than the stemming it saved.
    text = StemmingAnalyzer(cachesize=-1)
    return Schema(
        id=ID(stored=True, unique=True),
        # Path and title are columns too: a result list of thousands of hits
        # reads them by document number from an array, without unpickling
        # each document's stored fields (which hold the whole body).
        path=ID(stored=True, sortable=True),
        title=StemmedText(analyzer=text, stored=True, field_boost=3.0, sortable=True),
        body=StemmedText(analyzer=text, stored=True),
        key_points=StemmedText(analyzer=text, stored=True, field_boost=1.5),
        source=KEYWORD(lowercase=True, stored=True, commas=False, scorable=True),
        tags=KEYWORD(lowercase=True, commas=True, stored=True, scorable=True),
        date=DATETIME(stored=True, sortable=True),
    )


def article_id(rel_path: str) -> str:
    return hashlib.sha256(rel_path.encode()).hexdigest()[:16]


def document(article: Article, rel: str) -> dict[str, object]:
    date = dt.datetime.combine(article.date, dt.time()) if article.date else None
    fields: dict[str, object] = {
        "id": article_id(rel),
        "path": rel,
        "title": article.title,
        "body": "\n".join(p.text for p in article.paragraphs),
        "key_points": "\n".join(k.text for k in article.key_points if k.origin == "given"),
        "source": article.source or "",
        "tags": ",".join(article.tags),
    }
    if date is not None:
        fields["date"] = date
    return fields
