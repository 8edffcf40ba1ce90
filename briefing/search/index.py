"""The Whoosh index of a content folder: where it lives, opening it safely, keeping it in step with the files.

Only changed files are read: a file whose size and modification time match
what the index holds, taken when that time had settled (see ``update``), is
passed over; one whose times differ but whose content hash matches is not
re-parsed. The index records the Whoosh version and our
schema version beside it, and is rebuilt when either changes, when it cannot
be opened (left broken by a crash or a kill), or when its files are not the
ones its last commit wrote (see ``integrity``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import whoosh
from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from briefing.private import open_private, private_dir
from briefing.search import integrity, toc
from briefing.search.catalogue import FILE_NAME as CATALOGUE_FILE
from briefing.search.catalogue import CatalogueWriter, Snapshot, read_catalogue
from briefing.search.integrity import IndexDamaged
from briefing.search.schema import INDEX_NAME, SCHEMA_VERSION, article_id, document, make_schema
from briefing.search.update import BUSY, IndexBusy, Update

META_FILE = "briefing-index.json"
# Left by a reader that found the index damaged: the next update rebuilds it.
DAMAGED_FILE = "briefing-damaged.txt"
WRITER_TIMEOUT = 5.0
# `briefing index` exits with this (EX_TEMPFAIL) when another process holds the index.
BUSY_EXIT_STATUS = 75

__all__ = [
    "BUSY_EXIT_STATUS", "META_FILE", "ContentIndex", "IndexBusy", "IndexDamaged", "IndexFolder", "UpdateReport",
    "article_id", "default_index_dir", "document", "make_schema",
]


def default_index_dir(content: Path) -> Path:
    """The index for *content*: ``BRIEFING_INDEX_DIR``, else one per folder in the user cache."""
    env = os.environ.get("BRIEFING_INDEX_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    key = hashlib.sha256(str(content.resolve()).encode()).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("briefing")) / "index" / key


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    # Said when the index had to be rebuilt, and why.
    rebuilt: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped"
        )


def _meta() -> dict[str, object]:
    return {"schema": SCHEMA_VERSION, "whoosh": whoosh.versionstring()}


class IndexFolder:
    """An index folder as a reader sees it: open it, tell whether it changed or is damaged."""

    def __init__(self, index_dir: Path) -> None:
        self.dir = index_dir

    # Opening

    def _meta_ok(self) -> str | None:
        """None when the stored versions match ours, else why they do not."""
        try:
            stored = json.loads((self.dir / META_FILE).read_text())
        except (OSError, ValueError):
            return "no version record"
        if stored != _meta():
            return f"made by another version ({stored.get('whoosh')}, schema {stored.get('schema')})"
        return None

    def damage(self, generation: int | None = None) -> str | None:
        """Why the index's files are not as its last commit left them, or None."""
        try:
            said = (self.dir / DAMAGED_FILE).read_text(errors="replace").strip()
        except FileNotFoundError:
            said = None
        except OSError as exc:
            said = str(exc)
        if said is not None:
            return said or "a reader found it damaged"
        generation = integrity.latest_generation(self.dir) if generation is None else generation
        problem = integrity.check(self.dir, generation) if generation >= 0 else "it has no table of contents"
        return f"it is damaged: {problem}" if problem else None

    def open(self) -> windex.Index:
        """Open the index for reading. Raises if it is missing, from another version, or damaged."""
        # Whoosh unpickles what it reads here: only from a folder no one else can write.
        private_dir(self.dir, "the index folder", create=False, files=True, file_what="the index file")
        problem = self._meta_ok()
        if problem:
            raise windex.EmptyIndexError(problem)
        for _ in range(5):
            generation = integrity.latest_generation(self.dir)
            damage = self.damage(generation)
            if damage:
                raise IndexDamaged(damage)
            try:
                return toc.open_index(integrity.MappedStorage(str(self.dir)))
            except toc.UnsafeIndex as exc:
                self.mark_damaged(str(exc))
                raise IndexDamaged(str(exc)) from None
            except FileNotFoundError:
                # A commit replaced that generation between the check and the open.
                if integrity.latest_generation(self.dir) == generation:
                    raise
        raise IndexDamaged("the index keeps changing under the reader")

    def mark_damaged(self, reason: str) -> None:
        """Say the index is damaged (a read failed): the next update rebuilds it."""
        with contextlib.suppress(OSError):
            (self.dir / DAMAGED_FILE).write_text(reason[:2000] + "\n")

    def identity(self) -> tuple:
        """What changes when the index is committed to, rebuilt or removed (cheap: two stat calls)."""
        generation = integrity.latest_generation(self.dir)
        try:
            st = (self.dir / integrity.toc_name(generation)).stat()
            toc = (st.st_ino, st.st_mtime_ns)
        except OSError:
            toc = None
        try:
            folder = self.dir.stat().st_ino
        except OSError:
            folder = None
        return folder, generation, toc


class ContentIndex(IndexFolder):
    """The index of one content folder."""

    def __init__(self, content: Path, index_dir: Path | None = None, follow_links: bool = False) -> None:
        super().__init__(index_dir or default_index_dir(content))
        self.content = content
        self.follow_links = follow_links

    def _create(self) -> tuple[windex.Index, CatalogueWriter, dict]:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        private_dir(self.dir, "the index folder")
        ix = toc.create_index(FileStorage(str(self.dir)))
        integrity.write_manifest(self.dir, 0, [])
        integrity.record_toc(self.dir, 0)
        catalogue = CatalogueWriter(self.dir)
        # Written last: its presence says the folder is complete.
        (self.dir / META_FILE).write_text(json.dumps(_meta()))
        return ix, catalogue, {}

    def _open_or_create(self, report: UpdateReport, rebuild: bool) -> tuple[windex.Index, CatalogueWriter, dict]:
        """The index, its catalogue and what the catalogue knows of the files (read here to prove it reads)."""
        if rebuild:
            report.rebuilt = "rebuild requested"
            return self._create()
        if not (self.dir / META_FILE).exists() and not any(self.dir.glob(f"_{INDEX_NAME}_*.toc")):
            return self._create()
        try:
            ix = self.open()
            # A crash can leave segments that open but fail to read.
            with ix.searcher() as searcher:
                searcher.doc_count()
            if not (self.dir / CATALOGUE_FILE).exists():
                raise FileNotFoundError("the catalogue is missing")
            catalogue = CatalogueWriter(self.dir)
            return ix, catalogue, catalogue.known()
        except LockError:
            raise
        except IndexDamaged as exc:
            report.rebuilt = f"the index could not be used ({exc}); rebuilt from the content"
            return self._create()
        except Exception as exc:  # any failure to read means: build it again
            report.rebuilt = f"the index could not be read ({type(exc).__name__}: {exc}); rebuilt from the content"
            return self._create()

    def snapshot(self, first: int | None = None) -> Snapshot | None:
        """The article list as last indexed, without reading the files; None before the first build.

        *first*: only the first that many articles of the list (see :func:`read_catalogue`).
        """
        return read_catalogue(self.dir, self.content, first)

    # Updating

    @contextlib.contextmanager
    def _update_lock(self, wait: float):
        """One updater at a time, from any process.

        Whoosh's own writer lock lives inside the index folder, which a
        rebuild deletes; this lock sits beside the folder, so two processes
        can never both decide to create the index and remove each other's.
        """
        private_dir(self.dir, "the index folder", files=True, file_what="the index file")
        with open_private(self.dir.with_name(self.dir.name + ".lock"), "a", "the index lock") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(BUSY) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def update(
        self,
        rebuild: bool = False,
        progress: Callable[[int, int, bool], None] | None = None,
        wait: float = WRITER_TIMEOUT,
    ) -> UpdateReport:
        """Bring the index in step with the files. Raises :class:`IndexBusy` when locked.

        *progress* is told ``(done, total, committed)``; ``committed`` is true
        when the articles so far have been written and can be listed.
        """
        with self._update_lock(wait):
            report = UpdateReport()
            ix, catalogue, known = self._open_or_create(report, rebuild)
            try:
                self._clean(ix)
                Update(self.content, ix, catalogue, report, progress, wait, self.follow_links, known).run()
            finally:
                catalogue.close()
                # A failed write (a full disk) leaves nothing half-written behind.
                self._clean(ix)
            return report

    def _clean(self, ix: windex.Index) -> None:
        """Remove what a failed or killed write left, when no writer (ours or Whoosh's) is at work."""
        try:
            lock = ix.lock("WRITELOCK")
            if not lock.acquire(blocking=False):
                return
        except OSError:
            return
        try:
            generation = integrity.latest_generation(self.dir)
            try:
                segments = ix._read_toc().segments
            except Exception:
                segments = None  # unreadable: keep every segment file; the next open rebuilds
            integrity.clean(self.dir, generation, segments)
        finally:
            lock.release()
