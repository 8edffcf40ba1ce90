"""The reader driven with the keyboard through Textual's Pilot."""

from __future__ import annotations

from textual.widgets import Static

from briefing.tui.app import BriefingApp
from briefing.tui.screens.help import HelpScreen, binding_rows
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.article_text import ArticleText
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.reading_pane import ReadingPane
from briefing.tui.widgets.search_bar import SearchInput
from tui_helpers import article_lines, list_lines, reversed_runs, settle


def shown_title(app) -> str:
    return app.query_one(ReadingPane).query_one(".title", Static).visual.plain


def sidebar_texts(app) -> list[str]:
    """The key points in the sidebar, without its section headings and facts."""
    panel = app.query_one(KeyPointsPanel)
    options = [panel.get_option_at_index(i) for i in range(panel.option_count)]
    return [str(o.prompt) for o in options if (o.id or "").startswith("point-")]


async def test_moving_through_the_list_changes_reading_pane_and_sidebar(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert shown_title(app).startswith("After a significant escalation")
        assert sidebar_texts(app)[0].startswith("\u2022 The recent advances by rebel forces")
        await pilot.press("j")
        await settle(pilot)
        assert shown_title(app) == "Jihadist Rebels Capture Aleppo: A Turning Point in the Syrian Civil War"
        assert len(sidebar_texts(app)) == 6
        await pilot.press("down", "down", "down")
        await settle(pilot)
        assert shown_title(app) == "Iran backs Syria's Assad as rebels seize Aleppo"
        assert len(sidebar_texts(app)) == 3
        await pilot.press("k")
        await settle(pilot)
        # 003 has no key points of its own; the sidebar shows extracted ones.
        assert shown_title(app).startswith("Syrian rebels, led by")
        assert sidebar_texts(app)[0].startswith("\u2218 new: Syrian rebels, led by")


async def test_quick_moves_show_only_the_article_that_stays_highlighted(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown: list[str] = []
        reader = app.query_one(ReadingPane)
        original = reader.show

        async def spy(article, empty_message=""):
            shown.append(article.path.name)
            await original(article, empty_message)

        reader.show = spy
        # Three moves in one go, as from a held-down key: none waits for a frame.
        articles = app.query_one(ArticleList)
        for _ in range(3):
            articles.action_cursor_down()
        await settle(pilot)
        assert shown == [app.query_one(ArticleList).current.path.name]
        assert shown[0].startswith("003")


async def test_tab_moves_focus_between_panes_and_enter_opens(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.focused is app.query_one(ArticleList)
        await pilot.press("tab")
        assert app.focused is app.query_one(ReadingPane)
        await pilot.press("tab")
        assert app.focused is app.query_one(KeyPointsPanel)
        await pilot.press("tab")
        assert app.focused is app.query_one(ArticleList)
        await pilot.press("shift+tab")
        assert app.focused is app.query_one(KeyPointsPanel)
        await pilot.press("shift+tab", "shift+tab", "j", "enter")
        await settle(pilot)
        assert app.focused is app.query_one(ReadingPane)
        assert shown_title(app).startswith("Jihadist Rebels")


async def test_space_and_g_scroll_the_reading_pane_from_the_list(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        reader = app.query_one(ReadingPane)
        assert app.focused is app.query_one(ArticleList)
        assert reader.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert reader.scroll_y > 0
        await pilot.press("G")
        await pilot.pause()
        assert reader.scroll_y == reader.max_scroll_y > 0
        await pilot.press("g")
        await pilot.pause()
        assert reader.scroll_y == 0
        # The list itself did not move.
        assert app.query_one(ArticleList).cursor == 0


async def test_help_lists_keys_by_pane_and_closes_without_esc(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(s.visual.plain for s in app.screen.query(".help-group").results(Static))
        for group in ("Everywhere", "Article list", "Reading pane", "Key points", "Search box"):
            assert group in text
        help_rows = {
            description: keys
            for _, nodes in app.screen.groups
            for keys, description, *_ in binding_rows(*nodes)
        }
        assert "q" in help_rows["Quit"].split(", ")
        assert "space" in help_rows["Page down"]
        assert "tab" in help_rows["Next pane"]
        assert "j" in help_rows["Next"]
        assert "\u23ce" in help_rows["To results"] and "^u" in help_rows["Clear search"]
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running


async def test_q_quits(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_article_text_with_markup_is_shown_literally(write, tmp_path):
    write(
        "m.txt",
        "Loud [bold red]headline[/] [link=http://x]\n- A [b]point[/b] with [@click=app.quit]x[/].\n"
        "Body with [i]tags[/i]. Second sentence.\n",
    )
    app = BriefingApp(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "Loud [bold red]headline[/]" in list_lines(app)[0]
        assert shown_title(app) == "Loud [bold red]headline[/] [link=http://x]"
        assert [line for line in article_lines(app) if line] == ["Body with [i]tags[/i]. Second sentence."]
        assert sidebar_texts(app) == ["\u2022 A [b]point[/b] with [@click=app.quit]x[/]."]


async def test_empty_folder_and_broken_files_are_reported(write, tmp_path):
    write("empty.txt", "")
    app = BriefingApp(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "No briefings in" in list_lines(app)[0]
        notes = [n.message for n in app._notifications]
        assert any("empty.txt" in m and "empty file" in m for m in notes)
        placeholder = app.query_one(ReadingPane).query_one(".placeholder", Static).visual.plain
        assert "No briefing files" in placeholder


async def test_enter_on_a_key_point_scrolls_to_its_sentence_and_highlights_it(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")  # sample 003: extracted points
        await settle(pilot)
        reader = app.query_one(ReadingPane)
        panel = app.query_one(KeyPointsPanel)
        await pilot.press("K")  # at 100 columns the key points take the list's place
        assert app.focused is panel
        # Move down through the sidebar to the second key point.
        await pilot.press("down", "down")
        option = panel.get_option_at_index(panel.highlighted)
        assert option.id == "point-1"
        point = reader.article.key_points[1]
        assert reader.scroll_y == 0
        await pilot.press("enter")
        await pilot.pause()
        assert reader.highlighted == point.anchor
        assert reader.scroll_y > 0
        # The sentence is on screen and drawn in reverse video.
        runs = reversed_runs(app)
        anchor = point.anchor
        sentence = reader.article.paragraphs[anchor.paragraph].text[anchor.start : anchor.end]
        assert " ".join(" ".join(t for _, t in runs).split()) == " ".join(sentence.split())
        first_line = app.query_one(ArticleText).virtual_region.y + runs[0][0]
        assert reader.scroll_y <= first_line < reader.scroll_y + reader.scrollable_content_region.height
        # Moving on to a fact and pressing enter moves the highlight.
        facts = [i for i in range(panel.option_count) if (panel.get_option_at_index(i).id or "").startswith("figure-")]
        panel.highlighted = facts[0]
        await pilot.press("enter")
        await pilot.pause()
        fact = next(f for f in reader.article.facts if f.kind == "figure")
        assert reader.highlighted == fact.anchor


async def wait_for_index(pilot) -> None:
    app = pilot.app
    for _ in range(100):
        await pilot.pause(0.1)
        if app.services.indexing.engine is not None:
            break
    await settle(pilot)


async def test_typing_a_query_narrows_the_list_and_marks_hits(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for_index(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchInput)
        await pilot.press(*"Hezbollah")
        await pilot.pause(0.4)
        await settle(pilot)
        articles = app.query_one(ArticleList)
        assert sorted(a.path.name[:3] for a in articles.entries) == ["001", "003"]
        assert articles.border_title == "Results (2 of 5)"
        status = app.query_one("#search-status", Static).visual.plain
        assert status == "2 results for Hezbollah"
        # The snippet on the row's second line holds the hit.
        assert "Hezbollah" in list_lines(app)[1]

        await pilot.press("enter")  # to the results
        assert app.focused is articles
        await settle(pilot)
        reader = app.query_one(ReadingPane)
        assert reader.hits and all(
            reader.article.paragraphs[h.paragraph].text[h.start : h.end] == "Hezbollah" for h in reader.hits
        )
        await pilot.press("n")
        assert reader.hit_index == 0
        await pilot.press("n")
        assert reader.hit_index == (1 % len(reader.hits))
        await pilot.press("N")
        assert reader.hit_index == 0

        # A query that does not parse says why and keeps the last good results.
        await pilot.press("slash", *' "open')
        await pilot.pause(0.4)
        await settle(pilot)
        status_widget = app.query_one("#search-status", Static)
        assert "unbalanced quotes" in status_widget.visual.plain
        assert status_widget.has_class("-error")
        assert len(articles.entries) == 2

        # ctrl+u clears the search and brings the whole list back.
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert len(articles.entries) == 5
        assert articles.border_title == "Articles (5)"
        assert reader.hits == []


async def test_no_results_offers_did_you_mean(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_index(pilot)
        await pilot.press("slash", *"Alepo")
        await pilot.pause(0.4)
        await settle(pilot)
        status = app.query_one("#search-status", Static).visual.plain
        assert "0 results" in status and "did you mean: aleppo" in status


async def test_new_file_in_the_folder_shows_up_without_restart(tmp_path, content_dir):
    import shutil

    for f in content_dir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    app = BriefingApp(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_index(pilot)
        (tmp_path / "zz_new.txt").write_text("Harbour reopens after storm\nThe harbour reopened on Monday. Ferries resumed.\n")
        for _ in range(80):
            await pilot.pause(0.1)
            if len(app.query_one(ArticleList).entries) == 6:
                break
        titles = [a.title for a in app.query_one(ArticleList).entries]
        assert "Harbour reopens after storm" in titles


async def test_keys_typed_straight_after_slash_reach_the_search_box(content_dir):
    from textual import events

    app = BriefingApp(content_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_index(pilot)
        # One burst, as over a slow link or from a fast typist: no key waits for the last.
        for key, char in [("slash", "/"), *[(c, c) for c in "Basel"], ("slash", "/")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.5)
        await settle(pilot)
        assert app.query_one(SearchInput).value == "Basel/"
        assert [a.path.name[:3] for a in app.query_one(ArticleList).entries] == ["002"]


async def test_the_list_comes_from_the_index_and_only_the_opened_article_is_read(content, monkeypatch):
    import briefing.article_cache as cache_module
    from briefing.search.index import ContentIndex

    ContentIndex(content).update()
    parsed: list[str] = []
    real = cache_module.parse_file
    monkeypatch.setattr(cache_module, "parse_file", lambda path: parsed.append(path.name) or real(path))
    app = BriefingApp(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.query_one(ArticleList).entries) == 5
        assert parsed == [app.query_one(ArticleList).current.path.name]
        # Going back to an article already read does not read it again.
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert len(parsed) == 2


async def test_a_file_removed_after_listing_says_so_when_opened(content):
    app = BriefingApp(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        victim = app.query_one(ArticleList).entries[1]
        victim.path.unlink()
        await pilot.press("j")
        await settle(pilot)
        text = app.query_one(ReadingPane).query_one(".placeholder", Static).visual.plain
        assert victim.path.name in text and "can no longer be read" in text
        # The rest keeps working.
        await pilot.press("j")
        await settle(pilot)
        assert shown_title(app).startswith("Rebels Storm Aleppo")


async def test_an_unwritable_index_folder_still_lists_and_reads_the_articles(tmp_path, content_dir):
    # A file where the index folder should be: nothing can be written there,
    # as with a full disk or a read-only cache (and it holds for root, too).
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    app = BriefingApp(content_dir, blocker / "index")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.services.indexing.state == "failed"
        assert app.query_one(ReadingPane).border_subtitle == "Search unavailable"
        assert any("Search is unavailable" in n.message for n in app._notifications)
        assert len(app.query_one(ArticleList).entries) == 5
        assert shown_title(app).startswith("After a significant escalation")
