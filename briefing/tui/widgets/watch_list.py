"""The saved searches in place of the article list, each with its unread count, like a mail reader's folders."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from textual.binding import Binding
from textual.strip import Strip

from briefing.sanitize import clean_line
from briefing.tui.look import Look, stylesheet_beside
from briefing.tui.messages import WatchChosen, WatchRemoveAsked
from briefing.tui.widgets.article_list import MARGIN, fit
from briefing.tui.widgets.row_list import RowList

# The first row lists every article again.
ALL = ""


@dataclass(frozen=True)
class WatchRow:
    name: str  # ALL for the whole folder
    query: str
    filter: str
    unread: int | None  # None: not counted yet
    found: int | None
    problem: str | None = None


class WatchList(RowList):
    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("down,j", "cursor(1)", "Next", key_display="j", id="watches.next"),
        Binding("up,k", "cursor(-1)", "Previous", key_display="k", id="watches.previous"),
        Binding("enter", "choose", "List its articles", id="watches.open"),
        Binding("d,delete", "remove", "Remove", id="watches.remove"),
    ]
    COMPONENT_CLASSES = {"watch-list--name", "watch-list--unread", "watch-list--meta", "watch-list--cursor",
                         "watch-list--problem"}

    def __init__(self, look: Look, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.look = look
        self.rows: list[WatchRow] = []

    def set_rows(self, rows: list[WatchRow]) -> None:
        previous = self.current
        self.rows = rows
        self.fit_rows()
        if previous is not None:
            self.cursor = next((i for i, r in enumerate(rows) if r.name == previous.name), 0)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        glyphs = self.look.glyphs
        index, part = self.row_at(y)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        at_cursor = index == self.cursor
        cursor = self.get_component_rich_style("watch-list--cursor") if at_cursor else None
        unread = bool(row.unread)
        if part == 0:
            style = base + self.get_component_rich_style("watch-list--name")
            if unread:
                style += self.get_component_rich_style("watch-list--unread")
            if cursor:
                style += cursor
            count = "" if row.unread is None else f"{row.unread} unread"
            # Names and queries are kept clean when saved; one the file holds from elsewhere is cleaned here.
            name = "All articles" if row.name == ALL else clean_line(row.name)
            room = width - MARGIN - len(count) - 1
            text = fit(name, room, glyphs.ellipsis).ljust(max(room, 0)) + " " + count
            marker = (glyphs.cursor if at_cursor else " ") + (glyphs.unread + " " if unread else "  ")
            return Strip([Segment(marker, style), Segment(text, style)]).adjust_cell_length(width, style)
        style = base + self.get_component_rich_style("watch-list--problem" if row.problem else "watch-list--meta")
        if cursor:
            style += cursor
        if row.problem:
            text = row.problem
        elif row.name == ALL:
            text = f"{row.found} articles" if row.found is not None else ""
        else:
            shown = clean_line(row.query) + (f" [{row.filter}]" if row.filter != "all" else "")
            text = shown + (f"{glyphs.separator}{row.found} found" if row.found is not None else "")
        return Strip([Segment(" " * MARGIN, style), Segment(fit(text, width - MARGIN, glyphs.ellipsis), style)]
                     ).adjust_cell_length(width, style)

    def action_choose(self) -> None:
        if (row := self.current) is not None:
            self.post_message(WatchChosen(row.name))

    def action_remove(self) -> None:
        row = self.current
        if row is None or row.name == ALL:
            self.notify("Move to a saved search to remove it.", timeout=3)
            return
        self.post_message(WatchRemoveAsked(row.name))

