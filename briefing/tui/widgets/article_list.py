"""The article list: a virtual list that draws only the rows on screen.

Textual's ListView, OptionList and DataTable build or measure every row up
front, which takes seconds at archive sizes; drawing rows on demand through
the line API keeps the first frame and every key press cheap at any length.
"""

from __future__ import annotations

from collections.abc import Sequence
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing.model import Entry
from briefing.state import ArticleState
from briefing.tui.look import UNICODE, Glyphs, Look, stylesheet_beside
from briefing.tui.messages import ArticleChosen, ArticleHighlighted, RowsShown

ROW_HEIGHT = 2
# Columns before the text: the cursor marker, the unread marker, a space.
MARGIN = 3


def fit(text: str, width: int, ellipsis: str = UNICODE.ellipsis) -> str:
    """*text* cut to *width* cells, with an ellipsis where it was cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(set_cell_size(text, max(width - len(ellipsis), 0)) + ellipsis, width)


def lead_to_hit(parts: list[tuple[str, bool]], context: int = 12, ellipsis: str = UNICODE.ellipsis) -> list[tuple[str, bool]]:
    """*parts* shortened at the front so the first hit shows in a narrow row."""
    if not parts or parts[0][1] or len(parts[0][0]) <= context:
        return parts
    head = parts[0][0][-context:]
    if " " in head:
        head = head[head.index(" ") + 1 :]
    return [(ellipsis + head, False), *parts[1:]]


def state_marks(state: ArticleState | None, glyphs: Glyphs = UNICODE) -> str:
    """Star, flag and note as characters, so they show without colour."""
    if state is None:
        return ""
    marks = (glyphs.starred if state.starred else "") + (glyphs.flagged if state.flagged else "") + (
        glyphs.noted if state.noted else "")
    return marks + " " if marks else ""


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """Titles with their source and date, two lines a row, one row highlighted."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    # The stylesheet names its widget itself.
    SCOPED_CSS = False
    BINDINGS = [
        Binding("down,j", "cursor_down", "Next", key_display="j", id="list.next"),
        Binding("up,k", "cursor_up", "Previous", key_display="k", id="list.previous"),
        Binding("home", "first", "First article", show=False, id="list.first"),
        Binding("end", "last", "Last article", show=False, id="list.last"),
        Binding("right_square_bracket", "page_down_list", "Page down the list", show=False, id="list.page_down"),
        Binding("left_square_bracket", "page_up_list", "Page up the list", show=False, id="list.page_up"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("V", "select_range", "Select a range", show=False, id="list.select",
                tooltip="Start (or end) a selection at this row; move to extend it; u marks it read or unread"),
        Binding("escape", "clear_selection", "Clear the selection", show=False, id="list.unselect"),
    ]

    COMPONENT_CLASSES = {
        "article-list--title",
        "article-list--unread",
        "article-list--marks",
        "article-list--meta",
        "article-list--cursor",
        "article-list--empty",
        "article-list--hit",
        "article-list--highlighted",
        "article-list--selected",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    def __init__(self, look: Look, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.look = look
        self._entries: Sequence[Entry] = ()
        # Search snippets by article path, shown on a row's second line.
        self._snippets: dict[str, list[tuple[str, bool]]] = {}
        self._states: dict[str, ArticleState] = {}
        # Paths the config's highlight rules pick out.
        self._highlighted: frozenset[str] = frozenset()
        # Where a selection (V) starts; it ends at the cursor.
        self.anchor: int | None = None
        self.empty_message = "Loading" + look.glyphs.ellipsis
        # The rows last said to be on screen (see RowsShown).
        self._rows_told: tuple = ()

    @property
    def entries(self) -> Sequence[Entry]:
        return self._entries

    @property
    def current(self) -> Entry | None:
        if 0 <= self.cursor < len(self._entries):
            return self._entries[self.cursor]
        return None

    def set_entries(
        self,
        entries: Sequence[Entry],
        empty_message: str,
        snippets: dict[str, list[tuple[str, bool]]] | None = None,
    ) -> None:
        """Show *entries*, keeping the highlighted one where it is still listed."""
        previous = self.current
        self._entries = entries
        self.anchor = None
        look = self.look
        self._snippets = {
            rel: lead_to_hit([(look.title(text), hit) for text, hit in parts], ellipsis=look.glyphs.ellipsis)
            for rel, parts in (snippets or {}).items()
        }
        self.empty_message = empty_message
        self.virtual_size = Size(self.size.width, len(entries) * ROW_HEIGHT)
        index = 0
        if previous is not None:
            index = next((i for i, e in enumerate(entries) if e.rel == previous.rel), 0)
        self.refresh()
        if entries:
            self.cursor = index
        self._rows_told = ()
        self.call_after_refresh(self._tell_rows)

    def add_snippets(self, snippets: dict[str, list[tuple[str, bool]]]) -> None:
        """Snippets made since the list was set (rows that came into view), by article path."""
        look = self.look
        for rel, parts in snippets.items():
            self._snippets[rel] = lead_to_hit([(look.title(t), hit) for t, hit in parts], ellipsis=look.glyphs.ellipsis)
        self.refresh()

    def rows_on_screen(self) -> list[Entry]:
        """The entries whose rows are in view, whole or in part."""
        top = int(self.scroll_offset.y) // ROW_HEIGHT
        bottom = (int(self.scroll_offset.y) + max(self.scrollable_content_region.height, 1) - 1) // ROW_HEIGHT
        return list(self._entries[top : bottom + 1])

    def _tell_rows(self) -> None:
        rows = self.rows_on_screen()
        told = (id(self._entries), tuple(e.rel for e in rows))
        if rows and told != self._rows_told:
            self._rows_told = told
            self.post_message(RowsShown(rows))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._tell_rows()

    def set_states(self, states: dict[str, ArticleState]) -> None:
        """Read marks, stars, flags and notes, by path; redrawn at once."""
        self._states = states
        self.refresh()

    def set_highlighted(self, rels: frozenset[str] | set[str]) -> None:
        self._highlighted = frozenset(rels)
        self.refresh()

    # A selection of rows

    def selection(self) -> list[Entry]:
        """The rows from the selection's start to the cursor; empty when nothing is selected."""
        if self.anchor is None or not self._entries:
            return []
        low, high = sorted((self.anchor, self.cursor))
        return list(self._entries[low:high + 1])

    def _selected(self, index: int) -> bool:
        return self.anchor is not None and min(self.anchor, self.cursor) <= index <= max(self.anchor, self.cursor)

    def action_select_range(self) -> None:
        self.anchor = None if self.anchor is not None else self.cursor
        self.refresh()
        if self.anchor is not None:
            self.notify("Selecting: move to extend, u marks the selection read or unread, esc clears it.",
                        timeout=4)

    def action_clear_selection(self) -> None:
        if self.anchor is not None:
            self.anchor = None
            self.refresh()

    # Drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        look = self.look
        glyphs = look.glyphs
        if not self._entries:
            if y == 0:
                style = base + self.get_component_rich_style("article-list--empty")
                return Strip([Segment(fit(self.empty_message, width, glyphs.ellipsis), style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        line = y + int(self.scroll_offset.y)
        index, part = divmod(line, ROW_HEIGHT)
        if index >= len(self._entries):
            return Strip.blank(width, base)
        entry = self._entries[index]
        state = self._states.get(entry.rel)
        unread = state is None or not state.read
        cursor = self.get_component_rich_style("article-list--cursor") if index == self.cursor else None
        if part == 0:
            style = base + self.get_component_rich_style("article-list--title")
            if unread:
                style += self.get_component_rich_style("article-list--unread")
            if entry.rel in self._highlighted:
                style += self.get_component_rich_style("article-list--highlighted")
            segments = [Segment(fit(look.title(entry.title), width - MARGIN, glyphs.ellipsis), style + cursor if cursor else style)]
        else:
            style = base + self.get_component_rich_style("article-list--meta")
            if cursor:
                style += cursor
            marks = state_marks(state, glyphs)
            if entry.rel in self._highlighted:
                marks = glyphs.highlighted + " " + marks
            segments = [Segment(marks, style + self.get_component_rich_style("article-list--marks"))] if marks else []
            room = width - MARGIN - cell_len(marks)
            snippet = self._snippets.get(entry.rel)
            if snippet:
                hit = style + self.get_component_rich_style("article-list--hit")
                parts = [Segment(t, hit if is_hit else style) for t, is_hit in snippet]
                segments += list(Segment.adjust_line_length(parts, max(room, 0), style))
            else:
                segments.append(Segment(fit(look.byline(entry), room, glyphs.ellipsis), style))
        row_style = style + cursor if cursor and part == 0 else style
        # Marker columns keep the selected row and unread articles visible without colour.
        selected = self._selected(index)
        lead = glyphs.cursor if index == self.cursor else (glyphs.selected if selected else " ")
        if part == 0:
            marker = lead + (glyphs.unread + " " if unread else "  ")
        else:
            marker = (glyphs.selected if selected else " ") + " " * (MARGIN - 1)
        return Strip([Segment(marker, row_style), *segments]).adjust_cell_length(width, row_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    # Moving

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._entries) - 1)) if self._entries else 0

    def watch_cursor(self, old: int, new: int) -> None:
        if self.anchor is not None:
            self.refresh()  # the selection grows or shrinks with the cursor
        self.refresh_lines(old * ROW_HEIGHT, ROW_HEIGHT)
        self.refresh_lines(new * ROW_HEIGHT, ROW_HEIGHT)
        self.scroll_to_region(
            Region(0, new * ROW_HEIGHT, 1, ROW_HEIGHT), animate=False, force=True, immediate=True
        )
        if (entry := self.current) is not None:
            self.post_message(ArticleHighlighted(new, entry))

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._entries) - 1

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_page_down_list(self) -> None:
        self.cursor += self._page_rows()

    def action_page_up_list(self) -> None:
        self.cursor -= self._page_rows()

    def action_open(self) -> None:
        if (entry := self.current) is not None:
            self.post_message(ArticleChosen(self.cursor, entry))

    def on_click(self, event: events.Click) -> None:
        index = (event.y + int(self.scroll_offset.y)) // ROW_HEIGHT
        if 0 <= index < len(self._entries):
            if index == self.cursor and event.chain > 1:
                self.action_open()
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._entries) * ROW_HEIGHT)
        self.call_after_refresh(self._tell_rows)
