"""Page furniture in plain text: which lines are the article and which are around it.

Three steps, each on evidence a reader would use:

1. Lines the boilerplate list knows (share bars, bylines, timestamps, captions,
   sign-offs, footers) go wherever they stand, and so does a caption above a
   photo credit or after an "Image caption" line.
2. Blocks of links go whole: a header such as "Related stories" or "Most read"
   with the short lines under it, and runs of four or more one-to-three-word
   lines (menus, tickers).
3. Text copied from a whole web page (it has menus: a run of six or more such
   lines) is cut to the article: the stretch of lines where sentences
   outweigh everything else (prose lines count their words, other lines
   count against), with its headline, found above it next to the byline or
   the timestamp.

The file's text is never changed; each dropped line is reported with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.boilerplate import boilerplate_reason, has_credit, is_block_header, is_stamp
from briefing.model import Dropped
from briefing.parse import shapes
from briefing.sentences import sentence_spans

# A run of this many one-to-three-word lines is a menu or a ticker, not text.
NAV_RUN = 4
# A menu this long means the text is a copy of a whole page.
PAGE_NAV_RUN = 6
FRAGMENT_WORDS = 3
# In a page, a line that is not a sentence costs this much against the words of the article's sentences.
NON_PROSE_COST = 6
# Where the page's own frame shows (footers, comment forms, newsletter boxes), the article has ended.
WALL_COST = 40
WALL_REASONS = frozenset({"footer", "comments"})
PROSE_MIN_WORDS = 5
HEADLINE_MIN_WORDS = 3


@dataclass(slots=True)
class Line:
    number: int  # 1-based line number in the file
    text: str
    gap: bool = False  # a blank line stands before it


@dataclass(slots=True)
class Furniture:
    kept: list[Line]
    dropped: list[Dropped]
    # In a copy of a whole page: the headline found above the article (already out of *kept*).
    headline: Line | None = None
    page: bool = False


def is_prose(text: str) -> bool:
    """A line of running text: a sentence of some length, or more than one sentence."""
    words = len(text.split(None, 40))  # the count up to 41: enough to tell
    if words >= 40:
        return True
    if words < PROSE_MIN_WORDS:
        return False
    return shapes.ends_with_stop(text) or len(sentence_spans(text)) > 1


_MENU_JOINERS = frozenset({"&", "and", "of", "the", "in", "for", "to", "a", "at", "on", "by", "with", "+", "-", "|", "/"})


def _is_fragment(text: str) -> bool:
    """A menu item: a word or three, capitalised, no stop, no figures ("Chelsea v Birmingham"
    and a line with figures are a list's or a table's rows)."""
    words = text.split(None, FRAGMENT_WORDS)  # the first words, and the rest as one
    return (len(words) <= FRAGMENT_WORDS and not shapes.ends_with_stop(text) and not shapes.is_bullet(text)
            and not any(c.isdigit() for c in text)
            and all(w[:1].isupper() or not w[:1].isalpha() or w.lower() in _MENU_JOINERS for w in words))


def strip_furniture(lines: list[Line]) -> Furniture:
    """Split *lines* into the article's lines and the furniture around and inside it."""
    reasons: dict[int, str] = {}
    _known_lines(lines, reasons)
    _link_blocks(lines, reasons)
    longest = _fragment_runs(lines, reasons)
    result = Furniture([], [])
    if longest >= PAGE_NAV_RUN:
        result.page = True
        result.headline = _cut_to_article(lines, reasons)
    for n, line in enumerate(lines):
        if n in reasons:
            result.dropped.append(Dropped(line.text, reasons[n], line.number))
        elif line is not result.headline:
            result.kept.append(line)
    return result


def _known_lines(lines: list[Line], reasons: dict[int, str]) -> None:
    after_caption_header = False
    credits = []
    credited = [has_credit(line.text) for line in lines]
    for n, line in enumerate(lines):
        reason = boilerplate_reason(line.text)
        if reason == "caption":
            credits.append(n)
        if reason is None and after_caption_header and not line.gap:
            reason = "caption"
        elif reason is None and credited[n] and len(line.text.split()) <= 60:
            reason = "caption"
        after_caption_header = reason == "caption" and line.text.strip().lower().startswith("image caption")
        if reason is not None:
            reasons[n] = reason
    # A line right above a photo credit ("Getty Images", "Jane Doe | Bloomberg | Getty
    # Images", "(Image: NASA)") is its caption.
    for n, line in enumerate(lines):
        text = line.text.lower()
        credit_only = n in credits and ("getty" in text or "|" in text or "photo" in text) \
            or credited[n] and len(line.text.split()) <= 8
        if credit_only and n and n - 1 not in reasons and not line.gap:
            reasons[n - 1] = "caption"
    # A date or a time inside the text (past its first two sentences in a row) is the
    # story's own; only one that says it is a stamp ("Updated ...") or one above the text is the page's.
    prose = [n not in reasons and is_prose(line.text) for n, line in enumerate(lines)]
    text_start = next((n for n in range(len(lines) - 1) if prose[n] and prose[n + 1]), len(lines))
    for n, reason in list(reasons.items()):
        if reason == "timestamp" and n > text_start and not is_stamp(lines[n].text):
            del reasons[n]
    # A lone figure beside a caption is the gallery's counter ("6").
    for n, line in enumerate(lines):
        if n not in reasons and _is_number(line.text) and len(line.text) <= 3 and (
            reasons.get(n - 1) == "caption" or reasons.get(n + 1) == "caption"
        ):
            reasons[n] = "caption"
    # A line between two lines of one box (a newsletter sign-up, a comment form) belongs to it.
    for n in range(1, len(lines) - 1):
        before, after = reasons.get(n - 1), reasons.get(n + 1)
        if n not in reasons and before == after and before in _BOXES:
            reasons[n] = before


_BOXES = frozenset({"newsletter", "comments", "footer", "share"})


def _link_blocks(lines: list[Line], reasons: dict[int, str]) -> None:
    n = 0
    while n < len(lines):
        if n in reasons and reasons[n] != "related" or not is_block_header(lines[n].text):
            n += 1
            continue
        reasons[n] = "related"
        m = n + 1
        # The block runs to the text, or to a headline with its byline (the article's own).
        while m < len(lines) and (m in reasons or _is_link(lines[m].text) and not _byline_near(lines, reasons, m)):
            reasons.setdefault(m, "related")
            m += 1
        n = m


def _is_link(text: str) -> bool:
    """A headline in a list of links: short, not a paragraph that ends with a full stop."""
    words = len(text.split())
    if words > 25:
        return False
    core = shapes.strip_closers(text)
    return words <= 8 or not core.endswith(".")


def _is_number(text: str) -> bool:
    """A figure alone on a line: a ticker's price or change, a counter."""
    return all(not c.isalpha() for c in text) and any(c.isdigit() for c in text) and len(text) <= 12


def _fragment_runs(lines: list[Line], reasons: dict[int, str]) -> int:
    """Drop runs of menu items (figures, a short line or a dropped one may stand among them);
    the longest run's count of items."""
    longest = 0
    n = 0
    while n < len(lines):
        if not _is_fragment(lines[n].text):
            n += 1
            continue
        m, count, others = n, 0, 0
        while m < len(lines):
            text = lines[m].text
            if _is_fragment(text):
                count += 1
            elif _is_number(text):
                pass
            elif m in reasons or len(text.split()) <= 6 and not is_prose(text) and m + 1 < len(lines) \
                    and (_is_fragment(lines[m + 1].text) or _is_number(lines[m + 1].text)):
                others += 1
                if others > count:
                    break
            else:
                break
            m += 1
        while m > n and not (_is_fragment(lines[m - 1].text) or _is_number(lines[m - 1].text)):
            m -= 1
        if count >= NAV_RUN:
            for k in range(n, m):
                reasons.setdefault(k, "navigation")
            longest = max(longest, count)
        n = max(m, n + 1)
    return longest


def _cut_to_article(lines: list[Line], reasons: dict[int, str]) -> Line | None:
    """In a copy of a whole page, drop what lies outside the article; return its headline."""
    scores = []
    for n, line in enumerate(lines):
        if n in reasons:
            scores.append(-WALL_COST if reasons[n] in WALL_REASONS else -1)
        elif is_prose(line.text):
            scores.append(len(line.text.split()))
        else:
            scores.append(-NON_PROSE_COST)
    start, end = _best_stretch(scores)
    if end < start:
        return None
    headline = _headline(lines, reasons, start)
    first = start
    if headline is not None:
        first = lines.index(headline) + 1
        start = max(start, _text_start(lines, reasons, first))
        # Under the headline, up to its byline, timestamp and share bar: the standfirst.
        for n in range(first, start):
            if n not in reasons and is_prose(lines[n].text) and not _highlights_between(lines, reasons, n):
                reasons[n] = "standfirst"
    for n, line in enumerate(lines):
        if n in reasons or line is headline:
            continue
        if n < first or n > end:
            reasons[n] = "page furniture"
        elif first <= n < start and not _highlights_between(lines, reasons, n):
            reasons[n] = "page furniture"
        elif _is_promo(line.text):
            reasons[n] = "related"
    return headline


def _text_start(lines: list[Line], reasons: dict[int, str], first: int) -> int:
    """Where the article's text starts below its headline: after the last byline, timestamp
    or share line that comes before two lines of running text in a row."""
    start = first
    for n in range(first, len(lines)):
        if reasons.get(n) in ("byline", "timestamp", "share"):
            start = n + 1
        elif n not in reasons and n + 1 < len(lines) and is_prose(lines[n].text) \
                and (n + 1) not in reasons and is_prose(lines[n + 1].text):
            break
    return start


def _is_promo(text: str) -> bool:
    """A link to another story set in capitals inside a web article."""
    words = text.split()
    return (6 <= len(words) <= 20 and text.upper() == text and not shapes.ends_with_stop(text)
            and sum(any(c.isdigit() for c in w) for w in words) < 2)


def _best_stretch(scores: list[int]) -> tuple[int, int]:
    """The stretch of lines with the highest total score (Kadane's maximum subarray)."""
    best, best_start, best_end = 0, 0, -1
    total, start = 0, 0
    for n, score in enumerate(scores):
        if total <= 0:
            total, start = score, n
        else:
            total += score
        if total > best:
            best, best_start, best_end = total, start, n
    return best_start, best_end


_SKIPPED_BY_BYLINE_SEARCH = frozenset({"share", "caption", "navigation"})


def _byline_near(lines: list[Line], reasons: dict[int, str], n: int, kept: int = 2) -> bool:
    """A byline or timestamp below line *n*, past at most *kept* other lines of text."""
    seen = 0
    for k in range(n + 1, min(len(lines), n + 10)):
        reason = reasons.get(k)
        if reason in ("byline", "timestamp"):
            return True
        if reason in _SKIPPED_BY_BYLINE_SEARCH:
            continue
        seen += 1
        if seen > kept:
            return False
    return False


# How far above the article's first sentence its headline may stand.
HEADLINE_REACH = 40


def _headline(lines: list[Line], reasons: dict[int, str], start: int) -> Line | None:
    """The article's headline: a headline-shaped line above the text (or among its first
    lines). One with a byline or timestamp below it wins, the topmost of them (a standfirst
    stands between a headline and its byline); else the longest near the text."""
    best: tuple[float, float] | None = None
    found = None
    prose_seen = 0
    for n in range(max(0, start - HEADLINE_REACH), len(lines)):
        if n >= start and is_prose(lines[n].text):
            prose_seen += 1
            if prose_seen > 2:
                break
        text = lines[n].text
        if n in reasons or len(text.split()) < HEADLINE_MIN_WORDS or not shapes.is_headline_shaped(text) \
                or shapes.is_key_points_header(text):
            continue
        # Past a dozen words a line is as likely a standfirst as a headline.
        score = float(min(len(text.split()), 12))
        if _byline_near(lines, reasons, n):
            key = (score + 15, -n)
        elif n and reasons.get(n - 1) == "timestamp":
            key = (score + 8, -n)
        else:
            key = (score, n)
        if best is None or key > best:
            best, found = key, lines[n]
    return found


def _highlights_between(lines: list[Line], reasons: dict[int, str], n: int) -> bool:
    """Line *n* (before the text starts) belongs to a highlights block that leads into the text."""
    for k in range(n, -1, -1):
        if k in reasons:
            continue
        if shapes.is_key_points_header(lines[k].text):
            return True
        if not (shapes.is_point_shaped(lines[k].text) or shapes.is_bullet(lines[k].text)):
            return False
    return False
