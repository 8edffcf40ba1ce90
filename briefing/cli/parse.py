"""``briefing parse FILE``: how one briefing file is read."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from briefing.cli.common import CommandError


def register(commands) -> None:
    parser = commands.add_parser(
        "parse",
        help="show how a briefing file is read",
        description="Parse one briefing file (.txt, .md, a saved .html page, an .eml message or a Maildir "
                    "message) and print its parts.",
    )
    parser.add_argument("path", metavar="PATH", help="the file to parse")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from briefing.model import UnreadableFile
    from briefing.parse import parse_file

    try:
        article = parse_file(Path(args.path))
    except UnreadableFile as exc:
        raise CommandError(str(exc), code=1) from None
    for warning in article.warnings:
        print(f"briefing: warning: {warning}", file=sys.stderr)
    if args.json:
        json.dump(article.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_article(article)
    return 0


def print_article(article) -> None:
    print(article.title + (" (title derived from the text)" if article.title_derived else ""))
    if article.byline:
        print(" | ".join(article.byline))
    if article.dateline:
        print(f"Dateline: {article.dateline.text}")
    if article.key_points:
        print("\nKey points:")
        for point in article.key_points:
            print(f"  - {point.text}")
    print()
    for paragraph in article.paragraphs:
        prefix = {"heading": "## ", "quote": "> ", "list": "- "}.get(paragraph.kind, "")
        print(prefix + paragraph.text + "\n")
    if article.truncated:
        print("[the text ends mid-sentence: truncated]")
    if article.dropped:
        count = len(article.dropped)
        print(f"\nLeft out ({count} line{'s' if count > 1 else ''}):")
        for dropped in article.dropped:
            where = f"line {dropped.line}" if dropped.line else "left out"
            print(f"  {where} ({dropped.reason}): {dropped.text}")
