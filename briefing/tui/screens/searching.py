"""Searching on the reader's screen: the search box, the results in the list's place, the hits in the article.

A part of :class:`~briefing.tui.screens.reader.ReaderScreen`; the queries run in
the search service's workers (:mod:`briefing.tui.services.search`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input, TextArea

from briefing.model import Anchor
from briefing.search.highlight import term_spans
from briefing.tui import messages as m
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reading_pane import ReadingPane
from briefing.tui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from briefing.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object


class Searching(_Base):
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the search box (or a note's) "/" is just a character.
        return not (action == "search" and isinstance(self.focused, (Input, TextArea)))

    def action_search(self) -> None:
        # Focus now, not after the next refresh as focus() does: keys typed
        # straight after "/" are already queued and must reach the box.
        self.set_focus(self.query_one(SearchBar).open())

    def on_search_cleared(self, _: m.SearchCleared) -> None:
        self.clear_search()

    def clear_search(self) -> None:
        """The whole list back, no hits marked, the focus on the list."""
        self.results = None
        self.listed_watch = None
        self.query_one(SearchBar).close()
        self.refresh_list()
        self.mark_hits()
        self.query_one(ArticleList).focus()

    def action_search_done(self) -> None:
        self.set_focus(self.query_one(ArticleList))

    def on_search_done(self, message: m.SearchDone) -> None:
        self.results = message.results
        self.query_one(SearchBar).show_count(message.results)
        self.refresh_list()
        self.mark_hits()

    def on_rows_shown(self, message: m.RowsShown) -> None:
        self.services.search.rows_shown(self.results, message.entries)

    def on_snippets_made(self, message: m.SnippetsMade) -> None:
        if message.results is self.results:
            self.query_one(ArticleList).add_snippets({h.path: h.snippet_parts for h in message.hits})

    def mark_hits(self) -> None:
        reader = self.query_one(ReadingPane)
        if reader.article is None:
            return
        terms = self.results.query.terms if self.results else set()
        reader.set_hits([Anchor(n, start, end) for n, paragraph in enumerate(reader.article.paragraphs)
                         for start, end in term_spans(paragraph.text, terms)])

    def action_hit(self, step: int) -> None:
        if not self.query_one(ReadingPane).next_hit(step):
            self.notify("No search hits in this article.", timeout=2)
