"""Saved searches and the config's rules, run against the index off the keyboard's path.

Each run happens in a worker when the index has changed (and at start):
every saved search is counted, the ``hide`` and ``highlight`` rules pick out
their articles, and the articles that just arrived are checked against each
saved search, so that the screen can announce them. What comes of it goes
to the screen as messages (see :mod:`briefing.tui.messages`).
"""

from __future__ import annotations

from collections.abc import Collection

from textual.widget import Widget

from briefing.search.errors import QueryError
from briefing.tui.messages import RulesApplied, WatchAlert, WatchesCounted
from briefing.tui.services.indexing import Indexing
from briefing.watches import Watch, WatchError, WatchStore, matching


# Each saved search or rule may take this long (the engine is busy meanwhile:
# a search typed in the reader waits for it).
COUNT_SECONDS = 2.0


class Watching:
    def __init__(self, indexing: Indexing, hide: list[str], highlight: list[str]) -> None:
        self.indexing = indexing
        self.hide = hide
        self.highlight = highlight
        self.problem: str | None = None
        try:
            self.store: WatchStore | None = WatchStore()
        except WatchError as exc:
            self.store = None
            self.problem = f"Saved searches are unavailable: {exc}"
        self._owner: Widget | None = None

    def start(self, owner: Widget) -> None:
        self._owner = owner

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def watches(self) -> list[Watch]:
        if self.store is None:
            return []
        try:
            return self.store.watches()
        except WatchError:
            return []

    def refresh(self, arrived: Collection[str] = ()) -> None:
        """Count the saved searches, apply the rules and look at what arrived; results come as messages."""
        assert self._owner is not None, "start() first"
        arrived = set(arrived)
        self._owner.run_worker(lambda: self._run(arrived), thread=True, exclusive=True, group="watching")

    def _run(self, arrived: set[str]) -> None:
        post = self._owner.post_message
        watches = self.watches()
        matches: dict[str, list[str]] = {}
        problems: dict[str, str] = {}
        with self.indexing.lock:
            engine = self.indexing.engine
            if engine is None:
                return
            for watch in watches:
                try:
                    matches[watch.name] = matching(engine, watch.query, seconds=COUNT_SECONDS)
                except QueryError as exc:
                    problems[watch.name] = str(exc)
            hidden, highlighted, rule_problems = set(), set(), []
            for queries, into, name in ((self.hide, hidden, "hide"), (self.highlight, highlighted, "highlight")):
                for query in queries:
                    try:
                        into.update(matching(engine, query, seconds=COUNT_SECONDS))
                    except QueryError as exc:
                        rule_problems.append(f"The {name} rule {query!r} cannot be run: {exc}")
        post(RulesApplied(hidden, highlighted, rule_problems))
        post(WatchesCounted(matches, problems))
        for watch in watches:
            new = [rel for rel in matches.get(watch.name, []) if rel in arrived]
            if new:
                post(WatchAlert(watch.name, new))

    def save(self, name: str, query: str, filter: str, found: Collection[str], replace: bool = False) -> Watch:
        """Save a search; what it finds now counts as seen by ``briefing watch``. Raises WatchError."""
        if self.store is None:
            raise WatchError(self.problem or "saved searches are unavailable")
        watch = self.store.add(name, query, filter, replace=replace)
        self.store.mark_seen(watch.name, self.indexing.content, found)
        return watch

    def remove(self, name: str) -> bool:
        return self.store is not None and self.store.remove(name)
