"""Turn a file's bytes into clean text, or say clearly why that cannot be done."""

from __future__ import annotations

import codecs
from pathlib import Path

from briefing.model import UnreadableFile
from briefing.sanitize import clean_text

# Larger files are not briefings; reading them whole would stall the reader.
MAX_BYTES = 8 * 1024 * 1024


# Controls that text meant for a terminal carries (bell, backspace, escape,
# form feed, ...): they are stripped from text, so they do not make it binary.
_TEXT_CONTROLS = frozenset((7, 8, 9, 10, 11, 12, 13, 27))


def too_large(name: str, size: int) -> str:
    """Why a file of *size* bytes is not read: one line, naming it."""
    return f"{name}: too large ({size / 2**20:.0f} MiB; the limit is {MAX_BYTES // 2**20} MiB)"


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return controls > len(sample) * 0.1


def decode_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode *data* (the content of file *name*) to clean text and warnings."""
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{name}: not valid UTF-16 despite its byte-order mark") from None
    elif _looks_binary(data):
        raise UnreadableFile(f"{name}: binary file, not a briefing")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = data.decode("cp1252", errors="replace")
            warnings.append(
                f"{name}: not valid UTF-8 (byte {exc.start}); read as Windows-1252 instead"
            )
    text = clean_text(text)
    if not text.strip():
        raise UnreadableFile(f"{name}: empty file")
    return text, warnings


def read_text(path: Path) -> tuple[str, list[str]]:
    """Read *path* as text. Raises :class:`UnreadableFile` with a one-line reason."""
    name = path.name
    try:
        if path.is_dir():
            raise UnreadableFile(f"{name}: is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(too_large(name, size))
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"{name}: no such file") from None
    except PermissionError:
        raise UnreadableFile(f"{name}: permission denied") from None
    except OSError as exc:
        raise UnreadableFile(f"{name}: cannot be read ({exc.strerror or exc})") from None
    return decode_bytes(data, name)
