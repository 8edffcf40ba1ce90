"""``briefing state export|import``: read marks, stars, flags and notes moved between machines."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing.cli.common import CommandError, content_dir, content_options


def register(commands) -> None:
    state = commands.add_parser(
        "state",
        help="move read marks, stars, flags, notes between machines",
        description="Export the state of a content folder as YAML, or merge an export into it.",
    )
    state_commands = state.add_subparsers(title="commands", metavar="COMMAND", required=True)
    export = state_commands.add_parser("export", help="print the state as YAML")
    content_options(export)
    export.set_defaults(handler=run_export)
    merge = state_commands.add_parser("import", help="merge an export into the state (nothing is taken away)")
    merge.add_argument("file", metavar="FILE", help="the YAML export, or - for stdin")
    content_options(merge)
    merge.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace) -> int:
    from briefing.state import StateError, StateStore
    from briefing.state.transfer import dump_export

    content = content_dir(args)
    try:
        data = StateStore().folder(content).export()
    except StateError as exc:
        raise CommandError(str(exc), code=74) from None
    dump_export(data, sys.stdout)
    return 0


def run_import(args: argparse.Namespace) -> int:
    import yaml

    from briefing.state import StateError, StateStore
    from briefing.state.transfer import read_export

    content = content_dir(args)
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}", code=1) from None
    try:
        data = read_export(text)
    except yaml.YAMLError as exc:
        raise CommandError(f"{args.file} is not valid YAML: {' '.join(str(exc).split())}", code=1) from None
    try:
        merged, new = StateStore().folder(content).merge(data)
    except StateError as exc:
        raise CommandError(f"{args.file}: {exc}", code=1) from None
    print(f"merged the state of {merged} article(s), {new} new")
    return 0
