"""The key-points sidebar: the article's key points, then its facts, each linked to its sentence."""

from __future__ import annotations

import re

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.model import FACT_GROUPS, Anchor, Article, Entry, Fact
from briefing.state import Mark
from briefing.stories.story import Additions
from briefing.tui.look import Glyphs, Look, stylesheet_beside
from briefing.tui.messages import PointMarked, RelatedChosen, SentenceWanted


def mark_sign(mark: str, glyphs: Glyphs) -> str:
    """Signs and words, not colours, so a mark shows on any terminal."""
    if mark not in ("verified", "disputed"):
        return ""
    return f"{getattr(glyphs, mark)} {mark}: "


def fact_label(fact: Fact) -> str:
    if fact.attribution:
        return f"{fact.text} (according to {fact.attribution.removeprefix('the ')})"
    return fact.text


# Put before a key point or fact no earlier article of the story carried.
NEW = "new: "


class KeyPointsPanel(OptionList):
    """Key points and facts, then related coverage; `enter` shows the sentence
    a point comes from, or opens the related article."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("j", "cursor_down", "Next point", show=False, id="points.next"),
        Binding("k", "cursor_up", "Previous point", show=False, id="points.previous"),
        Binding("enter", "select", "Show in article", id="points.show"),
        Binding("v", "mark('verified')", "Verified", id="points.verified"),
        Binding("x", "mark('disputed')", "Disputed", id="points.disputed"),
    ]

    def __init__(self, look: Look, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.look = look
        self._anchors: dict[str, Anchor] = {}
        self._points: dict[str, str] = {}
        self._related: dict[str, Entry] = {}
        self.article: Article | None = None

    @staticmethod
    def _heading(text: str) -> Option:
        # Headings are the only disabled options; their look is in key_points.tcss.
        return Option(Text(text), disabled=True)

    def show(
        self,
        article: Article | None,
        marks: dict[str, Mark] | None = None,
        related: list[Entry] | None = None,
        added: Additions | None = None,
    ) -> None:
        """List *article*'s key points, with the analyst's *marks*, its facts and its *related* coverage.

        Points and facts in *added* (new against the story's earlier articles)
        are marked new.
        """
        marks = marks or {}
        keep = self.highlighted if article is self.article else None
        self.article = article
        self._anchors = {}
        self._points = {}
        self._related = {}
        fresh = added if added is not None and not added.first else Additions(first=True)
        options: list[Option | None] = []
        glyphs = self.look.glyphs
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
                new = NEW if point.text in fresh.key_points else ""
                self._points[f"point-{n}"] = point.text
                options.append(self._option(f"point-{n}", marker + new + mark + point.text, point.anchor))
            for kind, title in FACT_GROUPS:
                facts = [f for f in article.facts if f.kind == kind]
                if not facts:
                    continue
                options.append(self._heading(title))
                for n, fact in enumerate(facts):
                    new = NEW if (fact.kind, fact.text) in fresh.facts else ""
                    options.append(self._option(f"{kind}-{n}", f"{glyphs.fact} {new}" + fact_label(fact), fact.anchor))
            if related:
                first = " (this is the first report)" if added is not None and added.first else ""
                options.append(self._heading(f"Related coverage: {len(related)}{first}"))
                for n, entry in enumerate(related):
                    self._related[f"related-{n}"] = entry
                    line = f"{glyphs.fact} {self.look.byline(entry)}\n  {self.look.title(entry.title)}"
                    options.append(Option(Text(line), id=f"related-{n}"))
        if not options:
            message = "No key points in this article." if article else ""
            options.append(Option(Text(message), disabled=True))
        self.set_options(options)
        self.highlighted = keep

    def highlighted_name(self) -> str | None:
        """The person, place or organisation the highlight is on, as the entity view knows it; else None."""
        option = self.highlighted_option
        kind, _, n = (option.id or "").rpartition("-") if option else ("", "", "")
        if self.article is None or kind not in ("person", "place", "organisation") or not n.isdigit():
            return None
        facts = [f for f in self.article.facts if f.kind == kind]
        if int(n) >= len(facts):
            return None
        # "Hayat Tahrir al-Sham (HTS)" is the long form, with its acronym.
        return re.sub(r"\s*\([A-Z]{2,6}\)$", "", facts[int(n)].text)

    def action_mark(self, mark: Mark) -> None:
        option = self.highlighted_option
        point = self._points.get(option.id or "") if option else None
        if point is None:
            self.notify("Move to a key point to mark it.", timeout=3)
            return
        self.post_message(PointMarked(point, mark))

    def _option(self, option_id: str, text: str, anchor: Anchor | None) -> Option:
        if anchor is not None:
            self._anchors[option_id] = anchor
        return Option(Text(text), id=option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self._related.get(event.option.id or "")
        if entry is not None:
            self.post_message(RelatedChosen(entry))
            return
        anchor = self._anchors.get(event.option.id or "")
        if anchor is None:
            self.notify("This key point has no matching sentence in the article.", timeout=3)
            return
        self.post_message(SentenceWanted(anchor))
