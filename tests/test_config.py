"""Settings from the config file, the environment and the command line, and `briefing config --show`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from briefing import config
from briefing.cli import main


def write_config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_config_file_sets_values_and_says_where_they_came_from(private_config):
    path = write_config(private_config, "theme: light\nascii: true\nwidths: {articles: 40}\ndate_format: '%d %b %Y'\n")
    settings = config.load(environ={"XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"]})
    assert settings.file == path
    assert (settings.theme, settings.ascii, settings.widths) == ("light", True, {"articles": 40})
    assert settings.sources["theme"] == str(path)
    assert settings.sources["mouse"] == "default"
    assert settings.format_date(config.EXAMPLE_DATE) == "27 Nov 2024"
    assert settings.problems == []


def test_environment_beats_the_file_and_the_command_line_beats_both(private_config):
    write_config(private_config, "theme: light\nmouse: true\n")
    settings = config.load({"theme": "high-contrast"}, environ={"BRIEFING_THEME": "ansi", "BRIEFING_MOUSE": "no"})
    assert settings.theme == "high-contrast" and settings.sources["theme"] == "command line"
    assert settings.mouse is False and settings.sources["mouse"] == "$BRIEFING_MOUSE"


def test_briefing_config_points_at_another_file(tmp_path):
    other = write_config(tmp_path / "elsewhere", "ascii: yes\n")
    settings = config.load(environ={"BRIEFING_CONFIG": str(other)})
    assert settings.ascii is True and settings.sources["ascii"] == str(other)
    missing = config.load(environ={"BRIEFING_CONFIG": str(tmp_path / "nope.yaml")})
    assert missing.problems and "nope.yaml: no such file" in missing.problems[0]


def test_unknown_keys_and_bad_values_are_reported_with_file_and_key_and_defaults_kept(private_config):
    path = write_config(private_config, "\n".join([
        "thme: dark",                      # a typo
        "ascii: maybe",
        "widths: {articles: 5}",
        "date_format: 'no directives'",
        "keys: {star: 'x y'}",
        "mouse: false",                    # good values still count
    ]))
    settings = config.load(environ={})
    problems = "\n".join(settings.problems)
    assert f"{path}: 'thme' is not a setting" in problems
    assert f"{path}: ascii wants true or false; using false" in problems
    assert f"{path}: widths articles: wants a number of columns from 20" in problems
    assert f"{path}: date_format wants a strftime format" in problems
    assert f"{path}: keys star: 'x y' is not a list of keys" in problems
    assert (settings.ascii, settings.widths, settings.date_format) == (False, {}, "%Y-%m-%d")
    assert settings.mouse is False


def test_a_broken_config_file_is_reported_and_the_defaults_used(private_config):
    path = write_config(private_config, "theme: [unclosed\n")
    settings = config.load(environ={})
    assert settings.problems == [settings.problems[0]] and str(path) in settings.problems[0]
    assert "not valid YAML" in settings.problems[0]
    assert settings.theme is None
    write_config(private_config, "- a list\n- not a mapping\n")
    assert "wants a mapping of settings" in config.load(environ={}).problems[0]


def test_config_show_prints_each_setting_with_its_source(private_config, content_dir, capsys, monkeypatch):
    path = write_config(private_config, "theme: light\n")
    monkeypatch.setenv("BRIEFING_ASCII", "1")
    assert main(["--content", str(content_dir), "config", "--show"]) == 0
    out = capsys.readouterr().out
    assert f"# config file: {path}" in out
    assert f"theme = light  ({path})" in out
    assert "ascii = true  ($BRIEFING_ASCII)" in out
    assert f"content = {content_dir}  (command line)" in out
    assert "mouse = true  (default)" in out


def test_the_reader_refuses_a_missing_content_folder_named_in_the_config(private_config, tmp_path):
    write_config(private_config, f"content: {tmp_path / 'gone'}\n")
    result = subprocess.run([sys.executable, "-m", "briefing"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=60)
    assert result.returncode == 2
    assert f"content folder not found: {tmp_path / 'gone'} (from {private_config / 'config.yaml'})" in result.stderr
    assert "Traceback" not in result.stderr


def test_problems_in_the_config_are_printed_on_stderr_and_the_command_still_runs(private_config, content_dir):
    write_config(private_config, "colour: blue\n")
    result = subprocess.run([sys.executable, "-m", "briefing", "--content", str(content_dir), "search", "Aleppo"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "'colour' is not a setting" in result.stderr
    assert "result(s) for Aleppo" in result.stdout


def test_config_show_tells_of_a_theme_chosen_in_the_reader(private_config, content_dir, capsys):
    from briefing.state import StateStore

    store = StateStore()
    store.set_preference("theme", "high-contrast")
    store.set_preference("theme.over", "none")  # chosen while no theme was configured
    store.close()
    assert main(["--content", str(content_dir), "config"]) == 0
    assert "  theme = high-contrast  (chosen in the reader" in capsys.readouterr().out
    write_config(private_config, "theme: light\n")  # a later edit of the file wins
    assert main(["--content", str(content_dir), "config"]) == 0
    assert "chosen in the reader" not in capsys.readouterr().out


def test_each_setting_is_a_typed_field_of_settings_with_its_default():
    import dataclasses
    import typing

    import pytest

    hints = typing.get_type_hints(config.Settings)
    fields = {f.name for f in dataclasses.fields(config.Settings)} - {"sources", "problems", "file"}
    assert fields == set(config.SETTINGS)
    defaults = config.Settings()
    assert (defaults.content, defaults.index, defaults.theme, defaults.mouse, defaults.ascii) == (
        Path("content"), None, None, True, False)
    assert hints["widths"] == dict[str, int] and hints["mouse"] is bool
    # A misspelt setting in code fails at once rather than reading as None.
    with pytest.raises(AttributeError):
        defaults.colour  # noqa: B018
    given = config.Settings.of(widths={"articles": 40}, mouse="no")
    assert given.widths == {"articles": 40} and given.mouse is False and given.sources["mouse"] == "given"
