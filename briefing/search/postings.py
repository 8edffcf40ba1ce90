"""Whoosh's posting blocks read whole: numbers, weights and positions a block at a time.

Whoosh's matchers hand out one posting per call; ranking a term at a time
(bulk.py) wants a block's lists at once, and to pass over blocks it does not
need. These read the W3 codec's blocks as its matcher does, without the
per-posting calls.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, repeat
from pickle import loads

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE

__all__ = ["Unsupported", "blocks", "positions"]


class Unsupported(Exception):
    """A part of the query, or of the index, read here only through Whoosh's matchers."""


def blocks(m, positions: bool = False, wanted: list[int] | None = None):
    """A term's postings as (document numbers, weights, encoded positions or None), a block at a time.

    With *wanted* (document numbers in order), blocks that hold none of them
    are passed over unread: a block's header says its last number.
    """
    if isinstance(m, FilterMatcher):
        m = m.child  # deletions: dropped by the caller
    if isinstance(m, W3LeafMatcher):
        at = 0
        while m.is_active():
            if wanted is not None:
                if at == len(wanted):
                    return
                if wanted[at] > m._maxid:
                    m._next_block()
                    continue
                at = bisect_right(wanted, m._maxid, at)
            if m._data is None:
                m._read_data()
            ids = m._data[0]
            # Whoosh undoes the gaps between numbers in a Python generator;
            # accumulate() does the same sum in C.
            yield (ids if m._byteids else accumulate(ids)), _weights(m), _values(m, positions)
            m._next_block()
    elif isinstance(m, ListMatcher):
        ids = m._ids
        values = m._values if positions else None
        if positions and not isinstance(values, (list, tuple)):
            raise Unsupported("positions of another kind")
        if m._all_weights:
            yield ids, [m._all_weights] * len(ids), values
        elif m._weights:
            yield ids, m._weights, values
        else:
            yield ids, [1.0] * len(ids), values
    else:
        raise Unsupported(f"postings of kind {type(m).__name__}")


def positions(value: bytes) -> list[int]:
    """Positions.decode_positions(), with the running sum in C: a count, then the pickled gaps."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))


def _values(m: W3LeafMatcher, positions: bool):
    if not positions:
        return None
    values = m._data[2]
    if m._fixedsize is not None and m._fixedsize >= 0 or not isinstance(values, (list, tuple)):
        raise Unsupported("positions of another kind")
    return values


def _weights(m: W3LeafMatcher):
    weights = m._data[1]
    if weights is None:
        return repeat(1.0, m._blocklength)
    if isinstance(weights, float):
        return repeat(weights, m._blocklength)
    return weights
