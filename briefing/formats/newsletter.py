"""What a newsletter wraps around its stories, taken out and listed; its stories made headings.

Newsletters open with "View this email in your browser" and close with an
unsubscribe link, a postal address and a copyright line; their HTML carries
tracking pixels; their plain text is wrapped at 72 columns with the links
spelled out. All of that is dropped from the body and listed under
``dropped`` with the reason. A newsletter that lists its stories first ("In
today's brief: 1. ... 2. ...") has that list as its given key points and each
story's title as a heading.
"""

from __future__ import annotations

import re

from briefing.formats.document import Block, Document

_VIEW_ONLINE = re.compile(
    r"\b(?:(?:view|read|open|see)\b(?:\s+(?:this|the|it|our))?(?:\s+(?:e-?mail|message|newsletter|issue|edition|version))?"
    r"\s+(?:in\s+(?:your|a|the)\s+(?:web\s+)?browser|online|on\s+(?:the|our)\s+(?:web|website|site))"
    r"|web\s+version|browser\s+version|trouble\s+(?:viewing|reading|seeing)|(?:not\s+)?display(?:ing)?\s+(?:correctly|properly))",
    re.IGNORECASE,
)
_UNSUBSCRIBE = re.compile(
    r"\b(?:unsubscribe|opt[\s-]?out|manage\s+(?:your\s+)?(?:subscriptions?|preferences|e-?mail\s+settings)"
    r"|update\s+(?:your\s+)?(?:e-?mail\s+|subscription\s+)?preferences|e-?mail\s+preferences"
    r"|stop\s+receiving|no\s+longer\s+(?:wish|want)\s+to\s+receive"
    # The same in the languages newsletters most often come in besides English.
    r"|d[ée]sinscri|d[ée]sabonner|abmelden|abbestellen|darse\s+de\s+baja|cancelar\s+(?:la\s+)?suscripci"
    r"|annulla(?:re)?\s+l'iscrizione|отписаться|отказаться\s+от\s+рассылки)",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"(?:you(?:'re|\s+are)\s+receiving\s+this|you\s+received\s+this|(?:this|the)\s+(?:e-?mail|message|newsletter)\s+was\s+sent"
    r"|sent\s+to\s+\S+@|our\s+mailing\s+address|copyright\s+(?:©|\(c\)|\d{4})|©\s*\d{4}|all\s+rights\s+reserved"
    r"|forward(?:ed)?\s+(?:this|to\s+a\s+friend)|add\s+us\s+to\s+your\s+address\s+book|privacy\s+policy"
    r"|was\s+this\s+(?:e-?mail|newsletter)\s+forwarded|sign\s+up\s+(?:here|for\s+(?:this|our))|subscribe\s+(?:here|now)"
    r"|follow\s+us\s+on|share\s+(?:this|on)\s+(?:e-?mail|twitter|facebook|linkedin|x\b))",
    re.IGNORECASE,
)
_CONTENTS = re.compile(
    r"^\W*(?:in\s+(?:today'?s|this|the)\s+(?:brief(?:ing)?|issue|edition|newsletter|e-?mail)|in\s+brief"
    r"|today'?s\s+(?:top\s+)?(?:stories|headlines|brief(?:ing)?|items)|top\s+stories|the\s+day'?s\s+(?:top\s+)?stories"
    r"|what'?s\s+inside|inside\s+(?:this|today'?s)\s+(?:issue|edition)|in\s+this\s+(?:issue|edition)"
    r"|also\s+in\s+this\s+issue|today\s+in\s+brief|headlines)\s*[:.\u2014-]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_URL = re.compile(r"<?\bhttps?://[^\s<>()\[\]]+>?|\(\s*https?://[^\s)]+\s*\)", re.IGNORECASE)
_LINK_LINE = re.compile(r"^\s*(?:\[\d+\]\s*)?(?:<)?https?://\S+(?:>)?\s*$", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|max-height\s*:\s*0", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf\u2013]|\d{1,2}[.)])\s+(.*)$")
_RULE = re.compile(r"^\s*([=\-_*~#])\1{2,}\s*$")
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:!?](?:\s|$))")
_INLINE_ITEMS = re.compile(r"(?:^|\s)\d{1,2}[.)]\s+")
# A block longer than this is story text, whatever words it contains.
_FURNITURE_WORDS = 60
_HEADING_WORDS = 16


def visible(text: str) -> str:
    """*text* without links and without the lines that only point elsewhere (a stub's test)."""
    lines = [ln for ln in text.splitlines() if not _LINK_LINE.match(ln)]
    lines = [ln for ln in lines if not (_VIEW_ONLINE.search(ln) or _UNSUBSCRIBE.search(ln))]
    return " ".join(_URL.sub(" ", "\n".join(lines)).split())


def from_plain_text(text: str, doc: Document) -> None:
    """Blocks from a text/plain body: wrapped lines joined, lists and quotes kept, links taken out."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if "-- " in lines:
        cut = lines.index("-- ")
        for line in lines[cut + 1 :]:
            doc.drop(line, "signature")
        lines = lines[:cut]
    for chunk in _paragraphs(lines):
        _plain_block(chunk, doc)


def _paragraphs(lines: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            chunks[-1].append(line.rstrip())
        elif chunks[-1]:
            chunks.append([])
    return [c for c in chunks if c]


def _plain_block(chunk: list[str], doc: Document) -> None:
    # A line underlined with ==== or ---- is a heading.
    if len(chunk) >= 2 and _RULE.match(chunk[1]) and not _RULE.match(chunk[0]):
        doc.add("heading", chunk[0], 2)
        chunk = chunk[2:]
        if not chunk:
            return
    chunk = [ln for ln in chunk if not _RULE.match(ln)]
    kept: list[str] = []
    for line in chunk:
        if _LINK_LINE.match(line):
            doc.drop(line, "link")
        else:
            kept.append(line)
    if not kept:
        return
    if all(ln.lstrip().startswith(">") for ln in kept):
        doc.add("quote", _unlinked(" ".join(ln.lstrip()[1:] for ln in kept), doc))
        return
    items: list[str] = []
    plain: list[str] = []
    for line in kept:
        bullet = _BULLET.match(line)
        if bullet and (items or not plain or plain[-1].endswith(":")):
            items.append(bullet.group(1))
        elif items:
            items[-1] += " " + line.strip()
        else:
            plain.append(line.strip())
    if plain:
        doc.add("text", _unlinked(" ".join(plain), doc))
    if len(items) == 1 and len(kept) == 1 and (n := _NUMBERED.match(kept[0])) and len(n.group(2).split()) <= _HEADING_WORDS:
        # "1. Ceasefire talks resume" alone: a numbered story title.
        doc.add("text", _unlinked(kept[0].strip(), doc))
        return
    for item in items:
        doc.add("list", _unlinked(item, doc))


def _unlinked(text: str, doc: Document) -> str:
    found: list[str] = []

    def cut(m: re.Match) -> str:
        found.append(m.group(0).strip("<>() "))
        return " "

    bare = _SPACE_BEFORE_STOP.sub(r"\1", " ".join(_URL.sub(cut, text).split()))
    for url in found:
        if _VIEW_ONLINE.search(text) and doc.url is None:
            from briefing.formats.html import web_url

            doc.url = web_url(url)
        doc.drop(url, "link")
    return bare


def from_html(html: str, doc: Document, name: str) -> None:
    """Blocks from a text/html body through the page extraction; tracking pixels listed as dropped."""
    from lxml import etree
    from lxml.html import HTMLParser, document_fromstring, tostring

    from briefing.formats.html import read_html, web_url

    try:
        tree = document_fromstring(html.encode("utf-8"), parser=HTMLParser(encoding="utf-8"))
    except (etree.LxmlError, ValueError):
        tree = None
    data = html.encode("utf-8")
    if tree is not None:
        for img in tree.iter("img"):
            if _is_pixel(img):
                doc.drop(img.get("src") or "(an image with no address)", "tracking pixel")
        for a in tree.iter("a"):
            if _VIEW_ONLINE.search(a.text_content() or "") and doc.url is None:
                doc.url = web_url(a.get("href"))
        # Text hidden from the reader (the "preheader" shown only in inbox
        # previews) is not part of the newsletter's body.
        hidden = [el for el in tree.iter() if isinstance(el.tag, str) and _HIDDEN_STYLE.search(el.get("style") or "")]
        for el in hidden:
            if el.getparent() is not None:
                doc.drop(el.text_content(), "hidden preview text")
                el.drop_tree()
        if hidden:
            data = tostring(tree, encoding="utf-8")
    page = read_html(data, name, newsletter=True)
    doc.blocks.extend(page.blocks)
    doc.warnings.extend(page.warnings)


def _is_pixel(img) -> bool:
    def small(value: str | None) -> bool:
        digits = re.match(r"\s*(\d+)", value or "")
        return digits is not None and int(digits.group(1)) <= 2

    style = (img.get("style") or "").replace(" ", "").lower()
    src = (img.get("src") or "").lower()
    return (
        small(img.get("width")) and small(img.get("height"))
        or "display:none" in style
        or re.search(r"width:[01]px", style) is not None
        or re.search(r"/(?:open|track|pixel|beacon)[\w./-]*\.(?:gif|png)|[?&](?:open|pixel)=", src) is not None
    )


def arrange(doc: Document) -> None:
    """Drop the furniture, take the list of stories as key points, make the stories' titles headings."""
    blocks = doc.blocks
    if doc.title and blocks and _norm(blocks[0].text) == _norm(doc.title):
        blocks.pop(0)
    kept: list[Block] = []
    footer_from = len(blocks) // 2
    in_footer = False
    for n, block in enumerate(blocks):
        reason = _furniture(block.text)
        if in_footer:
            doc.drop(block.text, reason or "footer")
            continue
        if reason:
            doc.drop(block.text, reason)
            in_footer = n >= footer_from and reason in ("unsubscribe", "footer")
            continue
        kept.append(block)
    if kept and _is_masthead(kept[0], doc):
        doc.drop(kept.pop(0).text, "masthead")
    contents, kept = _contents(kept)
    if contents:
        doc.key_points = contents
    doc.blocks = _story_headings(kept, contents)


def _is_masthead(block: Block, doc: Document) -> bool:
    """The newsletter's name (and often its date) above the first story."""
    if len(block.text.split()) > 14 or block.text.endswith((".", "!", "?")):
        return False
    text = _norm(block.text)
    names = [_norm(n) for n in [doc.source or "", *doc.tags] if n and "@" not in n]
    return any(n and n in text for n in names)


def _furniture(text: str) -> str | None:
    if len(text.split()) > _FURNITURE_WORDS:
        return None
    if _VIEW_ONLINE.search(text):
        return "view in browser"
    if _UNSUBSCRIBE.search(text):
        return "unsubscribe"
    if _FOOTER.search(text):
        return "footer"
    return None


def _contents(blocks: list[Block]) -> tuple[list[str], list[Block]]:
    """The list of stories after an "In today's brief" line, and the blocks without it."""
    for n, block in enumerate(blocks[: max(12, len(blocks) // 3)]):
        m = _CONTENTS.match(block.text)
        if not m or len(block.text.split()) > 40:
            continue
        rest = m.group("rest").strip()
        items = [i.strip(" ;,") for i in _INLINE_ITEMS.split(rest) if i.strip(" ;,")] if rest else []
        end = n + 1
        while end < len(blocks) and blocks[end].kind == "list":
            items.append(blocks[end].text)
            end += 1
        if len(items) >= 2:
            return [_NUMBERED.sub(r"\2", i) for i in items], blocks[:n] + blocks[end:]
    return [], blocks


def _story_headings(blocks: list[Block], contents: list[str]) -> list[Block]:
    """A short line naming a story (one of the contents, or a numbered title) becomes its heading."""
    wanted = [_norm(c) for c in contents]
    out: list[Block] = []
    for n, block in enumerate(blocks):
        text = block.text
        numbered = _NUMBERED.match(text)
        bare = numbered.group(2) if numbered else text
        short = len(bare.split()) <= _HEADING_WORDS
        followed = n + 1 < len(blocks) and blocks[n + 1].kind in ("text", "quote", "list")
        names_story = short and any(w and (_norm(bare) == w or _norm(bare).startswith(w) or w.startswith(_norm(bare)) and len(_norm(bare)) > 12) for w in wanted)
        if block.kind in ("text", "list") and followed and (names_story or numbered and short and not bare.endswith((".", ";", ","))):
            out.append(Block("heading", bare, 2))
        else:
            out.append(block)
    return out


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))
