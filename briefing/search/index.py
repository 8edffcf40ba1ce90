"""The Whoosh index of a content folder: where it lives, and keeping it in step with the files.

Only changed files are read: a file whose size and modification time match
what the index holds is passed over; one whose times differ but whose content
hash matches is not re-parsed. The index records the Whoosh version and our
schema version beside it, and is rebuilt when either changes or when it
cannot be opened (left broken by a crash or a kill).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import whoosh
from whoosh import index as windex
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError

from briefing.decode import MAX_BYTES, decode_bytes
from briefing.library import find_files
from briefing.model import Article, UnreadableFile
from briefing.parse import parse_text

SCHEMA_VERSION = 1
META_FILE = "briefing-index.json"
INDEX_NAME = "articles"
WRITER_TIMEOUT = 5.0


def make_schema() -> Schema:
    text = StemmingAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        title=TEXT(analyzer=text, stored=True, field_boost=3.0),
        body=TEXT(analyzer=text, stored=True),
        key_points=TEXT(analyzer=text, stored=True, field_boost=1.5),
        source=KEYWORD(lowercase=True, stored=True, commas=False, scorable=True),
        tags=KEYWORD(lowercase=True, commas=True, stored=True, scorable=True),
        date=DATETIME(stored=True, sortable=True),
        size=STORED(),
        mtime=STORED(),
        digest=STORED(),
    )


def default_index_dir(content: Path) -> Path:
    """The index for *content*: ``BRIEFING_INDEX_DIR``, else one per folder in the user cache."""
    env = os.environ.get("BRIEFING_INDEX_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    key = hashlib.sha256(str(content.resolve()).encode()).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("briefing")) / "index" / key


def article_id(rel_path: str) -> str:
    return hashlib.sha256(rel_path.encode()).hexdigest()[:16]


class IndexBusy(Exception):
    """Another process is writing the index."""


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    # Said when the index had to be rebuilt, and why.
    rebuilt: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped"
        )


def _meta() -> dict[str, object]:
    return {"schema": SCHEMA_VERSION, "whoosh": whoosh.versionstring()}


class ContentIndex:
    """The index of one content folder."""

    def __init__(self, content: Path, index_dir: Path | None = None) -> None:
        self.content = content
        self.dir = index_dir or default_index_dir(content)

    # Opening

    def _meta_ok(self) -> str | None:
        """None when the stored versions match ours, else why they do not."""
        try:
            stored = json.loads((self.dir / META_FILE).read_text())
        except (OSError, ValueError):
            return "no version record"
        if stored != _meta():
            return f"made by another version ({stored.get('whoosh')}, schema {stored.get('schema')})"
        return None

    def open(self) -> windex.Index:
        """Open the index for reading. Raises if it is missing or unusable."""
        problem = self._meta_ok()
        if problem:
            raise windex.EmptyIndexError(problem)
        return windex.open_dir(str(self.dir), indexname=INDEX_NAME)

    def _create(self) -> windex.Index:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(self.dir), make_schema(), indexname=INDEX_NAME)
        (self.dir / META_FILE).write_text(json.dumps(_meta()))
        return ix

    def _open_or_create(self, report: UpdateReport, rebuild: bool) -> windex.Index:
        if rebuild:
            report.rebuilt = "rebuild requested"
            return self._create()
        if not (self.dir / META_FILE).exists() and not any(self.dir.glob(f"_{INDEX_NAME}_*.toc")):
            return self._create()
        try:
            ix = self.open()
            # A crash can leave segments that open but fail to read.
            with ix.searcher() as searcher:
                searcher.doc_count()
            return ix
        except LockError:
            raise
        except Exception as exc:  # any failure to read means: build it again
            report.rebuilt = f"the index could not be read ({type(exc).__name__}: {exc}); rebuilt from the content"
            return self._create()

    # Updating

    @contextlib.contextmanager
    def _update_lock(self, wait: float):
        """One updater at a time, from any process.

        Whoosh's own writer lock lives inside the index folder, which a
        rebuild deletes; this lock sits beside the folder, so two processes
        can never both decide to create the index and remove each other's.
        """
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.dir.with_name(self.dir.name + ".lock"), "a") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(
                            "the index is being updated by another Briefing process; try again shortly"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def update(
        self,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        wait: float = WRITER_TIMEOUT,
    ) -> UpdateReport:
        """Bring the index in step with the files. Raises :class:`IndexBusy` when locked."""
        with self._update_lock(wait):
            return self._update(rebuild, progress, wait)

    def _update(
        self, rebuild: bool, progress: Callable[[int, int], None] | None, wait: float
    ) -> UpdateReport:
        report = UpdateReport()
        ix = self._open_or_create(report, rebuild)
        with ix.searcher() as searcher:
            known = {f["path"]: f for f in searcher.all_stored_fields()}
        paths, problems = find_files(self.content)
        report.skipped.extend(problems)

        try:
            writer = ix.writer(timeout=wait)
        except LockError:
            raise IndexBusy(
                "the index is being updated by another Briefing process; try again shortly"
            ) from None
        try:
            seen: set[str] = set()
            for n, path in enumerate(paths):
                if progress:
                    progress(n, len(paths))
                rel = path.relative_to(self.content).as_posix()
                seen.add(rel)
                self._update_file(writer, path, rel, known.get(rel), report)
            for rel in sorted(set(known) - seen):
                writer.delete_by_term("path", rel)
                report.removed.append(rel)
            if report.changed or report.rebuilt:
                writer.commit()
            else:
                writer.cancel()
        except BaseException:
            writer.cancel()
            raise
        return report

    def _update_file(self, writer, path: Path, rel: str, stored: dict | None, report: UpdateReport) -> None:
        try:
            stat = path.stat()
        except OSError as exc:
            report.skipped.append(f"{rel}: cannot be read ({exc.strerror})")
            return
        if stored and stored.get("size") == stat.st_size and stored.get("mtime") == stat.st_mtime_ns:
            report.unchanged += 1
            return
        try:
            if stat.st_size > MAX_BYTES:
                raise UnreadableFile(f"{rel}: too large")
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if stored and stored.get("digest") == digest:
                # Touched but not changed: record the new times, skip parsing.
                writer.update_document(**{**stored, "mtime": stat.st_mtime_ns})
                report.unchanged += 1
                return
            text, warnings = decode_bytes(data, rel)
            article = parse_text(text, path, warnings)
        except UnreadableFile as exc:
            report.skipped.append(f"{exc}")
            if stored:
                writer.delete_by_term("path", rel)
                report.removed.append(rel)
            return
        except OSError as exc:
            report.skipped.append(f"{rel}: cannot be read ({exc.strerror})")
            return
        writer.update_document(**document(article, rel, stat.st_size, stat.st_mtime_ns, digest))
        (report.updated if stored else report.added).append(rel)


def document(article: Article, rel: str, size: int, mtime: int, digest: str) -> dict[str, object]:
    date = dt.datetime.combine(article.date, dt.time()) if article.date else None
    fields: dict[str, object] = {
        "id": article_id(rel),
        "path": rel,
        "title": article.title,
        "body": "\n".join(p.text for p in article.paragraphs),
        "key_points": "\n".join(k.text for k in article.key_points if k.origin == "given"),
        "source": article.source or "",
        "tags": ",".join(article.tags),
        "size": size,
        "mtime": mtime,
        "digest": digest,
    }
    if date is not None:
        fields["date"] = date
    return fields
