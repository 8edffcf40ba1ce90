"""Two readers on one state: toggles act on what is stored, notes never lost, a state that fails is reported."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from briefing.model import Entry
from briefing.review import Review
from briefing.state import StateError, StateStore
from briefing.tui.app import BriefingApp
from briefing.tui.screens.note import NoteScreen
from briefing.tui.services import Pace
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.key_points import KeyPointsPanel
from tui_helpers import list_lines, settle

A = Entry(rel="a.md", path=Path("/c/a.md"), title="Aid convoy reaches Idlib", digest="d-a")


def reviews(tmp_path) -> tuple[Review, Review]:
    """Two readers of one folder, each with its own connection, both having read the state."""
    mine, theirs = (Review(StateStore(tmp_path / "state.sqlite").folder(tmp_path)) for _ in range(2))
    mine.load([A])
    theirs.load([A])
    return mine, theirs


def test_a_toggle_from_a_stale_view_flips_what_is_stored(tmp_path):
    mine, theirs = reviews(tmp_path)
    assert theirs.toggle(A, "starred").message == "Starred"
    # Mine still shows no star: pressing s acts on the star that is there now.
    assert not mine.state(A).starred
    outcome = mine.toggle(A, "starred")
    assert outcome.message == "Star removed" and not outcome.state.starred and not mine.state(A).starred
    # Two readers each flagging once: the two presses are two flips, neither lost.
    assert mine.toggle(A, "flagged").message == "Flagged for follow-up"
    assert theirs.toggle(A, "flagged").message == "Flag removed"
    again = Review(StateStore(tmp_path / "state.sqlite").folder(tmp_path))
    again.load([A])
    assert not again.state(A).flagged and not again.state(A).starred


def test_a_key_point_mark_from_a_stale_view_acts_on_the_stored_mark(tmp_path):
    mine, theirs = reviews(tmp_path)
    point = "Rebels hold half of Aleppo."
    theirs.mark_point(A, point, "disputed")
    assert mine.state(A).marks == {}
    mine.mark_point(A, point, "disputed")  # the same mark as stored: cleared, as the key says
    assert mine.state(A).marks == {} and theirs.load([A]) is None and theirs.state(A).marks == {}
    theirs.mark_point(A, point, "verified")
    mine.mark_point(A, point, "disputed")
    assert mine.state(A).marks == {point: "disputed"}


def test_a_note_from_a_stale_editor_keeps_both_and_says_so(tmp_path):
    mine, theirs = reviews(tmp_path)
    opened = mine.opened_note(A)
    assert theirs.note(A, "Check the UN figure.", theirs.opened_note(A)).message == "Note saved"
    outcome = mine.note(A, "Convoy route via Bab al-Hawa.", opened)
    assert outcome.saved and outcome.severity == "warning" and "both are kept" in outcome.message
    assert outcome.state.note == "Check the UN figure.\n\nConvoy route via Bab al-Hawa."
    # Emptied in a stale editor: theirs stays, and the reader is told.
    opened = mine.opened_note(A)
    theirs.note(A, "Only theirs now.", theirs.opened_note(A))
    emptied = mine.note(A, "", opened)
    assert emptied.state.note == "Only theirs now." and "theirs is kept" in emptied.message
    # Opened on the note as stored now, an edit replaces it as usual.
    fresh = mine.opened_note(A)
    assert mine.note(A, fresh + " Confirmed.", fresh).message == "Note saved"


def test_a_state_that_cannot_be_read_is_reported_once_not_raised(tmp_path):
    calls = []

    def version() -> int:
        calls.append(1)
        if len(calls) in (2, 3):
            raise StateError("cannot read the state file /x/state.sqlite: disk I/O error")
        return len(calls)

    review = Review(StateStore(tmp_path / "state.sqlite").folder(tmp_path), version)
    first = review.changed_elsewhere()
    assert not first.changed and "cannot be looked for" in first.problem and "disk I/O error" in first.problem
    assert review.changed_elsewhere().problem is None  # said once
    # Working again: the state is read again, in case a change was missed meanwhile.
    assert review.changed_elsewhere().changed


def reader(content, **pace) -> BriefingApp:
    return BriefingApp(content, pace=Pace(read=3600, **pace))


async def test_s_in_a_stale_reader_shows_the_stored_result(content):
    app = reader(content, poll=3600)  # no look for others' marks: the view stays stale
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        entry = app.query_one(ArticleList).entries[0]
        StateStore().folder(content).set_flag(entry, "starred", True)
        assert "\u2605" not in list_lines(app)[1]
        await pilot.press("s")
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == "Star removed"
        assert not StateStore().folder(content).load_one(entry).starred


async def test_a_note_saved_over_another_readers_keeps_both_and_says_so(content):
    app = reader(content, poll=3600)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        entry = app.reader.shown.entry
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        # While the editor is open, another reader saves a note on the same article.
        StateStore().folder(content).set_note(entry, "Theirs: check the casualty figure.")
        app.screen.query_one(TextArea).insert("Mine: compare with Reuters.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        stored = StateStore().folder(content).load_one(entry).note
        assert "Theirs: check the casualty figure." in stored and "Mine: compare with Reuters." in stored
        assert any("both are kept" in n.message and n.severity == "warning" for n in app._notifications)
        # The note shown is the one stored.
        assert app.reader.review.state(entry).note == stored
        # Opened again, the editor holds both.
        await pilot.press("a")
        assert app.screen.query_one(TextArea).text == stored


async def test_a_state_file_that_fails_while_reading_is_reported_and_the_reader_goes_on(content):
    app = reader(content, poll=0.2)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        # The state file can no longer be read (here: its connection is gone, as after an I/O error).
        app.services.store.con.close()
        for _ in range(50):
            await pilot.pause(0.1)
            if any("cannot be looked for" in n.message for n in app._notifications):
                break
        assert any("cannot be looked for" in n.message for n in app._notifications)
        assert app.is_running
        await pilot.press("j")
        await pilot.pause(0.5)
        assert app.is_running and app.query_one(KeyPointsPanel) is not None
        assert sum("cannot be looked for" in n.message for n in app._notifications) == 1
