"""Searching the archive: ranked results with highlighted snippets, the same as the embedded engine's.

Ranking is PostgreSQL's ``ts_rank`` over the weighted vector (title 1.0, key
points 0.5, body 0.3, normalised by the document's length): how often and
where the words occur, not BM25F, so a rare word does not outweigh a common
one as it does in the embedded index (the README says how the two differ).
Snippets come from ``ts_headline`` and only for the first rows (the rest
when asked, :meth:`ArchiveEngine.snippets`): a snippet re-reads the text.
Every statement runs under the session's ``statement_timeout``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from briefing.archive import tsquery
from briefing.archive.connection import Archive, ArchiveError, ArchiveUnavailable
from briefing.sanitize import clean_line
from briefing.search.engine import HIT_END, HIT_START, Hit, Results
from briefing.search.query import MAX_EXPANSION, ParsedQuery, QueryError

# The reader asks for every result; the best this many are returned, with the total.
MAX_RESULTS = 1000
# Ranking reads each candidate's whole vector: at most this many, the newest matches.
RANKED = 2000
# Snippets are made for this many rows at once.
SNIPPETS_FIRST = 50
RANK_WEIGHTS = "{0.05, 0.3, 0.5, 1.0}"  # D, C (body), B (key points), A (title)
HEADLINE = (f"StartSel={HIT_START}, StopSel={HIT_END}, MaxWords=18, MinWords=8, MaxFragments=2, "
            'FragmentDelimiter=" \u2026 "')
# Fuzzy words: trigram candidates looked at, and the similarity they need.
FUZZY_CANDIDATES = 400
TRIGRAM_THRESHOLD = 0.2
SUGGEST_MIN_LETTERS = 4
_LAST_WORD = re.compile(r"(?:^|[\s(:])([^\W\d_][\w'-]+)$")


class SearchFailed(QueryError, ArchiveError):
    """The archive could not answer a query: a query error to the reader, an archive error to the command line."""


class SearchUnavailable(SearchFailed, ArchiveUnavailable):
    """The archive is unreachable."""


def article_id(rel: str) -> str:
    """The id ``search --json`` gives an article: the same on both backends."""
    return hashlib.sha256(rel.encode()).hexdigest()[:16]


@dataclass
class _Search:
    text: str
    compiled: tsquery.Compiled
    node: tsquery.Node


class ArchiveEngine:
    """Queries on the archive, in the shape of :class:`briefing.search.engine.Engine`."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def close(self) -> None:
        """Nothing of its own to close: connections belong to the archive's pool."""

    def __enter__(self) -> ArchiveEngine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # Expansion from the archive's own words

    def near_words(self, word: str, distance: int, con=None) -> list[str]:
        """Words of the archive within *distance* edits of *word* (or of its stem), nearest first."""
        word = word.lower()
        rows = _near(con, word) if con is not None else self.archive.run(lambda c: _near(c, word))
        scored = []
        for candidate, stem in rows:
            best = min(tsquery.edit_distance(candidate, word, distance),
                       tsquery.edit_distance(candidate, stem, distance) if stem else distance + 1)
            if best <= distance:
                scored.append((best, candidate))
        scored.sort()
        return [w for _, w in scored[:MAX_EXPANSION]]

    def prefixed(self, prefix: str, con=None) -> list[str]:
        """Some of the archive's words that start with *prefix* (for marking hits in the article)."""
        pattern = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

        def words(c) -> list[str]:
            return [r[0] for r in c.execute("SELECT word FROM briefing.lexicon WHERE word LIKE %s ORDER BY word"
                                            " LIMIT %s", (pattern, MAX_EXPANSION)).fetchall()]

        return words(con) if con is not None else self.archive.run(words)

    # Searching

    def _prepare(self, text: str, con=None) -> _Search:
        text, node = tsquery.parse(text)
        compiled = tsquery.compile_query(node, lambda w, d: self.near_words(w, d, con),
                                         lambda p: self.prefixed(p, con))
        return _Search(text, compiled, node)

    def cancel(self) -> None:
        """Nothing to stop from here: every statement is bounded by the session's statement_timeout."""

    def search(self, text: str, limit: int | None = 50, by_date: bool = False, snippets: int = SNIPPETS_FIRST,
               budget: object = None) -> Results:
        """As :meth:`briefing.search.engine.Engine.search`: snippets for the first *snippets* hits, the rest
        made by :meth:`snippets`. *budget* is the embedded engine's; here statement_timeout bounds the query."""
        try:
            return self._search(text, limit, by_date, snippets)
        except SearchFailed:
            raise
        except ArchiveUnavailable as exc:
            raise SearchUnavailable(str(exc)) from None
        except ArchiveError as exc:
            raise SearchFailed(str(exc)) from None

    def _search(self, text: str, limit: int | None, by_date: bool, snippets: int = SNIPPETS_FIRST) -> Results:
        """Ranked (or newest-first) results. Raises :class:`QueryError`, or :class:`ArchiveError` when unreachable.

        Every match is counted, through the indexes alone; ranking reads each
        candidate's whole vector, so when more than :data:`RANKED` articles
        match, the newest RANKED of them are ranked (``results.ranked`` says
        how many were).
        """
        # One pooled connection for the whole search: each checkout costs a round trip.
        return self.archive.run(lambda con: self._search_on(con, text, limit, by_date, snippets))

    def _search_on(self, con, text: str, limit: int | None, by_date: bool, snippets: int) -> Results:
        prepared = self._prepare(text, con)
        compiled = prepared.compiled
        limit = MAX_RESULTS if limit is None else max(0, min(limit, MAX_RESULTS))
        if compiled.rank is not None:
            empty = con.execute(f"SELECT numnode({compiled.rank}) = 0", compiled.rank_params).fetchone()[0]
            if empty:
                raise QueryError("the query has no words to look for (only very common words such as 'the')")
        ranked = compiled.rank is not None and not by_date
        score = f"ts_rank('{RANK_WEIGHTS}', a.doc, {compiled.rank}, 1)" if ranked else "0::real"
        order = "score DESC, a.date DESC NULLS LAST, a.id DESC" if ranked else "a.date DESC NULLS LAST, a.id DESC"
        sql = (
            f"WITH m AS MATERIALIZED (SELECT a.id, a.date FROM briefing.articles a WHERE {compiled.where}),"
            " total AS (SELECT count(*) AS n FROM m),"
            " candidates AS (SELECT id FROM m ORDER BY date DESC NULLS LAST, id DESC LIMIT %s)"
            f" SELECT a.path, a.title, {score} AS score, (SELECT n FROM total)"
            f" FROM briefing.articles a JOIN candidates c ON c.id = a.id ORDER BY {order} LIMIT %s"
        )
        params = [*compiled.where_params, RANKED if ranked else limit,
                  *(compiled.rank_params if ranked else []), limit]

        with con.transaction():
            # The text indexes answer even for a word most articles hold: far
            # cheaper than reading every article's vector in a sequential scan.
            # The candidates are then looked up one by one: a hash join would
            # read every article of the archive to join a few thousand.
            con.execute("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),"
                        " set_config('enable_mergejoin', 'off', true)")
            rows = con.execute(sql, params).fetchall()
        total = rows[0][3] if rows else 0
        if not rows and limit:
            total = 0
        terms = _marked_terms(compiled.words)
        results = Results(ParsedQuery(prepared.text, None, terms), total=total)  # type: ignore[arg-type]
        results.ranked = min(total, RANKED) if ranked else 0  # type: ignore[attr-defined]
        results.hits = [Hit(article_id(path), clean_line(path), clean_line(title), float(score))
                        for path, title, score, _ in rows]
        results.limited = total > len(results.hits) and len(results.hits) == limit > 0
        if ranked and total > RANKED:
            results.query.notes.append(f"the newest {RANKED:,} of {total:,} matching articles were ranked")
        self._fill_snippets(results.hits[:max(0, snippets)], compiled, con)
        if not results.hits:
            results.suggestion = self.suggest_for(prepared, con)
        # Kept for snippets asked for later.
        results._archive_query = compiled  # type: ignore[attr-defined]
        return results

    def snippets(self, results: Results, hits: list[Hit] | None = None) -> list[Hit]:
        """Make the snippets of *hits* (default: all of *results*) that have none; returns those made."""
        compiled = getattr(results, "_archive_query", None)
        wanted = [h for h in (results.hits if hits is None else hits) if h.snippet is None]
        if compiled is None or not wanted:
            return []
        try:
            self._fill_snippets(wanted, compiled)
        except ArchiveUnavailable as exc:
            raise SearchUnavailable(str(exc)) from None
        except ArchiveError as exc:
            raise SearchFailed(str(exc)) from None
        return wanted

    def _fill_snippets(self, hits: list[Hit], compiled: tsquery.Compiled, con=None) -> None:
        if not hits:
            return
        paths = [h.path for h in hits]
        if compiled.rank is None:
            sql = ("SELECT a.path, left(t.body, 160), '' FROM briefing.articles a JOIN briefing.article_texts t"
                   " ON t.article = a.id WHERE a.path = ANY(%s)")
            params: list = [paths]
        else:
            sql = (f"SELECT a.path, ts_headline('english', t.body, q, %s), ts_headline('english', a.title, q, %s)"
                   f" FROM briefing.articles a JOIN briefing.article_texts t ON t.article = a.id,"
                   f" (SELECT {compiled.rank} AS q) AS query WHERE a.path = ANY(%s)")
            params = [HEADLINE, HEADLINE, *compiled.rank_params, paths]
        rows = con.execute(sql, params).fetchall() if con is not None else self.archive.run(
            lambda c: c.execute(sql, params).fetchall())
        found = {path: (body, title) for path, body, title in rows}
        for hit in hits:
            body, title = found.get(hit.path, ("", ""))
            snippet = body if HIT_START in (body or "") else (title if HIT_START in (title or "") else body)
            hit.snippet = _marked(snippet or "")

    def search_as_typed(self, text: str, limit: int | None = 50, snippets: int = SNIPPETS_FIRST) -> Results:
        """As :meth:`search`; a last word being typed is tried as a prefix when the query finds nothing."""
        results = self.search(text, limit, snippets=snippets)
        if results.hits:
            return results
        match = _LAST_WORD.search(text)
        if not match or match.group(1).upper() in tsquery.OPERATORS or len(match.group(1)) < tsquery.MIN_PREFIX:
            return results
        try:
            completed = self.search(text + "*", limit, snippets=snippets)
        except QueryError:
            return results
        return completed if completed.hits else results

    def suggest_for(self, prepared: _Search, con=None) -> str | None:
        """A corrected query from the archive's own words, when one differs."""
        corrected = prepared.text
        changed = False
        for word in tsquery.positive_words(prepared.node):
            if word.kind != "word" or " " in word.text or len(word.text) < SUGGEST_MIN_LETTERS:
                continue
            near = self.near_words(word.text, 2, con)
            if near and near[0] != word.text.lower():
                corrected = re.sub(rf"(?<![\w]){re.escape(word.text)}(?![\w])", near[0], corrected, count=1)
                changed = True
        return corrected if changed and corrected != prepared.text else None


def _near(con, word: str) -> list[tuple[str, str]]:
    stem = con.execute("SELECT coalesce((ts_lexize('english_stem', %s))[1], %s)", (word, word)).fetchone()[0]
    with con.transaction():
        con.execute("SET LOCAL pg_trgm.similarity_threshold = %s" % float(TRIGRAM_THRESHOLD))
        rows = con.execute(
            "SELECT word FROM briefing.lexicon WHERE word %% %s OR word %% %s LIMIT %s",
            (word, stem, FUZZY_CANDIDATES),
        ).fetchall()
    return [(r[0], stem) for r in rows]


def _marked(snippet: str) -> str:
    """A headline cleaned for the terminal, keeping its hit marks (STX/ETX) and no other control character."""
    parts = []
    for n, chunk in enumerate(snippet.split(HIT_START)):
        if n == 0:
            parts.append(_one_line(chunk))
            continue
        hit, _, rest = chunk.partition(HIT_END)
        parts.append(HIT_START + _one_line(hit) + HIT_END + _one_line(rest))
    return "".join(parts).strip()


def _one_line(text: str) -> str:
    """Cleaned and on one line, its spaces at either end kept (they separate it from a hit)."""
    from briefing.sanitize import clean_text

    return re.sub(r"\s+", " ", clean_text(text))


def _marked_terms(words: list[str]) -> set[str]:
    """The words to mark in an article, in the form the reader's highlighter compares (the embedded analyser's)."""
    from briefing.search.highlight import _analyzer

    terms: set[str] = set()
    for word in words:
        for token in _analyzer(word, mode="query"):
            terms.add(token.text)
    return terms


__all__ = ["ArchiveEngine", "ArchiveError", "MAX_RESULTS", "article_id"]
