"""Sentence splitting that survives the abbreviations news copy is full of.

Returns character spans rather than strings, so that a key point or a fact can
be linked back to its exact place in a paragraph.
"""

from __future__ import annotations

import re

# Words that end in a full stop without ending the sentence. Matched
# case-sensitively against the word before the stop.
_TITLES = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Ft", "Rev", "Hon",
    "Gen", "Lt", "Col", "Maj", "Capt", "Cpt", "Sgt", "Cpl", "Pvt", "Adm", "Cmdr",
    "Brig", "Gov", "Sen", "Rep", "Pres", "Amb", "Insp", "Supt",
}
_OTHER = {
    "Inc", "Ltd", "Co", "Corp", "Bros", "Dept", "Univ", "Assn", "Ave", "Blvd", "Rd",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "vs", "etc", "approx", "est", "cf", "al", "Fig", "fig", "Vol", "vol", "pp", "p",
}
# "No. 5", "Art. 12": abbreviations only when a number follows.
_BEFORE_NUMBER = {"No", "no", "Nos", "Art", "art", "Para", "para", "Sec", "sec", "Ch", "ch"}
# After a dotted acronym ("U.S.") a capitalised word usually continues the
# sentence ("U.S. President"); these words usually begin a new one.
_SENTENCE_STARTERS = {
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "In", "On", "At", "But",
    "And", "This", "That", "These", "Those", "Its", "Their", "His", "Her", "There",
    "However", "Meanwhile", "Officials", "According", "After", "As", "If", "When",
}

_BOUNDARY = re.compile(
    r"""
    [.!?\u2026]+            # the stop itself, possibly repeated
    ["'\u201d\u2019)\]]*    # closing quotes or brackets belong to the sentence
    (?=\s+(\S))             # whitespace, then the next sentence's first character
    """,
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."
_ACRONYM = re.compile(r"(?:[A-Za-z]\.){2,}$")


def _is_boundary(text: str, stop_start: int, stop_end: int, next_start: int) -> bool:
    nxt = text[next_start]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'\u201c\u2018([\u00bf\u00a1"):
        return False
    # Only a single full stop can be an abbreviation; "!" and "?" always end.
    if text[stop_start:stop_end] != ".":
        return True
    head = text[max(0, stop_start - 40) : stop_start + 1]
    # The word before the stop is within the letters and dots that end the
    # head: searched for from where they start, not from every place before.
    m = _WORD_BEFORE.search(head, len(head[:-1].rstrip(_WORD_CHARS)))
    if not m:
        return True
    word = m.group(1)
    # A dotted acronym ends in a letter between two dots.
    if head[-3:-2] == "." and _ACRONYM.search(head):
        next_word = re.match(r"\w+", text[next_start:])
        return bool(next_word) and next_word.group(0) in _SENTENCE_STARTERS
    if word in _TITLES or word in _OTHER:
        return False
    if word in _BEFORE_NUMBER and nxt.isdigit():
        return False
    # A single capital before a stop is an initial: "J. Smith".
    if len(word) == 1 and word.isupper():
        return False
    return True


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences in *text*, without outer spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        stop_end = m.end()
        stop_start = m.start()
        # The stop proper ends before any closing quote or bracket.
        stop_only_end = stop_start
        while stop_only_end < stop_end and text[stop_only_end] in ".!?\u2026":
            stop_only_end += 1
        if _is_boundary(text, stop_start, stop_only_end, m.start(1)):
            spans.append((start, stop_end))
            start = m.start(1)
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def split_sentences(text: str) -> list[str]:
    """Return the sentences of *text*."""
    return [text[s:e] for s, e in sentence_spans(text)]
