"""Feeds fetched from the reader's screen: ``F`` now, and in the background every ``fetch_interval`` minutes.

A part of :class:`~briefing.tui.screens.reader.ReaderScreen`. Progress goes to
the status line (the reading pane's lower border); the end is told in a
notification (a warning when some feeds failed, an error when all did). A
background round says nothing unless something is new or a feed failed. New
files are indexed at once, and announced by the saved searches they match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.sanitize import clean_line
from briefing.tui import messages as m

if TYPE_CHECKING:
    from briefing.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object


class Fetching(_Base):
    def action_fetch_feeds(self) -> None:
        fetching = self.services.fetching
        if fetching is None:
            return
        if not fetching.fetch():
            self.notify("A fetch is already running; its progress is in the status line.", timeout=3)
            return
        self.set_status("fetch", "Fetching feeds" + self.look.glyphs.ellipsis)

    def on_fetch_progress(self, message: m.FetchProgress) -> None:
        self.set_status("fetch", message.status)

    def on_fetch_done(self, message: m.FetchDone) -> None:
        self.set_status("fetch", "")
        report = message.report
        if report is None:
            if not message.background:
                self.notify(message.problem or "Nothing was fetched.", severity="warning", timeout=8, markup=False)
            return
        new = report.new
        if new:
            # New files are listed (and announced) at once, not at the next check of the folder.
            self.services.indexing.update_now()
        failed = report.failed
        if message.background and not failed and not new:
            return
        lines = [f"{len(report.results)} feed(s), {new} new article(s)" + (" (stopped)" if report.cancelled else "")]
        lines += [clean_line(r.line())[:200] for r in failed[:5]]
        if len(failed) > 5:
            lines.append(f"{self.look.glyphs.ellipsis}and {len(failed) - 5} more failed")
        severity = "error" if report.all_failed else "warning" if failed else "information"
        title = "Feeds: every one failed" if report.all_failed else "Feeds: some failed" if failed else "Feeds fetched"
        self.notify("\n".join(lines), title=title, severity=severity, timeout=12 if failed else 6, markup=False)
