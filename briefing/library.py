"""A content folder: which files are briefings, parsed and in reading order."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from briefing.model import Article, UnreadableFile
from briefing.parse import SUFFIXES, parse_file


@dataclass(slots=True)
class Library:
    """The articles of one content folder and what went wrong reading it."""

    root: Path
    articles: list[Article] = field(default_factory=list)
    # One line for each file that was skipped, naming it and why.
    problems: list[str] = field(default_factory=list)
    # Warnings about files that were read, with something left out or guessed.
    warnings: list[str] = field(default_factory=list)


def find_files(root: Path) -> tuple[list[Path], list[str]]:
    """Briefing files below *root*, sorted by path, and the ones left out and why.

    Hidden files and folders are passed over. Links are followed only when
    they stay inside *root*, so a link cannot pull in a file from elsewhere on
    a shared machine, and a link loop cannot hang the scan.
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
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            rel = path.relative_to(root)
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    problems.append(f"{rel}: broken or looping link; skipped")
                    continue
                if not target.is_relative_to(root_real):
                    problems.append(f"{rel}: links outside the content folder; skipped")
                    continue
            found.append(path)
    # Folders named like articles ("x.txt/") are not files and never listed.
    return sorted(found), problems


def reading_order(article: Article) -> tuple[bool, int, str]:
    """Newest first where dates are known, then by file name."""
    date = article.date
    return (date is None, -date.toordinal() if date else 0, article.path.name)


def load_library(root: Path) -> Library:
    """Parse every briefing file below *root*. Unreadable files are reported, not fatal."""
    library = Library(root=root)
    paths, library.problems = find_files(root)
    for path in paths:
        try:
            article = parse_file(path)
        except UnreadableFile as exc:
            library.problems.append(f"{exc}; skipped")
            continue
        library.warnings.extend(article.warnings)
        library.articles.append(article)
    library.articles.sort(key=reading_order)
    return library
