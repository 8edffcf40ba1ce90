"""The team archive on PostgreSQL, from the command line and its core: a real cluster, started by the tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from archive_fixtures import ROOT, new_archive

QUERIES = ["rebels Aleppo", "Aleppo OR Hama", "Aleppo NOT Hama", '"Basel Square"', "title:Aleppo",
           "Hezb*", "Alepo~", "Hezbollah", "rebel*", "title:(Aleppo OR Hama)", "Idlib NOT Aleppo"]


def test_init_is_versioned_and_runs_again_without_change(pg_cluster):
    archive = new_archive(pg_cluster)
    from briefing.archive.migrations import latest

    again = archive.briefing("archive", "init")
    assert f"up to date (version {latest()})" in again.stdout
    status = archive.briefing("archive", "status", role="ana")
    assert f"schema: version {latest()}" in status.stdout
    assert "you are: ana" in status.stdout
    assert archive.sql("SELECT count(*) FROM briefing.schema_migrations") == str(latest())


def test_an_archive_of_the_first_schema_is_brought_up_to_date_with_its_articles(pg_cluster):
    archive = new_archive(pg_cluster)
    archive.briefing("index", "--content", str(ROOT / "content"))
    # As an archive made by the first version of the schema is: without what the second added.
    archive.sql("DROP TABLE briefing.word_counts, briefing.words_to_count; DROP FUNCTION briefing.merge_pending();"
                " ALTER TABLE briefing.stories DROP COLUMN words;"
                " DELETE FROM briefing.schema_migrations WHERE version > 1")
    refused = archive.briefing("search", "Aleppo", role="ana", check=False)
    assert refused.returncode == 1 and "run 'briefing archive init'" in refused.stderr
    init = archive.briefing("archive", "init").stdout
    assert "applied migration 2" in init and "applied migration 3" in init
    # Each story's words come from its core, as placement writes them.
    assert archive.sql("SELECT count(*) FROM briefing.stories WHERE words = '{}'") == "0"
    assert archive.sql("SELECT count(*) FROM briefing.stories s WHERE NOT (s.words @> ARRAY(SELECT jsonb_object_keys("
                       "s.core -> 0 -> 1)))") == "0"
    # The story word counts start as the articles already there give them.
    assert archive.sql("SELECT sum(articles) FROM briefing.word_counts") == archive.sql(
        "SELECT count(*) FROM briefing.article_texts t, jsonb_object_keys(t.words) w")
    assert "5 unchanged" in archive.briefing("index", "--content", str(ROOT / "content"), role="ana").stdout
    assert "Aleppo" in archive.briefing("search", "Aleppo", role="ben").stdout


def test_index_ingests_once_and_reports_as_the_index_does(pg_cluster, tmp_path):
    archive = new_archive(pg_cluster)
    first = archive.briefing("index", "--content", str(ROOT / "content"))
    assert first.stdout.startswith("5 added, 0 updated, 0 removed, 0 unchanged, 0 skipped (archive: postgresql://")
    again = archive.briefing("index", "--content", str(ROOT / "content"))
    assert again.stdout.startswith("0 added, 0 updated, 0 removed, 5 unchanged, 0 skipped")
    # The same texts under other names (a second machine's folder) are the same articles.
    copy = tmp_path / "other"
    copy.mkdir()
    for n, path in enumerate(sorted((ROOT / "content").glob("*.txt"))):
        shutil.copy(path, copy / f"renamed-{n}.txt")
    (copy / "new.md").write_text("# A new report\n\nFighting reached Hama on Saturday.\n", encoding="utf-8")
    third = archive.briefing("index", "--content", str(copy))
    assert third.stdout.startswith("1 added, 0 updated, 0 removed, 0 unchanged, 0 skipped, "
                                   "5 already in the archive under another name")
    assert archive.sql("SELECT count(*) FROM briefing.articles") == "6"
    # An edited file replaces the archive's version (and keeps its marks).
    (copy / "new.md").write_text("# A new report\n\nFighting reached Hama on Sunday.\n", encoding="utf-8")
    fourth = archive.briefing("index", "--content", str(copy))
    assert fourth.stdout.startswith("0 added, 1 updated")
    assert "Sunday" in archive.sql("SELECT t.body FROM briefing.article_texts t JOIN briefing.articles a"
                                   " ON a.id = t.article WHERE a.path = 'new.md'")


def _same_size_edit(path, when_ns: int) -> None:
    """Change a letter of *path* and give it back the time *when_ns*: a listing cannot tell it from before."""
    data = path.read_bytes()
    at = data.index(b"e")
    path.write_bytes(data[:at] + b"E" + data[at + 1:])
    os.utime(path, ns=(when_ns, when_ns))


def test_an_unchanged_file_is_known_by_its_size_and_time_without_being_read(pg_cluster, tmp_path):
    archive = new_archive(pg_cluster)
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in folder.iterdir():
        os.utime(path, ns=(hour_ago, hour_ago))
    assert archive.briefing("index", "--content", str(folder)).stdout.startswith("5 added")
    target = sorted(folder.glob("*.txt"))[0]
    # Same size, same time as when it was ingested: taken as unchanged, as make and rsync take it.
    _same_size_edit(target, hour_ago)
    assert archive.briefing("index", "--content", str(folder)).stdout.startswith("0 added, 0 updated, 0 removed, 5 unchanged")
    # A new time (the edit as an editor makes it) is read, and the archive's version replaced.
    os.utime(target)
    assert archive.briefing("index", "--content", str(folder)).stdout.startswith("0 added, 1 updated")


def test_a_file_whose_time_is_not_well_before_its_ingest_is_read_whatever_its_size_and_time(pg_cluster, tmp_path):
    archive = new_archive(pg_cluster)
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    target = sorted(folder.glob("*.txt"))[0]
    # Written in the same clock tick as it was read (here: a time ahead of the ingest's own clock).
    soon = time.time_ns() + 30 * 10**9
    os.utime(target, ns=(soon, soon))
    archive.briefing("index", "--content", str(folder))
    _same_size_edit(target, soon)
    assert archive.briefing("index", "--content", str(folder)).stdout.startswith("0 added, 1 updated")


def test_an_ingest_leaves_no_pending_index_entries_for_searches_to_read(pg_cluster):
    """An ingest lets the text indexes' pending lists grow, then merges them as it ends, even when run by an
    analyst who does not own the indexes: a search right after reads no pending list."""
    archive = new_archive(pg_cluster)
    try:
        archive.sql("CREATE EXTENSION IF NOT EXISTS pgstattuple")
    except RuntimeError as exc:
        pytest.skip(f"pgstattuple (PostgreSQL's contrib) is not installed here: {exc}")
    archive.briefing("index", "--content", str(ROOT / "content"), role="ana")
    pending = archive.sql(
        "SELECT sum(s.pending_tuples) FROM unnest(ARRAY['briefing.articles_doc', 'briefing.articles_title_doc',"
        " 'briefing.articles_labels']::regclass[]) AS i, pgstatginindex(i) AS s")
    assert pending == "0"
    assert "Aleppo" in archive.briefing("search", "Aleppo", role="ben").stdout


def test_fetch_writes_what_it_fetched_into_the_archive_too(pg_cluster, tmp_path):
    import os

    from feed_server import FeedServer

    archive = new_archive(pg_cluster)
    env = {k: v for k, v in archive.env().items() if "proxy" not in k.lower()}
    env["BRIEFING_CONFIG"] = str(tmp_path / "config" / "config.yaml")
    content = tmp_path / "content"
    content.mkdir()
    server = FeedServer().start()
    try:
        def run(*args):
            return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                                  env=env, cwd=ROOT, timeout=120)

        assert run("feeds", "add", server.url("/feeds/rss20.xml"), "--name", "wire").returncode == 0
        fetched = run("fetch", "--content", str(content), "--delay", "0", "--archive", archive.url())
    finally:
        server.stop()
    assert fetched.returncode == 0, fetched.stderr
    assert "wire: 3 new" in fetched.stdout
    assert "3 added, 0 updated, 0 removed, 0 unchanged, 0 skipped (archive: postgresql://" in fetched.stdout
    assert archive.sql("SELECT count(*) FROM briefing.articles WHERE path LIKE 'wire/%'") == "3"
    assert os.listdir(content / "wire")


def test_stories_are_grouped_at_ingest_as_the_embedded_index_groups_them(pg_cluster, tmp_path):
    from conftest import indexed

    labelled = ROOT / "tests" / "data" / "stories"
    folder = tmp_path / "stories"
    folder.mkdir()
    archive = new_archive(pg_cluster)

    def partitions():
        ours: dict[int, set[str]] = {}
        for line in archive.sql("SELECT a.path || ' ' || l.story FROM briefing.articles a JOIN briefing.listing l"
                                " ON l.article = a.id").splitlines():
            path, story = line.rsplit(" ", 1)
            ours.setdefault(int(story), set()).add(path)
        theirs: dict[int, set[str]] = {}
        for entry in indexed(folder).entries:
            theirs.setdefault(entry.story, set()).add(entry.rel)
        return {frozenset(s) for s in ours.values()}, {frozenset(s) for s in theirs.values()}

    # Coverage arrives in two batches: the second joins the stories the first began.
    names = sorted(p.name for p in labelled.glob("*.md"))
    for batch in (names[::2], names[1::2]):
        for name in batch:
            shutil.copy(labelled / name, folder / name)
        archive.briefing("index", "--content", str(folder))
        ours, theirs = partitions()
        assert ours == theirs
    assert 5 <= len(ours) < len(names)
    # A report corrected later is placed again, and stays in its story.
    changed = folder / names[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThis report was corrected.\n", encoding="utf-8")
    assert archive.briefing("index", "--content", str(folder)).stdout.startswith("0 added, 1 updated")
    assert partitions() == (ours, ours)
    # The word counts stories are weighed by, kept as articles came and changed, are the archive's own.
    kept = archive.sql("SELECT string_agg(word || ' ' || articles, ',' ORDER BY word) FROM briefing.word_counts"
                       " WHERE articles > 0")
    recounted = archive.sql("SELECT string_agg(w || ' ' || n, ',' ORDER BY w) FROM (SELECT w, count(*) AS n"
                            " FROM briefing.article_texts t, jsonb_object_keys(t.words) w GROUP BY w) AS c")
    assert kept and kept == recounted


def test_a_few_articles_looked_up_by_word_join_the_stories_a_whole_pass_gives(pg_cluster, tmp_path, monkeypatch):
    from briefing.archive import placement
    from briefing.archive.connection import Archive
    from briefing.archive.ingest import ArchiveIngest

    labelled = ROOT / "tests" / "data" / "stories"
    names = sorted(p.name for p in labelled.glob("*.md"))
    looked_up: list[int] = []
    real_window = placement._ArchiveWindow.ids_with
    monkeypatch.setattr(placement._ArchiveWindow, "ids_with",
                        lambda self, word, limit: looked_up.append(1) or real_window(self, word, limit))

    def stories(few: int) -> set[frozenset[str]]:
        monkeypatch.setattr(placement, "FEW", few)
        archive = new_archive(pg_cluster)
        folder = tmp_path / f"few-{few}"
        folder.mkdir()
        # The second batch, a few articles, joins the stories the first began.
        for batch in (names[:12], names[12:]):
            for name in batch:
                shutil.copy(labelled / name, folder / name)
            ArchiveIngest(Archive(archive.url()), folder).update()
        found: dict[str, set[str]] = {}
        for line in archive.sql("SELECT a.path || ' ' || l.story FROM briefing.articles a JOIN briefing.listing l"
                                " ON l.article = a.id").splitlines():
            path, story = line.rsplit(" ", 1)
            found.setdefault(story, set()).add(path)
        return {frozenset(s) for s in found.values()}

    whole = stories(0)
    assert not looked_up
    assert stories(50) == whole and looked_up
    assert 5 <= len(whole) < len(names)


def test_a_large_folder_is_parsed_in_worker_processes(pg_cluster, monkeypatch):
    from briefing.archive import ingest
    from briefing.archive.connection import Archive

    monkeypatch.setattr(ingest, "PARALLEL_FROM", 2)  # the workers' path, on a small folder
    archive = new_archive(pg_cluster)
    connection = Archive(archive.url())
    try:
        report = ingest.ArchiveIngest(connection, ROOT / "tests" / "data" / "stories").update()
    finally:
        connection.close()
    articles = len(list((ROOT / "tests" / "data" / "stories").glob("*.md")))
    assert len(report.added) == articles and not report.skipped
    assert archive.sql("SELECT count(*) FROM briefing.listing WHERE story IS NOT NULL") == str(articles)


def test_index_progress_lines_are_the_readers_protocol(pg_cluster):
    from briefing.progress import Progress, read_line

    archive = new_archive(pg_cluster)
    done = archive.briefing("index", "--content", str(ROOT / "content"), "--progress-lines")
    steps = [read_line(line) for line in done.stderr.splitlines()]
    assert steps and all(isinstance(s, Progress) for s in steps)
    assert steps[-1].done == steps[-1].total == 5 and steps[-1].committed


def test_several_machines_ingesting_at_once_make_no_duplicates(pg_cluster, tmp_path):
    archive = new_archive(pg_cluster)
    folders = []
    for n in range(3):
        folder = tmp_path / f"machine{n}"
        shutil.copytree(ROOT / "content", folder)
        for k in range(40):
            (folder / f"wire-{k:03}.md").write_text(
                f"---\ntitle: Wire report {k}\ndate: 2024-12-0{1 + k % 9}\nsource: Wire\n---\n\n"
                f"Report number {k} from the front, filed at dawn.\n", encoding="utf-8")
        folders.append(folder)
    runs = [subprocess.Popen([sys.executable, "-m", "briefing", "index", "--content", str(f), "--archive",
                              archive.url(role)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=archive.env(), cwd=ROOT) for f, role in zip(folders, ("ana", "ben", "owner"))]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert archive.sql("SELECT count(*) FROM briefing.articles") == "45"
    assert archive.sql("SELECT count(DISTINCT digest) FROM briefing.articles") == "45"
    # Every article is in a story, each numbered once.
    assert archive.sql("SELECT count(*) FROM briefing.listing WHERE story IS NULL") == "0"
    added = sum(int(out.split(" added")[0]) for out, _ in outputs)
    assert added == 45


@pytest.fixture(scope="module")
def archive_engine(pg_archive):
    from briefing.archive.connection import Archive
    from briefing.archive.search import ArchiveEngine

    archive = Archive(pg_archive.url("ana"))
    yield ArchiveEngine(archive)
    archive.close()


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_what_the_embedded_index_finds(archive_engine, engine, query):
    mine = archive_engine.search(query, limit=None)
    theirs = engine.search(query, limit=None)
    assert {h.path for h in mine.hits} == {h.path for h in theirs.hits}
    assert mine.total == theirs.total
    # The words the reader marks in the article are the embedded analyser's.
    assert mine.query.terms <= theirs.query.terms | {t for t in mine.query.terms if t in theirs.query.terms} \
        or mine.query.terms & theirs.query.terms


def test_search_json_is_the_embedded_commands(pg_archive, tmp_path):
    embedded = subprocess.run([sys.executable, "-m", "briefing", "search", "rebels Aleppo", "--json", "--content",
                               str(ROOT / "content")], capture_output=True, text=True, cwd=ROOT, timeout=120,
                              env={**pg_archive.env(), "BRIEFING_INDEX_DIR": str(tmp_path / "index")})
    archived = pg_archive.briefing("search", "rebels Aleppo", "--json", role="ana")
    mine, theirs = json.loads(archived.stdout), json.loads(embedded.stdout)
    assert [set(h) for h in mine] == [set(h) for h in theirs]
    assert {(h["id"], h["path"], h["title"]) for h in mine} == {(h["id"], h["path"], h["title"]) for h in theirs}
    assert all("**" in h["snippet"] for h in mine)


def test_search_snippets_mark_the_hits_and_titles_rank_first(pg_archive):
    hits = json.loads(pg_archive.briefing("search", "Hezbollah", "--json", role="ana").stdout)
    assert hits and all("**Hezbollah**" in h["snippet"] for h in hits)
    ranked = json.loads(pg_archive.briefing("search", "Iran", "--json", role="ana").stdout)
    # The one article with Iran in its title comes first.
    assert ranked[0]["title"].startswith("Iran backs")


@pytest.mark.parametrize("query, said", [
    ("", "empty query"), ('"Basel', "unbalanced quotes"), ("(Aleppo", "unbalanced parentheses"),
    ("colour:red", "unknown field 'colour:'"), ("date:someday", "a date in the query is not understood"),
    ("*", "a lone *"), ("the", "no words to look for"), ("Ale*po", "wildcards work at the end"),
])
def test_bad_queries_are_refused_with_a_reason(pg_archive, query, said):
    done = pg_archive.briefing("search", query, role="ana", check=False)
    assert done.returncode == 2
    assert said in done.stderr
    assert "Traceback" not in done.stderr


def test_hostile_queries_come_back_bounded(pg_archive):
    from briefing.archive.connection import Archive
    from briefing.archive.search import ArchiveEngine
    from briefing.search.query import QueryError

    engine = ArchiveEngine(Archive(pg_archive.url("ana")))
    for query in ["governments~9", "government~5 forces~5 officials~5 people~5 control~5", "th*",
                  "a* b*", '"people government people government forces"', "x" * 900,
                  "pneumonoultramicroscopicsilicovolcanoconiosis~2", "date:2000-01-01..2030-12-31",
                  "'; DROP TABLE briefing.articles; --", "Aleppo:*A & !", "title:\"x' | 'y\""]:
        started = time.monotonic()
        try:
            engine.search(query, limit=None)
        except QueryError:
            pass
        assert time.monotonic() - started < 10, query
    assert pg_archive.sql("SELECT count(*) FROM briefing.articles") == "5"


def test_did_you_mean_comes_from_the_archives_words(pg_archive):
    done = pg_archive.briefing("search", "Alepo", role="ana")
    assert "0 result(s)" in done.stdout
    assert "Did you mean: aleppo" in done.stderr


def test_unreachable_archive_is_one_line_and_exit_69(tmp_path):
    done = subprocess.run([sys.executable, "-m", "briefing", "search", "Aleppo", "--archive",
                           "postgresql://ana@127.0.0.1:9/none"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert done.returncode == 69
    assert done.stderr.startswith("briefing: the archive is unreachable")
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_password_in_a_setting_is_refused(tmp_path, monkeypatch):
    from briefing import config

    settings = config.load({"archive": "postgresql://ana:secret@db/briefing"}, environ={})
    assert settings.archive is None
    assert any("must not carry a password" in p for p in settings.problems)
    assert all("secret" not in p for p in settings.problems)


def test_hostile_names_and_fields_reach_no_terminal_raw(pg_cluster, tmp_path):
    import os

    archive = new_archive(pg_cluster)
    folder = tmp_path / "hostile"
    folder.mkdir()
    name = os.fsdecode(b"\x1b]0;owned\x07caf\xe9 \x1b[2J.md")
    (folder / name).write_text("---\ntitle: \"\\e[31mRed\\e[0m title\"\nsource: \"Wire\\u202e\"\n---\n\n"
                               "Text with \x1b[5m blinking \x9b31m words.\n", encoding="utf-8")
    done = archive.briefing("index", "--content", str(folder))
    assert "1 added" in done.stdout
    for command in (["search", "blinking"], ["search", "blinking", "--json"], ["stories"], ["story", "1"]):
        out = archive.briefing(*command, role="ana")
        shown = out.stdout + out.stderr
        assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown and "\u202e" not in shown, command
    assert "\\x1b]0;owned\\x07caf\\xe9 \\x1b[2J.md" in archive.briefing("search", "blinking", role="ana").stdout


def test_a_schema_newer_than_this_briefing_is_refused(pg_cluster):
    archive = new_archive(pg_cluster)
    archive.sql("INSERT INTO briefing.schema_migrations (version, description) VALUES (99, 'from the future')")
    done = archive.briefing("search", "Aleppo", role="ana", check=False)
    assert done.returncode == 1
    assert "newer than this Briefing knows" in done.stderr and "upgrade Briefing" in done.stderr
