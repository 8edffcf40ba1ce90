"""The catalogue beside the index: the list without reading the files, in step with the index."""

from __future__ import annotations

import os
import sqlite3


from briefing.search import files as files_module
from briefing.search import segments as segments_module
from briefing.search import update as update_module
from briefing.search.catalogue import FILE_NAME
from briefing.search.engine import Engine
from briefing.search.index import ContentIndex


def test_snapshot_lists_every_article_newest_first_with_titles(tmp_path, content):
    index = ContentIndex(content, tmp_path / "i")
    assert index.snapshot() is None  # nothing indexed yet
    index.update()
    snapshot = index.snapshot()
    assert [e.rel[:3] for e in snapshot.entries] == ["000", "001", "002", "003", "004"]
    first = snapshot.entries[0]
    assert first.title.startswith("After a significant escalation")
    assert first.path == content / first.rel
    assert snapshot.problems == []


def test_a_broken_file_is_reported_at_every_update_but_read_once(tmp_path, content, monkeypatch):
    (content / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    _age(content / "broken.txt")  # written well before: its time can be trusted (see below)
    index = ContentIndex(content, tmp_path / "i")
    first = index.update()
    assert any(line.startswith("broken.txt") for line in first.skipped)
    assert any(p.startswith("broken.txt") for p in index.snapshot().problems)

    decoded: list[str] = []
    real = files_module.parse_bytes
    monkeypatch.setattr(files_module, "parse_bytes",
                        lambda data, path, extras=True, name=None: decoded.append(name) or real(data, path, extras, name))
    again = index.update()
    assert any(line.startswith("broken.txt") for line in again.skipped)
    assert decoded == []
    # Mended, it is read and listed.
    (content / "broken.txt").write_text("Mended\n\nNow a readable article about Aleppo.")
    assert index.update().added == ["broken.txt"]
    snapshot = index.snapshot()
    assert "broken.txt" in [e.rel for e in snapshot.entries]
    assert snapshot.problems == []


def test_a_first_build_commits_in_batches_and_the_list_grows(tmp_path, content, monkeypatch):
    monkeypatch.setattr(update_module.Update, "FIRST_BATCH", 2)
    index = ContentIndex(content, tmp_path / "i")
    seen: list[int] = []

    def progress(done: int, total: int, committed: bool) -> None:
        if committed:
            listed = index.snapshot().entries
            with Engine(index.open()) as engine:
                found = engine.search("Aleppo~").hits
            # The list never names an article search cannot find.
            assert {e.rel for e in listed} <= {h.path for h in found}
            seen.append(len(listed))

    index.update(progress=progress)
    assert seen[0] == 2 and seen[-1] == 5
    assert seen == sorted(seen)


def test_a_catalogue_behind_the_index_is_caught_up_without_duplicates(tmp_path, content):
    # As after a kill between the index's commit and the catalogue's.
    index = ContentIndex(content, tmp_path / "i")
    index.update()
    with sqlite3.connect(index.dir / FILE_NAME) as con:
        con.execute("DELETE FROM articles WHERE rel LIKE '002%'")
    report = index.update()
    assert [r[:3] for r in report.added] == ["002"]
    with Engine(index.open()) as engine:
        assert len(engine.search("Aleppo").hits) == 5
    assert len(index.snapshot().entries) == 5


def test_a_missing_or_broken_catalogue_means_a_rebuild(tmp_path, content):
    index = ContentIndex(content, tmp_path / "i")
    index.update()
    (index.dir / FILE_NAME).unlink()
    report = index.update()
    assert report.rebuilt and "catalogue" in report.rebuilt
    assert len(index.snapshot().entries) == 5

    (index.dir / FILE_NAME).write_bytes(b"not a database at all" * 100)
    for extra in ("-wal", "-shm"):
        (index.dir / (FILE_NAME + extra)).unlink(missing_ok=True)
    report = index.update()
    assert report.rebuilt
    assert len(index.snapshot().entries) == 5


def test_many_changed_files_are_parsed_in_worker_processes_with_the_same_result(tmp_path, content, monkeypatch):
    serial = ContentIndex(content, tmp_path / "serial")
    serial.update()
    monkeypatch.setattr(update_module, "PARALLEL_FROM", 2)
    (content / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 40)
    parallel = ContentIndex(content, tmp_path / "parallel")
    report = parallel.update()
    assert len(report.added) == 5 and any(s.startswith("broken.txt") for s in report.skipped)
    assert [(e.rel, e.title, e.digest) for e in parallel.snapshot().entries] == [
        (e.rel, e.title, e.digest) for e in serial.snapshot().entries
    ]
    with Engine(parallel.open()) as engine:
        assert len(engine.search("Aleppo").hits) == 5


def test_a_large_batch_built_as_segments_in_workers_finds_the_same_articles(tmp_path, content, monkeypatch):
    for n in range(40):
        (content / f"extra-{n:02}.md").write_text(
            f"---\ntitle: Extra report {n}\n---\nA report numbered {n} about the Zanzibar harbour.\n",
            encoding="utf-8",
        )
    serial = ContentIndex(content, tmp_path / "serial")
    serial.update()
    # Workers build chunks of 1, 2, 4, then 8 documents; the chunks under half
    # the full size are merged in pairs, the full ones never.
    monkeypatch.setattr(update_module, "PARALLEL_FROM", 10)
    monkeypatch.setattr(update_module.Update, "FIRST_BATCH", 1)
    monkeypatch.setattr(segments_module, "CHUNK", 8)
    monkeypatch.setattr(segments_module, "MERGE_GROUP", 2)
    merged: list[int] = []
    real_merge = update_module.Update._merge_later

    def spy(self, committed, final=False):
        real_merge(self, committed, final)
        merged.append(len(self.merges))

    monkeypatch.setattr(update_module.Update, "_merge_later", spy)
    split = ContentIndex(content, tmp_path / "split")
    report = split.update()
    assert len(report.added) == 45 and max(merged) >= 1
    with Engine(serial.open()) as one, Engine(split.open()) as two:
        for query in ("Aleppo", "Zanzibar", "harbour", "title:report", '"Zanzibar harbour"'):
            assert sorted(h.path for h in two.search(query, limit=None).hits) == sorted(
                h.path for h in one.search(query, limit=None).hits
            ), query
        assert len(two.search("Zanzibar", limit=None).hits) == 40
    sizes = sorted(s.doc_count_all() for s in split.open()._read_toc().segments)
    assert sizes == [3, 4, 6, 8, 8, 8, 8], sizes
    # Nothing of the build is left beside the index.
    assert not [p for p in split.dir.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")]
    # A later change in the worker-built index replaces its article, not adds one.
    (content / "extra-00.md").write_text("---\ntitle: Extra report 0\n---\nNow about Mombasa.\n", encoding="utf-8")
    split.update()
    with Engine(split.open()) as engine:
        assert len(engine.search("Zanzibar", limit=None).hits) == 39
        assert [h.path for h in engine.search("Mombasa").hits] == ["extra-00.md"]


def test_updates_merge_their_small_segments_at_a_bounded_cost_and_leave_the_large_ones(tmp_path, content, monkeypatch):
    monkeypatch.setattr(segments_module, "SMALL", 3)
    monkeypatch.setattr(segments_module, "SMALL_MERGE_AT", 4)
    monkeypatch.setattr(segments_module, "MERGE_CAP", 6)
    for n in range(20):
        (content / f"base-{n:02}.md").write_text(f"---\ntitle: Base {n}\n---\nA base report {n}.\n", encoding="utf-8")
    index = ContentIndex(content, tmp_path / "i")
    index.update()
    large = {s.segment_id() for s in index.open()._read_toc().segments}
    for n in range(12):  # twelve updates of one file each
        (content / f"late-{n:02}.md").write_text(f"---\ntitle: Late {n}\n---\nA late report {n}.\n", encoding="utf-8")
        index.update()
        segments = index.open()._read_toc().segments
        # The large segments are never rewritten; the small ones never pile up.
        assert large <= {s.segment_id() for s in segments}
        assert sum(s.doc_count_all() < 3 for s in segments) <= 4
    with Engine.open(index) as engine:
        assert len(engine.search("late", limit=None).hits) == 12
        assert len(engine.search("base", limit=None).hits) == 20


def _reads(monkeypatch) -> list[str]:
    """The files the updater reads from here on, by key."""
    read: list[str] = []
    real = files_module.read_file_bytes
    monkeypatch.setattr(files_module, "read_file_bytes", lambda path, rel: read.append(rel) or real(path, rel))
    return read


def _age(path, seconds: float = 3600) -> None:
    """Set *path*'s time back, as for a file written well before the update that looks at it."""
    then = path.stat().st_mtime_ns - int(seconds * 1e9)
    os.utime(path, ns=(then, then))


def test_an_untouched_file_is_not_read_again_and_a_touched_one_is(tmp_path, content, monkeypatch):
    index = ContentIndex(content, tmp_path / "i")
    index.update()
    read = _reads(monkeypatch)
    assert index.update().unchanged == 5
    assert read == []  # the sample files are old: their size and time say they are unchanged
    first = sorted(content.iterdir())[0]
    _age(first)  # touched (its time changed), not edited: read, found the same, not parsed again
    report = index.update()
    assert read == [first.name] and report.unchanged == 5 and not report.changed
    read.clear()
    assert index.update().unchanged == 5 and read == []


def test_an_edit_that_keeps_the_files_size_and_time_is_still_indexed(tmp_path, content):
    # A file written twice within its file system's clock tick keeps one time: the
    # update right after the first write cannot tell the second from its size and time.
    story = content / "fresh.md"
    story.write_text("---\ntitle: Harbour report\n---\nThe ferry to Zanzibar left on time.\n", encoding="utf-8")
    index = ContentIndex(content, tmp_path / "i")
    assert "fresh.md" in index.update().added
    stat = story.stat()
    story.write_text("---\ntitle: Harbour report\n---\nThe ferry to Mombasa left on dates.\n", encoding="utf-8")
    os.utime(story, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert story.stat().st_size == stat.st_size and story.stat().st_mtime_ns == stat.st_mtime_ns
    report = index.update()
    assert report.updated == ["fresh.md"]
    with Engine(index.open()) as engine:
        assert [h.path for h in engine.search("Mombasa").hits] == ["fresh.md"]
        assert engine.search("Zanzibar").hits == []


def test_a_file_indexed_just_after_it_was_written_is_read_once_more_then_trusted(tmp_path, content, monkeypatch):
    index = ContentIndex(content, tmp_path / "i")
    index.update()
    (content / "new.md").write_text("---\ntitle: New\n---\nA note about Aleppo.\n", encoding="utf-8")
    assert index.update().added == ["new.md"]
    read = _reads(monkeypatch)
    # Its time was not settled when it was indexed: read again, found the same.
    report = index.update()
    assert read == ["new.md"] and not report.changed
    # By now it was (the update's clock is moved on rather than the test waiting).
    read.clear()
    monkeypatch.setattr(update_module, "SETTLED_NS", -10**12)
    assert index.update().unchanged == 6 and read == []


def test_a_catalogue_from_before_file_times_were_trusted_is_migrated_not_rebuilt(tmp_path, content, monkeypatch):
    index = ContentIndex(content, tmp_path / "i")
    index.update()
    with sqlite3.connect(index.dir / FILE_NAME) as con:
        for table in ("articles", "skipped"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN checked")
        con.execute("DROP TABLE story_words")
    read = _reads(monkeypatch)
    report = index.update()
    # Every file is read and hashed once, not parsed: nothing changed, nothing rebuilt.
    assert report.rebuilt is None and not report.changed and report.unchanged == 5
    assert len(read) == 5
    read.clear()
    assert index.update().unchanged == 5 and read == []
    assert len(index.snapshot().entries) == 5
    # The stories' words were written too: later coverage still finds its story.
    first = sorted(content.iterdir())[0]
    (content / "later.txt").write_text(first.read_text() + "\nThe inquiry continues.\n")
    index.update()
    stories = {e.rel: e.story for e in index.snapshot().entries}
    assert stories["later.txt"] == stories[first.name]
