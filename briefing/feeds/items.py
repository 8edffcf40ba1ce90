"""A feed's bytes read into items, and an item written as a Markdown briefing.

RSS 0.9x, 1.0 and 2.0 and Atom are read by feedparser (which also cleans the
HTML in them); JSON Feed, which feedparser 6 does not read, by the standard
``json`` module. An item's summary becomes given key points only where the
format says it is a summary (Atom ``<summary>``, JSON Feed ``summary``): an
RSS ``<description>`` is as often the whole text or its first lines.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from briefing.formats.document import Document
from briefing.formats.html import web_url
from briefing.sanitize import clean_line

MAX_JSON_FEED_BYTES = 10 * 2**20


class NotAFeed(Exception):
    """Bytes that hold no feed; the message says what they look like."""


@dataclass
class Item:
    key: str  # what identifies the item across fetches: its GUID, else its link
    title: str | None = None
    link: str | None = None
    date: dt.date | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    summary: str | None = None  # text
    summary_marked: bool = False  # the format calls it a summary
    content_html: str | None = None  # the full text, where the feed carries it
    content_text: str | None = None
    description_html: str | None = None  # an RSS description: summary or text, nobody knows


@dataclass
class FeedData:
    title: str | None
    items: list[Item]
    warning: str | None = None


def read_feed(data: bytes, url: str, content_type: str = "") -> FeedData:
    """The feed in *data* (fetched from *url*). Raises :class:`NotAFeed` with a reason."""
    head = data[:2048].lstrip()
    if "json" in content_type.lower() or head.startswith(b"{"):
        return _json_feed(data)
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": url, "content-type": content_type or "application/xml"})
    problem = parsed.get("bozo_exception")
    if not parsed.version and not parsed.entries:
        if re.search(rb"<html|<!doctype html", head, re.IGNORECASE):
            raise NotAFeed("not a feed (the address gives a web page)")
        if problem is not None and _is_xml_error(problem):
            raise NotAFeed(f"malformed XML ({_xml_error(problem)})")
        raise NotAFeed("not a feed (neither RSS, Atom nor JSON Feed)")
    warning = None
    if problem is not None and _is_xml_error(problem):
        if not parsed.entries:
            raise NotAFeed(f"malformed XML ({_xml_error(problem)})")
        warning = f"malformed XML ({_xml_error(problem)}); {len(parsed.entries)} item(s) read by the lenient parser"
    atom = parsed.version.startswith("atom")
    items = [_feedparser_item(e, atom) for e in parsed.entries]
    return FeedData(_text(parsed.feed.get("title")), [i for i in items if i.key], warning)


def _is_xml_error(problem: Exception) -> bool:
    return type(problem).__name__ in ("SAXParseException", "SAXException", "ExpatError")


def _xml_error(problem: Exception) -> str:
    line = getattr(problem, "getLineNumber", lambda: None)()
    column = getattr(problem, "getColumnNumber", lambda: None)()
    message = getattr(problem, "getMessage", lambda: str(problem))()
    where = f"line {line}, column {column}: " if line is not None else ""
    return clean_line(f"{where}{message}")[:200]


def _feedparser_item(entry, atom: bool) -> Item:
    link = web_url(entry.get("link"))
    key = clean_line(str(entry.get("id") or ""))[:1000] or link or ""
    item = Item(key=key, title=_text(entry.get("title")), link=link, author=_text(entry.get("author")))
    parsed_date = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed_date:
        try:
            item.date = dt.datetime.fromtimestamp(calendar.timegm(parsed_date), dt.timezone.utc).date()
        except (OverflowError, ValueError, OSError):
            item.date = None
    item.tags = [t for t in (_text(tag.get("term") or tag.get("label")) for tag in entry.get("tags") or []) if t][:20]
    content = entry.get("content") or []
    if content:
        best = next((c for c in content if "html" in (c.get("type") or "")), content[0])
        if "html" in (best.get("type") or ""):
            item.content_html = best.get("value")
        else:
            item.content_text = best.get("value")
    detail = entry.get("summary_detail") or {}
    summary = entry.get("summary")
    if summary:
        if atom:
            item.summary, item.summary_marked = _as_text(summary, detail.get("type", "")), True
        else:
            item.description_html = summary if "html" in detail.get("type", "text/html") else None
            item.summary = _as_text(summary, detail.get("type", "text/html"))
    if not item.key and item.title:
        item.key = f"{item.title}|{item.date}"
    return item


def _json_feed(data: bytes) -> FeedData:
    if len(data) > MAX_JSON_FEED_BYTES:
        raise NotAFeed("JSON feed too large")
    try:
        feed = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise NotAFeed(f"malformed JSON ({clean_line(str(exc))[:120]})") from None
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise NotAFeed("not a feed (JSON, but not a JSON Feed)")
    items: list[Item] = []
    for raw in feed.get("items") or []:
        if not isinstance(raw, dict):
            continue
        link = web_url(_str(raw.get("url"))) or web_url(_str(raw.get("external_url")))
        key = clean_line(_str(raw.get("id")))[:1000] or link or ""
        item = Item(key=key, title=_text(_str(raw.get("title"))), link=link)
        authors = raw.get("authors") if isinstance(raw.get("authors"), list) else [raw.get("author")]
        names = [_text(_str(a.get("name"))) for a in authors if isinstance(a, dict)]
        item.author = ", ".join(n for n in names if n) or None
        for field_name in ("date_published", "date_modified"):
            try:
                item.date = dt.datetime.fromisoformat(_str(raw.get(field_name))).date()
                break
            except ValueError:
                continue
        tags = raw.get("tags") if isinstance(raw.get("tags"), list) else []
        item.tags = [t for t in (_text(_str(t)) for t in tags) if t][:20]
        item.content_html = _str(raw.get("content_html")) or None
        item.content_text = _str(raw.get("content_text")) or None
        summary = _text(_str(raw.get("summary")))
        if summary:
            item.summary, item.summary_marked = summary, True
        if item.key:
            items.append(item)
    return FeedData(_text(_str(feed.get("title"))), items)


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _text(value) -> str | None:
    return clean_line(str(value)[:2000])[:500] or None if value else None


def _as_text(value: str, kind: str) -> str | None:
    if "html" in kind:
        from lxml import etree
        from lxml.html import fragment_fromstring

        try:
            value = fragment_fromstring(value, create_parent="div").text_content()
        except (etree.LxmlError, ValueError):
            value = re.sub(r"<[^>]*>", " ", value)
    return clean_line(value[:20_000]) or None


def file_key(item: Item) -> str:
    """Ten hex digits of the item's key: the same item, the same file, whatever its title becomes."""
    return hashlib.sha256(item.key.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def document(item: Item, feed_title: str | None, feed_name: str, page: Document | None = None) -> Document:
    """The item as a document: its fields, its summary as key points where marked, and its text.

    The text is the feed's own where it carries it, else that of the linked
    *page* (read by the caller), else the summary or description.
    """
    doc = Document(
        title=item.title,
        date=item.date,
        source=feed_title or feed_name,
        url=item.link,
        author=item.author,
        tags=list(item.tags),
    )
    if item.summary and item.summary_marked:
        doc.key_points = [item.summary]
    if item.content_html:
        add_html(item.content_html, doc)
    elif item.content_text:
        for line in item.content_text.splitlines():
            doc.add("text", line)
    elif page is not None and page.blocks:
        doc.blocks = list(page.blocks)
        doc.author = doc.author or page.author
        doc.description = page.description
        doc.title = doc.title or page.title
    if not doc.blocks:
        # Nothing but the summary: it is the text, and no longer a key point of it.
        if item.description_html:
            add_html(item.description_html, doc)
        elif item.summary:
            doc.add("text", item.summary)
        if item.summary_marked and doc.blocks:
            doc.key_points = []
    return doc


def has_text(item: Item) -> bool:
    """True when the feed carries the item's text, not just a summary."""
    return bool(item.content_html or item.content_text)


def add_html(fragment: str, doc: Document) -> None:
    """An HTML fragment from a feed (already the article: no page around it) as blocks."""
    from lxml import etree
    from lxml.html import document_fromstring

    from briefing.formats import pagetext

    try:
        tree = document_fromstring(f"<html><body>{fragment}</body></html>")
    except (etree.LxmlError, ValueError):
        doc.add("text", re.sub(r"<[^>]*>", " ", fragment))
        return
    pagetext.visible_text(tree, doc)
