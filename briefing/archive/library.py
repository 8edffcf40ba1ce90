"""The archive's list of articles, and an article's text read back from it.

The reader's list comes from here as the embedded catalogue gives it (a
:class:`Snapshot` of :class:`Entry` rows, newest first), read whole once and
then brought up to date by revision: each insert and update of an article
takes a new number from one sequence, so "what changed since" is one indexed
query however large the archive. An article is opened from the bytes the
archive keeps, parsed here as the file would be.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path, PurePosixPath

from briefing.archive.connection import Archive, ArchiveError
from briefing.model import Article, Entry, UnreadableFile
from briefing.sanitize import clean_line
from briefing.search.catalogue import Snapshot, reading_order

# Where archive articles "live" in the reader: not a folder on this machine.
ARCHIVE_ROOT = Path("/archive")
CACHE_SIZE = 32
_LIST = ("SELECT a.path, a.title, a.source, a.date, a.tags, a.digest, l.story, a.warnings, l.revision"
         " FROM briefing.listing l JOIN briefing.articles a ON a.id = l.article")


def _entry(row) -> Entry:
    path, title, source, date, tags, digest, story, _, _ = row
    rel = clean_line(path)
    return Entry(rel=rel, path=ARCHIVE_ROOT / PurePosixPath(rel), title=clean_line(title),
                 source=clean_line(source) if source else None, date=date, tags=tuple(tags or ()),
                 digest=digest, story=story)


class ArchiveList:
    """The archive's articles as the reader lists them, kept up to date by revision."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._entries: dict[str, Entry] = {}
        self._warnings: dict[str, list[str]] = {}
        self._revision = 0
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """All articles at first, then only those added or changed since the last call (merged)."""
        with self._lock:
            rows = self.archive.run(lambda con: con.execute(
                _LIST + " WHERE l.revision > %s ORDER BY l.revision", (self._revision,)).fetchall())
            for row in rows:
                entry = _entry(row)
                self._entries[entry.rel] = entry
                if row[7]:
                    self._warnings[entry.rel] = [clean_line(w) for w in row[7]]
                self._revision = max(self._revision, row[8])
            snapshot = Snapshot(sorted(self._entries.values(), key=reading_order))
            snapshot.warnings = [w for ws in self._warnings.values() for w in ws]
            return snapshot

    @property
    def revision(self) -> int:
        return self._revision


class ArchiveArticles:
    """Articles opened from the archive's copy of their file; the last few kept (as :class:`ArticleCache`)."""

    def __init__(self, archive: Archive, size: int = CACHE_SIZE) -> None:
        self.archive = archive
        self.size = size
        self._items: OrderedDict[str, tuple[str, Article]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path) -> tuple[Article | None, str | None]:
        """The article at *path* (under :data:`ARCHIVE_ROOT`), or None and one line saying why."""
        from briefing.parse import parse_bytes

        rel = PurePosixPath(path).relative_to(ARCHIVE_ROOT).as_posix() if path.is_relative_to(ARCHIVE_ROOT) \
            else str(path)
        try:
            row = self.archive.run(lambda con: con.execute(
                "SELECT a.digest, t.raw FROM briefing.articles a JOIN briefing.article_texts t ON t.article = a.id"
                " WHERE a.path = %s", (rel,)).fetchone())
        except ArchiveError as exc:
            with self._lock:
                kept = self._items.get(rel)
            if kept is not None:
                return kept[1], None  # the copy read before: the reader keeps what it has
            return None, f"{clean_line(rel)} cannot be read now: {exc}."
        if row is None:
            return None, f"{clean_line(rel)} is no longer in the archive."
        digest, raw = row
        with self._lock:
            kept = self._items.get(rel)
            if kept is not None and kept[0] == digest:
                self._items.move_to_end(rel)
                return kept[1], None
        try:
            article = parse_bytes(bytes(raw), ARCHIVE_ROOT / PurePosixPath(rel), name=rel)
        except UnreadableFile as exc:
            return None, f"{exc}."
        with self._lock:
            self._items[rel] = (digest, article)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return article, None
