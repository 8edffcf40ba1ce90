"""Markdown briefings with optional YAML front matter."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.boilerplate import is_boilerplate
from briefing.model import Article, KeyPoint, Paragraph, ParagraphKind
from briefing.parse import shapes
from briefing.parse.frontmatter import split_front_matter
from briefing.parse.plaintext import fallback_title, is_truncated
from briefing.sanitize import clean_line

_md = MarkdownIt("commonmark")
_TAG = re.compile(r"<[^>]*>")


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return clean_line("".join(parts))


def _blocks(body: str) -> list[tuple[ParagraphKind, str, int]]:
    """Body blocks in reading order as (kind, text, heading level or 0)."""
    blocks: list[tuple[ParagraphKind, str, int]] = []
    quote_depth = list_depth = 0
    tokens = _md.parse(body)
    for n, tok in enumerate(tokens):
        if tok.type == "blockquote_open":
            quote_depth += 1
        elif tok.type == "blockquote_close":
            quote_depth -= 1
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif tok.type == "inline":
            opener = tokens[n - 1] if n else None
            text = _inline_text(tok)
            if not text:
                continue
            if opener is not None and opener.type == "heading_open":
                blocks.append(("heading", text, int(opener.tag[1:])))
            elif list_depth:
                blocks.append(("list", text, 0))
            elif quote_depth:
                blocks.append(("quote", text, 0))
            else:
                blocks.append(("text", text, 0))
        elif tok.type in ("fence", "code_block"):
            text = clean_line(tok.content)
            if text:
                blocks.append(("text", text, 0))
        elif tok.type == "html_block":
            text = clean_line(_TAG.sub(" ", tok.content))
            if text:
                blocks.append(("text", text, 0))
    return [b for b in blocks if not is_boilerplate(b[1])]


# Markdown past this many characters is shown as plain text, one paragraph a
# line: markdown-it takes 100 times longer on some text (a run of "[" costs
# 25 microseconds a character; an 8 MiB file took minutes) than on prose.
MAX_MARKDOWN_CHARS = 100_000


def parse_markdown(text: str, path: Path, warnings: list[str]) -> Article:
    fm, body = split_front_matter(text, path.name, warnings)
    cut = len(body)
    if cut > MAX_MARKDOWN_CHARS:  # at a line's end where there is one
        cut = body.rfind("\n", 0, MAX_MARKDOWN_CHARS) + 1 or MAX_MARKDOWN_CHARS
    blocks = _blocks(body[:cut]) + [("text", line, 0) for line in map(clean_line, body[cut:].split("\n")) if line]
    if cut < len(body):
        warnings.append(f"{path.name}: only the first {MAX_MARKDOWN_CHARS:,} characters are read as Markdown; "
                        "the rest is shown as plain text")

    title = fm.title
    if blocks and blocks[0][0] == "heading" and blocks[0][2] == 1:
        # The leading heading is the title; with a title in the front matter
        # it repeats it, so it is dropped either way.
        heading = blocks.pop(0)[1]
        title = title or heading

    key_points = list(fm.key_points)
    if not key_points:
        key_points, blocks = _leading_list(blocks)

    paragraphs = [Paragraph(kind, text) for kind, text, _ in blocks]
    return Article(
        path=path,
        title=title or fallback_title(paragraphs, key_points, path),
        title_derived=title is None,
        paragraphs=paragraphs,
        key_points=[KeyPoint(k) for k in key_points],
        date=fm.date,
        source=fm.source,
        url=fm.url,
        author=fm.author,
        description=fm.description,
        tags=fm.tags,
        truncated=is_truncated(paragraphs),
        warnings=warnings,
    )


def _leading_list(
    blocks: list[tuple[ParagraphKind, str, int]],
) -> tuple[list[str], list[tuple[ParagraphKind, str, int]]]:
    """A list at the top of the body (after an optional "Key points" line) is key points."""
    start = 0
    if blocks and blocks[0][0] in ("heading", "text") and shapes.is_key_points_header(blocks[0][1]):
        start = 1
    end = start
    while end < len(blocks) and blocks[end][0] == "list":
        end += 1
    if end == start or end == len(blocks):
        return [], blocks
    return [b[1] for b in blocks[start:end]], blocks[end:]
