"""Lines that publishers put around articles and that are not part of the story.

This is the one list of them; both file formats drop a paragraph that matches,
wherever it stands.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"follow us on [\w .+-]+",
    r"advertisements?",
    r"sponsored( content)?",
    r"share (this|the) (article|story|post)( on [\w .+-]+)?",
    r"share on (facebook|twitter|x|whatsapp|linkedin)",
    r"subscribe to (our|the) [\w -]*newsletters?.*",
    r"sign up (for|to) (our|the) [\w -]*newsletters?.*",
    r"(read|see) (more|also)\s*:.*",
    r"related( articles?| stories| coverage)?\s*:.*",
    r"click here to .*",
    r"continue reading.*",
    r"(story|article) continues (below|after (the )?advertisement)",
    r"(photo|image|video) credit\s*:.*",
    r"all rights reserved\.?",
    r"(copyright|\(c\)|\u00a9) .*all rights reserved\.?",
    r"download (our|the) app.*",
    r"watch\s*:.*",
]

_BOILERPLATE = re.compile(r"^\W*(?:" + "|".join(_PATTERNS) + r")\W*$", re.IGNORECASE)

# Long paragraphs are story text even when they start like boilerplate.
_MAX_WORDS = 25


def is_boilerplate(line: str) -> bool:
    """True when *line* is publisher furniture rather than article text."""
    return len(line.split()) <= _MAX_WORDS and bool(_BOILERPLATE.match(line.strip()))
