"""Snippets: the lines of a hit's text around the query's words, made only for the hits shown."""

from __future__ import annotations

import re
from collections import deque

from whoosh import highlight
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

from briefing.search.results import HIT_END, HIT_START
from briefing.search.schema import make_schema

# The start of a long article is enough to find the words in: highlighting
# re-reads the text word by word, and a 7 MB article would take seconds.
MAX_CHARS = 60_000
_analyzer = make_schema()["body"].analyzer


class _Marker(highlight.Formatter):
    between = " \u2026 "

    def format_token(self, text, token, replace=False):
        return HIT_START + highlight.get_text(text, token, replace) + HIT_END


_fragmenter = highlight.ContextFragmenter(maxchars=200, surround=40)
_formatter = _Marker()
_scorer = highlight.BasicFragmentScorer()


class _Token:
    """What the fragment scorer and formatter read of a matched word."""

    __slots__ = ("text", "startchar", "endchar")
    boost = 1.0
    matched = True

    def __init__(self, text: str, startchar: int, endchar: int) -> None:
        self.text, self.startchar, self.endchar = text, startchar, endchar


# Words as written -> their indexed form; bounded, cleared when full.
_FORMS_KEPT = 200_000
# Characters read before a place a matched word may start: well over the fragmenter's surround.
_LOOKBACK = 200


class _Fragments:
    """ContextFragmenter.fragment_tokens() over the analyser's tokens, in one loop.

    Highlighting runs every word of an article through the analyser's chain
    of filters, each word a Token object, then through the fragmenter: two
    thirds of a word query's time at 100,000 articles went to the snippets
    of one screen. This loop reads the same words at the same places (the
    analyser's pattern, lower case, stop words kept unstemmed, stems), makes
    an object only for a matched word, and follows the fragmenter's rules
    step for step, so the snippets are the same.
    """

    def __init__(self, analyzer, fragmenter: highlight.ContextFragmenter) -> None:
        tokenizer, _, stops, stemmer = analyzer.items
        self.pattern = tokenizer.expression
        self.stoplist, self.shortest, self.longest = stops.stops, stops.min, stops.max
        self.stem, self.ignore = stemmer._stem, stemmer.ignore
        self.maxchars, self.surround, self.charlimit = fragmenter.maxchars, fragmenter.surround, fragmenter.charlimit
        self.forms: dict[str, str] = {}
        self._finders: dict[frozenset, re.Pattern] = {}

    @classmethod
    def for_(cls, analyzer, fragmenter) -> _Fragments | None:
        """None when the analyser or fragmenter is not of the kinds this loop follows."""
        kinds = [type(item) for item in getattr(analyzer, "items", None) or ()]
        if kinds != [RegexTokenizer, LowercaseFilter, StopFilter, StemFilter] or analyzer.items[0].gaps:
            return None
        if type(fragmenter) is not highlight.ContextFragmenter:
            return None
        return cls(analyzer, fragmenter)

    def form(self, word: str) -> str:
        low = word.lower()
        if len(low) >= self.shortest and (self.longest is None or len(low) <= self.longest) \
                and low not in self.stoplist and low not in self.ignore:
            low = self.stem(low)
        if len(self.forms) >= _FORMS_KEPT:
            self.forms.clear()
        self.forms[word] = low
        return low

    def finder(self, terms: frozenset):
        """A pattern that finds, in any case, where a word whose indexed form is one of *terms* may be.

        A stem is the word with its ending cut or changed: at most its last
        three letters differ ("sensibility" is "sensibl"), so the word starts
        with the rest. Found inside another word is harmless: the words
        there are read and their forms compared.
        """
        found = self._finders.get(terms)
        if found is None:
            starts = sorted({term[:max(1, len(term) - 3)] for term in terms}, key=len, reverse=True)
            found = re.compile("|".join(re.escape(start) for start in starts), re.IGNORECASE)
            if len(self._finders) > 64:
                self._finders.clear()
            self._finders[terms] = found
        return found

    def __call__(self, text: str, terms: frozenset):
        maxchars, surround, charlimit = self.maxchars, self.surround, self.charlimit
        pattern, forms, form = self.pattern, self.forms, self.form
        # Where matched words may be: between them, far from any, the
        # fragmenter only keeps the starts of the last few words, so reading
        # resumes a little before the next place (LOOKBACK characters).
        places = [m.start() for m in self.finder(terms).finditer(text, 0, charlimit or len(text))]
        if not places:
            return
        first = None
        firsts: deque = deque()
        countdown = -1
        tks: list[_Token] = []
        endchar = None
        currentlen = 0
        pos = 0
        place = 0
        while True:
            if countdown < 0:  # between fragments: jump to the next place a match may be
                while place < len(places) and places[place] < pos:
                    place += 1
                if place == len(places):
                    break
                resume = places[place] - _LOOKBACK
                if resume > pos:
                    pos = _word_start(text, resume)
                    firsts = deque()
                ahead = places[place]
            for m in pattern.finditer(text, pos):
                startchar, endchar = m.span()
                tlength = endchar - startchar
                if charlimit and endchar > charlimit:
                    break
                word = m.group()
                indexed = forms.get(word) or form(word)
                matched = indexed in terms
                if countdown < 0 and not matched:
                    firsts.append(startchar)
                    while firsts and endchar - firsts[0] > surround:
                        firsts.popleft()
                    if endchar > ahead:
                        pos = endchar  # past the place without a match: look for the next
                        break
                elif currentlen + tlength > maxchars:
                    countdown = 0
                elif matched:
                    countdown = surround
                    if first is None:
                        if firsts:
                            first = firsts[0]
                        else:
                            first = startchar
                            countdown += surround
                    tks.append(_Token(indexed, startchar, endchar))
                if countdown >= 0:
                    currentlen += tlength
                    countdown -= tlength
                    if countdown <= 0:
                        yield highlight.mkfrag(text, tks, startchar=first, endchar=endchar)
                        tks = []
                        firsts = deque()
                        first = None
                        currentlen = 0
                        pos = endchar
                        break
            else:
                break  # the end of the text
            if charlimit and endchar is not None and endchar > charlimit:
                break
        if tks:
            yield highlight.mkfrag(text, tks, startchar=first, endchar=endchar)


def _word_start(text: str, at: int) -> int:
    """*at*, moved back to the start of the word it falls in."""
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_*."):
        at -= 1
    return at


_fragments = _Fragments.for_(_analyzer, _fragmenter)


def _highlight(text: str, terms: frozenset, top: int) -> str:
    if _fragments is None:
        return highlight.highlight(text, terms, _analyzer, _fragmenter, _formatter, top=top)
    # As highlight.highlight(), with the loop above for the analyser and fragmenter.
    fragments = highlight.top_fragments(_fragments(text, terms), top, _scorer, highlight.FIRST, 1)
    return _formatter(text, fragments)


def make_snippet(fields: dict, terms: set[str]) -> str:
    """The snippet of a document's stored *fields* for the query's indexed *terms*."""
    body = (fields.get("body") or "")[:MAX_CHARS]
    title = fields.get("title") or ""
    snippet = ""
    if terms:
        wanted = frozenset(terms)
        snippet = _highlight(body, wanted, 2) or _highlight(title, wanted, 1)
    snippet = snippet or body[:160]
    return " ".join(snippet.split())
