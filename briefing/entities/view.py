"""What the entity view shows, for the reader and the command line alike: an entity's articles and stories."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefing.entities.store import Entity, Reader, Row
from briefing.model import Entry
from briefing.stories.story import arrival_order

# The stories an entity appears in, the largest share first, at most this many.
MAX_STORIES = 12


@dataclass(frozen=True)
class StoryShare:
    """A story the entity appears in: how many of its articles name the entity, of how many."""

    id: int
    title: str
    naming: int
    articles: int
    first: Entry  # its earliest report

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "articles_naming": self.naming, "articles": self.articles}


def stories_of(reader: Reader, entity: Entity, library: Sequence[Entry],
               by_rel: Mapping[str, Entry] | None = None) -> list[StoryShare]:
    """The stories whose articles name *entity*, those where it is named most first."""
    by_rel = by_rel if by_rel is not None else {e.rel: e for e in library}
    naming = Counter(e.story for rel in reader.rels(entity.id) if (e := by_rel.get(rel)) and e.story is not None)
    if not naming:
        return []
    members: dict[int, list[Entry]] = {}
    for entry in library:
        if entry.story in naming:
            members.setdefault(entry.story, []).append(entry)
    shares = []
    for story, count in naming.most_common(MAX_STORIES):
        entries = sorted(members.get(story, []), key=arrival_order)
        if entries:
            shares.append(StoryShare(story, entries[0].title, count, len(entries), entries[0]))
    return shares


def row_json(row: Row, entry: Entry | None) -> dict[str, object]:
    return {
        "path": row.rel,
        "title": entry.title if entry else None,
        "source": entry.source if entry else None,
        "date": row.date or None,
        "story": entry.story if entry else None,
        "name": row.name,
        "sentence": row.sentence,
        "anchor": row.anchor.to_json(),
        "figures": list(row.figures),
        "sentences_naming": row.count,
    }
