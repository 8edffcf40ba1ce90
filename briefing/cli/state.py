"""``briefing state export|import``: read marks, stars, flags and notes moved between machines."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing.cli.common import CommandError, content_options, open_storage


def register(commands) -> None:
    state = commands.add_parser(
        "state",
        help="move read marks, stars, flags, notes between machines",
        description="Export the state of a content folder as YAML, or merge an export into it. With --archive, "
                    "your own marks in the team archive: export them, or merge a personal export into them.",
    )
    state_commands = state.add_subparsers(title="commands", metavar="COMMAND", required=True)
    export = state_commands.add_parser("export", help="print the state as YAML")
    content_options(export)
    export.set_defaults(handler=run_export)
    merge = state_commands.add_parser("import", help="merge an export into the state (nothing is taken away)")
    merge.add_argument("file", metavar="FILE", help="the YAML export, or - for stdin")
    content_options(merge)
    merge.set_defaults(handler=run_import)


def _marks(args: argparse.Namespace):
    """The marks of the content folder (this machine's state) or the analyst's in the archive."""
    storage = open_storage(args, need_content=not args.settings.archive)
    if storage.state is None:
        raise CommandError("the state cannot be opened (see above)", code=74)
    return storage.state.folder(storage.search.content)


def run_export(args: argparse.Namespace) -> int:
    from briefing.state import StateError
    from briefing.state.transfer import dump_export

    try:
        data = _marks(args).export()
    except StateError as exc:
        raise CommandError(str(exc), code=74) from None
    dump_export(data, sys.stdout)
    return 0


def run_import(args: argparse.Namespace) -> int:
    import yaml

    from briefing.state import StateError
    from briefing.state.transfer import read_export

    marks = _marks(args)
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}", code=1) from None
    try:
        data = read_export(text)
    except yaml.YAMLError as exc:
        raise CommandError(f"{args.file} is not valid YAML: {' '.join(str(exc).split())}", code=1) from None
    try:
        merged, new = marks.merge(data)
    except StateError as exc:
        raise CommandError(f"{args.file}: {exc}", code=1) from None
    print(f"merged the state of {merged} article(s), {new} new")
    return 0
