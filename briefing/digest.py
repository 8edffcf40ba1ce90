"""The digest: the selected articles as Markdown, to hand on.

For each article its title, source and date, its key points with the
analyst's verified/disputed marks, its facts and the analyst's note, grouped
by day, newest first. Written atomically, so a reader of the file never sees
half a digest, and privately (0600): it carries the analyst's notes.

A digest is read in a terminal as often as in an editor, so everything in it
that came from outside passes the sanitiser again, whatever wrote it first:
no control character, escape sequence or invisible character is ever written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.article_cache import ArticleCache
from briefing.model import FACT_GROUPS, Article, Entry
from briefing.private import write_private
from briefing.sanitize import clean_line, clean_text
from briefing.state import ArticleState

MARK_LABEL = {"verified": "[verified]", "disputed": "[disputed]"}
# Characters that would turn article text into Markdown structure.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#])")


@dataclass
class DigestItem:
    entry: Entry
    article: Article | None  # None when the file could no longer be read
    state: ArticleState
    problem: str | None = None


def escape(text: str) -> str:
    """One line of outside text, safe for a terminal and shown literally by a Markdown viewer."""
    return _MARKDOWN.sub(r"\\\1", clean_line(text))


def _code(text: str) -> str:
    """*text* as a Markdown code span, fenced with more backticks than it holds in a row."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if len(fence) > 1 else f"`{text}`"


def render(items: Sequence[DigestItem], title: str = "Briefing digest") -> str:
    lines = [f"# {escape(title)}", ""]
    count = len(items)
    lines += [f"{count} article{'s' if count != 1 else ''}.", ""]
    days: dict[dt.date | None, list[DigestItem]] = {}
    for item in items:
        days.setdefault(item.entry.date, []).append(item)
    order = sorted((d for d in days if d), reverse=True) + ([None] if None in days else [])
    for day in order:
        lines += [f"## {day.isoformat() if day else 'Undated'}", ""]
        for item in sorted(days[day], key=lambda i: (i.entry.title.casefold(), i.entry.rel)):
            lines += _article(item)
    return "\n".join(lines).rstrip() + "\n"


def _article(item: DigestItem) -> list[str]:
    entry, article, state = item.entry, item.article, item.state
    lines = [f"### {escape(article.title if article else entry.title)}", ""]
    byline = " \u00b7 ".join(entry.byline)
    marks = [label for flag, label in (("starred", "starred"), ("flagged", "flagged for follow-up"))
             if getattr(state, flag)]
    details = [escape(byline)] if byline else []
    details.append(_code(clean_line(entry.rel)))
    details += marks
    lines += [" \u00b7 ".join(details), ""]
    if article is None:
        lines += [f"*{escape(item.problem or 'The file could not be read.')}*", ""]
    else:
        if article.key_points:
            lines += ["**Key points**", ""]
            for point in article.key_points:
                mark = state.marks.get(point.text)
                label = f"{MARK_LABEL[mark]} " if mark else ""
                lines.append(f"- {label}{escape(point.text)}")
            lines.append("")
        if article.facts:
            lines += ["**Facts**", ""]
            for kind, name in FACT_GROUPS:
                facts = [f for f in article.facts if f.kind == kind]
                if facts:
                    shown = "; ".join(
                        escape(f.text) + (f" (according to {escape(f.attribution)})" if f.attribution else "")
                        for f in facts
                    )
                    lines.append(f"- {name}: {shown}")
            lines.append("")
    if state.noted:
        lines += ["**Note**", ""]
        # The note is the analyst's own text, Markdown included: passed on as written.
        lines += [f"> {line}" if line.strip() else ">" for line in clean_text(state.note).splitlines()]
        lines.append("")
    return lines


def write_atomically(path: Path, text: str) -> None:
    """Write *text* to *path* through a private (0600) temporary file in the same folder and a rename."""
    write_private(path, text)


def collect(
    entries: Sequence[Entry],
    states: dict[str, ArticleState],
    which: str = "all",
    since: dt.date | None = None,
    cache: ArticleCache | None = None,
) -> list[DigestItem]:
    """The articles of *entries* that pass the filter *which* and are dated *since* or later, read.

    A reader passes its own *cache*, so articles it has open are not parsed again.
    """
    from briefing.state import keep

    cache = cache or ArticleCache()
    items = []
    for entry in entries:
        state = states.get(entry.rel) or ArticleState()
        if not keep(which, state) or (since and (entry.date is None or entry.date < since)):
            continue
        article, problem = cache.get(entry.path)
        items.append(DigestItem(entry, article, state, problem))
    return items
