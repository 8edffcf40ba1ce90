"""The reader's panes arranged for the terminal's width: which show, how wide, and where the focus goes.

The rules (:mod:`briefing.tui.layout`) are plain data; this puts them on the
screen and keeps the widths the user sets with ``<`` and ``>``.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen
from textual.widgets import Input

from briefing.tui.layout import DEFAULT_SHARES, MIN_SIDE, PANES, STEP, Layout, mode_for, side_widths
from briefing.tui.services.preferences import Preferences

# The widgets that can stand in the list's place.
LIST_PANES = ("articles", "watches")


class Panes:
    """The layout the user asked for, applied to *screen*'s panes (ids ``articles``, ``reader``, ``keypoints``)."""

    def __init__(self, screen: Screen, configured: dict[str, int], preferences: Preferences,
                 say: Callable[[str, str], None]) -> None:
        self.screen = screen
        self.layout = Layout()
        self.configured = configured
        self.preferences = preferences
        self.say = say
        # What stands in the list's place: the articles, or the saved searches (W).
        self.list_pane = "articles"
        # Side pane widths: the config file's, or those the user set with < and >, in columns.
        self.widths: dict[str, int] = dict(configured)
        for pane in DEFAULT_SHARES:
            value = preferences.chosen(f"width.{pane}", "widths", configured.get(pane))
            if value and value.isdigit():
                self.widths[pane] = int(value)

    @property
    def width(self) -> int:
        return self.screen.size.width or self.screen.app.size.width

    def visible(self) -> tuple[str, ...]:
        return self.layout.visible(self.width)

    def apply(self, width: int | None = None) -> None:
        width = width or self.width
        shown = self.layout.visible(width)
        widths = side_widths(shown, width, self.widths)
        for name in PANES:
            pane = self.screen.query_one(f"#{self._id(name)}")
            pane.display = name in shown
            if name != "reader":
                pane.styles.width = widths.get(name, "1fr")
        for other in LIST_PANES:
            if other != self.list_pane:
                self.screen.query_one(f"#{other}").display = False
        self.screen.set_class(len(shown) == 1, "-one-pane")
        focused = self.screen.focused
        ids = {self._id(name) for name in shown}
        if focused is None or focused.id not in ids and not isinstance(focused, Input):
            self.screen.query_one(f"#{self._id(shown[0])}").focus()

    def _id(self, pane: str) -> str:
        return self.list_pane if pane == "articles" else pane

    def use_list(self, pane: str) -> None:
        """Put *pane* (articles or watches) in the list's place, and the focus on it."""
        self.list_pane = pane
        self.back_to_list()
        self.screen.query_one(f"#{pane}").focus()

    def open_reader(self) -> None:
        """One pane at a time: the list gives way to the article."""
        if self.layout.single != "reader":
            self.layout.single = "reader"
            self.apply()

    def toggle_points(self) -> bool:
        """Key points in (or, when wide, out); whether they now show."""
        self.layout.points_toggled = not self.layout.points_toggled
        self.layout.focused_reading = False
        self.apply()
        return "keypoints" in self.visible()

    def toggle_focused_reading(self) -> bool:
        self.layout.focused_reading = not self.layout.focused_reading
        self.apply()
        return self.layout.focused_reading

    def back_to_list(self) -> None:
        self.layout.single = "articles"
        self.layout.points_toggled = self.layout.points_toggled and mode_for(self.width) == "wide"
        self.layout.focused_reading = False
        self.apply()

    def resize(self, pane: str, step: int) -> None:
        """Widen or narrow a side pane beside the reader; what the layout allows is kept for next time."""
        shown = self.visible()
        if pane not in shown or "reader" not in shown:
            self.say("No side pane beside the reading pane to resize at this width.", "information")
            return
        current = self.screen.query_one(f"#{self._id(pane)}").outer_size.width
        self.widths[pane] = max(MIN_SIDE, current + step * STEP)
        self.apply()
        self.widths[pane] = side_widths(shown, self.width, self.widths)[pane]
        problem = self.preferences.keep(f"width.{pane}", str(self.widths[pane]), self.configured.get(pane))
        if problem:
            self.say(problem, "warning")
