"""Datelines: where, when and by whom a story was filed, at the head of its first paragraph.

"WASHINGTON, March 2 -", "AMSTERDAM, 2 March -", "MILWAUKEE, Wis., March 2-",
"LONDON (Reuters) -", "NEW YORK, March 2 (Reuters) -", "DUBAI, United Arab
Emirates \u2014", "Hong Kong (CNN Business)". The dateline stays in the text as
written; the story's first sentence starts after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"(?:{_MONTH} \d{{1,2}}|\d{{1,2}} {_MONTH})(?:,? \d{{4}})?"
# A place in capitals: "WASHINGTON", "ST. LOUIS", "RIO DE JANEIRO", "ME}LBOURNE" (as the wire sent it).
_CAPS_PLACE = r"[A-Z][A-Z.'\u2019}&/-]*(?: (?:[A-Z][A-Z.'\u2019&/-]*|de|da|do|del|el|la|es))*"
_MIXED_PLACE = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}"
# "Wis.", "N.Y,.", "United Arab Emirates", "Ohio", "MO."
_REGION = r"(?:[A-Z][A-Za-z.,']*(?: [A-Z][A-Za-z.']*){0,3})"
_AGENCY = r"\((?P<agency>[A-Z][A-Za-z.&' ]{1,30})\)"
_DASH = r"\s*(?:--|-|\u2014|\u2013)"

_DATELINE = re.compile(
    r"^(?P<lead>[*\W]{0,6}?)"
    r"(?P<text>"
    rf"(?P<place>{_CAPS_PLACE}|{_MIXED_PLACE})"
    rf"(?:,\s*(?P<region>{_REGION}))??"
    rf"(?:,?\s*(?P<date>{_DATE}))?"
    rf"(?:,?\s*(?:{_AGENCY}|(?P<reuter>Reuter)))?"
    r")"
    rf"(?P<end>,?{_DASH}\s*|(?<=\))\s*)"
    r"(?=[\"'\u201c\u2018(<]?[A-Z0-9])"
)
# "(CNN) -- The ..."
_AGENCY_ONLY = re.compile(rf"^(?P<text>{_AGENCY})(?P<end>{_DASH}\s*)(?=[\"'\u201c\u2018(<]?[A-Z0-9])")
MAX_CHARS = 70


@dataclass(frozen=True, slots=True)
class Found:
    text: str
    place: str | None
    date: str | None
    agency: str | None
    start: int  # where the dateline's text starts in the paragraph (after any "****")
    end: int  # where the story's first sentence starts


def find_dateline(paragraph: str) -> Found | None:
    """The dateline opening *paragraph*, or None.

    A dateline is a place in capitals (or a named place followed by a date or
    an agency), then optionally a region, a date and an agency, then a dash;
    an agency in brackets may stand in for the dash ("Hong Kong (CNN Business)").
    """
    head = paragraph[: MAX_CHARS + 12]
    only = _AGENCY_ONLY.match(head)
    if only:
        return Found(only.group("text"), None, None, only.group("agency"), 0, only.end("end"))
    m = _DATELINE.match(head)
    if not m:
        return None
    text = m.group("text").rstrip(" ,")
    place = m.group("place")
    has_dash = bool(re.match(",?" + _DASH, m.group("end")))
    if not has_dash and not m.group("agency"):
        return None
    caps = place.upper() == place and any(c.isalpha() for c in place)
    if not caps and not (m.group("date") or m.group("agency") or m.group("reuter")):
        return None
    if len(place) < 2 or len(text) > MAX_CHARS:
        return None
    # A capitalised word and a dash alone ("NATO - The alliance") is a dateline only
    # when the word is a place-like name, not an acronym of two or three letters.
    letters = sum(c.isalpha() for c in place)
    if caps and not (m.group("date") or m.group("agency") or m.group("region") or m.group("reuter")) and letters <= 3:
        return None
    agency = m.group("agency") or ("Reuters" if m.group("reuter") else None)
    return Found(
        text=text,
        place=place.strip(),
        date=m.group("date"),
        agency=agency,
        start=m.start("text"),
        end=m.end("end"),
    )
