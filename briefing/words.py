"""Content words: what two sentences must share to be about the same thing."""

from __future__ import annotations

import re

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself said says say according including also however since within without
    among amid amidst while whether which who whose upon onto into per via al el bin ibn
    """.split()
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*")
_SUFFIXES = ("ations", "ation", "edly", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A light suffix stripper: enough to match "attacks" with "attack", not a full stemmer."""
    if not word.endswith(_SUFFIXES):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ies", "ied") else base
    return word


def tokens(text: str) -> list[str]:
    return _WORD.findall(text)


# What each token becomes (its stem, or None for a stop word): news repeats its words,
# and this is most of the time spent on a sentence. A dict that works out what it lacks,
# so that a sentence's tokens are looked up in one map() without a Python call each.
# Bounded: cleared when it grows large.
class _Stems(dict[str, "str | None"]):
    def __missing__(self, token: str) -> str | None:
        low = token.lower().replace("\u2019", "'")
        if low.endswith("'s"):
            low = low[:-2]
        result = None if low in STOPWORDS or len(low) < 2 else stem(low)
        if len(self) >= _MAX_CACHED:
            self.clear()
        self[token] = result
        return result


_STEMS = _Stems()
_MAX_CACHED = 200_000
_content_stem = _STEMS.__getitem__


def content_word_list(text: str, numbers: bool = True) -> list[tuple[str, bool]]:
    """Each content word of *text*, stemmed and lower-cased, in order, with
    whether it was capitalised (a name, more often than not)."""
    out = []
    for token in _WORD.findall(text):
        if not numbers and token[0].isdigit():
            continue
        word = _content_stem(token)
        if word is not None:
            out.append((word, token[0].isupper()))
    return out


def content_words(text: str) -> set[str]:
    """Stemmed, lower-cased words of *text* other than stop words."""
    out = set(map(_content_stem, _WORD.findall(text)))
    out.discard(None)  # type: ignore[arg-type]
    return out  # type: ignore[return-value]


def folded(text: str) -> str:
    """*text* in lower case, with the letters that IGNORECASE takes for an ASCII letter made that letter.

    Only for asking whether a pattern could match at all: a word that is not
    in here cannot be in the text, whatever its case.
    """
    low = text.lower()
    if not low.isascii():
        low = low.replace("i\u0307", "i").replace("\u0131", "i").replace("\u017f", "s")
    return low
