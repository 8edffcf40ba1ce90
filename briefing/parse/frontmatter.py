"""YAML front matter: read safely, checked field by field, never fatal.

A field of the wrong type is reported (naming the file and the field) and
either converted, where the intent is clear, or left out; the body is read
whatever the front matter holds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from briefing import safe_yaml
from briefing.sanitize import clean_line

# Front matter is a handful of fields; anything larger is not front matter.
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_FIELD_CHARS = 2000
MAX_LIST_ITEMS = 100

_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)

_DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
    "%B %d %Y", "%b %d %Y", "%d.%m.%Y",
)


@dataclass(slots=True)
class FrontMatter:
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)


def split_front_matter(text: str, name: str, warnings: list[str]) -> tuple[FrontMatter, str]:
    """Split *text* into its front matter and the Markdown body after it."""
    if not text.startswith("---"):
        return FrontMatter(), text
    m = _FENCE.match(text)
    if not m:
        warnings.append(f"{name}: front matter has no closing '---' line; read as body text")
        return FrontMatter(), text
    block, body = m.group(1) or "", text[m.end() :]
    if len(block) > MAX_FRONT_MATTER_CHARS:
        warnings.append(f"{name}: front matter is too large ({len(block)} characters); ignored")
        return FrontMatter(), body
    try:
        data = safe_yaml.load(block)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 2}" if where is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        warnings.append(f"{name}: front matter is not valid YAML{line} ({problem}); ignored")
        return FrontMatter(), body
    except RecursionError:
        warnings.append(f"{name}: front matter is nested too deeply; ignored")
        return FrontMatter(), body
    if data is None:
        return FrontMatter(), body
    if not isinstance(data, dict):
        warnings.append(f"{name}: front matter is a {type(data).__name__}, not a mapping; ignored")
        return FrontMatter(), body
    return _fields(data, name, warnings), body


def _scalar_text(value: Any, key: str, name: str, warnings: list[str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    elif isinstance(value, (int, float, bool, dt.date)):
        warnings.append(f"{name}: front matter '{key}' is a {type(value).__name__}; read as text")
        text = str(value)
    else:
        warnings.append(f"{name}: front matter '{key}' should be text, not a {type(value).__name__}; ignored")
        return None
    if len(text) > MAX_FIELD_CHARS:
        warnings.append(f"{name}: front matter '{key}' is {len(text)} characters long; kept the first {MAX_FIELD_CHARS}")
        text = text[:MAX_FIELD_CHARS]
    text = clean_line(text)
    return text or None


def _text_list(value: Any, key: str, name: str, warnings: list[str], split_commas: bool) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        if split_commas:
            items: list[Any] = value.split(",")
        else:
            warnings.append(f"{name}: front matter '{key}' should be a list; read as one item")
            items = [value]
    elif isinstance(value, list):
        items = value
    else:
        warnings.append(f"{name}: front matter '{key}' should be a list, not a {type(value).__name__}; ignored")
        return []
    if len(items) > MAX_LIST_ITEMS:
        warnings.append(f"{name}: front matter '{key}' has {len(items)} items; kept the first {MAX_LIST_ITEMS}")
        items = items[:MAX_LIST_ITEMS]
    out: list[str] = []
    skipped = 0
    for item in items:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = clean_line(str(item)[:MAX_FIELD_CHARS])
            if text:
                out.append(text)
        else:
            skipped += 1
    if skipped:
        warnings.append(f"{name}: front matter '{key}' has {skipped} item(s) that are not text; skipped")
    return out


def parse_date(value: Any) -> dt.date | None:
    """A date from a YAML value or a date string in a common format, else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _fields(data: dict[Any, Any], name: str, warnings: list[str]) -> FrontMatter:
    fm = FrontMatter()
    fm.title = _scalar_text(data.get("title"), "title", name, warnings)
    fm.source = _scalar_text(data.get("source"), "source", name, warnings)
    fm.url = _scalar_text(data.get("url"), "url", name, warnings)
    fm.author = _scalar_text(data.get("author"), "author", name, warnings)
    fm.description = _scalar_text(data.get("description"), "description", name, warnings)
    raw_date = data.get("date")
    if raw_date is not None:
        fm.date = parse_date(raw_date)
        if fm.date is None:
            shown = (
                repr(clean_line(str(raw_date))[:40])
                if isinstance(raw_date, (str, int, float))
                else f"a {type(raw_date).__name__}"
            )
            warnings.append(f"{name}: front matter 'date' is not a date ({shown}); ignored")
    fm.tags = _text_list(data.get("tags"), "tags", name, warnings, split_commas=True)
    fm.key_points = _text_list(data.get("key_points"), "key_points", name, warnings, split_commas=False)
    return fm
