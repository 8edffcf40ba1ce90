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
from pathlib import Path

from briefing.decode import not_regular
from briefing.formats import is_maildir_message
from briefing.parse import SUFFIXES
from briefing.sanitize import escape_name, unescape_name

# Folders deeper than this below the content folder are not entered (and are
# reported): a tree made deeper than anyone files briefings would otherwise
# cost a walk of its whole depth, or more than Python's recursion allows.
MAX_DEPTH = 32

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
    root_real = root.resolve()
    found: list[Path] = []
    problems: list[str] = []
    stack: list[tuple[str, int]] = [(os.fspath(root), 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            name = rel_of(Path(folder), root) if folder != os.fspath(root) else escape_name(os.fspath(root))
            problems.append(f"{name}: cannot be listed ({exc.strerror or exc})")
            continue
        subfolders: list[str] = []
        for item in items:
            if item.name.startswith("."):
                continue
            try:
                is_dir = item.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if depth + 1 > MAX_DEPTH:
                    problems.append(f"{rel_of(Path(item.path), root)}: more than {MAX_DEPTH} folders deep; "
                                    "not read")
                else:
                    subfolders.append(item.path)
                continue
            path = Path(item.path)
            if path.suffix.lower() not in SUFFIXES and not is_maildir_message(path):
                continue
            problem = _check_file(item, path, root, root_real, follow_links)
            if problem:
                problems.append(f"{rel_of(path, root)}: {problem}")
            else:
                found.append(path)
        # Reversed onto the stack, so folders are walked in name order.
        stack.extend((sub, depth + 1) for sub in reversed(subfolders))
    # Folders named like articles ("x.txt/") are not files and never listed.
    return sorted(found), problems


def _check_file(item: os.DirEntry, path: Path, root: Path, root_real: Path, follow_links: bool) -> str | None:
    """Why the directory entry *item* is not to be read, or None. Never opens it."""
    try:
        if item.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                return "broken or looping link; skipped"
            if not follow_links and not target.is_relative_to(root_real):
                return "links outside the content folder; skipped (the follow_links setting allows it)"
            mode = os.stat(target).st_mode
            kind = not_regular(mode)
            if kind == "a folder":
                return "links to a folder; skipped"
            return f"links to {kind}, not a file; skipped" if kind else None
        mode = item.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    kind = not_regular(mode)
    return f"is {kind}, not a file; skipped" if kind else None
