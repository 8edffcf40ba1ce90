"""The key-points sidebar for the article shown."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.model import Article


class KeyPointsPanel(OptionList):
    """The article's key points, one option each, so they can be moved through."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next point", show=False),
        Binding("k", "cursor_up", "Previous point", show=False),
    ]

    def show(self, article: Article | None) -> None:
        options: list[Option | None] = []
        if article is not None:
            for n, point in enumerate(article.key_points):
                # Given points are the article's own words; the marker tells
                # them apart from points the reader extracts.
                marker = "\u2022 " if point.origin == "given" else "\u2218 "
                if options:
                    options.append(None)
                options.append(Option(Text(marker + point.text), id=f"point-{n}"))
        if not options:
            message = "No key points in this article." if article else ""
            options.append(Option(Text(message), disabled=True))
        self.set_options(options)
        self.highlighted = None
