"""One story as a reader sees it: its articles in order, the figures they report, what each adds."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from briefing.model import Article, Entry, Fact
from briefing.words import content_words


def arrival_order(entry: Entry) -> tuple:
    """Oldest first, as the coverage came in; undated articles by name, after the dated ones."""
    return (entry.date is None, entry.date or dt.date.min, entry.rel)


@dataclass
class Story:
    id: int
    entries: list[Entry]  # oldest first

    @property
    def title(self) -> str:
        return self.entries[0].title

    @property
    def sources(self) -> list[str]:
        return sorted({e.source for e in self.entries if e.source})

    @property
    def first(self) -> dt.date | None:
        dates = [e.date for e in self.entries if e.date]
        return min(dates) if dates else None

    @property
    def latest(self) -> dt.date | None:
        dates = [e.date for e in self.entries if e.date]
        return max(dates) if dates else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "articles": len(self.entries),
            "sources": self.sources,
            "first": self.first.isoformat() if self.first else None,
            "latest": self.latest.isoformat() if self.latest else None,
        }


def stories_of(entries: Iterable[Entry]) -> list[Story]:
    """The stories of a list, the largest first, then the most recent."""
    grouped: dict[int, list[Entry]] = {}
    for entry in entries:
        if entry.story is not None:
            grouped.setdefault(entry.story, []).append(entry)
    stories = [Story(story_id, sorted(members, key=arrival_order)) for story_id, members in grouped.items()]
    stories.sort(key=lambda s: (-len(s.entries), -(s.latest or dt.date.min).toordinal(), s.id))
    return stories


def related(entry: Entry, entries: Iterable[Entry]) -> list[Entry]:
    """The other articles of *entry*'s story, oldest first (a pass over *entries*: see :class:`StoryIndex`)."""
    if entry.story is None:
        return []
    return sorted((e for e in entries if e.story == entry.story and e.rel != entry.rel), key=arrival_order)


class StoryIndex:
    """The stories of one list, grouped once: a story's articles without a pass over the whole list.

    Build it when the list is read (one pass); opening an article then
    costs the size of its story, not of the archive (a pass over 100,000
    entries at every move of the selection took ~20 ms).
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        grouped: dict[int, list[Entry]] = {}
        for entry in entries:
            if entry.story is not None:
                grouped.setdefault(entry.story, []).append(entry)
        for members in grouped.values():
            members.sort(key=arrival_order)
        self._members = grouped

    def story(self, entry: Entry) -> Story | None:
        """*entry*'s story, oldest first, or None when it has none (or is alone in it)."""
        members = self._members.get(entry.story) if entry.story is not None else None
        return Story(entry.story, members) if members and len(members) > 1 else None

    def related(self, entry: Entry) -> list[Entry]:
        """The other articles of *entry*'s story, oldest first."""
        story = self.story(entry)
        return [e for e in story.entries if e.rel != entry.rel] if story else []


class StoriesOfList:
    """The :class:`StoryIndex` of the list last read, made once per list by whichever thread asks first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: object = None
        self._index = StoryIndex(())

    def __call__(self, entries: list[Entry]) -> StoryIndex:
        with self._lock:
            if entries is not self._entries:
                self._index, self._entries = StoryIndex(entries), entries
            return self._index


# Figures side by side ------------------------------------------------------

# What a figure counts, from the words around it. Order matters: the first
# group whose word stands near the figure wins.
_COUNTS = [
    ("killed", r"kill\w*|dead|deaths?|died|die|fatalit\w*|lives|death toll|perished|bodies"),
    ("injured", r"injur\w*|wounded|hurt"),
    ("missing", r"missing"),
    ("displaced", r"displaced|fled|flee\w*|refugees?|evacuat\w*|homeless|returnees|crossed"),
    ("arrested", r"arrest\w*|detained|detention"),
    ("attacks", r"attacks?|air ?strikes?|strikes|raids?|shelling|bombings?|car bombs?"),
    ("vote", r"votes?|ballots?|percent of the vote"),
]
_QUALIFIERS = re.compile(
    r"^(?:more than|over|at least|nearly|almost|about|around|some|up to|fewer than|less than|"
    r"roughly|an estimated|including|approximately)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReportedFigure:
    """A figure one article gives, with what it counts and who says so."""

    counts: str
    text: str
    qualifier: str | None
    entry: Entry
    attribution: str | None
    sentence: str

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "figure": self.text,
            "qualifier": self.qualifier,
            "article": self.entry.rel,
            "source": self.entry.source,
            "date": self.entry.date.isoformat() if self.entry.date else None,
            "attribution": self.attribution,
        }


def _counts(fact: Fact, sentence: str, previous: tuple[str, str] | None) -> str:
    """What *fact* counts: killed, displaced, attacks... or the noun it stands before.

    *previous* is the figure before it in the same sentence and what that one
    counts: a figure that only breaks it down ("including 140 rebels and 87
    soldiers") counts the same.
    """
    where = sentence.find(fact.text)
    after = sentence[where + len(fact.text):] if where >= 0 else ""
    # The figure's own words and at most four after it, within its clause
    # ("51 people were killed", not "soldiers sent to search for the missing").
    clause = re.split(r"[,;:.]|\band\b|\bincluding\b", after, maxsplit=1)[0]
    # And the two words before it in its clause ("killing at least 30 people").
    lead = re.split(r"[,;:.]", sentence[:max(where, 0)])[-1].split()[-2:]
    near = " ".join(lead) + " " + fact.text + " " + " ".join(clause.split()[:4])
    for name, words in _COUNTS:
        if re.search(rf"\b(?:{words})\b", near, re.IGNORECASE):
            return name
    if previous and where > 0:
        last = sentence.rfind(previous[0], 0, where)
        between = sentence[last + len(previous[0]):where] if last >= 0 else ""
        breaks_down = re.search(r"\b(?:including|of whom|among them)[\s,]*$", sentence[:where])
        if breaks_down or re.fullmatch(r"[\s,]*(?:and|or)?[\s,]*", between):
            return previous[1]  # "at least 121 people died, including 20 civilians"
    if "%" in fact.text or "percent" in fact.text:
        return "share"
    words = [w for w in re.findall(r"[A-Za-z-]+", fact.text) if not _QUALIFIERS.match(w)]
    return words[-1].lower() if words else "other"


def _qualifier(text: str, sentence: str) -> str | None:
    m = _QUALIFIERS.match(text)
    if m:
        return m.group(0).lower()
    where = sentence.find(text)
    if where > 0 and sentence[:where].rstrip().lower().endswith("including"):
        return "including"
    return None


# A story's figures come from at most this many of its articles (the latest):
# each is parsed, and a story can have hundreds.
FIGURES_FROM = 40


def figures_of(story: Story, read: Callable[[Entry], Article | None], most: int = FIGURES_FROM,
               cancelled: Callable[[], bool] | None = None) -> dict[str, list[ReportedFigure]]:
    """The figures each article of *story* reports, grouped by what they count, oldest report first.

    Nothing is added up or reconciled: each figure is shown as its article
    gives it. Only the latest *most* articles are read; *cancelled* is asked
    before each read, and a cancelled call returns what it has.
    """
    grouped: dict[str, list[ReportedFigure]] = {}
    for entry in story.entries[-most:]:
        if cancelled is not None and cancelled():
            break
        article = read(entry)
        if article is None:
            continue
        previous: tuple[Fact, str] | None = None
        for fact in article.facts:
            if fact.kind != "figure" or fact.anchor is None:
                continue
            paragraph = article.paragraphs[fact.anchor.paragraph].text
            sentence = paragraph[fact.anchor.start:fact.anchor.end]
            before = (previous[0].text, previous[1]) if previous and previous[0].anchor == fact.anchor else None
            counts = _counts(fact, sentence, before)
            previous = (fact, counts)
            grouped.setdefault(counts, []).append(
                ReportedFigure(counts, fact.text, _qualifier(fact.text, sentence), entry, fact.attribution, sentence)
            )
    # The most reported counts first: where sources disagree most often.
    return dict(sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0])))


# What each article adds ----------------------------------------------------

@dataclass
class Additions:
    """The key points and facts of an article that no earlier article of its story carried."""

    first: bool  # the story's first report: everything in it is new, nothing is marked
    key_points: set[str] = field(default_factory=set)
    facts: set[tuple[str, str]] = field(default_factory=set)


def _same_point(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return False
    shared = len(a & b)
    return shared / len(a | b) >= 0.5 or shared / min(len(a), len(b)) >= 0.8


def _fact_key(fact: Fact) -> str:
    if fact.kind == "figure":
        number = re.search(r"\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|"
                           r"thousands?)\b", fact.text, re.IGNORECASE)
        return number.group(0).replace(",", "").lower() if number else fact.text.lower()
    return fact.text.casefold()


# What is new is judged against at most this many earlier articles of the
# story, the nearest before it: the cost of an open must not grow with the
# story (a story of 45,690 articles once had the reader parse every one).
ADDITIONS_WINDOW = 4


def additions(entry: Entry, article: Article, story: Story, read: Callable[[Entry], Article | None],
              window: int = ADDITIONS_WINDOW, cancelled: Callable[[], bool] | None = None) -> Additions | None:
    """What *article* (the story's *entry*) says that the *window* articles before it in the story did not.

    Reads at most *window* articles (through *read*, which should cache).
    *cancelled* is asked before each read: when it says yes (the reader
    opened another article meanwhile), None is returned at once.
    """
    earlier = [e for e in story.entries if arrival_order(e) < arrival_order(entry)][-window:]
    if not earlier:
        return Additions(first=True)
    seen_points: list[set[str]] = []
    seen_facts: set[tuple[str, str]] = set()
    for other in earlier:
        if cancelled is not None and cancelled():
            return None
        before = read(other)
        if before is None:
            continue
        seen_points += [content_words(k.text) for k in before.key_points]
        seen_facts |= {(f.kind, _fact_key(f)) for f in before.facts}
    result = Additions(first=False)
    for point in article.key_points:
        words = content_words(point.text)
        if not any(_same_point(words, seen) for seen in seen_points):
            result.key_points.add(point.text)
    for fact in article.facts:
        if (fact.kind, _fact_key(fact)) not in seen_facts:
            result.facts.add((fact.kind, fact.text))
    return result
