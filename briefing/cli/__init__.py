"""The ``briefing`` command: open the reader, or work on files without a terminal UI.

Each subcommand lives in a module of this package with a ``register(commands)``
function that adds its parser and sets its handler; adding a command is one
such module and one entry in :data:`COMMANDS` (the order ``--help`` lists them in).
"""

from __future__ import annotations

import argparse
import sys

from briefing import __version__
from briefing.cli import archive, digest, entity, feeds, manual, parse, reader, search, settings, state, stories, watch
from briefing.cli.common import CommandError, content_options, settings_of

COMMANDS = (parse, search, stories, entity, watch, digest, state, settings, feeds, archive, manual)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="A keyboard-driven terminal reader for news briefings.",
        epilog="Run 'briefing COMMAND -h' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    content_options(parser)
    reader.add_options(parser)
    parser.set_defaults(content=None, index=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in COMMANDS:
        module.register(commands)
    manual.finish(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    from briefing.private import UnsafeFolder, restrict_umask
    from briefing.sanitize import clean_line
    from briefing.state import StateError

    restrict_umask()  # what Briefing writes (index, state, digests) is the user's alone
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.settings = settings_of(args)
        return args.handler(args)
    except CommandError as exc:
        print(f"briefing: {clean_line(str(exc))}", file=sys.stderr)
        return exc.code
    except (StateError, UnsafeFolder) as exc:
        print(f"briefing: {clean_line(str(exc))}", file=sys.stderr)
        return 74
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into a pager that quit early is not an error.
        sys.stderr.close()
        return 0


__all__ = ["COMMANDS", "CommandError", "build_parser", "main"]
