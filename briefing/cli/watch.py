"""``briefing watch``: saved searches, and what is new in each since the last run (for cron or a mail pipe)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from briefing.cli.common import CommandError, content_dir, content_options, date_text, open_index, update_index

# Exit statuses of a run: something new, nothing new, an error.
NEW, NOTHING, ERROR = 0, 1, 2


def register(commands) -> None:
    watch = commands.add_parser(
        "watch", help="saved searches: what is new in each since the last run",
        description=(
            "Run every saved search and print the articles each finds that it had not reported before "
            "(with --since DATE: those dated that day or later). Exit status 0 when something is new, 1 when "
            "nothing is, 2 on an error. Saved searches are kept beside the reading state; the reader's 'w' "
            "saves one too."),
    )
    watch.add_argument("--since", metavar="LAST|DATE", default="LAST",
                       help="LAST (the default): what this command has not reported before, and remember it; "
                            "YYYY-MM-DD: articles dated that day or later (nothing is remembered)")
    watch.add_argument("--json", action="store_true", help="print a JSON list, one object per saved search")
    content_options(watch)
    watch.set_defaults(handler=run_watch)
    actions = watch.add_subparsers(title="commands", metavar="COMMAND")

    add = actions.add_parser("add", help="save a search under a name",
                             description="Save QUERY (the search language of 'briefing search') as NAME. What "
                                         "it finds now counts as already seen: its first run reports what "
                                         "arrives after.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("query", metavar="QUERY")
    add.add_argument("--filter", choices=("all", "unread", "starred", "flagged", "noted"), default="all",
                     help="list only the articles the reader's filter of that name keeps (default: all)")
    add.add_argument("--replace", action="store_true", help="replace a saved search of that name")
    content_options(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="list the saved searches",
                                 description="The saved searches with their queries and how many articles each "
                                             "finds now.")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    content_options(listing)
    listing.set_defaults(handler=run_list)

    remove = actions.add_parser("remove", help="remove a saved search",
                                description="Remove the saved search NAME (the articles stay).")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=run_remove)


def _store():
    from briefing.watches import WatchError, WatchStore

    try:
        return WatchStore()
    except WatchError as exc:
        raise CommandError(str(exc), code=ERROR) from None


def _engine(args: argparse.Namespace, quiet: bool):
    """The index of the content folder, brought up to date, and a search engine on it."""
    from briefing.search.engine import Engine

    index = open_index(args)
    report = update_index(index, quiet=quiet)
    for line in report.skipped:
        print(f"briefing: skipped {line}", file=sys.stderr)
    return index, Engine(index.open())


WATCH_SECONDS = 30.0


def _matches(engine, watch) -> list[str]:
    from briefing.search.engine import QueryError
    from briefing.watches import matching

    try:
        # From cron or a pipe: no one waits at a keyboard, so a search may take its time.
        return matching(engine, watch.query, seconds=WATCH_SECONDS)
    except QueryError as exc:
        raise CommandError(f"saved search {watch.name!r}: bad query: {exc}", code=ERROR) from None


def run_add(args: argparse.Namespace) -> int:
    from briefing.watches import WatchError, check_name, check_query

    try:
        name, query = check_name(args.name), check_query(args.query)
    except WatchError as exc:
        raise CommandError(str(exc), code=ERROR) from None
    content = content_dir(args)
    index, engine = _engine(args, quiet=True)
    try:
        from briefing.watches import Watch

        found = _matches(engine, Watch(name, query))
    finally:
        engine.close()
    with _store() as store:
        try:
            watch = store.add(name, query, args.filter, replace=args.replace)
            store.mark_seen(watch.name, content, found)
        except WatchError as exc:
            raise CommandError(str(exc), code=ERROR) from None
    print(f"Saved {watch.name!r}: {query} ({len(found)} article(s) found now; 'briefing watch' reports new ones)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _store() as store:
        watches = store.watches()
    if not watches:
        if args.json:
            print("[]")
        else:
            print("No saved searches. Save one with: briefing watch add NAME QUERY")
        return 0
    counts: dict[str, int | str] = {}
    try:
        content_dir(args)
        index, engine = _engine(args, quiet=True)
    except CommandError as exc:
        print(f"briefing: not counted: {exc}", file=sys.stderr)
        engine = None
    if engine is not None:
        try:
            for watch in watches:
                try:
                    counts[watch.name] = len(_matches(engine, watch))
                except CommandError as exc:
                    counts[watch.name] = str(exc)
        finally:
            engine.close()
    if args.json:
        json.dump([{**w.to_json(), "found": counts.get(w.name)} for w in watches], sys.stdout,
                  ensure_ascii=False, indent=2)
        print()
        return 0
    for watch in watches:
        found = counts.get(watch.name)
        said = f"{found} found" if isinstance(found, int) else (found or "")
        extra = f"  [{watch.filter}]" if watch.filter != "all" else ""
        print(f"{watch.name}: {watch.query}{extra}  ({said})" if said else f"{watch.name}: {watch.query}{extra}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with _store() as store:
        if not store.remove(args.name):
            raise CommandError(f"no saved search named {args.name!r} (see 'briefing watch list')", code=1)
    print(f"Removed {args.name!r}")
    return 0


def _since(text: str) -> dt.date | None:
    if text.upper() == "LAST":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since wants LAST or a date as YYYY-MM-DD, not {text!r}", code=ERROR) from None


def run_watch(args: argparse.Namespace) -> int:
    from briefing.state import keep
    from briefing.watches import WatchError

    since = _since(args.since)
    content = content_dir(args)
    with _store() as store:
        watches = store.watches()
        if not watches:
            print("briefing: no saved searches (save one with: briefing watch add NAME QUERY)", file=sys.stderr)
            return NOTHING
        index, engine = _engine(args, quiet=args.json)
        snapshot = index.snapshot()
        by_rel = {e.rel: e for e in snapshot.entries} if snapshot else {}
        states = {}
        if any(w.filter != "all" for w in watches):
            states = _states(content, by_rel.values())
        out, errors = [], 0
        try:
            for watch in watches:
                try:
                    found = [rel for rel in _matches(engine, watch) if rel in by_rel]
                except CommandError as exc:
                    print(f"briefing: {exc}", file=sys.stderr)
                    errors += 1
                    continue
                if watch.filter != "all":
                    found = [rel for rel in found if keep(watch.filter, states.get(rel))]
                if since is None:
                    seen = store.seen(watch.name, content)
                    new = [rel for rel in found if rel not in seen]
                else:
                    new = [rel for rel in found if by_rel[rel].date and by_rel[rel].date >= since]
                entries = sorted((by_rel[rel] for rel in new), key=_newest_first)
                out.append((watch, entries))
                if since is None:
                    try:
                        store.mark_seen(watch.name, content, new)
                    except WatchError as exc:
                        print(f"briefing: {exc}", file=sys.stderr)
                        errors += 1
        finally:
            engine.close()
    _print(out, args.json)
    if errors:
        return ERROR
    return NEW if any(entries for _, entries in out) else NOTHING


def _states(content, entries) -> dict:
    """The reading state of *entries*, for saved searches with a filter; empty (and said) when unreadable."""
    from briefing.state import StateError, StateStore

    try:
        store = StateStore()
    except StateError as exc:
        print(f"briefing: the reading state cannot be read ({exc}); filters are not applied", file=sys.stderr)
        return {}
    try:
        return store.folder(content).load(entries)
    except StateError as exc:
        print(f"briefing: the reading state cannot be read ({exc}); filters are not applied", file=sys.stderr)
        return {}
    finally:
        store.close()


def _newest_first(entry):
    return (entry.date is None, -(entry.date.toordinal() if entry.date else 0), entry.rel)


def _print(out, as_json: bool) -> None:
    if as_json:
        json.dump([{**watch.to_json(), "new": [
            {"path": e.rel, "title": e.title, "source": e.source, "date": e.date.isoformat() if e.date else None}
            for e in entries]} for watch, entries in out], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    for watch, entries in out:
        if not entries:
            continue
        print(f"{watch.name} ({watch.query}): {len(entries)} new")
        for entry in entries:
            print(f"  {date_text(entry.date)}  {entry.source or '-'}  {entry.title}  [{entry.rel}]")
