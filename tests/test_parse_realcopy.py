"""Real copy read as a person reads it: wire stories, web pages pasted as text, highlight blocks.

Each text below has the shape of real copy from ../shared/data (Reuters wire,
saved news pages, BBC articles); tests/test_realdata.py holds the parser to
the real files themselves.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from briefing.parse import parse_file

WIRE = """\
NATIONAL INTERGROUP<NII> TO OFFER PERMIAN UNITS
PITTSBURGH, Feb 26 - National Intergroup Inc said it plans to file a registration statement for an offering of units in Permian Partners L.P.
The Permian Partners L.P. was recently formed by National Intergroup to continue the business of Permian Corp.
The company said Permian will keep a 35 pct stake in the partnership.
It did not say how many units would be offered or what the price would be.
Reuter
"""


def test_wire_story_headline_dateline_body_and_sign_off(write):
    article = parse_file(write("wire.txt", WIRE))
    assert article.title == "NATIONAL INTERGROUP<NII> TO OFFER PERMIAN UNITS"
    # One sentence a paragraph is the story, not a run of key points.
    assert all(k.origin == "extracted" for k in article.key_points)
    assert len(article.paragraphs) == 4 and all(p.kind == "text" for p in article.paragraphs)
    # The sign-off is left out, said so, and does not make the story look cut off.
    assert [(d.line, d.text, d.reason) for d in article.dropped] == [(6, "Reuter", "sign-off")]
    assert not article.truncated
    # The dateline stays in the text as written, and is the article's dateline.
    first = article.paragraphs[0].text
    assert first.startswith("PITTSBURGH, Feb 26 - National Intergroup")
    dateline = article.dateline
    assert (dateline.text, dateline.place, dateline.date, dateline.agency) == ("PITTSBURGH, Feb 26", "PITTSBURGH", "Feb 26", None)
    assert first[dateline.anchor.start : dateline.anchor.end] == "PITTSBURGH, Feb 26 -"
    # The first key point is the lede without its dateline, anchored to its place after it.
    lede = article.key_points[0]
    assert lede.text.startswith("National Intergroup Inc said")
    assert article.anchor_text(lede.anchor) == lede.text


@pytest.mark.parametrize(
    ("opening", "text", "agency"),
    [
        ("LONDON (Reuters) - Britain's economy grew 0.3 pct in the quarter.", "LONDON (Reuters)", "Reuters"),
        ("NEW YORK, March 2 (Reuters) - Stocks rose on Monday.", "NEW YORK, March 2 (Reuters)", "Reuters"),
        ("WASHINGTON (AP) \u2014 The Senate passed the bill on Tuesday.", "WASHINGTON (AP)", "AP"),
        ("DUBAI, United Arab Emirates \u2014 Emirates ordered 30 jets.", "DUBAI, United Arab Emirates", None),
        ("Hong Kong (CNN Business)A muddled view of trade talks weighed on stocks.", "Hong Kong (CNN Business)", "CNN Business"),
        ("MILWAUKEE, Wis., March 2- Oper shr 18 cts vs 51 cts", "MILWAUKEE, Wis., March 2", None),
    ],
)
def test_datelines_of_several_agencies(write, opening, text, agency):
    article = parse_file(write("d.txt", f"Headline for the story\n{opening}\nA second paragraph follows here.\n"))
    assert article.dateline is not None and article.dateline.text == text
    assert article.dateline.agency == agency
    assert not article.key_points[0].text.startswith(text)


def test_an_opening_in_capitals_is_not_a_dateline(write):
    article = parse_file(write("n.txt", "Allies meet\nNATO leaders met in Brussels on Monday to discuss spending.\n"))
    assert article.dateline is None


def test_sign_offs_are_recognised_wherever_they_stand(write):
    text = (
        "Oil prices rise as supply tightens\n"
        "LONDON (Reuters) - Oil prices rose on Monday as supply tightened.\n"
        "(Reporting by Jane Doe; Editing by John Roe)\n"
        "Brent crude gained 2 percent to $80 a barrel, traders said.\n"
        "AP\n"
    )
    article = parse_file(write("s.txt", text))
    assert {d.reason for d in article.dropped} == {"sign-off"}
    assert [d.line for d in article.dropped] == [3, 5]
    assert not article.truncated


def test_short_lines_never_turn_wire_paragraphs_into_key_points(write):
    # No headline, one sentence a line, then a short line: all of it is the story.
    text = (
        "The central bank left its main rate unchanged at 4 percent on Thursday.\n"
        "Officials said inflation was slowing faster than expected.\n"
        "Markets had priced in no change.\n"
        "Reaction\n"
        "Economists said a cut could come in March.\n"
    )
    article = parse_file(write("w.txt", text))
    assert all(k.origin == "extracted" for k in article.key_points)
    assert article.paragraphs[0].text.startswith("The central bank left")


PAGE_COPY = """\
Markets fall as trade talks stall
By Jane Doe
Updated 10/5/11 09:19 PM ET
Share via Email
Post to Facebook
Save
More Options
Stocks fell across Asia on Tuesday as trade talks between the two countries stalled, traders said.
Traders work on the floor of the exchange. (Photo: Getty Images)
The Nikkei index lost 1.2 percent and the Hang Seng fell 0.8 percent by midday.
Related Stories
Oil slips as demand worries grow
Gold holds near record high
"Nobody wants to take a position before the talks resume," said one dealer in Tokyo.
Sponsored
Advertisement
Source: CNN
Sign up for our newsletter
"""


def test_web_furniture_is_left_out_with_its_reasons(write):
    article = parse_file(write("page.txt", PAGE_COPY))
    assert article.title == "Markets fall as trade talks stall"
    reasons = {d.text: d.reason for d in article.dropped}
    assert reasons == {
        "By Jane Doe": "byline",
        "Updated 10/5/11 09:19 PM ET": "timestamp",
        "Share via Email": "share",
        "Post to Facebook": "share",
        "Save": "share",
        "More Options": "share",
        "Traders work on the floor of the exchange. (Photo: Getty Images)": "caption",
        "Related Stories": "related",
        "Oil slips as demand worries grow": "related",
        "Gold holds near record high": "related",
        "Sponsored": "advertisement",
        "Advertisement": "advertisement",
        "Source: CNN": "source",
        "Sign up for our newsletter": "newsletter",
    }
    texts = [p.text for p in article.paragraphs]
    assert len(texts) == 3 and texts[0].startswith("Stocks fell across Asia")
    # Trailing furniture does not make the article look cut off, and none of it is a key point.
    assert not article.truncated
    assert all(not k.text.startswith(tuple(reasons)) for k in article.key_points)


MENU = "\n".join(["Home", "News", "World", "Business", "Markets", "Tech", "Sport", "Opinion", "Video"])


def test_a_whole_page_copied_as_text_is_cut_to_its_article(write):
    text = (
        f"{MENU}\n"
        "Trending\n"
        "Heatwave grips southern Europe\n"
        "Floods close roads in the north\n"
        "Ferry operator cancels winter sailings after storm damage\n"
        "By Jane Doe\n"
        "Nov 19, 2019\n"
        "A ferry operator cancelled all winter sailings on Monday after a storm damaged two of its ships, the company said.\n"
        "Repairs to the ships will take at least six weeks, a spokesman said.\n"
        "About 3,000 passengers had booked crossings before the end of January.\n"
        "Most Popular\n"
        "Heatwave grips southern Europe\n"
        "\u00a9 2019 Example News. All rights reserved.\n"
        "Privacy Policy\n"
        "Terms of Use\n"
    )
    article = parse_file(write("whole.txt", text))
    assert article.title == "Ferry operator cancels winter sailings after storm damage"
    assert [p.text[:20] for p in article.paragraphs] == ["A ferry operator can", "Repairs to the ships", "About 3,000 passenge"]
    dropped = {d.text: d.reason for d in article.dropped}
    assert dropped["Home"] == "navigation"
    assert dropped["Heatwave grips southern Europe"] == "related"
    assert dropped["\u00a9 2019 Example News. All rights reserved."] == "footer"


@pytest.mark.parametrize(
    "header",
    ["STORY HIGHLIGHTS", "Story Highlights", "Key takeaways", "What we know", "TL;DR", "Summary:", "Key points"],
)
def test_highlight_blocks_are_the_articles_own_key_points(write, header):
    text = (
        "Saab to build Cadillacs in Sweden\n\n"
        f"{header}\n"
        "General Motors will build a new Cadillac at its Saab plant in Sweden.\n"
        "The car will not be sold in the US.\n\n"
        "General Motors has confirmed it will build the Cadillac BLS at its loss-making Saab factory. "
        "The car was unveiled at the Geneva motor show.\n\n"
        "The factory has been at the centre of rumours about its future.\n"
    )
    article = parse_file(write("h.txt", text))
    assert article.title == "Saab to build Cadillacs in Sweden"
    assert [(k.text, k.origin) for k in article.key_points] == [
        ("General Motors will build a new Cadillac at its Saab plant in Sweden.", "given"),
        ("The car will not be sold in the US.", "given"),
    ]
    assert article.paragraphs[0].text.startswith("General Motors has confirmed")
    assert header not in [p.text for p in article.paragraphs]


def test_inline_tldr_gives_its_sentences_as_key_points(write):
    text = (
        "Hague 'gives up' PM ambition\n"
        "TL;DR: Mr Hague will not stand again. He wants to write books.\n"
        "Former Conservative leader William Hague says he will not stand for the leadership again.\n"
        "He said he had other interests now.\n"
    )
    article = parse_file(write("t.txt", text))
    assert [k.text for k in article.key_points] == ["Mr Hague will not stand again.", "He wants to write books."]
    assert all(k.origin == "given" for k in article.key_points)


@pytest.mark.parametrize(
    "headline",
    [
        "Can the euro survive the crisis?",
        "Record profits at last!",
        "Pope reaches out to Muslims, holds talks With U.S.",
        "The Few. The Proud. The Marines ... Getting a Makeover?",
        "$1m payoff for former Shell boss",
        "'My memories of Marley...'",
    ],
)
def test_any_headline_shaped_first_line_is_the_title(write, headline):
    article = parse_file(write("t.txt", f"{headline}\nThe first paragraph of the story says what happened on Monday.\n"))
    assert article.title == headline and not article.title_derived


def test_a_one_sentence_lede_first_is_not_a_title(write):
    article = parse_file(write("l.txt", "Shares rose 5% on Monday after the results.\nAnalysts had expected less.\n"))
    assert article.title_derived


@pytest.mark.parametrize(
    ("ending", "truncated"),
    [
        ("Talks resumed in Brussels after the", True),  # stops on a word no sentence ends on
        ("Talks resumed in Brussels, officials said,", True),
        # A paragraph whose last sentence only lacks its full stop is complete.
        ("Talks resumed in Brussels. The economy expanded by 1.3%", False),
        ("Talks resumed in Brussels. REUTERS", False),
    ],
)
def test_truncated_only_when_the_text_really_stops_mid_sentence(write, ending, truncated):
    text = f"Talks resume\nThe two sides met on Monday. They agreed to meet again.\n{ending}\n"
    assert parse_file(write("e.txt", text)).truncated is truncated


def test_a_wire_table_is_not_a_cut_sentence(write):
    text = (
        "AM INTERNATIONAL INC <AM> 2ND QTR JAN 31\n"
        "CHICAGO, Feb 26 - Oper shr loss two cts vs profit seven cts\n"
        "Oper shr profit 442,000 vs profit 2,986,000\n"
        "Revs 291.8 mln vs 151.1 mln\n"
        "Six mths\n"
        "Avg shrs 51.6 mln vs 41.1 mln\n"
        "Reuter\n"
    )
    article = parse_file(write("table.txt", text))
    assert not article.truncated
    assert [d.text for d in article.dropped] == ["Reuter"]
    assert article.dateline.text == "CHICAGO, Feb 26"
    assert article.paragraphs[0].kind == "text"


def test_dates_inside_the_text_are_kept(write):
    text = (
        "Cup fixtures\n"
        "The draw for the next round was made on Monday, with two ties to be played midweek.\n"
        "Tuesday, 1 March\n"
        "Brentford v Southampton\n"
        "Chelsea v Birmingham\n"
        "West Ham v Sheff Utd\n"
        "Arsenal v Wolverhampton\n"
    )
    article = parse_file(write("f.txt", text))
    assert article.dropped == []
    assert "Tuesday, 1 March" in [p.text for p in article.paragraphs]


def test_markdown_drops_boilerplate_with_line_numbers_and_reads_the_dateline(write):
    text = (
        "---\ntitle: Rates on hold\n---\n"
        "LONDON (Reuters) - The Bank of England held rates on Thursday.\n\n"
        "Share this article\n\n"
        "Officials said inflation was easing.\n"
    )
    article = parse_file(write("m.md", text))
    assert [(d.line, d.reason) for d in article.dropped] == [(6, "share")]
    assert article.dateline.text == "LONDON (Reuters)"
    assert [p.text for p in article.paragraphs][1] == "Officials said inflation was easing."


def test_parse_json_lists_dropped_lines_and_the_dateline(write):
    path = write("wire.txt", WIRE)
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "parse", str(path), "--json"],
        capture_output=True, text=True, timeout=60,
    )
    data = json.loads(result.stdout)
    assert data["dropped"] == [{"text": "Reuter", "reason": "sign-off", "line": 6}]
    assert data["dateline"] == {
        "text": "PITTSBURGH, Feb 26", "place": "PITTSBURGH", "date": "Feb 26", "agency": None,
        "anchor": {"paragraph": 0, "start": 0, "end": 20},
    }
    # The fields the JSON always had are all still there.
    for key in ("path", "title", "title_derived", "date", "source", "url", "tags", "key_points", "facts",
                "paragraphs", "truncated", "warnings"):
        assert key in data
    readable = subprocess.run(
        [sys.executable, "-m", "briefing", "parse", str(path)], capture_output=True, text=True, timeout=60,
    ).stdout
    assert "Dateline: PITTSBURGH, Feb 26" in readable
    assert "line 6 (sign-off): Reuter" in readable
