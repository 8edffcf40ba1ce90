"""``briefing config`` and ``briefing themes``: the settings in force and the themes there are."""

from __future__ import annotations

import argparse
import sys

from briefing.cli.common import content_options


def register(commands) -> None:
    config = commands.add_parser(
        "config",
        help="show the effective settings",
        description="Print every setting, its value and where it came from (default, config file, "
                    "environment, command line, or a choice made in the reader).",
    )
    config.add_argument("--show", action="store_true", help="print the settings (the default)")
    content_options(config)
    config.set_defaults(handler=run_config)

    themes = commands.add_parser("themes", help="list the themes",
                                 description="List the usable themes; report broken ones.")
    themes.set_defaults(handler=run_themes)


def run_config(args: argparse.Namespace) -> int:
    from briefing import config
    from briefing.state import StateError, StateStore

    settings = args.settings
    print(f"# config file: {settings.file or config.default_config_path()}"
          + ("" if settings.file else " (not present)"))
    try:
        store = StateStore()
    except StateError:
        store = None
    for name in config.SETTINGS:
        value, source = settings.value(name), settings.sources[name]
        shown = config.describe(value)
        if name == "index" and value is None:
            from briefing.search.index import default_index_dir

            shown = f"{default_index_dir(settings.content)} (one per content folder)"
        elif name == "theme" and value is None:
            shown = "none (dark; ansi on a 16-colour terminal)"
        print(f"{name} = {shown}  ({source})")
        if store is None:
            continue
        for key, label in _choices_in_reader(name):
            configured = value.get(key.split(".")[1]) if name == "widths" else value
            chosen = config.remembered(settings, name, key, configured, store.preference)
            if chosen is not None:
                print(f"  {label} = {chosen}  (chosen in the reader; stands until {name} is changed in the file)")
    return 0


def _choices_in_reader(name: str) -> list[tuple[str, str]]:
    """The preferences the reader keeps for setting *name* (T for the theme, < and > for widths)."""
    if name == "theme":
        return [("theme", "theme")]
    if name == "widths":
        return [("width.articles", "widths.articles"), ("width.keypoints", "widths.keypoints")]
    return []


def run_themes(args: argparse.Namespace) -> int:
    from briefing.themes import load_themes, shipped_theme_dirs, user_theme_dir

    themes = load_themes()
    for problem in themes.problems:
        print(f"briefing: {problem}", file=sys.stderr)
    shipped = {d.resolve() for d in shipped_theme_dirs()}
    for name, spec in sorted(themes.themes.items()):
        where = "shipped" if spec.path and spec.path.parent.resolve() in shipped else str(spec.path)
        kind = "16 colours" if spec.ansi else ("dark" if spec.dark else "light")
        print(f"{name:<16} {kind:<10} {spec.description}  [{where}]")
    print(f"# add your own as YAML files in {user_theme_dir()}", file=sys.stderr)
    return 1 if themes.problems else 0
