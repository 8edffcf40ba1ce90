"""One entity's mentions: each article naming it, newest first, with the sentence and the figures beside it.

Drawn through the line API, a row at a time, like the article list: an entity
named in a hundred thousand articles opens as fast as one named in three, and
the rows are read from the store a page at a time as the list is scrolled.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from briefing.entities.store import Row
from briefing.model import Entry
from briefing.tui.look import Look, stylesheet_beside
from briefing.tui.widgets.article_list import MARGIN, fit
from briefing.tui.widgets.row_list import RowList, iso_date

# More rows are asked for when the cursor comes this close to the last one read.
READ_AHEAD = 25


class MentionChosen(Message):
    def __init__(self, row: Row) -> None:
        super().__init__()
        self.row = row


class MoreWanted(Message):
    """The cursor nears the last row read: the next page, please."""


class MentionList(RowList):
    ROW_HEIGHT = 4
    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("down,j", "cursor(1)", "Next", key_display="j", id="mentions.next"),
        Binding("up,k", "cursor(-1)", "Previous", key_display="k", id="mentions.previous"),
        Binding("right_square_bracket,pagedown", "page(1)", "Page down", show=False, id="mentions.page_down"),
        Binding("left_square_bracket,pageup", "page(-1)", "Page up", show=False, id="mentions.page_up"),
        Binding("enter", "choose", "Open at the sentence", id="mentions.open"),
    ]
    COMPONENT_CLASSES = {"mention-list--title", "mention-list--meta", "mention-list--name",
                         "mention-list--cursor", "mention-list--empty"}

    def __init__(self, look: Look, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.look = look
        self.rows: list[Row] = []
        self.entries: Mapping[str, Entry] = {}
        self.more = False
        self.empty_message = ""
        self._wrapped: dict[tuple[int, int], list[str]] = {}

    def set_rows(self, rows: list[Row], entries: Mapping[str, Entry], more: bool, empty: str = "") -> None:
        self.rows, self.entries, self.more, self.empty_message = list(rows), entries, more, empty
        self._wrapped.clear()
        self.fit_rows()
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def add_rows(self, rows: list[Row], more: bool) -> None:
        self.rows.extend(rows)
        self.more = more
        self.fit_rows()
        self.refresh()

    # Drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        glyphs = self.look.glyphs
        if not self.rows:
            if y == 0 and self.empty_message:
                style = base + self.get_component_rich_style("mention-list--empty")
                return Strip([Segment(fit(self.empty_message, width, glyphs.ellipsis), style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        index, part = self.row_at(y)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        at_cursor = index == self.cursor
        cursor = self.get_component_rich_style("mention-list--cursor") if at_cursor else None
        room = max(width - MARGIN, 1)
        if part == 0:
            entry = self.entries.get(row.rel)
            style = base + self.get_component_rich_style("mention-list--title")
            head = glyphs.separator.join(p for p in (row.date and self.look.date(iso_date(row.date)),
                                                     entry.source if entry else None) if p)
            title = self.look.title(entry.title) if entry else row.rel
            text = f"{head}{glyphs.dash}{title}" if head else title
            if cursor:
                style += cursor  # the whole row, as the entity list's
            marker = glyphs.cursor if at_cursor else " "
            return Strip([Segment(marker + " " * (MARGIN - 1), style), Segment(fit(text, room, glyphs.ellipsis), style)]
                         ).adjust_cell_length(width, style)
        if part in (1, 2):
            lines = self._sentence_lines(index, row, room)
            text = lines[part - 1] if part - 1 < len(lines) else ""
            style = base + cursor if cursor else base
            name_style = style + self.get_component_rich_style("mention-list--name")
            return Strip([Segment(" " * MARGIN, style), *_marked(text, row.name, style, name_style)]
                         ).adjust_cell_length(width, style)
        style = base + self.get_component_rich_style("mention-list--meta")
        if cursor:
            style += cursor
        # Never blank: each row is its four lines, the muted one closing it.
        named = f"named in {row.count} sentences" if row.count > 1 else "named once"
        text = f"figures: {'; '.join(row.figures)}{glyphs.separator}{named}" if row.figures else named
        return Strip([Segment(" " * MARGIN, style), Segment(fit(text, room, glyphs.ellipsis), style)]
                     ).adjust_cell_length(width, style)

    def _sentence_lines(self, index: int, row: Row, width: int) -> list[str]:
        key = (index, width)
        lines = self._wrapped.get(key)
        if lines is None:
            wrapped = textwrap.wrap(row.sentence, width, break_long_words=True) or [""]
            lines = wrapped[:2]
            if len(wrapped) > 2:
                lines[1] = fit(lines[1] + " " + wrapped[2], width, self.look.glyphs.ellipsis)
                if not lines[1].endswith(self.look.glyphs.ellipsis):
                    lines[1] = fit(lines[1], max(width - len(self.look.glyphs.ellipsis), 1), "") + self.look.glyphs.ellipsis
            self._wrapped[key] = lines
        return lines

    # Moving

    def cursor_moved(self, new: int) -> None:
        if self.more and new >= len(self.rows) - READ_AHEAD:
            self.post_message(MoreWanted())

    def action_choose(self) -> None:
        if (row := self.current) is not None:
            self.post_message(MentionChosen(row))

    def on_resize(self, event) -> None:
        self.fit_rows()
        self._wrapped.clear()


def _marked(text: str, name: str, style: Style, name_style: Style) -> list[Segment]:
    """*text* with each whole-word *name* in it in *name_style*."""
    if not name or not text:
        return [Segment(text, style)]
    segments, at = [], 0
    for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
        if m.start() > at:
            segments.append(Segment(text[at:m.start()], style))
        segments.append(Segment(m.group(0), name_style))
        at = m.end()
    if at < len(text):
        segments.append(Segment(text[at:], style))
    return segments
