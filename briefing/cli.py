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


def settings_of(args: argparse.Namespace):
    """The effective settings: config file, environment, then this command line."""
    from briefing import config

    overrides = {
        "content": args.content,
        "index": args.index,
        "theme": getattr(args, "theme", None),
        "ascii": True if getattr(args, "ascii", False) else None,
        "mouse": False if getattr(args, "no_mouse", False) else None,
        "follow_links": True if getattr(args, "follow_links", False) else None,
    }
    settings = config.load(overrides)
    for problem in settings.problems:
        print(f"briefing: {problem}", file=sys.stderr)
    return settings


def _content_dir(args: argparse.Namespace) -> Path:
    settings = args.settings
    path = settings.content
    if not path.is_dir():
        if settings.sources["content"] == "default":
            raise CommandError("no content folder: ./content does not exist; pass --content DIR")
        raise CommandError(f"content folder not found: {path} (from {settings.sources['content']})")
    return path


def _print_article(article: Article) -> None:
    print(article.title + (" (title derived from the text)" if article.title_derived else ""))
    if article.byline:
        print(" | ".join(article.byline))
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


def _index(args: argparse.Namespace):
    from briefing.search.index import ContentIndex

    return ContentIndex(_content_dir(args), args.settings.index, args.settings.follow_links)


def _update_index(index, rebuild: bool = False, quiet: bool = False, lines: bool = False):
    """Bring *index* up to date, with progress on stderr when it takes a while.

    With *lines*, progress is one line per step from the start (for the reader,
    which runs this in a separate process and shows the count).
    """
    import time

    from briefing.search.index import BUSY_EXIT_STATUS, IndexBusy

    started = time.monotonic()
    shown = False

    def progress(done: int, total: int, committed: bool) -> None:
        nonlocal shown
        elapsed = time.monotonic() - started
        if lines:
            # "committed" tells the reader the list can be read again.
            if committed or done % 25 == 0:
                kind = "committed" if committed else "progress"
                print(f"{kind} {done} {total} {elapsed:.3f}", file=sys.stderr, flush=True)
            return
        if not quiet and elapsed > 1.0 and (done % 50 == 0 or done == total):
            rate = done / elapsed
            print(f"\rindexing {done}/{total} ({rate:.0f} files/s)", end="", file=sys.stderr, flush=True)
            shown = True

    try:
        report = index.update(rebuild=rebuild, progress=progress)
    except IndexBusy as exc:
        raise CommandError(str(exc), code=BUSY_EXIT_STATUS) from None
    except OSError as exc:
        raise CommandError(f"cannot write the index in {index.dir}: {exc.strerror or exc}", code=74) from None
    if shown:
        print(file=sys.stderr)
    if report.rebuilt:
        print(f"briefing: {report.rebuilt}", file=sys.stderr)
    return report


def cmd_index(args: argparse.Namespace) -> int:
    index = _index(args)
    report = _update_index(index, rebuild=args.rebuild, lines=args.progress_lines)
    print(f"{report.summary()} (index: {index.dir})")
    for line in report.skipped:
        print(f"skipped: {line}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from briefing.search.engine import Engine, IndexDamaged, IndexUnavailable, QueryError

    index = _index(args)
    report = _update_index(index, quiet=args.json)
    for line in report.skipped:
        print(f"briefing: skipped {line}", file=sys.stderr)
    for attempt in (1, 2):
        engine = Engine.open(index)
        try:
            # The hits first, then the snippets of those printed (the reader makes them for the rows it shows).
            results = engine.search(args.query, limit=args.limit, by_date=args.by_date, snippets=0)
            engine.snippets(results)
            break
        except QueryError as exc:
            raise CommandError(f"bad query: {exc}", code=2) from None
        except (IndexDamaged, IndexUnavailable) as exc:
            if attempt == 2:
                raise CommandError(f"{exc}; run 'briefing index' again", code=75) from None
            print(f"briefing: {exc}", file=sys.stderr)
            _update_index(index, quiet=args.json)  # rebuilds what the search found damaged
        finally:
            engine.close()
    for note in results.notes:
        print(f"briefing: note: {note}", file=sys.stderr)
    if args.json:
        json.dump([h.to_json() for h in results.hits], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(f"{results.total} result(s) for {results.query.text}")
        for n, hit in enumerate(results.hits, 1):
            print(f"{n:3}. {hit.title}  [{hit.path}]")
            print("     " + "".join(f"*{t}*" if is_hit else t for t, is_hit in hit.snippet_parts))
    if not results.hits and results.suggestion:
        print(f"Did you mean: {results.suggestion}", file=sys.stderr)
    return 0


def _stories(args: argparse.Namespace):
    """The stories of the content folder, from an index brought up to date first."""
    from briefing.stories.story import stories_of

    index = _index(args)
    report = _update_index(index, quiet=args.json)
    for line in report.skipped:
        print(f"briefing: skipped {line}", file=sys.stderr)
    snapshot = index.snapshot()
    return stories_of(snapshot.entries if snapshot else [])


def _date_text(date) -> str:
    return date.isoformat() if date else "undated"


def cmd_stories(args: argparse.Namespace) -> int:
    stories = _stories(args)
    if args.json:
        json.dump([s.to_json() for s in stories], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}")
    for story in stories:
        span = _date_text(story.first) if story.first == story.latest else \
            f"{_date_text(story.first)} to {_date_text(story.latest)}"
        print(f"{story.id:5}  {len(story.entries)} article(s), {len(story.sources)} source(s), {span}  "
              f"{story.title}")
    return 0


def cmd_story(args: argparse.Namespace) -> int:
    from briefing.article_cache import ArticleCache
    from briefing.stories.story import figures_of

    stories = {s.id: s for s in _stories(args)}
    story = stories.get(args.id)
    if story is None:
        raise CommandError(f"no story {args.id} (see 'briefing stories')", code=1)
    cache = ArticleCache()

    def read(entry):
        article, problem = cache.get(entry.path)
        if problem:
            print(f"briefing: {problem}", file=sys.stderr)
        return article

    figures = figures_of(story, read)
    if args.json:
        data = story.to_json()
        data["articles"] = [
            {"path": e.rel, "title": e.title, "source": e.source, "date": e.date.isoformat() if e.date else None}
            for e in story.entries
        ]
        data["figures"] = {counts: [f.to_json() for f in rows] for counts, rows in figures.items()}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"Story {story.id}: {story.title}")
    print(f"{len(story.entries)} article(s) from {len(story.sources)} source(s)")
    for entry in story.entries:
        print(f"  {_date_text(entry.date)}  {entry.source or 'no source'}  {entry.title}  [{entry.rel}]")
    if figures:
        print()
        print("Figures, as each article gives them (never added up):")
    for counts, rows in figures.items():
        print(f"  {counts}")
        for f in rows:
            said = f" (according to {f.attribution})" if f.attribution else ""
            print(f"    {f.text}{said}  [{f.entry.source or f.entry.rel}, {_date_text(f.entry.date)}]")
    return 0


def _listing(args: argparse.Namespace):
    """The content folder's articles, from an index brought up to date first, and their state."""
    from briefing.search.catalogue import snapshot_of_files
    from briefing.state import StateError, StateStore

    index = _index(args)
    try:
        _update_index(index, quiet=True)
        snapshot = index.snapshot()
    except CommandError as exc:
        # No index (a read-only cache, say): read the files instead.
        print(f"briefing: {exc}; reading the files directly", file=sys.stderr)
        snapshot = None
    if snapshot is None:
        snapshot = snapshot_of_files(index.content, index.follow_links)
    try:
        store = StateStore()
    except StateError as exc:
        raise CommandError(str(exc), code=74) from None
    return index.content, snapshot, store


def cmd_export(args: argparse.Namespace) -> int:
    import datetime as dt

    from briefing.digest import collect, render, write_atomically

    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            raise CommandError(f"--since wants a date as YYYY-MM-DD, not {args.since!r}") from None
    content, snapshot, store = _listing(args)
    states = store.folder(content).load(snapshot.entries)
    items = collect(snapshot.entries, states, args.which, since)
    text = render(items)
    if not items:
        print(f"briefing: no {args.which if args.which != 'all' else ''} articles to export".replace("  ", " "),
              file=sys.stderr)
    if args.output:
        try:
            write_atomically(Path(args.output), text)
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}", code=74) from None
        print(f"wrote {len(items)} article(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_state_export(args: argparse.Namespace) -> int:
    import yaml

    from briefing.state import StateError, StateStore

    content = _content_dir(args)
    try:
        data = StateStore().folder(content).export()
    except StateError as exc:
        raise CommandError(str(exc), code=74) from None
    yaml.safe_dump(data, sys.stdout, sort_keys=False, allow_unicode=True)
    return 0


def cmd_state_import(args: argparse.Namespace) -> int:
    import yaml

    from briefing.state import StateError, StateStore

    content = _content_dir(args)
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}", code=1) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CommandError(f"{args.file} is not valid YAML: {' '.join(str(exc).split())}", code=1) from None
    try:
        merged, new = StateStore().folder(content).merge(data)
    except StateError as exc:
        raise CommandError(f"{args.file}: {exc}", code=1) from None
    print(f"merged the state of {merged} article(s), {new} new")
    return 0


def cmd_read(args: argparse.Namespace) -> int:
    from briefing.themes import load_themes

    settings = args.settings
    content = _content_dir(args)
    # Textual is imported only here: the other commands start fast without it.
    from briefing.tui.app import BriefingApp

    app = BriefingApp(content, settings.index, settings=settings, themes=load_themes())
    app.run(mouse=settings.mouse)
    return app.return_code or 0


def cmd_config(args: argparse.Namespace) -> int:
    from briefing import config
    from briefing.state import StateError, StateStore

    settings = args.settings
    print(f"# config file: {settings.file or config.default_config_path()}"
          + ("" if settings.file else " (not present)"))
    try:
        store = StateStore()
    except StateError:
        store = None
    for name in config.SETTINGS:
        value, source = settings.values[name], settings.sources[name]
        shown = config.describe(value)
        if name == "index" and value is None:
            from briefing.search.index import default_index_dir

            shown = f"{default_index_dir(settings.content)} (one per content folder)"
        elif name == "theme" and value is None:
            shown = "none (dark; ansi on a 16-colour terminal)"
        print(f"{name} = {shown}  ({source})")
        if store is None:
            continue
        for key, label in _choices_in_reader(name):
            configured = value.get(key.split(".")[1]) if name == "widths" else value
            chosen = config.remembered(settings, name, key, configured, store.preference)
            if chosen is not None:
                print(f"  {label} = {chosen}  (chosen in the reader; stands until {name} is changed in the file)")
    return 0


def _choices_in_reader(name: str) -> list[tuple[str, str]]:
    """The preferences the reader keeps for setting *name* (T for the theme, < and > for widths)."""
    if name == "theme":
        return [("theme", "theme")]
    if name == "widths":
        return [("width.articles", "widths.articles"), ("width.keypoints", "widths.keypoints")]
    return []


def cmd_themes(args: argparse.Namespace) -> int:
    from briefing.themes import load_themes, shipped_theme_dirs, user_theme_dir

    themes = load_themes()
    for problem in themes.problems:
        print(f"briefing: {problem}", file=sys.stderr)
    shipped = {d.resolve() for d in shipped_theme_dirs()}
    for name, spec in sorted(themes.themes.items()):
        where = "shipped" if spec.path and spec.path.parent.resolve() in shipped else str(spec.path)
        kind = "16 colours" if spec.ansi else ("dark" if spec.dark else "light")
        print(f"{name:<16} {kind:<10} {spec.description}  [{where}]")
    print(f"# add your own as YAML files in {user_theme_dir()}", file=sys.stderr)
    return 1 if themes.problems else 0


def content_options(parser: argparse.ArgumentParser) -> None:
    """--content and --index, accepted before or after a command's name.

    Suppressed defaults, so that a value given before the command is not
    overwritten by the command's own default.
    """
    parser.add_argument(
        "--content", metavar="DIR", default=argparse.SUPPRESS, help="folder of briefing files (default: ./content)"
    )
    parser.add_argument(
        "--index", metavar="DIR", default=argparse.SUPPRESS,
        help="index folder (default: $BRIEFING_INDEX_DIR, else one per content folder in the user cache)",
    )
    parser.add_argument(
        "--follow-links", action="store_true", default=argparse.SUPPRESS,
        help="also read files that links in the content folder point to outside it",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="A keyboard-driven terminal reader for news briefings.",
        epilog="Run 'briefing COMMAND -h' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    content_options(parser)
    parser.add_argument("--theme", metavar="NAME", help="theme for this run (see 'briefing themes')")
    parser.add_argument("--ascii", action="store_true", help="draw borders and marks with ASCII only")
    parser.add_argument("--no-mouse", action="store_true", help="do not ask the terminal for mouse events")
    parser.set_defaults(handler=cmd_read, content=None, index=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    parse = commands.add_parser(
        "parse",
        help="show how a briefing file is read",
        description="Parse one briefing file (.txt or .md) and print its parts.",
    )
    parse.add_argument("path", metavar="PATH", help="the file to parse")
    parse.add_argument("--json", action="store_true", help="print one JSON object")
    parse.set_defaults(handler=cmd_parse)

    index = commands.add_parser(
        "index",
        help="bring the search index up to date",
        description="Index new and changed files, drop removed ones; print what changed.",
    )
    content_options(index)
    index.add_argument("--rebuild", action="store_true", help="rebuild the index from scratch")
    index.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)
    index.set_defaults(handler=cmd_index)

    search = commands.add_parser(
        "search",
        help="search the articles",
        description=(
            "Search with Whoosh's query language: words (AND by default), OR, NOT, \"phrases\", "
            "title:, source:, tag:, prefix*, fuzzy~, date:2024-11-27..2024-12-01."
        ),
    )
    search.add_argument("query", metavar="QUERY")
    content_options(search)
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    search.add_argument("--by-date", action="store_true", help="newest first instead of by relevance")
    search.add_argument("--json", action="store_true", help="print a JSON list")

    stories = commands.add_parser(
        "stories", help="list the stories: articles grouped by the story they cover",
        description="Articles covering the same story, grouped when indexed; the largest stories first.",
    )
    content_options(stories)
    stories.add_argument("--json", action="store_true", help="print a JSON list")
    stories.set_defaults(handler=cmd_stories)

    story = commands.add_parser(
        "story", help="one story: its articles and the figures each reports",
        description="A story's articles, oldest first, and its figures grouped by what they count, "
                    "each with its qualifier, article and attribution.",
    )
    story.add_argument("id", metavar="ID", type=int, help="the story's number (see 'briefing stories')")
    content_options(story)
    story.add_argument("--json", action="store_true", help="print one JSON object")
    story.set_defaults(handler=cmd_story)
    search.set_defaults(handler=cmd_search)

    export = commands.add_parser(
        "export",
        help="write a Markdown digest",
        description=(
            "Write a Markdown digest of the selected articles (starred ones unless told otherwise): "
            "title, source, date, key points with their verified/disputed marks, facts and your note, "
            "grouped by day, newest first."
        ),
    )
    content_options(export)
    which = export.add_mutually_exclusive_group()
    for name, text in [("starred", "starred articles (the default)"), ("flagged", "articles flagged for follow-up"),
                       ("unread", "unread articles"), ("noted", "articles with a note"), ("all", "every article")]:
        which.add_argument(f"--{name}", dest="which", action="store_const", const=name, help=text)
    export.add_argument("--since", metavar="DATE", help="only articles dated DATE (YYYY-MM-DD) or later")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    export.set_defaults(handler=cmd_export, which="starred")

    state = commands.add_parser(
        "state",
        help="move read marks, stars, flags, notes between machines",
        description="Export the state of a content folder as YAML, or merge an export into it.",
    )
    state_commands = state.add_subparsers(title="commands", metavar="COMMAND", required=True)
    state_export = state_commands.add_parser("export", help="print the state as YAML")
    content_options(state_export)
    state_export.set_defaults(handler=cmd_state_export)
    state_import = state_commands.add_parser(
        "import", help="merge an export into the state (nothing is taken away)"
    )
    state_import.add_argument("file", metavar="FILE", help="the YAML export, or - for stdin")
    content_options(state_import)
    state_import.set_defaults(handler=cmd_state_import)

    config_cmd = commands.add_parser(
        "config",
        help="show the effective settings",
        description="Print every setting, its value and where it came from (default, config file, "
                    "environment, command line, or a choice made in the reader).",
    )
    config_cmd.add_argument("--show", action="store_true", help="print the settings (the default)")
    content_options(config_cmd)
    config_cmd.set_defaults(handler=cmd_config)

    themes = commands.add_parser("themes", help="list the themes", description="List the usable themes; report broken ones.")
    themes.set_defaults(handler=cmd_themes)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.settings = settings_of(args)
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
