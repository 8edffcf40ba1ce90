"""Review as operations with an outcome: toggles, notes, key-point marks, the place one left off (no terminal)."""

from __future__ import annotations

from pathlib import Path

from briefing.model import Entry
from briefing.review import UNAVAILABLE, Review
from briefing.state import StateStore

A = Entry(rel="a.md", path=Path("/c/a.md"), title="Aid convoy reaches Idlib", digest="d-a")
B = Entry(rel="b.md", path=Path("/c/b.md"), title="Water shortages in Aleppo", digest="d-b")


def review_of(store: StateStore, folder: Path) -> Review:
    review = Review(store.folder(folder), store.data_version)
    review.load([A, B])
    return review


def test_a_toggle_says_what_it_did_and_again_undoes_it(tmp_path):
    store = StateStore(tmp_path / "state.sqlite")
    review = review_of(store, tmp_path)
    star = review.toggle(A, "starred")
    assert star.saved and star.state.starred and star.message == "Starred"
    assert review.state(A).starred and not review.state(B).starred
    again = review.toggle(A, "starred")
    assert again.message == "Star removed" and not review.state(A).starred
    assert review.toggle(B, "flagged").message == "Flagged for follow-up"
    assert review.toggle(B, "read").message == "Marked read"
    assert review.toggle(B, "read").message == "Marked unread"
    # What is shown is what is on disk: a second look from scratch agrees.
    assert review_of(StateStore(tmp_path / "state.sqlite"), tmp_path).state(B).flagged


def test_reading_marks_once_and_a_note_unchanged_is_no_change(tmp_path):
    review = review_of(StateStore(tmp_path / "state.sqlite"), tmp_path)
    first = review.mark_read(A)
    assert first.saved and first.state.read and first.message == ""
    assert review.mark_read(A) is None  # already read: nothing written
    assert review.note(A, "") is None
    saved = review.note(A, "Compare with the UN count.\n")
    assert saved.message == "Note saved" and review.state(A).note == "Compare with the UN count."
    assert review.note(A, "  Compare with the UN count.") is None
    assert review.note(A, "   ").message == "Note removed" and not review.state(A).noted


def test_a_key_point_mark_pressed_again_clears_and_another_replaces_it(tmp_path):
    review = review_of(StateStore(tmp_path / "state.sqlite"), tmp_path)
    point = "Rebels hold half of Aleppo."
    review.mark_point(A, point, "verified")
    assert review.state(A).marks == {point: "verified"}
    review.mark_point(A, point, "disputed")
    assert review.state(A).marks == {point: "disputed"}
    review.mark_point(A, point, "disputed")
    assert review.state(A).marks == {}


def test_a_change_that_cannot_be_saved_says_so_and_shows_what_is_on_disk(tmp_path):
    store = StateStore(tmp_path / "state.sqlite")
    review = review_of(store, tmp_path)
    review.toggle(A, "starred")
    # The file may grow no more: SQLite fails as on a full disk.
    pages = store.con.execute("PRAGMA page_count").fetchone()[0]
    store.con.execute(f"PRAGMA max_page_count = {pages}")
    outcome = review.note(A, "A long note. " * 2000)
    assert not outcome.saved and outcome.severity == "error"
    assert outcome.message.startswith("Not saved:") and "full" in outcome.message
    assert outcome.state.starred and outcome.state.note == ""
    assert review.state(A).note == ""
    nowhere = Review(None)
    assert nowhere.toggle(A, "starred").message == UNAVAILABLE and not nowhere.state(A).starred
    assert nowhere.mark_read(A) is None and not nowhere.available


def test_another_readers_change_is_noticed_and_loaded(tmp_path):
    mine = review_of(StateStore(tmp_path / "state.sqlite"), tmp_path)
    theirs = review_of(StateStore(tmp_path / "state.sqlite"), tmp_path)
    assert not mine.changed_elsewhere().changed
    theirs.toggle(B, "starred")
    assert mine.changed_elsewhere().changed and not mine.changed_elsewhere().changed
    mine.load([A, B])
    assert mine.state(B).starred


def test_the_place_left_off_is_found_again_even_under_a_new_name(tmp_path):
    store = StateStore(tmp_path / "state.sqlite")
    review = review_of(store, tmp_path)
    review.remember_place(B, 240)
    again = Review(store.folder(tmp_path))
    place = again.starting_place([A, B])
    assert (place.index, place.rel, place.offset) == (1, "b.md", 240)
    assert again.starting_place([A, B]) is None  # once, at start
    renamed = Entry(rel="renamed.md", path=Path("/c/renamed.md"), title=B.title, digest="d-b")
    assert Review(store.folder(tmp_path)).starting_place([A, renamed]).rel == "renamed.md"
    assert Review(store.folder(tmp_path)).starting_place([A]) is None
