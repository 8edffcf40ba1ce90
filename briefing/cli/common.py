"""What the subcommands share: the error a user can fix, the settings, the content folder and its index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing.sanitize import clean_line


class CommandError(Exception):
    """A problem the user can fix; printed as one line, never a traceback."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def settings_of(args: argparse.Namespace):
    """The effective settings: config file, environment, then this command line."""
    from briefing import config

    overrides = {
        "content": args.content,
        "index": args.index,
        "theme": getattr(args, "theme", None),
        "ascii": True if getattr(args, "ascii", False) else None,
        "mouse": False if getattr(args, "no_mouse", False) else None,
        "follow_links": True if getattr(args, "follow_links", False) else None,
        "archive": getattr(args, "archive", None),
    }
    settings = config.load(overrides)
    for problem in settings.problems:
        print(f"briefing: {clean_line(problem)}", file=sys.stderr)
    return settings


def content_dir(args: argparse.Namespace) -> Path:
    settings = args.settings
    path = settings.content
    if not path.is_dir():
        if settings.sources["content"] == "default":
            raise CommandError("no content folder: ./content does not exist; pass --content DIR")
        raise CommandError(f"content folder not found: {path} (from {settings.sources['content']})")
    return path


def content_options(parser: argparse.ArgumentParser) -> None:
    """--content, --index and --follow-links, accepted before or after a command's name.

    Suppressed defaults, so that a value given before the command is not
    overwritten by the command's own default.
    """
    parser.add_argument(
        "--content", metavar="DIR", default=argparse.SUPPRESS, help="folder of briefing files (default: ./content)"
    )
    parser.add_argument(
        "--index", metavar="DIR", default=argparse.SUPPRESS,
        help="index folder (default: $BRIEFING_INDEX_DIR, else one per content folder in the user cache)",
    )
    parser.add_argument(
        "--follow-links", action="store_true", default=argparse.SUPPRESS,
        help="also read files that links in the content folder point to outside it",
    )
    parser.add_argument(
        "--archive", metavar="URL", default=argparse.SUPPRESS,
        help="work on a team archive on PostgreSQL (postgresql://user@host/db; the password from ~/.pgpass "
             "or $PGPASSWORD) instead of this machine's index and state ($BRIEFING_ARCHIVE)",
    )


def open_storage(args: argparse.Namespace, *, state: bool = True, need_content: bool = True):
    """The search and state backends the settings choose (see :mod:`briefing.storage`)."""
    from briefing.storage import StorageError
    from briefing.storage import open_storage as choose

    settings = args.settings
    content = content_dir(args) if need_content or not settings.archive else settings.content
    try:
        storage = choose(settings, content, state=state)
    except StorageError as exc:
        raise CommandError(str(exc), code=69 if "unreachable" in str(exc) else 1) from None
    for problem in storage.problems:
        print(f"briefing: {problem}", file=sys.stderr)
    return storage


def archive_call(work, *args):
    """*work(*args)*, an archive's failure said as a command's error (exit 69 when unreachable)."""
    from briefing.archive.connection import ArchiveError, ArchiveUnavailable

    try:
        return work(*args)
    except ArchiveError as exc:
        raise CommandError(str(exc), code=69 if isinstance(exc, ArchiveUnavailable) else 1) from None


def article_reader(args: argparse.Namespace):
    """Where articles are opened from: the files, or the archive's copies."""
    if args.settings.archive:
        return open_storage(args, state=False, need_content=False).search.articles()
    from briefing.article_cache import ArticleCache

    return ArticleCache()


def open_index(args: argparse.Namespace):
    from briefing.search.index import ContentIndex

    return ContentIndex(content_dir(args), args.settings.index, args.settings.follow_links)


def update_index(index, rebuild: bool = False, quiet: bool = False, lines: bool = False):
    """Bring *index* up to date, with progress on stderr when it takes a while.

    With *lines*, progress goes out in the line protocol of
    :mod:`briefing.progress` from the start (for the reader, which runs this
    in a separate process and shows the count).
    """
    import time

    from briefing.archive.connection import ArchiveError, ArchiveUnavailable
    from briefing.private import UnsafeFolder
    from briefing.progress import Notice, Progress
    from briefing.search.index import BUSY_EXIT_STATUS, IndexBusy

    started = time.monotonic()
    shown = False

    def progress(done: int, total: int, committed: bool) -> None:
        nonlocal shown
        step = Progress(done, total, time.monotonic() - started, committed)
        if lines:
            if step.worth_a_line():
                print(step.line(), file=sys.stderr, flush=True)
            return
        if not quiet and step.elapsed > 1.0 and (done % 50 == 0 or step.finished):
            print(f"\rindexing {step.summary()}", end="", file=sys.stderr, flush=True)
            shown = True

    try:
        report = index.update(rebuild=rebuild, progress=progress)
    except IndexBusy as exc:
        raise CommandError(str(exc), code=BUSY_EXIT_STATUS) from None
    except UnsafeFolder as exc:
        raise CommandError(str(exc), code=74) from None  # says which folder, why and the fix already
    except OSError as exc:
        raise CommandError(f"cannot write the index in {index.dir}: {exc.strerror or exc}", code=74) from None
    except ArchiveError as exc:
        raise CommandError(str(exc), code=69 if isinstance(exc, ArchiveUnavailable) else 1) from None
    if shown:
        print(file=sys.stderr)
    if report.rebuilt:
        print(Notice(report.rebuilt).line() if lines else f"briefing: {report.rebuilt}", file=sys.stderr)
    return report


def indexed_snapshot(args: argparse.Namespace, quiet: bool):
    """The content folder's list, from an index brought up to date first (skipped files said on stderr);
    with an archive, the archive's list as it stands."""
    if args.settings.archive:
        storage = open_storage(args, state=False, need_content=False)
        return archive_call(storage.search.snapshot)
    index = open_index(args)
    report = update_index(index, quiet=quiet)
    for line in report.skipped:
        print(f"briefing: skipped {line}", file=sys.stderr)
    return index.snapshot()


def date_text(date) -> str:
    return date.isoformat() if date else "undated"
