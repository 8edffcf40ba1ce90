"""How the reader draws what is not the article's own text: marks in Unicode or plain ASCII, and dates.

The Linux console's font and old terminals lack stars, arrows and box
drawing; with ``--ascii`` every mark has a plain stand-in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual._context import NoActiveAppError
from textual.scrollbar import ScrollBar, ScrollBarRender


@dataclass(frozen=True)
class Glyphs:
    cursor: str
    unread: str
    starred: str
    flagged: str
    noted: str
    bullet: str
    extracted: str
    fact: str
    quote: str
    ellipsis: str
    separator: str
    dash: str
    verified: str
    disputed: str
    down: str
    up: str


UNICODE = Glyphs(
    cursor="\u25b6", unread="\u25cf", starred="\u2605", flagged="\u2691", noted="\u270e",
    bullet="\u2022", extracted="\u2218", fact="\u00b7", quote="\u2502", ellipsis="\u2026",
    separator=" \u00b7 ", dash=" \u2014 ", verified="\u2713", disputed="\u2717", down="\u2193", up="\u2191",
)
ASCII = Glyphs(
    cursor=">", unread="+", starred="*", flagged="!", noted="n",
    bullet="*", extracted="o", fact="-", quote="|", ellipsis="...",
    separator=" | ", dash=" -- ", verified="+", disputed="x", down="down", up="up",
)


class AsciiScrollBarRender(ScrollBarRender):
    """Scroll bars in whole cells: the eighth-block characters are not in basic fonts."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


def use_ascii_scrollbars() -> None:
    # The renderer is chosen per class; one reader runs per process.
    ScrollBar.renderer = AsciiScrollBarRender


def glyphs_of(node) -> Glyphs:
    """The glyphs of the app *node* belongs to (Unicode outside one)."""
    try:
        return node.app.glyphs
    except (AttributeError, NoActiveAppError):
        return UNICODE


def date_of(node, date: dt.date | None) -> str:
    """*date* in the user's date format (ISO outside an app)."""
    if date is None:
        return ""
    try:
        return node.app.format_date(date)
    except (AttributeError, NoActiveAppError):
        return date.isoformat()


def titled(text: str, glyphs: Glyphs) -> str:
    """A title or snippet for display: the ellipsis a derived title or a snippet
    ends with is the reader's own mark, so it follows ``--ascii`` too."""
    return text if glyphs is UNICODE else text.replace(UNICODE.ellipsis, glyphs.ellipsis)
