"""A shared server: what Briefing writes is private, and it loads nothing another user could have written.

Whoosh unpickles the index's table of contents when it opens it, so a
planted index runs code as whoever opens it. These tests plant one (its
pickle touches a marker file) in the places a hostile neighbour could reach:
an index folder they own, one anyone can write to, a link where Briefing's
folder should be, a parent folder Briefing made. The cases that need a
second user run as root and use ``nobody``; elsewhere they are skipped and
say why.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

try:
    NOBODY = pwd.getpwnam("nobody")
except KeyError:
    NOBODY = None
needs_second_user = pytest.mark.skipif(
    os.geteuid() != 0 or NOBODY is None,
    reason="needs root to act as a second user (nobody) or to give a folder to one",
)


def briefing(*args: str, env: dict[str, str] | None = None, umask: int | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess:
    def before() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, preexec_fn=before)


def as_nobody(*command: str) -> subprocess.CompletedProcess:
    def drop() -> None:
        os.setgroups([])
        os.setgid(NOBODY.pw_gid)
        os.setuid(NOBODY.pw_uid)

    return subprocess.run(list(command), capture_output=True, text=True, timeout=30, preexec_fn=drop)


@pytest.fixture
def shared(tmp_path_factory):
    """A folder others can walk into, as /home or /srv is on a shared server (pytest's own is 0700)."""
    base = Path(tempfile.mkdtemp(prefix="briefing-shared-", dir="/tmp"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def content(shared) -> Path:
    folder = shared / "content"
    shutil.copytree(ROOT / "content", folder)
    for path in [folder, *folder.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


def modes(folder: Path, base: Path) -> dict[str, int]:
    return {str(p.relative_to(base)): stat.S_IMODE(p.lstat().st_mode) for p in [folder, *folder.rglob("*")]}


def test_everything_briefing_writes_is_private_whatever_the_umask(shared, content):
    env = {"BRIEFING_INDEX_DIR": str(shared / "cache" / "index"), "BRIEFING_STATE_DIR": str(shared / "data")}
    digest = shared / "out" / "digest.md"
    digest.parent.mkdir()
    digest.parent.chmod(0o755)
    assert briefing("--content", str(content), "index", env=env, umask=0).returncode == 0
    imported = shared / "state.yaml"
    imported.write_text("briefing-state: 1\narticles:\n  - path: 000_x.txt\n    starred: true\n    note: private\n")
    done = briefing("--content", str(content), "state", "import", str(imported), env=env, umask=0)
    assert done.returncode == 0, done.stderr
    done = briefing("--content", str(content), "export", "--starred", "--output", str(digest), env=env, umask=0)
    assert done.returncode == 0, done.stderr
    # The index, its lock and the folder made for them; the state; the digest.
    written = {**modes(shared / "cache", shared), **modes(shared / "data", shared),
               "out/digest.md": stat.S_IMODE(digest.stat().st_mode)}
    assert any(name.endswith(".toc") for name in written) and any(name.endswith("state.sqlite") for name in written)
    loose = {name: f"{mode:04o}" for name, mode in written.items()
             if mode not in (0o700, 0o600) or (mode == 0o700 and not (shared / name).is_dir())}
    assert loose == {}


@needs_second_user
def test_another_user_cannot_read_a_note_or_the_index(shared, content, monkeypatch):
    from briefing.state import StateStore
    from conftest import indexed

    monkeypatch.setenv("BRIEFING_STATE_DIR", str(shared / "data"))
    monkeypatch.setenv("BRIEFING_INDEX_DIR", str(shared / "index"))
    entry = indexed(content).entries[0]
    StateStore().folder(content).set_note(entry, "Source is the deputy minister; do not share.")
    state = shared / "data" / "state.sqlite"
    for path in (state, shared / "index" / "catalogue.sqlite"):
        seen = as_nobody("cat", str(path))
        assert seen.returncode != 0 and "Permission denied" in seen.stderr, path
        assert "deputy minister" not in seen.stdout


def plant_code(index_dir: Path, marker: Path) -> None:
    """Put a table of contents in *index_dir* whose pickle runs ``touch marker`` when Whoosh opens it."""
    from whoosh.fields import Schema
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    class Planted(Schema):
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    storage = FileStorage(str(index_dir))
    generation = TOC._latest_generation(storage, "articles")
    TOC(Planted(), [], generation + 1).write(storage, "articles")


def built_index(content: Path, index_dir: Path) -> Path:
    from briefing.search.index import ContentIndex

    ContentIndex(content, index_dir).update()
    return index_dir


def assert_refused(run: subprocess.CompletedProcess, marker: Path, *words: str) -> None:
    assert not marker.exists(), "the planted pickle ran"
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert "refusing to use the index folder" in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr


@needs_second_user
def test_an_index_folder_another_user_owns_is_never_opened(shared, content):
    index_dir = built_index(content, shared / "index")
    marker = shared / "ran"
    plant_code(index_dir, marker)
    for path in [index_dir, *index_dir.iterdir()]:
        os.chown(path, NOBODY.pw_uid, NOBODY.pw_gid)
    run = briefing("--content", str(content), "search", "rebels", env={"BRIEFING_INDEX_DIR": str(index_dir)})
    assert_refused(run, marker, "belongs to user 'nobody'", "Remove it")


def test_an_index_folder_anyone_can_write_to_is_never_opened(shared, content):
    index_dir = built_index(content, shared / "index")
    marker = shared / "ran"
    plant_code(index_dir, marker)
    index_dir.chmod(0o777)
    run = briefing("--content", str(content), "search", "rebels", env={"BRIEFING_INDEX_DIR": str(index_dir)})
    assert_refused(run, marker, "every user can write to it", "chmod go-w")
    # The reader's way in (opening the index to search) refuses it too.
    from briefing.private import UnsafeFolder
    from briefing.search.index import ContentIndex

    with pytest.raises(UnsafeFolder):
        ContentIndex(content, index_dir).open()
    assert ContentIndex(content, index_dir).snapshot() is None
    assert not marker.exists()


def test_a_link_planted_where_the_index_folder_should_be_is_not_followed(shared, content):
    elsewhere = built_index(content, shared / "theirs")
    marker = shared / "ran"
    plant_code(elsewhere, marker)
    (shared / "index").symlink_to(elsewhere)
    run = briefing("--content", str(content), "search", "rebels", env={"BRIEFING_INDEX_DIR": str(shared / "index")})
    assert_refused(run, marker, "symbolic link", "Remove the link")


def test_a_parent_folder_briefing_made_is_checked_too(shared, content, monkeypatch):
    # The default index lives in ~/.cache/briefing/index/<key>: ~/.cache/briefing is Briefing's own.
    monkeypatch.delenv("BRIEFING_INDEX_DIR")
    cache = shared / "home-cache"
    env = {"XDG_CACHE_HOME": str(cache)}
    first = subprocess.run([sys.executable, "-m", "briefing", "--content", str(content), "index"], capture_output=True,
                           text=True, timeout=120, env={**os.environ, **env})
    assert first.returncode == 0, first.stderr
    (cache / "briefing").chmod(0o777)
    run = subprocess.run([sys.executable, "-m", "briefing", "--content", str(content), "search", "rebels"],
                         capture_output=True, text=True, timeout=120, env={**os.environ, **env})
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert f"{cache / 'briefing'}: every user can write to it" in run.stderr


@needs_second_user
def test_a_state_folder_another_user_owns_is_refused_with_the_fix(shared, content):
    theirs = shared / "data"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, NOBODY.pw_uid, NOBODY.pw_gid)
    run = briefing("--content", str(content), "export", "--all", env={"BRIEFING_STATE_DIR": str(theirs)})
    assert run.returncode == 74 and "Traceback" not in run.stderr
    assert "refusing to use the state folder" in run.stderr and "belongs to user 'nobody'" in run.stderr
    assert not (theirs / "state.sqlite").exists()


def test_a_state_file_that_is_a_link_is_refused(shared, content):
    data = shared / "data"
    data.mkdir(mode=0o700)
    target = shared / "elsewhere.sqlite"
    target.write_bytes(b"")
    (data / "state.sqlite").symlink_to(target)
    run = briefing("--content", str(content), "state", "export", env={"BRIEFING_STATE_DIR": str(data)})
    assert run.returncode == 74 and "Traceback" not in run.stderr
    assert "refusing to use the state file" in run.stderr and "symbolic link" in run.stderr
    assert target.read_bytes() == b""


def test_a_folder_only_its_owner_and_their_own_group_can_write_is_tightened_not_refused(shared, content):
    import grp

    from briefing.private import private_dir

    folder = shared / "mine"
    folder.mkdir()
    folder.chmod(0o775)  # the common umask 002, with the user's own group
    group = grp.getgrgid(folder.stat().st_gid)
    owner = pwd.getpwuid(folder.stat().st_uid).pw_name
    if group.gr_name != owner or set(group.gr_mem) - {owner}:
        pytest.skip(f"the folder's group {group.gr_name!r} is not {owner!r}'s own; nothing to show")
    private_dir(folder, "the index folder")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
