"""What the article list shows: the library or the search results, filtered and ordered, as one page.

The reader asks for a :class:`Listing` (filter, orders) and gets back a
:class:`Page`: the entries in order, the list's title with its count, what to
say when nothing is listed, and the search snippets. No terminal is involved,
so the list's behaviour is tested in milliseconds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from briefing.model import Entry
from briefing.search.catalogue import ORDERS, Snapshot
from briefing.state import FILTERS, ArticleState, keep
from briefing.team import TEAM_FILTER_LABELS, TEAM_FILTERS

LIST_ORDERS = ("date", "source", "title")
RESULT_ORDERS = ("relevance", *LIST_ORDERS)
# Skipped files named in one notification; the rest are counted.
PROBLEMS_NAMED = 5
# The filters by the name the palette gives them, in the order of their keys (1..5).
FILTER_LABELS = {
    "all": "all articles",
    "unread": "unread articles",
    "starred": "starred articles",
    "flagged": "articles flagged for follow-up",
    "noted": "articles with a note",
    **TEAM_FILTER_LABELS,
}
Snippet = list[tuple[str, bool]]


class Found(Protocol):
    """A search hit as the list needs it, whichever engine found it."""

    @property
    def path(self) -> str: ...

    @property
    def snippet_parts(self) -> Snippet: ...


@dataclass(frozen=True)
class Listing:
    """What the analyst asked the list for: a filter, and an order for the library and for results."""

    filter: str = "all"
    order: str = LIST_ORDERS[0]
    result_order: str = RESULT_ORDERS[0]

    def filtered(self, name: str) -> Listing:
        if name not in FILTERS and name not in TEAM_FILTERS:
            raise ValueError(name)
        return replace(self, filter=name)

    def next_order(self, searching: bool) -> Listing:
        """The next order of the list, or of the results while a search is in force."""
        if searching:
            return replace(self, result_order=_next(RESULT_ORDERS, self.result_order))
        return replace(self, order=_next(LIST_ORDERS, self.order))


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    title: str
    empty: str
    snippets: dict[str, Snippet] = field(default_factory=dict)


def page(
    library: Sequence[Entry],
    states: Mapping[str, ArticleState],
    listing: Listing,
    hits: Sequence[Found] | None = None,
    *,
    folder: str = "",
    separator: str = " \u00b7 ",
    by_rel: Mapping[str, Entry] | None = None,
    hidden: Collection[str] = (),
    show_hidden: bool = False,
    total: int | None = None,
) -> Page:
    """The list for *library* with *states*: the whole library, or the search *hits* in it, as *listing* says.

    *separator* goes between the count and a note of an unusual order (the
    reader's look decides it); *folder* is named when it holds nothing.
    *by_rel* is *library* by path, when the caller keeps one (it costs a pass
    over the library, at every new set of results otherwise). Articles whose
    paths are in *hidden* (the config's ``hide`` rules) are left out unless
    *show_hidden*; the title says how many. *total*: the library is only the
    first of a list this long (the whole library, newest first, is listed).
    """
    name = listing.filter
    passes = (lambda e: _keep(name, states.get(e.rel))) if name != "all" else None
    hint = "" if name == "all" else " Press 1 to list all."
    if total is not None and needs_whole(listing, hits, hidden):
        raise ValueError("only the whole library, newest first, is listed from its first entries")
    if hits is None:
        shown = [e for e in library if passes(e)] if passes else list(library)
        shown, note, hidden_hint = _hide(shown, hidden, show_hidden)
        if listing.order != "date":
            shown.sort(key=ORDERS[listing.order])
        # Hidden articles alone: "Articles (3, 2 hidden)" says all of it in a narrow pane.
        count = f"{len(shown)} of {len(library)}" if passes or (len(shown) != len(library) and not note) \
            else f"{len(shown)}"
        if total is not None:
            count = f"{total}"
        title = f"{'Articles' if name == 'all' else _named(name)} ({count}{note})"
        empty = f"No briefings in {folder}" if name == "all" else (
            f"No {FILTER_LABELS[name]}." if name in TEAM_FILTERS else f"No {name} articles.")
        return Page(shown, title + _order_note(listing.order, LIST_ORDERS, separator), empty + hint + hidden_hint)
    if by_rel is None:
        by_rel = {e.rel: e for e in library}
    pairs = [(by_rel[h.path], h) for h in hits if h.path in by_rel]
    if passes:
        pairs = [(e, h) for e, h in pairs if passes(e)]
    kept, note, hidden_hint = _hide([e for e, _ in pairs], hidden, show_hidden)
    if len(kept) != len(pairs):
        kept_rels = {e.rel for e in kept}
        pairs = [(e, h) for e, h in pairs if e.rel in kept_rels]
    if listing.result_order != "relevance":
        order = ORDERS[listing.result_order]
        pairs.sort(key=lambda pair: order(pair[0]))
    title = f"{'Results' if name == 'all' else _named(name) + ' results'} ({len(pairs)} of {len(library)}{note})"
    return Page(
        [e for e, _ in pairs],
        title + _order_note(listing.result_order, RESULT_ORDERS, separator),
        "No articles match the search." + hint + hidden_hint,
        {e.rel: h.snippet_parts for e, h in pairs},
    )


def needs_whole(listing: Listing, hits: Sequence[Found] | None, hidden: Collection[str]) -> bool:
    """Whether the list needs the whole library: from its newest entries alone, its counts would be wrong."""
    return hits is not None or listing.filter != "all" or listing.order != "date" or bool(hidden)


def _hide(entries: list[Entry], hidden: Collection[str], show_hidden: bool) -> tuple[list[Entry], str, str]:
    """*entries* less the hidden ones (unless shown), the count's note and the empty list's hint."""
    if not hidden:
        return entries, "", ""
    kept = [e for e in entries if e.rel not in hidden]
    count = len(entries) - len(kept)
    if not count:
        return entries, "", ""
    if show_hidden:
        return entries, f", {count} hidden shown", ""
    return kept, f", {count} hidden", f" {count} hidden by the hide rules: press H to show them."


class Problems:
    """The folder's skipped files and warnings, each told once (not at every refresh of the list)."""

    def __init__(self, ellipsis: str = "\u2026", named: int = PROBLEMS_NAMED) -> None:
        self.ellipsis = ellipsis
        self.named = named
        self._told: set[str] = set()

    def news(self, snapshot: Snapshot) -> tuple[str, str] | None:
        """A title and the lines to tell of what is new in *snapshot*, or None."""
        problems = [p for p in snapshot.problems if p not in self._told]
        warnings = [w for w in snapshot.warnings if w not in self._told]
        self._told.update(problems, warnings)
        lines = problems + warnings
        if not lines:
            return None
        shown = lines[:self.named]
        if len(lines) > len(shown):
            shown.append(f"{self.ellipsis}and {len(lines) - len(shown)} more")
        title = f"{len(problems)} file{'s' if len(problems) != 1 else ''} skipped" if problems else "Warnings"
        return title, "\n".join(shown)


def _named(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _keep(name: str, state: ArticleState | None) -> bool:
    """Whether an article passes the filter *name*: one's own marks, or the team's (a shared archive)."""
    if name in TEAM_FILTERS:
        return state is not None and TEAM_FILTERS[name](state)
    return keep(name, state)


def _order_note(order: str, options: tuple[str, ...], separator: str) -> str:
    """Said in the list's title only when the order is not the usual one."""
    return "" if order == options[0] else f"{separator}{order}"


def _next(options: tuple[str, ...], current: str) -> str:
    return options[(options.index(current) + 1) % len(options)]
