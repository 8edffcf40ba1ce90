"""Make text from outside safe to show in a terminal or write to a digest.

Everything Briefing shows came from somewhere it does not control: article
files, their names, front matter, feeds, notes, import files, queries. Text
that reaches the screen must never be able to move the cursor, change
colours, set the window title, write to the clipboard, reorder what is shown
or hide part of it, so every string from outside passes through here before
it enters the model or is printed:

- :func:`clean_text` for text of several lines (a body, a note),
- :func:`clean_line` for a field of one line (a title, a source, a warning),
- :func:`clean_typed` for what a text box holds (a query pasted in, a saved one),
- :func:`escape_name` for a file name or a relative path: it keeps every byte
  of the name recoverable (:func:`unescape_name`), so the escaped form can be
  both shown and used as the article's key,
- :func:`mark_mixed_scripts` for titles and sources, where a word spelt with
  letters of two look-alike alphabets ("D\u043eha" with a Cyrillic "\u043e") is
  shown with a visible mark.

Markup characters such as ``[bold]`` are left as they are: the reader shows
them literally by never interpreting outside text as markup.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ESC-introduced sequences: CSI (ESC [), OSC (ESC ]), DCS/SOS/PM/APC (ESC P, X,
# ^, _) with their string bodies up to BEL or ST, and two-byte escapes. The C1
# single-character forms (U+009B CSI, U+009D OSC, ...) are matched too.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?            # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])     # OSC, DCS, SOS, PM, APC
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?       # ... up to BEL or ST
    | \x1b[ -/]*[0-~]?                            # other escapes (ESC c, ESC ( B)
    """,
    re.VERBOSE,
)

# Characters that never reach the screen, whatever the field:
# - C0 and C1 controls except tab and newline, and DEL;
# - every format character (Unicode category Cf): bidirectional marks,
#   embeddings, overrides and isolates (U+200E/F, U+061C Arabic letter mark,
#   U+202A-E, U+2066-9), zero-width spaces and joiners (which also make
#   terminals disagree on a line's width and so shift borders), the word
#   joiner and invisible operators, the soft hyphen, byte-order marks,
#   interlinear annotations, and the tag characters U+E0000-E007F;
# - fillers that draw nothing but count as letters: the Hangul fillers
#   (U+115F, U+1160, U+3164, U+FFA0), the combining grapheme joiner (U+034F),
#   Khmer's invisible vowels (U+17B4/5), Mongolian variation selectors and
#   the variation selectors supplement;
# - lone surrogates (only invalid file names carry them; see escape_name).
# The format characters (category Cf) as of Unicode 15, and the whole of their blocks
# U+2060-206F and U+E0000-E007F (the fuzzer found unassigned U+2065 passing).
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
_FILLERS = "\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5\u180b-\u180f\U000e0100-\U000e01ef"
_REMOVED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _FORMAT + _FILLERS + "\ud800-\udfff]")
# Line and paragraph separators and NEL end a line as a newline does.
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
# Blank characters that are not spaces to a terminal: the Braille blank.
_BLANKS = re.compile("[\u2800]")

# Quick test for text that needs no work: printable ASCII, tabs and newlines.
_PLAIN = re.compile(r"[ -~\t\n]*")


def clean_text(text: str) -> str:
    """Return *text* with escape sequences, controls and invisible characters removed.

    Line breaks are normalised to ``\\n`` first, so a lone carriage return
    (used to overwrite a line on a terminal) becomes a line break instead of
    hiding what came before it. Tabs become spaces.
    """
    if not _PLAIN.fullmatch(text):
        text = _LINE_BREAKS.sub("\n", text)
        text = _ESCAPES.sub("", text)
        text = _REMOVED.sub("", text)
        text = _BLANKS.sub(" ", text)
    return text.replace("\t", " ")


def clean_line(text: str) -> str:
    """Return *text* cleaned and folded to one line with single spaces."""
    return " ".join(clean_text(text).split())


def clean_typed(text: str) -> str:
    """*text* in a one-line text box (typed, pasted, or put there from a file): cleaned, each line
    break a space, and every space where it was typed (a box cleaned as one types keeps its spaces)."""
    return clean_text(text).replace("\n", " ")


# File names ----------------------------------------------------------------

# What escape_name writes as an escape: the characters clean_text would drop,
# and line breaks and tabs, which have no place in a name shown on one line.
_UNSAFE_IN_NAME = re.compile(_REMOVED.pattern[:-1] + "\t\n\x85\u2028\u2029\u2800]")
_ESCAPE_OR_BACKSLASH = re.compile(_UNSAFE_IN_NAME.pattern[:-1] + "\\\\]")
_NAME_ESCAPE = re.compile(r"\\(?:\\|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_name(name: str) -> str:
    """*name* (a file name or relative path, as ``os.fsdecode`` gives it) shown safely on one line.

    Controls, invisible characters and bytes that are not UTF-8 are written
    as escapes: ``\\x1b`` for a control character, ``\\xff`` for a byte that
    is not UTF-8, ``\\u202e`` for an invisible character. A backslash that
    would otherwise read as the start of an escape is doubled. Names without
    any of these (nearly all) come back unchanged, and :func:`unescape_name`
    gives the original back, so the escaped form can serve as a key.
    """
    if _PLAIN.fullmatch(name) and "\\" not in name and "\t" not in name and "\n" not in name:
        return name
    if not _ESCAPE_OR_BACKSLASH.search(name):
        return name
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch == "\\":
            following = name[i + 1 : i + 2]
            # Doubled only where a reader of the escaped name would take it for an escape.
            needs = following in ("\\", "x", "u", "U") or (following and _UNSAFE_IN_NAME.match(following))
            out.append("\\\\" if needs else "\\")
        elif _UNSAFE_IN_NAME.match(ch):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def unescape_name(shown: str) -> str:
    """The name :func:`escape_name` made *shown* from (surrogate-escaped where it was not UTF-8)."""
    if "\\" not in shown:
        return shown

    def one(m: re.Match[str]) -> str:
        text = m.group(0)
        if text == "\\\\":
            return "\\"
        code = int(text[2:], 16)
        if text[1] == "x" and code >= 0x80:
            return chr(0xDC00 + code)
        return chr(code)

    return _NAME_ESCAPE.sub(one, shown)


def shown_path(path: object) -> str:
    """A path given by the user or the system (a folder, a file), shown safely on one line."""
    return escape_name(str(path))


# Look-alike alphabets ------------------------------------------------------

# A word mixing two of these is how a look-alike is spelt ("D\u043eha" with a
# Cyrillic "\u043e", "\u0391thens" with a Greek Alpha, "\ud835\udc03oha" with a mathematical D).
_CONFUSABLE_SCRIPTS = frozenset({
    "LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "GEORGIAN", "MATHEMATICAL",
    "FULLWIDTH", "SMALL", "LISU", "DESERET", "GOTHIC", "OLD", "CANADIAN", "VAI", "TIFINAGH",
})
MIXED_SCRIPT_MARK = "\u26a0"
# Words: runs of letters, digits, marks and joining punctuation.
_WORD = re.compile(r"\u26a0?[^\W_](?:[\w'\u2019.-]*[^\W_])?")


@lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    """The alphabet a letter belongs to, by the first word of its Unicode name; None for others."""
    if not ch.isalpha() or ch.isascii():
        return "LATIN" if ch.isascii() and ch.isalpha() else None
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    first = name.split(" ", 1)[0]
    if first in ("MODIFIER", "KATAKANA-HIRAGANA"):
        return None
    if first == "MATHEMATICAL" or first == "FULLWIDTH":
        return first
    return first


def mixed_scripts(word: str) -> frozenset[str]:
    """The look-alike alphabets *word* mixes (two or more), else an empty set."""
    scripts = {s for s in map(_script, word) if s is not None}
    found = scripts & _CONFUSABLE_SCRIPTS
    return frozenset(found) if len(found) > 1 else frozenset()


def mark_mixed_scripts(text: str) -> str:
    """*text* with each word that mixes look-alike alphabets marked, as in ``\u26a0D\u043eha``.

    Japanese and Korean mix scripts within a word by design (kanji with kana,
    hanja with hangul); only alphabets whose letters look alike are counted.
    """
    if text.isascii():
        return text
    def mark(m: re.Match[str]) -> str:
        word = m.group(0)
        if word[0] == MIXED_SCRIPT_MARK or not mixed_scripts(word):
            return word  # marked already (the text was cleaned before), or one alphabet
        return MIXED_SCRIPT_MARK + word

    return _WORD.sub(mark, text)


def clean_field(text: str) -> str:
    """A one-line field that names or heads something (a title, a source): cleaned, look-alikes marked."""
    if text.isascii() and text.isprintable() and "  " not in text and text == text.strip():
        return text  # nearly every title: nothing to do
    return mark_mixed_scripts(clean_line(text))


def has_unsafe(name: str) -> bool:
    """Whether *name* holds a character :func:`escape_name` would write as an escape."""
    return bool(_UNSAFE_IN_NAME.search(name))
