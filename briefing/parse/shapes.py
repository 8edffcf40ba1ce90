"""What a line looks like: a title, a bullet, a one-sentence analytic point.

Both file formats use these tests, so that a heading or a truncated ending is
recognised the same way whatever the file's suffix.
"""

from __future__ import annotations

import re

from briefing.sentences import sentence_spans

TITLE_MAX_WORDS = 20
# An unmarked key point is one sentence of moderate length.
KEY_POINT_MAX_WORDS = 45
DERIVED_TITLE_MAX_CHARS = 80

_CLOSERS = "\"'\u201d\u2019)]*_"
_STOPS = ".!?\u2026"
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf\u2013]|\d{1,2}[.)])\s+(?=\S)")
_KEY_POINTS_HEADER = re.compile(
    r"^\W*(key points|key takeaways|takeaways|highlights|in brief|at a glance|"
    r"what you need to know|summary)\s*:?\s*$",
    re.IGNORECASE,
)

# Words that mark a sentence as analysis (an assessment, a forecast) rather
# than reporting. Leading unmarked key points in briefings are analysis.
_ANALYTIC = re.compile(
    r"\b(may|might|could|would|likely|unlikely|potential(ly)?|possib(le|ly)|"
    r"signif(y|ies|icant|icance)|suggest(s|ing)?|indicat(e|es|ing)|highlight(s|ing)?|"
    r"underscor(e|es|ing)|implication(s)?|risk(s)?|complicat(e|es|ing)|"
    r"reflect(s|ing)?|illustrat(e|es|ing)|raise(s)? (concerns|questions)|"
    r"shift|escalat(e|es|ion)|threat(en|ens)?)\b",
    re.IGNORECASE,
)


def strip_closers(line: str) -> str:
    return line.rstrip().rstrip(_CLOSERS).rstrip()


def ends_with_stop(line: str) -> bool:
    """True when *line* ends a sentence (allowing a closing quote or bracket)."""
    core = strip_closers(line)
    return bool(core) and core[-1] in _STOPS


def word_count(line: str) -> int:
    return len(line.split())


def is_title_shaped(line: str) -> bool:
    """A short line with no closing full stop: a title or a subheading."""
    words = word_count(line)
    if not 1 <= words <= TITLE_MAX_WORDS or is_bullet(line):
        return False
    core = strip_closers(line)
    if not core or core[-1] in _STOPS + ":;,":
        return False
    first = line.lstrip("\"'\u201c\u2018(")[:1]
    return first.isupper() or first.isdigit()


def bullet_text(line: str) -> str | None:
    """The text of a bullet line, or None when *line* is not one."""
    m = _BULLET.match(line)
    return line[m.end() :].strip() if m else None


def is_bullet(line: str) -> bool:
    return _BULLET.match(line) is not None


def is_key_points_header(line: str) -> bool:
    return _KEY_POINTS_HEADER.match(line) is not None


def is_single_sentence(line: str) -> bool:
    return ends_with_stop(line) and len(sentence_spans(line)) == 1


def is_point_shaped(line: str) -> bool:
    """One sentence, short enough to be an unmarked key point."""
    return word_count(line) <= KEY_POINT_MAX_WORDS and is_single_sentence(line)


def is_analytic(line: str) -> bool:
    return _ANALYTIC.search(line) is not None


def derive_title(text: str) -> str:
    """A title made from the first sentence of *text*, cut at a word boundary."""
    spans = sentence_spans(text)
    first = text[spans[0][0] : spans[0][1]] if spans else text
    first = first.strip().rstrip(_STOPS).strip()
    if len(first) <= DERIVED_TITLE_MAX_CHARS:
        return first
    cut = first[: DERIVED_TITLE_MAX_CHARS - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"
