"""Fetching the feeds from the reader: now (``F``), or every ``fetch_interval`` minutes in the background.

The fetch service (:func:`briefing.feeds.service.fetch`) runs in a thread
worker; its events become :class:`FetchProgress` lines for the status line
and one :class:`FetchDone` at the end. One fetch runs at a time: a background
round that comes while one runs is skipped. Quitting sets the cancel event,
and the feeds under way stop after their current request.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widget import Widget

from briefing.sanitize import clean_line
from briefing.tui.messages import FetchDone, FetchProgress


class Fetching:
    def __init__(self, content: Path, interval_minutes: int) -> None:
        self.content = content
        self.interval = interval_minutes
        self.cancel = threading.Event()
        self._running = threading.Lock()
        self._owner: Widget | None = None

    @property
    def running(self) -> bool:
        return self._running.locked()

    def start(self, owner: Widget) -> None:
        """Begin the background rounds, if the settings ask for them."""
        self._owner = owner
        if self.interval > 0:
            owner.set_interval(self.interval * 60, lambda: self.fetch(background=True), name="feeds")

    def fetch(self, background: bool = False) -> bool:
        """Fetch every feed in a worker; False when a fetch is already running (this one is skipped)."""
        assert self._owner is not None, "start() first"
        if not self._running.acquire(blocking=False):
            return False
        self._owner.run_worker(lambda: self._fetch(background), thread=True, group="feeds")
        return True

    def close(self) -> None:
        self.cancel.set()

    def _fetch(self, background: bool) -> None:
        from briefing.feeds.service import FeedFinished, FeedStarted, FetchFinished, fetch
        from briefing.feeds.store import FeedsError, load_feeds

        post = self._owner.post_message
        try:
            try:
                feeds, problems = load_feeds()
            except FeedsError as exc:
                post(FetchDone(None, background, str(exc)))
                return
            if not feeds:
                post(FetchDone(None, background, "No feeds to fetch: add one with 'briefing feeds add URL'."
                               + (f" ({'; '.join(problems)})" if problems else "")))
                return

            def on_event(event) -> None:
                if isinstance(event, FeedStarted):
                    post(FetchProgress(f"Fetching {event.index}/{event.total}: {clean_line(event.name)}"))
                elif isinstance(event, FeedFinished):
                    post(FetchProgress(f"Fetched {event.done}/{event.total}: {clean_line(event.result.line())[:120]}"))
                elif isinstance(event, FetchFinished):
                    post(FetchDone(event.report, background))

            try:
                fetch(feeds, self.content, on_event=on_event, cancel=self.cancel)
            except Exception as exc:  # noqa: BLE001 - a fetch that breaks is told, never a traceback
                post(FetchDone(None, background, f"The fetch stopped: {type(exc).__name__}: {clean_line(str(exc))[:200]}"))
        finally:
            self._running.release()
