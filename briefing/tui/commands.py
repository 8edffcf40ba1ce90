"""The command palette: every action of the reader with its key, and the article jump (words of a title)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape
from textual.style import Style

from briefing.listing import FILTER_LABELS
from briefing.model import Entry
from briefing.tui.bindings import NOT_IN_PALETTE
from briefing.tui.screens.help import binding_rows

if TYPE_CHECKING:
    from briefing.tui.screens.reader import ReaderScreen

def reader_commands(screen: ReaderScreen) -> Iterator[SystemCommand]:
    """The filters, the digest, and every other action with a key, read from the bindings as help reads them."""
    for n, (name, label) in enumerate(FILTER_LABELS.items(), 1):
        yield SystemCommand(f"Show {label}", f"Filter the list (key {n})", partial(screen.action_filter, name))
    yield SystemCommand("Write a digest", "A Markdown digest of the listed articles (key D)", screen.action_digest)
    offered = set(NOT_IN_PALETTE)
    for group, nodes in screen.key_groups():
        for row in binding_rows(*nodes):
            if row.action in offered or row.action.startswith("filter("):
                continue
            offered.add(row.action)
            yield SystemCommand(row.description, f"{group}, key {row.keys}",
                                partial(screen.app.run_action, row.action, nodes[-1]))


# Enough to choose from; more would only be scrolled past.
MAX_HITS = 40
MATCH = Style(bold=True, underline=True)


def title_matches(title: str, words: list[str]) -> list[tuple[int, int]] | None:
    """Where each of *words* stands in *title* (case-insensitively), or None if one is missing."""
    lowered = title.lower()
    spans = []
    for word in words:
        at = lowered.find(word)
        if at < 0:
            return None
        spans.append((at, at + len(word)))
    return spans


def score(title: str, spans: list[tuple[int, int]]) -> float:
    """Words at the start of the title or of a word rank first; shorter titles before longer ones."""
    starts = sum(1 for at, _ in spans if at == 0 or not title[at - 1].isalnum())
    return (1 + starts) / (1 + len(spans)) - len(title) / 10_000


class ArticleCommands(Provider):
    """"Open: <title>" for every article of the folder whose title holds the words typed.

    Offered on the reader's screen (its ``COMMANDS``), which it asks for the
    articles, the look and the way to open one.
    """

    @property
    def reader(self) -> ReaderScreen:
        from briefing.tui.screens.reader import ReaderScreen

        screen = self.screen
        assert isinstance(screen, ReaderScreen), "offered on the reader's screen only"
        return screen

    def _entries(self) -> list[Entry]:
        return self.reader.library()

    def _hit_parts(self, entry: Entry, spans: list[tuple[int, int]]):
        # Titles are article text: plain Content, never markup; the help line is escaped.
        look = self.reader.look
        display = Content(look.title(entry.title))
        for start, end in spans:
            display = display.stylize(MATCH, start, end)
        return display, escape(look.byline(entry))

    def _open(self, entry: Entry):
        reader = self.reader
        return lambda: reader.jump_to(entry)

    async def discover(self) -> Hits:
        for entry in self._entries()[:MAX_HITS]:
            display, help = self._hit_parts(entry, [])
            yield DiscoveryHit(Content("Open: ") + display, self._open(entry), text=entry.title, help=help)

    async def search(self, query: str) -> Hits:
        words = [w for w in query.lower().split() if w]
        if not words:
            return
        found = []
        for entry in self._entries():
            spans = title_matches(entry.title, words)
            if spans is not None:
                found.append((score(entry.title, spans), entry, spans))
        found.sort(key=lambda item: -item[0])
        for value, entry, spans in found[:MAX_HITS]:
            display, help = self._hit_parts(entry, spans)
            yield Hit(value, Content("Open: ") + display, self._open(entry), text=entry.title, help=help)
