"""People, places and organisations across the archive: found per article, stored at index time, one entity
where the articles tie two names (and only there), read newest first a page at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from briefing.entities.extract import mentions, name_key, stands_for
from briefing.entities.store import Reader
from briefing.entities.sync import sync
from briefing.parse import parse_text
from briefing.search.index import ContentIndex

ROOT = Path(__file__).resolve().parent.parent


def article(text: str, name: str = "a.md"):
    return parse_text(textwrap.dedent(text).strip() + "\n", Path(name), extras=False)


def write(folder: Path, name: str, title: str, date: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\ndate: {date}\nsource: Wire\n---\n\n{textwrap.dedent(body).strip()}\n",
                    encoding="utf-8")
    return path


def build(folder: Path, index_dir: Path):
    index = ContentIndex(folder, index_dir)
    index.update()
    report = sync(index_dir, folder)
    return index, report


# Per article


def test_an_acronym_given_with_its_long_form_is_one_entity_with_its_short_forms():
    found = mentions(article("""
        # Rebels advance

        Hayat Tahrir al-Sham (HTS) captured the city of Aleppo on Friday, according to witnesses.

        HTS fighters moved south. Tahrir al-Sham commanders said at least 200 prisoners were freed.
    """))
    by_name = {m.name: m for m in found}
    hts = by_name["Hayat Tahrir al-Sham"]
    assert hts.kind == "organisation"
    assert set(hts.aliases) == {"HTS", "Tahrir al-Sham"}
    assert hts.count == 3  # three sentences name it, however written
    assert "HTS" not in by_name and "Tahrir al-Sham" not in by_name
    # The first sentence naming it, where it stands, and the figures of every sentence naming it.
    assert hts.sentence.startswith("Hayat Tahrir al-Sham (HTS) captured")
    assert "at least 200 prisoners" in hts.figures
    assert by_name["Aleppo"].kind == "place"


def test_a_surname_after_the_full_name_is_that_person_within_the_article_only():
    found = mentions(article("""
        President Bashar al-Assad left Damascus, officials said.

        On Sunday, Assad said he would stay.
    """))
    people = [m for m in found if m.kind == "person"]
    assert [p.name for p in people] == ["Bashar al-Assad"]
    assert people[0].count == 2
    assert people[0].aliases == []  # a surname is not kept as an alias across the archive


@pytest.mark.parametrize("acronym, long, ties", [
    ("IMF", "International Monetary Fund", True),
    ("LIBOR", "London Interbank Offered Rates", True),
    ("HTS", "Hayat Tahrir al-Sham", True),
    # The fact finder sometimes cuts a long form short: no tie then.
    ("OECD", "Development", False),
    ("SEC", "Exchange Commission", False),
])
def test_an_acronym_ties_only_to_a_long_form_it_can_stand_for(acronym, long, ties):
    assert stands_for(acronym, long) is ties


def test_names_match_whatever_their_case_spacing_possessive_or_dots():
    assert name_key("U.N.") == name_key("UN")
    assert name_key("Assad's") == name_key("assad")
    assert name_key("Hayat  Tahrir al-Sham") == name_key("hayat tahrir al-sham")


# Across the archive


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    write(folder, "a.md", "Rebels take Aleppo", "2024-11-29", """
        Hayat Tahrir al-Sham (HTS) took Aleppo, according to the Syrian Observatory for Human Rights.
        More than 300 people were killed, the observatory said.
    """)
    write(folder, "b.md", "Advance on Hama", "2024-12-01", """
        HTS fighters reached the outskirts of Hama on Sunday, killing at least 20 soldiers.
    """)
    write(folder, "c.md", "Talks in Ankara", "2024-11-30", """
        Officials in Ankara said Tahrir al-Sham commanders had asked for talks. Hama was quiet.
    """)
    write(folder, "d.md", "Coffee quotas", "1987-03-02", """
        The International Coffee Organization (ICO) met in London to discuss export quotas.
    """)
    write(folder, "e.md", "Tokens", "2018-05-01", """
        The Initial Coin Offering (ICO) raised 40 million dollars for the Zurich firm.
    """)
    write(folder, "f.md", "Undated note", "", """
        The ICO said nothing about Aleppo.
    """)
    return folder, tmp_path / "index"


def test_articles_tie_names_into_one_entity_and_nothing_else_is_merged(archive):
    folder, index_dir = archive
    _, report = build(folder, index_dir)
    assert report.read == 6 and not report.skipped
    with Reader(index_dir) as reader:
        (hts,) = reader.find("HTS")
        assert hts.name == "Hayat Tahrir al-Sham"
        assert set(hts.aliases) >= {"HTS"}
        # a.md ties HTS to the long form; b.md writes only HTS; both are the entity's.
        rows, _ = reader.page(hts.id)
        assert [r.rel for r in rows] == ["b.md", "a.md"]  # newest first
        # c.md writes only "Tahrir al-Sham", and no article ties it to the long form: its own entity.
        (short,) = reader.find("Tahrir al-Sham")
        assert short.id != hts.id and short.articles == 1
        # Two long forms behind one acronym: neither the acronym nor they are merged (which is meant is unknown).
        coffee, coin, bare = reader.find("International Coffee Organization"), reader.find(
            "Initial Coin Offering"), reader.find("ICO")
        assert len({coffee[0].id, coin[0].id, bare[0].id}) == 3


def test_an_entity_names_its_articles_newest_first_with_sentence_figures_and_stories(archive):
    folder, index_dir = archive
    index, _ = build(folder, index_dir)
    snapshot = index.snapshot()
    by_rel = {e.rel: e for e in snapshot.entries}
    with Reader(index_dir) as reader:
        (aleppo,) = reader.find("aleppo")
        assert aleppo.kind == "place" and aleppo.articles == 2 and aleppo.last == "2024-11-29"
        rows, _ = reader.page(aleppo.id)
        assert [r.rel for r in rows] == ["a.md", "f.md"]  # the undated one last
        first = rows[0]
        paragraph = index.content / "a.md"
        assert first.sentence.startswith("Hayat Tahrir al-Sham (HTS) took Aleppo")
        assert "Aleppo" in first.sentence and paragraph.exists()
        (hts,) = reader.find("HTS")
        rows, _ = reader.page(hts.id)
        assert "at least 20 soldiers" in rows[0].figures
        from briefing.entities.view import stories_of

        stories = stories_of(reader, hts, snapshot.entries, by_rel)
        assert sum(s.naming for s in stories) == 2
        assert all(s.title in {e.title for e in snapshot.entries} for s in stories)


def test_kinds_sorts_and_names_typed(archive):
    folder, index_dir = archive
    build(folder, index_dir)
    with Reader(index_dir) as reader:
        places = reader.entities("place")
        assert places and all(e.kind == "place" for e in places)
        by_count = reader.entities(sort="frequency")
        assert [e.articles for e in by_count] == sorted((e.articles for e in by_count), reverse=True)
        recent = reader.entities(sort="recency")
        assert recent[0].last == max(e.last for e in recent)
        assert {e.name for e in reader.entities(name="hama")} == {"Hama"}
        # Wildcards typed are letters like any other.
        assert reader.entities(name="%") == []


def test_pages_follow_on_without_repeating_or_losing_an_article(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    for n in range(23):
        write(folder, f"n{n:02}.md", f"Report {n}", f"2024-01-{n + 1:02}", f"Officials in Aleppo reported {n + 2} new cases.")
    write(folder, "same-day.md", "Report again", "2024-01-05", "Aleppo was calm.")
    build(folder, tmp_path / "index")
    with Reader(tmp_path / "index") as reader:
        (aleppo,) = reader.find("Aleppo")
        seen, cursor = [], None
        while True:
            rows, cursor = reader.page(aleppo.id, cursor, size=5)
            if not rows:
                break
            seen += [r.rel for r in rows]
        assert len(seen) == 24 == len(set(seen))
        assert seen[0] == "n22.md" and seen[-1] == "n00.md"


def test_changed_and_removed_files_change_the_entities(archive):
    folder, index_dir = archive
    index, _ = build(folder, index_dir)
    (folder / "b.md").unlink()
    write(folder, "c.md", "Talks in Ankara", "2024-11-30", "Hama was quiet, residents in Hama said.")
    index.update()
    report = sync(index_dir, folder)
    assert report.removed == 1 and report.read == 1
    with Reader(index_dir) as reader:
        (hts,) = reader.find("HTS")
        assert hts.articles == 1
        # No article names "Tahrir al-Sham" any more: it is no longer listed.
        assert reader.find("Tahrir al-Sham") == []
        (hama,) = reader.find("Hama")
        rows, _ = reader.page(hama.id)
        assert [r.rel for r in rows] == ["c.md"] and rows[0].count == 1
    # Nothing changed: nothing read again.
    assert sync(index_dir, folder).read == 0


def listed(index_dir: Path) -> list[tuple]:
    """What the entity view lists: each entity's name, kind, other names and figures."""
    with Reader(index_dir) as reader:
        return sorted((e.name, e.kind, tuple(sorted(full.aliases)), e.articles, e.mentions, e.last)
                      for e in reader.entities(limit=10**6) if (full := reader.entity(e.id)))


def test_names_tied_by_a_later_pass_are_listed_once_with_the_counts_a_new_build_gives(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    write(folder, "a.md", "Coffee", "2024-01-01", "The International Coffee Organization met in London.")
    write(folder, "b.md", "Quotas", "2024-01-02", "ICO officials said quotas would stay.")
    index, _ = build(folder, tmp_path / "index")
    assert {e[0] for e in listed(tmp_path / "index")} >= {"ICO", "International Coffee Organization"}
    # A later article ties the two: one entity, the one named by both earlier articles too.
    write(folder, "c.md", "Coffee again", "2024-01-03", "The International Coffee Organization (ICO) met in London.")
    index.update()
    sync(tmp_path / "index", folder)
    entities = listed(tmp_path / "index")
    coffee = [e for e in entities if e[0] in ("ICO", "International Coffee Organization")]
    assert coffee == [("International Coffee Organization", "organisation", ("ICO",), 3, 3, "2024-01-03")]
    build(folder, tmp_path / "fresh")
    assert entities == listed(tmp_path / "fresh")


class Killed(BaseException):
    """The pass stopped half way, as by a kill: nothing after the last commit is kept."""


def test_a_pass_killed_half_way_leaves_the_next_one_to_finish_it_with_the_right_counts(tmp_path, monkeypatch):
    import briefing.entities.sync as names
    import briefing.entities.writer as writer

    folder = tmp_path / "content"
    folder.mkdir()
    # Read newest first: n00 first, Homs only in the third batch of three.
    for n in range(14):
        write(folder, f"n{n:02}.md", f"Report {n}", f"2024-02-{20 - n:02}",
              f"Officials in Aleppo said {n + 2} people were hurt. The United Nations (UN) sent help to "
              f"{'Homs' if n in (6, 7, 8) else 'Hama'}. UN staff stayed in Aleppo.")
    build(folder, tmp_path / "fresh")
    expected = listed(tmp_path / "fresh")
    index = ContentIndex(folder, tmp_path / "index")
    index.update()
    monkeypatch.setattr(names, "BATCH", 3)
    monkeypatch.setattr(writer, "FIRST_COUNT", 3)
    read_all = names._read_all

    def killed_after(jobs, workers):
        for n, found in enumerate(read_all(jobs, workers)):
            if n == 10:
                raise Killed
            yield found

    monkeypatch.setattr(names, "_read_all", killed_after)
    with pytest.raises(Killed):
        sync(tmp_path / "index", folder)
    # What the killed pass committed shows already, counted as it stood then.
    partial = {e[0]: e[3] for e in listed(tmp_path / "index")}
    assert 0 < partial["Aleppo"] < 14
    assert "Homs" not in partial  # named only in the last batch committed, whose count was left to the end
    monkeypatch.setattr(names, "_read_all", read_all)
    report = sync(tmp_path / "index", folder)
    assert report.read == 5  # the articles of the batch not committed, and those after
    assert listed(tmp_path / "index") == expected
    aleppo = next(e for e in expected if e[0] == "Aleppo")
    assert aleppo[3] == 14


def test_many_files_read_by_worker_processes_keep_each_its_own_names(tmp_path, monkeypatch):
    import briefing.entities.sync as names

    folder = tmp_path / "content"
    folder.mkdir()
    monkeypatch.setattr(names, "CHUNK", 4)  # many chunks, few out at a time
    count = names.PARALLEL_FROM + 30
    for n in range(count):
        write(folder, f"n{n:03}.md", f"Report {n}", f"2024-{n % 12 + 1:02}-{n % 28 + 1:02}",
              f"Officials in Aleppo reported {n + 2} new cases.")
    index = ContentIndex(folder, tmp_path / "index")
    index.update()
    report = sync(tmp_path / "index", folder, workers=2)
    assert report.read == count and not report.skipped
    with Reader(tmp_path / "index") as reader:
        (aleppo,) = reader.find("Aleppo")
        assert aleppo.articles == count
        rows, _ = reader.page(aleppo.id, size=count)
    # Each article's sentence, not another's: the results come back in the order the files were given.
    assert all(f"reported {int(r.rel[1:4]) + 2} new cases" in r.sentence for r in rows)
    assert len({r.rel for r in rows}) == count


def test_a_reading_process_killed_is_one_line_for_the_user_not_a_traceback(archive, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    import briefing.entities.sync as names
    from briefing.cli.common import CommandError
    from briefing.cli.entity import sync_names

    folder, index_dir = archive
    index = ContentIndex(folder, index_dir)
    index.update()

    def killed(jobs, workers):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")
        yield

    monkeypatch.setattr(names, "_read_all", killed)
    with pytest.raises(CommandError, match="run 'briefing index' again"):
        sync_names(index, quiet=True)
    monkeypatch.undo()
    sync_names(index, quiet=True)
    with Reader(index_dir) as reader:
        assert reader.find("HTS")


def test_a_second_process_finding_names_leaves_the_work_to_the_first(archive):
    folder, index_dir = archive
    index = ContentIndex(folder, index_dir)
    index.update()
    from briefing.entities.sync import _locked

    with _locked(index_dir) as held:
        assert held
        assert sync(index_dir, folder).busy
    assert not sync(index_dir, folder).busy


def cli(env, *args):
    return subprocess.run([sys.executable, "-m", "briefing", *args], env=env, capture_output=True, text=True,
                          timeout=180, cwd=ROOT)


def test_briefing_entity_and_entities_as_a_user_runs_them(archive):
    folder, index_dir = archive
    env = {**os.environ, "BRIEFING_INDEX_DIR": str(index_dir)}
    shown = cli(env, "entity", "HTS", "--content", str(folder))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Hayat Tahrir al-Sham (organisation; also written HTS)"
    assert "2 article(s), the latest 2024-12-01" in lines[1]
    assert lines.index(next(l for l in lines if l.startswith("2024-12-01"))) < lines.index(
        next(l for l in lines if l.startswith("2024-11-29")))
    data = json.loads(cli(env, "entity", "hts", "--json", "--content", str(folder)).stdout)
    assert data["name"] == "Hayat Tahrir al-Sham" and data["articles"] == 2
    first = data["mentions"][0]
    assert first["path"] == "b.md" and first["title"] == "Advance on Hama" and "at least 20 soldiers" in first["figures"]
    assert set(first["anchor"]) == {"paragraph", "start", "end"}
    missing = cli(env, "entity", "Nobody At All", "--content", str(folder))
    assert missing.returncode == 1 and "no person, place or organisation named 'Nobody At All'" in missing.stderr
    listed = cli(env, "entities", "--kind", "place", "--json", "--content", str(folder))
    assert listed.returncode == 0
    assert {e["kind"] for e in json.loads(listed.stdout)} == {"place"}


def test_real_wire_copy_ties_acronyms_to_their_long_forms(tmp_path):
    """On real Reuters copy: the ties found are acronyms of their long forms, never a cut-short name."""
    sys.path.insert(0, str(ROOT))
    from bench.realdata import data_dir, missing

    absent = missing("reuters-dev")
    if absent:
        pytest.skip(absent)
    data = data_dir() / "reuters-dev"
    ties = {}
    for path in sorted(data.glob("*.txt"))[:1500]:
        parsed = parse_text(path.read_text(encoding="utf-8", errors="replace"), path, extras=False)
        for m in mentions(parsed):
            for alias in m.aliases:
                ties[alias] = m.name
    assert ties.get("IMF") == "International Monetary Fund"
    assert ties.get("EC") == "European Community"
    for alias, long in ties.items():
        if alias.isupper():
            assert stands_for(alias, long), (alias, long)
