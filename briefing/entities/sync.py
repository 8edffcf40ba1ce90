"""Bringing the entity store in step with the index's catalogue.

Run right after the index is updated (by ``briefing index``, and by the
reader after its own updates): the articles whose content changed since the
store last saw them are read again and their names found; those gone from
the catalogue leave the store. Many files are read by worker processes
(spawned: the caller may have threads); what is written commits in batches,
so a killed pass keeps its work and the next one does only the rest.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import itertools
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefing.entities.extract import Mention, mentions
from briefing.entities.store import connect
from briefing.entities.writer import Writer
from briefing.model import Entry

# Below this many files to read, worker processes cost more than they save.
PARALLEL_FROM = 200
BATCH = 500
# Files a worker reads per task.
CHUNK = 32
LOCK_NAME = "entities.lock"


@dataclass
class SyncReport:
    read: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    busy: bool = False

    def summary(self) -> str:
        if self.busy:
            return "names: another Briefing process is finding them"
        return f"names: {self.read} article(s) read, {self.removed} removed"


Job = tuple[str, str, str, str]  # path, rel, digest, date


def sync(index_dir: Path, content: Path, progress: Callable[[int, int], None] | None = None,
         workers: int | None = None, entries: Sequence[Entry] | None = None) -> SyncReport:
    """Find the names of the catalogue's new and changed articles; forget those of removed ones.

    *entries* stands in for the catalogue (the benchmark's archive has no index).
    """
    from briefing.search.catalogue import read_catalogue

    report = SyncReport()
    if entries is None:
        snapshot = read_catalogue(index_dir, content)
        if snapshot is None:
            return report
        entries = snapshot.entries
    with _locked(index_dir) as held:
        if not held:
            report.busy = True
            return report
        con = connect(index_dir, readonly=False)
        try:
            writer = Writer(con)
            known = writer.known()
            listed = {e.rel: e for e in entries}
            jobs: list[Job] = [(str(e.path), e.rel, e.digest, e.date.isoformat() if e.date else "")
                               for e in entries if known.get(e.rel) != e.digest]
            gone = [rel for rel in known if rel not in listed]
            con.execute("BEGIN")
            for rel in gone:
                writer.remove(rel)
            report.removed = len(gone)
            pending = 0
            for (path, rel, digest, date), found in zip(jobs, _read_all(jobs, workers), strict=True):
                if isinstance(found, str):
                    report.skipped.append(found)
                    found = []
                if not con.in_transaction:
                    con.execute("BEGIN")
                writer.put(rel, digest, date, found)
                pending += 1
                report.read += 1
                if pending >= BATCH:
                    writer.save()
                    if writer.due():
                        writer.count()
                    con.execute("COMMIT")
                    pending = 0
                    if progress:
                        progress(report.read, len(jobs))
            if not con.in_transaction:
                con.execute("BEGIN")
            writer.save()
            writer.count()
            con.execute("COMMIT")
            if progress:
                progress(report.read, len(jobs))
        finally:
            if con.in_transaction:
                con.rollback()
            con.close()
    return report


@contextlib.contextmanager
def _locked(index_dir: Path):
    """One writer at a time; a second process finds it held and leaves the work to the first."""
    index_dir.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(index_dir / LOCK_NAME, flags, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_all(jobs: list[Job], workers: int | None):
    """Each job's mentions (or why the file was skipped), in order; in worker processes when there are many.

    A few chunks per worker are out at a time, not the whole pass: what the
    workers have read waits in memory only until this process has stored it.
    """
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        yield from map(read_one, jobs)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    chunks = (jobs[at:at + CHUNK] for at in range(0, len(jobs), CHUNK))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        out = collections.deque(pool.submit(_read_chunk, chunk) for chunk in itertools.islice(chunks, workers * 4))
        while out:
            found = out.popleft().result()
            chunk = next(chunks, None)
            if chunk is not None:
                out.append(pool.submit(_read_chunk, chunk))
            yield from found


def _read_chunk(jobs: list[Job]) -> list[list[Mention] | str]:
    return [read_one(job) for job in jobs]


def read_one(job: Job) -> list[Mention] | str:
    """The names one file gives, or one line saying why it could not be read."""
    from briefing.decode import read_file_bytes
    from briefing.model import UnreadableFile
    from briefing.parse import parse_bytes

    path_name, rel, _, _ = job
    path = Path(path_name)
    try:
        # As the index reads them: regular files only, never past the size limit.
        data = read_file_bytes(path, rel)
    except UnreadableFile as exc:
        return str(exc)
    except OSError as exc:
        return f"{rel}: cannot be read ({exc.strerror})"
    try:
        article = parse_bytes(data, path, extras=False, name=rel)
        return mentions(article)
    except UnreadableFile as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - one file's surprise must not stop the pass
        return f"{rel}: names not read ({type(exc).__name__})"


def _exit_with_parent(parent: int) -> None:
    """A worker ends when the process that started it does, even by SIGKILL."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
