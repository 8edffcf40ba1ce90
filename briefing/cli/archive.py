"""``briefing archive``: set up a team archive on PostgreSQL and see how it stands."""

from __future__ import annotations

import argparse
import sys

from briefing.cli.common import CommandError, content_options


def register(commands) -> None:
    archive = commands.add_parser(
        "archive", help="set up and look at a team archive on PostgreSQL",
        description="A team archive on PostgreSQL: 'init' creates or updates its schema (run it again after "
                    "upgrading Briefing; it changes nothing when up to date), 'status' says what it holds and "
                    "who you are in it, 'analyst' lets a shared database role work under analysts' names.",
    )
    archive_commands = archive.add_subparsers(title="commands", metavar="COMMAND", required=True)
    init = archive_commands.add_parser("init", help="create or update the archive's schema (re-runnable)")
    content_options(init)
    init.set_defaults(handler=run_init)
    status = archive_commands.add_parser("status", help="the schema's version, the articles, who you are")
    content_options(status)
    status.set_defaults(handler=run_status)
    analyst = archive_commands.add_parser(
        "analyst", help="let a shared database role work under an analyst's name (the archive's owner)")
    analyst.add_argument("name", metavar="NAME", help="the analyst's name, as marks will show it")
    analyst.add_argument("--role", required=True, metavar="ROLE", help="the database role that may use the name")
    content_options(analyst)
    analyst.set_defaults(handler=run_analyst)


def _archive(args: argparse.Namespace):
    from briefing.archive.connection import Archive, ArchiveError

    url = args.settings.archive
    if not url:
        raise CommandError("no archive: pass --archive postgresql://user@host/db, set BRIEFING_ARCHIVE, "
                           "or 'archive:' in the config file", code=2)
    try:
        return Archive(url, args.settings.analyst)
    except ArchiveError as exc:
        raise CommandError(str(exc), code=2) from None


def _fail(exc) -> CommandError:
    from briefing.archive.connection import ArchiveUnavailable

    return CommandError(str(exc), code=69 if isinstance(exc, ArchiveUnavailable) else 1)


def run_init(args: argparse.Namespace) -> int:
    import psycopg

    from briefing.archive.connection import ArchiveError, describe_error
    from briefing.archive.migrations import GROUP_ROLES, migrate

    archive = _archive(args)
    try:
        con = archive.connect()
    except ArchiveError as exc:
        raise _fail(exc) from None
    try:
        applied = migrate(con, lambda line: print(line))
    except psycopg.Error as exc:
        raise CommandError(f"the schema could not be set up: {describe_error(exc, archive.url)}", code=1) from None
    finally:
        con.close()
    if not applied.applied:
        print(f"the archive's schema is up to date (version {applied.version}) at {archive.shown}")
    else:
        print(f"the archive's schema is at version {applied.version} at {archive.shown}")
    if applied.roles_missing:
        roles = ", ".join(applied.roles_missing)
        print(f"briefing: this role may not create the group roles {roles}; as a superuser run "
              + "; ".join(f"CREATE ROLE {r} NOLOGIN" for r in applied.roles_missing)
              + ", then 'briefing archive init' again to grant them", file=sys.stderr)
    else:
        print(f"analysts: GRANT {GROUP_ROLES[0]} TO <role>; machines that ingest: GRANT {GROUP_ROLES[1]} TO <role>")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from briefing.archive.connection import ArchiveError
    from briefing.archive.migrations import current_version, latest

    archive = _archive(args)

    def look(con):
        version = current_version(con)
        if not version:
            return version, None
        counts = con.execute(
            "SELECT (SELECT count(*) FROM briefing.articles), (SELECT count(DISTINCT story) FROM briefing.listing),"
            " (SELECT count(DISTINCT analyst) FROM briefing.marks), (SELECT max(ingested_at) FROM briefing.articles)"
        ).fetchone()
        return version, counts

    try:
        version, counts = archive.run(look)
        who = archive.identity() if version else None
    except ArchiveError as exc:
        raise _fail(exc) from None
    finally:
        archive.close()
    print(f"archive: {archive.shown}")
    if not version:
        print("schema: none (run 'briefing archive init')")
        return 1
    print(f"schema: version {version}" + ("" if version == latest() else f" (this Briefing knows {latest()})"))
    articles, stories, analysts, last = counts
    print(f"articles: {articles} in {stories} stories; last ingested {last.isoformat(timespec='seconds') if last else 'never'}")
    print(f"analysts with marks: {analysts}")
    print(f"you are: {who}")
    return 0


def run_analyst(args: argparse.Namespace) -> int:
    from briefing.archive.connection import ArchiveError

    archive = _archive(args)
    try:
        archive.run(lambda con: con.execute(
            "INSERT INTO briefing.analysts (name, role) VALUES (%s, %s)"
            " ON CONFLICT (name) DO UPDATE SET role = excluded.role", (args.name, args.role)))
    except ArchiveError as exc:
        raise _fail(exc) from None
    finally:
        archive.close()
    print(f"the role {args.role} may now work as {args.name}")
    return 0
