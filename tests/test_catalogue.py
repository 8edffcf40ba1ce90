"""The catalogue beside the index: the list without reading the files, in step with the index."""

from __future__ import annotations

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
    # Workers build chunks of 4 documents each, and the chunk segments are merged in pairs.
    monkeypatch.setattr(update_module, "PARALLEL_FROM", 10)
    monkeypatch.setattr(update_module.Update, "FIRST_BATCH", 4)
    monkeypatch.setattr(segments_module, "CHUNK", 4)
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
    assert len(split.open()._read_toc().segments) < 45 // 4
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
