from briefing.sentences import sentence_spans, split_sentences


def test_abbreviations_do_not_end_sentences():
    text = (
        "Lt. Col. Hassan Abdulghany spoke on Friday. The U.S. maintains a stance. "
        "Mr. Smith lives at No. 5 Main St. in town. He left. J. Doe agreed!"
    )
    assert split_sentences(text) == [
        "Lt. Col. Hassan Abdulghany spoke on Friday.",
        "The U.S. maintains a stance.",
        "Mr. Smith lives at No. 5 Main St. in town.",
        "He left.",
        "J. Doe agreed!",
    ]


def test_acronym_at_sentence_end_before_a_new_sentence():
    assert split_sentences("Aid was sent by the U.S. The UN agreed.") == [
        "Aid was sent by the U.S.",
        "The UN agreed.",
    ]


def test_quotes_and_numbers():
    text = "\u201cIt has become clear,\u201d he said. Prices rose 3.5 percent. \u201cWhy?\u201d she asked."
    assert split_sentences(text) == [
        "\u201cIt has become clear,\u201d he said.",
        "Prices rose 3.5 percent.",
        "\u201cWhy?\u201d she asked.",
    ]


def test_spans_point_into_the_text():
    text = "One here. Two there."
    assert [text[s:e] for s, e in sentence_spans(text)] == ["One here.", "Two there."]
