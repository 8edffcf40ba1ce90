"""The analyst's state: kept at once, found again after renames and edits, shared by two processes."""

from __future__ import annotations

import hashlib
import multiprocessing
from pathlib import Path

import pytest
import yaml

from briefing.cli import main
from briefing.model import Entry
from briefing.state import StateError, StateStore


def entry_for(path: Path, root: Path) -> Entry:
    data = path.read_bytes()
    return Entry(rel=path.relative_to(root).as_posix(), path=path, title=path.stem,
                 digest=hashlib.sha256(data).hexdigest())


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    for name in ("a", "b", "c"):
        (root / f"{name}.txt").write_text(f"Title {name}\nBody of {name}. More text.\n")
    return root


def entries(root: Path) -> list[Entry]:
    return [entry_for(p, root) for p in sorted(root.glob("*.txt"))]


def test_each_change_is_kept_and_read_back_by_a_new_store(folder, private_state):
    store = StateStore()
    state = store.folder(folder)
    a, b, _ = entries(folder)
    state.set_flag(a, "starred", True)
    state.set_flag(a, "read", True)
    state.set_flag(b, "flagged", True)
    state.set_note(b, "Check the \x1b[31mfigure\x1b[0m with the ministry.\n")
    state.set_mark(a, "A key point", "verified")
    state.set_mark(a, "Another", "disputed")
    state.set_mark(a, "Another", None)
    # A second store on the same file, as the next session would open it.
    loaded = StateStore().folder(folder).load(entries(folder))
    assert loaded["a.txt"].starred and loaded["a.txt"].read and not loaded["a.txt"].flagged
    assert loaded["a.txt"].marks == {"A key point": "verified"}
    assert loaded["b.txt"].flagged and loaded["b.txt"].note == "Check the figure with the ministry."
    assert "c.txt" not in loaded
    assert (private_state / "state.sqlite").exists()


def test_renaming_and_editing_a_file_keep_its_state(folder):
    state = StateStore().folder(folder)
    a, b, _ = entries(folder)
    state.set_flag(a, "starred", True)
    state.set_note(b, "edited later")
    (folder / "a.txt").rename(folder / "renamed.txt")
    (folder / "b.txt").write_text("Title b\nBody of b, now longer. More text. And more.\n")
    loaded = state.load(entries(folder))
    assert loaded["renamed.txt"].starred
    assert loaded["b.txt"].note == "edited later"
    # Written to under its new name, the row follows the file.
    state.set_flag(entry_for(folder / "renamed.txt", folder), "flagged", True)
    loaded = state.load(entries(folder))
    assert loaded["renamed.txt"].starred and loaded["renamed.txt"].flagged


def test_a_copy_beside_the_original_starts_without_state(folder):
    state = StateStore().folder(folder)
    a = entry_for(folder / "a.txt", folder)
    state.set_flag(a, "starred", True)
    (folder / "copy.txt").write_bytes((folder / "a.txt").read_bytes())
    loaded = state.load(entries(folder))
    assert loaded["a.txt"].starred
    assert "copy.txt" not in loaded


def test_state_of_a_file_that_disappears_is_kept(folder):
    state = StateStore().folder(folder)
    c = entry_for(folder / "c.txt", folder)
    state.set_note(c, "keep me")
    data = (folder / "c.txt").read_bytes()
    (folder / "c.txt").unlink()
    assert "c.txt" not in state.load(entries(folder))
    (folder / "c.txt").write_bytes(data)
    assert state.load(entries(folder))["c.txt"].note == "keep me"


def test_each_folder_has_its_own_state(folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_bytes((folder / "a.txt").read_bytes())
    store = StateStore()
    store.folder(folder).set_flag(entry_for(folder / "a.txt", folder), "starred", True)
    assert store.folder(other).load(entries(other)) == {}


def _writer(root: str, flag: str, rounds: int) -> None:
    root_path = Path(root)
    state = StateStore().folder(root_path)
    items = entries(root_path)
    for n in range(rounds):
        for item in items:
            state.set_flag(item, flag, True)
            state.set_note(item, f"{flag} {n}") if flag == "flagged" else state.set_mark(item, f"p{n}", "verified")


def test_two_processes_writing_at_once_lose_nothing(folder):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(folder), flag, 20)) for flag in ("starred", "flagged")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    loaded = StateStore().folder(folder).load(entries(folder))
    for name in ("a.txt", "b.txt", "c.txt"):
        assert loaded[name].starred and loaded[name].flagged
        assert loaded[name].note == "flagged 19"
        assert len(loaded[name].marks) == 20


def _open_and_star(root: str, state_file: str) -> None:
    store = StateStore(Path(state_file))
    store.folder(Path(root)).set_flag(entries(Path(root))[0], "starred", True)


def test_readers_started_together_on_a_new_state_file_all_open_it(folder, tmp_path):
    # The first run on a machine: several readers create the file at once.
    context = multiprocessing.get_context("spawn")
    for round_ in range(3):
        state_file = tmp_path / f"fresh-{round_}" / "state.sqlite"
        workers = [context.Process(target=_open_and_star, args=(str(folder), str(state_file))) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0] * 6
        assert StateStore(state_file).folder(folder).load(entries(folder))["a.txt"].starred


def test_an_unusable_state_file_is_a_clear_error(tmp_path):
    (tmp_path / "state.sqlite").mkdir()  # a folder where the file should be
    with pytest.raises(StateError, match="the state file .*state.sqlite: it is not a regular file"):
        StateStore(tmp_path / "state.sqlite")


def test_export_and_import_merge_without_taking_anything_away(folder, tmp_path, monkeypatch, capsys):
    a, b, c = entries(folder)
    home = StateStore().folder(folder)
    home.set_flag(a, "starred", True)
    home.set_note(b, "from home")
    home.set_mark(a, "Point one", "verified")
    home.set_mark(b, "Point two", "verified")
    assert main(["state", "export", "--content", str(folder)]) == 0
    exported = capsys.readouterr().out
    data = yaml.safe_load(exported)
    assert data["briefing-state"] == 1
    assert [item["path"] for item in data["articles"]] == ["a.txt", "b.txt"]

    # The other machine: its own state, and the same articles.
    monkeypatch.setenv("BRIEFING_STATE_DIR", str(tmp_path / "elsewhere"))
    away = StateStore().folder(folder)
    away.set_flag(c, "flagged", True)
    away.set_note(b, "from the office")
    away.set_mark(b, "Point two", "disputed")
    (tmp_path / "state.yaml").write_text(exported)
    assert main(["state", "import", str(tmp_path / "state.yaml"), "--content", str(folder)]) == 0
    assert "2 article(s), 1 new" in capsys.readouterr().out
    loaded = StateStore().folder(folder).load(entries(folder))
    assert loaded["a.txt"].starred and loaded["c.txt"].flagged
    assert loaded["b.txt"].note == "from the office\n\nfrom home"
    # Where both sides marked a point, this side's mark stays.
    assert loaded["b.txt"].marks == {"Point two": "disputed"}
    assert loaded["a.txt"].marks == {"Point one": "verified"}
    # Importing again changes nothing.
    assert main(["state", "import", str(tmp_path / "state.yaml"), "--content", str(folder)]) == 0
    assert StateStore().folder(folder).load(entries(folder)) == loaded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [unclosed", "not valid YAML"),
        ("just: a mapping", "not a Briefing state export"),
        ("briefing-state: 1\narticles:\n  - read: true\n", "article 1: needs a 'path'"),
        ("briefing-state: 1\narticles:\n  - path: a.txt\n    marks: {p: maybe}\n", "verified or disputed"),
        ("!!python/object/apply:os.system ['echo hi']", "not valid YAML"),
    ],
)
def test_a_bad_import_file_says_why_and_changes_nothing(folder, tmp_path, capsys, text, message):
    (tmp_path / "bad.yaml").write_text(text)
    assert main(["state", "import", str(tmp_path / "bad.yaml"), "--content", str(folder)]) == 1
    assert message in capsys.readouterr().err
    assert StateStore().folder(folder).load(entries(folder)) == {}


# Two readers, imports and damage ---------------------------------------------


def test_toggles_act_on_what_is_stored_and_return_it(folder):
    a, _, _ = entries(folder)
    mine = StateStore().folder(folder)
    other = StateStore().folder(folder)  # a second reader on the same state
    assert mine.toggle_flag(a, "starred") is True
    # The other reader's view is stale (it never saw the star): its toggle acts on the stored star.
    assert other.toggle_flag(a, "starred") is False
    assert mine.load_one(a).starred is False
    assert other.toggle_flag(a, "flagged") is True and mine.toggle_flag(a, "flagged") is False
    assert mine.toggle_mark(a, "Point", "verified") == "verified"
    assert other.toggle_mark(a, "Point", "verified") is None
    assert other.toggle_mark(a, "Point", "disputed") == "disputed"
    assert mine.load_one(a).marks == {"Point": "disputed"}


def test_a_note_saved_from_a_stale_editor_keeps_both_and_says_so(folder):
    a, b, _ = entries(folder)
    first, second = StateStore().folder(folder), StateStore().folder(folder)
    # Both readers open the editor on an empty note; the first saves, then the second.
    opened = ""
    assert first.save_note(a, "Casualty figures disagree.", opened).conflict is False
    saved = second.save_note(a, "Check the \x1b[31mministry\x1b[0m figure.", opened)
    assert saved.conflict and saved.theirs == "Casualty figures disagree."
    assert saved.note == "Casualty figures disagree.\n\nCheck the ministry figure."
    assert first.load_one(a).note == saved.note
    # Editing the note as now stored is no conflict.
    assert first.save_note(a, "One note.", saved.note).conflict is False
    assert second.load_one(a).note == "One note."
    # A note emptied in a stale editor leaves the other's note in place.
    first.save_note(b, "Keep me.", "")
    emptied = second.save_note(b, "", "")
    assert emptied.conflict and emptied.note == "Keep me." == first.load_one(b).note


def export_of(n: int, start: int = 0) -> dict:
    return {"briefing-state": 1, "articles": [
        {"path": f"f{i % 50}/article-{i:06}.md", "digest": f"{i:064x}", "starred": i % 3 == 0,
         "note": f"note {i}" if i % 7 == 0 else "", "marks": {f"point {i}": "verified"} if i % 11 == 0 else {}}
        for i in range(start, start + n)]}


def sqlite_steps(store: StateStore, call) -> int:
    """How much work SQLite did for *call* (its virtual machine's instructions, in hundreds)."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.con.set_progress_handler(count, 100)
    try:
        call()
    finally:
        store.con.set_progress_handler(None, 0)
    return steps


def test_an_import_costs_in_proportion_to_its_size(folder, tmp_path, monkeypatch):
    # Each import goes into a state that already holds as many articles as it brings.
    costs = []
    for n in (500, 2000):
        monkeypatch.setenv("BRIEFING_STATE_DIR", str(tmp_path / f"state-{n}"))
        store = StateStore()
        state = store.folder(folder)
        state.merge(export_of(n, start=10**6))
        costs.append(sqlite_steps(store, lambda: state.merge(export_of(n))))
        assert len(state.export()["articles"]) == 2 * n
    # Four times the articles: about four times the work (it was sixteen: each article scanned all rows).
    assert costs[1] < 6 * costs[0], costs


def _import_in_another_process(root: str, n: int, started) -> None:
    state = StateStore().folder(Path(root))
    data = export_of(n)
    started.set()
    state.merge(data)


def test_a_reader_marks_articles_while_a_large_import_runs(folder):
    import time

    context = multiprocessing.get_context("spawn")
    started = context.Event()
    importer = context.Process(target=_import_in_another_process, args=(str(folder), 30_000, started))
    importer.start()
    a, b, c = entries(folder)
    state = StateStore().folder(folder)
    marked = 0
    try:
        assert started.wait(60)
        time.sleep(0.2)  # well into the import
        while importer.is_alive() and marked < 30:
            for entry in (a, b, c):
                # Raised 'database is locked' when the import was one long transaction.
                state.set_flag(entry, "flagged", marked % 2 == 0)
                marked += 1
            time.sleep(0.05)
    except BaseException:
        importer.terminate()
        raise
    finally:
        importer.join(300)
    assert importer.exitcode == 0
    assert marked >= 3
    assert len(state.export()["articles"]) == 30_003


def _hold_the_write_lock(path: str, seconds: float, ready) -> None:
    import sqlite3
    import time

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    con.execute("COMMIT")


@pytest.mark.parametrize("seconds", [1.0, 6.0])
def test_a_change_waits_for_another_writer_within_its_budget(folder, private_state, seconds):
    from briefing.state import WRITE_BUDGET

    a, _, _ = entries(folder)
    state = StateStore().folder(folder)
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    holder = context.Process(target=_hold_the_write_lock,
                             args=(str(private_state / "state.sqlite"), seconds, ready))
    holder.start()
    try:
        assert ready.wait(30)
        if seconds < WRITE_BUDGET:
            state.set_flag(a, "starred", True)
            assert state.load_one(a).starred
        else:
            with pytest.raises(StateError, match=r"kept it locked for over 3 s .*try again"):
                state.set_flag(a, "starred", True)
    finally:
        holder.join(30)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../outside.txt", "leaves the content folder"),
        ("notes/../../outside.txt", "leaves the content folder"),
        ("/etc/passwd", "leaves the content folder"),
        ("a\x1b]0;owned\x07.txt", "carries control or invisible characters"),
        ("evil\u202etxt.md", "carries control or invisible characters"),
        ("a//b.txt", "is not a plain path"),
    ],
)
def test_an_import_with_a_path_leaving_the_folder_is_refused_by_name(folder, tmp_path, capsys, path, why):
    import json

    (tmp_path / "state.yaml").write_text(json.dumps({"briefing-state": 1, "articles": [
        {"path": "a.txt", "starred": True}, {"path": path, "starred": True}]}))
    assert main(["state", "import", str(tmp_path / "state.yaml"), "--content", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"article 2: the path '" in err and why in err and "nothing was imported" in err
    assert "\x1b" not in err and "\u202e" not in err
    assert StateStore().folder(folder).load(entries(folder)) == {}


def garble(path: Path) -> None:
    """Overwrite the middle pages of an SQLite file with noise, as a bad disk or a stray write would."""
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset + 16 : offset + page - 16] = bytes((i * 37 + 11) % 256 for i in range(page - 32))
    path.write_bytes(bytes(data))


def test_a_damaged_state_file_is_reported_and_every_command_exits_non_zero(folder, private_state, capsys):
    state = StateStore().folder(folder)
    state.merge(export_of(3000))
    state.store.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    state.store.close()
    garble(private_state / "state.sqlite")
    (folder.parent / "in.yaml").write_text("briefing-state: 1\narticles:\n  - {path: a.txt, starred: true}\n")
    for command in (["state", "export"], ["export", "--all"], ["state", "import", str(folder.parent / "in.yaml")]):
        code = main([*command, "--content", str(folder)])
        err = capsys.readouterr().err
        assert code != 0, command
        assert "state file" in err and "damaged" in err and ".recover" in err, (command, err)
