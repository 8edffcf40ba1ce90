"""The query language of the embedded search, translated to PostgreSQL full-text search.

The same queries work on both backends: words (AND by default), ``OR``,
``NOT``, ``ANDNOT``, parentheses, ``"phrases"``, fields (``title:``,
``body:``, ``key_points:``/``kp:``, ``source:``, ``tag:``, ``date:``),
prefixes (``Hezb*``), fuzzy words (``Alepo~``, ``Alepo~2``) and dates
(``date:2024-11-27..2024-12-01``, ``date:2024-11``, ``date:[20241127 to 20241201]``,
``date:>2024-11-27``).

The text parts become one ``tsquery`` over a weighted vector (title A, key
points B, body C: ``title:x`` is ``'x':A``); sources and tags are matched in
an array of labels, dates in their own column. A fuzzy word is expanded from
the archive's own words (``lexicon``, found through pg_trgm's trigram index,
kept within the edit distance). Every value travels as a bound parameter;
the ``tsquery`` text is built here with each word quoted, so no input can
change the query's structure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from briefing.sanitize import clean_line
from briefing.search.query import MAX_EXPANSION, MAX_QUERY_CHARS, QueryError

# The vector's weight letter for each text field.
WEIGHTS = {"title": "A", "key_points": "B", "body": "C"}
FIELD_NAMES = {"title": "title", "body": "body", "key_points": "key_points", "keypoints": "key_points",
               "kp": "key_points", "source": "source", "tag": "tag", "tags": "tag", "date": "date"}
QUERYABLE = ("title", "body", "key_points", "source", "tag", "date")
MAX_DISTANCE = 2
MIN_PREFIX = 2
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
DATE_PROBLEM = ("a date in the query is not understood (dates look like 2024-12-02, 2024-12 or 2024; "
                "ranges like date:2024-11-27..2024-12-01)")

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|([^\s()"]+))')
_FIELD = re.compile(r"^([A-Za-z_]+):(.*)$", re.S)
_WHOOSH_RANGE = re.compile(r"\bdate:\[\s*(\S*)\s+(?:to|TO)\s+(\S*)\s*\]")
_BOOST = re.compile(r"\^\d+(?:\.\d+)?$")
_FUZZY = re.compile(r"^(.+?)~(\d*)$")


# The parsed query ------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None  # title / body / key_points, or None for all three
    kind: str = "word"  # word, phrase, prefix, fuzzy
    distance: int = 0


@dataclass(frozen=True)
class Label:
    field: str  # source / tag
    words: tuple[str, ...]


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None  # inclusive


@dataclass(frozen=True)
class Op:
    kind: str  # and / or / not
    parts: tuple


Node = Word | Label | DateRange | Op


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr(None)
        if self.peek() is not None:
            raise QueryError("unbalanced parentheses")
        return node

    def or_expr(self, default: str | None) -> Node | None:
        parts = [self.and_expr(default)]
        while self.peek() == ("word", "OR"):
            self.take()
            parts.append(self.and_expr(default))
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Op("or", tuple(parts))

    def and_expr(self, default: str | None) -> Node | None:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token != ("close", ")") and token != ("word", "OR"):
            if token == ("word", "AND") or token == ("word", "ANDMAYBE"):
                self.take()
                continue
            if token == ("word", "ANDNOT"):
                self.take()
                node = self.unary(default)
                if node is not None:
                    parts.append(Op("not", (node,)))
                continue
            node = self.unary(default)
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Op("and", tuple(parts))

    def unary(self, default: str | None) -> Node | None:
        if self.peek() == ("word", "NOT"):
            self.take()
            node = self.unary(default)
            return Op("not", (node,)) if node is not None else None
        return self.primary(default)

    def primary(self, default: str | None) -> Node | None:
        kind, value = self.take()
        if kind == "open":
            node = self.or_expr(default)
            if self.peek() != ("close", ")"):
                raise QueryError("unbalanced parentheses")
            self.take()
            return node
        if kind == "close":
            raise QueryError("unbalanced parentheses")
        if kind == "phrase":
            return _phrase(value, default)
        match = _FIELD.match(value)
        if match and match.group(1):
            name = FIELD_NAMES.get(match.group(1).lower())
            if name is None:
                raise QueryError(f"unknown field '{match.group(1)}:' (fields: {', '.join(QUERYABLE)})")
            rest = match.group(2)
            if not rest:
                following = self.peek()
                if following is None:
                    raise QueryError(f"'{match.group(1)}:' needs a word after it")
                if following[0] == "open":
                    if name in ("source", "tag", "date"):
                        raise QueryError(f"'{match.group(1)}:' takes a word or a \"phrase\", not a group")
                    return self.primary(name)
                if following[0] == "phrase":
                    self.take()
                    return _field_value(name, following[1], phrase=True)
                raise QueryError(f"'{match.group(1)}:' needs a word after it")
            return _field_value(name, rest, phrase=False)
        return _word(value, default)


def _phrase(text: str, field_name: str | None) -> Node | None:
    text = " ".join(text.split())
    if not text:
        return None
    if " " not in text:
        return _word(text, field_name)
    return Word(text, field_name, "phrase")


def _word(value: str, field_name: str | None) -> Node | None:
    value = _BOOST.sub("", value)
    if not value:
        return None
    if value.endswith("*") and "*" not in value[:-1] and "?" not in value:
        stem = value[:-1]
        if not stem:
            raise QueryError("a lone * matches everything: add a few letters before it (Hezb*)")
        if len(stem) < MIN_PREFIX:
            raise QueryError(f"a prefix needs at least {MIN_PREFIX} letters before the * ({stem}* is too short)")
        return Word(stem, field_name, "prefix")
    if "*" in value or "?" in value:
        raise QueryError("wildcards work at the end of a word only (Hezb*), not inside it")
    match = _FUZZY.match(value)
    if match:
        distance = int(match.group(2)) if match.group(2) else 1
        return Word(match.group(1), field_name, "fuzzy", max(1, min(distance, MAX_DISTANCE)))
    return Word(value, field_name)


def _field_value(name: str, value: str, phrase: bool) -> Node | None:
    if name in WEIGHTS:
        return _phrase(value, name) if phrase else _word(value, name)
    if name == "date":
        return _date_node(value)
    words = tuple(w for w in value.lower().split() if w)
    if not words:
        return None
    if name == "tag" and phrase:
        return Label("tag", (" ".join(words),))
    return Label(name, words)


def _date(text: str, end: bool) -> dt.date:
    """A day, month or year as its first day (or its last, for the end of a range)."""
    digits = text.replace("-", "")
    if not digits.isdigit() or len(digits) not in (4, 6, 8):
        raise QueryError(DATE_PROBLEM)
    try:
        year = int(digits[:4])
        if len(digits) == 4:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        month = int(digits[4:6])
        if len(digits) == 6:
            first = dt.date(year, month, 1)
            if not end:
                return first
            following = dt.date(year + (month == 12), month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(year, month, int(digits[6:8]))
    except ValueError:
        raise QueryError(DATE_PROBLEM) from None


def _date_node(value: str) -> DateRange:
    for prefix, start_side in ((">=", True), ("<=", False), (">", True), ("<", False)):
        if value.startswith(prefix):
            day = _date(value[len(prefix):], end=not start_side)
            if prefix == ">":
                return DateRange(_date(value[1:], end=True) + dt.timedelta(days=1), None)
            if prefix == "<":
                return DateRange(None, _date(value[1:], end=False) - dt.timedelta(days=1))
            return DateRange(day, None) if start_side else DateRange(None, day)
    if ".." in value:
        start, _, end = value.partition("..")
        if not start and not end:
            raise QueryError(DATE_PROBLEM)
        return DateRange(_date(start, False) if start else None, _date(end, True) if end else None)
    return DateRange(_date(value, False), _date(value, True))


def parse(text: str) -> tuple[str, Node]:
    """The query *text* (cleaned) and its tree. Raises :class:`QueryError` with a reason."""
    text = clean_line(text)
    if not text:
        raise QueryError("empty query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})")
    if text.count('"') % 2:
        raise QueryError('unbalanced quotes: a phrase needs a closing "')
    if text.count("(") != text.count(")"):
        raise QueryError("unbalanced parentheses")
    rewritten = _WHOOSH_RANGE.sub(lambda m: f"date:{m.group(1)}..{m.group(2)}", text)
    tokens: list[tuple[str, str]] = []
    at = 0
    while at < len(rewritten):
        match = _TOKEN.match(rewritten, at)
        if not match or match.end() == at:
            break
        at = match.end()
        if match.group(1):
            tokens.append(("open", "("))
        elif match.group(2):
            tokens.append(("close", ")"))
        elif match.group(3) is not None:
            tokens.append(("phrase", match.group(3)))
        elif match.group(4):
            word = match.group(4)
            # A field before a phrase: title:"Basel Square" comes as 'title:' then the phrase.
            tokens.append(("word", word))
    node = _Parser(tokens).parse()
    if node is None:
        raise QueryError("the query has no words to look for")
    return text, node


# To SQL -------------------------------------------------------------------------


def _quoted(word: str) -> str:
    """*word* as one quoted item of to_tsquery's input: its own characters never act as operators."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class Compiled:
    """The query as SQL: a condition, a tsquery for ranking and snippets (or None), and their parameters."""

    where: str
    where_params: list
    rank: str | None
    rank_params: list
    # Words to mark in the article (positive words and what prefixes/fuzzy words expanded to).
    words: list[str] = field(default_factory=list)
    only_dates: bool = False


Expander = Callable[[str, int], list[str]]


class _Compiler:
    def __init__(self, expand: Expander, prefixes: Callable[[str], list[str]]) -> None:
        self.expand = expand
        self.prefixes = prefixes
        self.words: list[str] = []

    def tsq(self, node: Word, negated: bool) -> tuple[str, list]:
        weight = WEIGHTS.get(node.field or "", "")
        if node.kind == "fuzzy":
            found = self.expand(node.text, node.distance)[:MAX_EXPANSION] or [node.text.lower()]
            if not negated:
                self.words.extend(found)
            text = " | ".join(_quoted(w) + (f":{weight}" if weight else "") for w in found)
            return "to_tsquery('simple', %s)", [text]
        if node.kind == "prefix":
            if not negated:
                self.words.extend(self.prefixes(node.text))
            return "to_tsquery('english', %s)", [_quoted(node.text) + ":*" + weight]
        if not negated:
            self.words.extend(node.text.split())
        return "to_tsquery('english', %s)", [_quoted(node.text) + (f":{weight}" if weight else "")]

    def node(self, node: Node, negated: bool = False) -> tuple[str, str, list]:
        """("tsq", tsquery expression, params) or ("sql", condition, params)."""
        if isinstance(node, Word):
            if node.field == "title":
                # The title's own small vector: no need to read the whole article's.
                expression, params = self.tsq(Word(node.text, None, node.kind, node.distance), negated)
                return ("sql", f"a.title_doc @@ {expression}", params)
            return ("tsq", *self.tsq(node, negated))
        if isinstance(node, Label):
            values = [f"{node.field}:{w}" for w in node.words]
            return ("sql", "a.labels @> %s::text[]", [values])
        if isinstance(node, DateRange):
            conditions, params = [], []
            if node.start is not None:
                conditions.append("a.date >= %s")
                params.append(node.start)
            if node.end is not None:
                conditions.append("a.date <= %s")
                params.append(node.end)
            return ("sql", "(" + " AND ".join(conditions) + ")", params)
        if node.kind == "not":
            kind, expression, params = self.node(node.parts[0], not negated)
            if kind == "tsq":
                return ("tsq", f"(!! {expression})", params)
            return ("sql", f"(NOT {expression})", params)
        parts = [self.node(p, negated) for p in node.parts]
        if all(kind == "tsq" for kind, _, _ in parts):
            joiner = " && " if node.kind == "and" else " || "
            return ("tsq", "(" + joiner.join(e for _, e, _ in parts) + ")", [x for _, _, p in parts for x in p])
        joiner = " AND " if node.kind == "and" else " OR "
        return ("sql", "(" + joiner.join(_condition(k, e) for k, e, _ in parts) + ")",
                [x for _, _, p in parts for x in p])


def _condition(kind: str, expression: str) -> str:
    return f"a.doc @@ {expression}" if kind == "tsq" else expression


def _positive(node: Node, negated: bool = False) -> list[Word]:
    if isinstance(node, Word):
        return [] if negated else [node]
    if isinstance(node, Op):
        flip = negated ^ (node.kind == "not")
        return [w for part in node.parts for w in _positive(part, flip)]
    return []


def compile_query(node: Node, expand: Expander, prefixes: Callable[[str], list[str]]) -> Compiled:
    compiler = _Compiler(expand, prefixes)
    kind, expression, params = compiler.node(node)
    if kind == "tsq":
        return Compiled(f"a.doc @@ {expression}", params, expression, list(params), compiler.words)
    # Ranked and highlighted by the words looked for, whatever else narrows the query.
    rank_compiler = _Compiler(expand, prefixes)
    ranked = [rank_compiler.tsq(w, False) for w in _positive(node)]
    if not ranked:
        return Compiled(expression, params, None, [], [], only_dates=True)
    rank = "(" + " || ".join(e for e, _ in ranked) + ")"
    return Compiled(expression, params, rank, [x for _, p in ranked for x in p], compiler.words)


def positive_words(node: Node) -> list[Word]:
    """The words looked for (not those excluded), for "did you mean"."""
    return _positive(node)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of *a* and *b*, or limit + 1 once it is known to be larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
