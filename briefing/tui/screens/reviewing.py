"""The review side of the reader's screen: star, flag, read/unread, notes, key-point marks, filters,
the digest, the place one left off, and marks another reader changed.

A part of :class:`~briefing.tui.screens.reader.ReaderScreen`, kept apart so
that what a review key does reads in one place; what a change comes to is
decided by :mod:`briefing.review`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.digest import collect, render, write_atomically
from briefing.model import Entry
from briefing.sanitize import clean_line, shown_path
from briefing.state import Flag, StateError
from briefing.tui import messages as m
from briefing.tui.editor import EditorError, edit_in_editor
from briefing.tui.screens.confirm import ConfirmScreen
from briefing.tui.screens.digest import DigestScreen
from briefing.tui.screens.note import NoteScreen
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reading_pane import ReadingPane

ARCHIVE_DOWN = "Archive unreachable:"

if TYPE_CHECKING:
    from briefing.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object


# "A" asks first when it would mark more than this many.
BATCH_WITHOUT_ASKING = 20


class Reviewing(_Base):
    # Marks and notes

    def _current_entry(self) -> Entry | None:
        """The article a review key acts on: the one highlighted in the list, else the one shown."""
        entry = self.query_one(ArticleList).current or (self.shown.entry if self.shown else None)
        if entry is None:
            self.notify("No article is selected.", timeout=3)
        return entry

    def action_filter(self, name: str) -> None:
        self.listing = self.listing.filtered(name)
        self.refresh_list()

    def action_toggle(self, flag: Flag) -> None:
        selection = self.query_one(ArticleList).selection()
        if flag == "read" and selection:
            # u on a selection: all of it read, or unread when all of it is read already.
            value = not all(self.review.state(e).read for e in selection)
            self.query_one(ArticleList).action_clear_selection()
            self._batch(selection, value)
            return
        entry = self._current_entry()
        if entry is None:
            return
        if flag == "read":
            self._stop(self._reading)  # "u" on an article just opened keeps it unread
        self.apply(self.review.toggle(entry, flag))

    def on_point_marked(self, message: m.PointMarked) -> None:
        # The point belongs to the article in the reading pane.
        if self.shown is not None:
            self.apply(self.review.mark_point(self.shown.entry, message.point, message.mark))

    def action_note(self) -> None:
        entry = self._current_entry()
        if entry is not None:
            # The note as stored now, not as last shown: what it was when the
            # editor opened tells a save whether another reader changed it since.
            opened = self.review.opened_note(entry)
            self.show_marks()
            self._edit_note(entry, opened, opened)

    def _edit_note(self, entry: Entry, text: str, opened_with: str, unsaved: bool = False) -> None:
        self.app.push_screen(NoteScreen(entry.title, text, self.look, unsaved=unsaved),
                             lambda written: self._keep_note(entry, written, opened_with))

    def _keep_note(self, entry: Entry, text: str | None, opened_with: str) -> None:
        if text is None:
            return
        outcome = self.review.note(entry, text, opened_with)
        self.apply(outcome)
        if outcome is not None and not outcome.saved and self.review.available:
            # What was typed is not thrown away: the note stays open to try again or copy out.
            self._edit_note(entry, text, opened_with, unsaved=True)

    def action_note_in_editor(self) -> None:
        entry = self._current_entry()
        if entry is None:
            return
        opened = self.review.opened_note(entry)
        try:
            text = edit_in_editor(self.app, opened)
        except EditorError as exc:
            self.notify(clean_line(str(exc)), severity="error", timeout=6, markup=False)
            return
        self._keep_note(entry, text, opened)

    # Many at once: A marks every listed article read, u a selection; ctrl+z undoes the last

    def action_mark_all_read(self) -> None:
        listed = list(self.query_one(ArticleList).entries)
        unread = [e for e in listed if not self.review.state(e).read]
        if not unread:
            self.notify("Every listed article is read already." if listed else "No articles are listed.", timeout=3)
            return
        if len(unread) <= BATCH_WITHOUT_ASKING:
            self._batch(unread, True)
            return
        question = (f"Mark the {len(unread)} unread articles of the {len(listed)} listed read? "
                    "(ctrl+z undoes it)")
        self.app.push_screen(ConfirmScreen(question), lambda yes: self._batch(unread, True) if yes else None)

    def _batch(self, entries: list[Entry], value: bool) -> None:
        self._stop(self._reading)
        self.run_worker(lambda: self.post_message(m.BatchDone(*self.review.set_many(entries, "read", value))),
                        thread=True, exclusive=True, group="batch")

    def action_undo(self) -> None:
        batch = self.last_batch
        if batch is None:
            self.notify("Nothing to undo: ctrl+z undoes the last change to many articles (A, or u on a selection).",
                        timeout=4)
            return
        self.last_batch = None
        self.run_worker(lambda: self.post_message(m.BatchDone(self.review.undo(batch), None, undoing=True)),
                        thread=True, exclusive=True, group="batch")

    def on_batch_done(self, message: m.BatchDone) -> None:
        if not message.undoing and message.batch is not None:
            self.last_batch = message.batch
        self.apply(message.outcome)
        self.show_watch_counts()

    # The digest

    def action_digest(self) -> None:
        listed = list(self.query_one(ArticleList).entries)
        if not listed:
            self.notify("No articles are listed, so there is nothing to put in a digest.", timeout=4)
            return
        default = Path.cwd() / f"briefing-digest-{dt.date.today().isoformat()}.md"
        self.app.push_screen(DigestScreen(len(listed), default),
                             lambda path: self._write_digest(listed, path) if path is not None else None)

    def _write_digest(self, entries: list[Entry], path: Path) -> None:
        states = dict(self.review.states)

        def write() -> None:
            items = collect(entries, states, cache=self.services.articles)
            try:
                write_atomically(path, render(items))
            except OSError as exc:
                self.post_message(m.DigestWritten(str(path), 0, str(exc.strerror or exc)))
                return
            self.post_message(m.DigestWritten(str(path), len(items)))

        self.run_worker(write, thread=True, exclusive=True, group="digest")

    def on_digest_written(self, message: m.DigestWritten) -> None:
        if message.problem:
            self.notify(clean_line(f"The digest was not written to {shown_path(message.path)}: {message.problem}"),
                        severity="error", timeout=10, markup=False)
        else:
            self.notify(f"Wrote {message.count} article(s) to {shown_path(message.path)}", timeout=6, markup=False)

    # Every few seconds: where one is reading is saved at this pace and on
    # quit, not at every move through the list (each save waits for the disk);
    # and another reader's marks are looked for.

    def _every_while(self) -> None:
        self.remember_place()
        self.run_worker(self._check_marks, thread=True, exclusive=True, group="marks")

    def _check_marks(self) -> None:
        # A worker that raised would end the reader: the look reports, never raises.
        elsewhere = self.review.changed_elsewhere()
        if elsewhere.problem:
            self.app.call_from_thread(self._say_problem, elsewhere.problem)
        if elsewhere.changed:
            # Another reader changed the state: show its marks too.
            self.app.call_from_thread(self._reload_marks)

    def _reload_marks(self) -> None:
        if self.snapshot is not None:
            self._say_problem(self.review.load(self.snapshot.entries))
        self.show_marks()

    # A team archive: marks changed by others, the connection lost and found

    def on_marks_changed(self, message: m.MarksChanged) -> None:
        """Another analyst (or this one, elsewhere) changed marks: read them again, off the keyboard's path."""
        marks = self.review.marks
        if marks is None or self.snapshot is None:
            return
        entries = [self._by_rel[p] for p in message.paths if p in self._by_rel] if message.paths \
            else list(self.snapshot.entries)

        def read() -> None:
            try:
                if message.paths:
                    states = {e.rel: marks.load_one(e) for e in entries}
                else:
                    states = marks.load(entries)
            except StateError as exc:
                self.app.call_from_thread(self._say_problem, str(exc))
                return
            self.app.call_from_thread(self._marks_read, states, not message.paths)

        self.run_worker(read, thread=True, group="team-marks")

    def _marks_read(self, states: dict, whole: bool) -> None:
        self.review.merge_states(states, whole)
        self.show_marks()

    def on_archive_status(self, message: m.ArchiveStatus) -> None:
        reader = self.query_one(ReadingPane)
        if message.reachable:
            if reader.border_subtitle.startswith(ARCHIVE_DOWN):
                reader.border_subtitle = ""
                self.notify("The archive is reachable again.", timeout=4)
            return
        reader.border_subtitle = f"{ARCHIVE_DOWN} reconnecting{self.look.glyphs.ellipsis}"
        self.notify(f"The archive is unreachable; what is shown stays, and marks cannot be saved until it is back. "
                    f"({message.reason})", severity="warning", timeout=8, markup=False)

    def remember_place(self) -> None:
        if self.shown is not None:
            self.review.remember_place(self.shown.entry, int(self.query_one(ReadingPane).scroll_y))
