"""The reading pane: the article's title, details, subheadings and paragraphs."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from briefing.links import hyperlinks_supported, link
from briefing.model import Anchor, Article
from briefing.sanitize import escape_name
from briefing.tui.look import Look, stylesheet_beside
from briefing.tui.widgets.article_text import ArticleText

Span = tuple[int, int, Style]


class ReadingPane(VerticalScroll, inherit_bindings=False):
    """Scrolls through one article."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("space,pagedown", "page_down", "Page down", key_display="space", id="reader.page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="reader.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reader.bottom"),
    ]

    COMPONENT_CLASSES = {"reading-pane--highlight", "reading-pane--hit", "reading-pane--current-hit"}

    def __init__(self, look: Look, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.look = look
        self.article: Article | None = None
        self.highlighted: Anchor | None = None
        # Search hits in reading order, and the one n/N last moved to.
        self.hits: list[Anchor] = []
        self.hit_index: int | None = None
        self._body: ArticleText | None = None
        # A reading position to go back to, waiting for the layout to reach it.
        self._pending_offset: int | None = None

    def compose(self):
        yield Static(Text("Loading" + self.look.glyphs.ellipsis), id="reader-placeholder", classes="placeholder")

    async def show(self, article: Article | None, empty_message: str = "") -> None:
        """Replace what the pane shows with *article* (or a message when None)."""
        self.article = article
        self._pending_offset = None
        self.highlighted = None
        self.hits, self.hit_index = [], None
        self._body = None
        widgets: list[Widget] = []
        if article is None:
            widgets.append(Static(Text(empty_message), classes="placeholder"))
        else:
            widgets.append(Static(Text(self.look.title(article.title)), classes="title"))
            line = self.link_line(article)
            widgets.append(Static(Text(self.details(article)), classes="details" + (" -with-link" if line else "")))
            if line is not None:
                widgets.append(Static(line, classes="link"))
            widgets.append(Static(Text(""), classes="note"))
            widgets.append(Static(Text(""), classes="team"))
            self._body = ArticleText(article.paragraphs, self.look)
            widgets.append(self._body)
            if article.truncated:
                widgets.append(
                    Static(Text("[The text ends mid-sentence: this article is truncated.]"),
                           classes="notice")
                )
        async with self.batch():
            await self.remove_children()
            await self.mount_all(widgets)
        self.scroll_home(animate=False, immediate=True)

    def restore_offset(self, y: int) -> None:
        """Scroll to *y* once the article is laid out far enough to reach it."""
        self._pending_offset = y
        self._apply_pending_offset()

    def watch_virtual_size(self) -> None:
        self._apply_pending_offset()

    def _apply_pending_offset(self) -> None:
        y = self._pending_offset
        if y is None:
            return
        self.scroll_to(y=y, animate=False, immediate=True)
        if self.max_scroll_y >= y:
            self._pending_offset = None

    def set_note(self, note: str) -> None:
        """Show the analyst's note under the article's details (hidden when empty)."""
        for widget in self.query(".note").results(Static):
            widget.update(Text("Note: " + note.strip()) if note.strip() else Text(""))
            widget.display = bool(note.strip())

    def set_team(self, lines: list[str]) -> None:
        """The team's marks on the article ("flagged by ana, 2 h ago"), as plain text; hidden when none."""
        for widget in self.query(".team").results(Static):
            widget.update(Text("\n".join(lines)))
            widget.display = bool(lines)

    def highlight(self, anchor: Anchor | None) -> None:
        """Highlight the sentence at *anchor* and scroll it into view; None clears."""
        if anchor is not None and not 0 <= anchor.paragraph < self._paragraph_count:
            anchor = None
        self.highlighted = anchor
        self._restyle()
        if anchor is not None:
            self._scroll_to_anchor(anchor)

    def set_hits(self, hits: list[Anchor]) -> None:
        """Mark the search hits in the article (sorted in reading order)."""
        self.hits = sorted(h for h in hits if 0 <= h.paragraph < self._paragraph_count)
        self.hit_index = None
        self._restyle()

    def next_hit(self, step: int) -> bool:
        """Move to the next (step 1) or previous (step -1) hit, wrapping; False when none."""
        if not self.hits:
            return False
        if self.hit_index is None:
            self.hit_index = 0 if step > 0 else len(self.hits) - 1
        else:
            self.hit_index = (self.hit_index + step) % len(self.hits)
        self._restyle()
        self._scroll_to_anchor(self.hits[self.hit_index])
        return True

    def _restyle(self) -> None:
        spans: dict[int, list[Span]] = {}
        hit_style = self.get_component_rich_style("reading-pane--hit")
        current_style = self.get_component_rich_style("reading-pane--current-hit")
        for n, hit in enumerate(self.hits):
            style = current_style if n == self.hit_index else hit_style
            spans.setdefault(hit.paragraph, []).append((hit.start, hit.end, style))
        if self.highlighted is not None:
            sentence = self.highlighted
            spans.setdefault(sentence.paragraph, []).insert(
                0, (sentence.start, sentence.end, self.get_component_rich_style("reading-pane--highlight"))
            )
        if self._body is not None:
            self._body.set_spans(spans)

    @property
    def _paragraph_count(self) -> int:
        return len(self._body.paragraphs) if self._body is not None else 0

    def _scroll_to_anchor(self, anchor: Anchor) -> None:
        if self._body is None:
            return
        # Leave a line of context above.
        top = self._body.virtual_region.y + self._body.line_of(anchor.paragraph, anchor.start) - 1
        self.scroll_to(y=max(0, top), animate=False, immediate=True)

    def link_line(self, article: Article) -> Text | None:
        """The article's link as text, and as an OSC 8 hyperlink where the terminal draws one."""
        found = link(article.url)
        if found is None:
            return None
        # One line: a long address is cut with an ellipsis (L copies it whole).
        if found.refused:
            return Text(f"Link (never opened): {found.shown}", no_wrap=True, overflow="ellipsis")
        style = Style(link=found.target) if hyperlinks_supported() else None
        line = Text("Link: ", no_wrap=True, overflow="ellipsis")
        line.append(found.shown, style)
        return line

    def details(self, article: Article) -> str:
        # The file's name is the folder's, not Briefing's: shown escaped, as in the list and the messages.
        parts = [article.source, self.look.date(article.date), escape_name(article.path.name)]
        return self.look.glyphs.separator.join(p for p in parts if p)
