"""Running the analyst's query off the keyboard's path, and making snippets for the rows that come into view."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widget import Widget
from textual.worker import get_current_worker

from briefing.model import Entry
from briefing.search.errors import QueryError
from briefing.search.results import Results
from briefing.tui.messages import SearchDone, SearchNotRun, SnippetsMade
from briefing.tui.services.indexing import Indexing


class Search:
    """Queries against the index :class:`Indexing` keeps, each in a worker; the outcome comes as a message.

    A search makes no snippets: the list says which rows it shows (they
    need not be the best hits: the highlighted article stays highlighted),
    and :meth:`rows_shown` makes theirs, and more as they scroll into view.
    Most of a word query's time at 100,000 articles went into snippets for
    hits never seen.
    """

    def __init__(self, indexing: Indexing) -> None:
        self.indexing = indexing
        self._owner: Widget | None = None
        # The results whose hits are known by path, and that table.
        self._hits_of: tuple[Results | None, dict] = (None, {})

    def start(self, owner: Widget) -> None:
        self._owner = owner

    def run(self, query: str) -> None:
        """Search for *query*; a newer query replaces one still running, which stops."""
        assert self._owner is not None, "start() first"
        self.cancel()
        self._owner.run_worker(lambda: self._search(query), thread=True, exclusive=True, group="search")

    def cancel(self) -> None:
        """Stop the query running (its CPU work too) and drop what it would have found: esc, or a newer query."""
        if self._owner is None:
            return
        self._owner.workers.cancel_group(self._owner, "search")
        engine = self.indexing.engine
        if engine is not None:
            engine.cancel()  # thread-safe: the search stops at its next check and returns

    def rows_shown(self, results: Results | None, entries: Sequence[Entry]) -> None:
        """The list shows *entries*: make the snippets of those among *results* that have none, in a worker.

        Scrolling on replaces a batch still being made; SnippetsMade brings each.
        """
        if results is None:
            return
        if self._hits_of[0] is not results:
            self._hits_of = (results, {h.path: h for h in results.hits})
        by_path = self._hits_of[1]
        wanted = [by_path[e.rel] for e in entries if e.rel in by_path and by_path[e.rel].snippet is None]
        if wanted:
            assert self._owner is not None, "start() first"
            self._owner.run_worker(lambda: self._snippets(results, wanted), thread=True, exclusive=True,
                                   group="snippets")

    # In the worker threads

    def _search(self, query: str) -> None:
        post = self._owner.post_message
        worker = get_current_worker()
        with self.indexing.lock:
            engine = self.indexing.engine
            if worker.is_cancelled:
                return  # given up while waiting for the index: never run
            if engine is None:
                post(SearchNotRun("The index is being built; results follow.", False))
                return
            try:
                results = engine.search_as_typed(query, limit=None, snippets=0)
            except QueryError as exc:
                # The last good results stay on screen.
                post(SearchNotRun(str(exc), True))
                return
        if not worker.is_cancelled:
            post(SearchDone(results))

    def _snippets(self, results: Results, hits: list) -> None:
        with self.indexing.lock:
            engine = self.indexing.engine
            if engine is None:
                return
            try:
                made = engine.snippets(results, hits)
            except QueryError:
                return  # the rows keep their bylines; the next search says what is wrong
        if made:
            self._owner.post_message(SnippetsMade(results, made))
