"""Briefings that arrive in other formats: saved web pages and email messages.

Each is read into a :class:`~briefing.formats.document.Document` and written
out as a Markdown briefing, which the parser then reads like any other: the
same rules for titles, key points, boilerplate and truncation apply.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from briefing.decode import MAX_BYTES, too_large
from briefing.model import Article, UnreadableFile

HTML_SUFFIXES = frozenset({".html", ".htm"})
EMAIL_SUFFIXES = frozenset({".eml"})
SUFFIXES = HTML_SUFFIXES | EMAIL_SUFFIXES
MAILDIR_PARTS = ("cur", "new")


def is_maildir_message(path: Path) -> bool:
    """A file in the ``cur/`` or ``new/`` folder of a Maildir (a folder holding both)."""
    folder = path.parent
    if folder.name not in MAILDIR_PARTS or path.name.startswith("."):
        return False
    maildir = folder.parent
    return all((maildir / part).is_dir() for part in MAILDIR_PARTS)


def handles(path: Path) -> bool:
    """True for the files read here rather than by the text and Markdown parsers."""
    return path.suffix.lower() in SUFFIXES or is_maildir_message(path)


def to_document(data: bytes, path: Path, name: str | None = None):
    """The :class:`Document` read from *data*, the content of *path* (called *name* in messages)."""
    name = name or path.name
    if not data.strip():
        raise UnreadableFile(f"{name}: empty file")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(f"{name}: binary file, not a briefing")
    html = path.suffix.lower() in HTML_SUFFIXES
    try:
        if html:
            from briefing.formats.html import read_html

            return read_html(data, name)
        from briefing.formats.mail import read_message

        return read_message(data, name)
    except UnreadableFile:
        raise
    except (RecursionError, MemoryError, Exception) as exc:  # noqa: BLE001
        # A library's surprise on one hostile file must not stop a folder:
        # the file is reported by name and skipped, like any unreadable one.
        kind = "web page" if html else "email message"
        raise UnreadableFile(f"{name}: cannot be read as a {kind} ({type(exc).__name__})") from None


def parse_bytes(data: bytes, path: Path, extras: bool = True, name: str | None = None) -> Article:
    """Parse *data*, the content of the page or message *path*, into an article."""
    from briefing.formats.document import field_text
    from briefing.parse import parse_text

    doc = to_document(data, path, name)
    article = parse_text(doc.to_markdown(), path, doc.warnings, extras=extras, markdown=True)
    article.author = article.author or field_text(doc.author) or None
    article.description = article.description or field_text(doc.description) or None
    article.dropped = doc.dropped + article.dropped
    return article


def parse_file(path: Path) -> Article:
    """Read and parse the page or message *path*. Raises :class:`UnreadableFile` with a one-line reason."""
    name = path.name
    try:
        # Opened without blocking and checked before reading: a FIFO or a
        # device named like a message must not hang the reader.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise UnreadableFile(f"{name}: is a folder, not a file")
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableFile(f"{name}: not a regular file; skipped")
            if info.st_size > MAX_BYTES:
                raise UnreadableFile(too_large(name, info.st_size))
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise UnreadableFile(f"{name}: is a folder, not a file") from None
    except FileNotFoundError:
        raise UnreadableFile(f"{name}: no such file") from None
    except PermissionError:
        raise UnreadableFile(f"{name}: permission denied") from None
    except OSError as exc:
        raise UnreadableFile(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise UnreadableFile(too_large(name, len(data)))
    return parse_bytes(data, path)
