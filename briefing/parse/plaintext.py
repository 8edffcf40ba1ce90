"""Plain-text briefings: one paragraph a line, structure read from line shapes.

Top down, a file holds an optional title, an optional run of key points
(bullets, or unmarked one-sentence analytic lines), a title if none came first,
then the body. Boilerplate lines are dropped wherever they stand.
"""

from __future__ import annotations

from pathlib import Path

from briefing.boilerplate import is_boilerplate
from briefing.model import Article, KeyPoint, Paragraph
from briefing.parse import shapes
from briefing.sanitize import clean_line

_OPEN_QUOTES = "\"\u201c"
_CLOSE_QUOTES = "\"\u201d"


def _leading_key_points(lines: list[str], i: int) -> tuple[list[str], int]:
    """Key points starting at line *i*, and the index of the first line after them."""
    if i >= len(lines):
        return [], i
    header = shapes.is_key_points_header(lines[i])
    j = i + 1 if header else i

    bullets: list[str] = []
    while j < len(lines) and (text := shapes.bullet_text(lines[j])) is not None:
        bullets.append(text)
        j += 1
    if bullets:
        return bullets, j

    k = j
    while k < len(lines) and shapes.is_point_shaped(lines[k]):
        k += 1
    run = lines[j:k]
    if header:
        return run, k
    # A single one-sentence lede is body, and so is wire copy written one
    # sentence a line: a run is key points only when a body follows it and
    # it reads as analysis or stands above a title.
    if len(run) < 2 or k >= len(lines):
        return [], i
    followed_by_title = shapes.is_title_shaped(lines[k])
    analytic = sum(1 for line in run if shapes.is_analytic(line))
    if followed_by_title or analytic * 2 > len(run):
        return run, k
    return [], i


def _is_quote(line: str) -> bool:
    """A paragraph that is one quotation from its opening mark to its closing one."""
    return (
        len(line) > 2
        and line[0] in _OPEN_QUOTES
        and line[-1] in _CLOSE_QUOTES
        and shapes.ends_with_stop(line)
    )


def _body(lines: list[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for n, line in enumerate(lines):
        is_last = n == len(lines) - 1
        if (text := shapes.bullet_text(line)) is not None:
            paragraphs.append(Paragraph("list", text))
        elif line.startswith(">"):
            paragraphs.append(Paragraph("quote", line.lstrip("> ").strip()))
        elif not is_last and shapes.is_title_shaped(line):
            # A short unpunctuated last line is a cut-off sentence, not a heading.
            paragraphs.append(Paragraph("heading", line))
        elif _is_quote(line):
            paragraphs.append(Paragraph("quote", line))
        else:
            paragraphs.append(Paragraph("text", line))
    return paragraphs


def is_truncated(paragraphs: list[Paragraph]) -> bool:
    """True when the body's last paragraph stops without closing punctuation."""
    for p in reversed(paragraphs):
        if p.kind == "heading":
            continue
        return p.kind != "list" and not shapes.ends_with_stop(p.text)
    return False


def fallback_title(paragraphs: list[Paragraph], key_points: list[str], path: Path) -> str:
    for p in paragraphs:
        if p.kind in ("text", "quote"):
            return shapes.derive_title(p.text)
    if key_points:
        return shapes.derive_title(key_points[0])
    return path.stem


def parse_plain_text(text: str, path: Path, warnings: list[str]) -> Article:
    lines = [clean_line(raw) for raw in text.split("\n")]
    lines = [line for line in lines if line and not is_boilerplate(line)]

    title: str | None = None
    i = 0
    if len(lines) > 1 and shapes.is_title_shaped(lines[0]):
        title, i = lines[0], 1
    key_points, i = _leading_key_points(lines, i)
    if title is None and i + 1 < len(lines) and shapes.is_title_shaped(lines[i]):
        title, i = lines[i], i + 1

    paragraphs = _body(lines[i:])
    article = Article(
        path=path,
        title=title or fallback_title(paragraphs, key_points, path),
        title_derived=title is None,
        paragraphs=paragraphs,
        key_points=[KeyPoint(k) for k in key_points],
        truncated=is_truncated(paragraphs),
        warnings=warnings,
    )
    return article
