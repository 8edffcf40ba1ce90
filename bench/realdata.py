"""Where the real data sets are, and the BBC set read with its gold summaries.

The sets are never copied into the repository. They are found in the folder
named by ``BRIEFING_DATA``, else in ``shared/data`` beside the repository's
own folder (``../shared/data`` from a checkout at ``/work/main``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder holding ``bbc-dev``, ``reuters-dev`` and ``html-dev`` (it may not exist)."""
    named = os.environ.get("BRIEFING_DATA")
    if named:
        return Path(named).expanduser()
    return ROOT.parent / "shared" / "data"


def missing(*sets: str) -> str | None:
    """Why the named data sets cannot be used here, or None when they all can."""
    base = data_dir()
    absent = [name for name in sets if not (base / name).is_dir()]
    if not absent:
        return None
    return f"real data {', '.join(absent)} not found in {base} (set BRIEFING_DATA to the folder that holds it)"


@dataclass(frozen=True, slots=True)
class BBCArticle:
    path: Path
    summary: str


def bbc_articles(limit: int | None = None, half: str = "all") -> list[BBCArticle]:
    """bbc-dev's articles with their gold summaries, in file-name order.

    *half* picks every article (``all``), or alternate ones (``even``, ``odd``),
    to see whether a figure holds on a part it was not looked at on.
    """
    from briefing.decode import decode_bytes

    folder = data_dir() / "bbc-dev"
    out = []
    for n, path in enumerate(sorted((folder / "articles").glob("*.txt"))):
        if half == "even" and n % 2 or half == "odd" and not n % 2:
            continue
        summary_path = folder / "summaries" / path.name
        summary, _ = decode_bytes(summary_path.read_bytes(), summary_path.name)
        out.append(BBCArticle(path, summary))
        if limit and len(out) >= limit:
            break
    return out
