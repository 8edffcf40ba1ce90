"""Saved web pages: the article, not the page.

The main text is found by trafilatura, which leads the public
article-extraction benchmarks; its metadata reader gives the title, date,
author, site name, URL and description from Open Graph, JSON-LD and
``<meta>`` tags. Links keep their words but lose their targets; scripts,
styles and everything else that is not text never reach the body.

The work is bounded before it starts: the page is parsed once by lxml (C, fast
at any size), stripped of scripts, styles, images and other inert parts, and
handed to trafilatura only when what is left is small enough to be read in
about a second (trafilatura walks the tree in Python, and a hostile page of
100,000 tiny elements would take it a minute). A larger page is narrowed to
its ``<article>`` or ``<main>``, or else shown as its plain text, with a
warning.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from briefing.formats import pagetext
from briefing.formats.document import Document

# Elements that never carry article text.
_INERT = (
    "style", "svg", "math", "template", "iframe", "object", "embed", "canvas", "video", "audio",
    "picture", "source", "img", "map", "button", "select", "input", "textarea", "dialog", "noscript",
)
# Past these, trafilatura is not run on the page as it stands (measured:
# about 0.2 ms of trafilatura's time per element; the 91 dev pages have at
# most 1,500 elements left after stripping, 700 at the median).
MAX_ELEMENTS = 5000
MAX_TEXT_CHARS = 1_000_000
MAX_JSON_LD_CHARS = 200_000
_EXTRACTION = dict(
    with_metadata=True,
    include_comments=False,
    include_tables=True,
    include_links=False,
    include_images=False,
    favor_precision=True,
)


def extraction_options() -> dict[str, object]:
    """trafilatura's options as Briefing uses them (the bench runs the library with the same)."""
    return dict(_EXTRACTION)


def read_html(data: bytes, name: str, newsletter: bool = False) -> Document:
    """The article of the page *data* (the file *name*), with its metadata and any warnings.

    A *newsletter* (an email's HTML part) is read for recall rather than
    precision: it has no site around it, and every story in it counts. Where
    the extraction still leaves out much of its text, its visible text is used.
    """
    # Imported here: trafilatura takes a quarter of a second to import, and
    # most commands never read a page.
    import trafilatura
    from trafilatura.utils import load_html

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    doc = Document()
    try:
        tree = load_html(data)
    except (ValueError, TypeError, etree.LxmlError):
        tree = None
    if tree is None:
        doc.warnings.append(f"{name}: not an HTML page that can be read; shown as text")
        pagetext.plain_fallback(data, doc)
        return doc
    kind = pagetext.page_kind(tree)
    _strip(tree)
    elements = sum(1 for _ in tree.iter())
    text_chars = len(tree.text_content()) if elements else 0
    target = tree
    if elements > MAX_ELEMENTS or text_chars > MAX_TEXT_CHARS:
        target = _narrowed(tree)
        if target is None:
            doc.warnings.append(
                f"{name}: page too large to look for its article ({elements} elements, "
                f"{text_chars} characters of text); showing its text"
            )
            pagetext.metadata_only(tree, doc)
            pagetext.visible_text(tree, doc)
            return doc
    options = dict(_EXTRACTION, favor_precision=False, favor_recall=True) if newsletter else _EXTRACTION
    try:
        found = trafilatura.bare_extraction(target, **options)
    except Exception as exc:  # noqa: BLE001 - a library failure on one page must not stop a folder
        doc.warnings.append(f"{name}: the article could not be extracted ({type(exc).__name__}); showing the page's text")
        found = None
    if found is not None:
        _metadata(found, doc)
        if found.body is not None:
            _blocks(found.body, doc)
    else:
        pagetext.metadata_only(tree, doc)
    if newsletter:
        whole = Document()
        pagetext.visible_text(tree, whole)
        if doc.text_chars < 0.6 * whole.text_chars:
            doc.blocks = whole.blocks
        return doc
    if doc.text_chars < pagetext.MIN_ARTICLE_CHARS:
        doc.warnings.append(f"{name}: {pagetext.describe(kind)}; showing what text there is")
        if not doc.blocks:
            pagetext.visible_text(tree, doc)
    elif kind == "index" and _listy(doc) and "article" not in str(getattr(found, "pagetype", "") or "").lower():
        # Many article pages are mostly links around a short text; a front
        # page's extraction is itself a list of headlines.
        doc.warnings.append(f"{name}: {pagetext.describe(kind)}")
    _drop_title_heading(doc)
    return doc


def _listy(doc: Document) -> bool:
    listed = sum(len(b.text) for b in doc.blocks if b.kind in ("list", "heading"))
    return listed > 0.5 * doc.text_chars


def _strip(tree: HtmlElement) -> None:
    """Remove the page's inert parts in place; JSON-LD metadata is kept, bounded."""
    for script in tree.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json" or len(script.text or "") > MAX_JSON_LD_CHARS:
            script.text = None
    drop = [el for el in tree.iter(*_INERT)]
    drop += [el for el in tree.iter(etree.Comment, etree.ProcessingInstruction)]
    drop += [el for el in tree.iter("script") if not el.text]
    for el in drop:
        parent = el.getparent()
        if parent is None:
            continue
        # Keep the tail text (the words after the element) in place.
        if el.tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _narrowed(tree: HtmlElement) -> HtmlElement | None:
    """The page's single ``<article>`` or ``<main>`` when it is small enough alone, else None."""
    for tag in ("article", "main"):
        found = tree.xpath(f"//{tag}")
        if len(found) != 1:
            continue
        part = found[0]
        if sum(1 for _ in part.iter()) <= MAX_ELEMENTS and len(part.text_content()) <= MAX_TEXT_CHARS:
            from copy import deepcopy

            from lxml.html import fromstring

            page = fromstring("<html><head></head><body></body></html>")
            head = tree.find("head")
            if head is not None:
                page.replace(page.find("head"), deepcopy(head))
            alone = deepcopy(part)
            alone.tail = None
            page.find("body").append(alone)
            return page
    return None


def _metadata(found, doc: Document) -> None:
    doc.title = found.title or None
    doc.author = found.author or None
    doc.description = found.description or None
    doc.url = web_url(found.url)
    doc.source = found.sitename or found.hostname or None
    doc.date = iso_date(found.date)
    doc.tags = [c for c in (found.categories or []) if isinstance(c, str) and 0 < len(c) <= 60][:10]


def web_url(value: str | None) -> str | None:
    """*value* when it is an http(s) URL, else None (never a ``javascript:`` or ``data:`` URL)."""
    if not value or len(value) > 2000:
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _blocks(body, doc: Document) -> None:
    """trafilatura's output tree (head, p, list/item, quote, table, code) as blocks of their kind."""
    _container(body, doc, quoted=False)


def _container(el, doc: Document, quoted: bool) -> None:
    """A body or div: its blocks, and the loose text between them (trafilatura leaves some there)."""
    kind = "quote" if quoted else "text"
    if el.text and el.text.strip():
        doc.add(kind, el.text)
    for child in el:
        if child.tag != "lb":
            _block(child, doc, quoted)
        if child.tail and child.tail.strip():
            doc.add(kind, child.tail)


def _block(el, doc: Document, quoted: bool) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "head":
        level = _HEAD_LEVEL.match(el.get("rend") or "")
        doc.add("heading", _text(el), int(level.group(1)) if level else 2)
    elif tag == "list":
        for item in el:
            _list_item(item, doc)
    elif tag == "quote":
        if len(el) and all(isinstance(c.tag, str) and c.tag in ("p", "quote", "list") for c in el):
            for child in el:
                _block(child, doc, quoted=True)
        else:
            for part in _lines(el):
                doc.add("quote", part)
    elif tag == "table":
        # A table that holds paragraphs and headings is the page's layout (as
        # in most newsletters): its cells are read as containers. Otherwise
        # it is data, shown a row a line.
        layout = any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for cell in el.iter("cell") for c in cell)
        for row in el.findall("row"):
            if layout:
                for cell in row.findall("cell"):
                    _container(cell, doc, quoted)
                continue
            cells = [_text(c) for c in row.findall("cell")]
            doc.add("quote" if quoted else "text", " | ".join(c for c in cells if c))
    elif tag in ("div", "body"):
        _container(el, doc, quoted)
    elif tag == "graphic":
        return
    else:
        for part in _lines(el):
            doc.add("quote" if quoted else "text", part)


def _list_item(item, doc: Document) -> None:
    nested = [c for c in item if isinstance(c.tag, str) and c.tag == "list"]
    for c in nested:
        item.remove(c)
    doc.add("list", _text(item))
    for c in nested:
        for sub in c:
            _list_item(sub, doc)


def _lines(el) -> list[str]:
    """The text of *el*, split where the page broke its lines (``<br>``, which trafilatura keeps as lb)."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append(child.tail or "")
        else:
            parts[-1] += "".join(child.itertext()) + (child.tail or "")
    return [" ".join(p.split()) for p in parts if p.strip()]


_HEAD_LEVEL = re.compile(r"h([1-6])$")
_BLOCK_TAGS = frozenset({"head", "p", "list", "quote", "table", "div", "code"})


def _drop_title_heading(doc: Document) -> None:
    """The page's headline, repeated at the top of its text, is the title and not a heading."""
    if not doc.blocks:
        return
    first = doc.blocks[0]
    if first.kind == "heading" and doc.title and _same(first.text, doc.title):
        doc.blocks.pop(0)
    elif first.kind == "heading" and not doc.title:
        doc.title = doc.blocks.pop(0).text
    # A level-one heading inside the text would read as a second title.
    doc.blocks[:] = [b if not (b.kind == "heading" and b.level == 1) else type(b)(b.kind, b.text, 2) for b in doc.blocks]


def _same(a: str, b: str) -> bool:
    norm = lambda s: " ".join(re.findall(r"\w+", s.casefold()))  # noqa: E731
    return norm(a) == norm(b) or norm(b).startswith(norm(a)) and len(norm(a)) > 20
