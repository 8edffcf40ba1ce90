"""``briefing stories`` and ``briefing story ID``: articles grouped by the story they cover."""

from __future__ import annotations

import argparse
import json
import sys

from briefing.cli.common import CommandError, article_reader, content_options, date_text, indexed_snapshot


def register(commands) -> None:
    stories = commands.add_parser(
        "stories", help="list the stories: articles grouped by the story they cover",
        description="Articles covering the same story, grouped when indexed; the largest stories first.",
    )
    content_options(stories)
    stories.add_argument("--json", action="store_true", help="print a JSON list")
    stories.set_defaults(handler=run_stories)

    story = commands.add_parser(
        "story", help="one story: its articles and the figures each reports",
        description="A story's articles, oldest first, and its figures grouped by what they count, "
                    "each with its qualifier, article and attribution.",
    )
    story.add_argument("id", metavar="ID", type=int, help="the story's number (see 'briefing stories')")
    content_options(story)
    story.add_argument("--json", action="store_true", help="print one JSON object")
    story.set_defaults(handler=run_story)


def _reader(args: argparse.Namespace):
    """Articles read (and kept) when a story needs them; a file that cannot be read is said on stderr."""
    cache = article_reader(args)

    def read(entry):
        article, problem = cache.get(entry.path)
        if problem:
            print(f"briefing: {problem}", file=sys.stderr)
        return article

    return read


def _stories(args: argparse.Namespace):
    from briefing.stories.story import stories_of

    snapshot = indexed_snapshot(args, quiet=args.json)
    return stories_of(snapshot.entries if snapshot else [])


def run_stories(args: argparse.Namespace) -> int:
    from briefing.stories.summary import extent, headline

    stories = _stories(args)
    read = _reader(args)
    if args.json:
        json.dump([{**s.to_json(), "title": headline(s, read)} for s in stories], sys.stdout,
                  ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}")
    for story in stories:
        print(f"{story.id:5}  {extent(story, date_text)}  {headline(story, read)}")
    return 0


def run_story(args: argparse.Namespace) -> int:
    from briefing.stories.story import figures_of
    from briefing.stories.summary import extent, headline

    stories = {s.id: s for s in _stories(args)}
    story = stories.get(args.id)
    if story is None:
        raise CommandError(f"no story {args.id} (see 'briefing stories')", code=1)
    read = _reader(args)
    figures = figures_of(story, read)
    title = headline(story, read)
    if args.json:
        data = {**story.to_json(), "title": title}
        data["articles"] = [
            {"path": e.rel, "title": e.title, "source": e.source, "date": e.date.isoformat() if e.date else None}
            for e in story.entries
        ]
        data["figures"] = {counts: [f.to_json() for f in rows] for counts, rows in figures.items()}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"Story {story.id}: {title}")
    print(extent(story, date_text))
    for entry in story.entries:
        print(f"  {date_text(entry.date)}  {entry.source or 'no source'}  {entry.title}  [{entry.rel}]")
    if figures:
        print()
        print("Figures, as each article gives them (never added up):")
    for counts, rows in figures.items():
        print(f"  {counts}")
        for f in rows:
            said = f" (according to {f.attribution})" if f.attribution else ""
            print(f"    {f.text}{said}  [{f.entry.source or f.entry.rel}, {date_text(f.entry.date)}]")
    return 0
