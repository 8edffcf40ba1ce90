"""An article's paragraphs as one widget that draws only the lines on screen.

A widget per paragraph costs a style pass, a layout slot and a render each
(a long article has dozens); wrapping the paragraphs once per width and
handing out lines on demand keeps opening an article cheap at any length.

Wrapping runs on the event loop, and an article of several megabytes takes
tens of seconds to wrap: so the paragraphs are wrapped a slice at a time
(:data:`SLICE_CHARS`), the keyboard served between slices, and the pane
grows as they are done. ``q`` works at once whatever the article.
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
# Characters wrapped before the keyboard is served again: some tens of milliseconds.
SLICE_CHARS = 8_000


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
        # The paragraphs wrapped so far at self._width, and whether the rest is on its way.
        self._done = 0
        self._at = 0
        self._continuing = False

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

    @property
    def complete(self) -> bool:
        """Whether every paragraph is wrapped at the current width."""
        return self._width == (self.content_region.width or self.size.width) and self._done == len(self.paragraphs)

    def lines(self) -> list[Strip]:
        """Every line of the article at the current width, as drawn."""
        width = self.content_region.width or self.size.width
        self._lay_out(width)
        self._wrap(width, len(self.paragraphs))
        return list(self._strips)

    def line_of(self, paragraph: int, offset: int) -> int:
        """The line, from the widget's top, that holds character *offset* of *paragraph*."""
        width = self.content_region.width or self.size.width
        self._lay_out(width)
        if paragraph < len(self.paragraphs):
            self._wrap(width, paragraph + 1)
        if not 0 <= paragraph < len(self._first_line):
            return 0
        kind = self.paragraphs[paragraph].kind
        head = Text(self.paragraphs[paragraph].text[:offset] + "x")
        wrapped = head.wrap(self.app.console, max(1, width - len(_leads(kind, self.look.glyphs)[0])))
        return self._first_line[paragraph] + max(0, len(wrapped) - 1)

    def _lay_out(self, width: int) -> list[Strip]:
        """The lines wrapped so far at *width*: at a new width, the first slice now and the rest to follow."""
        if width != self._width:
            self._width, self._strips, self._first_line, self._done, self._at = width, [], [], 0, 0
            self._wrap(width, len(self.paragraphs), SLICE_CHARS)
            self._follow_on()
        return self._strips

    def _follow_on(self) -> None:
        if self._done < len(self.paragraphs) and not self._continuing and self.is_attached:
            self._continuing = True
            # A timer, not a direct call: the keys already waiting are handled first.
            self.set_timer(0.001, self._next_slice)

    def _next_slice(self) -> None:
        self._continuing = False
        if self._width < 0 or self._done >= len(self.paragraphs):
            return
        self._wrap(self._width, len(self.paragraphs), SLICE_CHARS)
        self.refresh(layout=True)  # the pane's height grew
        self._follow_on()

    def _wrap(self, width: int, until: int, budget: int | None = None) -> None:
        """Wrap paragraphs from the first not yet done up to *until*, or until *budget* characters are.

        A paragraph longer than a slice (a dump, a one-line file) is wrapped a
        slice at a time too, cut at a space: its lines then break at each cut.
        """
        console = self.app.console
        base = self.rich_style
        glyphs = self.look.glyphs
        strips, first_line = self._strips, self._first_line
        spent = 0
        while self._done < min(until, len(self.paragraphs)) and (budget is None or spent < budget):
            index = self._done
            paragraph = self.paragraphs[index]
            first, after = _leads(paragraph.kind, glyphs)
            if self._at == 0:
                if index:
                    strips.append(Strip.blank(width, base))
                first_line.append(len(strips))
            style = base
            if paragraph.kind in ("heading", "quote", "list"):
                style = base + self.get_component_rich_style(f"article-text--{paragraph.kind}")
            start, end = self._at, _slice_end(paragraph.text, self._at)
            # Article text goes in as Text, never as markup: "[bold]" shows as written.
            text = Text(paragraph.text[start:end], style=style)
            for span_start, span_end, span_style in self._spans.get(index, []):
                if span_end > start and span_start < end:
                    text.stylize(span_style, max(0, span_start - start), min(end, span_end) - start)
            for n, line in enumerate(text.wrap(console, max(1, width - len(first)))):
                # Rendered pieces carry only their spans' styles: the paragraph's goes under them.
                body = Segment.apply_style(line.render(console), style)
                lead = first if n == 0 and start == 0 else after
                strips.append(Strip([Segment(lead, base), *body]).adjust_cell_length(width, base))
            spent += end - start + 1
            if end >= len(paragraph.text):
                self._done, self._at = index + 1, 0
            else:
                self._at = end


def _slice_end(text: str, start: int) -> int:
    """Where the slice of *text* from *start* ends: the end, or the first space after a slice's length."""
    if len(text) - start <= SLICE_CHARS:
        return len(text)
    space = text.find(" ", start + SLICE_CHARS, start + 2 * SLICE_CHARS)
    return space + 1 if space >= 0 else start + SLICE_CHARS
