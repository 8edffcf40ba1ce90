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
