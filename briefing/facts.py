"""Facts a reader scans for: figures, dates and the names of people, places and organisations.

Heuristics over the text's own shape (capitals, titles, prepositions, counted
nouns) rather than a statistical tagger: on news copy a general-purpose model
mistakes towns for people at a hundred times the cost, and a rule that misses
is easy to see and to mend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefing.keypoints import Sentence
from briefing.model import Fact

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
# A run of capitalised words longer than this is a heading or a shout, not a name.
MAX_NAME_WORDS = 8


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
_VERBS = {
    "lost", "struck", "left", "fled", "died", "took", "made", "went", "fell", "rose", "hit",
    "came", "gave", "saw", "won", "say", "said", "remain", "remained", "were", "are", "will",
    "would", "could", "may", "might", "can", "must", "did", "do", "does",
}
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
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


def _folded(text: str) -> str:
    """*text* in lower case, with the letters that IGNORECASE takes for an ASCII letter made that letter.

    Only for asking whether a pattern could match at all: a word that is not
    in here cannot be in the text, whatever its case.
    """
    low = text.lower()
    if not low.isascii():
        low = low.replace("i\u0307", "i").replace("\u0131", "i").replace("\u017f", "s")
    return low


def _figures(sentence: Sentence, low: str) -> Iterable[tuple[str, str | None]]:
    text = sentence.text[:MAX_SENTENCE_CHARS]
    # Most sentences hold no number: the figure pattern, the costliest of
    # all, is run only where a digit or a number word could start one.
    digit, word = _DIGIT.search(text), _NUMBER_WORD_HINT.search(low)
    if digit is None and word is None:
        return
    # And from a little before the first place one could start: a figure's
    # number starts at a digit or a number word, its qualifier at most 15
    # characters and some spaces before it. (The folded text's places are
    # the text's when folding kept its length and found no combining dot to
    # take out.)
    same_places = len(low) == len(text) and "\u0307" not in text
    first = min(m.start() for m in (digit, word) if m is not None) if same_places else 0
    start = max(0, len(text[:first].rstrip()) - 15)
    attribution: str | None = None
    attributed = False
    for m in _FIGURE.finditer(text, start):
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
            toll = _TOLL.search(text[max(0, m.start("num") - 160) : m.start("num")])
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


def _attribution(text: str) -> str | None:
    m = _ACCORDING.search(text) or _SAID_BY.search(text)
    return _cut(m.group(1).strip(), MAX_ATTRIBUTION_CHARS) if m else None


# Dates --------------------------------------------------------------------

_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# Each pattern, with a pattern of the words one of which it cannot match
# without (in the text as it is, or folded to lower case for a pattern that
# ignores case; see _folded): a date pattern is run only on a sentence
# holding one of its words, which most sentences do not.
_MONTH_HINT = re.compile("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_DATE_PATTERNS: list[tuple[re.Pattern[str], re.Pattern[str], bool]] = [
    (re.compile(rf"\b(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:, \d{{4}})?\b"), _MONTH_HINT, False),
    (re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})\.?(?: \d{{4}})?\b"), _MONTH_HINT, False),
    (re.compile(rf"\b(?:{_MONTHS}) \d{{4}}\b"), _MONTH_HINT, False),
    (re.compile(rf"\b(?:{_WEEKDAYS})\b"), re.compile("day"), False),
    (re.compile(
        r"\b(?:yesterday|today|tomorrow|tonight|last night|overnight|"
        r"(?:last|this|next|earlier this|later this) (?:week|month|year|weekend|morning|evening)|"
        r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) (?:days|weeks|months|years) ago)\b",
        re.IGNORECASE,
    ), re.compile("yesterday|today|tomorrow|night|week|month|year|morning|evening|ago"), True),
    # A year only after a preposition: a bare four-digit number may be a count.
    (re.compile(r"\b(?:[Ii]n|[Ss]ince|until|by|from) ((?:19|20)\d\d)\b"), re.compile("19|20"), False),
]


def _dates(sentence: Sentence, low: str) -> Iterable[str]:
    taken: list[tuple[int, int]] = []
    text = sentence.text[:MAX_SENTENCE_CHARS]
    for pattern, hint, folded in _DATE_PATTERNS:
        if not hint.search(low if folded else text):
            continue
        for m in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            start, end = m.span(group)
            if any(s <= start < e or s < end <= e for s, e in taken):
                continue
            taken.append((start, end))
            yield m.group(group)


# Names --------------------------------------------------------------------

_CAP = r"(?:(?:[A-Z]\.){2,}|[A-Z][a-z]+(?:['\u2019-][A-Za-z]+)*|[A-Z]{2,6}|al-[A-Z][a-z]+(?:-[A-Z][a-z]+)*)"
_NAME = re.compile(rf"{_CAP}(?:(?:\s+(?:of|for|al|bin|ibn|de|du|von|van)\s+|\s+){_CAP})*")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z]{2,6})\)")

_PERSON_TITLES = {
    "President", "Prime", "Minister", "Chancellor", "Secretary", "Senator", "Governor",
    "Mayor", "King", "Queen", "Prince", "Princess", "Pope", "Sheikh", "General", "Gen",
    "Colonel", "Col", "Lt", "Lieutenant", "Major", "Maj", "Captain", "Capt", "Sgt",
    "Commander", "Mr", "Mrs", "Ms", "Dr", "Professor", "Prof", "Judge", "Ambassador",
    "Spokesman", "Spokeswoman", "Emir", "Ayatollah", "Leader", "Chief",
}
_PERSON_CUES_BEFORE = re.compile(
    r"\b(?:president|minister|leader|commander|spokesman|spokeswoman|spokesperson|chief|"
    r"envoy|official|analyst|director|head|founder|general|colonel|ambassador)\s*,?\s*$"
)
_TITLE_ABBREVIATION = re.compile(r"\b(?:Lt|Col|Gen|Mr|Mrs|Ms|Dr|Sgt|Capt|Maj|Adm|Sen|Rep|Gov)\.\s*$")
_PERSON_CUES_AFTER = re.compile(r"^\s*(?:,\s*)?(?:said|says|told|stated|added|warned|announced)\b")
_ORG_WORDS = {
    "Organization", "Organisation", "Observatory", "Ministry", "Council", "Army", "Forces",
    "Committee", "Party", "Group", "Movement", "Front", "Brigade", "Brigades", "Corps",
    "Guard", "Guards", "Nations", "Union", "House", "Office", "Agency", "Department",
    "Bank", "Fund", "Company", "Corporation", "Inc", "Ltd", "University", "Court",
    "Parliament", "Assembly", "Commission", "Institute", "Association", "Alliance",
    "Coalition", "Tahrir", "Sham", "Qaeda", "State", "Pentagon", "Kremlin", "Red", "Crescent",
    "Cross", "Police", "Navy", "Command", "Authority", "Network", "News", "Times", "Post",
}
_KNOWN_ORGS = {
    "Hezbollah", "Hamas", "Taliban", "NATO", "UN", "EU", "IAEA", "WHO", "ISIS", "ISIL",
    "Reuters", "AFP", "BBC", "CNN", "Kremlin", "Pentagon", "Houthis", "Wagner", "U.N.", "E.U.",
}
_PLACE_WORDS = {
    "Province", "City", "Square", "Street", "District", "Region", "Airport", "Valley",
    "River", "Mountains", "Sea", "Gulf", "Strait", "Heights", "Bay", "Island", "Islands",
    "Desert", "Border", "Camp", "Port", "Governorate",
}
_PLACES = set(
    """
    Afghanistan Albania Algeria Argentina Armenia Australia Austria Azerbaijan Bahrain
    Bangladesh Belarus Belgium Bolivia Bosnia Brazil Britain Bulgaria Burma Cambodia Cameroon
    Canada Chad Chile China Colombia Congo Croatia Cuba Cyprus Denmark Egypt England Eritrea
    Estonia Ethiopia Europe Finland France Gaza Georgia Germany Ghana Greece Haiti Hungary
    India Indonesia Iran Iraq Ireland Israel Italy Japan Jordan Kazakhstan Kenya Korea Kosovo
    Kuwait Lebanon Libya Lithuania Mali Mexico Moldova Morocco Myanmar Nepal Netherlands
    Niger Nigeria Norway Oman Pakistan Palestine Panama Peru Philippines Poland Portugal
    Qatar Romania Russia Rwanda Saudi Scotland Serbia Somalia Spain Sudan Sweden Switzerland
    Syria Taiwan Tajikistan Tanzania Thailand Tunisia Turkey Uganda Ukraine Uzbekistan
    Venezuela Vietnam Yemen Zimbabwe Africa Asia America Damascus Moscow Tehran Ankara Beirut
    Baghdad Cairo Kyiv Kiev Jerusalem Washington London Paris Berlin Beijing Brussels Geneva
    Riyadh Doha Amman Istanbul Aleppo Idlib Hama Homs Latakia Raqqa Mosul Kabul Tripoli
    """.split()
) | {
    "United States", "United Kingdom", "United Arab Emirates", "Saudi Arabia", "West Bank",
    "Middle East", "Central Asia", "Black Sea", "Red Sea", "U.S.", "U.K.",
}
_PLACE_PREPOSITION = re.compile(
    r"\b(?:in|to|from|near|towards|toward|into|across|outside|around|of|at)\s+(?:the\s+)?$"
)
# Capitalised words that start sentences or stand in titles without being names.
_COMMON = set(
    """
    The A An In On At As If But And Or This That These Those It Its He She They We I
    However Meanwhile Despite According After Before During Reports Many Some Several
    Following Furthermore Additionally Consequently Also While When Where Although Though
    Since Until Officials Residents Both Each Every Other Such Further Continued Increased
    """.split()
) | set(_WEEKDAYS.split("|")) | set(_MONTHS.split("|"))


# The small patterns of the classification, compiled once.
_POSSESSIVE = re.compile(r"['\u2019]s$")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_WITH_ACRONYM = re.compile(r"(.*) \(([A-Z]{2,6})\)")
_DEMONYM_END = re.compile(r"(?:ian|ish|ese|i|an)$")
_LOWER_WORD_NEXT = re.compile(r"\s+[a-z]")
_PLACE_WORD_NEXT = re.compile(
    r"\s+(?:province|prefecture|county|state|city|town|village|district|governorate|region|"
    r"area|peninsula|island|coast|valley|border|port)\b"
)
_PLAIN_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")
_VERB_NEXT = re.compile(r"\s+([a-z]+)\b")
_APPOSITION_NEXT = re.compile(r"\s*,\s+(?:the|a|an)\s")
_VERB_END = re.compile(r"(?:ed|[^s]s)$")


def _clean_name(name: str) -> str:
    return _POSSESSIVE.sub("", name)


# How far before and after a name its cues (a title, "said", "in the") are looked for.
_CUE_REACH = 80


def _names(sentence: Sentence) -> Iterable[tuple[str, str]]:
    """(kind, text) for each name in the sentence."""
    text = sentence.text[:MAX_SENTENCE_CHARS]
    for m in _NAME.finditer(text):
        tokens = m.group(0).split()
        if len(tokens) > MAX_NAME_WORDS + 2:
            continue
        start = m.start()
        # Drop capitalised function words at the front ("The United Nations").
        while tokens and _clean_name(tokens[0]) in _COMMON:
            start = text.index(tokens[1], start) if len(tokens) > 1 else m.end()
            tokens = tokens[1:]
        if not tokens:
            continue
        name = _clean_name(" ".join(tokens))
        # The cues looked for sit right beside the name; searching all the
        # text on either side, for each name, made a long sentence quadratic.
        before = text[max(0, start - _CUE_REACH) : start]
        after = text[m.end() : m.end() + _CUE_REACH]
        at_start = start <= _CUE_REACH and not before.strip(" \"'\u201c")
        kind = _classify(tokens, name, before, after, at_start)
        if kind is None:
            continue
        kind, name = kind
        acronym = _ACRONYM_AFTER.match(after)
        if acronym and kind == "organisation":
            name = f"{name} ({acronym.group(1)})"
        yield kind, name


def _classify(tokens, name, before, after, at_start) -> tuple[str, str] | None:
    # A title inside the match marks what follows as a person ("Syrian President Bashar Assad").
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].rstrip(".") in _PERSON_TITLES and i + 1 < len(tokens):
            rest = tokens[i + 1 :]
            if rest[0] in _PERSON_TITLES:
                continue
            return "person", _clean_name(" ".join(rest))
    if len(tokens) == 1 and tokens[0].rstrip(".") in _PERSON_TITLES:
        return None
    if name in _KNOWN_ORGS or any(t in _ORG_WORDS for t in tokens) or _ACRONYM_AFTER.match(after):
        return "organisation", name
    if name in _PLACES or any(t in _PLACE_WORDS for t in tokens[1:]):
        return "place", name
    if _ACRONYM.fullmatch(name):
        return "organisation", name
    single = len(tokens) == 1
    # Demonyms and other adjectives before a noun: "Iranian consulate", "Syrian army".
    if single and _DEMONYM_END.search(name) and _LOWER_WORD_NEXT.match(after):
        return None
    if _TITLE_ABBREVIATION.search(before):
        return "person", name
    if _PERSON_CUES_BEFORE.search(before) or _PERSON_CUES_AFTER.match(after):
        if len(tokens) >= 2 or not at_start:
            return "person", name
    if _PLACE_WORD_NEXT.match(after):
        return "place", name
    # Two or three plain capitalised words with no other reading are a person's
    # name when a verb or an apposition follows ("Luisa Gonzalez won", "Daniel
    # Noboa, the son of").
    if 2 <= len(tokens) <= 3 and all(_PLAIN_WORD.fullmatch(t) for t in tokens):
        verb = _VERB_NEXT.match(after)
        if _APPOSITION_NEXT.match(after) or (
            verb and (verb.group(1) in _VERBS or _VERB_END.search(verb.group(1)))
        ):
            return "person", name
    if single and not at_start and _PLACE_PREPOSITION.search(before):
        return "place", name
    return None


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
        return name.split()[-1].split("-")[-1]

    scanned = 0
    for sentence in sentences:
        if len(facts) >= MAX_FACTS or scanned >= MAX_SCANNED_CHARS:
            break
        scanned += min(len(sentence.text), MAX_SENTENCE_CHARS)
        low = _folded(sentence.text[:MAX_SENTENCE_CHARS])
        for phrase, attribution in _figures(sentence, low):
            add("figure", phrase, sentence, attribution)
        for text in _dates(sentence, low):
            add("date", text, sentence)
        for kind, name in _names(sentence):
            # "Assad" after "Bashar al-Assad" is the same person, whatever it looks like alone.
            if surname(name) in surnames:
                continue
            if kind == "person":
                surnames.add(surname(name))
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
