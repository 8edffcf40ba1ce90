"""Running the analyst's query off the keyboard's path."""

from __future__ import annotations

from textual.widget import Widget

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
        """Search for *query*; a newer query replaces one still running."""
        assert self._owner is not None, "start() first"
        self._owner.run_worker(lambda: self._search(query), thread=True, exclusive=True, group="search")

    def _search(self, query: str) -> None:
        post = self._owner.post_message
        with self.indexing.lock:
            engine = self.indexing.engine
            if engine is None:
                post(SearchNotRun("The index is being built; results follow.", False))
                return
            try:
                results = engine.search_as_typed(query, limit=None)
            except QueryError as exc:
                # The last good results stay on screen.
                post(SearchNotRun(str(exc), True))
                return
        post(SearchDone(results))
