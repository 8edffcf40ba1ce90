"""A time budget for one search, checked where Whoosh can spend long without returning.

Whoosh's own time-limited collector checks the clock only between matching
documents, and from a timer thread per search. A phrase of common words
("of the of") can test a hundred thousand documents and match none, and the
phrase matcher starts testing when it is made, before any collector runs.
So the budget lives in the searching thread and is checked in the collector's
loop, in the phrase matcher's loop and between the steps that expand query
terms; past it, :class:`TimeLimit` is raised and the engine returns the best
hits found so far, marked partial. ``cancel()`` ends a search early from
another thread (a query abandoned for a newer one).
"""

from __future__ import annotations

import contextlib
import threading
import time

from whoosh import matching
from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.query import Phrase, SpanNear2, Term

__all__ = ["Budget", "TimeLimit", "TimedCollector", "TimedPhrase", "check", "budget"]

_local = threading.local()


class Budget:
    """Seconds left for one search, and a way to stop it from another thread."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def left(self) -> float:
        return self.ends - time.monotonic()

    def over(self) -> bool:
        return self.cancelled or time.monotonic() > self.ends


@contextlib.contextmanager
def budget(b: Budget):
    """Make *b* the budget of the searching thread for the duration of the block."""
    previous = getattr(_local, "budget", None)
    _local.budget = b
    try:
        yield b
    finally:
        _local.budget = previous


def check() -> None:
    """Raise :class:`TimeLimit` when this thread's search is out of time or cancelled."""
    b = getattr(_local, "budget", None)
    if b is not None and b.over():
        raise TimeLimit


class TimedCollector(WrappingCollector):
    """Collects like its child, checking the budget every few matches, keeping the documents *allow* says yes to."""

    EVERY = 32

    def __init__(self, child, allow=None) -> None:
        super().__init__(child)
        self.allow = allow

    def collect_matches(self):
        child = self.child
        allow = self.allow
        offset = self.offset
        n = 0
        for docnum in child.matches():
            n += 1
            if n % self.EVERY == 0:
                check()
            if allow is None or allow(offset + docnum):
                child.collect(docnum)


class _TimedSpanNear2(SpanNear2):
    class SpanNear2Matcher(SpanNear2.SpanNear2Matcher):
        def _get_spans(self):
            check()  # once per candidate document: the phrase's costly test
            return super()._get_spans()


class TimedPhrase(Phrase):
    """A phrase whose matcher checks the budget for each document it tests."""

    @classmethod
    def of(cls, phrase: Phrase) -> TimedPhrase:
        return cls(phrase.fieldname, phrase.words, slop=phrase.slop, boost=phrase.boost, char_ranges=phrase.char_ranges)

    def matcher(self, searcher, context=None):
        # As Phrase.matcher, with the timed span matcher.
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if field is None or not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (self.fieldname, word) not in reader:
                return matching.NullMatcher()
            terms.append(Term(self.fieldname, word))
        m = _TimedSpanNear2(terms, slop=self.slop, ordered=True, mindist=1).matcher(searcher, context)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m
