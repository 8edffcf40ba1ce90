"""What the small lists share: rows of a fixed height drawn a line at a time, and a cursor that stays in view.

The saved searches, the entities and an entity's mentions are each a
:class:`RowList`: the subclass says how tall a row is and draws its lines;
moving, paging and scrolling behave the same in all three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView


class RowList(ScrollView, can_focus=True, inherit_bindings=False):
    ROW_HEIGHT = 2

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[object] = []

    @property
    def current(self):
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def fit_rows(self) -> None:
        """Tell the scroll view how tall the rows are: after rows come or go, and on a resize."""
        self.virtual_size = Size(0, len(self.rows) * self.ROW_HEIGHT)

    def row_at(self, y: int) -> tuple[int, int]:
        """The row drawn on line *y* of the view, and which of its lines."""
        return divmod(y + int(self.scroll_offset.y), self.ROW_HEIGHT)

    def cursor_moved(self, new: int) -> None:
        """Called after the cursor has moved and scrolled into view."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        height = self.ROW_HEIGHT
        self.refresh_lines(old * height, height)
        self.refresh_lines(new * height, height)
        self.scroll_to_region(Region(0, new * height, 1, height), animate=False, force=True, immediate=True)
        self.cursor_moved(new)

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, step: int) -> None:
        self.cursor += step * max(1, self.scrollable_content_region.height // self.ROW_HEIGHT - 1)

    def on_resize(self, event) -> None:
        self.fit_rows()


def iso_date(text: str) -> dt.date | None:
    """A stored ``YYYY-MM-DD`` as a date; None for anything else."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
