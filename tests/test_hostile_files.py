"""Files no one should have to read: each is reported by name and the rest of the folder loads.

Every case goes through the index, which is how the reader and the command
line list a folder; a good file beside each bad one must still be listed.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from briefing.model import UnreadableFile
from briefing.parse import parse_file
from briefing.sanitize import clean_text
from briefing.tui.app import BriefingApp
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reading_pane import ReadingPane
from conftest import indexed
from tui_helpers import article_lines, settle

GOOD = "Good title\nThe good file is read. It has two sentences.\n"
# One line of 100,000 characters and more, in words.
LONG_LINE = " ".join(f"word{i % 97}" for i in range(15000))


def sparse_file(path: Path, size: int) -> Path:
    """A file of *size* bytes that takes no room on disk: text at the start, a hole after."""
    with open(path, "wb") as f:
        f.write(b"Huge title\nA body. " * 10)
        f.truncate(size)
    return path


SKIPPED = [
    ("empty.txt", b"", "empty file"),
    ("blank.md", b"\n \n\t\n", "empty file"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    ("nul.txt", b"Title\nText with a NUL \x00 byte in it. More.\n", "binary file"),
    ("bad16.txt", b"\xff\xfeT\x00i\x00\x00\xd8", "not valid UTF-16"),
]


@pytest.mark.parametrize(("name", "data", "reason"), SKIPPED, ids=[c[0] for c in SKIPPED])
def test_a_file_that_is_not_text_is_skipped_with_its_reason(tmp_path, name, data, reason):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / name).write_bytes(data)
    snapshot = indexed(tmp_path)
    assert [e.path.name for e in snapshot.entries] == ["good.txt"]
    (problem,) = snapshot.problems
    assert problem.startswith(name) and reason in problem and "\n" not in problem


def test_a_50_mb_file_is_refused_without_being_read(tmp_path, monkeypatch):
    (tmp_path / "good.txt").write_text(GOOD)
    sparse_file(tmp_path / "huge.txt", 50 * 1024 * 1024)
    opened = []
    real = os.open
    monkeypatch.setattr(os, "open", lambda path, *args, **kw: opened.append(os.fspath(path)) or real(path, *args, **kw))
    snapshot = indexed(tmp_path)
    assert [e.path.name for e in snapshot.entries] == ["good.txt"]
    assert snapshot.problems == ["huge.txt: too large (50 MiB; the limit is 8 MiB)"]
    assert any(p.endswith("good.txt") for p in opened)
    assert not any(p.endswith("huge.txt") for p in opened)


def test_text_in_a_wrong_or_mixed_encoding_is_read_with_a_warning(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 prices\nPrices rose 5\u20ac. Owners object.\n".encode("cp1252"))
    (tmp_path / "u16.txt").write_bytes("Sixteen bits\nBody of the article. Done.\n".encode("utf-16"))
    snapshot = indexed(tmp_path)
    titles = sorted(e.title for e in snapshot.entries)
    assert titles == ["Caf\u00e9 prices", "Sixteen bits"]
    assert any("latin.txt" in w and "not valid UTF-8" in w for w in snapshot.warnings)


def test_a_100000_character_line_is_read_and_shown(tmp_path):
    line = LONG_LINE
    assert len(line) > 100_000
    (tmp_path / "long.txt").write_text(f"One long line\n{line}.\n")
    article = parse_file(tmp_path / "long.txt")
    assert article.title == "One long line"
    assert sum(len(p.text) for p in article.paragraphs) > 100_000
    # Without a title line the first words make one, cut to fit a list row.
    (tmp_path / "untitled.txt").write_text(line + ".\n")
    assert len(parse_file(tmp_path / "untitled.txt").title) <= 80


async def test_a_100000_character_line_is_wrapped_in_the_reading_pane(tmp_path):
    line = LONG_LINE
    (tmp_path / "long.txt").write_text(f"One long line\n{line}.\n")
    app = BriefingApp(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        lines = [text for text in article_lines(app) if text]
        pane = app.query_one(ReadingPane).size.width
        assert len(lines) > 1000 and all(len(text) < pane for text in lines)
        await pilot.press("G")
        await pilot.pause()
        assert app.is_running


def test_an_unreadable_file_is_reported(tmp_path, monkeypatch):
    (tmp_path / "good.txt").write_text(GOOD)
    secret = tmp_path / "secret.txt"
    secret.write_text(GOOD)
    secret.chmod(0)
    if os.geteuid() == 0:
        # Root reads any file whatever its mode; make the open fail the way it would for anyone else.
        real = os.open

        def denied(path, *args, **kwargs):
            if os.fspath(path).endswith("secret.txt"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", denied)
    snapshot = indexed(tmp_path)
    assert [e.path.name for e in snapshot.entries] == ["good.txt"]
    assert snapshot.problems == ["secret.txt: cannot be read (Permission denied)"]


def test_an_unlistable_subfolder_is_reported_and_the_rest_loads(tmp_path, monkeypatch):
    (tmp_path / "good.txt").write_text(GOOD)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inner.txt").write_text(GOOD)
    if os.geteuid() == 0:
        real = os.scandir

        def denied(path="."):
            if isinstance(path, str) and Path(path).name == "locked":
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", denied)
    else:
        locked.chmod(0)
    try:
        snapshot = indexed(tmp_path)
    finally:
        locked.chmod(0o755)
    assert [e.path.name for e in snapshot.entries] == ["good.txt"]
    assert any("locked" in p and "cannot be listed" in p for p in snapshot.problems)


def test_a_folder_named_like_an_article_is_not_listed(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "folder.md" / "inside.txt").write_text("Inside\nA file in it. Listed.\n")
    snapshot = indexed(tmp_path)
    assert sorted(e.path.name for e in snapshot.entries) == ["good.txt", "inside.txt"]
    assert snapshot.problems == []


def test_links_leaving_the_folder_are_followed_only_when_allowed(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.txt").write_text(GOOD)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("From elsewhere\nA file outside the folder. Linked in.\n")
    os.symlink(elsewhere, content / "linked.txt")
    os.symlink(content / "loop-b.txt", content / "loop-a.txt")
    os.symlink(content / "loop-a.txt", content / "loop-b.txt")

    closed = indexed(content)
    assert [e.path.name for e in closed.entries] == ["good.txt"]
    assert any(p.startswith("linked.txt: links outside") and "follow_links" in p for p in closed.problems)

    opened = indexed(content, follow_links=True)
    assert sorted(e.title for e in opened.entries) == ["From elsewhere", "Good title"]
    # Loops are never followed, whatever the setting.
    assert any(p.startswith("loop-a.txt") and "loop" in p for p in opened.problems)


def test_follow_links_is_a_setting_of_the_command_line(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.txt").write_text(GOOD)
    (tmp_path / "elsewhere.txt").write_text("From elsewhere\nA file outside. Linked in.\n")
    os.symlink(tmp_path / "elsewhere.txt", content / "linked.txt")

    def search(*options):
        return subprocess.run(
            [sys.executable, "-m", "briefing", "--content", str(content), *options, "search", "elsewhere"],
            capture_output=True, text=True, timeout=60,
        )

    closed = search()
    assert "0 result(s)" in closed.stdout and "linked.txt: links outside" in closed.stderr
    opened = search("--follow-links")
    assert "From elsewhere" in opened.stdout and "linked.txt" not in opened.stderr


async def test_a_file_changed_after_listing_shows_what_it_holds_now(content):
    app = BriefingApp(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        second, third = app.query_one(ArticleList).entries[1:3]
        second.path.write_text("Rewritten headline\nThe file was replaced while listed. It says so.\n")
        third.path.write_bytes(b"\x00\x01\x02 binary now")
        await pilot.press("j")
        await settle(pilot)
        assert any("The file was replaced while listed." in line for line in article_lines(app))
        await pilot.press("j")
        await settle(pilot)
        placeholder = app.query_one(ReadingPane).query_one(".placeholder", Static).visual.plain
        assert third.path.name in placeholder and "binary file" in placeholder
        await pilot.press("k")
        await settle(pilot)
        assert any("The file was replaced while listed." in line for line in article_lines(app))


TERMINAL_TRICKS = [
    ("csi colour", "Red \x1b[31;1mtitle\x1b[0m", "Red title"),
    ("cursor moves", "Over\x1b[2J\x1b[H\x1b[10;10Hwritten", "Overwritten"),
    ("osc 52 clipboard", "Copy\x1b]52;c;cm0gLXJmIH4=\x07 me", "Copy me"),
    ("osc title", "Window\x1b]0;owned\x1b\\ title", "Window title"),
    ("osc 8 link", "A \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ here", "A link here"),
    ("dcs", "Device\x1bP1$qm\x1b\\ control", "Device control"),
    ("c1 csi", "Eight\x9b31mbit", "Eightbit"),
    ("bell", "Ring\x07 ring", "Ring ring"),
    ("backspace", "Good news\x08\x08\x08\x08bad", "Good newsbad"),
    ("bidi override", "Invoice \u202efdp.exe\u202c", "Invoice fdp.exe"),
    ("zero width", "Zero\u200b\u200dwidth\u2060", "Zerowidth"),
]


@pytest.mark.parametrize(("case", "raw", "shown"), TERMINAL_TRICKS, ids=[c[0] for c in TERMINAL_TRICKS])
def test_terminal_tricks_in_a_title_and_body_are_taken_out(write, case, raw, shown):
    article = parse_file(write("trick.txt", f"{raw}\nBody: {raw}. Second sentence.\n"))
    assert article.title == shown
    assert article.paragraphs[0].text == f"Body: {shown}. Second sentence."


def test_a_carriage_return_cannot_hide_the_start_of_a_line():
    assert clean_text("Shown\rHidden?") == "Shown\nHidden?"


def run_briefing(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """The command in a new process, with its memory capped: a read that never ends fails instead of filling RAM."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=cap)


def within(seconds: int, call):
    """*call*(), failed if it has not returned after *seconds* (a read that waits for ever)."""
    import signal

    def late(*_):
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        return call()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def special_files(folder: Path) -> dict[str, str]:
    """A named pipe, a socket and (as root) a device, each with a briefing's name; what each is reported as."""
    import socket

    made = {}
    os.mkfifo(folder / "pipe.txt")
    made["pipe.txt"] = "is a named pipe (FIFO), not a file"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "socket.md"))
    server.close()
    made["socket.md"] = "is a socket, not a file"
    if os.geteuid() == 0:
        os.mknod(folder / "zero.txt", 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero's numbers
        made["zero.txt"] = "is a character device, not a file"
    else:
        print("a device file needs root to make; only the pipe and the socket are tried")
    return made


def test_a_pipe_socket_or_device_never_blocks_any_command(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    made = special_files(folder)
    index = run_briefing("--content", str(folder), "index")
    assert index.returncode == 0, index.stderr
    for name, kind in made.items():
        assert f"skipped: {name}: {kind}; skipped" in index.stdout
    assert "1 added" in index.stdout
    search = run_briefing("--content", str(folder), "search", "good")
    assert search.returncode == 0 and "good.txt" in search.stdout
    for name, kind in made.items():
        parse = run_briefing("parse", str(folder / name))
        assert parse.returncode == 1 and f"{name}: {kind}" in parse.stderr
        with pytest.raises(UnreadableFile, match="not a file"):
            within(10, lambda: parse_file(folder / name))


def test_a_pipe_put_in_place_of_a_listed_file_is_not_waited_for(tmp_path):
    from briefing.article_cache import ArticleCache

    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "swapped.txt").write_text(GOOD)
    entry = next(e for e in indexed(tmp_path).entries if e.path.name == "swapped.txt")
    (tmp_path / "swapped.txt").unlink()
    os.mkfifo(tmp_path / "swapped.txt")
    article, problem = within(10, lambda: ArticleCache().get(entry.path))
    assert article is None and "named pipe" in problem


def test_a_link_to_dev_zero_reads_nothing_even_when_links_are_followed(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "random.md").symlink_to("/dev/urandom")
    index = run_briefing("--content", str(folder), "--follow-links", "index")
    assert index.returncode == 0, index.stderr
    assert "zero.txt: links to a character device, not a file; skipped" in index.stdout
    assert "random.md: links to a character device, not a file; skipped" in index.stdout
    parse = run_briefing("parse", str(folder / "zero.txt"))
    assert parse.returncode == 1 and "is a character device, not a file" in parse.stderr


def test_a_folder_tree_deeper_than_the_recursion_limit_is_walked_and_reported(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    depth = sys.getrecursionlimit() + 200
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as f:
            f.write(GOOD)
    finally:
        os.close(fd)
    (folder / "d" / "d" / "near.txt").write_text(GOOD)
    try:
        index = run_briefing("--content", str(folder), "index")
        assert index.returncode == 0, index.stderr[-2000:]
        assert "2 added" in index.stdout  # good.txt and d/d/near.txt
        deep = "/".join(["d"] * 33)
        assert f"skipped: {deep}: more than 32 folders deep; not read" in index.stdout
    finally:
        # Removed from the bottom up without recursion (shutil.rmtree recurses).
        path = folder
        parts = [folder] + [folder / "/".join(["d"] * n) for n in range(1, depth + 1)]
        os.unlink(parts[-1] / "deep.txt")
        for path in reversed(parts[1:]):
            for child in os.listdir(path):
                os.unlink(path / child)
            os.rmdir(path)
