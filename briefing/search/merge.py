"""Merging index segments by streaming their sorted postings, a block at a time.

Whoosh merges segments by feeding every posting of every segment, one Python
tuple at a time, into the sort pool it uses for new documents, which sorts
them again (spilling to disk past its memory limit) and writes them out one by
one. That merge cost as much CPU as indexing the articles in the first place.
But each segment's terms are already sorted and its documents numbered from 0;
appended one after another, a term's postings stay in order. So here the
segments' term lists are merged, and each term's posting blocks are read whole
and appended with their document numbers shifted, into the same Whoosh
postings writer: the segment written is the one Whoosh's own merge writes
(``tests/test_segments_merge.py`` compares their files byte for byte).
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from collections.abc import Iterator, Sequence

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter


def merge_into(writer: SegmentWriter, readers: Sequence[SegmentReader]) -> None:
    """Write the documents and postings of *readers*, in order, as *writer*'s new segment."""
    schema = writer.schema
    names = set(schema.names())
    shifts = []
    for reader in readers:
        base = writer.docnum
        # Stored fields, lengths and columns; a map of old to new numbers when documents were deleted.
        docmap = writer.write_per_doc(names, reader)
        shifts.append((base, docmap))
    writer.perdocwriter.close()
    per_document = writer.per_document_reader()
    try:
        _write_postings(writer, readers, shifts, Lengths(per_document, writer.docnum))
    finally:
        per_document.close()
    writer._added = True


class Lengths:
    """Each document's field lengths read once per field, for a postings writer that asks once per posting."""

    def __init__(self, per_document, count: int) -> None:
        self._per_document = per_document
        self._count = count
        self._fields: dict[str, list[int]] = {}

    def of(self, fieldname: str) -> list[int]:
        known = self._fields.get(fieldname)
        if known is None:
            read = self._per_document.doc_field_length
            known = self._fields[fieldname] = [read(d, fieldname) for d in range(self._count)]
        return known

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        return self.of(fieldname)[docnum]


class TermPool:
    """New documents' postings gathered by term, for a writer that adds documents in number order.

    Whoosh's pool keeps one tuple per posting (about 180 bytes) and sorts
    them all; here each term keeps its postings packed in arrays, already in
    document order (about 30 bytes each), and only the terms are sorted. Past
    *limit* bytes everything goes to Whoosh's pool, which spills sorted runs
    to disk: a chunk of huge articles stays bounded.
    """

    # What a posting and a term cost here, near enough (arrays, the dict entry, the key).
    POSTING_BYTES = 16
    TERM_BYTES = 500

    def __init__(self, whoosh_pool, limit: int) -> None:
        self.whoosh_pool = whoosh_pool
        self.limit = limit
        self.size = 0
        # (field, term) -> (document numbers, weights, value sizes, values run together)
        self.terms: dict[tuple[str, bytes], tuple[array, array, array, bytearray]] | None = {}
        self.fieldnames = whoosh_pool.fieldnames

    @property
    def spilled(self) -> bool:
        return self.terms is None

    def add(self, item: tuple) -> None:
        """Add (field, term, document number, weight, value)."""
        terms = self.terms
        if terms is None:
            self.whoosh_pool.add(item)
            return
        key = item[:2]
        run = terms.get(key)
        if run is None:
            run = terms[key] = (array("I"), array("d"), array("I"), bytearray())
            self.size += self.TERM_BYTES
        value = item[4] or b""
        run[0].append(item[2])
        run[1].append(item[3])
        run[2].append(len(value))
        run[3].extend(value)
        self.size += self.POSTING_BYTES + len(value)

    def check(self) -> None:
        """Past the limit, hand everything to Whoosh's pool (called between documents)."""
        if self.terms is not None and self.size > self.limit:
            add = self.whoosh_pool.add
            for fieldname, text, ids, weights, values in self.runs():
                for docnum, weight, value in zip(ids, weights, values):
                    add((fieldname, text, docnum, weight, value))
            self.terms = None

    def runs(self) -> Iterator[tuple[str, bytes, list, list, list]]:
        """(field, term, document numbers, weights, values) in the order the postings file wants; emptied as read."""
        terms = self.terms
        for key in sorted(terms):
            ids, weights, sizes, blob = terms.pop(key)
            self.fieldnames.add(key[0])
            values, at = [], 0
            for size in sizes:
                values.append(bytes(blob[at:at + size]))
                at += size
            yield key[0], key[1], ids.tolist(), weights.tolist(), values

    def iter_postings(self) -> Iterator[tuple]:
        if self.terms is None:
            return self.whoosh_pool.iter_postings()
        return ((f, t, d, w, v) for f, t, ids, weights, values in self.runs() for d, w, v in zip(ids, weights, values))

    def cleanup(self) -> None:
        self.terms = {}
        self.whoosh_pool.cleanup()


class ChunkWriter(SegmentWriter):
    """Whoosh's segment writer for a chunk of new documents: postings gathered by term, written a run at a time.

    It writes the segment Whoosh's writer writes (``tests/test_segments_merge.py``
    compares their files byte for byte).
    """

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool = TermPool(self.pool, self.pool.limit)

    def add_document(self, **fields) -> None:
        super().add_document(**fields)
        self.pool.check()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        per_document = self.per_document_reader()
        try:
            lengths = Lengths(per_document, self.docnum)
            if self.pool.spilled:
                self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            else:
                self._write_runs(lengths)
        finally:
            per_document.close()
        self.fieldwriter.close()

    def _write_runs(self, lengths: Lengths) -> None:
        fields, current = self.fieldwriter, None
        for fieldname, text, ids, weights, values in self.pool.runs():
            if fieldname != current:
                if current is not None:
                    fields.finish_field()
                fields.start_field(fieldname, self.schema[fieldname])
                current = fieldname
            fields.start_term(text)
            _append(fields._postwriter, ids, weights, values, lengths.of(fieldname))
            fields.finish_term()
        if current is not None:
            fields.finish_field()


def _terms(index: int, reader: SegmentReader) -> Iterator[tuple]:
    for (fieldname, text), info in reader._terms.items():
        yield fieldname, text, index, info


def _write_postings(writer, readers, shifts, lengths: Lengths) -> None:
    schema = writer.schema
    fields = writer.fieldwriter
    terms = heapq.merge(*(_terms(i, r) for i, r in enumerate(readers)))
    current_field = None
    for (fieldname, text), group in itertools.groupby(terms, key=lambda t: (t[0], t[1])):
        if fieldname not in schema:
            continue
        runs = [run for _, _, index, info in group for run in _runs(readers[index], shifts[index], fieldname, text, info)]
        if not runs:
            continue  # every posting of the term belonged to deleted documents
        if fieldname != current_field:
            if current_field is not None:
                fields.finish_field()
            fields.start_field(fieldname, schema[fieldname])
            current_field = fieldname
        fields.start_term(text)
        postings, field_lengths = fields._postwriter, lengths.of(fieldname)
        for ids, weights, values in runs:
            _append(postings, ids, weights, values, field_lengths)
        fields.finish_term()
    if current_field is not None:
        fields.finish_field()


def _runs(reader: SegmentReader, shift: tuple, fieldname: str, text: bytes, info) -> Iterator[tuple]:
    """A term's postings in one segment, renumbered for the merged segment, without deleted documents."""
    base, docmap = shift
    for ids, weights, values in _blocks(reader, fieldname, text, info):
        if docmap is not None:
            kept = [i for i, d in enumerate(ids) if d in docmap]
            if not kept:
                continue
            ids = [docmap[ids[i]] for i in kept]
            weights = [weights[i] for i in kept]
            values = [values[i] for i in kept]
        else:
            ids = [d + base for d in ids]
        yield ids, weights, values


def _blocks(reader: SegmentReader, fieldname: str, text: bytes, info) -> Iterator[tuple]:
    """A term's postings in one segment as (ids, weights, values) lists, a stored block at a time."""
    fieldobj = reader.schema[fieldname]
    terms = reader._terms
    matcher = terms._codec.postings_reader(terms._postfile, info, fieldobj.format, term=(fieldname, text))
    if not isinstance(matcher, W3LeafMatcher):
        # Postings kept inside the term's entry: few, read one by one.
        ids, weights, values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value())
            matcher.next()
        yield ids, weights, values
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        yield list(matcher._ids), list(matcher._weights), list(matcher._values)
        matcher._next_block()


def _append(postings, ids: list, weights: list, values: list, lengths: list[int]) -> None:
    """Add postings to Whoosh's postings writer as its add_posting would, a run at a time."""
    limit = postings._blocklimit
    start = 0
    while start < len(ids):
        if len(postings._ids) >= limit:
            postings._write_block()
        end = min(len(ids), start + limit - len(postings._ids))
        run = ids[start:end]
        postings._ids.extend(run)
        postings._weights.extend(weights[start:end])
        postings._maxweight = max(postings._maxweight, max(weights[start:end]))
        # Whoosh keeps only non-empty values (a format without values stores none).
        postings._values.extend(v for v in values[start:end] if v)
        known = [n for n in (lengths[d] for d in run) if n]
        if known:
            low, high = min(known), max(known)
            if postings._minlength is None or low < postings._minlength:
                postings._minlength = low
            postings._maxlength = max(postings._maxlength, high)
        start = end
