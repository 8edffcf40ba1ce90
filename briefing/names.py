"""Names of people, places and organisations in a sentence, as the facts give them.

A name is a run of capitalised words; what kind of name it is comes from the
run itself (a title, a word such as "Ministry" or "Province", a known place)
and from the words right beside it ("said", "in the", "spokesman"). What a
run says about itself is worked out once and kept: news names the same people
and places again and again, so most runs are seen before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# A run of capitalised words longer than this is a heading or a shout, not a name.
MAX_NAME_WORDS = 8
# How far before and after a name its cues (a title, "said", "in the") are looked for.
_CUE_REACH = 80

VERBS = {
    "lost", "struck", "left", "fled", "died", "took", "made", "went", "fell", "rose", "hit",
    "came", "gave", "saw", "won", "say", "said", "remain", "remained", "were", "are", "will",
    "would", "could", "may", "might", "can", "must", "did", "do", "does",
}
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"

_CAP = r"(?:(?:[A-Z]\.){2,}|[A-Z][a-z]+(?:['\u2019-][A-Za-z]+)*|[A-Z]{2,6}|al-[A-Z][a-z]+(?:-[A-Z][a-z]+)*)"
# The first word of a run is _CAP written to start with one character class, so
# that the pattern engine skips straight to where a name can start (a capital,
# or the "a" of "al-") instead of trying each alternative at every character;
# the look-behinds keep each alternative to the first letters it had.
_FIRST_CAP = (
    r"(?:[A-Za](?:(?<=[A-Z])\.(?:[A-Z]\.)+|(?<=[A-Z])[a-z]+(?:['\u2019-][A-Za-z]+)*|(?<=[A-Z])[A-Z]{1,5}|"
    r"(?<=a)l-[A-Z][a-z]+(?:-[A-Z][a-z]+)*))"
)
_NAME = re.compile(rf"{_FIRST_CAP}(?:(?:\s+(?:of|for|al|bin|ibn|de|du|von|van)\s+|\s+){_CAP})*")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z]{2,6})\)")

_PERSON_TITLES = {
    "President", "Prime", "Minister", "Chancellor", "Secretary", "Senator", "Governor",
    "Mayor", "King", "Queen", "Prince", "Princess", "Pope", "Sheikh", "General", "Gen",
    "Colonel", "Col", "Lt", "Lieutenant", "Major", "Maj", "Captain", "Capt", "Sgt",
    "Commander", "Mr", "Mrs", "Ms", "Dr", "Professor", "Prof", "Judge", "Ambassador",
    "Spokesman", "Spokeswoman", "Emir", "Ayatollah", "Leader", "Chief",
}
# Each pattern looking back from a name ends where the name starts; each is
# searched for only when the text before the name ends in one of its words.
_CUE_WORDS = (
    "president|minister|leader|commander|spokesman|spokeswoman|spokesperson|chief|"
    "envoy|official|analyst|director|head|founder|general|colonel|ambassador"
)
_PERSON_CUES_BEFORE = re.compile(rf"\b(?:{_CUE_WORDS})\s*,?\s*$")
_CUE_ENDS = tuple(_CUE_WORDS.split("|"))
_TITLE_ABBREVIATION = re.compile(r"\b(?:Lt|Col|Gen|Mr|Mrs|Ms|Dr|Sgt|Capt|Maj|Adm|Sen|Rep|Gov)\.\s*$")
_PERSON_CUES_AFTER = re.compile(r"^\s*(?:,\s*)?(?:said|says|told|stated|added|warned|announced)\b")
# What the patterns looking forward from a name can find first, past spaces.
_CUE_AFTER_FIRST = ",satw"
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
_PREPOSITIONS = "in|to|from|near|towards|toward|into|across|outside|around|of|at"
_PLACE_PREPOSITION = re.compile(rf"\b(?:{_PREPOSITIONS})\s+(?:the\s+)?$")
_PREPOSITION_ENDS = (*_PREPOSITIONS.split("|"), "the")
# Capitalised words that start sentences or stand in titles without being names.
_COMMON = set(
    """
    The A An In On At As If But And Or This That These Those It Its He She They We I
    However Meanwhile Despite According After Before During Reports Many Some Several
    Following Furthermore Additionally Consequently Also While When Where Although Though
    Since Until Officials Residents Both Each Every Other Such Further Continued Increased
    """.split()
) | set(WEEKDAYS.split("|")) | set(MONTHS.split("|"))


# The small patterns of the classification, compiled once.
_POSSESSIVE = re.compile(r"['\u2019]s$")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_DEMONYM_END = re.compile(r"(?:ian|ish|ese|i|an)$")
_LOWER_WORD_NEXT = re.compile(r"\s+[a-z]")
_PLACE_NEXT_WORDS = (
    "province|prefecture|county|state|city|town|village|district|governorate|region|"
    "area|peninsula|island|coast|valley|border|port"
)
_PLACE_WORD_NEXT = re.compile(rf"\s+(?:{_PLACE_NEXT_WORDS})\b")
_PLACE_NEXT_FIRST = "".join(sorted({word[0] for word in _PLACE_NEXT_WORDS.split("|")}))
_PLAIN_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")
_VERB_NEXT = re.compile(r"\s+([a-z]+)\b")
_APPOSITION_NEXT = re.compile(r"\s*,\s+(?:the|a|an)\s")
_VERB_END = re.compile(r"(?:ed|[^s]s)$")


def _clean_name(name: str) -> str:
    """*name* without a possessive "'s" at its end."""
    if "\n" in name:
        return _POSSESSIVE.sub("", name)  # "$" also matches before a final line break
    return name[:-2] if name.endswith(_POSSESSIVE_ENDS) else name


_POSSESSIVE_ENDS = ("'s", "\u2019s")


class _Run(NamedTuple):
    """What a run of capitalised words says about itself, wherever it stands."""

    offset: int  # where the name starts in the run, past capitalised function words ("The", "In")
    name: str
    single: bool  # one word
    # Settled by a title inside the run ("Syrian President Bashar Assad" names a person; "President"
    # alone names no one); otherwise the evidence below, weighed with the words around the run.
    settled: bool
    verdict: tuple[str, str] | None
    organisation: bool  # a known organisation, or a word such as "Ministry" in it
    place: bool  # a known place, or a word such as "Province" after its first
    acronym: bool
    demonym: bool  # one word ending like "Syrian", "Kurdish"
    plain: bool  # two or three plain capitalised words ("Luisa Gonzalez")


def _run(matched: str) -> _Run | None:
    """The run *matched*, or None when it names nothing (too long, or only words like "The")."""
    tokens = matched.split()
    if len(tokens) > MAX_NAME_WORDS + 2:
        return None
    offset = 0
    # Drop capitalised function words at the front ("The United Nations").
    while tokens and _clean_name(tokens[0]) in _COMMON:
        offset = matched.index(tokens[1], offset) if len(tokens) > 1 else len(matched)
        tokens = tokens[1:]
    if not tokens:
        return None
    name = _clean_name(" ".join(tokens))
    single = len(tokens) == 1
    settled, verdict = False, None
    # A title inside the match marks what follows as a person.
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].rstrip(".") in _PERSON_TITLES and i + 1 < len(tokens):
            rest = tokens[i + 1 :]
            if rest[0] in _PERSON_TITLES:
                continue
            settled, verdict = True, ("person", _clean_name(" ".join(rest)))
            break
    else:
        settled = single and tokens[0].rstrip(".") in _PERSON_TITLES
    return _Run(
        offset=offset,
        name=name,
        single=single,
        settled=settled,
        verdict=verdict,
        organisation=name in _KNOWN_ORGS or not _ORG_WORDS.isdisjoint(tokens),
        place=name in _PLACES or not _PLACE_WORDS.isdisjoint(tokens[1:]),
        acronym=_ACRONYM.fullmatch(name) is not None,
        demonym=single and _DEMONYM_END.search(name) is not None,
        plain=2 <= len(tokens) <= 3 and all(_PLAIN_WORD.fullmatch(t) for t in tokens),
    )


# Runs seen so far (None for those that name nothing); cleared when it grows large.
_RUNS: dict[str, _Run | None] = {}
_MAX_RUNS = 50_000


def names(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) for each name in *text*, one sentence: kind is "person", "place" or "organisation"."""
    for m in _NAME.finditer(text):
        matched = m.group()
        if matched in _RUNS:
            run = _RUNS[matched]
        else:
            if len(_RUNS) >= _MAX_RUNS:
                _RUNS.clear()
            run = _RUNS[matched] = _run(matched)
        if run is None:
            continue
        start, end = m.start() + run.offset, m.end()
        # The cues looked for sit right beside the name; searching all the
        # text on either side, for each name, made a long sentence quadratic.
        before = text[max(0, start - _CUE_REACH) : start]
        after = text[end : end + _CUE_REACH]
        acronym = _ACRONYM_AFTER.match(after) if "(" in after else None
        found = _classify(run, start, before, after, acronym is not None)
        if found is None:
            continue
        kind, name = found
        if acronym and kind == "organisation":
            name = f"{name} ({acronym.group(1)})"
        yield kind, name


def _classify(run: _Run, start: int, before: str, after: str, acronym_after: bool) -> tuple[str, str] | None:
    if run.settled:
        return run.verdict
    name = run.name
    if run.organisation or acronym_after:
        return "organisation", name
    if run.place:
        return "place", name
    if run.acronym:
        return "organisation", name
    # Demonyms and other adjectives before a noun: "Iranian consulate", "Syrian army".
    if run.demonym and _LOWER_WORD_NEXT.match(after):
        return None
    # The patterns looking back are searched for only where the text before ends as they need.
    ends = before.rstrip()
    if ends.endswith(".") and _TITLE_ABBREVIATION.search(before):
        return "person", name
    at_start = start <= _CUE_REACH and not before.strip(" \"'\u201c")
    cue_end = ends[:-1].rstrip() if ends.endswith(",") else ends
    # And those looking forward only where the next word starts as they need.
    following = after.lstrip()[:1]
    if (cue_end.endswith(_CUE_ENDS) and _PERSON_CUES_BEFORE.search(before)) or (
        following and following in _CUE_AFTER_FIRST and _PERSON_CUES_AFTER.match(after)
    ):
        if not run.single or not at_start:
            return "person", name
    if following and following in _PLACE_NEXT_FIRST and _PLACE_WORD_NEXT.match(after):
        return "place", name
    # Two or three plain capitalised words with no other reading are a person's
    # name when a verb or an apposition follows ("Luisa Gonzalez won", "Daniel
    # Noboa, the son of").
    if run.plain:
        verb = _VERB_NEXT.match(after)
        if _APPOSITION_NEXT.match(after) or (
            verb and (verb.group(1) in VERBS or _VERB_END.search(verb.group(1)))
        ):
            return "person", name
    if run.single and not at_start and ends.endswith(_PREPOSITION_ENDS) and _PLACE_PREPOSITION.search(before):
        return "place", name
    return None
