"""A PostgreSQL cluster of one's own, in a temporary folder: for the tests, the demo and the bench.

``initdb`` into a fresh folder, then ``pg_ctl start`` on 127.0.0.1 and a free
port; stopped and removed at the end. PostgreSQL refuses to run as root, so a
root caller runs it as an unprivileged user (``postgres`` where the system
package made one, else a system user created for it). Passwords are set for
each role and handed over in a ``.pgpass`` file, never in a URL.

    python -m briefing.archive.throwaway --keep DIR     # start one, print its URL, leave it running
    python -m briefing.archive.throwaway --stop DIR     # stop it and remove the folder
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVICE_USER = "briefing-pg"


class Unavailable(Exception):
    """No PostgreSQL can be started here; the message says why (for a test's skip reason)."""


def find_bindir() -> Path:
    """The folder with initdb and pg_ctl: $BRIEFING_PG_BIN, the newest Debian install, or the PATH."""
    wanted = os.environ.get("BRIEFING_PG_BIN")
    candidates = [Path(wanted)] if wanted else []
    candidates += sorted((Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
                         key=lambda p: _version_key(p.parent.name), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise Unavailable("PostgreSQL is not installed (no initdb and pg_ctl; apt-get install postgresql, "
                      "or set BRIEFING_PG_BIN)")


def _version_key(name: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in name.split("."))


def service_user() -> pwd.struct_passwd | None:
    """Who runs the server: None for the caller itself, else an unprivileged user (created if need be)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", SERVICE_USER):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    useradd = shutil.which("useradd")
    if useradd is None:
        raise Unavailable("running as root, and no unprivileged user to run PostgreSQL as (no useradd)")
    done = subprocess.run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise Unavailable(f"could not create a user to run PostgreSQL as: {done.stderr.strip()}")
    return pwd.getpwnam(SERVICE_USER)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    """A running throwaway cluster: where it is, its superuser's URL, and the passwords file."""

    folder: Path
    port: int
    bindir: Path
    user: pwd.struct_passwd | None
    passwords: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def pgpass(self) -> Path:
        return self.folder / "pgpass"

    def url(self, role: str = "postgres", database: str = "postgres") -> str:
        """A URL without a password: that comes from the .pgpass file (PGPASSFILE)."""
        return f"postgresql://{role}@{self.host}:{self.port}/{database}"

    def env(self) -> dict[str, str]:
        """What a client needs in its environment to find its passwords."""
        return {"PGPASSFILE": str(self.pgpass)}

    def add_password(self, role: str, password: str) -> None:
        self.passwords[role] = password
        lines = [f"{self.host}:{self.port}:*:{r}:{p}" for r, p in self.passwords.items()]
        self.pgpass.write_text("\n".join(lines) + "\n")
        self.pgpass.chmod(0o600)

    def _run(self, command: list[str], **kwargs) -> subprocess.CompletedProcess:
        kwargs.setdefault("capture_output", True)
        kwargs.setdefault("text", True)
        if self.user is not None:
            kwargs.update(user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=[])
        return subprocess.run(command, cwd=self.folder, **kwargs)

    def start(self, durable: bool = False) -> None:
        options = [f"-p {self.port}", f"-k {self.folder}", "-c listen_addresses=127.0.0.1",
                   "-c max_connections=60", "-c shared_buffers=256MB"]
        if not durable:
            # Tests need no crash safety; a bench wants the real thing.
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        done = self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", " ".join(options),
                          "-l", str(self.folder / "log"), "-w", "-t", "60", "start"])
        if done.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace")[-2000:] if (self.folder / "log").exists() else ""
            raise Unavailable(f"PostgreSQL did not start: {done.stderr.strip() or done.stdout.strip()} {log}")

    def stop(self) -> None:
        if self.data.exists():
            self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def kill(self) -> None:
        """Stop the server at once (a lost server, for tests); start() brings it back with its data."""
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run *statement* as the superuser with psql; its output."""
        done = subprocess.run(
            [str(self.bindir / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database=database),
             "-c", statement], capture_output=True, text=True, env={**os.environ, **self.env()})
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip())
        return done.stdout.strip()

    def create_role(self, role: str, *, login: bool = True, superuser: bool = False, createrole: bool = False,
                    member_of: tuple[str, ...] = ()) -> str:
        """Create *role* with a fresh password (kept in the .pgpass file); its URL."""
        password = secrets.token_urlsafe(12)
        options = ["LOGIN" if login else "NOLOGIN", "SUPERUSER" if superuser else "NOSUPERUSER"]
        if createrole:
            options.append("CREATEROLE")
        self.sql(f"CREATE ROLE \"{role}\" {' '.join(options)} PASSWORD '{password}'")
        for group in member_of:
            self.sql(f"GRANT \"{group}\" TO \"{role}\"")
        self.add_password(role, password)
        return self.url(role)


def start(folder: Path | None = None, durable: bool = False) -> Cluster:
    """Make and start a cluster in *folder* (a new temporary one by default). Raises :class:`Unavailable`."""
    bindir = find_bindir()
    user = service_user()
    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="briefing-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(folder, free_port(), bindir, user)
    password = secrets.token_urlsafe(16)
    pwfile = folder / "superuser-password"
    pwfile.write_text(password + "\n")
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
        os.chown(pwfile, user.pw_uid, user.pw_gid)
    folder.chmod(0o700)
    done = cluster._run([str(bindir / "initdb"), "-D", str(cluster.data), "-U", "postgres", "--no-sync",
                         "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
                         "-E", "UTF8", "--locale=C"])
    pwfile.unlink()
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise Unavailable(f"initdb failed: {done.stderr.strip()[-500:]}")
    cluster.add_password("postgres", password)
    deadline = time.monotonic() + 5
    try:
        cluster.start(durable=durable)
    except Unavailable:
        if time.monotonic() > deadline:
            pass
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A throwaway PostgreSQL cluster on 127.0.0.1.")
    parser.add_argument("--keep", metavar="DIR", help="start one in DIR and leave it running; print its URL")
    parser.add_argument("--stop", metavar="DIR", help="stop the cluster in DIR and remove DIR")
    args = parser.parse_args(argv)
    if args.stop:
        folder = Path(args.stop)
        if (folder / "data").exists():
            Cluster(folder, 0, find_bindir(), service_user()).remove()
        return 0
    if not args.keep:
        parser.error("give --keep DIR or --stop DIR")
    try:
        cluster = start(Path(args.keep))
    except Unavailable as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 1
    print(cluster.url())
    print(f"PGPASSFILE={cluster.pgpass}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
