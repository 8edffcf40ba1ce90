"""Segments built apart and committed whole: how a large batch of files is indexed.

A first build of 100,000 files through one writer spent its time in Whoosh's
pure-Python indexing, on one core, with everything passed between processes
twice (the parsed article to the writer, the document to Whoosh's sub-writers)
and merges that rewrote most of the index twice more. Here each worker process
reads, parses and indexes a chunk of files into a segment of its own, in a
build folder of its own, and hands back the segment and a few fields per
file; the indexing process moves the files in and commits them without
merging. Every document is written once, and merged at most once: the small
chunks a pass starts with are merged by workers into larger segments (a
search pays per segment), and nothing merges them again.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import NO_MERGE, SegmentWriter

from briefing.search import integrity
from briefing.search.files import Job, read_one
from briefing.search.merge import ChunkWriter, merge_into
from briefing.search.schema import document
from briefing.search.toc import create_index

# Documents per worker segment. Whoosh's sort pool, past its memory limit,
# wrote sorted runs to disk and merged them (a seventh of a build's time);
# the chunk writer's term pool keeps a posting in about 30 bytes, so a chunk
# of 8,000 news articles stays in memory (about 150 MB). Large chunks write
# each term once per chunk instead of once per thousand documents, and are
# never merged again: merging cost as much CPU per article as a third of
# indexing it. 100,000 articles make about a dozen segments.
CHUNK = 8000
POOL_MB = 256
# The smaller chunks a pass starts with (so that the first articles are
# listed at once) are merged, each once, in groups of at least MERGE_GROUP.
MERGE_GROUP = 8
# An update merges the small segments left by earlier updates once there are
# SMALL_MERGE_AT of them below SMALL documents, at most MERGE_CAP documents at
# a time: a bounded cost, paid rarely.
SMALL = 500
SMALL_MERGE_AT = 10
MERGE_CAP = 1000


@dataclass(frozen=True, slots=True)
class Indexed:
    """What the indexing process needs of a parsed article: the catalogue's fields."""

    title: str
    source: str | None
    date: object
    tags: list[str]
    warnings: list[str]
    words: dict[str, int]


class Committer(SegmentWriter):
    """Whoosh's segment writer, which also commits segments built elsewhere and records the files it used."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, compound=False, **kwargs)
        self.folder = Path(ix.storage.folder)
        self.extra: list = []
        self.replaced: set[str] = set()

    def add_segments(self, built: Sequence[tuple[object, Path]]) -> None:
        """Move segments from their build folders into the index; they join at the commit."""
        for segment, build_dir in built:
            for name in integrity.segment_files(build_dir, [segment]):
                os.replace(build_dir / name, self.folder / name)
            shutil.rmtree(build_dir, ignore_errors=True)
            self.extra.append(segment)

    def replace_segments(self, merged, build_dir: Path, sources: Sequence) -> None:
        """*merged* (built from *sources*) takes their place at the commit."""
        self.add_segments([(merged, build_dir)])
        self.replaced.update(s.segment_id() for s in sources)

    def _merge_segments(self, mergetype, optimize, merge):
        kept = super()._merge_segments(mergetype or small_segments_policy, optimize, merge)
        return [s for s in kept if s.segment_id() not in self.replaced] + self.extra

    def _commit_toc(self, segments) -> None:
        integrity.write_manifest(self.folder, self.generation, segments)
        super()._commit_toc(segments)
        integrity.record_toc(self.folder, self.generation)
        integrity.forget_older(self.folder, self.generation)

    def cancel(self) -> None:
        super().cancel()
        # Moved in but never committed: not part of any generation.
        for segment in self.extra:
            for name in integrity.segment_files(self.folder, [segment]):
                (self.folder / name).unlink(missing_ok=True)


def small_segments_policy(writer, segments):
    """Merge the smallest segments (under SMALL documents), at most MERGE_CAP documents, once there are SMALL_MERGE_AT.

    Each update leaves a small segment; this keeps their number down at a
    bounded cost per update, and never touches the large segments a first
    build made (Whoosh's own policy rewrote most of a 100,000-article index).
    """
    small = sorted((s for s in segments if s.doc_count_all() < SMALL), key=lambda s: s.doc_count_all())
    if len(small) < SMALL_MERGE_AT:
        return segments
    chosen, documents = [], 0
    for segment in small:
        if chosen and documents + segment.doc_count_all() > MERGE_CAP:
            break
        chosen.append(segment)
        documents += segment.doc_count_all()
    if len(chosen) < 2:
        return segments
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged = {s.segment_id() for s in chosen}
    return [s for s in segments if s.segment_id() not in merged]


def no_merge(writer, segments):
    return NO_MERGE(writer, segments)


# In the worker processes ------------------------------------------------------


def _build_folder(index_dir: Path) -> tuple[Path, windex.Index]:
    """A private folder inside the index's build folder, with an empty index to write a segment for."""
    folder = Path(index_dir) / integrity.BUILD_DIR / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    ix = create_index(FileStorage(str(folder)))
    return folder, ix


def build_chunk(job: tuple[str, list[Job]]) -> tuple[object | None, str, list[tuple]]:
    """Read, parse and index one chunk of files into a segment of its own.

    Returns the segment (None if no file became a document), its build
    folder, and each file's outcome with the article reduced to :class:`Indexed`.
    """
    index_dir, files = job
    folder, ix = _build_folder(Path(index_dir))
    writer = ChunkWriter(ix, _lk=False, compound=False, limitmb=POOL_MB)
    outcomes = []
    try:
        for args in files:
            outcome = read_one(args)
            if outcome[0] == "article":
                _, article, digest, words = outcome
                writer.add_document(**document(article, args[1]))
                outcome = ("article", Indexed(article.title, article.source, article.date, list(article.tags),
                                              list(article.warnings), words), digest, words)
            outcomes.append(outcome)
        segment = writer._finalize_segment() if writer._added else None
        if segment is None:
            writer._close_segment()
        writer._finish()
    except BaseException:
        writer.cancel()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return segment, str(folder), outcomes


def merge_segments(job: tuple[str, list]) -> tuple[object, str]:
    """Merge committed segments of the index into one new segment, built apart."""
    index_dir, segments = job
    folder, ix = _build_folder(Path(index_dir))
    storage = integrity.MappedStorage(str(index_dir))
    writer = SegmentWriter(ix, _lk=False, compound=False, limitmb=POOL_MB)
    readers = [SegmentReader(storage, writer.schema, segment) for segment in segments]
    try:
        merge_into(writer, readers)
        writer.fieldwriter.close()
        writer.pool.cleanup()
        merged = writer.get_segment()
        writer._finish()
    except BaseException:
        writer.cancel()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        for reader in readers:
            reader.close()
    return merged, str(folder)
