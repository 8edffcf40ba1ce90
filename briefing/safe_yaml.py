"""Every YAML Briefing reads (config, themes, front matter, state imports), bounded before it is built.

PyYAML's ``safe_load`` constructs no arbitrary objects, but it is not
bounded: a few hundred bytes of nested aliases and merge keys (``<<: [*a,
*a, ...]``) make it copy mappings exponentially (a 359-byte config took a
minute and a gigabyte), a 5,000-digit number raises ``ValueError``, and a
bad date raises it too. :func:`load` builds the document from the parser's
events itself, counting the size each node has once aliases and merges are
expanded, and refuses (:class:`YAMLRefused`, a ``yaml.YAMLError``) a
document that is too large before it grows: aliases still share one object,
as with PyYAML, but their expanded size is counted. A recursive alias, a
second document, a tag that names a Python object, and a value that cannot
be built are refused the same way, with the line they stand on.

It is also faster than ``safe_load``: the events come from libyaml where
PyYAML has it, and nodes are never built (a 100,000-article state export
loads in seconds, not minutes).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import ScalarNode

# Limits for a settings file; callers reading larger documents (state
# imports) pass their own.
MAX_CHARS = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 100

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


class YAMLRefused(yaml.MarkedYAMLError):
    """A document refused before it was built: too large, too deep, recursive, or not data."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _Collection:
    __slots__ = ("value", "anchor", "size", "key", "has_key", "merges", "mark", "tag")

    def __init__(self, value: Any, anchor: str | None, mark: Any, tag: str) -> None:
        self.value = value
        self.anchor = anchor
        self.size = 1
        self.key: Any = None
        self.has_key = False
        self.merges: list[dict] | None = None
        self.mark = mark
        self.tag = tag


def load(text: str | bytes, max_chars: int = MAX_CHARS, max_nodes: int = MAX_NODES,
         max_depth: int = MAX_DEPTH) -> Any:
    """The one document in *text*, or :class:`YAMLRefused` (or another ``yaml.YAMLError``) saying why not.

    *max_nodes* bounds the document's size with every alias and merge
    expanded; *max_chars* its length, checked before anything is parsed.
    """
    if len(text) > max_chars:
        raise YAMLRefused(f"too large ({len(text):,} characters; the limit is {max_chars:,})")
    loader = _Loader(text)
    try:
        return _build(loader, max_nodes, max_depth)
    finally:
        loader.dispose()


def _build(loader: Any, max_nodes: int, max_depth: int) -> Any:
    anchors: dict[str, tuple[Any, int]] = {}
    open_anchors: set[str] = set()
    stack: list[_Collection] = []
    total = 0
    documents = 0
    result: Any = None

    def count(size: int, mark: Any) -> None:
        nonlocal total
        total += size
        if total > max_nodes:
            raise YAMLRefused(f"too large once its aliases are expanded (over {max_nodes:,} values)", mark)

    def add(value: Any, size: int, anchor: str | None, mark: Any) -> None:
        """Put a finished *value* (of expanded *size*, counted already) in its place."""
        nonlocal result
        if anchor is not None:
            anchors[anchor] = (value, size)
        if not stack:
            result = value
            return
        parent = stack[-1]
        parent.size += size
        if isinstance(parent.value, list):
            parent.value.append(value)
        elif not parent.has_key:
            parent.key, parent.has_key = value, True
        else:
            key, parent.has_key = parent.key, False
            if key is _MERGE_KEY:
                merged = value if isinstance(value, list) else [value]
                if not all(isinstance(m, dict) for m in merged):
                    raise YAMLRefused("a merge key ('<<') must name a mapping or a list of mappings", mark)
                parent.merges = (parent.merges or []) + merged
                return
            try:
                parent.value[key] = value
            except TypeError:
                raise YAMLRefused(f"a {type(key).__name__} cannot be a key", mark) from None

    while loader.check_event():
        event = loader.get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            count(1, event.start_mark)
            add(_scalar(loader, event), 1, event.anchor, event.start_mark)
        elif kind is yaml.AliasEvent:
            if event.anchor in open_anchors:
                raise YAMLRefused(f"alias '*{event.anchor}' refers to a value that holds it", event.start_mark)
            if event.anchor not in anchors:
                raise YAMLRefused(f"found undefined alias '*{event.anchor}'", event.start_mark)
            value, size = anchors[event.anchor]
            count(size, event.start_mark)
            add(value, size, None, event.start_mark)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            mapping = kind is yaml.MappingStartEvent
            tag = event.tag if event.tag not in (None, "!") else (_MAP if mapping else _SEQ)
            if tag != (_MAP if mapping else _SEQ):
                raise YAMLRefused(f"the tag {tag!r} is not allowed here (plain data only)", event.start_mark)
            if len(stack) >= max_depth:
                raise YAMLRefused(f"nested more than {max_depth} levels deep", event.start_mark)
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            count(1, event.start_mark)
            stack.append(_Collection({} if mapping else [], event.anchor, event.start_mark, tag))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            done = stack.pop()
            if done.anchor is not None:
                open_anchors.discard(done.anchor)
            value = done.value
            if done.merges:
                # Merged keys never override the mapping's own; earlier merges win over later ones.
                merged: dict = {}
                for source in reversed(done.merges):
                    merged.update(source)
                merged.update(value)
                value = merged
            add(value, done.size, done.anchor, done.mark)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise YAMLRefused("expected a single document, found another", event.start_mark)
    return result


class _MergeKey:
    """The plain key '<<' (a merge), kept apart from any string."""

    __slots__ = ()


_MERGE_KEY = _MergeKey()


def _scalar(loader: Any, event: Any) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        # Untagged: plain scalars are resolved (true, 12, 2024-12-02, ~), quoted ones are text.
        tag = _STR
        if event.implicit[0]:
            value = event.value
            # The resolver's own table, without its per-call overhead (most values are text).
            for candidate, pattern in loader.yaml_implicit_resolvers.get(value[:1], ()):
                if pattern.match(value):
                    tag = candidate
                    break
    if tag == _STR:
        return event.value
    if tag == _MERGE:
        return _MERGE_KEY
    construct = loader.yaml_constructors.get(tag)
    if construct is None:
        raise YAMLRefused(f"the tag {tag!r} is not allowed here (plain data only)", event.start_mark)
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return construct(loader, node)
    except yaml.YAMLError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise YAMLRefused(f"{event.value[:40]!r} cannot be read as {tag.rsplit(':', 1)[-1]} ({exc})",
                          event.start_mark) from None
