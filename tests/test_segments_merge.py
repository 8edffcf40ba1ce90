"""Segments merged by streaming their postings: the same index Whoosh's own merge writes, at a fraction of the cost."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from briefing.search import integrity
from briefing.search import segments as seg
from briefing.search.toc import create_index

WORDS = ("harbour ministry ceasefire convoy tariff election drought refinery pipeline senate "
         "brigade famine reactor embassy quarry lagoon").split()


def write_articles(folder: Path, count: int, seed: int) -> list[tuple]:
    """Articles sharing common words (long posting lists over several blocks) and rare ones."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    for n in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80)))
        rare = f"rare{seed}x{n}"
        path = folder / f"a{seed}-{n:03}.md"
        path.write_text(f"---\ntitle: Report {n} on the {rng.choice(WORDS)}\nsource: Wire {n % 3}\n"
                        f"date: 2024-0{1 + n % 9}-1{n % 10}\ntags: [t{n % 4}]\n---\n{body} {rare}.\n\n"
                        f"A second paragraph on the {rng.choice(WORDS)}.\n", encoding="utf-8")
        jobs.append((str(path), path.name, path.stat().st_size, None))
    return jobs


@pytest.fixture
def chunk_segments(tmp_path):
    """Three segments built apart by the indexing workers' own code, moved into one index folder."""
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    built = []
    for seed, count in ((1, 180), (2, 150), (3, 40)):
        segment, folder, outcomes = seg.build_chunk((str(index_dir), write_articles(tmp_path / f"c{seed}", count, seed)))
        assert all(o[0] == "article" for o in outcomes)
        for name in integrity.segment_files(Path(folder), [segment]):
            shutil.move(str(Path(folder) / name), index_dir / name)
        built.append(segment)
    return index_dir, built


def whoosh_merge(index_dir: Path, segments: list, out: Path):
    """The reference: Whoosh's own add_reader merge through its sort pool."""
    out.mkdir()
    ix = create_index(FileStorage(str(out)))
    writer = SegmentWriter(ix, _lk=False, compound=False)
    for segment in segments:
        reader = SegmentReader(FileStorage(str(index_dir)), writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged = writer._finalize_segment()
    writer._finish()
    return merged


def contents(folder: Path, segment) -> dict[str, str]:
    """Each file of a segment by its kind (postings, terms, columns, stored fields), as a digest of its bytes."""
    return {name.split(".", 1)[1]: hashlib.sha256((folder / name).read_bytes()).hexdigest()
            for name in integrity.segment_files(folder, [segment])}


def test_the_streamed_merge_writes_the_segment_whooshs_merge_writes_byte_for_byte(tmp_path, chunk_segments):
    index_dir, segments = chunk_segments
    merged, folder = seg.merge_segments((str(index_dir), segments))
    reference = whoosh_merge(index_dir, segments, tmp_path / "reference")
    assert merged.doc_count_all() == 370
    ours, theirs = contents(Path(folder), merged), contents(tmp_path / "reference", reference)
    assert {"pst", "trm", "_stored.col"} <= set(ours)
    assert ours == theirs


def test_documents_deleted_from_a_segment_are_left_out_of_the_merge_as_whoosh_leaves_them(tmp_path, chunk_segments):
    index_dir, segments = chunk_segments
    # An article replaced or removed since the segment was written: marked deleted, not yet dropped.
    for docnum in (0, 5, 77, 179):
        segments[0].delete_document(docnum)
    segments[1].delete_document(149)
    merged, folder = seg.merge_segments((str(index_dir), segments))
    reference = whoosh_merge(index_dir, segments, tmp_path / "reference")
    assert merged.doc_count_all() == 370 - 5
    assert contents(Path(folder), merged) == contents(tmp_path / "reference", reference)
    reader = SegmentReader(FileStorage(folder), create_index(FileStorage(str(tmp_path / "index"))).schema, merged)
    try:
        # A deleted article is not found by its own word; its neighbours are, under their new numbers.
        assert reader.doc_frequency("body", "rare1x0") == 0 and reader.doc_frequency("body", "rare1x179") == 0
        assert reader.doc_frequency("body", "rare1x1") == 1 and reader.doc_frequency("body", "rare3x39") == 1
        assert reader.stored_fields(reader.postings("body", "rare3x39").id())["title"].startswith("Report 39 ")
    finally:
        reader.close()


def whoosh_chunk(jobs: list[tuple], out: Path):
    """The reference: the same articles added through Whoosh's own writer and sort pool."""
    from briefing.search.files import read_one
    from briefing.search.schema import document

    out.mkdir()
    ix = create_index(FileStorage(str(out)))
    writer = SegmentWriter(ix, _lk=False, compound=False)
    for job in jobs:
        outcome = read_one(job)
        writer.add_document(**document(outcome[1], job[1]))
    segment = writer._finalize_segment()
    writer._finish()
    return segment


@pytest.mark.parametrize("pool_mb", [seg.POOL_MB, 0.05])
def test_a_chunk_is_written_as_whooshs_writer_writes_it_byte_for_byte(tmp_path, monkeypatch, pool_mb):
    """Postings gathered by term (or, past the pool's limit, handed to Whoosh's pool) make Whoosh's segment."""
    monkeypatch.setattr(seg, "POOL_MB", pool_mb)
    jobs = write_articles(tmp_path / "articles", 300, 7)
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    segment, folder, outcomes = seg.build_chunk((str(index_dir), jobs))
    assert all(o[0] == "article" for o in outcomes)
    reference = whoosh_chunk(jobs, tmp_path / "reference")
    ours, theirs = contents(Path(folder), segment), contents(tmp_path / "reference", reference)
    assert {"pst", "trm", "_stored.col"} <= set(ours)
    assert ours == theirs
