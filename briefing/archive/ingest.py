"""``briefing index --archive``: a content folder written into the archive, once, from any machine.

An article is its relative path and the hash of its bytes. A file whose path
and hash the archive already holds is passed over without being parsed; a
file whose text the archive holds under another path is the same article
(a copy, or a second machine's feed folder) and is not added twice; a file
changed since it was ingested replaces the archive's version, unless the
archive's is newer (two machines with different versions converge on the
newest). New rows go in with ``ON CONFLICT DO NOTHING``, so machines ingesting
the same folder at once never make a duplicate: the database decides.

Files are read and hashed here, parsed in worker processes (parsing is most
of the cost), and written in batches by ``COPY`` into a staging table, then
one ``INSERT ... SELECT``. Stories are placed after the batches, under a lock
(:mod:`briefing.archive.placement`). Files removed from a folder stay in the
archive: one machine's clean-up does not take articles from the team.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefing.archive.connection import INGEST_STATEMENT_TIMEOUT_MS, Archive, ArchiveError
from briefing.decode import MAX_BYTES, too_large
from briefing.library import SETTLED_NS, scan_files
from briefing.sanitize import clean_line

# Characters of a body that are indexed (the whole file is kept and shown);
# a tsvector holds at most 1 MB.
MAX_INDEXED_CHARS = 300_000
BATCH = 500
# The ingest session's text-index pending lists and the memory their merge sorts in
# (kB): merged a few thousand articles at a time instead of a few hundred.
PENDING_LIST_KB = 65536
MERGE_MEMORY_KB = 65536
REVISION_LOCK = 0x42726968
PARALLEL_FROM = 50
RETRIES = 3

_COLUMNS = ("path", "digest", "title", "source", "date", "tags", "labels", "key_points", "body", "raw",
            "warnings", "words", "file_mtime")


@dataclass
class IngestReport:
    """What an ingest did; worded as ``briefing index`` words its report."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    # Files whose text the archive already holds under another path.
    duplicates: int = 0
    stories_placed: int = 0
    rebuilt: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def summary(self) -> str:
        text = (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
                f"{self.unchanged} unchanged, {len(self.skipped)} skipped")
        if self.duplicates:
            text += f", {self.duplicates} already in the archive under another name"
        return text


def archive_name(rel: str) -> str:
    """A file's relative path as the archive keys and shows it: escapes for what cannot be shown.

    Control and format characters, and bytes that are not UTF-8 (surrogates
    in a Python path), become ``\\xNN``/``\\uNNNN``; a backslash is doubled, so
    two different names never become one.
    """
    if rel.isascii() and rel.isprintable() and "\\" not in rel:
        return rel  # the common name, with nothing to escape, without a look at each character
    out = []
    for ch in rel:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif unicodedata.category(ch) in ("Cf", "Cs", "Co", "Cn"):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _mtime(mtime_ns: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(mtime_ns / 1e9, dt.timezone.utc)


def unchanged_since(known: tuple, size: int, mtime_ns: int) -> bool:
    """Whether a file is the one the archive holds under its path, by its size and time alone.

    Reading and hashing a folder of 100,000 files was most of an update of a
    few. A file whose size and modification time are those recorded when it
    was ingested is taken as unchanged, as make and rsync take it; but only when
    that time was well before the ingest, since a file rewritten within the
    same clock tick as it was read keeps its time.
    """
    _, mtime, ingested_at, stored_size = known
    return (mtime is not None and stored_size == size and mtime == _mtime(mtime_ns)
            and ingested_at - mtime > dt.timedelta(microseconds=SETTLED_NS // 1000))


def row_of(data: bytes, path: Path, rel: str, digest: str, mtime: dt.datetime) -> tuple:
    """The archive's row for one file (raises UnreadableFile): parsed as the embedded index parses it."""
    from briefing.parse import parse_bytes
    from briefing.stories.grouping import signature

    article = parse_bytes(data, path, extras=False, name=rel)
    given = [k.text for k in article.key_points if k.origin == "given"]
    body = "\n".join(p.text for p in article.paragraphs)[:MAX_INDEXED_CHARS]
    source = article.source or None
    labels = sorted({f"source:{w}" for w in (source or "").lower().split()}
                    | {f"tag:{t.strip().lower()}" for t in article.tags if t.strip()})
    return (rel, digest, article.title, source, article.date, list(article.tags), labels, "\n".join(given),
            body, data, list(article.warnings), signature(article), mtime)


def _parse_job(job: tuple[str, str, str, dt.datetime]) -> tuple:
    """In a worker: ("row", row) or ("skip", why)."""
    from briefing.model import UnreadableFile

    path_name, rel, digest, mtime = job
    path = Path(path_name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ("skip", f"{rel}: cannot be read ({exc.strerror})")
    if hashlib.sha256(data).hexdigest() != digest:
        digest = hashlib.sha256(data).hexdigest()  # changed since it was hashed: the new text goes in
    try:
        return ("row", row_of(data, path, rel, digest, mtime))
    except UnreadableFile as exc:
        return ("skip", str(exc))
    except Exception as exc:  # one file's surprise never stops the folder
        return ("skip", clean_line(f"{rel}: cannot be read ({type(exc).__name__}: {exc})"))


def _parse_all(jobs: list[tuple]) -> Iterator[tuple]:
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        yield from map(_parse_job, jobs)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from briefing.search.files import exit_with_parent

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        yield from pool.map(_parse_job, jobs, chunksize=16)


class ArchiveIngest:
    """Ingest one content folder into *archive*; the same calling shape as the embedded index's update."""

    def __init__(self, archive: Archive, content: Path, follow_links: bool = False) -> None:
        self.archive = archive
        self.content = content
        self.follow_links = follow_links
        self.dir = archive.shown  # what an error message names

    def update(self, rebuild: bool = False, progress: Callable[[int, int, bool], None] | None = None,
               wait: float = 0.0) -> IngestReport:
        import psycopg

        report = IngestReport()
        if rebuild:
            report.rebuilt = None  # the archive is never rebuilt from one machine's folder
        options = self.archive.connect_kwargs()["options"].replace(
            f"statement_timeout={self.archive.statement_timeout_ms}",
            f"statement_timeout={INGEST_STATEMENT_TIMEOUT_MS}")
        options += f" -c gin_pending_list_limit={PENDING_LIST_KB} -c work_mem={MERGE_MEMORY_KB}"
        con = self.archive.connect(options=options)
        try:
            from briefing.archive.migrations import check

            check(con)
            self._run(con, report, progress)
        except psycopg.Error as exc:
            from briefing.archive.connection import _classify

            raise _classify(exc, self.archive.url) from None
        finally:
            con.close()
        return report

    def _run(self, con, report: IngestReport, progress) -> None:
        from briefing.archive.placement import place_unplaced

        files, problems = scan_files(self.content, self.follow_links)
        report.skipped.extend(problems)
        root = os.path.join(os.fspath(self.content), "")
        rels = [archive_name(name[len(root):] if name.startswith(root)
                             else Path(name).relative_to(self.content).as_posix()) for _, name, _, _ in files]
        known_by_path = {row[0]: row[1:] for row in con.execute(
            "SELECT a.path, a.digest, a.file_mtime, a.ingested_at, octet_length(t.raw)"
            " FROM briefing.articles a JOIN briefing.article_texts t ON t.article = a.id"
            " WHERE a.path = ANY(%s)", (rels,))}
        total = len(files)
        done = 0
        jobs: list[tuple] = []
        hashed: dict[str, str] = {}
        for (_, name, size, mtime_ns), rel in zip(files, rels, strict=True):
            if size > MAX_BYTES:
                report.skipped.append(too_large(rel, size))
                done += 1
                continue
            known = known_by_path.get(rel)
            if known is not None and unchanged_since(known, size, mtime_ns):
                report.unchanged += 1
                done += 1
                continue
            try:
                with open(name, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            except OSError as exc:
                report.skipped.append(f"{rel}: cannot be read ({exc.strerror})")
                done += 1
                continue
            if known is not None and known[0] == digest:
                report.unchanged += 1
                done += 1
                continue
            hashed[rel] = digest
            jobs.append((name, rel, digest, _mtime(mtime_ns)))
        # A text already in the archive under another path is that article.
        elsewhere = dict(con.execute(
            "SELECT digest, path FROM briefing.articles WHERE digest = ANY(%s)", (list(hashed.values()),)).fetchall())
        fresh = []
        for job in jobs:
            other = elsewhere.get(job[2])
            if other is not None and other != job[1]:
                report.duplicates += 1
                done += 1
            else:
                fresh.append(job)
        if progress:
            progress(done, total, False)
        batch: list[tuple] = []
        for outcome in _parse_all(fresh):
            done += 1
            if outcome[0] == "skip":
                report.skipped.append(outcome[1])
            else:
                batch.append(outcome[1])
            if len(batch) >= BATCH:
                self._write(con, batch, report)
                batch = []
                if progress:
                    progress(done, total, True)
            elif progress and done % 25 == 0:
                progress(done, total, False)
        if batch:
            self._write(con, batch, report)
        if report.changed:
            con.execute("SELECT briefing.merge_pending()")
        report.stories_placed = place_unplaced(con)
        if progress:
            progress(total, total, bool(report.changed or report.stories_placed))

    def _write(self, con, rows: list[tuple], report: IngestReport) -> None:
        """One batch in one transaction, tried again after a deadlock with another machine's batch."""
        import psycopg

        rows.sort(key=lambda row: row[0])
        for attempt in range(RETRIES):
            try:
                with con.transaction():
                    added, updated, duplicates = write_batch(con, rows)
                break
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        report.added.extend(added)
        report.updated.extend(updated)
        report.duplicates += duplicates


_DOC = ("setweight(to_tsvector('english', s.title), 'A') || setweight(to_tsvector('english', s.key_points), 'B')"
        " || setweight(to_tsvector('english', s.body), 'C')")
_TITLE_DOC = "to_tsvector('english', s.title)"
_LEXICON = ("words AS (INSERT INTO briefing.lexicon (word) SELECT DISTINCT w FROM written,"
            " unnest(tsvector_to_array(written.doc)) w WHERE length(w) <= 40 ORDER BY 1 ON CONFLICT DO NOTHING)")
_TYPES = ["text", "text", "text", "text", "date", "text[]", "text[]", "text", "text", "bytea", "text[]", "jsonb",
          "timestamptz"]
_LISTED = ("path", "digest", "title", "source", "date", "tags", "labels", "warnings", "file_mtime")


def number(con, ids: list[int]) -> None:
    """Give the rows *ids* their revisions, in the order transactions commit (call just before committing).

    A reader asks for "revisions above the last one I saw": that is only
    sound if no lower revision can still commit later. The numbers are taken
    under a lock held until this transaction commits, so they commit in
    order; the lock covers this short step only, not the batch's work.
    """
    if not ids:
        return
    con.execute("SELECT pg_advisory_xact_lock(%s)", (REVISION_LOCK,))
    # A written article is listed anew and waits to be placed in a story.
    con.execute(
        "INSERT INTO briefing.listing (article, revision) SELECT id, nextval('briefing.revisions')"
        " FROM unnest(%s::bigint[]) AS id ORDER BY id"
        " ON CONFLICT (article) DO UPDATE SET revision = excluded.revision, story = NULL", (ids,))


def write_batch(con, rows: list[tuple]) -> tuple[list[str], list[str], int]:
    """Write parsed rows (inside a transaction): (paths added, paths updated, duplicates left out)."""
    from psycopg.types.json import Jsonb

    con.execute(
        "CREATE TEMP TABLE staging (path text, digest text, title text, source text, date date, tags text[],"
        " labels text[], key_points text, body text, raw bytea, warnings text[], words jsonb, file_mtime timestamptz)"
        " ON COMMIT DROP"
    )
    # Binary: the file's bytes go as they are, not as hex text.
    with con.cursor().copy(f"COPY staging ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(_TYPES)
        for row in rows:
            copy.write_row((*row[:11], Jsonb(row[11]), row[12]))
    listed = ", ".join(_LISTED)
    chosen = ", ".join(f"s.{c}" for c in _LISTED)
    # The archive's words (for fuzzy terms) are taken from the vectors as they are written.
    added = con.execute(
        f"WITH written AS (INSERT INTO briefing.articles ({listed}, doc, title_doc)"
        f" SELECT {chosen}, {_DOC}, {_TITLE_DOC} FROM staging s"
        " WHERE NOT EXISTS (SELECT 1 FROM briefing.articles a WHERE a.path = s.path)"
        " ORDER BY s.path ON CONFLICT DO NOTHING RETURNING id, path, doc),"
        f" {_LEXICON} SELECT id, path FROM written"
    ).fetchall()
    assigned = ", ".join(f"{c} = s.{c}" for c in _LISTED if c != "path")
    updated = con.execute(
        f"WITH written AS (UPDATE briefing.articles a SET {assigned}, doc = {_DOC}, title_doc = {_TITLE_DOC},"
        " ingested_at = now(), ingested_by = current_user"
        " FROM staging s WHERE a.path = s.path AND a.digest <> s.digest"
        " AND (a.file_mtime IS NULL OR s.file_mtime >= a.file_mtime)"
        " AND NOT EXISTS (SELECT 1 FROM briefing.articles b WHERE b.digest = s.digest)"
        f" RETURNING a.id, a.path, a.doc), {_LEXICON} SELECT id, path FROM written"
    ).fetchall()
    ids = [r[0] for r in added + updated]
    if updated:
        # An updated article's former words leave the story word counts (placement takes them off).
        con.execute("INSERT INTO briefing.words_to_count (article, words, step) SELECT article, words, -1"
                    " FROM briefing.article_texts WHERE article = ANY(%s)", ([r[0] for r in updated],))
    if ids:
        con.execute(
            "INSERT INTO briefing.words_to_count (article, words, step) SELECT a.id, s.words, 1"
            " FROM briefing.articles a JOIN staging s USING (path) WHERE a.id = ANY(%s)", (ids,))
        con.execute(
            "INSERT INTO briefing.article_texts (article, key_points, body, raw, words)"
            " SELECT a.id, s.key_points, s.body, s.raw, s.words FROM briefing.articles a JOIN staging s USING (path)"
            " WHERE a.id = ANY(%s) ORDER BY a.id"
            " ON CONFLICT (article) DO UPDATE SET key_points = excluded.key_points, body = excluded.body,"
            " raw = excluded.raw, words = excluded.words",
            (ids,),
        )
    number(con, ids)
    # Rows neither added nor updated: the same text arrived under another path
    # (or the archive holds a newer version of the file).
    return [r[1] for r in added], [r[1] for r in updated], len(rows) - len(ids)


__all__ = ["ArchiveError", "ArchiveIngest", "IngestReport", "row_of", "write_batch"]
