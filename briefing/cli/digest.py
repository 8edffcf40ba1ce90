"""``briefing export``: a Markdown digest of the selected articles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing.cli.common import CommandError, archive_call, content_options, open_index, open_storage, update_index

WHICH = [("starred", "starred articles (the default)"), ("flagged", "articles flagged for follow-up"),
         ("unread", "unread articles"), ("noted", "articles with a note"), ("all", "every article")]


def register(commands) -> None:
    export = commands.add_parser(
        "export",
        help="write a Markdown digest",
        description=(
            "Write a Markdown digest of the selected articles (starred ones unless told otherwise): "
            "title, source, date, key points with their verified/disputed marks, facts and your note, "
            "grouped by day, newest first."
        ),
    )
    content_options(export)
    which = export.add_mutually_exclusive_group()
    for name, text in WHICH:
        which.add_argument(f"--{name}", dest="which", action="store_const", const=name, help=text)
    export.add_argument("--since", metavar="DATE", help="only articles dated DATE (YYYY-MM-DD) or later")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    export.set_defaults(handler=run, which="starred")


def _listing(args: argparse.Namespace):
    """The content folder's articles, from an index brought up to date first, and their state."""
    from briefing.search.catalogue import snapshot_of_files
    from briefing.state import StateError, StateStore

    index = open_index(args)
    try:
        update_index(index, quiet=True)
        snapshot = index.snapshot()
    except CommandError as exc:
        # No index (a read-only cache, say): read the files instead.
        print(f"briefing: {exc}; reading the files directly", file=sys.stderr)
        snapshot = None
    if snapshot is None:
        snapshot = snapshot_of_files(index.content, index.follow_links)
    try:
        store = StateStore()
    except StateError as exc:
        raise CommandError(str(exc), code=74) from None
    return index.content, snapshot, store


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from briefing.digest import collect, render, write_atomically

    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            raise CommandError(f"--since wants a date as YYYY-MM-DD, not {args.since!r}") from None
    if args.settings.archive:
        storage = open_storage(args, need_content=False)
        if storage.state is None:
            raise CommandError("the archive's marks cannot be read (see above)", code=74)
        snapshot = archive_call(storage.search.snapshot)
        from briefing.state import StateError

        try:
            states = storage.state.folder(storage.search.content).load(snapshot.entries)
        except StateError as exc:
            raise CommandError(str(exc), code=69) from None
        cache = storage.search.articles()
    else:
        content, snapshot, store = _listing(args)
        states = store.folder(content).load(snapshot.entries)
        cache = None
    items = collect(snapshot.entries, states, args.which, since, cache=cache)
    text = render(items)
    if not items:
        print(f"briefing: no {args.which if args.which != 'all' else ''} articles to export".replace("  ", " "),
              file=sys.stderr)
    if args.output:
        try:
            write_atomically(Path(args.output), text)
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}", code=74) from None
        print(f"wrote {len(items)} article(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
