"""``briefing feeds add|list|remove`` and ``briefing fetch``: the feed commands of the command line."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from briefing.sanitize import clean_line


def register(commands, content_options) -> None:
    """Add the feed commands to the command line's sub-parsers."""
    feeds = commands.add_parser(
        "feeds", help="the feeds to fetch: add, list, remove",
        description="The feed list (feeds.yaml in the config folder). 'briefing fetch' reads every feed in it.",
    )
    actions = feeds.add_subparsers(title="commands", metavar="COMMAND", required=True)
    add = actions.add_parser("add", help="add a feed (RSS, Atom or JSON Feed)",
                             description="Add a feed by its address. Its items are written to a folder of that "
                                         "name in the content folder when fetched.")
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", help="the feed's name (default: from the address)")
    add.add_argument("--summary-only", action="store_true",
                     help="for items that carry only a summary, keep it; do not read the page they link to")
    add.set_defaults(handler=cmd_feeds_add)
    listing = actions.add_parser("list", help="list the feeds")
    listing.set_defaults(handler=cmd_feeds_list)
    remove = actions.add_parser("remove", help="remove a feed (the articles fetched stay)")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=cmd_feeds_remove)

    fetch = commands.add_parser(
        "fetch", help="fetch the feeds into the content folder",
        description="Fetch every feed (or one) and write each new item as a Markdown briefing in "
                    "CONTENT/FEED-NAME/; with --archive, then ingest the folder into the team archive. "
                    "Exits 1 only when every feed failed.",
    )
    fetch.add_argument("--feed", metavar="NAME", help="fetch this feed only")
    fetch.add_argument("--quiet", "-q", action="store_true", help="print only the feeds that failed")
    fetch.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS",
                       help="give up on a server silent this long (default 15); a response may take 4 times as long")
    fetch.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                       help="wait this long between two requests to one host (default 1)")
    content_options(fetch)
    fetch.set_defaults(handler=cmd_fetch)


def _error(message: str, code: int = 2):
    from briefing.cli import CommandError

    return CommandError(message, code)


def _load():
    from briefing.feeds.store import FeedsError, load_feeds

    try:
        feeds, problems = load_feeds()
    except FeedsError as exc:
        raise _error(str(exc), 1) from None
    for problem in problems:
        print(f"briefing: {problem}", file=sys.stderr)
    return feeds


def cmd_feeds_add(args: argparse.Namespace) -> int:
    from briefing.feeds.store import Feed, FeedsError, check_name, check_url, default_name, save_feeds

    feeds = _load()
    try:
        url = check_url(args.url)
        taken = {f.name.lower() for f in feeds}
        name = check_name(args.name) if args.name else default_name(url, taken)
    except FeedsError as exc:
        raise _error(str(exc)) from None
    if name.lower() in taken:
        raise _error(f"there is a feed named {name!r} already (see 'briefing feeds list'); pick another --name")
    same = [f for f in feeds if f.url == url]
    if same:
        raise _error(f"this address is the feed {same[0].name!r} already")
    feeds.append(Feed(name, url, fetch_pages=not args.summary_only))
    try:
        path = save_feeds(feeds)
    except OSError as exc:
        raise _error(f"cannot write the feed list: {exc.strerror or exc}", 74) from None
    print(f"added {name}: {url}")
    print(f"(feed list: {path}; 'briefing fetch' reads it)", file=sys.stderr)
    return 0


def cmd_feeds_list(args: argparse.Namespace) -> int:
    from briefing.feeds.store import feeds_path

    feeds = _load()
    if not feeds:
        print(f"no feeds yet: add one with 'briefing feeds add URL' ({feeds_path()})", file=sys.stderr)
    for feed in feeds:
        note = "" if feed.fetch_pages else "  (summaries only)"
        print(f"{feed.name}\t{feed.url}{note}")
    return 0


def cmd_feeds_remove(args: argparse.Namespace) -> int:
    from briefing.feeds.store import save_feeds

    feeds = _load()
    kept = [f for f in feeds if f.name.lower() != args.name.strip().lower()]
    if len(kept) == len(feeds):
        raise _error(f"no feed named {clean_line(args.name)[:60]!r} (see 'briefing feeds list')", 1)
    try:
        save_feeds(kept)
    except OSError as exc:
        raise _error(f"cannot write the feed list: {exc.strerror or exc}", 74) from None
    print(f"removed {clean_line(args.name)}; the articles already fetched stay in the content folder")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from briefing.feeds.http import Policy
    from briefing.feeds.service import FeedFinished, FetchFinished, fetch

    feeds = _load()
    if args.feed:
        feeds = [f for f in feeds if f.name.lower() == args.feed.strip().lower()]
        if not feeds:
            raise _error(f"no feed named {clean_line(args.feed)[:60]!r} (see 'briefing feeds list')", 2)
    if not feeds:
        raise _error("no feeds to fetch: add one with 'briefing feeds add URL'", 2)
    content = _content(args)

    def show(event) -> None:
        if isinstance(event, FeedFinished):
            result = event.result
            if result.ok and args.quiet:
                return
            out = sys.stdout if result.ok else sys.stderr
            print(clean_line(result.line()), file=out, flush=True)
            for warning in result.warnings[:10]:
                print(f"  warning: {clean_line(warning)}", file=sys.stderr)
        elif isinstance(event, FetchFinished) and not args.quiet:
            print(clean_line(event.report.status()), file=sys.stderr)

    if not 0 < args.timeout <= 600 or not 0 <= args.delay <= 600:
        raise _error("--timeout wants 0 to 600 seconds (more than 0), --delay 0 to 600")
    policy = Policy(timeout=args.timeout, deadline=4 * args.timeout, host_delay=args.delay)
    cancel = threading.Event()
    try:
        report = fetch(feeds, content, policy=policy, on_event=show, cancel=cancel)
    except KeyboardInterrupt:
        cancel.set()
        raise
    if args.settings.archive:  # a team archive: what the folder holds now is ingested there too
        from briefing.cli.search import ingest_into_archive

        ingest_into_archive(args)
    return 1 if report.all_failed else 0


def _content(args: argparse.Namespace) -> Path:
    settings = args.settings
    path = settings.content
    if not path.is_dir():
        if settings.sources["content"] == "default":
            raise _error("no content folder: ./content does not exist; pass --content DIR")
        raise _error(f"content folder not found: {path} (from {settings.sources['content']})")
    return path
