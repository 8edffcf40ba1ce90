"""Plain-text briefings: one paragraph a line, structure read from line shapes.

Furniture goes first (see :mod:`briefing.parse.furniture`): sign-offs, share
bars, bylines, captions, related links and, in a copy of a whole page, the
menus and footers around the article. What remains holds, top down, a
headline, the article's own key points (a highlights block such as "STORY
HIGHLIGHTS" or "Key takeaways", bullets, or unmarked one-sentence analytic
lines above the headline), then the body, whose first paragraph may open with
a dateline.
"""

from __future__ import annotations

from pathlib import Path

from briefing.model import Anchor, Article, Dateline, KeyPoint, Paragraph
from briefing.parse import shapes
from briefing.parse.furniture import Line, strip_furniture
from briefing.parse.wire import find_dateline
from briefing.sanitize import clean_line
from briefing.sentences import sentence_spans

_OPEN_QUOTES = "\"\u201c"
_CLOSE_QUOTES = "\"\u201d"
# A highlights block is a few lines; past this many, what follows a header is body.
MAX_HIGHLIGHTS = 8
# Words a sentence cannot end on: a paragraph ending on one was cut off.
_UNFINISHED = frozenset(
    "a an the and or but nor of to in on at by for from with as than that which who whose whom "
    "into onto over under about after before between during against without within its their his her "
    "our your my is are was were be been has have had will would can could should may might must".split()
)
# In text written one sentence a line, a last line this long without its stop was cut off.
TRUNCATED_MIN_WORDS = 8


def _lines(text: str) -> list[Line]:
    out: list[Line] = []
    gap = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = clean_line(raw)
        if not line:
            gap = True
            continue
        out.append(Line(number, line, gap))
        gap = False
    return out


def _highlights_block(lines: list[Line], j: int) -> tuple[list[str], int]:
    """The points under a highlights header that ends at line *j*: bullets, or one-sentence
    lines up to a blank line, a dateline or a paragraph of running text."""
    bullets: list[str] = []
    k = j
    while k < len(lines) and (text := shapes.bullet_text(lines[k].text)) is not None:
        bullets.append(text)
        k += 1
    if bullets:
        return bullets, k
    points: list[str] = []
    while k < len(lines) and len(points) < MAX_HIGHLIGHTS:
        line = lines[k]
        if points and line.gap and not lines[j].gap and all(not lines[m].gap for m in range(j + 1, k)):
            break  # the block's lines stood together; a blank line ends it
        if find_dateline(line.text) is not None or not shapes.is_point_shaped(line.text):
            break
        points.append(line.text)
        k += 1
    return points, k


def _leading_key_points(lines: list[Line], i: int, titled: bool) -> tuple[list[str], int]:
    """Key points starting at line *i*, and the index of the first line after them."""
    if i >= len(lines):
        return [], i
    first = lines[i].text
    if shapes.is_key_points_header(first):
        points, k = _highlights_block(lines, i + 1)
        return (points, k) if points else ([], i)
    inline = shapes.inline_highlights(first)
    if inline is not None and i + 1 < len(lines):
        spans = sentence_spans(inline)
        return [inline[s:e] for s, e in spans] or [inline], i + 1

    bullets: list[str] = []
    j = i
    while j < len(lines) and (text := shapes.bullet_text(lines[j].text)) is not None:
        bullets.append(text)
        j += 1
    if bullets:
        return (bullets, j) if j < len(lines) else ([], i)
    if titled:
        # Under a headline, unmarked lines are the story: a wire story is
        # written one sentence a paragraph.
        return [], i
    return _unmarked_run(lines, i)


def _unmarked_run(lines: list[Line], i: int) -> tuple[list[str], int]:
    """Unmarked one-sentence lines at the very top that read as analysis: key points when a
    headline follows them, or when the body below is written in paragraphs."""
    k = i
    while k < len(lines) and shapes.is_point_shaped(lines[k].text) and find_dateline(lines[k].text) is None:
        k += 1
    run = [line.text for line in lines[i:k]]
    if len(run) < 2 or k >= len(lines):
        return [], i
    analytic = sum(1 for line in run if shapes.is_analytic(line))
    if analytic * 2 <= len(run):
        return [], i
    if shapes.is_title_shaped(lines[k].text):
        return run, k
    after = lines[k:]
    in_paragraphs = sum(1 for line in after if len(sentence_spans(line.text)) > 1)
    if in_paragraphs * 2 >= len(after):
        return run, k
    return [], i


def _is_quote(line: str) -> bool:
    """A paragraph that is one quotation from its opening mark to its closing one."""
    return (
        len(line) > 2
        and line[0] in _OPEN_QUOTES
        and line[-1] in _CLOSE_QUOTES
        and shapes.ends_with_stop(line)
    )


def _body(lines: list[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for n, line in enumerate(lines):
        is_last = n == len(lines) - 1
        if n == 0 and find_dateline(line) is not None:
            # "CHICAGO, Feb 26 - Oper shr loss two cts": the story starts, even as a table row.
            paragraphs.append(Paragraph("text", line))
        elif (text := shapes.bullet_text(line)) is not None:
            paragraphs.append(Paragraph("list", text))
        elif line.startswith(">"):
            paragraphs.append(Paragraph("quote", line.lstrip("> ").strip()))
        elif not is_last and shapes.is_title_shaped(line):
            # A short unpunctuated last line is a cut-off sentence, not a heading.
            paragraphs.append(Paragraph("heading", line))
        elif _is_quote(line):
            paragraphs.append(Paragraph("quote", line))
        else:
            paragraphs.append(Paragraph("text", line))
    return paragraphs


def is_truncated(paragraphs: list[Paragraph]) -> bool:
    """True when the body really stops mid-sentence.

    The last paragraph ends without a stop, on a comma, a dash or a word no
    sentence ends on ("the", "of"); or it is a long line without its stop in a
    text written one sentence a line, each closed by its stop. Wire tables,
    notes and credits, a sign-off run into the last line ("... renegotiated.
    REUTERS") and a last sentence that only lacks its full stop are not cut.
    """
    texts = [p for p in paragraphs if p.kind in ("text", "quote")]
    last = next((p for p in reversed(paragraphs) if p.kind != "heading"), None)
    if last is None or last.kind == "list" or shapes.ends_with_stop(last.text):
        return False
    core = shapes.strip_closers(last.text)
    if not core:
        return False
    words = core.split()
    if len(words) > 1 and (words[-1].lower().strip(".") in _SIGN_OFF_WORDS or not any(c.isalnum() for c in words[-1])) \
            and shapes.ends_with_stop(" ".join(words[:-1])):
        return False
    if core[-1] in ",;:(\u2013\u2014-":
        return True
    if words[-1].lower() in _UNFINISHED and len(words) >= 4:
        return True
    # Otherwise, only where every line is one sentence closed by its stop is a line
    # without one unfinished; in paragraphs, a last sentence without its full stop
    # is a slip of the source, not a cut.
    others = [p for p in texts if p is not last]
    one_a_line = sum(1 for p in others if shapes.ends_with_stop(p.text) and len(sentence_spans(p.text)) == 1)
    return bool(others) and one_a_line * 4 >= 3 * len(others) and len(words) >= TRUNCATED_MIN_WORDS \
        and len(sentence_spans(last.text)) == 1


_SIGN_OFF_WORDS = frozenset({"reuter", "reuters", "more", "ap", "afp"})


def find_article_dateline(paragraphs: list[Paragraph]) -> Dateline | None:
    """The dateline opening the first paragraph of text, if any."""
    for index, p in enumerate(paragraphs):
        if p.kind == "heading":
            continue
        if p.kind != "text":
            return None
        found = find_dateline(p.text)
        if found is None:
            return None
        end = found.end
        while end > found.start and p.text[end - 1].isspace():
            end -= 1
        return Dateline(found.text, found.place, found.date, found.agency, Anchor(index, found.start, end))
    return None


def fallback_title(paragraphs: list[Paragraph], key_points: list[str], path: Path,
                   dateline: Dateline | None = None) -> str:
    for index, p in enumerate(paragraphs):
        if p.kind in ("text", "quote"):
            text = p.text
            if dateline is not None and dateline.anchor.paragraph == index:
                text = text[dateline.anchor.end :].lstrip(" -\u2013\u2014") or text
            return shapes.derive_title(text)
    if key_points:
        return shapes.derive_title(key_points[0])
    return path.stem


def parse_plain_text(text: str, path: Path, warnings: list[str]) -> Article:
    furniture = strip_furniture(_lines(text))
    lines = furniture.kept

    title: str | None = furniture.headline.text if furniture.headline else None
    i = 0
    if (title is None and not furniture.page and len(lines) > 1 and shapes.is_headline_shaped(lines[0].text)
            and not shapes.is_key_points_header(lines[0].text) and shapes.inline_highlights(lines[0].text) is None):
        title, i = lines[0].text, 1
    key_points, i = _leading_key_points(lines, i, titled=title is not None or furniture.page)
    if title is None and not furniture.page and i + 1 < len(lines) and shapes.is_title_shaped(lines[i].text):
        title, i = lines[i].text, i + 1

    paragraphs = _body([line.text for line in lines[i:]])
    dateline = find_article_dateline(paragraphs)
    return Article(
        path=path,
        title=title or fallback_title(paragraphs, key_points, path, dateline),
        title_derived=title is None,
        paragraphs=paragraphs,
        key_points=[KeyPoint(k) for k in key_points],
        truncated=is_truncated(paragraphs),
        warnings=warnings,
        dateline=dateline,
        dropped=furniture.dropped,
    )
