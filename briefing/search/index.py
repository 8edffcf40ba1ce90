"""The Whoosh index of a content folder: where it lives, and keeping it in step with the files.

Only changed files are read: a file whose size and modification time match
what the index holds is passed over; one whose times differ but whose content
hash matches is not re-parsed. The index records the Whoosh version and our
schema version beside it, and is rebuilt when either changes or when it
cannot be opened (left broken by a crash or a kill).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import mmap
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import whoosh
from whoosh import index as windex
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import LockError

from briefing.decode import MAX_BYTES, read_file_bytes, too_large
from briefing.library import find_files, rel_of
from briefing.private import open_private, private_dir
from briefing.model import Article, UnreadableFile
from briefing.parse import parse_bytes
from briefing.search.catalogue import FILE_NAME as CATALOGUE_FILE
from briefing.search.catalogue import CatalogueWriter, Known, Snapshot, read_catalogue
from briefing.stories.grouping import signature

SCHEMA_VERSION = 4
META_FILE = "briefing-index.json"
INDEX_NAME = "articles"
WRITER_TIMEOUT = 5.0


def make_schema() -> Schema:
    text = StemmingAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        title=TEXT(analyzer=text, stored=True, field_boost=3.0),
        body=TEXT(analyzer=text, stored=True),
        key_points=TEXT(analyzer=text, stored=True, field_boost=1.5),
        source=KEYWORD(lowercase=True, stored=True, commas=False, scorable=True),
        tags=KEYWORD(lowercase=True, commas=True, stored=True, scorable=True),
        date=DATETIME(stored=True, sortable=True),
    )


def default_index_dir(content: Path) -> Path:
    """The index for *content*: ``BRIEFING_INDEX_DIR``, else one per folder in the user cache."""
    env = os.environ.get("BRIEFING_INDEX_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    key = hashlib.sha256(str(content.resolve()).encode()).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("briefing")) / "index" / key


def article_id(rel_path: str) -> str:
    return hashlib.sha256(rel_path.encode()).hexdigest()[:16]


# `briefing index` exits with this (EX_TEMPFAIL) when another process holds the index.
BUSY_EXIT_STATUS = 75


class IndexBusy(Exception):
    """Another process is writing the index."""


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


class ContentIndex:
    """The index of one content folder."""

    def __init__(self, content: Path, index_dir: Path | None = None, follow_links: bool = False) -> None:
        self.content = content
        self.follow_links = follow_links
        self.dir = index_dir or default_index_dir(content)

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

    def open(self) -> windex.Index:
        """Open the index for reading. Raises if it is missing or unusable."""
        # Whoosh unpickles what it reads here: only from a folder no one else can write.
        private_dir(self.dir, "the index folder", create=False, files=True, file_what="the index file")
        problem = self._meta_ok()
        if problem:
            raise windex.EmptyIndexError(problem)
        return _MappedStorage(str(self.dir)).open_index(INDEX_NAME)

    def _create(self) -> tuple[windex.Index, CatalogueWriter]:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        private_dir(self.dir, "the index folder")
        ix = windex.create_in(str(self.dir), make_schema(), indexname=INDEX_NAME)
        catalogue = CatalogueWriter(self.dir)
        # Written last: its presence says the folder is complete.
        (self.dir / META_FILE).write_text(json.dumps(_meta()))
        return ix, catalogue

    def _open_or_create(self, report: UpdateReport, rebuild: bool) -> tuple[windex.Index, CatalogueWriter]:
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
            catalogue.known()
            return ix, catalogue
        except LockError:
            raise
        except Exception as exc:  # any failure to read means: build it again
            report.rebuilt = f"the index could not be read ({type(exc).__name__}: {exc}); rebuilt from the content"
            return self._create()

    def snapshot(self) -> Snapshot | None:
        """The article list as last indexed, without reading the files; None before the first build."""
        return read_catalogue(self.dir, self.content)

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
                        raise IndexBusy(
                            "the index is being updated by another Briefing process; try again shortly"
                        ) from None
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
            ix, catalogue = self._open_or_create(report, rebuild)
            try:
                _Update(self.content, ix, catalogue, report, progress, wait, self.follow_links).run()
            finally:
                catalogue.close()
            return report


class _MappedStorage(FileStorage):
    """Index files read through memory maps.

    Whoosh reads a plain file a few bytes at a time with a system call each
    (the fuzzy-term walk makes millions); a map makes those memory reads, and
    the pages are the kernel's file cache, shared and reclaimable, not the
    reader's own memory. Segments are never rewritten in place, so a map
    never sees a file change under it.
    """

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)


class _Update:
    """One pass over the content folder, committing in growing batches.

    A first build of a large folder commits early and then less often, so
    the reader can list the first articles within a second or two, and a
    killed build keeps what it had committed.
    """

    FIRST_BATCH = 100
    MAX_BATCH = 5000
    # A batch this large is written by Whoosh's two-process writer: 1.8x
    # faster on two cores, but each commit leaves a segment per process, so
    # small batches (and every later update) keep the single writer.
    SPLIT_WRITE_FROM = 1000

    def __init__(self, content, ix, catalogue, report, progress, wait, follow_links=False) -> None:
        self.content = content
        self.follow_links = follow_links
        self.ix = ix
        self.catalogue = catalogue
        self.report = report
        self.progress = progress
        self.wait = wait
        self.batch = self.FIRST_BATCH
        self.writer = None
        self.written = 0  # documents given to the current writer
        self.left = 0  # documents still to be given to a writer in this pass

    def _writer(self):
        if self.writer is None:
            try:
                # Files of their own, not one compound file per segment: Whoosh
                # copies a compound segment's postings into memory when it is
                # opened (a quarter of a GB at 10,000 articles).
                options: dict[str, object] = {"compound": False}
                procs = min(2, os.cpu_count() or 1)
                if procs > 1 and min(self.batch, self.left) >= self.SPLIT_WRITE_FROM:
                    options.update(procs=procs, multisegment=True, limitmb=128)
                self.writer = self.ix.writer(timeout=self.wait, **options)
            except LockError:
                raise IndexBusy(
                    "the index is being updated by another Briefing process; try again shortly"
                ) from None
        return self.writer

    def _commit(self) -> None:
        """Whoosh first, then the catalogue: the catalogue never claims more than the index holds."""
        if self.writer is not None:
            if self.written or self.report.rebuilt:
                self.writer.commit()
            else:
                self.writer.cancel()
            self.writer = None
            self.written = 0
        self.catalogue.flush()

    def run(self) -> None:
        report = self.report
        known = self.catalogue.known()
        paths, problems = find_files(self.content, self.follow_links)
        report.skipped.extend(problems)
        self.catalogue.forget_unstated()
        try:
            # Files passed over before reading (links): skipped again, and not gone.
            seen: set[str] = set()
            for line in problems:
                rel = line.split(": ", 1)[0]
                self.catalogue.skip(rel, line)
                seen.add(rel)
            # First the cheap pass: which files changed (size and time) and must be read.
            jobs: list[tuple[Path, str, os.stat_result]] = []
            for path in paths:
                rel = rel_of(path, self.content)
                seen.add(rel)
                job = self._check(path, rel, known.get(rel))
                if job is not None:
                    jobs.append(job)
            done = len(paths) - len(jobs)
            self.left = len(jobs)
            # Then read, hash and parse them (in parallel when there are many), writing in order.
            for (path, rel, stat), outcome in zip(jobs, _read_all(jobs, known), strict=True):
                self._apply(path, rel, stat, known.get(rel), outcome)
                done += 1
                self.left -= 1
                if self.written >= self.batch:
                    self._commit()
                    self.batch = min(self.batch * 2, self.MAX_BATCH)
                    if self.progress:
                        self.progress(done, len(paths), True)
                elif self.progress:
                    self.progress(done, len(paths), False)
            for rel in sorted(set(known) - seen):
                if known[rel].digest is not None:
                    self._writer().delete_by_term("path", rel)
                    self.written += 1
                    report.removed.append(rel)
                self.catalogue.remove(rel)
            self._commit()
            if self.progress:
                # "committed" at the end only when the list changed: a reader
                # need not read the catalogue again after a no-change check.
                reasons = {k.reason for k in known.values() if k.reason}
                changed = report.changed or report.rebuilt or any(s not in reasons for s in report.skipped)
                self.progress(len(paths), len(paths), bool(changed))
        except BaseException:
            if self.writer is not None:
                self.writer.cancel()
            self.catalogue.discard()
            raise

    def _check(self, path: Path, rel: str, known: Known | None) -> tuple[Path, str, os.stat_result] | None:
        """The file as a job to read, or None when it is unchanged or cannot be read at all."""
        report = self.report
        try:
            stat = path.stat()
        except OSError as exc:
            report.skipped.append(f"{rel}: cannot be read ({exc.strerror})")
            return None
        if known and known.size == stat.st_size and known.mtime == stat.st_mtime_ns:
            if known.reason:
                report.skipped.append(known.reason)
            else:
                report.unchanged += 1
            return None
        return path, rel, stat

    def _apply(self, path: Path, rel: str, stat: os.stat_result, known: Known | None, outcome: tuple) -> None:
        report = self.report
        kind = outcome[0]
        if kind == "same":
            # Touched but not changed: remember the new time; it was not parsed.
            self.catalogue.touch(rel, stat.st_mtime_ns)
            report.unchanged += 1
        elif kind in ("skip", "error"):
            report.skipped.append(outcome[1])
            if known and known.digest is not None:
                self._writer().delete_by_term("path", rel)
                self.written += 1
                report.removed.append(rel)
            # A file that could not be read at all is kept without its size
            # and time, so the next update tries it again (permissions get fixed).
            stated = (stat.st_size, stat.st_mtime_ns) if kind == "skip" else ()
            self.catalogue.skip(rel, outcome[1], *stated)
        else:
            _, article, digest, words = outcome
            self._writer().update_document(**document(article, rel))
            self.written += 1
            self.catalogue.put(article, rel, stat.st_size, stat.st_mtime_ns, digest, words)
            (report.updated if known and known.digest is not None else report.added).append(rel)


# Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_FROM = 200


def _read_all(jobs: list[tuple[Path, str, os.stat_result]], known: dict[str, Known]):
    """The outcome of reading each job, in order: in worker processes when there are many.

    Parsing is most of the cost of a build; Whoosh's writer stays in this
    process, so the workers only read, hash and parse. They are spawned, not
    forked: the caller may have threads.
    """
    args = [(str(path), rel, stat.st_size, getattr(known.get(rel), "digest", None)) for path, rel, stat in jobs]
    workers = min(os.cpu_count() or 1, 4)
    if len(args) < PARALLEL_FROM or workers < 2:
        yield from map(_read_one, args)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
        yield from pool.map(_read_one, args, chunksize=32)


def _exit_with_parent(parent: int) -> None:
    """Make this worker end when the indexing process does, even by SIGKILL.

    A pool's workers wait on a queue they also hold the writing end of, so a
    parent's death never reaches them; left behind they would keep the
    parent's stdout open (hanging whoever reads it) for ever.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _read_one(job: tuple[str, str, int, str | None]) -> tuple:
    """("article", article, digest), ("same", digest), ("skip", why) or ("error", why)."""
    path_name, rel, size, known_digest = job
    path = Path(path_name)
    if size > MAX_BYTES:
        return ("skip", too_large(rel, size))
    try:
        data = read_file_bytes(path, rel)
    except UnreadableFile as exc:
        return ("skip", str(exc))
    except OSError as exc:
        return ("error", f"{rel}: cannot be read ({exc.strerror})")
    digest = hashlib.sha256(data).hexdigest()
    if known_digest == digest:
        return ("same", digest)
    try:
        # The index needs the text and the given key points, not the extracted ones or facts.
        article = parse_bytes(data, path, extras=False, name=rel)
    except UnreadableFile as exc:
        return ("skip", str(exc))
    return ("article", article, digest, signature(article))


def document(article: Article, rel: str) -> dict[str, object]:
    date = dt.datetime.combine(article.date, dt.time()) if article.date else None
    fields: dict[str, object] = {
        "id": article_id(rel),
        "path": rel,
        "title": article.title,
        "body": "\n".join(p.text for p in article.paragraphs),
        "key_points": "\n".join(k.text for k in article.key_points if k.origin == "given"),
        "source": article.source or "",
        "tags": ",".join(article.tags),
    }
    if date is not None:
        fields["date"] = date
    return fields
