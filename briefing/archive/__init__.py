"""The team archive: articles, search and review state shared by many analysts, in PostgreSQL.

Chosen by one setting (``archive: postgresql://...``, ``--archive``,
``BRIEFING_ARCHIVE``); without it Briefing keeps its embedded Whoosh index and
SQLite state. The parts, each small:

- :mod:`.connection`: connecting (psycopg 3 and its pool), bounds on every statement, who the analyst is;
- :mod:`.migrations`: the schema, versioned, applied by ``briefing archive init``;
- :mod:`.ingest`: ``briefing index --archive``: files read, parsed and written once, from any machine;
- :mod:`.tsquery`: the query language, translated to PostgreSQL full-text search;
- :mod:`.search`: ranked results with highlighted snippets, the list, articles read back;
- :mod:`.marks`: each analyst's marks, and the team's as others see them;
- :mod:`.live`: LISTEN/NOTIFY, so that another analyst's change shows within a second;
- :mod:`.placement`: stories grouped at ingest, as the embedded index groups them;
- :mod:`.throwaway`: a local cluster for the tests, the demo and the bench.

Nothing here imports Textual.
"""

from briefing.archive.connection import ArchiveError, ArchiveUnavailable

__all__ = ["ArchiveError", "ArchiveUnavailable"]
