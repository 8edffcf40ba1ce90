"""A text field's terms for the index, made in one pass instead of through Whoosh's token stream.

Whoosh turns a text into postings by passing one Token object through a
chain of generators (tokenizer, lower case, stop words, stemming), then
through the field format, a generator step per word and per filter. For a
750-word article that chain was most of the CPU a build spent indexing it.
:class:`StemmedText` makes the same terms, counts, weights and encoded
positions from the same analyzer's parts in a single loop; any other analyzer
goes through Whoosh's own path. ``tests/test_search_terms.py`` holds the two
equal on real copy.
"""

from __future__ import annotations

from operator import methodcaller
from pickle import dumps

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.acore import Composable
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

_whole = methodcaller("group")
# Distinct words whose stems are kept before the table starts again: a few
# hundred thousand cover a year of news, and bound what a long session holds.
STEMS_KEPT = 400_000


class StemmedText(TEXT):
    """Whoosh's TEXT field, whose ``index`` is made in one pass for a stemming analyzer with positions."""

    def index(self, value, **kwargs):
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = _Plan.of(self.analyzer, self.format)
        if plan is False or not isinstance(value, str) or kwargs:
            return super().index(value, **kwargs)
        return plan.terms(value)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_plan", None)  # rebuilt on use, never pickled with the schema
        return state


class _Plan:
    """The parts of ``RegexTokenizer | LowercaseFilter | StopFilter | StemFilter`` with a Positions format."""

    def __init__(self, tokenizer: RegexTokenizer, stops: StopFilter, stemmer: StemFilter, boost: float) -> None:
        self.finditer = tokenizer.expression.finditer
        self.stoplist = stops.stops
        self.minsize = stops.min
        self.maxsize = stops.max
        self.ignore = stemmer.ignore
        self.stem = stemmer._stem
        self.boost = boost
        # Every stem kept (as the analyzer's unbounded cache does): words repeat across articles.
        self.stems: dict[str, bytes] = {}

    @classmethod
    def of(cls, analyzer, fmt) -> _Plan | bool:
        items = getattr(analyzer, "items", None)
        if type(fmt) is not Positions or not isinstance(analyzer, Composable) or items is None or len(items) != 4:
            return False
        tokenizer, lower, stops, stemmer = items
        if (type(tokenizer) is not RegexTokenizer or tokenizer.gaps or type(lower) is not LowercaseFilter
                or type(stops) is not StopFilter or not stops.renumber or type(stemmer) is not StemFilter):
            return False
        return cls(tokenizer, stops, stemmer, fmt.field_boost)

    def terms(self, value: str) -> list[tuple[bytes, int, float, bytes]]:
        """(term as UTF-8, frequency, weight, encoded positions) for each distinct term, in order of first use."""
        stoplist, minsize, maxsize = self.stoplist, self.minsize, self.maxsize
        stems, ignore, stem = self.stems, self.ignore, self.stem
        positions: dict[bytes, list[int]] = {}
        # Stop words removed, the words kept are numbered on from the first kept one's place.
        at = -1
        for place, word in enumerate(map(_whole, self.finditer(value))):
            word = word.lower()
            size = len(word)
            if size < minsize or (maxsize is not None and size > maxsize) or word in stoplist:
                continue
            at = place if at < 0 else at + 1
            term = stems.get(word)
            if term is None:
                if len(stems) >= STEMS_KEPT:
                    stems.clear()
                term = stems[word] = (word if word in ignore else stem(word)).encode("utf-8")
            found = positions.get(term)
            if found is None:
                positions[term] = [at]
            else:
                found.append(at)
        boost = self.boost
        out = []
        for term, places in positions.items():
            deltas = [places[0]]
            deltas.extend(b - a for a, b in zip(places, places[1:]))
            out.append((term, len(places), float(len(places)) * boost, pack_uint(len(places)) + dumps(deltas, 2)))
        return out
