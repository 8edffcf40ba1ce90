"""Parse briefing files into :class:`briefing.model.Article`, by suffix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from briefing import formats
from briefing.decode import decode_bytes, read_text
from briefing.model import Article, UnreadableFile

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt"})
SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | formats.SUFFIXES


def parse_text(
    text: str, path: Path, warnings: list[str] | None = None, extras: bool = True, markdown: bool = False
) -> Article:
    """Parse already decoded and cleaned *text* as the file *path*.

    The article comes with its key points (given and anchored, or extracted)
    and its facts; without *extras*, with its given key points only, as they
    stand in the file (what the index needs, at a third of the cost).
    """
    # Imported here so that importing this package stays cheap for the CLI.
    from briefing.facts import extract_facts
    from briefing.keypoints import body_sentences, key_points
    from briefing.parse.markdown import parse_markdown
    from briefing.parse.plaintext import parse_plain_text

    warnings = list(warnings or [])
    if markdown or path.suffix.lower() in MARKDOWN_SUFFIXES:
        article = parse_markdown(text, path, warnings)
        if path.suffix.lower() not in MARKDOWN_SUFFIXES:
            # Markdown written from a page or a message: its line numbers are not the file's.
            article.dropped = [replace(d, line=None) for d in article.dropped]
    else:
        article = parse_plain_text(text, path, warnings)
    if extras:
        sentences = body_sentences(article)
        article.key_points = key_points(article, sentences)
        article.facts = extract_facts(sentences)
    return article


def parse_file(path: Path) -> Article:
    """Read and parse *path*. Raises :class:`UnreadableFile` with a one-line reason."""
    if formats.handles(path):
        return formats.parse_file(path)
    text, warnings = read_text(path)
    return parse_text(text, path, warnings)


def parse_bytes(data: bytes, path: Path, extras: bool = True, name: str | None = None) -> Article:
    """Parse *data* as the content of the file *path* (which is not read), called *name* in messages."""
    if formats.handles(path):
        return formats.parse_bytes(data, path, extras, name)
    text, warnings = decode_bytes(data, name or path.name)
    return parse_text(text, path, warnings, extras)


__all__ = ["SUFFIXES", "UnreadableFile", "parse_bytes", "parse_file", "parse_text"]
