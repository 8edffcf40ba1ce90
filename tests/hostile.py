"""Pieces of hostile input, and the promises parsed output keeps, for the property tests and the fuzzer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from briefing.model import Article

ROOT = Path(__file__).resolve().parent.parent
# Inputs the fuzzer found a fault with (and seeds worth keeping); every one is replayed by the tests.
FUZZ_DATA = ROOT / "tests" / "data" / "fuzz"

# Fragments that have broken parsers and terminals before, mixed with the shapes a briefing has.
FRAGMENTS = [
    "---\n", "---\ntitle: x\n---\n", "title: ", "key_points:\n  - ", "date: 2024-12-02\n", "tags: [a, b]\n",
    "!!python/object:os.system ls\n", "a: &a [x,x,x]\nb: &b [*a,*a,*a]\n", "c: &c {<<: [*a,*a]}\n", "d: &d [*d]\n",
    "n: 99999999999999999999999999999999999999999999999999\n", "date: 2024-13-45\n", "{{", "}}", "- ", "* ", "\u2022 ",
    "1. ", "# ", "## ", "> ", "Key points:\n", "KEY POINTS\n", "Advertisement\n", "Read more: ",
    "\x1b[31m", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x1b]0;t\x1b\\", "\x1bP1$q\x1b\\", "\x9b1m", "\x07", "\x08",
    "\r", "\r\n", "\t", "\x00", "\u202e", "\u200b", "\ufeff", "\u061c", "\u2067", "\u2069", "\U000e0041",
    "\U000e007f", "\u3164", "\u034f", "\u115f", "\u1160", "\uffa0", "\u00ad", "\u2028", "\x85", "D\u043eha",
    "\U0001d403oha", "[bold red]", "[/]", "[link=http://x]",
    "[@click=app.quit]", "\\[", "```\n", "|a|b|\n|-|-|\n", "<script>", "&amp;", "**", "__", "`",
    "over 350 people were killed", "at least 121", "on 27 November 2024", "President Bashar al-Assad",
    "12,000", "3.5%", "$4bn", "\u00e9", "\u4e2d\u6587", "\U0001f600", "'", '"', "\u201c", "\u201d",
    ". ", "? ", "! ", "...", "\n", "\n\n",
]

# What must never reach the screen: C0/C1 controls other than the line break, DEL,
# characters that reorder or hide text (every format character: bidi marks and
# controls, the Arabic letter mark, zero-width characters, tag characters),
# fillers that draw nothing, and lone surrogates.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef\ud800-\udfff]"
)


def shown_strings(article: Article) -> list[str]:
    """Every string of the parsed article that the reader or the digest may show."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "path":
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(article.to_json())
    return found


def broken_promises(parse, data: bytes, path: Path) -> list[str]:
    """What is wrong with parsing *data* as *path* with *parse*: empty when all is well.

    *parse* either returns an article or raises UnreadableFile; it is run twice
    and must give the same article both times.
    """
    from briefing.model import UnreadableFile

    outcomes = []
    for _ in range(2):
        try:
            article = parse(data, path)
        except UnreadableFile as exc:
            message = str(exc)
            if "\n" in message or FORBIDDEN.search(message):
                return [f"the reason is not one clean line: {message!r}"]
            outcomes.append(("unreadable", message))
            continue
        except Exception as exc:  # the promise under test: nothing else escapes
            return [f"raised {type(exc).__name__}: {exc}"]
        bad = [s for s in shown_strings(article) if FORBIDDEN.search(s)]
        if bad:
            return [f"control or invisible character in {bad[0]!r}"]
        outcomes.append(("article", json.dumps(article.to_json(), sort_keys=True, default=str)))
    if outcomes[0] != outcomes[1]:
        return ["two parses of the same input differ"]
    return []
