"""Where articles and marks are kept: two small interfaces, two implementations each, chosen here.

- :class:`SearchBackend`: the articles of a content folder or archive, listed,
  kept up to date, searched, and opened;
- :class:`StateBackend`: the analyst's marks (and, in an archive, the team's).

The embedded implementations are the Whoosh index with its catalogue and the
SQLite state file, for one analyst on one machine; the archive's are
PostgreSQL's (:mod:`briefing.archive`), for a team. :func:`open_storage` picks
them from the settings (``archive:``, ``--archive``, ``BRIEFING_ARCHIVE``),
for the command line and the reader alike; nothing else chooses. Another
engine (OpenSearch, say) would be a third pair of classes here, with the
queries translated as :mod:`briefing.archive.tsquery` translates them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from briefing.model import Article, Entry


class Report(Protocol):
    """What an update (indexing, ingesting) did."""

    added: list[str]
    updated: list[str]
    removed: list[str]
    skipped: list[str]
    unchanged: int
    rebuilt: str | None

    def summary(self) -> str: ...


class QueryEngine(Protocol):
    """Runs queries of the one query language (see the README); raises ``QueryError`` with a reason."""

    def search(self, text: str, limit: int | None = 50, by_date: bool = False) -> Any: ...
    def search_as_typed(self, text: str, limit: int | None = 50) -> Any: ...
    def close(self) -> None: ...


class Articles(Protocol):
    def get(self, path: Path) -> tuple[Article | None, str | None]: ...


class SearchBackend(Protocol):
    kind: str
    content: Path
    # What error messages name as where the articles live.
    dir: Any

    def snapshot(self) -> Any: ...
    def update(self, rebuild: bool = False, progress: Callable[[int, int, bool], None] | None = None) -> Report: ...
    def engine(self) -> QueryEngine: ...
    def articles(self) -> Articles: ...
    def close(self) -> None: ...


class FolderMarks(Protocol):
    """The marks of one folder's articles (see :class:`briefing.review.FolderMarks`), plus moving them."""

    def load(self, entries: Iterable[Entry]) -> dict[str, Any]: ...
    def export(self) -> dict[str, Any]: ...
    def merge(self, data: Any) -> tuple[int, int]: ...


class StateBackend(Protocol):
    kind: str

    def folder(self, content: Path) -> Any: ...
    def changes(self) -> int: ...
    def close(self) -> None: ...


# The embedded pair ---------------------------------------------------------------


class EmbeddedSearch:
    """The Whoosh index of one content folder and its catalogue."""

    kind = "embedded"

    def __init__(self, content: Path, index_dir: Path | None, follow_links: bool) -> None:
        from briefing.search.index import ContentIndex

        self.index = ContentIndex(content, index_dir, follow_links)
        self.content = content
        self.dir = self.index.dir
        self._engine = None

    def snapshot(self):
        return self.index.snapshot()

    def update(self, rebuild: bool = False, progress=None):
        return self.index.update(rebuild=rebuild, progress=progress)

    def engine(self):
        from briefing.search.engine import Engine

        if self._engine is None:
            self._engine = Engine.open(self.index)  # follows the index when it is rebuilt
        return self._engine

    def articles(self):
        from briefing.article_cache import ArticleCache

        return ArticleCache()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


class EmbeddedState:
    """The SQLite state file in the user's data folder."""

    kind = "embedded"

    def __init__(self) -> None:
        from briefing.state import StateStore

        self.store = StateStore()

    def folder(self, content: Path):
        return self.store.folder(content)

    def changes(self) -> int:
        return self.store.data_version()

    def close(self) -> None:
        self.store.close()


# The archive's pair -----------------------------------------------------------------


class ArchiveSearch:
    """The team archive's articles; a content folder, when given, is what ``update`` ingests."""

    kind = "archive"

    def __init__(self, archive, content: Path, follow_links: bool) -> None:
        from briefing.archive.library import ArchiveList

        self.archive = archive
        self.content = content
        self.follow_links = follow_links
        self.dir = archive.shown
        self.listing = ArchiveList(archive)

    def snapshot(self):
        return self.listing.snapshot()

    def update(self, rebuild: bool = False, progress=None):
        from briefing.archive.ingest import ArchiveIngest

        return ArchiveIngest(self.archive, self.content, self.follow_links).update(rebuild, progress)

    def engine(self):
        from briefing.archive.search import ArchiveEngine

        return ArchiveEngine(self.archive)

    def articles(self):
        from briefing.archive.library import ArchiveArticles

        return ArchiveArticles(self.archive)

    def close(self) -> None:
        self.archive.close()


class ArchiveState:
    """The analyst's marks in the archive, and the team's."""

    kind = "archive"

    def __init__(self, archive, check: bool = True) -> None:
        self.archive = archive
        if check:
            self.archive.identity()  # fails early, with the reason, when the name is not allowed
        self._changes = 0

    def folder(self, content: Path):
        from briefing.archive.marks import ArchiveMarks
        from briefing.archive.transfer import Transfer

        return Transfer(ArchiveMarks(self.archive))

    def changed(self) -> None:
        """Told by the live listener when another reader changed a mark."""
        self._changes += 1

    def changes(self) -> int:
        return self._changes

    def close(self) -> None:
        self.archive.close()


@dataclass
class Storage:
    search: Any
    state: Any | None
    kind: str
    # What could not be opened, for the user (the state, say: reading still works).
    problems: list[str] = field(default_factory=list)
    archive: Any = None

    def close(self) -> None:
        if self.state is not None:
            self.state.close()
        self.search.close()


class StorageError(Exception):
    """The storage the settings name cannot be used at all; one line for the user."""


def open_storage(settings, content: Path, *, state: bool = True, connect: bool = True) -> Storage:
    """The search and state backends the settings choose: the archive when one is set, else the embedded pair.

    Raises :class:`StorageError` when the archive cannot be used (unreachable,
    not set up); a state that cannot be opened is a problem said, not an error.
    Without *connect* (the reader, which waits for an archive that is down)
    nothing is asked of the archive yet.
    """
    if settings.archive:
        from briefing.archive.connection import Archive, ArchiveError
        from briefing.archive.migrations import check

        try:
            archive = Archive(settings.archive, settings.analyst)
            if connect:
                # A connection of its own first: an unreachable server is said at once, in libpq's words.
                con = archive.connect()
                try:
                    check(con)
                finally:
                    con.close()
        except ArchiveError as exc:
            raise StorageError(str(exc)) from None
        problems = []
        backend_state = None
        if state:
            try:
                backend_state = ArchiveState(archive, check=connect)
            except ArchiveError as exc:
                problems.append(f"Marks cannot be kept in the archive: {exc}")
        return Storage(ArchiveSearch(archive, content, settings.follow_links), backend_state, "archive", problems,
                       archive)
    from briefing.state import StateError

    problems = []
    embedded_state = None
    if state:
        try:
            embedded_state = EmbeddedState()
        except StateError as exc:
            problems.append(f"Read marks, stars and notes cannot be kept: {exc}")
    return Storage(EmbeddedSearch(content, settings.index, settings.follow_links), embedded_state, "embedded",
                   problems)
