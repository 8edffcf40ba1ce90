"""Theme files: the shipped ones draw, broken ones are reported and skipped, the choice is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.config import Settings
from briefing.state import StateStore
from briefing.themes import ThemeError, load_theme, load_themes, parse_theme, shipped_theme_dirs
from briefing.tui.app import BriefingApp
from briefing.tui.theming import to_textual
from briefing.tui.widgets.article_list import ArticleList
from tui_helpers import list_lines, settle

SHIPPED = sorted(p.stem for p in shipped_theme_dirs()[0].glob("*.yaml"))
GOOD = {"name": "mine", "dark": True, "colors": {"primary": "#336699", "foreground": "#eeeeee", "background": "#101010"}}


def test_the_four_themes_the_issue_asks_for_are_shipped():
    assert {"dark", "light", "high-contrast", "ansi"} <= set(SHIPPED)
    themes = load_themes(shipped_theme_dirs())
    assert themes.problems == []
    assert themes.themes["ansi"].ansi and not themes.themes["dark"].ansi


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"colors": {"primary": "#336699", "foreground": "#eee"}}, "colors.background: missing"),
        ({"colors": {**GOOD["colors"], "accent": "#12345"}}, "colors.accent: '#12345' is not a colour"),
        ({"colors": {**GOOD["colors"], "accent": "chartreuse-ish"}}, "is not a colour"),
        ({"colors": {**GOOD["colors"], "accent": "rgb(300, 0, 0)"}}, "is not a colour"),
        ({"dark": "yes"}, "dark: wants true or false"),
        ({"name": "My Theme!"}, "name: wants a short lower-case name"),
        ({"colours": {}}, "unknown field 'colours'"),
        ({"variables": {"border": 12}}, "variables.border: wants a colour"),
        ({"variables": {"block-cursor-text-style": "blink"}}, "wants text styles"),
    ],
)
def test_a_bad_theme_says_what_is_wrong(change, reason):
    with pytest.raises(ThemeError, match=None) as caught:
        parse_theme({**GOOD, **change}, "test")
    assert reason in str(caught.value)


def test_every_colour_the_checker_accepts_textual_can_draw():
    spec = parse_theme({**GOOD, "colors": {**GOOD["colors"], "accent": "rgb(1, 2, 3)", "panel": "#abcd",
                                           "surface": "#11223344"}}, "test")
    to_textual(spec)
    ansi = parse_theme({**GOOD, "colors": {"primary": "ansi_bright_blue", "foreground": "ansi_default",
                                           "background": "ansi_default"}}, "test")
    assert ansi.ansi
    to_textual(ansi)


def test_a_broken_user_theme_is_reported_by_name_and_the_rest_load(private_config):
    folder = private_config / "themes"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("name: broken\ndark: true\ncolors: {primary: '#zzz', foreground: '#fff', "
                                        "background: '#000'}\n")
    (folder / "notyaml.yaml").write_text("name: [\n")
    (folder / "solar.yaml").write_text("name: solar\ndark: false\ncolors: {primary: '#268bd2', "
                                       "foreground: '#586e75', background: '#fdf6e3'}\n")
    themes = load_themes()
    assert "solar" in themes.themes and set(SHIPPED) <= set(themes.themes)
    problems = "\n".join(themes.problems)
    assert f"theme {folder / 'broken.yaml'}: colors.primary: '#zzz' is not a colour" in problems
    assert f"theme {folder / 'notyaml.yaml'}: not valid YAML" in problems


def test_briefing_themes_lists_them_and_reports_broken_ones(private_config, capsys):
    folder = private_config / "themes"
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text("name: bad\ndark: true\n")
    assert main(["themes"]) == 1
    captured = capsys.readouterr()
    for name in SHIPPED:
        assert name in captured.out
    assert "bad.yaml: colors: missing" in captured.err


@pytest.mark.parametrize("name", SHIPPED)
async def test_every_shipped_theme_draws_the_reader(content_dir, name):
    app = BriefingApp(content_dir, settings=Settings.of(theme=name))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert app.theme == name
        # The list's highlighted row looks different from the others: the theme's cursor is drawn.
        articles = app.query_one(ArticleList)
        assert list(articles.render_line(2))[-1].style != list(articles.render_line(0))[-1].style
        assert list_lines(app)[2].startswith("\u25b6") and "Jihadist Rebels" in list_lines(app)[2]


async def test_a_theme_that_would_fail_when_drawn_is_reported_and_the_reader_runs(content_dir, tmp_path):
    folder = tmp_path / "themes"
    shutil.copytree(shipped_theme_dirs()[0], folder)
    (folder / "bad.yaml").write_text("name: bad\ndark: true\ncolors: {primary: '#123', foreground: '#fff', "
                                     "background: 'ansi_nonsense'}\n")
    app = BriefingApp(content_dir, settings=Settings.of(theme="bad"), themes=load_themes([folder]))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        notes = " ".join(str(n.message) for n in app._notifications)
        assert "bad.yaml: colors.background: 'ansi_nonsense' is not a colour" in notes
        assert "theme 'bad' not found" in notes
        assert app.theme == "dark"


async def test_t_switches_theme_and_the_choice_is_kept_for_the_next_session(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "dark"
        await pilot.press("T")
        await pilot.pause()
        switched = app.theme
        assert switched != "dark" and switched in SHIPPED
        background = app.screen.styles.background
    again = BriefingApp(content_dir)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == switched
        assert again.screen.styles.background == background


async def test_a_theme_set_in_the_config_file_later_wins_over_the_one_chosen_before(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test() as pilot:
        await settle(pilot)
        app.theme = "light"
        await pilot.pause()
    # The user then writes "theme: high-contrast" in config.yaml: that edit is newer than the choice.
    configured = BriefingApp(content_dir, settings=Settings.of(theme="high-contrast"))
    async with configured.run_test() as pilot:
        await settle(pilot)
        assert configured.theme == "high-contrast"
    assert StateStore().preference("theme") == "light"


async def test_the_palette_lists_only_the_readers_themes(content_dir):
    app = BriefingApp(content_dir)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert sorted(app.available_themes) == SHIPPED


async def test_a_16_colour_terminal_starts_in_the_ansi_theme(content_dir, monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM")
    app = BriefingApp(content_dir)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.theme == "ansi"
    chosen = BriefingApp(content_dir, settings=Settings.of(theme="light"))
    async with chosen.run_test() as pilot:
        await settle(pilot)
        assert chosen.theme == "light"


def test_a_huge_file_is_not_read_as_a_theme(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_text("name: big\n" + "#" * 100_000)
    with pytest.raises(ThemeError, match="larger than"):
        load_theme(path)
