"""An article's paragraphs as one widget that draws only the lines on screen.

A widget per paragraph costs a style pass, a layout slot and a render each
(a long article has dozens); wrapping the paragraphs once per width and
handing out lines on demand keeps opening an article cheap at any length.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from briefing.model import Paragraph
from briefing.tui.look import Glyphs, Look, stylesheet_beside

Span = tuple[int, int, Style]


def _leads(kind: str, glyphs: Glyphs) -> tuple[str, str]:
    """What a paragraph's first line and its other lines start with.

    Wrapped lines are indented under the text; a quote keeps its bar on every line.
    """
    if kind == "list":
        return f" {glyphs.bullet} ", "   "
    if kind == "quote":
        return (f" {glyphs.quote} ",) * 2
    return "", ""


class ArticleText(Widget):
    """Paragraphs with a blank line between them; spans (a sentence, search hits) styled."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    COMPONENT_CLASSES = {"article-text--heading", "article-text--quote", "article-text--list"}

    def __init__(self, paragraphs: list[Paragraph], look: Look) -> None:
        super().__init__()
        self.paragraphs = paragraphs
        self.look = look
        self._spans: dict[int, list[Span]] = {}
        self._width = -1
        self._strips: list[Strip] = []
        self._first_line: list[int] = []

    def set_spans(self, spans: dict[int, list[Span]]) -> None:
        """Style these spans of these paragraphs (by index), and no others."""
        if spans == self._spans:
            return
        self._spans = spans
        self._width = -1
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._width = -1  # a theme change restyles every line

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lay_out(width))

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width or self.size.width
        strips = self._lay_out(width)
        if 0 <= y < len(strips):
            return strips[y]
        return Strip.blank(width, self.rich_style)

    def lines(self) -> list[Strip]:
        """Every line of the article at the current width, as drawn."""
        return list(self._lay_out(self.content_region.width or self.size.width))

    def line_of(self, paragraph: int, offset: int) -> int:
        """The line, from the widget's top, that holds character *offset* of *paragraph*."""
        width = self.content_region.width or self.size.width
        self._lay_out(width)
        if not 0 <= paragraph < len(self._first_line):
            return 0
        kind = self.paragraphs[paragraph].kind
        head = Text(self.paragraphs[paragraph].text[:offset] + "x")
        wrapped = head.wrap(self.app.console, max(1, width - len(_leads(kind, self.look.glyphs)[0])))
        return self._first_line[paragraph] + max(0, len(wrapped) - 1)

    def _lay_out(self, width: int) -> list[Strip]:
        if width == self._width:
            return self._strips
        console = self.app.console
        base = self.rich_style
        glyphs = self.look.glyphs
        strips: list[Strip] = []
        first_line: list[int] = []
        for index, paragraph in enumerate(self.paragraphs):
            if index:
                strips.append(Strip.blank(width, base))
            first_line.append(len(strips))
            first, after = _leads(paragraph.kind, glyphs)
            style = base
            if paragraph.kind in ("heading", "quote", "list"):
                style = base + self.get_component_rich_style(f"article-text--{paragraph.kind}")
            # Article text goes in as Text, never as markup: "[bold]" shows as written.
            text = Text(paragraph.text, style=style)
            for start, end, span_style in self._spans.get(index, []):
                text.stylize(span_style, start, end)
            for n, line in enumerate(text.wrap(console, max(1, width - len(first)))):
                # Rendered pieces carry only their spans' styles: the paragraph's goes under them.
                body = Segment.apply_style(line.render(console), style)
                strips.append(Strip([Segment(first if n == 0 else after, base), *body]).adjust_cell_length(width, base))
        self._width, self._strips, self._first_line = width, strips, first_line
        return strips
