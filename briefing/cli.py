"""The ``briefing`` command: open the reader, or work on files without a terminal UI."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from briefing import __version__
from briefing.model import Article, UnreadableFile

DEFAULT_CONTENT = Path("content")


class CommandError(Exception):
    """A problem the user can fix; printed as one line, never a traceback."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _content_dir(value: str | None) -> Path:
    if value is None:
        if DEFAULT_CONTENT.is_dir():
            return DEFAULT_CONTENT
        raise CommandError("no content folder: ./content does not exist; pass --content DIR")
    path = Path(value).expanduser()
    if not path.is_dir():
        raise CommandError(f"content folder not found: {path}")
    return path


def _print_article(article: Article) -> None:
    print(article.title + (" (title derived from the text)" if article.title_derived else ""))
    meta = [x for x in (article.source, article.date and article.date.isoformat()) if x]
    if meta:
        print(" | ".join(meta))
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


def cmd_parse(args: argparse.Namespace) -> int:
    from briefing.parse import parse_file

    path = Path(args.path)
    try:
        article = parse_file(path)
    except UnreadableFile as exc:
        raise CommandError(str(exc), code=1) from None
    for warning in article.warnings:
        print(f"briefing: warning: {warning}", file=sys.stderr)
    if args.json:
        json.dump(article.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_article(article)
    return 0


def cmd_read(args: argparse.Namespace) -> int:
    content = _content_dir(args.content)
    # Textual is imported only here: the other commands start fast without it.
    from briefing.tui.app import BriefingApp

    BriefingApp(content).run()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="A keyboard-driven terminal reader for news briefings.",
        epilog="Run 'briefing COMMAND -h' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument(
        "--content", metavar="DIR", help="folder of briefing files (default: ./content)"
    )
    parser.set_defaults(handler=cmd_read)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    parse = commands.add_parser(
        "parse",
        help="show how a briefing file is read",
        description="Parse one briefing file (.txt or .md) and print its parts.",
    )
    parse.add_argument("path", metavar="PATH", help="the file to parse")
    parse.add_argument("--json", action="store_true", help="print one JSON object")
    parse.set_defaults(handler=cmd_parse)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CommandError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into a pager that quit early is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
