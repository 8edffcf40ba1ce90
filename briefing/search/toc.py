"""The index opened with Briefing's own schema, its table of contents read without running code.

Whoosh keeps a pickle of the schema and one of the segment list in each
table of contents (``_articles_N.toc``) and unpickles both on every open:
whoever could write that file could make the reader run a command. Here the
schema is never read from disk (Briefing's own, from :mod:`schema`, is used
and the stored one skipped), and the segment list is read by an unpickler
that builds only what a Whoosh 3 segment list holds; anything else is
refused as damage, and the index is rebuilt from the content.
"""

from __future__ import annotations

import io
import pickle

from whoosh import index as windex
from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

from briefing.search.schema import INDEX_NAME, make_schema

# The classes a segment list made by this Whoosh names, and nothing else.
_ALLOWED = {
    ("whoosh.codec.whoosh3", "W3Segment"),
    ("whoosh.codec.whoosh3", "W3Codec"),
    ("collections", "defaultdict"),
    ("builtins", "int"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}


class UnsafeIndex(pickle.UnpicklingError):
    """The table of contents names something a segment list never holds."""


class _SegmentUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise UnsafeIndex(f"its table of contents is damaged: it names {module}.{name}, which no index holds")
        return super().find_class(module, name)


def safe_loads(data: bytes):
    """Unpickle *data*, refusing every class outside the allowed few (and so any call a pickle could make)."""
    return _SegmentUnpickler(io.BytesIO(data)).load()


def read_toc(storage, indexname: str, schema) -> windex.TOC:
    """Whoosh's ``TOC.read`` for the current format, with *schema* in place of the stored one."""
    generation = windex.TOC._latest_generation(storage, indexname)
    if generation < 0:
        raise windex.EmptyIndexError(f"Index {indexname!r} does not exist in {storage!r}")
    stream = storage.open_file(windex.TOC._filename(indexname, generation))
    try:
        for what, size in (("int", _INT_SIZE), ("long", _LONG_SIZE), ("float", _FLOAT_SIZE)):
            if stream.read_varint() != size:
                raise IndexError(f"the index was made on another architecture ({what} size)")
        if stream.read_int() != -12345:
            raise IndexError("the index was made with another byte order")
        version = stream.read_int()
        release = (stream.read_varint(), stream.read_varint(), stream.read_varint())
        if version != windex._CURRENT_TOC_VERSION:
            # Older formats are read by code that unpickles freely: not opened, rebuilt.
            raise windex.IndexVersionError(f"table of contents format {version}", version)
        stream.skip_string()  # the stored schema: never unpickled
        if stream.read_int() != generation:
            raise IndexError("the table of contents names another generation")
        stream.read_int()  # unused
        segments = _SegmentUnpickler(stream.file).load()  # a file or a memory map, read on from here
    finally:
        stream.close()
    return windex.TOC(schema, segments, generation, version=version, release=release)


class BriefingIndex(windex.FileIndex):
    """A Whoosh file index that always uses Briefing's schema and reads its table of contents safely.

    Writers, searchers and refreshes all read the table of contents through
    :meth:`_read_toc`, so none of them unpickles more than the segment list.
    """

    def __init__(self, storage, schema=None, indexname: str = INDEX_NAME) -> None:
        self.storage = storage
        self._schema = make_schema()
        self.indexname = indexname
        self._read_toc()  # as Whoosh's does: raises when there is no index

    def _read_toc(self) -> windex.TOC:
        return read_toc(self.storage, self.indexname, self._schema)


def open_index(storage) -> BriefingIndex:
    return BriefingIndex(storage, indexname=INDEX_NAME)


def create_index(storage) -> BriefingIndex:
    """A new, empty index in *storage*, with Briefing's schema."""
    windex.TOC.create(storage, make_schema(), INDEX_NAME)
    return BriefingIndex(storage, indexname=INDEX_NAME)
