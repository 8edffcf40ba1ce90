"""``briefing`` with no command: open the reader on the content folder."""

from __future__ import annotations

import argparse

from briefing.cli.common import content_dir


def add_options(parser: argparse.ArgumentParser) -> None:
    """The reader's own options, given before any command."""
    parser.add_argument("--theme", metavar="NAME", help="theme for this run (see 'briefing themes')")
    parser.add_argument("--ascii", action="store_true", help="draw borders and marks with ASCII only")
    parser.add_argument("--no-mouse", action="store_true", help="do not ask the terminal for mouse events")
    parser.set_defaults(handler=read)


def read(args: argparse.Namespace) -> int:
    from briefing.themes import load_themes

    settings = args.settings
    content = content_dir(args)
    # Textual is imported only here: the other commands start fast without it.
    from briefing.tui.app import BriefingApp

    app = BriefingApp(content, settings.index, settings=settings, themes=load_themes())
    app.run(mouse=settings.mouse)
    return app.return_code or 0
