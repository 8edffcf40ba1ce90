"""Turn a file's bytes into clean text, or say clearly why that cannot be done."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from briefing.model import UnreadableFile
from briefing.sanitize import clean_line, clean_text, escape_name

# Larger files are not briefings; reading them whole would stall the reader.
MAX_BYTES = 8 * 1024 * 1024


# Controls that text meant for a terminal carries (bell, backspace, escape,
# form feed, ...): they are stripped from text, so they do not make it binary.
_TEXT_CONTROLS = frozenset((7, 8, 9, 10, 11, 12, 13, 27))


def too_large(name: str, size: int) -> str:
    """Why a file of *size* bytes is not read: one line, naming it."""
    return f"{name}: too large ({size / 2**20:.0f} MiB; the limit is {MAX_BYTES // 2**20} MiB)"


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


def not_regular(mode: int) -> str | None:
    """What a file of *mode* is when it is not a regular file (one that can be read to its end), else None."""
    if stat.S_ISREG(mode):
        return None
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return controls > len(sample) * 0.1


def decode_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode *data* (the content of file *name*) to clean text and warnings."""
    name = clean_line(name)  # a name as the system gave it (an escaped one is left as it is)
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


def read_file_bytes(path: Path, name: str) -> bytes:
    """The bytes of the regular file *path* (called *name* in messages), at most :data:`MAX_BYTES`.

    Raises :class:`UnreadableFile` for what is not a briefing (a folder, a
    named pipe, a device, a file over the size limit) and lets ``OSError``
    through for a file that cannot be read now (it may be readable later).
    The file is looked at before it is opened, opened without blocking and
    looked at again through the open descriptor, so that a named pipe or a
    device put in its place never makes the reader wait; and no more than
    the limit is ever read, whatever the size the file claims (``/dev/zero``
    claims none, a file being appended to grows).
    """
    kind = not_regular(os.stat(path).st_mode)
    if kind:
        raise UnreadableFile(f"{name}: is {kind}, not a file")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        kind = not_regular(info.st_mode)
        if kind:
            raise UnreadableFile(f"{name}: is {kind}, not a file")
        if info.st_size > MAX_BYTES:
            raise UnreadableFile(too_large(name, info.st_size))
        chunks: list[bytes] = []
        got = 0
        while got <= MAX_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_BYTES + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > MAX_BYTES:
            raise UnreadableFile(too_large(name, max(got, info.st_size)))
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path) -> tuple[str, list[str]]:
    """Read *path* as text. Raises :class:`UnreadableFile` with a one-line reason."""
    name = escape_name(path.name)
    try:
        data = read_file_bytes(path, name)
    except FileNotFoundError:
        raise UnreadableFile(f"{name}: no such file") from None
    except PermissionError:
        raise UnreadableFile(f"{name}: permission denied") from None
    except OSError as exc:
        raise UnreadableFile(f"{name}: cannot be read ({exc.strerror or exc})") from None
    return decode_bytes(data, name)
