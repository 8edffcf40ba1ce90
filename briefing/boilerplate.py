"""Lines that publishers put around articles and that are not part of the story.

This is the one list of them, each with the reason a reader is given for
leaving it out (``briefing parse --json`` lists dropped lines with it). It was
grown from real copy: Reuters wire stories (sign-offs) and the visible text of
saved news pages (share bars, bylines, timestamps, captions, related links,
newsletter prompts, footers). Both file formats use it.

A line is matched whole; a long line is story text even when it starts like
boilerplate.
"""

from __future__ import annotations

import re

from briefing.words import folded

_NAME_WORD = r"(?-i:[A-Z][\w'.\u2019-]*)"
_NAME = _NAME_WORD + r"(?: (?:" + _NAME_WORD + r"|van|von|de|der|da|di|al|bin|la|le|du)){0,4}"
_NAMES = _NAME + r"(?:,? (?:and|&) " + _NAME + r")?"

# (reason, patterns). A pattern matches the whole line, case aside, once
# bullets and outer punctuation are set aside.
_LINES: list[tuple[str, list[str]]] = [
    ("sign-off", [
        r"reuters?",                                   # the wire's sign-off line
        r"more",                                       # a wire story continued in the next take
        r"\(?(?:reporting|writing|editing|compiled|additional reporting|sub-?editing|produced) by [^()]{2,160}\)?",
        r"(?-i:(?:\(|\[)?(?:AP|AFP|UPI|IANS|PTI|DPA|ANI|CNN|Xinhua)(?:\)|\])?)",
        r"the associated press contributed to this (?:report|story)\.?",
        r"_{3,}",                                      # the rule an agency story ends with
    ]),
    ("footer", [
        r"(?:copyright|\(c\)|\u00a9)\s*(?:\d{4}|.{0,160}\ball rights reserved).{0,160}",
        r".{0,120}all rights reserved\.?",
        r"(?:privacy|cookie)(?: policy| notice| settings| preferences)?|terms (?:of (?:use|service)|and conditions)|"
        r"contact us|about us|site ?map|accessibility|careers|help|faq|feedback|"
        r"advertise(?: with us)?|work for us|code of ethics|community guidelines|do not sell my .{0,40}",
        r"have your say\W*(?:give us feedback\W*)?",
        r"(?:(?:privacy|cookie)(?: policy| notice)?|terms (?:of (?:use|service)|and conditions)|contact us|about us|"
        r"site ?map|accessibility|careers|help)(?:\s*[,|/\u00b7]\s*(?:(?:privacy|cookie)(?: policy| notice)?|"
        r"terms (?:of (?:use|service)|and conditions)|contact us|about us|site ?map|accessibility|careers|help))+",
    ]),
    ("caption", [
        r"image (?:copyright|caption)(?: .{0,80})?",
        r"(?:photo|image|picture|video|graphic) (?:credit|courtesy)s?\s*:?.{0,100}",
        r"(?:photo|image|picture|pictured|file photo|caption)\s*:.{0,200}",
        r"enlarge (?:image|photo)|view (?:gallery|slideshow)|(?:\d+ )?photos|\(\d+ (?:photos|images|videos)\)|"
        r"\d+ of \d+",
        r"(?:getty|ap photo|reuters|afp|epa|shutterstock|alamy|(?-i:PA)|bloomberg)(?: images| photo| wire)?"
        r"(?:\s*[/|]\s*[\w '-]{1,40}){0,3}",
        r"[\w '-]{1,40}(?:\s*\|\s*[\w '-]{1,40}){0,3}\s*\|\s*(?:getty images|reuters|afp|ap|bloomberg|epa)",
        r"\u00a9 ?[\w .,'&/-]{2,60}",
    ]),
    ("byline", [
        r"by",
        r"by:? " + _NAMES + r"(?:\s*[,|\u2013\u2014-]\s*.{0,80})?",
        _NAME + r" ?(?:\||,) ?(?:fox news|fox business|cnn(?: business)?|associated press|reuters|bbc news|the hill)",
        _NAME + r" ?@\w+",
        r"(?:staff|senior|chief|political|business|science|special) (?:writer|reporter|correspondent|editor)",
        r"(?:view|see) (?:author|all posts by) .{0,40}|(?:get|follow) (?:the )?author'?s? .{0,30}|email the author|"
        r"follow on (?:twitter|facebook|instagram)|about the author|about " + _NAME + r"|more (?:from|by) this author",
        r"associated press|press association|agence france-presse|news agencies",
    ]),
    ("timestamp", []),  # see _is_timestamp
    ("source", [
        r"sources?\s*:(?:\s*[\w.&'-]+,?){1,6}",
    ]),
    ("share", [
        r"(?:share|save|print|email|e-mail|tweet|post|pin|comment|comments|copy link|copy this link|copy|"
        r"more options|whatsapp|facebook|twitter|linkedin|pinterest|flipboard|reddit|messenger|snapchat|"
        r"youtube|instagram|rss|sms|link)"
        r"(?:[\s,|/\u00b7\u2022]+(?:share|save|print|email|e-mail|tweet|post|pin|comments?|copy link|copy|"
        r"more options|whatsapp|facebook|twitter|linkedin|pinterest|flipboard|reddit|messenger|snapchat|"
        r"youtube|instagram|rss|sms|link))*",
        r"(?:share|post|send|pin) (?:this|the)?\s*(?:article|story|post|page|link)?\s*(?:on|to|via|with) [\w .+-]{2,30}",
        r"share (?:this|the) (?:article|story|post|page)",
        r"click to (?:share|email|print|tweet)\b.{0,80}|"
        r"share this:?|sharing is caring|close share panel|read more about sharing|"
        r"these are external links and will open in a new window",
        r"\d+ shares?|shares",
    ]),
    ("related", [
        r"related(?: articles?| stories| news| posts| content| coverage| topics| tags| links| reading| videos?)?"
        r"(?:\s*:.*)?",
        r"(?:read|see|watch|listen) (?:more|also|next)(?:\s*:.*| (?:on|from|about) .{0,60}| here.{0,60})?",
        r"(?:previous|next|older|newer) (?:article|story|post)s?\W*",
        r"more (?:from|on|in|about)\b:?\s*(?-i:[A-Z])[^.!?]{0,60}|more (?:on|about):|"
        r"more (?:stories|news|videos|coverage|to explore)\W*",
        r"(?:recommended|suggested|popular|trending|latest|top stories|most (?:popular|read|viewed|shared|watched))"
        r"(?:\s+(?:for you|stories|news|videos|now|today|in [\w ]{1,30}|on [\w .]{1,30}))?\s*:?",
        r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)\W*|we recommend\W*",
        r"(?:don't|do not) miss\W*|up next\s*:?|on our radar|what to read next|also read\s*:?.{0,120}|"
        r"in (?:other|related) news\s*:?|next (?:story|article|up)\s*:?",
        r"tags?\s*:.{0,120}|tags (?-i:[A-Z]).{0,120}|topics?\s*:?|filed under\s*:?.{0,120}",
        r"(?:see|click|tap) (?:more|here)\b.{0,120}",
        r"continue reading.{0,60}",
        r"(?:read|watch) (?:the )?(?:full|original) (?:story|article|report|video).{0,60}",
    ]),
    ("advertisement", [
        r"advertisements?|advertising|sponsored(?: content| by .{0,40})?|paid (?:content|post|partner)|"
        r"promoted(?: content)?|partner content|ad choices?|adchoices",
        r"(?:story|article|content) continues (?:below|after)(?: (?:the|this))? ?(?:advertisement|ad|gallery|video|photos?)?",
        r"continue reading (?:below|the (?:main )?story)",
        r"[\w .]{1,40} sponsored by",
    ]),
    ("newsletter", [
        r"(?:subscribe|sign up|register|join)(?: now| today| here)?",
        r"(?:subscribe|sign up|register) (?:now |today |here )?(?:to|for) (?:our|the|my|a free) .{0,120}",
        r"get (?:the|our) .{0,60}newsletter.{0,120}",
        r"(?:[\w'-]+ ){0,3}newsletters?|see all newsletters",
        r"(?:thanks|thank you) for (?:signing up|subscribing).{0,60}",
        r"(?:no spam|we respect your privacy|you can unsubscribe at any time).{0,160}",
        r"(?:follow|like) us on [\w ,.+&-]{2,80}",
        r"follow [\w .'-]{2,40} on (?:instagram|facebook|twitter|youtube|snapchat)[\w ,.&]*",
        r"listen (?:to [\w .'-]{2,40} )?(?:live|back|again|now)\b.{0,120}",
        r"(?:download|get) (?:our|the) (?:free )?app.{0,80}|.{0,60}\b(?:click|tap)ing here\b.{0,40}|click here.{0,80}",
        r"(?:please )?check the opt-in box.{0,120}|i agree (?:that|to) .{0,160}",
        r"already (?:a subscriber|have an account).{0,60}|(?:log|sign) ?in(?: to .{0,40})?|log ?out|sign ?out|"
        r"create (?:an |a free )?account|my account|(?:keep me )?(?:logged|signed) in",
    ]),
    ("comments", [
        r"(?:\d+ )?comments?(?: \(\d+\))?|no comments yet|leave a (?:comment|reply)|add a comment|"
        r"comment from the forums|join the (?:conversation|discussion)|show comments|view comments",
        r"(?:name|email|comment|website)\s*\(required\)|submit|post comment|reply",
        r"(?:did you )?(?:like|enjoy) this (?:article|story)\W*",
        # A comment thread: "34 responses to ...", then each comment under its author's handle.
        r"\d+ (?:comments?|responses?|replies)\b.{0,120}|"
        r"(?!(?:he|she|it|they|we|i|you|one|this|that|who|report|statement)\b)[\w.@'-]+ (?:says|wrote|replied):|"
        r"(?:[A-Z]\. ?){1,3} says:",
    ]),
    ("navigation", [
        r"skip (?:to|navigation).{0,30}|menu|main menu|permalink|close|open|search|search form|search:?|home|"
        r"back to top|go to top|next|previous|prev|page \d+(?: of \d+)?|load more|show more|see all|view all.{0,20}|"
        r"toggle navigation|navigation|sections|edition|select|more videos.{0,10}|just watched|must watch|"
        r"replay|watch live|live|video|videos|audio|listen|watch|play|pause",
    ]),
]

# One pattern, a named group per reason, tried in the list's order.
_REASONS = [reason for reason, patterns in _LINES if patterns]
_LINE_PATTERN = re.compile(
    "|".join(
        f"(?P<r{n}>^(?:" + "|".join(patterns) + r")$)"
        for n, (_, patterns) in enumerate((r, p) for r, p in _LINES if p)
    ),
    re.IGNORECASE,
)
assert _LINE_PATTERN.groups == len(_REASONS), "a pattern of the list must not capture"

# A credit standing at the end of a caption: "(Image: GETTY )", "[File: Reuters]",
# "(AP Photo/Jane Doe)", "Credit: Getty - Contributor", "| Getty Images".
_CREDIT_TAIL = re.compile(
    r"(?:(?:submitted|staff|file|contributed|courtesy) photo|\((?:image|photo|picture|file|credit)s?\s*:[^()]{1,80}\)|\[(?:image|photo|file|credit)s?\s*:[^\]]{1,80}\]|"
    r"\((?:ap|afp|reuters|pa|epa) photo[^()]{0,80}\)|credit\s*:\s*[^.]{1,80}|"
    r"\|\s*(?:getty images|reuters|afp|ap|bloomberg)[^.|]{0,40})\s*$",
    re.IGNORECASE,
)

# Timestamps: a line of date and time words only ("Updated 10/5/11 09:19 PM ET",
# "Published 22 hours ago", "18 Nov 2019, 19:09", "2019-11-18T20:51:19Z").
_TIME_WORDS = (
    r"(?:published|updated|posted|modified|first published|last updated|originally published|on|at|in|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|today|yesterday|ago|an?|one|hours?|hrs?|minutes?|mins?|seconds?|days?|weeks?|"
    r"months?|am|pm|a\.m\.|p\.m\.|est|edt|cst|cdt|mst|mdt|pst|pdt|et|ct|pt|gmt|utc|bst|cet|cest|hkt|ist|jst|"
    r"aest|sast|local time|time|read|min read|\d+m|\d+h|\d+d|\d[\d:./T+Z-]*(?:am|pm|st|nd|rd|th|z)?)"
)
_SEPARATORS = r"[\s,|/\u00b7\u2022:;()\u2013\u2014-]*"
_TIMESTAMP = re.compile(r"^(?:" + _SEPARATORS + _TIME_WORDS + r"(?!\w)\.?)+" + _SEPARATORS + "$", re.IGNORECASE)
# What makes a date a page's timestamp: a full date with its year, a time of day, "ago",
# "Updated". A date without them ("Tuesday, 1 March") is a schedule in the text; "2/26 2/27",
# "1986/87 1985/86" are a table's column heads.
_HAS_TIME = re.compile(
    r"\d:\d\d|\d ?(?:am|pm|a\.m\.|p\.m\.)(?![A-Za-z])|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d\d-\d\d|"
    r"(?<![A-Za-z])(?:ago|today|yesterday|published|updated|posted)(?![A-Za-z])|\d+[mhd] ago|min read|"
    r"(?<![A-Za-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? (?:\d{1,2},? )?(?:19|20)\d\d(?!\d)|"
    r"(?<!\d)\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? (?:19|20)\d\d(?!\d)",
    re.IGNORECASE,
)


# Headers of blocks of links: the header and the short lines under it go.
_BLOCK_HEADER = re.compile(
    r"^\W*(?:related(?: articles?| stories| news| posts| content| coverage| links| reading| videos?)?|"
    r"more (?:from|on|in|about|stories|news|videos|coverage)\b[^.!?]{0,50}|more|"
    r"(?:recommended|suggested|popular|trending|latest|top stories|most (?:popular|read|viewed|shared|watched))"
    r"(?:\s+(?:for you|stories|news|videos|now|today|in [\w ]{1,30}|on [\w .]{1,30}))?|"
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|(?:don't|do not) miss|up next|on our radar|"
    r"we recommend|recommended(?: for you| stories| reading)?|"
    r"what to read next|also read|read (?:more|next)|see also|in other news|"
    r"(?:just|must) watch|more videos|(?:latest|top) (?:video|videos|headlines)|trending(?: news| now)?)"
    r"\W*(?:\(\d+ \w+\))?\W*$",
    re.IGNORECASE,
)

# Long paragraphs are story text even when they start like boilerplate.
MAX_WORDS = 30


def _core(line: str) -> str:
    """The line without bullets and outer punctuation or space."""
    return line.strip().strip("\u2022\u00b7*|>\u25aa\u25cf\u2013\u2014 ").strip()


_MONTHS = re.compile(r"(?<![A-Za-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?![A-Za-z])", re.IGNORECASE)
_STAMPED = re.compile(r"published|updated|posted|\d:\d\d", re.IGNORECASE)


# Each of _HAS_TIME's times holds a digit or one of these words: the pattern
# (slow, it ignores case) is run only on a line that does.
_DIGIT = re.compile(r"\d")
_TIME_WORDS_HELD = ("ago", "today", "yesterday", "published", "updated", "posted", "min read")


def _is_timestamp(core: str) -> bool:
    if len(core) > 120:
        return False
    if _DIGIT.search(core) is None and not any(map(folded(core).__contains__, _TIME_WORDS_HELD)):
        return False
    if not _HAS_TIME.search(core) or not _time_words_only(core):
        return False
    # Several months in a row without a time are a table's column heads ("Feb 87 Jan 87 Feb 86").
    months = len(_MONTHS.findall(core))
    return months <= 1 or months == 2 and bool(_STAMPED.search(core))


# Where _TIMESTAMP could split a line in two ways: a figure's ":", "/", "-" or "." is a separator
# or part of the figure ("10:30" or "10" ":" "30"). Past a few of them, trying every way
# takes the pattern exponential time on a line it does not match ("1:11:1:1:1:...:1 x", 46
# characters, took 20 s); such a line is read by _split_into_time_words instead.
_AMBIGUOUS = re.compile(r"[:/.-]")
MAX_AMBIGUOUS = 8
_SEPARATOR_RUN = re.compile(_SEPARATORS)
_TIME_WORD = re.compile(_TIME_WORDS, re.IGNORECASE)
_WORD_CHAR = re.compile(r"\w")


def _time_words_only(core: str) -> bool:
    """*core* is time words and separators only: _TIMESTAMP.match(core), the pattern itself
    while it has few ways to split the line."""
    if len(_AMBIGUOUS.findall(core)) <= MAX_AMBIGUOUS:
        return _TIMESTAMP.match(core) is not None
    return _split_into_time_words(core)


def _split_into_time_words(core: str) -> bool:
    """What _TIMESTAMP.match says of *core*, worked out once per place rather than once per way
    of reaching it, from the end: the places from which the rest of *core* is more time words,
    then separators to the end."""
    n = len(core)
    ending: list[int] = []  # such places, the last first

    def step(i: int, j: int) -> bool:
        """One repetition (separators, a time word not followed by a letter or digit, an optional
        full stop) can start at *i* and end at *j*."""
        for p in range(i, min(_SEPARATOR_RUN.match(core, i).end(), j - 1) + 1):
            if (j == n or not _WORD_CHAR.match(core, j)) and _TIME_WORD.fullmatch(core, p, j):
                return True
            if core[j - 1] == "." and j - 1 > p and _TIME_WORD.fullmatch(core, p, j - 1):
                return True
        return False

    for i in range(n, 0, -1):
        # The nearest places first: a long run of time words is found a word at a time.
        if _SEPARATOR_RUN.match(core, i).end() == n or any(step(i, j) for j in reversed(ending)):
            ending.append(i)
    return any(step(0, j) for j in reversed(ending))


def is_stamp(line: str) -> bool:
    """A timestamp that says it is one ("Updated ...", "Published ...", "2 hours ago"): the
    page's wherever it stands. A bare date or time inside the text may be the story's own
    ("9.30 A.M. / 7.00 P.M.", "Tuesday, 1 March 2005")."""
    return _SAYS_STAMP.search(line) is not None


_SAYS_STAMP = re.compile(r"(?<![A-Za-z])(?:published|updated|posted|ago)(?![A-Za-z])", re.IGNORECASE)


def boilerplate_reason(line: str) -> str | None:
    """Why *line* is publisher furniture rather than article text, or None when it is text."""
    core = _core(line)
    if not core:
        return None
    if len(core.split(None, MAX_WORDS)) > MAX_WORDS:  # more words than that, without splitting them all
        return None
    if _is_timestamp(core):
        return "timestamp"
    m = _LINE_PATTERN.match(core)
    if m is None:
        return None
    return _REASONS[int(m.lastgroup[1:])]


def is_boilerplate(line: str) -> bool:
    """True when *line* is publisher furniture rather than article text."""
    return boilerplate_reason(line) is not None


def is_block_header(line: str) -> bool:
    """A line that heads a block of links ("Related stories", "Most read", "Don't miss")."""
    return len(line) <= 80 and _BLOCK_HEADER.match(line.strip()) is not None


def has_credit(line: str) -> bool:
    """A caption's credit at the end of the line: "(Image: GETTY )", "[File: Reuters]"."""
    tail = line[-120:]
    # Every credit ends in a bracket or "photo", or holds a colon or a bar: the
    # pattern is run only on such a line, which most lines of text are not.
    end = tail.rstrip()
    if not (end.endswith((")", "]")) or ":" in end or "|" in end or end[-5:].lower() == "photo"):
        return False
    return _CREDIT_TAIL.search(tail) is not None
