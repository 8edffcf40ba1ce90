"""Keeping the index of the content folder up to date while the reader runs, and opening search on it.

The update runs as a separate process (``briefing index --progress-lines``):
Whoosh's writer may fork, and this process has threads; and a killed build
must not take the reader with it. Its progress comes back as lines (see
:mod:`briefing.progress`) and goes on to the screen as messages. The folder is
checked for changes every few seconds, less often when a scan is slow.

Quitting stops the indexer and the name finder: both commit as they go and
the next run does only the rest, while waiting for them would keep the
reader's process alive for minutes after ``q`` on a large first build.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual.widget import Widget

from briefing.library import SETTLED_NS, scan_files
from briefing.progress import Notice, Progress, read_line
from briefing.search.catalogue import snapshot_of_files
from briefing.search.index import BUSY_EXIT_STATUS, ContentIndex
from briefing.tui.messages import IndexBusy, IndexFailed, IndexProgress, IndexReady, ListRead, NamesFound

if TYPE_CHECKING:  # loaded when the index is first opened, after the first screen
    from briefing.search.engine import Engine

# The indexer and the name finder are this same Briefing, whatever folder the
# reader was started in: -P keeps that folder off the child's path (a folder
# named briefing there would be imported instead), and the package's own
# folder leads its PYTHONPATH.
SAFE_PATH = ("-P",)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


def child_env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": _PACKAGE_ROOT + (os.pathsep + path if path else "")}


# Articles read for the first screen before the whole list (a tall terminal shows a few dozen).
FIRST_ROWS = 200
# How often the content folder is checked for new, changed or removed files.
POLL_INTERVAL = 3.0
# A scan of a large folder is not free: poll at most every this many scans' time.
POLL_COST_FACTOR = 20


class Indexing:
    """The index behind the reader: its list, its updates and the search engine opened on it."""

    def __init__(self, index: ContentIndex, poll_interval: float = POLL_INTERVAL) -> None:
        self.index = index
        self.poll_interval = poll_interval
        # "waiting" until the first update ends, then "ready" or "failed".
        self.state: Literal["waiting", "ready", "failed"] = "waiting"
        self.engine: Engine | None = None
        # Held while a query runs and while the engine is replaced.
        self.lock = threading.Lock()
        self._owner: Widget | None = None
        self._signature: tuple | None = None
        self._scan_cost = 0.0
        self._running = False
        self._closing = False
        self._children: set[subprocess.Popen] = set()
        self._rest_read = False
        # When the last update's look at the folder began (ns since the epoch).
        self._scanned = 0

    @property
    def content(self) -> Path:
        return self.index.content

    @property
    def owner(self) -> Widget:
        assert self._owner is not None, "start() first"
        return self._owner

    def start(self, owner: Widget) -> None:
        """Read the list, then bring the index up to date; messages go to *owner*.

        A large list comes in two steps: its first rows at once, for the first
        screen, and the whole of it when *owner* asks (:meth:`read_rest`) once
        that screen is drawn. The check for changed files waits for the whole
        list: its walk of the folder would only slow the reading down.
        """
        self._owner = owner

        def read() -> None:
            snapshot = self.index.snapshot(first=FIRST_ROWS)
            self.owner.post_message(ListRead(snapshot))
            if snapshot is None or snapshot.complete:
                self.owner.app.call_from_thread(self.owner.call_after_refresh, self.update)

        self.owner.run_worker(read, thread=True, exclusive=True, group="catalogue")

    def read_rest(self) -> None:
        """The whole list, after its first rows (once, whoever asks first); then the check for changed files."""
        if self._rest_read:
            return
        self._rest_read = True

        def read() -> None:
            self.owner.post_message(ListRead(self.index.snapshot()))
            self.owner.app.call_from_thread(self.owner.call_after_refresh, self.update)

        self.owner.run_worker(read, thread=True, exclusive=True, group="catalogue")

    def read_list(self, or_files: bool = False) -> None:
        """Read the list as last indexed (None while there is no index yet, unless *or_files*)."""

        def read() -> None:
            snapshot = self.index.snapshot()
            if snapshot is None and or_files:
                snapshot = snapshot_of_files(self.content, self.index.follow_links)
            self.owner.post_message(ListRead(snapshot))

        self.owner.run_worker(read, thread=True, exclusive=True, group="catalogue")

    def read_files(self) -> None:
        """No index could be written (a full disk, a read-only cache): list the files the slow way."""
        self.owner.run_worker(
            lambda: self.owner.post_message(ListRead(snapshot_of_files(self.content, self.index.follow_links))),
            thread=True, exclusive=True, group="catalogue")

    def update(self) -> None:
        self.owner.run_worker(self._update, thread=True, exclusive=True, group="index")

    def update_now(self) -> None:
        """Index at once (new files were written); one running already is followed by a check that finds them."""
        if not self._running:
            self.update()

    def close(self) -> None:
        self._closing = True
        for child in list(self._children):
            with contextlib.suppress(OSError):
                child.terminate()
        with self.lock:
            if self.engine is not None:
                self.engine.close()
                self.engine = None

    @contextlib.contextmanager
    def _child(self, command: list[str], **options):
        """A child process the reader's quitting stops; OSError when it cannot start (or the reader is quitting)."""
        if self._closing:
            raise OSError("the reader is quitting")
        with subprocess.Popen(command, env=child_env(), **options) as proc:
            self._children.add(proc)
            try:
                if self._closing:  # quit came while it started
                    proc.terminate()
                yield proc
            finally:
                self._children.discard(proc)

    # In the worker threads

    def _update(self) -> None:
        self._running = True
        try:
            self._scanned = time.time_ns()
            self._signature = folder_signature(self.content, self.index.follow_links)
            self._run_indexer()
            if self.state == "ready" and not self._closing:
                self._find_names()
        finally:
            self._running = False
            self.owner.app.call_from_thread(self._schedule_check)

    def _run_indexer(self) -> None:
        post = self.owner.post_message
        command = [sys.executable, *SAFE_PATH, "-m", "briefing", "index", "--progress-lines",
                   "--content", str(self.content), "--index", str(self.index.dir)]
        if self.index.follow_links:
            command.append("--follow-links")
        errors: list[str] = []
        notices: list[str] = []
        listed = False  # whether this run's commits already brought the list up to date
        try:
            with self._child(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
                assert proc.stderr is not None
                for line in proc.stderr:
                    step = read_line(line)
                    if isinstance(step, Progress):
                        post(IndexProgress(step))
                        if step.committed:
                            listed = True
                            post(ListRead(self.index.snapshot()))
                    elif isinstance(step, Notice):
                        notices.append(step.text)
                    else:
                        errors.append(step)
        except OSError as exc:
            if not self._closing:
                self._failed(str(exc))
            return
        if self._closing:
            return
        if proc.returncode == BUSY_EXIT_STATUS:
            # Another Briefing process is writing the index: not a failure.
            # Forget the folder's signature so that the next check runs again.
            self._signature = None
            post(IndexBusy())
            return
        if proc.returncode != 0:
            self._failed(errors[-1] if errors else "indexing failed")
            return
        with self.lock:
            try:
                ix = self.index.open()
            except Exception as exc:
                self._failed(str(exc))
                return
            if self.engine is not None:
                self.engine.close()
            from briefing.search.engine import Engine

            self.engine = Engine(ix)
        # Read the list again if no commit of this run did: another process
        # (a second reader, `briefing index`) may have indexed the changes.
        snapshot = self.index.snapshot() if not listed else None
        self.state = "ready"
        post(IndexReady(notices, snapshot))

    def _find_names(self) -> None:
        """The people, places and organisations of what was indexed, stored for the entity view (a process too)."""
        command = [sys.executable, *SAFE_PATH, "-m", "briefing", "entities", "--sync-only",
                   "--content", str(self.content), "--index", str(self.index.dir)]
        try:
            with self._child(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
                proc.wait()
        except OSError:
            return
        if not self._closing:
            self.owner.post_message(NamesFound(proc.returncode == 0))

    def _failed(self, reason: str) -> None:
        self.state = "failed"
        # The indexer's error line names the program; in the reader it is said in the reader's words.
        self.owner.post_message(IndexFailed(reason.strip().removeprefix("briefing: ")))

    def _schedule_check(self) -> None:
        self.owner.set_timer(max(self.poll_interval, self._scan_cost * POLL_COST_FACTOR), self._check)

    def _check(self) -> None:
        self.owner.run_worker(self._check_folder, thread=True, exclusive=True, group="poll")

    def _check_folder(self) -> None:
        if self._running:
            return  # the update in progress schedules the next check
        started = time.monotonic()
        signature = folder_signature(self.content, self.index.follow_links)
        self._scan_cost = time.monotonic() - started
        if signature != self._signature or self._unsettled(signature):
            self.owner.app.call_from_thread(self.update)
        else:
            self.owner.app.call_from_thread(self._schedule_check)

    def _unsettled(self, signature: tuple) -> bool:
        """Whether a file's time was too close to the last update's look for the update to trust it.

        Written again within that tick with the same size, the file would look
        the same here for ever; the next update reads it and decides, and once
        an update comes two seconds after the file's time, it is trusted.
        """
        low, high = self._scanned - SETTLED_NS, self._scanned + SETTLED_NS
        return any(low < mtime <= high for _, _, mtime in signature)


def folder_signature(root: Path, follow_links: bool = False) -> tuple:
    """What changes when a briefing file is added, removed or modified: cheap, no reads (one stat a file)."""
    found, _ = scan_files(root, follow_links)
    return tuple((rel, size, mtime) for rel, _, size, mtime in found)
