"""Every message of the reader, as small dataclasses: what widgets, workers and services tell the screen.

Facts travel in these, not as flags left on the App: the article shown comes
with how it was opened, the list read comes with its snapshot, a failed
index update with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from textual.message import Message

from briefing.model import Anchor, Article, Entry
from briefing.progress import Progress
from briefing.state import Mark

if TYPE_CHECKING:
    from briefing.search.catalogue import Snapshot
    from briefing.search.engine import Results
    from briefing.stories.story import Additions

# "asked": opened with enter (or from the palette, a story, related coverage),
# read at once; "followed": the list's highlight rested on it, read after a while.
Opened = Literal["asked", "followed"]


@dataclass(frozen=True)
class Shown:
    """The article in the reading pane and what came with it, set together."""

    entry: Entry
    article: Article | None
    # Why the file could not be read (article is None).
    problem: str | None = None
    # The rest of its story, oldest first, and what it adds to the earlier reports.
    related: list[Entry] = field(default_factory=list)
    additions: Additions | None = None
    opened: Opened = "followed"

    @property
    def rel(self) -> str:
        return self.entry.rel


# From the widgets


@dataclass
class ArticleHighlighted(Message):
    """The list's highlight moved to *entry*."""

    index: int
    entry: Entry


@dataclass
class ArticleChosen(Message):
    """The analyst opened *entry* from the list (enter or a double click)."""

    index: int
    entry: Entry


@dataclass
class SentenceWanted(Message):
    """Show where a key point or fact stands in the article."""

    anchor: Anchor


@dataclass
class RelatedChosen(Message):
    """Open *entry*, an article of the same story."""

    entry: Entry


@dataclass
class PointMarked(Message):
    """Mark *point* verified or disputed (the same mark again clears it)."""

    point: str
    mark: Mark


@dataclass
class SearchCleared(Message):
    """The search box was emptied with a key: the whole list back at once."""


@dataclass
class RowsShown(Message):
    """The list now shows *entries* (after a scroll, a resize or a new list): their snippets are wanted."""

    entries: list[Entry]


# From workers and services


@dataclass
class ArticleShown(Message):
    """An article was read and is ready for the reading pane."""

    shown: Shown


@dataclass
class ListRead(Message):
    """The folder's list as last indexed; None while the first build has committed nothing."""

    snapshot: Snapshot | None


@dataclass
class IndexProgress(Message):
    progress: Progress


@dataclass
class IndexReady(Message):
    """The index is up to date and search works; *snapshot* is set when the list must be read again."""

    notices: list[str]
    snapshot: Snapshot | None = None


@dataclass
class IndexBusy(Message):
    """Another Briefing process is writing the index; the next check tries again."""


@dataclass
class IndexFailed(Message):
    """No index could be written or opened: the list is read from the files, search is off."""

    reason: str


@dataclass
class SearchDone(Message):
    results: Results


@dataclass
class SnippetsMade(Message):
    """Snippets were made for *hits* of *results* (rows that came into view)."""

    results: Results
    hits: list


@dataclass
class SearchNotRun(Message):
    """The query could not run; *error* when it cannot be read (the last good results stay)."""

    reason: str
    error: bool


@dataclass
class DigestWritten(Message):
    """A digest was written (*count* articles to *path*), or *problem* says why not."""

    path: str
    count: int
    problem: str | None = None


# Saved searches, rules and alerts (see tui/services/watching.py)


@dataclass
class WatchesCounted(Message):
    """Each saved search with the articles it finds now (paths), newest counts for the list."""

    matches: dict[str, list[str]]
    problems: dict[str, str]


@dataclass
class RulesApplied(Message):
    """The config's hide and highlight rules as they stand on the index: the paths each picks out."""

    hidden: set[str]
    highlighted: set[str]
    problems: list[str]


@dataclass
class WatchAlert(Message):
    """Articles that just arrived match the saved search *name*."""

    name: str
    rels: list[str]


@dataclass
class WatchChosen(Message):
    """The analyst picked a saved search from the list of them."""

    name: str


# Feeds fetched from the reader (see tui/services/fetching.py)


@dataclass
class FetchProgress(Message):
    """A feed started or finished: *status* is the line to show."""

    status: str


@dataclass
class FetchDone(Message):
    """A fetch ended: *report* is briefing.feeds.service.FetchReport, or None with *problem*."""

    report: object | None
    background: bool
    problem: str | None = None


@dataclass
class BatchDone(Message):
    """A change to many articles was written (see briefing.review.Review.set_many)."""

    outcome: object
    batch: object | None
    undoing: bool = False


@dataclass
class NamesFound(Message):
    """The people, places and organisations of the articles indexed so far are stored (or could not be)."""

    ok: bool


@dataclass
class WatchRemoveAsked(Message):
    """The analyst asked to remove the saved search *name* (it is asked first)."""

    name: str


# From the team archive (see briefing.tui.services.archive)


@dataclass
class ArchiveStatus(Message):
    """The archive became unreachable (*reason* says why) or reachable again."""

    reachable: bool
    reason: str = ""


@dataclass
class MarksChanged(Message):
    """Marks on these articles (by path) changed in the archive; empty: any may have (reload them all)."""

    paths: frozenset[str]
