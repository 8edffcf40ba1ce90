"""A content folder: which of its files are briefings."""

from __future__ import annotations

import os
from pathlib import Path

from briefing.formats import is_maildir_message
from briefing.parse import SUFFIXES


def find_files(root: Path, follow_links: bool = False) -> tuple[list[Path], list[str]]:
    """Briefing files below *root*, sorted by path, and the ones left out and why.

    Hidden files and folders are passed over. Links to files are followed
    when they stay inside *root*; one pointing elsewhere is followed only with
    *follow_links* (the ``follow_links`` setting), so that on a shared machine
    a link cannot pull in someone else's file unasked. Broken links and link
    loops are reported, never followed. Linked folders are not entered.
    """
    root_real = root.resolve()
    found: list[Path] = []
    problems: list[str] = []

    def walk_error(exc: OSError) -> None:
        problems.append(f"{exc.filename}: cannot be listed ({exc.strerror})")

    for folder, dirs, files in os.walk(root, onerror=walk_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(folder, name)
            if name.startswith(".") or (path.suffix.lower() not in SUFFIXES and not is_maildir_message(path)):
                continue
            rel = path.relative_to(root)
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    problems.append(f"{rel}: broken or looping link; skipped")
                    continue
                if not follow_links and not target.is_relative_to(root_real):
                    problems.append(f"{rel}: links outside the content folder; skipped "
                                    "(the follow_links setting allows it)")
                    continue
            found.append(path)
    # Folders named like articles ("x.txt/") are not files and never listed.
    return sorted(found), problems
