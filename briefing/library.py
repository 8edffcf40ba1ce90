"""A content folder: which of its files are briefings, and the names they go by.

An article is known by its path relative to the content folder, written with
:func:`briefing.sanitize.escape_name`: the same text serves as the key in the
index, the catalogue and the state, and as what is shown, because it holds no
control character, no invisible character and no byte that is not UTF-8
(a name that has one shows it as an escape such as ``\\xff``). :func:`path_of`
gives the file back from that key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISREG

from briefing.decode import not_regular
from briefing.formats import is_maildir_message
from briefing.parse import SUFFIXES
from briefing.sanitize import escape_name, unescape_name

# Folders deeper than this below the content folder are not entered (and are
# reported): a tree made deeper than anyone files briefings would otherwise
# cost a walk of its whole depth, or more than Python's recursion allows.
MAX_DEPTH = 32
# A file's size and time (as scan_files gives them) are trusted to say it is
# unchanged only when the time was this long before they were taken: a file
# written again within the same tick of its file system's clock (2 s on FAT, a
# jiffy or so elsewhere) keeps its time, and would otherwise keep its old text.
# The embedded index and the team archive's ingest both hold to it.
SETTLED_NS = 2_000_000_000

def rel_of(path: Path, root: Path) -> str:
    """The key of the file *path* in the content folder *root* (see the module's doc)."""
    return escape_name(path.relative_to(root).as_posix())


def path_of(root: Path, rel: str) -> Path:
    """The file a key made by :func:`rel_of` stands for."""
    return root / unescape_name(rel)


def find_files(root: Path, follow_links: bool = False) -> tuple[list[Path], list[str]]:
    """Briefing files below *root*, sorted by path, and the ones left out and why.

    Hidden files and folders are passed over. Links to files are followed
    when they stay inside *root*; one pointing elsewhere is followed only with
    *follow_links* (the ``follow_links`` setting), so that on a shared machine
    a link cannot pull in someone else's file unasked. Broken links and link
    loops are reported, never followed. Linked folders are not entered.

    Only regular files are listed: a named pipe, a socket or a device with a
    briefing's name (or a link to one) is reported and never opened, since
    opening or reading it could wait for ever. The walk keeps its own stack,
    so a tree of any depth cannot exhaust Python's recursion; folders more
    than :data:`MAX_DEPTH` levels down are reported by name and not entered.
    """
    found, problems = scan_files(root, follow_links)
    return [Path(name) for _, name, _, _ in found], problems


def scan_files(root: Path, follow_links: bool = False) -> tuple[list[tuple[str, str, int, int]], list[str]]:
    """:func:`find_files` with each file's key, name, size and time in ns (its link's target's for a link).

    The size and time are the walk's own stat, so that an update of a large
    folder stats each file once and makes no :class:`Path` of the files it
    passes over. At 100,000 files every microsecond (and every stat result
    kept) per file counts: the usual case (a plain name, a regular file)
    takes the shortest way.
    """
    root_real = root.resolve()
    found: list[tuple[str, str, int, int]] = []
    problems: list[str] = []
    # Depth first, each folder's entries in name order, a subfolder's files
    # where its name falls: the files come out in the order of their paths.
    # Each open folder: its entries still to see, the key prefix of its files, its depth.
    stack: list[tuple[Iterator[os.DirEntry], str, int]] = []
    _enter(os.fspath(root), "", 0, stack, problems, escape_name(os.fspath(root)))
    while stack:
        items, prefix, depth = stack[-1]
        for item in items:
            name = item.name
            if name.startswith("."):
                continue
            plain = name if name.isascii() and name.isprintable() and "\\" not in name else escape_name(name)
            try:
                is_dir = item.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if depth + 1 > MAX_DEPTH:
                    problems.append(f"{prefix}{plain}: more than {MAX_DEPTH} folders deep; not read")
                elif _enter(item.path, f"{prefix}{plain}/", depth + 1, stack, problems, prefix + plain):
                    break  # into the subfolder; this folder's rest afterwards
                continue
            dot = name.rfind(".")
            suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
            if suffix not in SUFFIXES and not is_maildir_message(Path(item.path)):
                continue
            rel = prefix + plain
            try:
                if not item.is_symlink():
                    stat = item.stat(follow_symlinks=False)
                    if S_ISREG(stat.st_mode):
                        found.append((rel, item.path, stat.st_size, stat.st_mtime_ns))
                        continue
            except OSError:
                pass
            problem, stat = _check_file(item, root_real, follow_links)
            if problem:
                problems.append(f"{rel}: {problem}")
            else:
                found.append((rel, item.path, stat.st_size, stat.st_mtime_ns))
        else:
            stack.pop()
    # Folders named like articles ("x.txt/") are not files and never listed.
    return found, problems


def _enter(folder: str, prefix: str, depth: int, stack: list, problems: list[str], shown: str) -> bool:
    """Put *folder*'s entries, in name order, on *stack*; False (and a problem told) when it cannot be listed."""
    try:
        with os.scandir(folder) as listing:
            items = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        problems.append(f"{shown}: cannot be listed ({exc.strerror or exc})")
        return False
    stack.append((iter(items), prefix, depth))
    return True


def _check_file(item: os.DirEntry, root_real: Path, follow_links: bool) -> tuple[str | None, os.stat_result | None]:
    """Why the directory entry *item* is not to be read, or None and its status. Never opens it."""
    try:
        if item.is_symlink():
            try:
                target = Path(item.path).resolve(strict=True)
            except (OSError, RuntimeError):
                return "broken or looping link; skipped", None
            if not follow_links and not target.is_relative_to(root_real):
                return "links outside the content folder; skipped (the follow_links setting allows it)", None
            stat = os.stat(target)
            kind = not_regular(stat.st_mode)
            if kind == "a folder":
                return "links to a folder; skipped", None
            return (f"links to {kind}, not a file; skipped", None) if kind else (None, stat)
        stat = item.stat(follow_symlinks=False)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})", None
    kind = not_regular(stat.st_mode)
    return (f"is {kind}, not a file; skipped", None) if kind else (None, stat)
