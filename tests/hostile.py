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


# Sequences that try to drive a terminal, and characters that hide or reorder text, by what they try.
TRICKS = {
    "OSC title": "\x1b]0;owned\x07",
    "OSC 52 clipboard": "\x1b]52;c;cm0gLXJmIH4=\x1b\\",
    "CSI clear": "\x1b[2J\x1b[H",
    "CSI colour": "\x1b[31;1m",
    "DCS": "\x1bP1$qm\x1b\\",
    "8-bit CSI": "\x9b2J",
    "C1 NEL": "\x85",
    "newline": "\nforged line",
    "carriage return": "\rhidden",
    "bidi override": "\u202eevil\u202c",
    "bidi isolate": "\u2067x\u2069",
    "Arabic letter mark": "\u061c",
    "tag characters": "\U000e0041\U000e0042",
    "Hangul filler": "\u3164",
    "grapheme joiner": "\u034f",
    "halfwidth filler": "\uffa0",
    "choseong filler": "\u115f\u1160",
    "zero width": "\u200b\u200d",
    "soft hyphen": "\u00ad",
}
# Every trick at once, as a note or a paragraph carries them.
ALL_TRICKS = "".join(TRICKS.values())
# What the newline trick tries to put on a line of its own.
FORGED = "forged line"
DOHA = "D\u043eha"  # with a Cyrillic o


def quoted(text: str) -> str:
    """*text* as a double-quoted YAML scalar: controls as escapes (YAML allows no raw ones), the rest as is."""
    inner = "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in '"\\' else c
                    for c in text)
    return f'"{inner}"'


def raw_name(folder: Path, name: bytes) -> Path:
    """The path of *name* in *folder*, whatever bytes the name holds."""
    import os

    return Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))


def write_hostile_folder(folder: Path) -> Path:
    """A content folder where every trick is in a file's name and in each field the reader shows.

    One article a trick: its name, title, source, tags, link, author,
    description, key points and a paragraph carry the trick (the body's
    newline moves a paragraph, as it may: it forges nothing). They tell one
    story, so each is the others' related coverage. Beside them a name that
    is not UTF-8, and two files that cannot be read, with hostile names.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for n, (label, trick) in enumerate(TRICKS.items()):
        in_body = trick.replace(FORGED, "next paragraph")
        fields = {
            "title": f"T{n}{trick} {DOHA}", "source": f"Wire{trick}", "url": f"https://example.com/{n}{trick}",
            "author": f"By{trick}", "description": f"Desc{trick}",
        }
        front = "".join(f"{key}: {quoted(value)}\n" for key, value in fields.items())
        front += f"tags: [{quoted(f'tag{trick}')}]\nkey_points:\n  - {quoted(f'KP{n}{trick}')}\n"
        front += f"date: 2024-12-0{1 + n % 9}\n"
        body = (f"Officials said 40 people were killed in Aleppo on Monday{in_body}, according to the ministry. "
                f"Rebels from Hayat Tahrir al-Sham entered the city, {label} reported.\n")
        name = f"{n:02}-{label.replace(' ', '-')}{trick}.md".replace("/", "-")
        (folder / name).write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    raw_name(folder, b"latin-\xe9\xff\x1b[2J.txt").write_bytes(
        b"Name not in UTF-8\nOfficials said 40 people were killed in Aleppo on Monday. More text.\n")
    # Skipped, and named in the notification that says so.
    (folder / f"empty{TRICKS['OSC title']}{TRICKS['newline']}.md").write_bytes(b"")
    (folder / f"binary{TRICKS['CSI clear']}{TRICKS['bidi override']}.txt").write_bytes(b"\x00\x01\x02" * 100)
    return folder
