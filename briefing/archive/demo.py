"""``make archive-demo``: a team archive on a local throwaway cluster, with the reader opened on it.

Starts PostgreSQL in a temporary folder (as an unprivileged user when run as
root), creates the schema, two analysts (``ana`` and ``ben``), ingests the
content folder, and opens the reader as ``ana``. While it runs, a second
terminal can open ben's reader with the command printed at start, to watch
marks travel. Quitting the reader stops the cluster and removes its folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from briefing.archive import throwaway
    from briefing.archive.connection import Archive
    from briefing.archive.migrations import migrate
    from briefing.cli import main as briefing

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", default="content", help="the folder to ingest (default: content)")
    args = parser.parse_args(argv)
    try:
        cluster = throwaway.start()
    except throwaway.Unavailable as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 1
    try:
        cluster.sql("CREATE ROLE briefing_analyst NOLOGIN; CREATE ROLE briefing_ingest NOLOGIN")
        cluster.create_role("owner", createrole=True)
        cluster.sql("CREATE DATABASE briefing OWNER owner")
        for analyst in ("ana", "ben"):
            cluster.create_role(analyst, member_of=("briefing_analyst", "briefing_ingest"))
        os.environ.update(cluster.env())
        con = Archive(cluster.url("owner", "briefing")).connect()
        try:
            migrate(con, print)
        finally:
            con.close()
        url = cluster.url("ana", "briefing")
        code = briefing(["index", "--content", str(Path(args.content)), "--archive", url])
        if code:
            return code
        print(f"\nben's reader, from another terminal while this one runs:\n"
              f"  PGPASSFILE={cluster.pgpass} {sys.executable} -m briefing --archive {cluster.url('ben', 'briefing')}\n",
              file=sys.stderr)
        if sys.stdin.isatty():  # the reader takes the screen: leave time to copy ben's command
            try:
                input("Press Enter to open ana's reader (q quits it and removes the archive)... ")
            except EOFError:
                pass
        return briefing(["--archive", url])
    finally:
        cluster.remove()


if __name__ == "__main__":
    sys.exit(main())
