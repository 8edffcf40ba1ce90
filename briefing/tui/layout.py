"""Which panes the reader shows at a terminal width, and how wide.

Three panes need room: at 120 columns and more all three show; from 70 the
list and the reading pane, with the key points in place of the list on `K`;
below 70 one pane at a time. Focused reading (`z`) shows the reading pane
alone at any width. The rules are plain data here so they are tested without
a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDE_FROM = 120
TWO_PANES_FROM = 70
PANES = ("articles", "reader", "keypoints")

# Side panes take these shares of the width until the user sets a width in
# columns with `<` and `>` (in steps of STEP); the limits keep the reading
# pane readable.
DEFAULT_SHARES = {"articles": 0.3, "keypoints": 0.25}
# With one side pane beside the reader it gets a larger share.
ALONE_SHARE = 0.38
STEP = 4
MIN_SIDE = 20
MIN_READER = 30


def mode_for(width: int) -> str:
    """"wide" (three panes), "medium" (two) or "narrow" (one)."""
    if width >= WIDE_FROM:
        return "wide"
    if width >= TWO_PANES_FROM:
        return "medium"
    return "narrow"


@dataclass
class Layout:
    """What the user asked for; :meth:`visible` turns it into panes for a width."""

    # "K": the key points wanted (medium and narrow) or hidden (wide).
    points_toggled: bool = False
    focused_reading: bool = False
    # In one-pane mode: the pane shown when key points are not asked for.
    single: str = "articles"

    def visible(self, width: int) -> tuple[str, ...]:
        mode = mode_for(width)
        if self.focused_reading:
            return ("reader",)
        if mode == "wide":
            return ("articles", "reader") if self.points_toggled else PANES
        if mode == "medium":
            return ("reader", "keypoints") if self.points_toggled else ("articles", "reader")
        return ("keypoints",) if self.points_toggled else (self.single,)


def side_widths(shown: tuple[str, ...], screen_width: int, chosen: dict[str, int]) -> dict[str, int]:
    """Columns for each side pane shown beside the reader: the user's choice or
    the default share, within what leaves the reader its minimum."""
    if "reader" not in shown or len(shown) == 1:
        return {}
    sides = [p for p in shown if p != "reader"]
    widths = {}
    for pane in sides:
        share = DEFAULT_SHARES[pane] if len(sides) > 1 else ALONE_SHARE
        wanted = chosen.get(pane) or round(screen_width * share)
        widths[pane] = max(MIN_SIDE, wanted)
    # Give back from the widest side until the reader has its minimum.
    while screen_width - sum(widths.values()) < MIN_READER:
        widest = max(widths, key=widths.get)
        if widths[widest] <= MIN_SIDE:
            break
        widths[widest] -= 1
    return widths
