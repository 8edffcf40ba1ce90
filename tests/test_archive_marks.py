"""Marks in the team archive: each analyst's own, the team's visible, enforced by the database."""

from __future__ import annotations

import json
import threading
import time

import psycopg
import pytest

from briefing.model import Entry
from briefing.state import StateError
from briefing.team import team_lines

PATH = "001_0185afcff5127c5f.txt"


def entry(path: str = PATH) -> Entry:
    from briefing.archive.library import ARCHIVE_ROOT

    return Entry(rel=path, path=ARCHIVE_ROOT / path, title="")


@pytest.fixture
def marks_of(pg_archive, pg_env):
    """The marks of an analyst (a role of their own, or a name under the shared role 'desk')."""
    from briefing.archive.connection import Archive
    from briefing.archive.marks import ArchiveMarks
    from briefing.archive.transfer import Transfer

    opened = []

    def open_marks(role: str, name: str | None = None):
        archive = Archive(pg_archive.url(role), name)
        opened.append(archive)
        return Transfer(ArchiveMarks(archive))

    yield open_marks
    for archive in opened:
        archive.close()


def test_each_analyst_has_their_own_marks_and_sees_the_teams(marks_of, pg_archive):
    ana, ben = marks_of("ana"), marks_of("ben")
    ana.set_flag(entry(), "flagged", True)
    ana.set_flag(entry(), "read", True)
    ben.set_note(entry(), "Check the casualty figure against SOHR.")
    mine = ana.load_one(entry())
    assert mine.flagged and mine.read and mine.note == ""
    theirs = ben.load_one(entry())
    # Read marks are one's own; flags and notes are the team's to see, with who and when.
    assert not theirs.read and not theirs.flagged
    lines = team_lines(theirs)
    assert lines == [lines[0]] and lines[0].startswith("flagged by ana, ")
    assert team_lines(mine)[0].startswith("noted by ben, just now: Check the casualty figure")


def test_the_database_refuses_changes_to_anothers_marks(marks_of, pg_archive):
    ben = marks_of("ben")
    ben.set_flag(entry(), "starred", True)
    with psycopg.connect(pg_archive.url("ana"), autocommit=True) as con:
        # Seen, not changed: row-level security hides ben's rows from ana's writes.
        assert con.execute("SELECT count(*) FROM briefing.marks WHERE analyst = 'ben'").fetchone()[0] == 1
        changed = con.execute("UPDATE briefing.marks SET starred = false WHERE analyst = 'ben'")
        assert changed.rowcount == 0
        assert con.execute("DELETE FROM briefing.marks WHERE analyst = 'ben'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("INSERT INTO briefing.point_marks (article, analyst, point, mark)"
                        " SELECT id, 'ben', 'x', 'disputed' FROM briefing.articles LIMIT 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("UPDATE briefing.marks SET analyst = 'ben' WHERE analyst = 'ana'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("DELETE FROM briefing.articles")
    assert ben.load_one(entry()).starred


def test_a_shared_role_works_under_registered_names_only(marks_of, pg_archive):
    done = pg_archive.briefing("archive", "analyst", "carla", "--role", "desk")
    assert "may now work as carla" in done.stdout
    carla = marks_of("desk", "carla")
    carla.set_flag(entry(), "flagged", True)
    assert pg_archive.sql(f"SELECT analyst FROM briefing.marks m JOIN briefing.articles a ON a.id = m.article"
                          f" WHERE a.path = '{PATH}' AND m.flagged AND analyst = 'carla'") == "carla"
    # A name nobody registered for the role: no writes, and the reason said.
    stranger = marks_of("desk", "mallory")
    with pytest.raises(StateError, match="not registered for the role"):
        stranger.set_flag(entry(), "flagged", True)
    # A role of one's own cannot borrow another's name either.
    posing = marks_of("ben", "ana")
    with pytest.raises(StateError, match="not registered"):
        posing.set_flag(entry(), "starred", True)


def test_toggles_act_on_the_stored_value(marks_of):
    ana, ana_elsewhere = marks_of("ana"), marks_of("ana")
    assert ana.toggle_flag(entry(), "starred") is True
    # A second session of the same analyst (a stale view) toggles what is stored: off, not on again.
    assert ana_elsewhere.toggle_flag(entry(), "starred") is False
    assert ana.load_one(entry()).starred is False
    assert ana.toggle_mark(entry(), "Rebels took Aleppo.", "verified") == "verified"
    assert ana_elsewhere.toggle_mark(entry(), "Rebels took Aleppo.", "verified") is None


def test_a_note_saved_from_a_stale_editor_keeps_both(marks_of):
    ana, ana_elsewhere = marks_of("ana"), marks_of("ana")
    ana.set_note(entry(), "First thought.")
    # Another session of hers changed the note after this editor opened on "First thought.".
    ana_elsewhere.set_note(entry(), "Second session's note.")
    saved = ana.save_note(entry(), "First thought, revised.", "First thought.")
    assert saved.conflict and saved.theirs == "Second session's note."
    assert ana.load_one(entry()).note == "Second session's note.\n\nFirst thought, revised."
    # Unchanged since the editor opened: simply replaced.
    assert not ana.save_note(entry(), "Clean slate.", ana.load_one(entry()).note).conflict
    assert ana.load_one(entry()).note == "Clean slate."


def test_notes_from_others_reach_the_screen_as_plain_text(marks_of):
    ben, ana = marks_of("ben"), marks_of("ana")
    ben.set_note(entry(), "\x1b]0;owned\x07\x1b[2J[bold]see[/] \u202eevil\x9b31m")
    line = team_lines(ana.load_one(entry()))[0]
    assert "\x1b" not in line and "\x9b" not in line and "\u202e" not in line and "\x07" not in line
    assert "[bold]see[/]" in line


def test_state_moves_from_this_machine_into_the_archive_and_back(marks_of, content, tmp_path, pg_archive):
    from briefing.state import StateStore

    local = StateStore(tmp_path / "state.sqlite").folder(content)
    (first,) = [p for p in content.glob("001_*")]
    mine = Entry(rel=first.name, path=first, title="", digest="")
    local.set_flag(mine, "starred", True)
    local.set_note(mine, "From my laptop.")
    local.set_mark(mine, "A key point.", "disputed")
    ana = marks_of("ana")
    ana.set_note(entry(), "Already noted here.")
    merged, new = ana.merge(local.export())
    assert (merged, new) == (1, 0)
    state = ana.load_one(entry())
    assert state.starred and state.marks == {"A key point.": "disputed"}
    assert state.note == "Already noted here.\n\nFrom my laptop."
    # And back: the archive's export merges into a fresh state file.
    back = StateStore(tmp_path / "back.sqlite").folder(content)
    back.merge(ana.export())
    again = back.load_one(mine)
    assert again.starred and again.note.endswith("From my laptop.") and again.marks == {"A key point.": "disputed"}


def test_state_commands_on_the_archive(pg_archive, tmp_path):
    export = tmp_path / "mine.yaml"
    export.write_text("briefing-state: 1\nfolder: x\narticles:\n"
                      f"  - path: {PATH}\n    digest: ''\n    flagged: true\n    note: from yaml\n", encoding="utf-8")
    done = pg_archive.briefing("state", "import", str(export), role="ben")
    assert "merged the state of 1 article(s)" in done.stdout
    out = json.loads(pg_archive.briefing("state", "export", role="ben").stdout)
    assert out["analyst"] == "ben"
    [article] = [a for a in out["articles"] if a["path"] == PATH]
    assert article["flagged"] is True and article["note"].endswith("from yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("not: an export\n", encoding="utf-8")
    refused = pg_archive.briefing("state", "import", str(bad), role="ben", check=False)
    assert refused.returncode == 1 and "not a Briefing state export" in refused.stderr


def test_a_change_is_heard_by_another_reader_within_a_second(marks_of, pg_archive, pg_env):
    from briefing.archive.connection import Archive
    from briefing.archive.live import Listener

    heard: list[tuple[float, set]] = []
    articles = threading.Event()
    up = threading.Event()
    archive = Archive(pg_archive.url("ben"))
    listener = Listener(archive, marks=lambda paths: heard.append((time.monotonic(), paths)),
                        articles=articles.set, status=lambda ok, why: ok and up.set())
    listener.start()
    try:
        assert up.wait(10)
        time.sleep(0.2)
        started = time.monotonic()
        marks_of("ana").set_flag(entry(), "flagged", True)
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            time.sleep(0.02)
        assert heard and PATH in heard[0][1]
        assert heard[0][0] - started < 1.0
        # New articles ingested elsewhere are heard too.
        pg_archive.sql("UPDATE briefing.listing SET revision = nextval('briefing.revisions') WHERE article = 1")
        assert articles.wait(5)
    finally:
        listener.stop()
        archive.close()
