"""Reading a content folder into the list: order, skipped files and links."""

from __future__ import annotations

import os

from conftest import indexed


def test_sample_folder_loads_every_file(content_dir):
    library = indexed(content_dir)
    assert [a.path.name[:3] for a in library.entries] == ["000", "001", "002", "003", "004"]
    assert library.problems == [] and library.warnings == []


def test_dated_articles_first_newest_first_then_by_name(write, tmp_path):
    write("b.txt", "Undated b\nText here. More.\n")
    write("a.txt", "Undated a\nText here. More.\n")
    write("old.md", "---\ndate: 2024-01-02\n---\nOld. Text.\n")
    write("new.md", "---\ndate: 2024-11-30\n---\nNew. Text.\n")
    names = [a.path.name for a in indexed(tmp_path).entries]
    assert names == ["new.md", "old.md", "a.txt", "b.txt"]


def test_broken_files_are_reported_and_the_rest_loads(write, tmp_path):
    write("good.txt", "Good title\nA body. Another sentence.\n")
    write("empty.txt", "")
    write("binary.txt", b"\x00\xff\x00")
    write("notes.docx", b"ignored: not a briefing suffix")
    (tmp_path / "folder.txt").mkdir()
    library = indexed(tmp_path)
    assert [a.path.name for a in library.entries] == ["good.txt"]
    assert len(library.problems) == 2
    assert any("empty.txt" in p for p in library.problems)
    assert any("binary.txt" in p for p in library.problems)


def test_links_outside_the_folder_and_loops_are_skipped(write, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("Secret\nNot for this folder. Really.\n")
    content = tmp_path / "content"
    content.mkdir()
    (content / "real.txt").write_text("Real title\nBody. More.\n")
    os.symlink(outside, content / "escape.txt")
    os.symlink(content / "inside.txt", content / "loop.txt")
    os.symlink(content / "loop.txt", content / "inside.txt")
    os.symlink(content / "real.txt", content / "alias.txt")
    library = indexed(content)
    names = sorted(a.path.name for a in library.entries)
    assert names == ["alias.txt", "real.txt"]
    assert any("escape.txt" in p and "outside" in p for p in library.problems)
    assert any("loop.txt" in p for p in library.problems)
    outside.unlink()
