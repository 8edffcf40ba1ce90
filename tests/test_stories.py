"""Stories: related coverage grouped at index time, the figures side by side, what each article adds."""

from __future__ import annotations

import json
import subprocess
import sys

from briefing.parse import parse_file
from briefing.stories.story import additions, figures_of, related, stories_of
from conftest import CONTENT, ROOT, indexed

sys.path.insert(0, str(ROOT))
from bench.story_evaluation import evaluate  # noqa: E402

STORIES = ROOT / "tests" / "data" / "stories"


def read(entry):
    return parse_file(entry.path)


def test_the_five_sample_articles_are_one_story(content):
    (story,) = stories_of(indexed(content).entries)
    assert [e.rel[:3] for e in story.entries] == ["000", "001", "002", "003", "004"]


def test_the_labelled_stories_are_found(capsys):
    scores = evaluate(STORIES, CONTENT)
    assert scores.precision >= 0.9 and scores.recall >= 0.9, scores.wrong
    assert scores.stories_found == scores.stories_labelled == 7


def test_new_articles_join_their_story_and_the_numbers_stay(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("a1-flash-floods-valencia.md", "a2-valencia-toll-95.md", "c1-dockers-walk-out.md"):
        (folder / name).write_text((STORIES / name).read_text())
    before = {e.rel: e.story for e in indexed(folder).entries}
    assert before["a1-flash-floods-valencia.md"] == before["a2-valencia-toll-95.md"] != before["c1-dockers-walk-out.md"]
    # Later coverage arrives: each joins its story; a new story gets a new number.
    for name in ("a4-king-paiporta.md", "c2-strike-extended.md", "e1-georgescu-leads.md"):
        (folder / name).write_text((STORIES / name).read_text())
    after = {e.rel: e.story for e in indexed(folder).entries}
    assert {rel: after[rel] for rel in before} == before
    assert after["a4-king-paiporta.md"] == before["a1-flash-floods-valencia.md"]
    assert after["c2-strike-extended.md"] == before["c1-dockers-walk-out.md"]
    assert after["e1-georgescu-leads.md"] not in before.values()
    # An article removed leaves its story; the rest stay as they were.
    (folder / "a2-valencia-toll-95.md").unlink()
    final = {e.rel: e.story for e in indexed(folder).entries}
    assert "a2-valencia-toll-95.md" not in final
    assert final["a4-king-paiporta.md"] == final["a1-flash-floods-valencia.md"] == before["a1-flash-floods-valencia.md"]


def test_related_coverage_is_the_rest_of_the_story_oldest_first(content):
    entries = indexed(content).entries
    shown = next(e for e in entries if e.rel.startswith("002"))
    assert [e.rel[:3] for e in related(shown, entries)] == ["000", "001", "003", "004"]


def test_figures_are_grouped_by_what_they_count_and_never_added_up(content):
    (story,) = stories_of(indexed(content).entries)
    figures = figures_of(story, read)
    killed = [(f.text, f.qualifier, f.entry.rel[:3], f.attribution) for f in figures["killed"]]
    assert ("over 350 fatalities", "over", "001", None) in killed
    assert ("at least 121 people", "at least", "002", "the Syrian Observatory for Human Rights") in killed
    assert ("over 250 combatants", "over", "003", None) in killed
    # The three reports disagree, and each is shown as given: no total, no average.
    sources_text = " ".join(read(e).to_json().__str__() for e in story.entries)
    assert all(f.text in sources_text for rows in figures.values() for f in rows)
    assert list(figures)[0] == "killed"  # the most reported count comes first
    assert [f.text for f in figures["attacks"]] == ["two car bombs", "23 attacks"]


def test_what_each_article_adds_is_marked_against_the_earlier_ones(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "first.md").write_text(
        "---\ntitle: Floods hit Valencia\ndate: 2024-10-30\nsource: Wire A\n---\n"
        "At least 51 people were killed in the floods around Valencia, officials said. "
        "Rain fell for eight hours in Paiporta.\n"
    )
    (folder / "second.md").write_text(
        "---\ntitle: Valencia floods toll rises\ndate: 2024-10-31\nsource: Wire B\n"
        "key_points:\n  - At least 51 people were killed in the Valencia floods.\n"
        "  - King Felipe VI will visit Paiporta on Sunday.\n---\n"
        "At least 51 people were killed in the floods around Valencia. "
        "Another 1,900 people were missing in Paiporta, rescuers said.\n"
    )
    entries = indexed(folder).entries
    (story,) = stories_of(entries)
    first, second = story.entries
    assert additions(first, read(first), story, read).first
    added = additions(second, read(second), story, read)
    assert not added.first
    assert added.key_points == {"King Felipe VI will visit Paiporta on Sunday."}
    figures = {text for kind, text in added.facts if kind == "figure"}
    assert any("1,900" in text for text in figures) and not any("51" in text for text in figures)


def briefing(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True, timeout=120)


def test_stories_and_story_on_the_command_line(content):
    listed = briefing("--content", str(content), "stories", "--json")
    assert listed.returncode == 0, listed.stderr
    (story,) = json.loads(listed.stdout)
    assert story["articles"] == 5 and story["first"] is None
    shown = briefing("--content", str(content), "story", str(story["id"]), "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert [a["path"][:3] for a in data["articles"]] == ["000", "001", "002", "003", "004"]
    assert {f["figure"] for f in data["figures"]["killed"]} >= {"over 350 fatalities", "at least 121 people",
                                                                  "over 250 combatants"}
    text = briefing("--content", str(content), "story", str(story["id"]))
    assert "never added up" in text.stdout and "at least 121 people (according to" in text.stdout
    missing = briefing("--content", str(content), "story", "999")
    assert missing.returncode == 1 and "no story 999" in missing.stderr and "Traceback" not in missing.stderr


def sidebar(app) -> list[str]:
    from briefing.tui.widgets.key_points import KeyPointsPanel

    panel = app.query_one(KeyPointsPanel)
    return [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]


async def test_the_sidebar_lists_related_coverage_and_r_goes_through_the_story(content):
    from briefing.tui.app import BriefingApp
    from briefing.tui.widgets.key_points import KeyPointsPanel
    from tui_helpers import settle

    app = BriefingApp(content)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        lines = sidebar(app)
        assert "Related coverage: 4 (this is the first report)" in lines
        related_lines = lines[lines.index("Related coverage: 4 (this is the first report)") + 1:]
        assert [line.splitlines()[0].split()[-1][:3] for line in related_lines] == ["001", "002", "003", "004"]
        # The first report marks nothing new; the second marks what it adds.
        assert not any("new: " in line for line in lines)
        await pilot.press("r")
        await settle(pilot)
        assert app.reader.shown.rel.startswith("001")
        lines = sidebar(app)
        assert "\u00b7 new: over 350 fatalities" in lines
        assert "Related coverage: 4" in lines
        for expected in ("002", "003", "004", "000"):
            await pilot.press("r")
            await settle(pilot)
            assert app.reader.shown.rel.startswith(expected)
        # enter on a related article in the sidebar opens it.
        panel = app.query_one(KeyPointsPanel)
        panel.focus()
        panel.highlighted = sidebar(app).index("Related coverage: 4 (this is the first report)") + 2
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.shown.rel.startswith("002")


async def test_S_lists_the_stories_and_shows_one_storys_figures(tmp_path, content_dir):
    from textual.widgets import Static

    from briefing.tui.app import BriefingApp
    from briefing.tui.screens.stories import StoriesScreen
    from tui_helpers import settle

    folder = tmp_path / "c"
    folder.mkdir()
    for path in [*content_dir.iterdir(), *STORIES.glob("a*.md")]:
        (folder / path.name).write_text(path.read_text())
    app = BriefingApp(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)  # the story's figures are read in a worker
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        assert [len(s.entries) for s in screen.stories] == [5, 4]
        detail = screen.query_one("#story-text", Static).visual.plain
        assert "over 350 fatalities" in detail and "at least 121 people, according to the Syrian Observatory" in detail
        await pilot.press("j")
        await settle(pilot)
        detail = screen.query_one("#story-text", Static).visual.plain
        assert "Flash floods kill dozens in Valencia region" in detail and "At least 51 people" in detail
        # enter reads the story's first report.
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, StoriesScreen)
        assert app.reader.shown.rel == "a1-flash-floods-valencia.md"


def test_tolls_given_without_a_noun_are_figures_too(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    for path in [*STORIES.glob("a*.md"), *STORIES.glob("b*.md")]:
        (folder / path.name).write_text(path.read_text())
    stories = {s.entries[0].rel[0]: s for s in stories_of(indexed(folder).entries)}
    valencia = [f.text for f in figures_of(stories["a"], read)["killed"]]
    assert valencia == ["At least 51 people", "death toll: 95", "More than 200 people", "death toll: 217"]
    pakistan = [f.text for f in figures_of(stories["b"], read)["killed"]]
    assert pakistan == ["at least 30 people", "number of people killed: 48"]


def _dated(folder, name: str, day: int, text: str) -> None:
    import datetime as dt

    date = dt.date(2024, 1, 1) + dt.timedelta(days=day)
    (folder / name).write_text(f"---\ntitle: {text.split('.')[0]}\ndate: {date}\nsource: Wire\n---\n{text}\n")


def test_a_story_does_not_run_on_for_ever(tmp_path):
    from briefing.stories.grouping import MAX_SPAN

    folder = tmp_path / "c"
    folder.mkdir()
    # The same dispute reported every day for five months: one story would chain them all.
    for day in range(150):
        _dated(folder, f"d{day:03}.md", day, f"Dockworkers in Zanzibar extend the Mombasa harbour strike, day {day}. "
               "The Kilindini port union and the Tanga shipping agents met again over Zanzibar wages.")
    stories = stories_of(indexed(folder).entries)
    assert len(stories) >= 2
    assert all(s.latest - s.first <= MAX_SPAN for s in stories)
    assert max(len(s.entries) for s in stories) <= MAX_SPAN.days + 1


def test_an_article_joins_on_the_storys_recent_core_not_on_everything_it_ever_said(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    harbour = "Dockworkers strike at the Zanzibar harbour; the Kilindini union and Tanga agents talk wages."
    ferry = "The Mombasa ferry inquiry hears the Likoni captain; Kenya Ferry Services and the Mtongwe pier."
    for day in range(3):
        _dated(folder, f"a{day}.md", day, harbour)
    # The story moves on: two reports tie the strike to a ferry inquiry, then eight are about the inquiry alone.
    for day in (3, 4):
        _dated(folder, f"b{day:02}.md", day, harbour + " " + ferry)
    for day in range(5, 13):
        _dated(folder, f"b{day:02}.md", day, ferry)
    # A report like the story's first ones only, after its core has moved on, starts a story of its own.
    _dated(folder, "late.md", 14, harbour)
    entries = {e.rel: e.story for e in indexed(folder).entries}
    assert entries["a0.md"] == entries["b03.md"] == entries["b12.md"]
    assert entries["late.md"] != entries["a0.md"]


def test_what_is_new_is_judged_against_a_bounded_window_and_can_be_cancelled(tmp_path):
    from briefing.stories.story import ADDITIONS_WINDOW, StoryIndex

    folder = tmp_path / "c"
    folder.mkdir()
    for day in range(12):
        _dated(folder, f"r{day:02}.md", day, f"Floods in Valencia: at least {50 + day} people killed around Paiporta, "
               "rescuers said. The regional government of Valencia asked for the army.")
    entries = indexed(folder).entries
    stories = StoryIndex(entries)
    last = max(entries, key=lambda e: e.rel)
    story = stories.story(last)
    assert story is not None and len(story.entries) == 12
    assert [e.rel for e in stories.related(last)] == [e.rel for e in related(last, entries)]
    reads = []

    def counting(entry):
        reads.append(entry.rel)
        return read(entry)

    added = additions(last, read(last), story, counting)
    assert len(reads) == ADDITIONS_WINDOW and reads[-1] == "r10.md"
    assert any("61" in text for kind, text in added.facts)
    reads.clear()
    assert additions(last, read(last), story, counting, cancelled=lambda: True) is None
    assert reads == []


def test_a_new_article_is_compared_with_the_stories_of_its_weeks_only(tmp_path, monkeypatch):
    from briefing.search import story_table

    folder = tmp_path / "c"
    folder.mkdir()
    for n in range(40):  # forty separate stories, ten days apart
        _dated(folder, f"s{n:02}.md", 10 * n, f"Report {n} on the Xanadu{n} affair and the Quibble{n} inquiry.")
    indexed(folder)
    loaded: list[int] = []
    real = story_table._story

    def spy(row):
        loaded.append(row[0])
        return real(row)

    monkeypatch.setattr(story_table, "_story", spy)
    _dated(folder, "new.md", 201, "More on the Xanadu20 affair and the Quibble20 inquiry.")
    entries = {e.rel: e.story for e in indexed(folder).entries}
    assert entries["new.md"] == entries["s20.md"]
    assert 0 < len(loaded) <= 6  # the stories within three weeks of day 201, not all forty


def test_a_few_new_articles_are_placed_as_a_whole_pass_would_place_them(tmp_path, monkeypatch):
    from briefing.search import story_table
    from briefing.search.index import ContentIndex

    names = sorted(p.name for p in STORIES.glob("*.md"))
    late = names[1::3]
    placed = []
    for few in (0, story_table.FEW):  # every story within reach read whole, or only those looked up
        monkeypatch.setattr(story_table, "FEW", few)
        folder = tmp_path / f"c{few}"
        folder.mkdir()
        for name in names:
            if name not in late:
                (folder / name).write_text((STORIES / name).read_text())
        index = ContentIndex(folder, tmp_path / f"i{few}")
        index.update()
        for name in late:
            (folder / name).write_text((STORIES / name).read_text())
        index.update()
        placed.append({e.rel: e.story for e in index.snapshot().entries})
    assert placed[0] == placed[1]
    # And they joined their stories: later coverage of the Valencia floods joins the earlier.
    assert placed[1]["a2-valencia-toll-95.md"] == placed[1]["a1-flash-floods-valencia.md"]
