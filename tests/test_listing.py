"""The article list's page: filters, orders, search results and the titles that count them (no terminal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.listing import Listing, page
from briefing.model import Entry
from briefing.state import ArticleState


def entry(rel: str, title: str, source: str | None, date: str | None) -> Entry:
    return Entry(rel=rel, path=Path("/briefings") / rel, title=title, source=source,
                 date=dt.date.fromisoformat(date) if date else None)


# Newest first, as the catalogue gives them.
LIBRARY = [
    entry("b.md", "Aid convoy reaches Idlib", "Reuters", "2024-12-01"),
    entry("c.md", "Water shortages in Aleppo", "BBC", "2024-11-30"),
    entry("a.md", "Bread prices climb in Homs", "AFP", "2024-11-28"),
    entry("d.txt", "an undated note", None, None),
]


@dataclass
class Hit:
    path: str
    snippet_parts: list[tuple[str, bool]]


def rels(p) -> list[str]:
    return [e.rel for e in p.entries]


def test_the_library_newest_first_then_by_source_then_by_title():
    listing = Listing()
    first = page(LIBRARY, {}, listing, folder="content")
    assert rels(first) == ["b.md", "c.md", "a.md", "d.txt"] and first.title == "Articles (4)"
    listing = listing.next_order(searching=False)
    by_source = page(LIBRARY, {}, listing)
    # AFP, BBC, Reuters, and the article without a source last.
    assert rels(by_source) == ["a.md", "c.md", "b.md", "d.txt"] and by_source.title == "Articles (4) \u00b7 source"
    listing = listing.next_order(searching=False)
    assert rels(page(LIBRARY, {}, listing)) == ["b.md", "d.txt", "a.md", "c.md"]  # titles, case aside
    listing = listing.next_order(searching=False)
    assert page(LIBRARY, {}, listing).title == "Articles (4)"  # back to date: no note
    assert page(LIBRARY, {}, Listing(order="source"), separator=" | ").title == "Articles (4) | source"


def test_filters_count_what_they_keep_and_say_how_to_list_all():
    states = {"b.md": ArticleState(read=True, starred=True), "a.md": ArticleState(flagged=True, note="check"),
              "c.md": ArticleState(starred=True, note="  ")}
    starred = page(LIBRARY, states, Listing().filtered("starred"))
    assert rels(starred) == ["b.md", "c.md"] and starred.title == "Starred (2 of 4)"
    assert rels(page(LIBRARY, states, Listing().filtered("flagged"))) == ["a.md"]
    unread = page(LIBRARY, states, Listing().filtered("unread"))
    # An article never touched has no state and is unread.
    assert rels(unread) == ["c.md", "a.md", "d.txt"] and unread.title == "Unread (3 of 4)"
    noted = page(LIBRARY, states, Listing().filtered("noted"))
    assert rels(noted) == ["a.md"]  # a blank note is no note
    none = page(LIBRARY, {}, Listing().filtered("starred"))
    assert none.entries == [] and none.empty == "No starred articles. Press 1 to list all."
    assert page([], {}, Listing(), folder="/srv/briefings").empty == "No briefings in /srv/briefings"
    with pytest.raises(ValueError):
        Listing().filtered("urgent")


def test_results_keep_their_rank_combine_with_a_filter_and_can_be_ordered():
    hits = [Hit("a.md", [("bread in ", False), ("Homs", True)]), Hit("b.md", [("Idlib", True)]),
            Hit("gone.md", [("x", True)])]  # a hit for a file no longer listed is left out
    results = page(LIBRARY, {}, Listing(), hits)
    assert rels(results) == ["a.md", "b.md"] and results.title == "Results (2 of 4)"
    assert results.snippets["a.md"] == [("bread in ", False), ("Homs", True)]
    by_date = page(LIBRARY, {}, Listing().next_order(searching=True), hits)
    assert rels(by_date) == ["b.md", "a.md"] and by_date.title == "Results (2 of 4) \u00b7 date"
    states = {"b.md": ArticleState(starred=True)}
    starred = page(LIBRARY, states, Listing().filtered("starred"), hits)
    assert rels(starred) == ["b.md"] and starred.title == "Starred results (1 of 4)"
    nothing = page(LIBRARY, {}, Listing().filtered("flagged"), hits)
    assert nothing.empty == "No articles match the search. Press 1 to list all."
    # The list's own order is kept aside while results are ordered, and back after.
    listing = Listing().next_order(searching=False).next_order(searching=True)
    assert (listing.order, listing.result_order) == ("source", "date")


def test_the_folders_problems_are_told_once_and_the_first_few_by_name():
    from briefing.listing import Problems
    from briefing.search.catalogue import Snapshot

    problems = Problems(ellipsis="...", named=2)
    first = Snapshot(problems=["a.txt: empty file", "b.txt: binary file", "c.txt: empty file"],
                     warnings=["d.md: the front matter's date cannot be read"])
    title, text = problems.news(first)
    assert title == "3 files skipped"
    assert text.splitlines() == ["a.txt: empty file", "b.txt: binary file", "...and 2 more"]
    # The list is read again at every commit: what was told is not told again.
    assert problems.news(first) is None
    later = Snapshot(problems=first.problems + ["e.txt: empty file"], warnings=first.warnings)
    assert problems.news(later) == ("1 file skipped", "e.txt: empty file")
    assert Problems().news(Snapshot(warnings=["w"])) == ("Warnings", "w")


def test_hidden_articles_are_left_out_and_counted_in_the_title():
    from briefing.listing import Listing, page
    from briefing.model import Entry
    from briefing.state import ArticleState

    library = [Entry(f"{n}.md", Path(f"{n}.md"), f"Title {n}") for n in range(5)]
    hidden = {"1.md", "3.md"}
    shown = page(library, {}, Listing(), hidden=hidden)
    assert [e.rel for e in shown.entries] == ["0.md", "2.md", "4.md"]
    assert shown.title == "Articles (3, 2 hidden)"
    assert page(library, {}, Listing(), hidden=hidden, show_hidden=True).title == "Articles (5, 2 hidden shown)"
    unread = page(library, {"0.md": ArticleState(read=True)}, Listing().filtered("unread"), hidden=hidden)
    assert unread.title == "Unread (2 of 5, 2 hidden)"
    everything = page(library, {}, Listing(), hidden={e.rel for e in library})
    assert everything.entries == [] and "press H to show them" in everything.empty
    assert page(library, {}, Listing(), hidden=set()).title == "Articles (5)"
