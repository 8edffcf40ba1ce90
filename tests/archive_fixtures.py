"""A PostgreSQL cluster for the tests, started once per test session and stopped at its end.

Run as an unprivileged user (PostgreSQL refuses root): see
``briefing.archive.throwaway``. Where PostgreSQL is not installed (and
``.ci/run`` could not install it), the tests that need it are skipped with
the reason printed. Each test module gets a database of its own, with the
Briefing schema, an owner that ingests, and two analysts, ana and ben, each
a role of their own.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory):
    from briefing.archive import throwaway

    try:
        cluster = throwaway.start()
    except throwaway.Unavailable as exc:
        pytest.skip(f"no PostgreSQL here: {exc}")
    for role in ("ana", "ben", "desk"):
        cluster.create_role(role)
    cluster.create_role("owner", createrole=True)
    yield cluster
    cluster.remove()


@dataclass
class TestArchive:
    """One database with the schema: its URLs by role, and the environment to reach it with."""

    cluster: object
    database: str

    def url(self, role: str = "owner") -> str:
        return self.cluster.url(role, self.database)

    def env(self) -> dict[str, str]:
        return {**os.environ, **self.cluster.env()}

    def sql(self, statement: str) -> str:
        return self.cluster.sql(statement, self.database)

    def briefing(self, *args: str, role: str = "owner", check: bool = True, env: dict | None = None,
                 timeout: float = 120) -> subprocess.CompletedProcess:
        """Run the briefing command against this archive as *role*."""
        done = subprocess.run([sys.executable, "-m", "briefing", *args, "--archive", self.url(role)],
                              capture_output=True, text=True, env={**self.env(), **(env or {})}, timeout=timeout,
                              cwd=ROOT)
        if check and done.returncode != 0:
            raise AssertionError(f"briefing {' '.join(args)} failed ({done.returncode}): {done.stderr}")
        return done


def new_archive(cluster, monkeypatch=None) -> TestArchive:
    """A fresh database with Briefing's schema, set up by its owner; ana and ben may work in it."""
    from briefing.archive.connection import Archive
    from briefing.archive.migrations import migrate

    name = f"archive{next(_counter)}"
    cluster.sql(f"CREATE DATABASE {name} OWNER owner")
    # The group roles are the cluster's: made once by a superuser, granted to the analysts.
    cluster.sql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'briefing_analyst') THEN "
                "CREATE ROLE briefing_analyst NOLOGIN; CREATE ROLE briefing_ingest NOLOGIN; END IF; END $$")
    cluster.sql("GRANT briefing_analyst TO ana, ben, desk; GRANT briefing_ingest TO ana, ben, desk")
    os.environ.update(cluster.env())
    archive = Archive(cluster.url("owner", name))
    con = archive.connect()
    try:
        migrate(con)
    finally:
        con.close()
    return TestArchive(cluster, name)


@pytest.fixture(scope="module")
def pg_archive(pg_cluster):
    """A database of the module's own, with the sample content ingested by its owner."""
    archive = new_archive(pg_cluster)
    archive.briefing("index", "--content", str(ROOT / "content"))
    return archive


@pytest.fixture
def pg_env(pg_cluster, monkeypatch):
    """The test's environment finds the cluster's passwords (a .pgpass file), as an analyst's would."""
    for key, value in pg_cluster.env().items():
        monkeypatch.setenv(key, value)
    return pg_cluster
