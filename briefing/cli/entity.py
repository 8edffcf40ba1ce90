"""``briefing entity NAME`` and ``briefing entities``: people, places and organisations across the archive."""

from __future__ import annotations

import argparse
import json
import sys

from briefing.cli.common import CommandError, content_options, date_text, open_index, update_index

KINDS = ("person", "place", "organisation")


def register(commands) -> None:
    entity = commands.add_parser(
        "entity", help="every article naming a person, place or organisation",
        description=(
            "The articles that name NAME, newest first: the sentence that names it, the figures in the "
            "sentences naming it, and the stories it appears in. NAME may be any way the articles write it "
            "(an acronym finds its long form where an article ties them)."),
    )
    entity.add_argument("name", metavar="NAME")
    entity.add_argument("--limit", type=int, default=50, metavar="N", help="at most N articles (default 50)")
    entity.add_argument("--json", action="store_true", help="print one JSON object")
    content_options(entity)
    entity.set_defaults(handler=run_entity)

    entities = commands.add_parser(
        "entities", help="list the people, places and organisations the articles name",
        description="The entities the articles name, the most often named (or the most recently) first.",
    )
    entities.add_argument("--kind", choices=KINDS, help="only people, places or organisations")
    entities.add_argument("--sort", choices=("frequency", "recency"), default="frequency",
                          help="by how many articles name it (default), or by the latest article naming it")
    entities.add_argument("--limit", type=int, default=50, metavar="N", help="at most N (default 50)")
    entities.add_argument("--json", action="store_true", help="print a JSON list")
    # The reader's own: find the names of new and changed articles, nothing more.
    entities.add_argument("--sync-only", action="store_true", help=argparse.SUPPRESS)
    content_options(entities)
    entities.set_defaults(handler=run_entities)


def sync_names(index, quiet: bool) -> None:
    """Find the names of the articles indexed since the last pass (progress on stderr when it takes a while)."""
    import time
    from concurrent.futures.process import BrokenProcessPool

    from briefing.entities.store import StoreError
    from briefing.entities.sync import sync

    started = time.monotonic()
    shown = False

    def progress(done: int, total: int) -> None:
        nonlocal shown
        if not quiet and time.monotonic() - started > 1.0:
            print(f"\rfinding names {done}/{total}", end="", file=sys.stderr, flush=True)
            shown = True

    try:
        report = sync(index.dir, index.content, progress)
    except (StoreError, OSError) as exc:
        raise CommandError(f"people, places and organisations could not be stored: {exc}", code=74) from None
    except BrokenProcessPool:
        # A worker killed (out of memory, say): what was committed stays, the next pass does the rest.
        raise CommandError("people, places and organisations: a process reading the files was stopped; "
                           "run 'briefing index' again to find the rest", code=74) from None
    finally:
        if shown:
            print(file=sys.stderr)  # the message after the progress line, not on it
    for line in report.skipped:
        print(f"briefing: names not read: {line}", file=sys.stderr)


def _open(args: argparse.Namespace, quiet: bool):
    from briefing.entities.store import Reader, StoreError

    index = open_index(args)
    update_index(index, quiet=quiet)
    sync_names(index, quiet)
    try:
        return index, Reader(index.dir)
    except StoreError as exc:
        raise CommandError(str(exc), code=74) from None


def run_entities(args: argparse.Namespace) -> int:
    from briefing.entities.store import StoreError

    if args.sync_only:
        index = open_index(args)
        sync_names(index, quiet=True)
        return 0
    index, reader = _open(args, quiet=args.json)
    with reader:
        try:
            found = reader.entities(args.kind, args.sort, limit=max(1, args.limit))
        except StoreError as exc:
            raise CommandError(str(exc), code=74) from None
    if args.json:
        json.dump([e.to_json() for e in found], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not found:
        print("No people, places or organisations found.")
        return 0
    for e in found:
        print(f"{e.articles:6}  {date_text(None) if not e.last else e.last}  {e.kind:12}  {e.name}")
    return 0


def run_entity(args: argparse.Namespace) -> int:
    from briefing.entities.store import StoreError
    from briefing.entities.view import row_json, stories_of

    index, reader = _open(args, quiet=args.json)
    snapshot = index.snapshot()
    library = snapshot.entries if snapshot else []
    by_rel = {e.rel: e for e in library}
    with reader:
        try:
            found = reader.find(args.name)
            if not found:
                raise CommandError(f"no person, place or organisation named {args.name!r} "
                                   "(see 'briefing entities')", code=1)
            if len(found) > 1 and found[0].name.casefold() != args.name.strip().casefold():
                names = "; ".join(f"{e.name} ({e.articles})" for e in found[:10])
                raise CommandError(f"{args.name!r} could be: {names}; give the whole name", code=1)
            entity = reader.entity(found[0].id) or found[0]
            rows, _ = reader.page(entity.id, size=max(1, args.limit))
            stories = stories_of(reader, entity, library, by_rel)
        except StoreError as exc:
            raise CommandError(str(exc), code=74) from None
    if args.json:
        data = {**entity.to_json(), "stories": [s.to_json() for s in stories],
                "mentions": [row_json(row, by_rel.get(row.rel)) for row in rows]}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    also = f"; also written {', '.join(entity.aliases)}" if entity.aliases else ""
    print(f"{entity.name} ({entity.kind}{also})")
    print(f"{entity.articles} article(s), the latest {entity.last or 'undated'}")
    if stories:
        print("Stories:")
        for s in stories:
            print(f"  story {s.id}: {s.title}  ({s.naming} of its {s.articles} article(s) name it)")
    print()
    for row in rows:
        entry = by_rel.get(row.rel)
        source = entry.source if entry and entry.source else "-"
        title = entry.title if entry else row.rel
        print(f"{row.date or 'undated'}  {source}  {title}  [{row.rel}]")
        print(f"    {row.sentence}")
        if row.figures:
            print(f"    figures: {'; '.join(row.figures)}")
    if entity.articles > len(rows):
        print(f"\n... and {entity.articles - len(rows)} more (--limit N)")
    return 0
