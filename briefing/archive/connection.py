"""Connecting to the archive: psycopg 3 with a small pool, every statement bounded, the analyst named.

Credentials never pass through Briefing's settings: the URL names the host,
the database and the role, and libpq finds the password in ``PGPASSWORD`` or
``~/.pgpass`` (``PGPASSFILE``) as for any PostgreSQL client. Every session
is bounded (``statement_timeout``, ``lock_timeout``,
``idle_in_transaction_session_timeout``), so no query a user can type holds
the server. A lost server is one :class:`ArchiveUnavailable` with a line to
show; the pool replaces broken connections by itself.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from briefing.sanitize import clean_line

SCHEMA = "briefing"
# Bounds for every session (milliseconds): a search or a mark never waits longer.
STATEMENT_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 3000
IDLE_IN_TRANSACTION_MS = 60000
CONNECT_TIMEOUT_S = 3
# Ingesting writes big batches: its statements get longer.
INGEST_STATEMENT_TIMEOUT_MS = 300000
APPLICATION = "briefing"

T = TypeVar("T")

# The pool says each failed connection on stderr; Briefing says it once, its own way.
_POOL_LOG = logging.getLogger("psycopg.pool")
_POOL_LOG.addHandler(logging.NullHandler())
_POOL_LOG.propagate = False


class ArchiveError(Exception):
    """The archive refused or failed something; one line for the user."""


class ArchiveUnavailable(ArchiveError):
    """The archive cannot be reached (a lost connection, a server down); worth trying again later."""


def is_archive_url(value: str) -> bool:
    return bool(re.match(r"^postgres(ql)?://", value.strip()))


def shown_url(url: str) -> str:
    """*url* as it may be shown: never a password."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an archive URL that cannot be read)"
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}@{host}"
    return clean_line(f"{parts.scheme}://{netloc}{parts.path}")


def has_password(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.password is not None or "password=" in (parts.query or "")


def describe_error(exc: BaseException | str, url: str) -> str:
    """One line for the user: what went wrong, without a password or a traceback."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return clean_line(f"{text} ({shown_url(url)})")[:400]


def _classify(exc: BaseException, url: str) -> ArchiveError:
    import psycopg

    message = describe_error(exc, url)
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)) and not isinstance(
        exc, psycopg.errors.QueryCanceled
    ):
        # libpq's first line says what failed; the lines after it are hints for a server's admin.
        first = (str(exc).strip().splitlines() or [""])[0]
        return ArchiveUnavailable(f"the archive is unreachable: {describe_error(first or exc, url)}")
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return ArchiveError("the archive took too long to answer (the statement was cancelled)")
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return ArchiveError(f"the archive refused: {message}")
    if isinstance(exc, psycopg.errors.UndefinedTable):
        return ArchiveError(f"the archive has no Briefing schema yet (run 'briefing archive init'): {message}")
    return ArchiveError(message)


class Archive:
    """One archive: its URL, the analyst's name, and a pool of bounded connections."""

    def __init__(self, url: str, analyst: str | None = None, *, pool_size: int = 4,
                 statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> None:
        if not is_archive_url(url):
            raise ArchiveError(f"not a PostgreSQL URL: {shown_url(url)} (want postgresql://user@host/db)")
        self.url = url
        self.analyst_name = analyst
        self.statement_timeout_ms = statement_timeout_ms
        self._pool_size = pool_size
        self._pool = None
        self._lock = threading.Lock()
        self._identity: str | None = None
        # Set by a live listener while the archive cannot be reached: changes fail at once
        # instead of waiting for a connection (the reader's keys must not hang).
        self.down: str | None = None

    @property
    def shown(self) -> str:
        return shown_url(self.url)

    # Connections

    def connect_kwargs(self) -> dict[str, Any]:
        options = [
            f"-c statement_timeout={self.statement_timeout_ms}",
            f"-c lock_timeout={LOCK_TIMEOUT_MS}",
            f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}",
            f"-c search_path={SCHEMA},public",
        ]
        if self.analyst_name:
            # A name for a shared role; the database decides whether the role may use it.
            options.append(f"-c briefing.analyst={_option_value(self.analyst_name)}")
        return {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": APPLICATION,
                "options": " ".join(options), "autocommit": True,
                # A server that vanished (a cable, a crash) is noticed within about 20 s, not hours.
                "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 2}

    def connect(self, **overrides: Any):
        """A connection of its own (not from the pool): for listening, ingesting, migrating."""
        import psycopg

        kwargs = {**self.connect_kwargs(), **overrides}
        try:
            return psycopg.connect(self.url, **kwargs)
        except Exception as exc:
            raise _classify(exc, self.url) from None

    def _get_pool(self):
        with self._lock:
            if self._pool is None:
                from psycopg_pool import ConnectionPool

                self._pool = ConnectionPool(
                    self.url, min_size=0, max_size=self._pool_size, kwargs=self.connect_kwargs(),
                    check=ConnectionPool.check_connection, timeout=CONNECT_TIMEOUT_S,
                    reconnect_timeout=0, open=True, name="briefing",
                )
            return self._pool

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A pooled connection (autocommit); any failure comes out as an :class:`ArchiveError`."""
        import psycopg
        from psycopg_pool import PoolTimeout

        if self.down is not None:
            raise ArchiveUnavailable(self.down)
        try:
            with self._get_pool().connection() as con:
                yield con
        except ArchiveError:
            raise
        except PoolTimeout as exc:
            raise ArchiveUnavailable(f"the archive is unreachable: {describe_error(exc, self.url)}") from None
        except psycopg.Error as exc:
            raise _classify(exc, self.url) from None

    def run(self, work: Callable[[Any], T]) -> T:
        """*work(connection)* on a pooled connection."""
        with self.connection() as con:
            return work(con)

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.connection() as con:
            with con.transaction():
                yield con

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close(timeout=1)
                self._pool = None

    # Who is working

    def identity(self) -> str:
        """The analyst this session writes marks as: the database role, or a name registered for it."""
        if self._identity is None:
            row = self.run(lambda con: con.execute("SELECT briefing.analyst(), current_user").fetchone())
            if row[0] is None:
                raise ArchiveError(
                    f"the name {self.analyst_name!r} is not registered for the role {row[1]!r}: "
                    f"ask the archive's owner to run 'briefing archive analyst {self.analyst_name} --role {row[1]}'"
                )
            self._identity = clean_line(row[0])
        return self._identity


def _option_value(value: str) -> str:
    """A value for libpq's ``options``: spaces and backslashes escaped."""
    return value.replace("\\", "\\\\").replace(" ", "\\ ")
