"""What a page is when it holds no article, and its text when no article is found.

A saved page that is not an article (a site's front page, a sign-in wall, an
empty shell that builds itself with JavaScript) still opens: with the text it
has and a warning that says what it looks like. Every function here walks the
tree once, so its cost stays in proportion to the page whatever the page holds.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from briefing.decode import decode_bytes
from briefing.formats.document import Document
from briefing.model import UnreadableFile

# Less article text than this (in characters) and the page is not taken for an article.
MIN_ARTICLE_CHARS = 250
# The share of a page's words inside links above which it reads as a list of links.
INDEX_LINK_SHARE = 0.65
# What the plain text of a page that holds no article may show at most.
MAX_VISIBLE_CHARS = 200_000
_HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "title"})
_BLOCKS = {
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
    "li": "list", "blockquote": "quote", "p": "text", "div": "text", "td": "text", "dd": "text", "dt": "text",
    "section": "text", "article": "text", "pre": "text", "caption": "text", "figcaption": "text",
    # Containers: only their own loose words are theirs; what they hold comes block by block.
    "ul": "text", "ol": "text", "dl": "text", "table": "text", "tbody": "text", "thead": "text",
    "tfoot": "text", "tr": "text", "th": "text", "nav": "text", "header": "text", "footer": "text",
    "main": "text", "aside": "text", "form": "text", "figure": "text", "fieldset": "text", "body": "text",
    "center": "text", "address": "text",
}
_APP_ROOTS = ("root", "app", "__next", "__nuxt", "svelte", "main-app")


def _walk(root):
    """(element, inside a quotation, hidden) for every element of *root*, in document order.

    One pass (lxml's iterwalk), so the cost stays linear however deep the page nests.
    """
    hidden = quotes = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _HIDDEN:
                hidden += 1
            if not hidden or tag in _HIDDEN and hidden == 1:
                yield el, quotes > 0, hidden > 0
            if tag == "blockquote":
                quotes += 1
        else:
            if tag in _HIDDEN:
                hidden -= 1
            if tag == "blockquote":
                quotes -= 1


_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]",
    smart_strings=False,
)
_LINK_TEXT = etree.XPath("//body//a//text()", smart_strings=False)


def page_kind(tree: HtmlElement) -> str:
    """'javascript', 'login', 'index' or 'page' (the last: nothing says it is not an article).

    Read with XPath (lxml's C code): the page is whole here, scripts included.
    """
    text_chars = sum(len(t.strip()) for t in _VISIBLE_TEXT(tree))
    if text_chars < 400:
        scripts = int(tree.xpath("count(//script)"))
        js_notice = any("javascript" in n.text_content()[:2000].lower() for n in tree.iter("noscript"))
        app_root = any(tree.xpath(f'//*[@id="{root}"][not(normalize-space())]') for root in _APP_ROOTS)
        if js_notice or app_root or scripts >= 3:
            return "javascript"
    if tree.xpath('boolean(//input[translate(@type, "PASWORD", "pasword")="password"])'):
        return "login"
    link_chars = sum(len(t.strip()) for t in _LINK_TEXT(tree))
    if text_chars and link_chars / text_chars > INDEX_LINK_SHARE and link_chars > 600:
        return "index"
    return "page"


def describe(kind: str) -> str:
    return {
        "javascript": "the page needs JavaScript to show its text (saved before it ran): no article in it",
        "login": "the page asks to sign in: no article in it",
        "index": "the page is mostly links (an index or front page), not one article",
    }.get(kind, "no article found in the page")


def metadata_only(tree: HtmlElement, doc: Document) -> None:
    """The page's title, date, site and description when its article could not be found."""
    from briefing.formats.html import iso_date, web_url

    try:
        from trafilatura import extract_metadata

        meta = extract_metadata(_metadata_tree(tree))
    except Exception:  # noqa: BLE001 - metadata is a bonus; the text still shows
        meta = None
    if meta is not None:
        doc.title = meta.title or None
        doc.author = meta.author or None
        doc.description = meta.description or None
        doc.url = web_url(meta.url)
        doc.source = meta.sitename or meta.hostname or None
        doc.date = iso_date(meta.date)
    if not doc.title:
        title = tree.find(".//title")
        if title is not None and title.text:
            doc.title = " ".join(title.text.split())[:300] or None


def _metadata_tree(tree: HtmlElement) -> HtmlElement:
    """The page's head, JSON-LD blocks and first headline alone: where metadata lives, and small
    whatever the page (trafilatura's metadata reader walks the whole tree, minutes on a huge one)."""
    from copy import deepcopy

    from lxml.html import fromstring

    small = fromstring("<html><head></head><body></body></html>")
    head = tree.find("head")
    if head is not None:
        small.replace(small.find("head"), deepcopy(head))
    body = small.find("body")
    for el in tree.xpath('//body//script[@type="application/ld+json"]')[:20] + tree.xpath("//h1")[:1]:
        copy = deepcopy(el)
        copy.tail = None
        body.append(copy)
    return small


def visible_text(tree: HtmlElement, doc: Document) -> None:
    """The page's visible text in reading order, block by block, each line once."""
    body = tree.find("body")
    root = body if body is not None else tree
    seen: set[str] = set()
    budget = MAX_VISIBLE_CHARS
    for el, quoted, hidden in _walk(root):
        tag = el.tag if isinstance(el.tag, str) else ""
        kind = _BLOCKS.get(tag)
        if kind is None or hidden:
            continue
        if quoted and kind == "text":
            kind = "quote"
        # A block's own words: its text and the words of inline children,
        # not those of nested blocks (they come as blocks of their own).
        parts = [el.text or ""]
        for child in el:
            if isinstance(child.tag, str) and child.tag not in _BLOCKS and child.tag not in _HIDDEN:
                parts.append(child.text_content()[:budget])
            parts.append(child.tail or "")
        text = " ".join("".join(parts).split())
        budget -= len(text) + 1
        if text and text not in seen:
            seen.add(text)
            doc.add(kind, text, 2 if kind == "heading" else 0)
        if budget <= 0 or len(doc.blocks) >= 2000:
            doc.warnings.append("only the start of the page's text is shown")
            break


def plain_fallback(data: bytes, doc: Document) -> None:
    """Bytes that are not HTML at all, shown as the text they decode to."""
    try:
        text, warnings = decode_bytes(data, "page")
    except UnreadableFile:
        return
    for line in text.split("\n"):
        doc.add("text", line)


