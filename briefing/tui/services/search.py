"""Running the analyst's query off the keyboard's path."""

from __future__ import annotations

from textual.widget import Widget
from textual.worker import get_current_worker

from briefing.search.engine import QueryError
from briefing.tui.messages import SearchDone, SearchNotRun
from briefing.tui.services.indexing import Indexing


class Search:
    """Queries against the index :class:`Indexing` keeps, each in a worker; the outcome comes as a message."""

    def __init__(self, indexing: Indexing) -> None:
        self.indexing = indexing
        self._owner: Widget | None = None

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
                results = engine.search_as_typed(query, limit=None)
            except QueryError as exc:
                # The last good results stay on screen.
                post(SearchNotRun(str(exc), True))
                return
        if not worker.is_cancelled:
            post(SearchDone(results))
