"""The reader on a team archive: the list and search from PostgreSQL, kept live by its notifications.

:class:`ArchiveIndexing` stands where :class:`~briefing.tui.services.indexing.Indexing`
stands for a content folder: it reads the list (whole at first, then what
changed), opens the search engine, and passes on what the archive's
listener hears (another analyst's mark, articles ingested on another
machine, the connection lost and found again) as messages. Nothing is
indexed here: machines ingest with ``briefing index --archive``.
"""

from __future__ import annotations

import threading
from typing import Literal

from textual.widget import Widget

from briefing.archive.connection import Archive, ArchiveError, ArchiveUnavailable
from briefing.archive.library import ArchiveList
from briefing.archive.live import Listener
from briefing.archive.search import ArchiveEngine
from briefing.tui.messages import ArchiveStatus, IndexFailed, IndexReady, ListRead, MarksChanged


class ArchiveIndexing:
    """The archive's list and search engine, for the reader's screen."""

    def __init__(self, archive: Archive, content) -> None:
        self.archive = archive
        self.content = content
        self.state: Literal["waiting", "ready", "failed"] = "waiting"
        self.engine: ArchiveEngine | None = None
        self.lock = threading.Lock()
        self.listing = ArchiveList(archive)
        self.listener = Listener(archive, marks=self._marks_changed, articles=self.read_list,
                                 status=self._status)
        self._owner: Widget | None = None
        self._read_lock = threading.Lock()

    @property
    def owner(self) -> Widget:
        assert self._owner is not None, "start() first"
        return self._owner

    def start(self, owner: Widget) -> None:
        self._owner = owner
        self.engine = ArchiveEngine(self.archive)
        owner.run_worker(self._first_read, thread=True, exclusive=True, group="catalogue")

    def _first_read(self) -> None:
        self._read()
        if self.state == "waiting":
            self.state = "ready"
            self.owner.post_message(IndexReady([], None))
        self.listener.start()

    def read_list(self, or_files: bool = False) -> None:
        """Read what changed in the archive's list (in a worker); the screen gets the whole list."""
        if self._owner is not None:
            self.owner.run_worker(self._read, thread=True, exclusive=False, group="archive-list")

    def read_files(self) -> None:
        self.read_list()

    def update(self) -> None:
        self.read_list()

    def close(self) -> None:
        self.listener.stop()
        self.archive.close()

    # In worker threads

    def _read(self) -> None:
        with self._read_lock:
            try:
                snapshot = self.listing.snapshot()
            except ArchiveUnavailable as exc:
                self._status(False, str(exc))
                return
            except ArchiveError as exc:
                self.state = "failed"
                self.owner.post_message(IndexFailed(str(exc)))
                return
        self.owner.post_message(ListRead(snapshot))

    def _marks_changed(self, paths: set[str]) -> None:
        self.owner.post_message(MarksChanged(frozenset(paths)))

    def _status(self, reachable: bool, reason: str) -> None:
        if self.listener.reachable is not reachable and not reachable:
            self.listener.reachable = False
        self.owner.post_message(ArchiveStatus(reachable, reason))
