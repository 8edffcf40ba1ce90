"""How the reader draws what is not the article's own text: marks in Unicode or plain ASCII, and dates.

The Linux console's font and old terminals lack stars, arrows and box
drawing; with ``--ascii`` every mark has a plain stand-in. The choice is one
:class:`Look`, made once from the settings and handed to every widget and
screen that draws a mark or a date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from textual.scrollbar import ScrollBar, ScrollBarRender

from briefing.model import Entry


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
    # A row picked out by the config's highlight rules, and a row inside a selection (V).
    highlighted: str = "\u25c6"
    selected: str = "\u2503"


UNICODE = Glyphs(
    cursor="\u25b6", unread="\u25cf", starred="\u2605", flagged="\u2691", noted="\u270e",
    bullet="\u2022", extracted="\u2218", fact="\u00b7", quote="\u2502", ellipsis="\u2026",
    separator=" \u00b7 ", dash=" \u2014 ", verified="\u2713", disputed="\u2717", down="\u2193", up="\u2191",
)
ASCII = Glyphs(
    cursor=">", unread="+", starred="*", flagged="!", noted="n",
    bullet="*", extracted="o", fact="-", quote="|", ellipsis="...",
    separator=" | ", dash=" -- ", verified="+", disputed="x", down="down", up="up",
    highlighted="#", selected="|",
)


@dataclass(frozen=True)
class Look:
    """The marks to draw with and the user's date format."""

    glyphs: Glyphs = UNICODE
    date_format: str = "%Y-%m-%d"

    @classmethod
    def of(cls, ascii: bool, date_format: str) -> Look:
        return cls(ASCII if ascii else UNICODE, date_format)

    @property
    def ascii(self) -> bool:
        return self.glyphs is ASCII

    def date(self, date: dt.date | None) -> str:
        return date.strftime(self.date_format) if date else ""

    def title(self, text: str) -> str:
        """A title or snippet for display: the ellipsis a derived title or a snippet
        ends with is the reader's own mark, so it follows ``--ascii`` too."""
        return text if not self.ascii else text.replace(UNICODE.ellipsis, self.glyphs.ellipsis)

    def byline(self, entry: Entry) -> str:
        """Source and date (as the user formats dates), or the file's path when neither is known."""
        return self.glyphs.separator.join(p for p in (entry.source, self.date(entry.date)) if p) or entry.rel

    def apply(self) -> None:
        """What cannot be passed to a widget: scroll bars are drawn by one renderer for the class.

        Set either way, so that a process that runs one reader after another
        (the tests) draws each in its own look.
        """
        ScrollBar.renderer = AsciiScrollBarRender if self.ascii else ScrollBarRender


class AsciiScrollBarRender(ScrollBarRender):
    """Scroll bars in whole cells: the eighth-block characters are not in basic fonts."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


def stylesheet_beside(module_file: str) -> str:
    """The ``.tcss`` file of the same name beside a widget's module: the widget's own styles."""
    return Path(module_file).with_suffix(".tcss").read_text(encoding="utf-8")
