"""Search on a real Whoosh index of the samples, and keeping the index in step with the files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.search.engine import Engine
from briefing.search.index import META_FILE, ContentIndex, IndexBusy
from briefing.search.query import QueryError


def paths(results) -> list[str]:
    return [h.path[:3] for h in results.hits]


def test_phrases_find_their_article_first(engine):
    assert paths(engine.search('"Iranian consulate"'))[0] == "000"
    assert paths(engine.search('"Basel Square"'))[0] == "002"


def test_hezbollah_ranks_001_or_003_first(engine):
    assert paths(engine.search("Hezbollah"))[0] in ("001", "003")


def test_title_field_matches_only_titles(engine):
    results = engine.search("title:Aleppo")
    assert results.hits
    assert all("aleppo" in h.title.lower() for h in results.hits)


def test_fuzzy_finds_all_five_and_did_you_mean(engine):
    assert sorted(paths(engine.search("Alepo~"))) == ["000", "001", "002", "003", "004"]
    plain = engine.search("Alepo")
    assert plain.hits == [] and plain.suggestion == "aleppo"


def test_not_excludes_articles_mentioning_hama(engine):
    found = paths(engine.search("Aleppo NOT Hama"))
    assert found and not any(p in found for p in ("000", "001", "004"))


def test_snippets_mark_the_hits(engine):
    hit = engine.search("Hezbollah").hits[0]
    assert ("Hezbollah", True) in hit.snippet_parts
    assert "**Hezbollah**" in hit.to_json()["snippet"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [('"Iranian consulate', "unbalanced quotes"), ("(Aleppo OR Hama", "unbalanced parentheses"),
     ("nosuchfield:x", "unknown field"), ("x" * 5000, "too long"), ("   ", "empty")],
    ids=["quote", "paren", "field", "long", "empty"],
)
def test_bad_queries_say_why(engine, query, reason):
    with pytest.raises(QueryError, match=reason):
        engine.search(query)


def test_prefix_expansion_is_bounded(engine):
    from briefing.search.query import MAX_EXPANSION, parse_query

    parsed = parse_query("a*", engine.searcher, engine.ix.schema)
    assert 0 < len(list(parsed.query.iter_all_terms())) <= MAX_EXPANSION * 3


def test_date_ranges(tmp_path):
    content = tmp_path / "c"
    content.mkdir()
    for day in (25, 28, 30):
        (content / f"d{day}.md").write_text(f"---\ndate: 2024-11-{day}\ntitle: Day {day}\n---\nRebels advance. More.\n")
    index = ContentIndex(content, tmp_path / "i")
    index.update()
    engine = Engine(index.open())
    found = sorted(h.path for h in engine.search("rebels date:2024-11-27..2024-12-01").hits)
    assert found == ["d28.md", "d30.md"]
    newest = [h.path for h in engine.search("rebels", by_date=True).hits]
    assert newest == ["d30.md", "d28.md", "d25.md"]
    engine.close()


def copy_samples(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        shutil.copy(f, dst / f.name)
    return dst


def test_incremental_update_touches_only_changed_files(tmp_path, content_dir):
    content = copy_samples(content_dir, tmp_path / "c")
    index = ContentIndex(content, tmp_path / "i")
    assert len(index.update().added) == 5
    assert index.update().unchanged == 5

    (content / "new.txt").write_text("Port strike spreads\nDockers walked out. Ships wait.\n")
    changed = content / "000_b9ac1d64635b4e50.txt"
    changed.write_text(changed.read_text() + "\nA late paragraph mentions Zanzibar.")
    (content / "004_368b09949744bcbd.txt").unlink()
    touched = content / "001_0185afcff5127c5f.txt"
    os.utime(touched, ns=(time.time_ns(), time.time_ns() + 10**9))
    report = index.update()
    assert report.added == ["new.txt"]
    assert report.updated == ["000_b9ac1d64635b4e50.txt"]
    assert report.removed == ["004_368b09949744bcbd.txt"]
    assert report.unchanged == 3  # including the touched but unchanged file

    engine = Engine(index.open())
    assert [h.path for h in engine.search("Zanzibar").hits] == ["000_b9ac1d64635b4e50.txt"]
    assert [h.path for h in engine.search("dockers").hits] == ["new.txt"]
    assert engine.search('"Bashar al Assad has fled"').hits == []
    engine.close()


def test_read_only_content_folder(tmp_path, content_dir):
    content = copy_samples(content_dir, tmp_path / "c")
    content.chmod(0o555)
    try:
        report = ContentIndex(content, tmp_path / "i").update()
        assert len(report.added) == 5
        assert sorted(os.listdir(content)) == sorted(os.listdir(content_dir))
    finally:
        content.chmod(0o755)


def test_version_change_and_broken_index_are_rebuilt(tmp_path, content_dir):
    index = ContentIndex(content_dir, tmp_path / "i")
    index.update()
    (index.dir / META_FILE).write_text(json.dumps({"schema": 0, "whoosh": "0.0"}))
    report = index.update()
    assert report.rebuilt and len(report.added) == 5

    for f in index.dir.iterdir():
        if f.suffix in (".seg", ".toc"):
            f.write_bytes(b"garbage")
    report = index.update()
    assert report.rebuilt and "rebuilt" in report.rebuilt
    assert len(Engine(index.open()).search("Aleppo").hits) == 5


def test_a_second_writer_waits_or_says_busy(tmp_path, content_dir):
    content = tmp_path / "c"
    shutil.copytree(content_dir, content)
    index = ContentIndex(content, tmp_path / "i")
    index.update()
    (content / "new.txt").write_text("New Title\n\nA new article about Aleppo.")
    holder = index.open().writer()
    try:
        with pytest.raises(IndexBusy, match="another Briefing process"):
            ContentIndex(content, tmp_path / "i").update(wait=0.2)
    finally:
        holder.cancel()
    # Once the other writer is done, the new file goes in.
    assert ContentIndex(content, tmp_path / "i").update().added == ["new.txt"]


def test_an_unchanged_folder_needs_no_writer(tmp_path, content_dir):
    index = ContentIndex(content_dir, tmp_path / "i")
    index.update()
    holder = index.open().writer()
    try:
        # Nothing to write, so another process holding the writer is no obstacle.
        assert index.update(wait=0.2).unchanged == 5
    finally:
        holder.cancel()


def make_corpus(folder: Path, samples: Path, copies: int) -> int:
    folder.mkdir()
    n = 0
    for i in range(copies):
        for f in samples.iterdir():
            (folder / f"{i:03}_{f.name}").write_text(f.read_text() + f"\nCopy number {i}.")
            n += 1
    return n


def cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefing", *args], env={**os.environ, **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_two_processes_indexing_at_once(tmp_path, content_dir):
    total = make_corpus(tmp_path / "c", content_dir, 40)
    env = {"BRIEFING_INDEX_DIR": str(tmp_path / "i")}
    procs = [cli("index", "--content", str(tmp_path / "c"), env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert "Traceback" not in err
        assert proc.returncode in (0, 75), err
        if proc.returncode == 75:
            assert "another Briefing process" in err
    assert any(p.returncode == 0 for p in procs)
    engine = Engine(ContentIndex(tmp_path / "c", tmp_path / "i").open())
    assert len(engine.search("Aleppo", limit=None).hits) == total
    engine.close()


def test_killed_index_build_then_normal_start(tmp_path, content_dir):
    total = make_corpus(tmp_path / "c", content_dir, 60)
    env = {"BRIEFING_INDEX_DIR": str(tmp_path / "i")}
    proc = cli("index", "--content", str(tmp_path / "c"), "--rebuild", env=env)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    # Its parsing workers end with it: nothing keeps its output open.
    proc.communicate(timeout=30)
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "search", "Aleppo", "--limit", "1000", "--json",
         "--content", str(tmp_path / "c")],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(json.loads(result.stdout)) == total


def test_search_cli_json_exit_codes(tmp_path, content_dir):
    env = {**os.environ, "BRIEFING_INDEX_DIR": str(tmp_path / "i")}
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "briefing", "search", *a, "--content", str(content_dir)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    found = run('"Basel Square"', "--json")
    data = json.loads(found.stdout)
    assert found.returncode == 0 and data[0]["path"].startswith("002")
    assert set(data[0]) == {"id", "path", "title", "score", "snippet"}
    none = run("zzzqqq", "--json")
    assert none.returncode == 0 and json.loads(none.stdout) == []
    bad = run('"open quote', "--json")
    assert bad.returncode == 2 and "unbalanced quotes" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Hezb", {"001", "003"}), ("title:Alep", {"001", "002", "004"}), ("Iranian consu", {"000"})],
)
def test_a_word_still_being_typed_matches_as_a_prefix(engine, typed, expected):
    results = engine.search_as_typed(typed)
    assert expected <= set(paths(results))
    assert results.query.text == typed + "*"


def test_a_finished_word_is_not_completed(engine):
    # The space says the word is complete: no results, and a suggestion instead.
    results = engine.search_as_typed("Alepo ")
    assert results.hits == [] and results.suggestion == "aleppo"
    # An open phrase is not completed into a prefix: it is reported as unfinished.
    with pytest.raises(QueryError, match="unbalanced quotes"):
        engine.search_as_typed('"Hezb')


def test_hits_come_without_snippets_beyond_the_first_screen_and_get_them_on_demand(engine):
    results = engine.search("Aleppo", limit=None, snippets=2)
    assert [h.snippet is not None for h in results.hits] == [True, True, False, False, False]
    shown = results.hits[2:4]  # the rows scrolled into view
    made = engine.snippets(results, shown)
    assert made == shown and all(("Aleppo", True) in h.snippet_parts for h in shown)
    assert results.hits[4].snippet is None
    # Asked again, nothing is made twice.
    assert engine.snippets(results, shown) == []


def test_a_result_list_is_the_best_thousand_with_the_total_said(tmp_path, content_dir):
    from briefing.search import engine as engine_module

    content = make_corpus(tmp_path / "c", content_dir, 6)
    index = ContentIndex(tmp_path / "c", tmp_path / "i")
    index.update()
    with Engine.open(index) as engine:
        full = engine.search("Aleppo", limit=None)
        assert len(full.hits) == content and not full.limited
        engine_module.MAX_HITS, saved = 10, engine_module.MAX_HITS
        try:
            best = engine.search("Aleppo", limit=None)
        finally:
            engine_module.MAX_HITS = saved
    assert [h.path for h in best.hits] == [h.path for h in full.hits[:10]]
    assert best.limited and best.total == content
    assert "the best 10 of about 30 matching articles" in best.notes
