"""The reader: article list, reading pane and key-points sidebar side by side."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Footer

from briefing.library import Library, load_library
from briefing.model import Article
from briefing.tui.screens.help import HelpScreen
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.reading_pane import ReadingPane

# Moving quickly through the list should not draw every article passed over:
# the pane follows once the highlight rests this long.
FOLLOW_DELAY = 0.08
MAX_PROBLEMS_SHOWN = 5


class BriefingApp(App[None]):
    """Read a folder of briefings with the keyboard."""

    TITLE = "Briefing"
    CSS_PATH = [
        "app.tcss",
        "widgets/article_list.tcss",
        "widgets/reading_pane.tcss",
        "widgets/key_points.tcss",
        "screens/help.tcss",
    ]

    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
        Binding("space,pagedown", "reader('page_down')", "Page down", show=False),
        Binding("pageup", "reader('page_up')", "Page up", show=False),
        Binding("g", "reader('scroll_home')", "Top of article", show=False),
        Binding("G", "reader('scroll_end')", "End of article", show=False),
    ]

    def __init__(self, content: Path) -> None:
        super().__init__()
        self.content = content
        self.library: Library | None = None
        # Every byte counts over SSH; animation multiplies what is sent.
        self.animation_level = "none"
        self._follow_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticleList(id="articles")
            yield ReadingPane(id="reader")
            yield KeyPointsPanel(id="keypoints")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#articles").border_title = "Articles"
        self.query_one("#reader").border_title = "Reading"
        self.query_one("#keypoints").border_title = "Key points"
        self.query_one(ArticleList).focus()
        self.load_content()

    # Loading

    @work(thread=True, exclusive=True, group="load")
    def load_content(self) -> None:
        library = load_library(self.content)
        self.call_from_thread(self._library_loaded, library)

    async def _library_loaded(self, library: Library) -> None:
        self.library = library
        articles = self.query_one(ArticleList)
        articles.border_title = f"Articles ({len(library.articles)})"
        articles.set_articles(library.articles, f"No briefings in {self.content}")
        self._report_problems(library)
        if not library.articles:
            await self.query_one(ReadingPane).show(
                None, f"No briefing files (.txt, .md) were found in {self.content}."
            )
            self.query_one(KeyPointsPanel).show(None)

    def _report_problems(self, library: Library) -> None:
        lines = library.problems + library.warnings
        if not lines:
            return
        shown = lines[:MAX_PROBLEMS_SHOWN]
        if len(lines) > len(shown):
            shown.append(f"\u2026and {len(lines) - len(shown)} more")
        title = f"{len(library.problems)} file(s) skipped" if library.problems else "Warnings"
        # File names are untrusted text: never read as markup.
        self.notify("\n".join(shown), title=title, severity="warning", timeout=10, markup=False)

    # Following the list

    def on_article_list_highlighted(self, message: ArticleList.Highlighted) -> None:
        if self._follow_timer is not None:
            self._follow_timer.stop()
        article = message.article
        if self.query_one(ReadingPane).article is None:
            self._follow_timer = None
            self.run_worker(self._show(article), exclusive=True, group="show")
        else:
            self._follow_timer = self.set_timer(
                FOLLOW_DELAY,
                lambda: self.run_worker(self._show(article), exclusive=True, group="show"),
            )

    def on_article_list_selected(self, message: ArticleList.Selected) -> None:
        if self.query_one(ReadingPane).article is not message.article:
            self.run_worker(self._show(message.article), exclusive=True, group="show")
        self.query_one(ReadingPane).focus()

    async def _show(self, article: Article) -> None:
        reader = self.query_one(ReadingPane)
        if reader.article is article:
            return
        reader.border_title = "Reading"
        await reader.show(article)
        self.query_one(KeyPointsPanel).show(article)

    def on_key_points_panel_jump(self, message: KeyPointsPanel.Jump) -> None:
        self.query_one(ReadingPane).highlight(message.anchor)

    # Actions

    def action_reader(self, action: str) -> None:
        reader = self.query_one(ReadingPane)
        getattr(reader, f"action_{action}")()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(
            HelpScreen(
                [
                    ("Everywhere", self),
                    ("Article list", self.query_one(ArticleList)),
                    ("Reading pane", self.query_one(ReadingPane)),
                    ("Key points", self.query_one(KeyPointsPanel)),
                ]
            )
        )
