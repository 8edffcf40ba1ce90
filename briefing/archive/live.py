"""Live updates from the archive: LISTEN/NOTIFY on a connection of its own, reconnecting by itself.

The database tells every listener when a mark changes (with the article's
path and the analyst) and when articles are added or changed (an ingest on
any machine); the listener passes these on within moments, in a thread,
through callbacks. When the connection is lost it says so once, tries again
every few seconds (longer as the outage lasts), and says so again when the
archive is back, so that the reader can catch up on what it missed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from briefing.archive.connection import Archive, ArchiveError
from briefing.sanitize import clean_line

CHANNELS = ("briefing_marks", "briefing_articles")
# Waiting for notifications wakes up this often to see whether to stop.
WAKE = 0.5
RETRY_FIRST = 1.0
RETRY_MAX = 10.0
# Marks changing in a burst are passed on together, after this short wait.
GATHER = 0.05
HEARTBEAT = 5.0


class Listener:
    """Listens for the archive's notifications until :meth:`stop`; every callback runs in its thread."""

    def __init__(self, archive: Archive, *, marks: Callable[[set[str]], None], articles: Callable[[], None],
                 status: Callable[[bool, str], None]) -> None:
        self.archive = archive
        self.on_marks = marks
        self.on_articles = articles
        self.on_status = status
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="archive-listener", daemon=True)
        self.reachable: bool | None = None
        self._con = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        con = self._con
        if con is not None:
            try:
                con.cancel_safe(timeout=1.0)
            except Exception:
                pass
        self._thread.join(timeout=3)

    def _say(self, reachable: bool, reason: str = "") -> None:
        self.archive.down = None if reachable else (reason or "the archive is unreachable")
        if reachable != self.reachable:
            self.reachable = reachable
            self.on_status(reachable, reason)

    def _run(self) -> None:
        wait = RETRY_FIRST
        first = True
        while not self._stop.is_set():
            try:
                con = self.archive.connect()
            except ArchiveError as exc:
                self._say(False, str(exc))
                self._stop.wait(wait)
                wait = min(wait * 2, RETRY_MAX)
                continue
            self._con = con
            wait = RETRY_FIRST
            try:
                for channel in CHANNELS:
                    con.execute(f"LISTEN {channel}")
                was_lost = self.reachable is False
                self._say(True)
                if was_lost or not first:
                    # Back after an outage: what changed meanwhile was never told.
                    self.on_articles()
                    self.on_marks(set())
                first = False
                self._listen(con)
            except Exception as exc:  # the connection is gone (or the server restarted)
                if not self._stop.is_set():
                    self._say(False, f"the archive is unreachable: {clean_line(str(exc)) or type(exc).__name__}")
                    self._stop.wait(wait)
            finally:
                self._con = None
                try:
                    con.close()
                except Exception:
                    pass

    def _listen(self, con) -> None:
        checked = time.monotonic()
        while not self._stop.is_set():
            paths: set[str] = set()
            articles = False
            # The first notification as soon as it comes; then those of the same burst (an
            # import, a batch) for a moment more, passed on together.
            for note in con.notifies(timeout=WAKE, stop_after=1):
                if note.channel == "briefing_articles":
                    articles = True
                else:
                    paths.add(_path_of(note.payload))
            if articles or paths:
                for note in con.notifies(timeout=GATHER):
                    if note.channel == "briefing_articles":
                        articles = True
                    else:
                        paths.add(_path_of(note.payload))
            if articles:
                self.on_articles()
            paths.discard("")
            if paths:
                self.on_marks(paths)
            if time.monotonic() - checked > HEARTBEAT:
                # A dead peer is not always noticed while waiting: ask now and then.
                con.execute("SELECT 1")
                checked = time.monotonic()


def _path_of(payload: str) -> str:
    try:
        return clean_line(str(json.loads(payload).get("path") or ""))
    except (ValueError, AttributeError):
        return ""
