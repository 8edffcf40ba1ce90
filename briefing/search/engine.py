"""Running queries: ranked hits within a time budget, snippets for the hits shown, and "did you mean".

Every search has a budget (DEADLINE): past it the best hits found so far
come back marked partial. Hits come without snippets beyond the first few:
the reader asks :meth:`Engine.snippets` for the rows it shows, as they come
into view. An engine made with its :class:`~briefing.search.index.ContentIndex`
notices a commit, a rebuild or a removal of the index folder by another
process and reopens it (or raises :class:`IndexUnavailable` while there is
none); a read that fails marks the index damaged, for the next update to
rebuild, and raises :class:`IndexDamaged`.
"""

from __future__ import annotations

import pickle
import re
import struct
import threading
import zlib
from pathlib import Path

from whoosh import spelling
from whoosh import index as windex
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from briefing.search import bulk, deadline
from briefing.search.deadline import Budget, TimeLimit
from briefing.search.index import META_FILE, IndexFolder
from briefing.search.integrity import IndexDamaged
from briefing.search.query import SEARCH_FIELDS, ParsedQuery, QueryError, near_terms, parse_query
from briefing.search.results import HIT_END, HIT_START, Hit, Results, snippet_parts
from briefing.search.schema import article_id
from briefing.search.snippets import make_snippet

__all__ = ["DEADLINE", "HIT_END", "HIT_START", "Engine", "Hit", "IndexDamaged", "IndexUnavailable",
           "QueryError", "Results", "snippet_parts"]

# Seconds a search may take, whatever is typed; and a batch of snippets.
DEADLINE = 0.8
# Snippets made with the results: a screen's worth; the rest on request.
SNIPPETS_FIRST = 30
# Hits returned when no limit is given: the best, with the total counted or estimated.
MAX_HITS = 1000
# What the date column holds for an article without a date.
_NO_DATE = 2**64 - 1

# "Did you mean" looks this many edits away, for words of this length at least
# (a two-letter word is one edit from dozens of others).
SUGGEST_DISTANCE = 2
SUGGEST_MIN_LETTERS = 4
SUGGEST_MAX_LETTERS = 30

# A last word being typed: after a space, "(" or a field's ":", two letters at least.
_LAST_WORD = re.compile(r"(?:^|[\s(:])([^\W\d_][\w'-]+)$")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


class IndexUnavailable(QueryError):
    """There is no usable index just now (removed, being rebuilt); the message says so.

    A kind of QueryError: whoever shows why a search cannot run shows this too.
    """


# What reading a garbled or cut-short index file raises in Whoosh's decoders.
_READ_ERRORS = (struct.error, EOFError, OSError, ValueError, IndexError, KeyError, zlib.error,
                pickle.UnpicklingError, UnicodeDecodeError, OverflowError)


class _Corrector(spelling.Corrector):
    """Words of one field near a misspelt one: nearest first, then the most frequent."""

    def __init__(self, reader: IndexReader, fieldname: str) -> None:
        self.reader = reader
        self.fieldname = fieldname

    def _suggestions(self, text, maxdist, prefix):
        if not SUGGEST_MIN_LETTERS <= len(text) <= SUGGEST_MAX_LETTERS:
            return
        seen: set[str] = set()
        for distance in range(1, maxdist + 1):
            for word in near_terms(self.reader, self.fieldname, text, distance, prefix) - seen:
                seen.add(word)
                frequency = self.reader.frequency(self.fieldname, word)
                # Higher is better: one edit less outweighs any frequency.
                yield -distance + frequency / (frequency + 1), word


class Engine:
    """Queries one index. Thread-safe: one search or batch of snippets at a time; cancel() from anywhere."""

    def __init__(self, ix: windex.Index, index=None) -> None:
        self.ix = ix
        # The folder (a ContentIndex or IndexFolder) lets the engine reopen a
        # replaced index and mark a damaged one; found from the index itself
        # when it is one Briefing made.
        if index is None:
            folder = Path(getattr(ix.storage, "folder", "") or ".")
            if (folder / META_FILE).exists():
                index = IndexFolder(folder)
        self.index = index
        self._identity = index.identity() if index is not None else None
        self._searcher: Searcher | None = None
        # Column readers of the current searcher: making one reads each
        # segment's offsets, a tenth of a second per search at 100,000 articles.
        self._columns: dict[str, object] = {}
        self._ranker: bulk.Ranker | None = None
        # Queries of words ranked a term at a time (bulk.py); False: Whoosh's matchers for all.
        self.term_at_a_time = True
        self._lock = threading.RLock()
        self._running: Budget | None = None

    @classmethod
    def open(cls, index) -> Engine:
        """An engine over *index* (a ContentIndex) that follows it when it is rebuilt or replaced."""
        return cls(index.open(), index)

    # The searcher

    @property
    def searcher(self) -> Searcher:
        with self._lock:
            if self.index is not None:
                identity = self.index.identity()
                if identity != self._identity:
                    self._reopen(identity)
            elif self._searcher is not None and not self._searcher.up_to_date():
                # refresh() after another process's optimising commit can
                # return duplicate documents; a new searcher never does.
                self._drop()
            if self._searcher is None:
                self._searcher = self.ix.searcher()
            return self._searcher

    def _reopen(self, identity: tuple) -> None:
        self._drop()
        try:
            self.ix = self.index.open()
        except IndexDamaged as exc:
            raise IndexUnavailable(f"the index is damaged and will be rebuilt ({exc})") from None
        except Exception as exc:  # missing, half-made by a rebuild in progress, another version
            raise IndexUnavailable(f"the index is being rebuilt or was removed ({exc})") from None
        self._identity = identity

    def _column(self, searcher: Searcher, name: str):
        if name not in self._columns:
            raw = name.endswith("-raw")
            self._columns[name] = searcher.reader().column_reader(name.removesuffix("-raw"), translate=not raw)
        return self._columns[name]

    def _drop(self) -> None:
        self._columns = {}
        self._ranker = None
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def close(self) -> None:
        with self._lock:
            self._drop()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def cancel(self) -> None:
        """Stop the search or snippets in progress (from any thread): it returns what it has, marked partial."""
        running = self._running
        if running is not None:
            running.cancel()

    def _failed(self, exc: Exception) -> Exception:
        """What a failed read means: damage (marked, for the next update to rebuild) or a fault to report."""
        reason = f"the index could not be read ({type(exc).__name__}: {exc})"
        problem = self.index.damage() if self.index is not None else None
        # Whoosh's decoders also raise a bare Exception ("Block tag error") or fail an assert.
        read_error = isinstance(exc, _READ_ERRORS) or type(exc) in (Exception, AssertionError)
        if problem is None and not read_error:
            # The files are as written: not damage, a fault; say it, rebuild nothing.
            return QueryError(f"the search failed ({type(exc).__name__}: {exc})")
        if self.index is not None:
            self.index.mark_damaged(problem or reason)
        self._drop()
        self._identity = None  # reopen (or find it unusable) next time
        return IndexDamaged((problem or reason) + "; it will be rebuilt from the content")

    # Searching

    def search(self, text: str, limit: int | None = 50, by_date: bool = False,
               snippets: int = SNIPPETS_FIRST, budget: Budget | None = None) -> Results:
        """Ranked (BM25F) or newest-first results within the budget.

        Raises :class:`QueryError` (the query cannot be run), :class:`IndexUnavailable`
        or :class:`IndexDamaged`. Snippets are made for the first *snippets* hits.
        """
        with self._lock:
            budget = budget or Budget(DEADLINE)
            self._running = budget
            try:
                with deadline.budget(budget):
                    return self._search(text, limit, by_date, snippets)
            finally:
                self._running = None

    def _search(self, text: str, limit: int | None, by_date: bool, snippets: int) -> Results:
        try:
            searcher = self.searcher
            try:
                parsed = parse_query(text, searcher)
            except TimeLimit:
                raise QueryError("the query took too long to read: make its wildcards or fuzzy words longer") from None
            results = self._run(searcher, parsed, limit, by_date)
            try:
                self._fill(searcher, results.hits[:snippets], parsed.terms)
                if not results.hits and not results.partial:
                    results.suggestion = self.suggest(parsed)
            except TimeLimit:
                pass  # snippets and suggestions are extras: the hits stand
        except (QueryError, IndexUnavailable, IndexDamaged):
            raise
        except Exception as exc:
            raise self._failed(exc) from exc
        return results

    def _run(self, searcher: Searcher, parsed: ParsedQuery, limit: int | None, by_date: bool) -> Results:
        limit = MAX_HITS if limit is None else max(1, min(limit, 10 * MAX_HITS))
        results = Results(parsed, searcher=searcher)
        if parsed.dates_only:
            found, total = self._dated(searcher, parsed.dates, limit)
        else:
            found, total = self._ranked(searcher, parsed, limit, by_date, results)
        paths = self._column(searcher, "path")
        titles = self._column(searcher, "title")
        for score, docnum in found:
            path = paths[docnum]
            if not path:
                raise IndexDamaged(f"document {docnum} has no path")
            score = score if isinstance(score, float) else 0.0  # newest first: the key is a date
            results.hits.append(Hit(article_id(path), path, titles[docnum] or "", score, None, docnum))
        results.total = max(total, len(results.hits))
        results.limited = results.total > len(results.hits) and len(results.hits) == limit
        return results

    def _ranked(self, searcher: Searcher, parsed: ParsedQuery, limit: int, by_date: bool, results: Results):
        allow = None
        if parsed.dates is not None:
            first, last = parsed.dates
            dates = self._column(searcher, "date-raw")
            lo, hi = first if first is not None else 0, last if last is not None else _NO_DATE - 1
            allow = lambda docnum: lo <= dates[docnum] <= hi  # noqa: E731
        if self.term_at_a_time and bulk.supports(parsed.query, searcher):
            if self._ranker is None or self._ranker.searcher is not searcher:
                self._ranker = bulk.Ranker(searcher)
            newest = self._column(searcher, "date-raw") if by_date else None
            try:
                top, total, results.partial = self._ranker.rank(parsed.query, limit, allow, newest)
                return top, total
            except bulk.Unsupported:
                pass  # Whoosh's matchers read it
        sort = "date" if by_date else None
        collector = searcher.collector(limit=limit, sortedby=sort, reverse=sort is not None)
        timed = deadline.TimedCollector(collector, allow)
        try:
            searcher.search_with_collector(parsed.query, timed)
        except TimeLimit:
            results.partial = True
        found = timed.results()
        exact = found.has_exact_length() or allow is not None
        return found.top_n, len(found) if exact else found.estimated_length()

    def _dated(self, searcher: Searcher, span: tuple[int | None, int | None], limit: int):
        """A date range alone: its articles newest first, read from the date column."""
        first, last = span
        lo, hi = first if first is not None else 0, last if last is not None else _NO_DATE - 1
        inside: list[tuple[int, int]] = []
        for leaf, offset in searcher.reader().leaf_readers():
            deadline.check()
            deleted = leaf.has_deletions()
            for n, value in enumerate(leaf.column_reader("date", translate=False)):
                if lo <= value <= hi and not (deleted and leaf.is_deleted(n)):
                    inside.append((value, offset + n))
        inside.sort(reverse=True)
        return [(0.0, docnum) for _, docnum in inside[:limit]], len(inside)

    def snippets(self, results: Results, hits: list[Hit] | None = None) -> list[Hit]:
        """Make the snippets of *hits* (default: all of *results*) that have none; returns those made.

        Call it for the rows on screen. Bounded by the budget: hits left
        without a snippet when it runs out keep ``snippet = None``; ask again.
        """
        wanted = [h for h in (results.hits if hits is None else hits) if h.snippet is None]
        if not wanted:
            return []
        with self._lock:
            budget = Budget(DEADLINE)
            self._running = budget
            try:
                with deadline.budget(budget):
                    searcher = self.searcher
                    if searcher is not results.searcher:
                        # Found by an earlier searcher: its numbers may have moved.
                        for hit in wanted:
                            hit.docnum = searcher.document_number(id=hit.id)
                        results.searcher = searcher
                    return self._fill(searcher, wanted, results.query.terms)
            except TimeLimit:
                return [h for h in wanted if h.snippet is not None]
            except (IndexUnavailable, IndexDamaged):
                raise
            except Exception as exc:
                raise self._failed(exc) from exc
            finally:
                self._running = None

    def _fill(self, searcher: Searcher, hits: list[Hit], terms: set[str]) -> list[Hit]:
        made = []
        for hit in hits:
            if hit.snippet is not None:
                continue
            deadline.check()
            fields = searcher.stored_fields(hit.docnum) if hit.docnum is not None and hit.docnum >= 0 else {}
            hit.snippet = make_snippet(fields, terms)
            made.append(hit)
        return made

    def search_as_typed(self, text: str, limit: int | None = 50, snippets: int = SNIPPETS_FIRST) -> Results:
        """As :meth:`search`, for a query still being typed.

        When the query as written finds nothing and ends in a word (no space
        after it yet), that word may be unfinished: it is tried as a prefix,
        so "Hezb" already lists the Hezbollah articles.
        """
        budget = Budget(DEADLINE)
        results = self.search(text, limit, snippets=snippets, budget=budget)
        if results.hits or results.partial:
            return results
        match = _LAST_WORD.search(text)
        if not match or match.group(1).upper() in _OPERATORS:
            return results
        try:
            completed = self.search(text + "*", limit, snippets=snippets, budget=Budget(max(budget.left(), 0.2)))
        except QueryError:
            return results
        return completed if completed.hits else results

    def suggest(self, parsed: ParsedQuery) -> str | None:
        """A corrected query from the index's own words, when one differs."""
        searcher = self.searcher
        reader = searcher.reader()
        correctors = {name: _Corrector(reader, name) for name in SEARCH_FIELDS}
        # Only words the index does not hold in any field: a word of the body
        # that no title has is not misspelt (and looking for its neighbours
        # in every segment of each field took a tenth of a second).
        try:
            # Some of Whoosh's query parts (an empty range) cannot list their words: no suggestion then.
            tokens = [(t.fieldname, t.text) for t in parsed.query.all_tokens() if t.fieldname in correctors]
            known = {text for fieldname, text in tokens if (fieldname, text) in reader}
            unknown = [(fieldname, text) for fieldname, text in tokens if text not in known]
            if not unknown:
                return None
            corrected = searcher.correct_query(
                parsed.query, parsed.text, correctors=correctors, terms=unknown, maxdist=SUGGEST_DISTANCE, prefix=1
            )
        except TimeLimit:
            raise
        except Exception:
            return None
        if corrected.query != parsed.query and corrected.string != parsed.text:
            return corrected.string
        return None
