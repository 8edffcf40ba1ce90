"""``briefing index`` and ``briefing search``: the full-text index of the content folder."""

from __future__ import annotations

import argparse
import json
import sys

from briefing.cli.common import CommandError, archive_call, content_options, open_index, open_storage, update_index


def register(commands) -> None:
    index = commands.add_parser(
        "index",
        help="bring the search index up to date",
        description="Index new and changed files, drop removed ones; print what changed.",
    )
    content_options(index)
    index.add_argument("--rebuild", action="store_true",
                       help="rebuild the index from scratch (an archive is never rebuilt from one folder)")
    # The reader's own: progress in the line protocol of briefing.progress.
    index.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)
    index.set_defaults(handler=run_index)

    search = commands.add_parser(
        "search",
        help="search the articles",
        description=(
            "Search with Whoosh's query language: words (AND by default), OR, NOT, \"phrases\", "
            "title:, source:, tag:, prefix*, fuzzy~, date:2024-11-27..2024-12-01."
        ),
    )
    search.add_argument("query", metavar="QUERY")
    content_options(search)
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    search.add_argument("--by-date", action="store_true", help="newest first instead of by relevance")
    search.add_argument("--json", action="store_true", help="print a JSON list")
    search.set_defaults(handler=run_search)


def ingest_into_archive(args: argparse.Namespace, rebuild: bool = False, lines: bool = False):
    """Ingest the content folder into the team archive (``index`` and ``fetch`` with an archive), reported
    as ``briefing index`` reports; the report."""
    index = open_storage(args, state=False).search
    report = update_index(index, rebuild=rebuild, lines=lines)
    print(f"{report.summary()} (archive: {index.dir})")
    return report


def run_index(args: argparse.Namespace) -> int:
    if args.settings.archive:
        # Ingest into the team archive: the same progress, the same report.
        report = ingest_into_archive(args, args.rebuild, args.progress_lines)
    else:
        index = open_index(args)
        report = update_index(index, rebuild=args.rebuild, lines=args.progress_lines)
        if not args.progress_lines:
            # The reader finds the names itself, after this, so that search opens first.
            from briefing.cli.entity import sync_names

            sync_names(index, quiet=False)
        print(f"{report.summary()} (index: {index.dir})")
    for line in report.skipped:
        print(f"skipped: {line}")
    return 0


def run_search(args: argparse.Namespace) -> int:
    from briefing.search.engine import Engine, IndexDamaged, IndexUnavailable, QueryError

    if args.settings.archive:
        engine = open_storage(args, state=False, need_content=False).search.engine()
        try:
            results = archive_call(engine.search, args.query, args.limit, args.by_date, 0)
            archive_call(engine.snippets, results)
        except QueryError as exc:
            raise CommandError(f"bad query: {exc}", code=2) from None
        finally:
            engine.close()
        return _print_results(args, results)
    index = open_index(args)
    report = update_index(index, quiet=args.json)
    for line in report.skipped:
        print(f"briefing: skipped {line}", file=sys.stderr)
    for attempt in (1, 2):
        engine = Engine.open(index)
        try:
            # The hits first, then the snippets of those printed (the reader makes them for the rows it shows).
            results = engine.search(args.query, limit=args.limit, by_date=args.by_date, snippets=0)
            engine.snippets(results)
            break
        except (IndexDamaged, IndexUnavailable) as exc:
            if attempt == 2:
                raise CommandError(f"{exc}; run 'briefing index' again", code=75) from None
            print(f"briefing: {exc}", file=sys.stderr)
            update_index(index, quiet=args.json)  # rebuilds what the search found damaged
        except QueryError as exc:
            raise CommandError(f"bad query: {exc}", code=2) from None
        finally:
            engine.close()
    return _print_results(args, results)


def _print_results(args: argparse.Namespace, results) -> int:
    for note in results.notes:
        print(f"briefing: note: {note}", file=sys.stderr)
    if args.json:
        json.dump([h.to_json() for h in results.hits], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(f"{results.total} result(s) for {results.query.text}")
        for n, hit in enumerate(results.hits, 1):
            print(f"{n:3}. {hit.title}  [{hit.path}]")
            print("     " + "".join(f"*{t}*" if is_hit else t for t, is_hit in hit.snippet_parts))
    if not results.hits and results.suggestion:
        print(f"Did you mean: {results.suggestion}", file=sys.stderr)
    return 0
