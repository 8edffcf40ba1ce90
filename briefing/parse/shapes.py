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
# The headers a source puts over its own key points ("STORY HIGHLIGHTS", "Key takeaways").
_HIGHLIGHTS = (
    r"key points|key takeaways|takeaways|(?:story )?highlights|in brief|at a glance|"
    r"what you need to know|what we know(?: so far)?|summary|tl;? ?dr"
)
_KEY_POINTS_HEADER = re.compile(rf"^\W*(?:{_HIGHLIGHTS})\s*:?\s*$", re.IGNORECASE)
# The same header with the point on its own line: "TL;DR: ...", "Summary: ...".
_INLINE_HIGHLIGHTS = re.compile(rf"^\W*(?:{_HIGHLIGHTS})\s*:\s*(?=\S)", re.IGNORECASE)
# A headline may end in an abbreviation's full stop ("... With U.S.").
_ABBREVIATION_END = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:Inc|Ltd|Co|Corp|Bros|Jr|Sr|St|Dr|No|vs)\.)$")

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


def word_count(line: str, most: int = -1) -> int:
    """The number of words of *line*; with *most*, one more than that when it has more."""
    return len(line.split(None, most))


def is_title_shaped(line: str) -> bool:
    """A short line with no closing full stop: a title or a subheading."""
    words = word_count(line, TITLE_MAX_WORDS)
    if not 1 <= words <= TITLE_MAX_WORDS or is_bullet(line):
        return False
    core = strip_closers(line)
    if not core or core[-1] in _STOPS + ":;,":
        return False
    first = line.lstrip("\"'\u201c\u2018(<")[:1]
    return first.isupper() or first.isdigit() or first in "$\u00a3\u20ac\u00a5"


def is_headline_shaped(line: str) -> bool:
    """A headline, as a file's first line: short, and either without a closing full stop,
    or ending in "?", "!" or an abbreviation, or written in title case or capitals."""
    if is_title_shaped(line):
        return True
    words = line.split()
    if not 1 <= len(words) <= TITLE_MAX_WORDS or is_bullet(line) or is_key_points_header(line):
        return False
    first = line.lstrip("\"'\u201c\u2018(<")[:1]
    if not (first.isupper() or first.isdigit() or first in "$\u00a3\u20ac\u00a5"):
        return False
    core = strip_closers(line)
    if not core:  # nothing but quotes and brackets
        return False
    if core[-1] in "?!\u2026" or core.endswith("..."):
        return True
    if core[-1] != ".":
        return False
    return bool(_ABBREVIATION_END.search(core)) or _title_case(words)


def _title_case(words: list[str]) -> bool:
    """Most longer words capitalised: "The Few. The Proud. The Marines"."""
    longer = [w.strip("\"'\u201c\u2018(") for w in words if len(w.strip(".,:;!?\"'\u201d\u2019()")) >= 4]
    longer = [w for w in longer if w[:1].isalpha()]
    return len(longer) >= 2 and sum(w[0].isupper() for w in longer) >= 0.75 * len(longer)


def inline_highlights(line: str) -> str | None:
    """The point after an inline highlights header ("TL;DR: ..."), or None."""
    m = _INLINE_HIGHLIGHTS.match(line)
    return line[m.end() :].strip() if m else None


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
    return word_count(line, KEY_POINT_MAX_WORDS) <= KEY_POINT_MAX_WORDS and is_single_sentence(line)


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
