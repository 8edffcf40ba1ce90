"""How a story is named and summed up in one line, for the reader and the command line alike.

A story is named by its earliest report that has a headline of its own. An
article without one (a wire item, a pasted paragraph) gets a title made from
its first sentence; that lede names the story only when no report of it has a
real headline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from briefing.model import Article, Entry
from briefing.stories.story import Story

# Reports read, oldest first, looking for a headline: a story's title must not
# cost the parse of every article of a large story.
HEADLINE_TRIES = 8


def counted(n: int, noun: str) -> str:
    """``1 article``, ``5 articles``."""
    return f"{n} {noun if n == 1 else noun + 's'}"


def headline(story: Story, read: Callable[[Entry], Article | None], tries: int = HEADLINE_TRIES) -> str:
    """The title of the earliest report with a headline of its own; else the first report's title."""
    if len(story.entries) > 1:
        for entry in story.entries[:tries]:
            article = read(entry)
            if article is not None and not article.title_derived:
                return article.title
    return story.title


def extent(story: Story, date_text: Callable[[dt.date | None], str]) -> str:
    """``5 articles from 2 sources, 2024-11-27 to 2024-12-01``: size, sources and dates (where known)."""
    sources = len(story.sources)
    text = counted(len(story.entries), "article") + (f" from {counted(sources, 'source')}" if sources
                                                      else ", no source named")
    first, latest = date_text(story.first), date_text(story.latest)
    span = first if first == latest else f"{first} to {latest}"
    return text + (f", {span}" if span else "")
