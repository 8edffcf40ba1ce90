"""Make untrusted article text safe to show in a terminal.

Article files come from anywhere. Text that reaches the screen must never be
able to move the cursor, change colours, set the window title or write to the
clipboard, so every escape sequence and control character goes before the text
enters the model. Markup characters such as ``[bold]`` are left as they are:
the reader shows them literally by never interpreting article text as markup.
"""

from __future__ import annotations

import re

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

# C0 and C1 controls except tab and newline; DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Characters that reorder or hide text: bidirectional overrides and isolates,
# zero-width spaces and joiners, the word joiner and a stray byte-order mark.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean_text(text: str) -> str:
    """Return *text* with escape sequences, controls and invisible characters removed.

    Line breaks are normalised to ``\\n`` first, so a lone carriage return
    (used to overwrite a line on a terminal) becomes a line break instead of
    hiding what came before it. Tabs become spaces.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _INVISIBLE.sub("", text)
    return text.replace("\t", " ")


def clean_line(text: str) -> str:
    """Return *text* cleaned and folded to one line with single spaces."""
    return " ".join(clean_text(text).split())
