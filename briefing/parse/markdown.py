"""Markdown briefings with optional YAML front matter."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.boilerplate import boilerplate_reason, has_credit, is_stamp
from briefing.model import Article, Dropped, KeyPoint, Paragraph, ParagraphKind
from briefing.parse import shapes
from briefing.parse.frontmatter import split_front_matter
from briefing.parse.plaintext import fallback_title, find_article_dateline, is_truncated
from briefing.sanitize import clean_line
from briefing.sentences import sentence_spans

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


Block = tuple[ParagraphKind, str, int, int]  # kind, text, heading level or 0, line in the file


def _blocks(body: str, first_line: int) -> tuple[list[Block], list[Dropped]]:
    """Body blocks in reading order, and the boilerplate blocks left out with their reasons.

    *first_line* is the file's line number of the body's first line.
    """
    blocks: list[Block] = []
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
            line = first_line + (tok.map[0] if tok.map else 0)
            if opener is not None and opener.type == "heading_open":
                blocks.append(("heading", text, int(opener.tag[1:]), line))
            elif list_depth:
                blocks.append(("list", text, 0, line))
            elif quote_depth:
                blocks.append(("quote", text, 0, line))
            else:
                blocks.append(("text", text, 0, line))
        elif tok.type in ("fence", "code_block"):
            text = clean_line(tok.content)
            if text:
                blocks.append(("text", text, 0, first_line + (tok.map[0] if tok.map else 0)))
        elif tok.type == "html_block":
            text = clean_line(_TAG.sub(" ", tok.content))
            if text:
                blocks.append(("text", text, 0, first_line + (tok.map[0] if tok.map else 0)))
    kept: list[Block] = []
    dropped: list[Dropped] = []
    in_text = False
    for block in blocks:
        reason = boilerplate_reason(block[1])
        if reason == "timestamp" and in_text and not is_stamp(block[1]):
            reason = None  # a date or a time inside the text is the story's own
        in_text = in_text or block[0] == "text" and reason is None and len(block[1].split()) >= 8
        if reason is None and block[0] != "heading" and has_credit(block[1]) and len(block[1].split()) <= 60:
            reason = "caption"
        if reason is None:
            kept.append(block)
        else:
            dropped.append(Dropped(block[1], reason, block[3]))
    return kept, dropped


# Markdown past this many characters is shown as plain text, one paragraph a
# line: markdown-it takes 100 times longer on some text (a run of "[" costs
# 25 microseconds a character; an 8 MiB file took minutes) than on prose.
MAX_MARKDOWN_CHARS = 100_000


def parse_markdown(text: str, path: Path, warnings: list[str]) -> Article:
    fm, body = split_front_matter(text, path.name, warnings)
    first_line = text[: len(text) - len(body)].count("\n") + 1
    cut = len(body)
    if cut > MAX_MARKDOWN_CHARS:  # at a line's end where there is one
        cut = body.rfind("\n", 0, MAX_MARKDOWN_CHARS) + 1 or MAX_MARKDOWN_CHARS
    blocks, dropped = _blocks(body[:cut], first_line)
    if cut < len(body):
        rest_line = first_line + body[:cut].count("\n")
        blocks += [("text", line, 0, rest_line + n) for n, line in enumerate(map(clean_line, body[cut:].split("\n")))
                   if line]
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

    paragraphs = [Paragraph(kind, text) for kind, text, _, _ in blocks]
    dateline = find_article_dateline(paragraphs)
    return Article(
        path=path,
        title=title or fallback_title(paragraphs, key_points, path, dateline),
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
        dateline=dateline,
        dropped=dropped,
    )


def _leading_list(blocks: list[Block]) -> tuple[list[str], list[Block]]:
    """The article's own key points at the top of the body: a list (after an optional
    "Key points" or "STORY HIGHLIGHTS" line), or the points after "TL;DR:" or "Summary:"."""
    start = 0
    if blocks and blocks[0][0] in ("heading", "text"):
        if shapes.is_key_points_header(blocks[0][1]):
            start = 1
        elif (inline := shapes.inline_highlights(blocks[0][1])) is not None and len(blocks) > 1:
            return [inline[s:e] for s, e in sentence_spans(inline)] or [inline], blocks[1:]
    end = start
    while end < len(blocks) and blocks[end][0] == "list":
        end += 1
    if end == start or end == len(blocks):
        return [], blocks
    return [b[1] for b in blocks[start:end]], blocks[end:]
