"""What the reader works with, made in one place: the index and search, the analyst's marks, the articles read.

The screens are given these; they never open a store or an index themselves.
Which backend they come from (this machine's index and state, or a team
archive on PostgreSQL) is :func:`briefing.storage.open_storage`'s choice; here
each is wrapped for the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typing import Any

from briefing.article_cache import ArticleCache
from briefing.config import Settings
from briefing.review import Review
from briefing.search.index import ContentIndex
from briefing.state import StateError, StateStore
from briefing.storage import StorageError, open_storage
from briefing.tui.services.fetching import Fetching
from briefing.tui.services.indexing import POLL_INTERVAL, Indexing
from briefing.tui.services.preferences import Preferences
from briefing.tui.services.search import Search
from briefing.tui.services.watching import Watching


@dataclass(frozen=True)
class Pace:
    """The reader's timings, in seconds."""

    # Moving quickly through the list should not draw every article passed
    # over: the pane follows once the highlight rests this long.
    follow: float = 0.08
    # An article highlighted in the list counts as read once it has been shown this long.
    read: float = 1.5
    # Typing pauses this long before the query runs.
    search: float = 0.15
    poll: float = POLL_INTERVAL
    # A long list is drawn from its first rows; the rest is read this long after, off the first screen's way.
    rest: float = 0.8


@dataclass
class Services:
    content: Path
    indexing: Any  # Indexing, or ArchiveIndexing on a team archive
    search: Search
    review: Review
    articles: Any  # ArticleCache, or the archive's articles
    preferences: Preferences
    store: StateStore | None
    # Said once the reader is on screen: what could not be opened.
    problems: list[str]
    watching: Watching | None = None
    fetching: Fetching | None = None
    settings: Settings | None = None
    # "embedded", or "archive" (with the analyst's name once known).
    kind: str = "embedded"

    def close(self) -> None:
        if self.fetching is not None:
            self.fetching.close()
        if self.watching is not None:
            self.watching.close()
        self.indexing.close()
        if self.store is not None:
            self.store.close()


def open_services(content: Path, index_dir: Path | None, settings: Settings, pace: Pace) -> Services:
    if settings.archive:
        return _archive_services(content, settings)
    problems = []
    try:
        store: StateStore | None = StateStore()
    except StateError as exc:
        store = None
        problems.append(f"Read marks, stars and notes cannot be kept: {exc}")
    indexing = Indexing(ContentIndex(content, index_dir, settings.follow_links), pace.poll)
    review = Review(store.folder(content), store.data_version) if store is not None else Review(None)
    watching = Watching(indexing, settings.hide, settings.highlight)
    if watching.problem:
        problems.append(watching.problem)
    return Services(content, indexing, Search(indexing), review, ArticleCache(), Preferences(store, settings),
                    store, problems, watching, Fetching(content, settings.fetch_interval), settings)


def _archive_services(content: Path, settings: Settings) -> Services:
    """The reader on a team archive: the archive's list, search and marks; this machine keeps its preferences."""
    from briefing.tui.services.archive import ArchiveIndexing

    problems = []
    try:
        storage = open_storage(settings, content, connect=False)
    except StorageError as exc:
        raise SystemExit(f"briefing: {exc}") from None
    problems.extend(storage.problems)
    try:
        store: StateStore | None = StateStore()
    except StateError:
        store = None  # only the reader's own choices (a theme) are lost
    indexing = ArchiveIndexing(storage.archive, content)
    marks = storage.state.folder(content) if storage.state is not None else None
    review = Review(marks) if marks is not None else Review(None)
    return Services(content, indexing, Search(indexing), review, storage.search.articles(),
                    Preferences(store, settings), store, problems, settings=settings, kind="archive")
