"""Why a search could not run: kept apart from the query parser, so the reader can name it without loading Whoosh."""

from __future__ import annotations


class QueryError(Exception):
    """A query that cannot be run; the message says why, for the user."""
