"""The names one article gives, each with the first sentence naming it and the figures beside it.

The fact finder (:func:`briefing.facts.extract_facts`) is asked sentence by
sentence, so that every sentence naming an entity is seen (the article's
facts keep only the first). Within the article, the ties it makes itself are
followed: an organisation given with its acronym ("Hayat Tahrir al-Sham
(HTS)") is one entity with that acronym and with the shorter forms of its
name the same article uses ("Tahrir al-Sham"); a surname alone after a full
name is that person. Only the acronym ties are kept as aliases across the
archive: a surname shared by two people is not evidence they are one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from briefing.model import Anchor, Article

if TYPE_CHECKING:
    from briefing.keypoints import Sentence

KINDS = ("person", "place", "organisation")
# A mention keeps its sentence up to this length, and this many figures.
MAX_SENTENCE = 400
MAX_FIGURES = 8
# An article names at most this many entities (a directory or a table of names is not news copy).
MAX_PER_ARTICLE = 300
_ACRONYM = re.compile(r"(.*\S) \(([A-Z]{2,6})\)")
_DOTTED = re.compile(r"^(?:[A-Z]\.){2,}$")


def name_key(name: str) -> str:
    """The form names are matched by: case, spacing, a possessive and acronym dots do not count."""
    name = " ".join(name.split())
    name = re.sub(r"['\u2019]s$", "", name)
    if _DOTTED.match(name):
        name = name.replace(".", "")
    return name.casefold()


@dataclass
class Mention:
    """One entity as one article names it."""

    kind: str
    name: str
    sentence: str
    anchor: Anchor
    figures: list[str] = field(default_factory=list)
    # Sentences of the article that name it.
    count: int = 1
    # Other names the article itself ties to this one (an acronym, a short form of the long name).
    aliases: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class _Seen:
    kind: str
    name: str
    sentence: int


def mentions(article: Article) -> list[Mention]:
    """Every person, place and organisation *article* names, in the order first named."""
    from briefing.facts import extract_facts

    sentences = _sentences(article)
    seen: list[_Seen] = []
    figures: list[list[str]] = []
    # Acronym -> long form, as this article gives them.
    long_forms: dict[str, str] = {}
    for n, sentence in enumerate(sentences):
        found = []
        for fact in extract_facts([sentence]):
            if fact.kind == "figure":
                found.append(fact.text)
            elif fact.kind in KINDS:
                name = fact.text
                tied = _ACRONYM.fullmatch(name) if fact.kind == "organisation" else None
                if tied:
                    name, acronym = tied.group(1), tied.group(2)
                    if stands_for(acronym, name):
                        long_forms.setdefault(acronym, name)
                    else:
                        # The finder cut the long form short ("Development (OECD)"): two names, no tie.
                        seen.append(_Seen(fact.kind, acronym, n))
                seen.append(_Seen(fact.kind, name, n))
        figures.append(found)
    by_key: dict[str, Mention] = {}
    people: dict[str, str] = {}  # surname -> the full name first given
    order: list[str] = []
    last: dict[str, Anchor] = {}  # the sentence each entity was last counted in
    ties = {name_key(long): acronym for acronym, long in long_forms.items()}
    for item in seen:
        kind, name = item.kind, item.name
        canonical, alias = _canonical(kind, name, long_forms, people)
        if canonical is None:
            continue
        key = name_key(canonical)
        sentence = sentences[item.sentence]
        mention = by_key.get(key)
        if mention is None:
            if len(by_key) >= MAX_PER_ARTICLE:
                continue
            if kind == "person" and len(canonical.split()) > 1:
                people.setdefault(_surname(canonical), canonical)
            mention = by_key[key] = Mention(
                "organisation" if key in ties else kind, canonical,
                sentence.text[:MAX_SENTENCE], sentence.anchor)
            order.append(key)
            if key in ties:
                mention.aliases.append(ties[key])
        elif last.get(key) != sentence.anchor:
            mention.count += 1
        last[key] = sentence.anchor
        if alias and alias not in mention.aliases:
            mention.aliases.append(alias)
        for figure in figures[item.sentence]:
            if figure not in mention.figures and len(mention.figures) < MAX_FIGURES:
                mention.figures.append(figure)
    return [by_key[key] for key in order]


def _sentences(article: Article) -> list[Sentence]:
    """The body's sentences as the key points and facts see them (without their content words, not needed here)."""
    from briefing.keypoints import Sentence
    from briefing.sentences import sentence_spans

    out = []
    dateline = article.dateline
    for index, paragraph in enumerate(article.paragraphs):
        if paragraph.kind == "heading":
            continue
        text = paragraph.text
        offset = 0
        if dateline is not None and dateline.anchor.paragraph == index:
            offset = dateline.anchor.end
            while offset < len(text) and (text[offset].isspace() or text[offset] in "-\u2013\u2014"):
                offset += 1
        for start, end in sentence_spans(text[offset:]):
            out.append(Sentence(index, start + offset, end + offset, text[start + offset:end + offset], frozenset()))
    return out


def stands_for(acronym: str, long: str) -> bool:
    """Whether *acronym* can be made from *long*'s letters, its first letter starting a word.

    Schwartz and Hearst's test for an abbreviation's definition (2003): the
    letters are found right to left, in order, and the first at a word's
    start. "IMF" stands for "International Monetary Fund", "LIBOR" for
    "London Interbank Offered Rates"; "OECD" does not for "Development".
    """
    short, text = acronym.lower(), long.lower()
    i, j = len(short) - 1, len(text) - 1
    while i >= 0:
        letter = short[i]
        if not letter.isalnum():
            i -= 1
            continue
        while j >= 0 and (text[j] != letter or (i == 0 and j > 0 and text[j - 1].isalnum())):
            j -= 1
        if j < 0:
            return False
        i -= 1
        j -= 1
    return True


def _canonical(kind: str, name: str, long_forms: dict[str, str], people: dict[str, str]
               ) -> tuple[str | None, str | None]:
    """The name this mention counts under in the article, and the alias it ties (or None)."""
    if name in long_forms:
        return long_forms[name], name
    if kind == "organisation" or len(name.split()) > 1:
        for long in long_forms.values():
            if name != long and _part_of(name, long):
                return long, name
    if len(name.split()) == 1 and name in people:
        # A surname alone after the full name: the same person in this article.
        return people[name], None
    return name, None


def _part_of(short: str, long: str) -> bool:
    """Whether *short* is a run of whole words at the end of *long* ("Tahrir al-Sham" of "Hayat Tahrir al-Sham")."""
    words, whole = short.split(), long.split()
    return 2 <= len(words) < len(whole) and whole[-len(words):] == words


def _surname(name: str) -> str:
    return name.split()[-1].split("-")[-1]

