"""A damaged, removed, replaced or half-written index: found out, rebuilt with a message, never a crash or wrong results."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefing.search import integrity
from briefing.search.engine import Engine, IndexUnavailable
from briefing.search.index import ContentIndex, IndexDamaged


def built(content: Path, where: Path) -> ContentIndex:
    index = ContentIndex(content, where)
    index.update()
    return index


def segment_file(index: ContentIndex, ext: str) -> Path:
    (path,) = [p for p in index.dir.iterdir() if p.name.startswith("articles_") and p.name.endswith(ext)][:1]
    return path


def briefing(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


@pytest.mark.parametrize("how", ["cut short", "garbled", "removed", "garbled, times kept"])
def test_a_damaged_segment_file_is_found_on_open_and_rebuilt_by_the_next_update(tmp_path, content, how):
    index = built(content, tmp_path / "i")
    terms = segment_file(index, ".trm")
    stat = terms.stat()
    if how == "cut short":
        terms.write_bytes(terms.read_bytes()[: stat.st_size // 2])
    elif how == "garbled":
        terms.write_bytes(bytes(reversed(terms.read_bytes())))
    elif how == "removed":
        terms.unlink()
    else:
        terms.write_bytes(os.urandom(stat.st_size))
        os.utime(terms, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    if how != "garbled, times kept":
        with pytest.raises(IndexDamaged, match=terms.name):
            index.open()
    report = index.update()
    # Never "unchanged": the update says it rebuilt, and why.
    if how != "garbled, times kept":
        assert report.rebuilt and "damaged" in report.rebuilt and terms.name in report.rebuilt
        assert len(report.added) == 5
        with Engine.open(index) as engine:
            assert len(engine.search("Aleppo").hits) == 5


def test_damage_no_check_could_see_is_found_at_the_first_failing_read_and_rebuilt(tmp_path, content):
    index = built(content, tmp_path / "i")
    postings = segment_file(index, ".pst")
    stat = postings.stat()
    postings.write_bytes(b"\xff" * stat.st_size)  # same size, and the time put back
    os.utime(postings, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    engine = Engine.open(index)
    with pytest.raises(IndexDamaged, match="rebuilt"):
        engine.search("Aleppo")
    # The reader's next update rebuilds it, and says so.
    report = index.update()
    assert report.rebuilt and len(report.added) == 5
    assert len(engine.search("Aleppo").hits) == 5
    engine.close()


def test_the_command_line_repairs_a_damaged_index_and_says_so(tmp_path, content):
    env = {"BRIEFING_INDEX_DIR": str(tmp_path / "i")}
    assert briefing("index", "--content", str(content), env=env).returncode == 0
    index = ContentIndex(content, tmp_path / "i")
    terms = segment_file(index, ".trm")
    terms.write_bytes(terms.read_bytes()[:10])
    repaired = briefing("index", "--content", str(content), env=env)
    assert repaired.returncode == 0 and "Traceback" not in repaired.stderr
    assert "rebuilt" in repaired.stderr and "5 added" in repaired.stdout
    found = briefing("search", "Aleppo", "--json", "--content", str(content), env=env)
    assert found.returncode == 0 and found.stdout.count('"path"') == 5


@pytest.mark.parametrize("made", ["with its folder", "from the opened index"])
def test_an_index_removed_under_a_running_engine_is_reported_then_followed_when_rebuilt(tmp_path, content, made):
    index = built(content, tmp_path / "i")
    # Either way the engine knows the folder: one made from an opened index finds it from the index.
    engine = Engine.open(index) if made == "with its folder" else Engine(index.open())
    assert len(engine.search("Aleppo").hits) == 5
    shutil.rmtree(index.dir)
    # Not empty results as if nothing matched: the index is gone, and it says so.
    with pytest.raises(IndexUnavailable, match="rebuilt or was removed"):
        engine.search("Aleppo")
    # Another process builds it again (the same generation numbers as before): the engine follows.
    (content / "new.md").write_text("---\ntitle: Zanzibar port\n---\nThe port of Zanzibar reopened.\n")
    ContentIndex(content, tmp_path / "i").update()
    assert [h.path for h in engine.search("Zanzibar").hits] == ["new.md"]
    assert len(engine.search("Aleppo").hits) == 5
    engine.close()


def test_an_index_rebuilt_by_another_process_is_reopened_with_its_new_documents(tmp_path, content):
    index = built(content, tmp_path / "i")
    engine = Engine.open(index)
    first = engine.search("Aleppo")
    (content / "000_b9ac1d64635b4e50.txt").unlink()
    ContentIndex(content, tmp_path / "i").update(rebuild=True)
    again = engine.search("Aleppo")
    assert len(first.hits) == 5 and len(again.hits) == 4
    # Snippets asked for hits of the earlier searcher still come from the right article.
    made = engine.snippets(first, first.hits[1:])
    assert {h.path for h in made} <= {h.path for h in again.hits}
    assert all(h.snippet for h in made)
    engine.close()


def test_a_failed_write_on_a_full_disk_leaves_no_temporary_files(tmp_path, content_dir):
    content = tmp_path / "c"
    content.mkdir()
    for n in range(300):  # enough for worker processes and several segments
        for sample in content_dir.iterdir():
            (content / f"{n:03}-{sample.name}").write_text(sample.read_text() + f"\nCopy {n}.")
    env = {**os.environ, "BRIEFING_INDEX_DIR": str(tmp_path / "i")}
    command = [sys.executable, "-m", "briefing", "index", "--content", str(content)]
    # A file-size limit: writes fail part-way, as they do when the disk fills.
    full = subprocess.run(["sh", "-c", 'ulimit -f 2048; exec "$@"', "sh", *command],
                          capture_output=True, text=True, timeout=300, env=env)
    assert full.returncode != 0 and "Traceback" not in full.stderr, full.stderr[-2000:]
    left = [p.name for p in (tmp_path / "i").iterdir()]
    assert not [n for n in left if n.endswith(".tmp") or n.startswith(".") or n.endswith(".run")], left
    generation = integrity.latest_generation(tmp_path / "i")
    assert integrity.check(tmp_path / "i", generation) is None
    index = ContentIndex(content, tmp_path / "i")
    segments = index.open()._read_toc().segments
    kept = set(integrity.segment_files(tmp_path / "i", segments))
    assert [n for n in left if n.startswith("articles_") and n != "articles_WRITELOCK" and n not in kept] == []
    # With room again, the update finishes what was cut short.
    report = index.update()
    assert len(report.added) + len(report.updated) + report.unchanged == 1500


def test_a_search_is_cancelled_from_another_thread_and_returns_at_once(tmp_path, content):
    index = built(content, tmp_path / "i")
    engine = Engine.open(index)
    from briefing.search import deadline

    started = time.monotonic()
    budget = deadline.Budget(60)
    timer = threading.Timer(0.2, budget.cancel)
    timer.start()
    real_check = deadline.check

    def slow_check() -> None:
        time.sleep(0.01)  # a search that would take minutes
        real_check()

    deadline.check = slow_check
    try:
        results = engine.search("a* b* c* d* e* Aleppo~ Hama~ Idlib~", budget=budget)
    except Exception as exc:  # a query that could not even be read in time says so
        assert "too long" in str(exc)
    else:
        assert results.partial
    finally:
        deadline.check = real_check
        timer.cancel()
    assert time.monotonic() - started < 5
    engine.close()


class _RunsACommand:
    """What a hostile table of contents would hold: unpickling it runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _plant_toc(index: ContentIndex, schema: bytes, segments: bytes) -> None:
    """Rewrite the index's table of contents as someone who could write the folder might, manifest and all."""
    import io

    import whoosh
    from whoosh.filedb.structfile import StructFile
    from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

    generation = integrity.latest_generation(index.dir)
    buffer = io.BytesIO()
    stream = StructFile(buffer)
    for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(-111)
    for number in whoosh.__version__[:3]:
        stream.write_varint(number)
    stream.write_string(schema)
    stream.write_int(generation)
    stream.write_int(0)
    stream.write(segments)
    (index.dir / integrity.toc_name(generation)).write_bytes(buffer.getvalue())
    integrity.record_toc(index.dir, generation)


def test_a_schema_planted_in_the_table_of_contents_is_never_unpickled(tmp_path, content):
    import pickle

    from briefing.search.toc import read_toc

    index = built(content, tmp_path / "i")
    marker = tmp_path / "ran"
    with Engine.open(index) as engine:
        segments = read_toc(engine.ix.storage, "articles", None).segments
    _plant_toc(index, pickle.dumps(_RunsACommand(marker), 2), pickle.dumps(segments, -1))
    # The index opens with Briefing's own schema; the planted one is skipped unread.
    with Engine.open(index) as engine:
        assert len(engine.search("Aleppo").hits) == 5
    assert index.update().rebuilt is None
    assert not marker.exists()


def test_a_planted_segment_list_runs_nothing_and_the_index_is_rebuilt_as_damaged(tmp_path, content):
    import pickle

    index = built(content, tmp_path / "i")
    marker = tmp_path / "ran"
    evil = pickle.dumps(_RunsACommand(marker), 2)
    _plant_toc(index, evil, evil)
    with pytest.raises(IndexDamaged, match="posix.system|os.system"):
        index.open()
    report = index.update()
    assert report.rebuilt and "damaged" in report.rebuilt
    with Engine.open(index) as engine:
        assert len(engine.search("Aleppo").hits) == 5
    assert not marker.exists()


async def test_the_reader_runs_nothing_from_a_planted_table_of_contents_and_rebuilds_the_index(tmp_path, content):
    import pickle

    from briefing.tui.app import BriefingApp
    from briefing.tui.widgets.article_list import ArticleList
    from tui_helpers import settle

    index = built(content, tmp_path / "i")
    marker = tmp_path / "ran"
    evil = pickle.dumps(_RunsACommand(marker), 2)
    _plant_toc(index, evil, evil)
    app = BriefingApp(content, index.dir)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(300):
            if app.services.indexing.engine is not None:
                break
            await pilot.pause(0.1)
        await settle(pilot)
        # Said, not hidden: the index was damaged and has been rebuilt; the articles are all there.
        notes = [n.message for n in app._notifications]
        assert any("damaged" in n and "rebuilt" in n for n in notes), notes
        assert len(app.query_one(ArticleList).entries) == 5
        await pilot.press("slash", *"Aleppo")
        await pilot.pause(0.4)
        await settle(pilot)
        assert len(app.query_one(ArticleList).entries) == 5
    assert not marker.exists()
