"""One pass over the content folder: read what changed, index it, commit in growing batches.

A first build commits early and then less often, so the reader can list the
first articles within a second or two, and a killed build keeps what it had
committed. Many files to read are read, parsed and indexed by worker
processes, each into segments of its own (see ``segments``); a few are done
here, through one writer.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from whoosh.index import LockError

from briefing.library import SETTLED_NS, scan_files
from briefing.search import segments as seg
from briefing.search.catalogue import CatalogueWriter, Known
from briefing.search.files import read_one, worker_pool
from briefing.search.schema import document

# Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_FROM = 200
BUSY = "the index is being updated by another Briefing process; try again shortly"


class IndexBusy(Exception):
    """Another process is writing the index."""


class Update:
    FIRST_BATCH = 100
    MAX_BATCH = 5000

    def __init__(self, content: Path, ix, catalogue: CatalogueWriter, report, progress: Callable | None,
                 wait: float, follow_links: bool = False, known: dict[str, Known] | None = None) -> None:
        self.content = content
        # What the catalogue knows, when the caller has read it already.
        self.known = known
        self.follow_links = follow_links
        self.ix = ix
        self.folder = Path(ix.storage.folder)
        self.catalogue = catalogue
        self.report = report
        self.progress = progress
        self.wait = wait
        self.batch = self.FIRST_BATCH
        self.writer: seg.Committer | None = None
        self.written = 0  # documents given to the current writer or built for it
        # An index with documents may hold one for a file the catalogue does
        # not know (a kill between the two commits): a new document replaces it.
        self.fresh = ix.doc_count_all() == 0
        self.merges: list = []  # (segments, future of their merge)
        self.made: list = []  # chunk segments committed, not yet handed to a merge
        self.pool = None
        self.group = 0
        # Updates merge the small segments earlier updates left; a pass in
        # workers merges only its own segments, in the workers (see _merge_later).
        self.merge_policy = None

    def _writer(self) -> seg.Committer:
        if self.writer is None:
            try:
                self.writer = seg.Committer(self.ix, timeout=self.wait)
            except LockError:
                raise IndexBusy(BUSY) from None
        return self.writer

    def _commit(self, built=()) -> None:
        """Whoosh first, then the catalogue: the catalogue never claims more than the index holds.

        Segments built by workers join the index here, and merged ones
        replace their sources, in the same commit.
        """
        merged = [m for m in self.merges if m[1].done()]
        if built or merged:
            writer = self._writer()
            writer.add_segments(built)
            for group, future in merged:
                segment, build_dir = future.result()
                writer.replace_segments(segment, Path(build_dir), group)
            done = {id(m) for m in merged}
            self.merges = [m for m in self.merges if id(m) not in done]
        if self.writer is not None:
            if self.written or built or merged or self.report.rebuilt:
                self.writer.commit(mergetype=self.merge_policy)
            else:
                self.writer.cancel()
            self.writer = None
            self.written = 0
        self.catalogue.flush()
        self._merge_later([s for s, _ in built])

    def run(self) -> None:
        with contextlib.ExitStack() as self.resources:
            self._run()

    def _run(self) -> None:
        report = self.report
        known = self.catalogue.known() if self.known is None else self.known
        self.known = None
        # Taken before any file is: a file written after it is never trusted by its time alone.
        self.started = time.time_ns()
        found, problems = scan_files(self.content, self.follow_links)
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
            jobs = self._to_read(found, known)
            seen.update(rel for rel, _, _, _ in found)
            self.done, self.total = len(found) - len(jobs), len(found)
            workers = min(os.cpu_count() or 1, 4)
            if len(jobs) >= PARALLEL_FROM and workers >= 2:
                self._in_workers(jobs, known, workers)
            else:
                self._here(jobs, known)
            for rel in sorted(set(known) - seen):
                if known[rel].digest is not None:
                    self._writer().delete_by_term("path", rel)
                    self.written += 1
                    report.removed.append(rel)
                self.catalogue.remove(rel)
            self._commit()
            # Stories last, in date order over everything this pass (and any
            # earlier pass cut short) brought in, while workers merge segments.
            placed = self.catalogue.place()
            self._finish_merges()
            if self.progress:
                # "committed" at the end only when the list changed: a reader
                # need not read the catalogue again after a no-change check.
                reasons = {k.reason for k in known.values() if k.reason}
                changed = (report.changed or report.rebuilt or placed
                           or any(s not in reasons for s in report.skipped))
                self.progress(self.total, self.total, bool(changed))
        except BaseException:
            if self.writer is not None:
                self.writer.cancel()
            self.catalogue.discard()
            raise

    def _args(self, job, known: dict[str, Known]) -> tuple:
        path, rel, size, _ = job
        return (str(path), rel, size, getattr(known.get(rel), "digest", None))

    def _step(self) -> None:
        self.done += 1
        if self.written >= self.batch:
            self._commit()
            self._grow()
        elif self.progress:
            self.progress(self.done, self.total, False)

    def _grow(self) -> None:
        self.batch = min(self.batch * 2, self.MAX_BATCH)
        if self.progress:
            self.progress(self.done, self.total, True)

    def _here(self, jobs, known: dict[str, Known]) -> None:
        for job in jobs:
            self._apply(job, known.get(job[1]), read_one(self._args(job, known)), in_segment=False)
            self._step()

    def _in_workers(self, jobs, known: dict[str, Known], workers: int) -> None:
        """Workers read, parse and index chunks of files into segments; this process commits them.

        A few chunks at a time are handed out, so that merges of the chunk
        segments already committed run between them, and a search during a
        long first build meets a few dozen segments, not hundreds (a search
        pays for every segment, and Whoosh's length statistics for the square).
        """
        chunks, start, size = [], 0, self.FIRST_BATCH
        while start < len(jobs):
            chunks.append(jobs[start:start + size])
            start += size
            size = min(size * 2, seg.CHUNK)
        self.group = seg.MERGE_GROUP
        self.merge_policy = seg.no_merge
        self.pool = self.resources.enter_context(worker_pool(min(workers, len(chunks))))
        built: list[tuple[object, Path]] = []
        pending: list = []
        ahead = iter(chunks)
        for chunk in itertools.islice(ahead, workers + 1):
            pending.append((chunk, self._submit(chunk, known)))
        while pending:
            chunk, future = pending.pop(0)
            segment, build_dir, outcomes = future.result()
            following = next(ahead, None)
            if following is not None:
                pending.append((following, self._submit(following, known)))
            for job, outcome in zip(chunk, outcomes, strict=True):
                self._apply(job, known.get(job[1]), outcome, in_segment=True)
                self.done += 1
            if segment is None:
                shutil.rmtree(build_dir, ignore_errors=True)
            else:
                built.append((segment, Path(build_dir)))
            if self.written >= self.batch or len(built) >= 4 or any(m[1].done() for m in self.merges):
                self._commit(built)
                built = []
                self._grow()
            elif self.progress:
                self.progress(self.done, self.total, False)
        if built:
            self._commit(built)
        self._merge_later([], final=True)

    def _submit(self, chunk, known: dict[str, Known]):
        return self.pool.submit(seg.build_chunk, (str(self.folder), [self._args(j, known) for j in chunk]))

    def _merge_later(self, committed: list, final: bool = False) -> None:
        """Hand groups of the pass's committed chunk segments to the workers to merge, each group once."""
        if self.pool is None or self.group < 2:
            return
        # The small chunks a pass starts with: an update later would
        # otherwise merge those, at a cost it should not pay. Full chunks stay.
        self.made.extend(s for s in committed if s.doc_count_all() < seg.CHUNK // 2)
        while len(self.made) >= self.group or (final and len(self.made) >= 2):
            group, self.made = self.made[:self.group], self.made[self.group:]
            self.merges.append((group, self.pool.submit(seg.merge_segments, (str(self.folder), group))))

    def _finish_merges(self) -> None:
        """Commit the merges still running when the pass ends."""
        while self.merges:
            concurrent.futures.wait([f for _, f in self.merges])
            self._commit()

    def _to_read(self, found: list, known: dict[str, Known]) -> list[tuple[Path, str, int, int]]:
        """The files to read: those the catalogue does not know as they are, told by their size and time.

        A file's time must have been settled when the catalogue took it;
        otherwise the file is read and its hash decides (and the time is taken
        again). Run for every file of the folder: kept to plain tuple work.
        """
        jobs = []
        unchanged, skipped = 0, self.report.skipped
        for rel, name, now_size, now_mtime in found:
            was = known.get(rel)
            if was is not None:
                size, mtime, _, reason, checked = was
                if size == now_size and mtime == now_mtime and mtime <= checked - SETTLED_NS:
                    if reason:
                        skipped.append(reason)
                    else:
                        unchanged += 1
                    continue
            jobs.append((Path(name), rel, now_size, now_mtime))
        self.report.unchanged += unchanged
        return jobs

    def _apply(self, job, known: Known | None, outcome: tuple, in_segment: bool) -> None:
        path, rel, size, mtime = job
        report = self.report
        kind = outcome[0]
        indexed = known is not None and known.digest is not None
        if kind == "same":
            # Touched but not changed: remember the new time; it was not parsed.
            self.catalogue.touch(rel, mtime, self.started)
            report.unchanged += 1
        elif kind in ("skip", "error"):
            report.skipped.append(outcome[1])
            if indexed:
                self._writer().delete_by_term("path", rel)
                self.written += 1
                report.removed.append(rel)
            # A file that could not be read at all is kept without its size
            # and time, so the next update tries it again (permissions get fixed).
            stated = (size, mtime, self.started) if kind == "skip" else ()
            self.catalogue.skip(rel, outcome[1], *stated)
        else:
            _, article, digest, words = outcome
            if in_segment:
                # Built into a worker's segment: only the old document goes here.
                if indexed or not self.fresh:
                    self._writer().delete_by_term("path", rel)
            elif self.fresh and not indexed:
                self._writer().add_document(**document(article, rel))
            else:
                self._writer().update_document(**document(article, rel))
            self.written += 1
            self.catalogue.put(article, rel, size, mtime, digest, words, self.started)
            (report.updated if indexed else report.added).append(rel)
