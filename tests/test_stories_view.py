"""How a story is named and summed up, in the stories view and on the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefing.model import Article, Entry
from briefing.stories.story import Story
from briefing.stories.summary import counted, extent, headline
from briefing.tui.app import BriefingApp
from tui_helpers import settle


def entry(rel: str, title: str, source: str | None = None, date: str | None = None) -> Entry:
    return Entry(rel=rel, path=Path("/c") / rel, title=title, source=source,
                 date=dt.date.fromisoformat(date) if date else None, story=1)


def reader_of(derived: set[str]):
    """Articles whose titles were made from their first sentence when their rel is in *derived*."""
    read: list[str] = []

    def read_one(e: Entry) -> Article:
        read.append(e.rel)
        return Article(path=e.path, title=e.title, title_derived=e.rel in derived)

    return read_one, read


def test_a_story_is_named_by_its_earliest_report_with_a_headline_of_its_own():
    story = Story(1, [entry("a", "Rebels say they hold half the city, and that"), entry("b", "Rebels take Aleppo"),
                      entry("c", "Aleppo falls")])
    read, looked_at = reader_of({"a"})
    assert headline(story, read) == "Rebels take Aleppo"
    assert looked_at == ["a", "b"]  # no further than needed
    none_real, _ = reader_of({"a", "b", "c"})
    assert headline(story, none_real) == "Rebels say they hold half the city, and that"
    # A story of one article is named by it, without reading it.
    alone, looked_at = reader_of({"a"})
    assert headline(Story(2, [entry("a", "A lede")]), alone) == "A lede" and looked_at == []
    # An article that can no longer be read is passed over.
    assert headline(story, lambda e: None if e.rel == "a" else reader_of(set())[0](e)) == "Rebels take Aleppo"
    # A large story of ledes is not read whole.
    many = Story(3, [entry(f"{n:03}", f"lede {n}") for n in range(100)])
    read, looked_at = reader_of({f"{n:03}" for n in range(100)})
    assert headline(many, read) == "lede 0" and len(looked_at) <= 8


def test_a_story_is_summed_up_in_words_not_article_s():
    assert (counted(1, "article"), counted(5, "article"), counted(0, "source")) == ("1 article", "5 articles",
                                                                                     "0 sources")
    iso = lambda d: d.isoformat() if d else ""  # noqa: E731
    one = Story(1, [entry("a", "x", "Wire", "2024-11-27")])
    assert extent(one, iso) == "1 article from 1 source, 2024-11-27"
    two = Story(2, [entry("a", "x", "Wire", "2024-11-27"), entry("b", "y", "Desk", "2024-11-29"), entry("c", "z")])
    assert extent(two, iso) == "3 articles from 2 sources, 2024-11-27 to 2024-11-29"
    assert extent(Story(3, [entry("a", "x"), entry("b", "y")]), iso) == "2 articles, no source named"


async def test_the_stories_view_names_the_sample_story_by_its_headline_and_counts_in_words(content):
    from textual.widgets import OptionList, Static

    app = BriefingApp(content)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        listing = app.screen.query_one("#stories-list", OptionList)
        # The first report (000) has no headline of its own; the second (001) has one.
        assert str(listing.get_option_at_index(0).prompt) == (
            "Jihadist Rebels Capture Aleppo: A Turning Point in the Syrian Civil War\n"
            "  5 articles, no source named")
        detail = app.screen.query_one("#story-text", Static).visual.plain
        assert detail.startswith("Jihadist Rebels Capture Aleppo")
