"""The reading pane: the article's title, details, subheadings and paragraphs."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from briefing.model import Anchor, Article, Paragraph

_PREFIX = {"list": "\u2022 ", "quote": "\u2502 "}


class ParagraphView(Static):
    """One paragraph; a span of it (a sentence) can be highlighted."""

    def __init__(self, paragraph: Paragraph) -> None:
        super().__init__(classes=f"paragraph {paragraph.kind}")
        self.paragraph = paragraph
        self.prefix = _PREFIX.get(paragraph.kind, "")
        self.show_span(None)

    def show_span(self, span: tuple[int, int] | None, style: Style | None = None) -> None:
        # Article text is passed as Text, never as a markup string, so "[bold]"
        # in an article is shown as written.
        text = Text(self.prefix + self.paragraph.text)
        if span is not None and style is not None:
            offset = len(self.prefix)
            text.stylize(style, span[0] + offset, span[1] + offset)
        self.update(text)

    def lines_before(self, offset: int) -> int:
        """How many wrapped lines come before character *offset* at the current width."""
        width = self.content_region.width or self.size.width
        if width <= 0 or offset <= 0:
            return 0
        head = Text(self.prefix + self.paragraph.text[:offset] + "x")
        return max(0, len(head.wrap(self.app.console, width)) - 1)


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

    COMPONENT_CLASSES = {"reading-pane--highlight"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.highlighted: Anchor | None = None
        self._paragraphs: list[ParagraphView] = []

    def compose(self):
        yield Static(Text("Loading\u2026"), id="reader-placeholder", classes="placeholder")

    async def show(self, article: Article | None, empty_message: str = "") -> None:
        """Replace what the pane shows with *article* (or a message when None)."""
        self.article = article
        self.highlighted = None
        self._paragraphs = []
        widgets: list[Static] = []
        if article is None:
            widgets.append(Static(Text(empty_message), classes="placeholder"))
        else:
            widgets.append(Static(Text(article.title), classes="title"))
            widgets.append(Static(Text(self.details(article)), classes="details"))
            self._paragraphs = [ParagraphView(p) for p in article.paragraphs]
            widgets.extend(self._paragraphs)
            if article.truncated:
                widgets.append(
                    Static(Text("[The text ends mid-sentence: this article is truncated.]"),
                           classes="notice")
                )
        async with self.batch():
            await self.remove_children()
            await self.mount_all(widgets)
        self.scroll_home(animate=False, immediate=True)

    def highlight(self, anchor: Anchor | None) -> None:
        """Highlight the sentence at *anchor* and scroll it into view; None clears."""
        if self.highlighted is not None and self.highlighted.paragraph < len(self._paragraphs):
            self._paragraphs[self.highlighted.paragraph].show_span(None)
        self.highlighted = None
        if anchor is None or not 0 <= anchor.paragraph < len(self._paragraphs):
            return
        view = self._paragraphs[anchor.paragraph]
        view.show_span((anchor.start, anchor.end), self.get_component_rich_style("reading-pane--highlight"))
        self.highlighted = anchor
        # Leave a line of context above the sentence.
        top = view.virtual_region.y + view.lines_before(anchor.start) - 1
        self.scroll_to(y=max(0, top), animate=False, immediate=True)

    @staticmethod
    def details(article: Article) -> str:
        parts = [article.source, article.date.isoformat() if article.date else None, article.path.name]
        return " \u00b7 ".join(p for p in parts if p)
