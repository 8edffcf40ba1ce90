"""The stories view: articles grouped by the story they cover, and one story's figures side by side."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from briefing.model import Article, Entry
from briefing.stories.story import ReportedFigure, Story, figures_of
from briefing.stories.summary import extent, headline
from briefing.tui.look import Look, stylesheet_beside
from briefing.tui.widgets.key_hints import KeyHints


class StoriesScreen(ModalScreen[Entry | None]):
    """Every story with its size and dates; the highlighted one's articles and figures beside it."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("escape,q,S", "dismiss(None)", "Close stories", key_display="esc", id="stories.close"),
        Binding("j", "move(1)", "Next story", show=False, id="stories.next"),
        Binding("k", "move(-1)", "Previous story", show=False, id="stories.previous"),
        Binding("enter", "open", "Read its first report", id="stories.open"),
    ]

    def __init__(self, stories: list[Story], read: Callable[[Entry], Article | None], look: Look) -> None:
        super().__init__()
        self.stories = stories
        self.read = read
        self.look = look
        # Each story's name once found (see briefing.stories.summary.headline); its first report's title till then.
        self.titles = [story.title for story in stories]

    def compose(self) -> ComposeResult:
        with Horizontal(id="stories-body"):
            options = [Option(Text(self._summary(n)), id=str(s.id)) for n, s in enumerate(self.stories)]
            yield OptionList(*options or [Option(Text("No stories yet: the index is being built."), disabled=True)],
                             id="stories-list")
            with VerticalScroll(id="story-detail"):
                yield Static(id="story-text")
        yield KeyHints()

    def _summary(self, n: int) -> str:
        return f"{self.look.title(self.titles[n])}\n  {extent(self.stories[n], self.look.date)}"

    def on_mount(self) -> None:
        self.query_one("#stories-list", OptionList).border_title = f"Stories ({len(self.stories)})"
        self.query_one("#story-detail").border_title = "Story"
        if self.stories:
            self.query_one("#stories-list", OptionList).highlighted = 0
        self.name_stories()

    @work(thread=True, exclusive=True, group="story-names")
    def name_stories(self) -> None:
        """Find each story's headline off the screen's thread (a story of derived titles reads a few files)."""
        for n, story in enumerate(self.stories):
            if len(story.entries) < 2:
                continue  # its one title is its name
            title = headline(story, self.read)
            if get_current_worker().is_cancelled:
                return
            if title != self.titles[n]:
                self.app.call_from_thread(self._rename, n, title)

    def _rename(self, n: int, title: str) -> None:
        self.titles[n] = title
        self.query_one("#stories-list", OptionList).replace_option_prompt_at_index(n, Text(self._summary(n)))
        if self._current() is self.stories[n]:
            self.show_story(self.stories[n])

    def action_move(self, step: int) -> None:
        listing = self.query_one("#stories-list", OptionList)
        listing.action_cursor_down() if step > 0 else listing.action_cursor_up()

    def _current(self) -> Story | None:
        listing = self.query_one("#stories-list", OptionList)
        if listing.highlighted is None or not self.stories:
            return None
        return self.stories[listing.highlighted]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        story = self._current()
        if story is not None:
            self.show_story(story)

    @work(thread=True, exclusive=True, group="story")
    def show_story(self, story: Story) -> None:
        """Read the story's articles for their figures off the screen's thread, then show it."""
        figures = figures_of(story, self.read)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_story, story, figures)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    def _show_story(self, story: Story, figures: dict[str, list[ReportedFigure]]) -> None:
        """The story's articles, oldest first, then its figures by what they count (never added up)."""
        look = self.look
        text = Text()
        text.append(f"{look.title(self.titles[self.stories.index(story)])}\n\n", style="bold")
        for entry in story.entries:
            line = look.glyphs.separator.join(p for p in (look.date(entry.date), entry.source or entry.rel) if p)
            text.append(f"{line}\n  {look.title(entry.title)}\n")
        if figures:
            text.append("\nFigures as each article gives them\n", style="bold")
        for counts, rows in figures.items():
            text.append(f"\n{counts}\n", style="underline")
            for figure in rows:
                said = f", according to {figure.attribution}" if figure.attribution else ""
                where = figure.entry.source or figure.entry.rel
                text.append(f"  {figure.text}{said}  ({where})\n")
        self.query_one("#story-text", Static).update(text)

    def action_open(self) -> None:
        story = self._current()
        if story is not None:
            self.dismiss(story.entries[0])
