"""The reading pane: the article's title, details, subheadings and paragraphs."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from briefing.model import Article, Paragraph

_PREFIX = {"list": "\u2022 ", "quote": "\u2502 "}


def paragraph_widget(paragraph: Paragraph) -> Static:
    # Article text is passed as Text, never as a markup string, so "[bold]"
    # in an article is shown as written.
    text = Text(_PREFIX.get(paragraph.kind, "") + paragraph.text)
    return Static(text, classes=f"paragraph {paragraph.kind}")


class ReadingPane(VerticalScroll, inherit_bindings=False):
    """Scrolls through one article."""

    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll down", show=False),
        Binding("up,k", "scroll_up", "Scroll up", show=False),
        Binding("space,pagedown", "page_down", "Page down", key_display="space"),
        Binding("pageup,b", "page_up", "Page up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None

    def compose(self):
        yield Static(Text("Loading\u2026"), id="reader-placeholder", classes="placeholder")

    async def show(self, article: Article | None, empty_message: str = "") -> None:
        """Replace what the pane shows with *article* (or a message when None)."""
        self.article = article
        widgets: list[Static] = []
        if article is None:
            widgets.append(Static(Text(empty_message), classes="placeholder"))
        else:
            widgets.append(Static(Text(article.title), classes="title"))
            widgets.append(Static(Text(self.details(article)), classes="details"))
            widgets.extend(paragraph_widget(p) for p in article.paragraphs)
            if article.truncated:
                widgets.append(
                    Static(Text("[The text ends mid-sentence: this article is truncated.]"),
                           classes="notice")
                )
        async with self.batch():
            await self.remove_children()
            await self.mount_all(widgets)
        self.scroll_home(animate=False, immediate=True)

    @staticmethod
    def details(article: Article) -> str:
        parts = [article.source, article.date.isoformat() if article.date else None, article.path.name]
        return " \u00b7 ".join(p for p in parts if p)
