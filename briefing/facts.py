"""Facts a reader scans for: figures, dates and the names of people, places and organisations.

Heuristics over the text's own shape (capitals, titles, prepositions, counted
nouns) rather than a statistical tagger: on news copy a general-purpose model
mistakes towns for people at a hundred times the cost, and a rule that misses
is easy to see and to mend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from briefing.keypoints import Sentence
from briefing.model import Fact
from briefing.names import MONTHS as _MONTHS
from briefing.names import VERBS as _VERBS
from briefing.names import WEEKDAYS as _WEEKDAYS
from briefing.names import names
from briefing.words import folded

# Output proportional to input, and time bounded, whatever the article: each
# fact's text and attribution are cut to a length a reader can take in, at
# most MAX_FACTS are kept, and only the first MAX_SENTENCE_CHARS of a
# sentence (a "sentence" longer than that is a list or a dump, not prose)
# and the first MAX_SCANNED_CHARS of the body are looked at. Without these
# a 70 KB article of figures sharing one long attribution gave 146 MB of
# JSON, and a 7.9 MB line took 74 s and gave 278,000 facts.
MAX_FACTS = 400
MAX_FACT_CHARS = 120
MAX_ATTRIBUTION_CHARS = 100
MAX_SENTENCE_CHARS = 2000
MAX_SCANNED_CHARS = 100_000


def _cut(text: str, limit: int) -> str:
    """*text* cut to at most *limit* characters at a word boundary, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:") + "\u2026"

# Figures ------------------------------------------------------------------

_QUALIFIER = (
    r"more than|over|at least|at most|nearly|almost|about|around|approximately|roughly|"
    r"some|up to|fewer than|less than|an estimated|as many as|close to|upwards of|"
    r"more than half|dozens of|hundreds of|thousands of|magnitude"
)
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    r"ninety|hundred|a hundred|a thousand|dozens|hundreds|thousands|millions"
)
_NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s?(?:%|percent\b|per cent\b))?"
    rf"(?:\s(?:million|billion|thousand)\b)?"
    rf"|\b(?:{_NUMBER_WORDS})\b(?:\s(?:million|billion|thousand)\b)?"
)
_FIGURE = re.compile(
    # The counted words are looked at, not consumed, so that a qualifier in
    # them ("including at least 140") still starts the next figure.
    rf"(?:\b(?P<qual>{_QUALIFIER})\s+)?(?P<num>{_NUMBER})(?=(?P<rest>(?:[ \t]+[A-Za-z][\w'-]*,?){{0,4}}))",
    re.IGNORECASE,
)
_TIME_UNITS = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
    "minute", "minutes", "decade", "decades", "century", "am", "pm", "a.m", "p.m",
}
_NOT_COUNTED = {
    "the", "a", "an", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by",
    "with", "have", "has", "had", "were", "was", "are", "is", "be", "been", "that", "which",
    "who", "as", "after", "before", "since", "while", "during", "into", "than", "including",
}
_PERCENT_OF = re.compile(r"\s+of\s+((?:the\s+)?[\w-]+)")


def _counted(rest: str) -> str:
    """The noun phrase a number counts: up to three words, stopping at function words and verbs."""
    words: list[str] = []
    for raw in rest.split():
        word = raw.rstrip(",")
        low = word.lower()
        if low in _NOT_COUNTED or low in _VERBS or not word[0].isalpha():
            break
        # "300 injured" counts the injured; "ships waiting" ends at the verb.
        if low.endswith("ing") or (words and low.endswith("ed") and low != "armed"):
            break
        words.append(word)
        if raw.endswith(",") or len(words) == 3:
            break
    return " ".join(words)


_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH_BEFORE = re.compile(rf"(?:{_MONTHS})\.?$")
_NUMBER_SIGN_BEFORE = re.compile(r"\b(?:No|no|Nos)\.?$")
_DIGIT = re.compile(r"\d")
# Every number word of _NUMBER holds one of these ("ninety" holds "nine"), in lower case.
_NUMBER_WORD_HINT = re.compile(
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thir|fif|twenty|forty|hundred|thousand|dozen|million"
)


_NUMBER_WORD_HINTS = tuple(_NUMBER_WORD_HINT.pattern.split("|"))
_FOLDED_QUALIFIER = re.compile(rf"\b(?:{_QUALIFIER})\s")


def _number_word(text: str, low: str, pos: int, endpos: int, default: int) -> int:
    """Where the first number word in *low* between *pos* and *endpos* could start, else *default*.

    A hint inside a word ("often", "weight") starts none: a number word
    starts a word, and the hint is at its start (or after "a " in "a hundred").
    """
    while (found := _NUMBER_WORD_HINT.search(low, pos, endpos)) is not None:
        at = found.start()
        if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):
            return at
        pos = at + 1
    return default


def _figure_matches(text: str, low: str, digit: re.Match[str] | None) -> Iterator[re.Match[str]]:
    """The matches of _FIGURE.finditer from where the first figure could start, the
    pattern run only from a little before each place a number could start.

    *digit* is the first digit of *text*, *low* the text folded (briefing.words.folded).
    """
    # Most sentences hold no number: the figure pattern, the costliest of
    # all, is run only where a digit or a number word could start one.
    if digit is None and not any(map(low.__contains__, _NUMBER_WORD_HINTS)):
        return
    # And from a little before the first place one could start: a figure's
    # number starts at a digit or a number word, its qualifier at most 15
    # characters and some spaces before it. (The folded text's places are
    # the text's when folding kept its length and found no combining dot to
    # take out.)
    if not (len(low) == len(text) and "\u0307" not in text):
        yield from _FIGURE.finditer(text)
        return
    none = len(text) + 2
    next_digit = digit.start() if digit else none
    # A number word holds no digit: one before the first digit lies wholly
    # before it. (Else the first digit is where to look for one from.)
    hint = _NUMBER_WORD_HINT.search(low, 0, next_digit if digit else len(low))
    next_word = _number_word(text, low, hint.start(), len(low), none) if hint else next_digit
    start = max(0, len(text[: hint.start() if hint else next_digit].rstrip()) - 15)
    while (could_start := min(next_digit, next_word)) < none:
        # The next figure starts at its number, which starts at a digit or at
        # most two characters before a number word ("a hundred"), or at its
        # qualifier, at most 14 characters and some spaces before that; the
        # pattern (slow: it ignores case) is run from the number on, unless
        # a qualifier (looked for in the folded text) stands in between.
        start = max(start, len(text[: max(0, could_start - 2)].rstrip()) - 14)
        qualifier = _FOLDED_QUALIFIER.search(low, start, could_start + 14)
        number = could_start - 2 if qualifier is None else min(qualifier.start(), could_start - 2)
        m = _FIGURE.search(text, max(start, number))
        if m is None:
            return
        yield m
        start = m.end()
        if next_digit < start:
            found = _DIGIT.search(text, start)
            next_digit = found.start() if found else none
        if next_word < start:
            next_word = _number_word(text, low, start, len(low), none)


def _figures(text: str, low: str, digit: re.Match[str] | None) -> Iterable[tuple[str, str | None]]:
    attribution: str | None = None
    attributed = False
    for m in _figure_matches(text, low, digit):
        num = m.group("num")
        # The words just before the number; a search over all the text
        # before it, for each number, made a long sentence quadratic.
        before = text[max(0, m.start("num") - 40) : m.start("num")].rstrip()
        if _YEAR.fullmatch(num) or _MONTH_BEFORE.search(before):
            continue  # a year, or the day of a date
        if _NUMBER_SIGN_BEFORE.search(before):
            continue
        if not attributed:
            attribution, attributed = _attribution(text), True
        is_percent = "%" in num or "percent" in num.lower() or "per cent" in num.lower()
        counted = _counted(m.group("rest"))
        if is_percent:
            of = _PERCENT_OF.match(text, m.end("num"))
            counted = f"of {of.group(1)}" if of else ""
        elif counted and counted.split()[0].lower() in _TIME_UNITS:
            continue
        elif not counted and not m.group("qual"):
            # A bare number says nothing on its own, unless a toll leads up
            # to it: "the death toll rose to 95", "the number of people
            # killed ... rose to 48".
            lead = text[max(0, m.start("num") - 160) : m.start("num")]
            low_lead = folded(lead)  # the pattern (it ignores case) only where its words stand
            toll = _TOLL.search(lead) if "toll" in low_lead or "number of" in low_lead else None
            if toll is None:
                continue
            yield f"{toll.group('subject').lower()}: {num}", attribution
            continue
        qual = m.group("qual")
        if qual and qual.lower() == "magnitude":
            counted = ""
        phrase = " ".join(p for p in (qual, num, counted) if p)
        yield phrase, attribution


_TOLL = re.compile(
    r"\b(?P<subject>death toll|toll|number of (?:people |those )?(?:killed|dead|deaths|displaced|injured|"
    r"wounded|missing|evacuated|arrested))\b[^.;]{0,100}?\b(?:rose|risen|climbed|jumped|reached|stands|stood|"
    r"is|was|now)(?: to| at)?\s+$",
    re.IGNORECASE,
)
_ACCORDING = re.compile(r"\b[Aa]ccording to ((?:the )?[A-Z][^,.;:\u201d\"]*)")
# Up to eight capitalised words before the verb. The words are separated by
# exactly one space: an optional separator let a long run of capitals be split
# into words in exponentially many ways (a 3,000-letter word took minutes).
_SAID_BY = re.compile(
    r"((?:[Tt]he )?[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,7})\s+(?:said|says|stated|reported|confirmed|announced|told)\b"
)


_SAYING = re.compile("said|says|stated|reported|confirmed|announced|told")


def _attribution(text: str) -> str | None:
    # Each pattern only where its words stand.
    m = _ACCORDING.search(text) if "ccording to " in text else None
    if m is None and _SAYING.search(text):
        m = _SAID_BY.search(text)
    return _cut(m.group(1).strip(), MAX_ATTRIBUTION_CHARS) if m else None


# Dates --------------------------------------------------------------------

# Each pattern runs only on a sentence holding words it cannot match
# without, which most sentences do not: a month's name (as written) and a
# digit, a weekday's "day", a year's "19" or "20"; for the pattern that
# ignores case, its words in the text folded to lower case (see briefing.words.folded).
_MONTH_HINT = re.compile("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
# "last week", "earlier this month", "two days ago": one of these words, and one of these beginnings.
_RELATIVE_WORDS = ("yesterday", "today", "tomorrow", "night", "week", "month", "year", "morning", "evening", "ago")
_RELATIVE_STARTS = ("yesterday", "today", "tomorrow", "tonight", "overnight", "last ", "this ", "next ", " ago")
_MONTH_DATE, _WEEKDAY, _RELATIVE, _YEAR_AFTER = range(4)
_DATE_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(rf"\b(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:, \d{{4}})?\b"), _MONTH_DATE),
    (re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})\.?(?: \d{{4}})?\b"), _MONTH_DATE),
    (re.compile(rf"\b(?:{_MONTHS}) \d{{4}}\b"), _MONTH_DATE),
    (re.compile(rf"\b(?:{_WEEKDAYS})\b"), _WEEKDAY),
    (re.compile(
        r"\b(?:yesterday|today|tomorrow|tonight|last night|overnight|"
        r"(?:last|this|next|earlier this|later this) (?:week|month|year|weekend|morning|evening)|"
        r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) (?:days|weeks|months|years) ago)\b",
        re.IGNORECASE,
    ), _RELATIVE),
    # A year only after a preposition: a bare four-digit number may be a count.
    (re.compile(r"\b(?:[Ii]n|[Ss]ince|until|by|from) ((?:19|20)\d\d)\b"), _YEAR_AFTER),
]


def _dates(text: str, low: str, digit: bool) -> Iterable[str]:
    hinted = (
        digit and _MONTH_HINT.search(text) is not None,
        "day" in text,
        any(map(low.__contains__, _RELATIVE_WORDS)) and any(map(low.__contains__, _RELATIVE_STARTS)),
        digit and ("19" in text or "20" in text),
    )
    if not any(hinted):
        return
    taken: list[tuple[int, int]] = []
    for pattern, hint in _DATE_PATTERNS:
        if not hinted[hint]:
            continue
        for m in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            start, end = m.span(group)
            if any(s <= start < e or s < end <= e for s, e in taken):
                continue
            taken.append((start, end))
            yield m.group(group)


# Names --------------------------------------------------------------------

_WITH_ACRONYM = re.compile(r"(.*) \(([A-Z]{2,6})\)")


def extract_facts(sentences: list[Sentence]) -> list[Fact]:
    """Every figure, date and name in *sentences*, once each, anchored where first seen."""
    facts: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    surnames: set[str] = set()
    orgs: dict[str, str] = {}

    def add(kind: str, text: str, sentence: Sentence, attribution: str | None = None) -> None:
        text = _cut(text, MAX_FACT_CHARS)
        key = (kind, text.lower())
        if key in seen or len(facts) >= MAX_FACTS:
            return
        seen.add(key)
        facts.append(Fact(kind, text, sentence.anchor, attribution))  # type: ignore[arg-type]

    def surname(name: str) -> str:
        return name.rsplit(None, 1)[-1].rsplit("-", 1)[-1]

    scanned = 0
    for sentence in sentences:
        if len(facts) >= MAX_FACTS or scanned >= MAX_SCANNED_CHARS:
            break
        scanned += min(len(sentence.text), MAX_SENTENCE_CHARS)
        text = sentence.text[:MAX_SENTENCE_CHARS]
        low = folded(text)
        digit = _DIGIT.search(text)
        for phrase, attribution in _figures(text, low, digit):
            add("figure", phrase, sentence, attribution)
        for date in _dates(text, low, digit is not None):
            add("date", date, sentence)
        for kind, name in names(text):
            # "Assad" after "Bashar al-Assad" is the same person, whatever it looks like alone.
            last = surname(name)
            if last in surnames:
                continue
            if kind == "person":
                surnames.add(last)
            if kind == "organisation":
                m = _WITH_ACRONYM.fullmatch(name)
                if m:
                    orgs[m.group(2)] = name
                elif name in orgs:
                    continue
                elif any(long.startswith(name) or name in long for long in orgs.values()):
                    continue
            add(kind, name, sentence)
    return facts
