"""The key-points sidebar: the article's key points, then its facts, each linked to its sentence."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.model import FACT_GROUPS, Anchor, Article, Fact
from briefing.state import Mark
from briefing.tui.look import Glyphs, glyphs_of



def mark_sign(mark: str, glyphs: Glyphs) -> str:
    """Signs and words, not colours, so a mark shows on any terminal."""
    if mark not in ("verified", "disputed"):
        return ""
    return f"{getattr(glyphs, mark)} {mark}: "


def fact_label(fact: Fact) -> str:
    if fact.attribution:
        return f"{fact.text} (according to {fact.attribution.removeprefix('the ')})"
    return fact.text


class KeyPointsPanel(OptionList):
    """Key points and facts; `enter` shows the sentence each one comes from."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next point", show=False, id="points.next"),
        Binding("k", "cursor_up", "Previous point", show=False, id="points.previous"),
        Binding("enter", "select", "Show in article", id="points.show"),
        Binding("v", "mark('verified')", "Verified", id="points.verified"),
        Binding("x", "mark('disputed')", "Disputed", id="points.disputed"),
    ]

    class Jump(Message):
        """The user asked to see where a key point or fact stands in the article."""

        def __init__(self, anchor: Anchor) -> None:
            super().__init__()
            self.anchor = anchor

    class Marked(Message):
        """The user marked a key point verified or disputed (pressing it again clears it)."""

        def __init__(self, point: str, mark: Mark) -> None:
            super().__init__()
            self.point = point
            self.mark = mark

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._anchors: dict[str, Anchor] = {}
        self._points: dict[str, str] = {}
        self.article: Article | None = None

    @staticmethod
    def _heading(text: str) -> Option:
        # Headings are the only disabled options; their look is in key_points.tcss.
        return Option(Text(text), disabled=True)

    def show(self, article: Article | None, marks: dict[str, Mark] | None = None) -> None:
        """List *article*'s key points, with the analyst's *marks*, and its facts."""
        marks = marks or {}
        keep = self.highlighted if article is self.article else None
        self.article = article
        self._anchors = {}
        self._points = {}
        options: list[Option | None] = []
        glyphs = glyphs_of(self)
        if article is not None:
            points = article.key_points
            if points:
                given = points[0].origin == "given"
                options.append(self._heading("From the article" if given else "Extracted from the text"))
            for n, point in enumerate(points):
                # Given points are the article's words; extracted ones are
                # the reader's pick of its sentences: the marker tells which.
                marker = (glyphs.bullet if point.origin == "given" else glyphs.extracted) + " "
                mark = mark_sign(marks.get(point.text, ""), glyphs)
                self._points[f"point-{n}"] = point.text
                options.append(self._option(f"point-{n}", marker + mark + point.text, point.anchor))
            for kind, title in FACT_GROUPS:
                facts = [f for f in article.facts if f.kind == kind]
                if not facts:
                    continue
                options.append(self._heading(title))
                for n, fact in enumerate(facts):
                    options.append(self._option(f"{kind}-{n}", f"{glyphs.fact} " + fact_label(fact), fact.anchor))
        if not options:
            message = "No key points in this article." if article else ""
            options.append(Option(Text(message), disabled=True))
        self.set_options(options)
        self.highlighted = keep

    def action_mark(self, mark: Mark) -> None:
        option = self.highlighted_option
        point = self._points.get(option.id or "") if option else None
        if point is None:
            self.notify("Move to a key point to mark it.", timeout=3)
            return
        self.post_message(self.Marked(point, mark))

    def _option(self, option_id: str, text: str, anchor: Anchor | None) -> Option:
        if anchor is not None:
            self._anchors[option_id] = anchor
        return Option(Text(text), id=option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        anchor = self._anchors.get(event.option.id or "")
        if anchor is None:
            self.notify("This key point has no matching sentence in the article.", timeout=3)
            return
        self.post_message(self.Jump(anchor))
