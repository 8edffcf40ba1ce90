"""Facts found where the fact finder skips ahead: each pattern is run only where its words stand.

The figure pattern starts at a number or at a qualifier found before it, a
date pattern only where its words and a digit stand, a name's cues only
where the text before it ends in one of their words. These sentences put a
fact right where a skip could miss it.
"""

from __future__ import annotations

from briefing.facts import extract_facts
from briefing.keypoints import Sentence


def facts(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in extract_facts([Sentence(0, 0, len(text), text, frozenset())])]


def test_a_qualifier_in_capitals_and_a_long_one_before_a_number_word():
    found = facts("About 300 people fled the town, often in the dark, and more than half a hundred soldiers followed.")
    assert ("figure", "About 300 people") in found
    # "often" holds "ten", which starts no number; the long qualifier is kept whole.
    assert ("figure", "more than half a hundred soldiers") in found


def test_a_number_word_after_words_that_hold_one():
    found = facts("The weight of the cargo was about twenty tonnes, the port said.")
    assert found[0] == ("figure", "about twenty tonnes")


def test_a_toll_and_a_place_before_a_place_word():
    found = facts("Officials in the Idlib province said the death toll rose to 95.")
    assert ("figure", "death toll: 95") in found
    assert ("place", "Idlib") in found


def test_names_after_a_cue_with_a_comma_a_title_and_a_possessive():
    found = facts("The party's spokesman, John Smith, said the Syrian army had left Aleppo last week.")
    assert ("person", "John Smith") in found
    assert ("place", "Aleppo") in found
    assert ("date", "last week") in found
    assert not any(text == "Syrian" for _, text in found)  # an adjective before a noun, not a name
    found = facts("Hezbollah's fighters and the International Atomic Energy Agency (IAEA) met Mr. Jones in 2004.")
    assert ("organisation", "Hezbollah") in found
    assert ("organisation", "International Atomic Energy Agency (IAEA)") in found
    assert ("person", "Jones") in found
    assert ("date", "2004") in found


def test_the_same_name_in_a_later_article_is_read_the_same_way():
    # What a run of capitals says about itself is kept between sentences and articles.
    first = facts("Troops reached Aleppo on Monday.")
    second = facts("The Syrian Observatory said troops reached Aleppo on Monday.")
    assert ("place", "Aleppo") in first and ("place", "Aleppo") in second
    assert ("date", "Monday") in first and ("date", "Monday") in second
