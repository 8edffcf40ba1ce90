"""Queries of words ranked a term at a time give Whoosh's own ranking, over several segments with deletions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from briefing.search.engine import Engine
from briefing.search.index import ContentIndex

WORDS = ("harbour ministry ceasefire convoy tariff election drought refinery pipeline senate brigade famine "
         "reactor embassy quarry lagoon governor governing government harbours electoral").split()
COMMON = "more than at least the of in".split()


def write(folder: Path, start: int, count: int, rng: random.Random) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        words = [rng.choice(WORDS if rng.random() < 0.6 else COMMON) for _ in range(rng.randint(5, 400))]
        if rng.random() < 0.3:
            words[rng.randrange(len(words)):0] = ["more", "than", "a", "tariff"]
        points = "\n".join(f"- {rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(rng.randint(0, 3)))
        (folder / f"a{n:04}.md").write_text(
            f"---\ntitle: The {rng.choice(WORDS)} {rng.choice(WORDS)} report {n}\nsource: Wire {n % 4}\n"
            f"date: 2024-{1 + n % 12:02}-{1 + n % 27:02}\ntags: [t{n % 5}, {rng.choice(WORDS)}]\n---\n"
            + (f"## Key points\n{points}\n\n" if points else "")
            + " ".join(words) + f" code{n}.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """One index of three segments, some articles changed and some removed; ranked both ways."""
    rng = random.Random(5)
    root = tmp_path_factory.mktemp("ranking")
    content = root / "content"
    index = ContentIndex(content, root / "index")
    # A large first segment: common words' postings run over several blocks of 128.
    for start, count in ((0, 520), (520, 120), (640, 120)):
        write(content, start, count, rng)
        index.update()
    for n in range(0, 760, 7):
        (content / f"a{n:04}.md").unlink()
    write(content, 3, 20, rng)  # rewritten: deleted from their segment, added anew
    index.update()
    fast, slow = Engine.open(index), Engine.open(index)
    slow.term_at_a_time = False
    assert len(fast.searcher.reader().leaf_readers()) > 1 and fast.searcher.reader().has_deletions()
    yield fast, slow
    fast.close()
    slow.close()


QUERIES = [
    "tariff", "government", "governing", "tariff refinery", "tariff OR lagoon OR quarry", "tariff NOT senate",
    "senate -harbour convoy", "title:embassy", "tag:t3", "source:wire", "tag:famine tariff", "harbour^3 OR lagoon",
    "(tariff OR drought) AND (embassy OR reactor)", "governor ANDMAYBE embassy", "govern*", "har*", "electin~",
    "goverment~2", "kp:ceasefire", "title:report tariff", '"more than"', '"than tariff"', '"harbour ministry"',
    '"more than tariff"~2', 'title:"tariff election"', '"ministry harbour" OR lagoon', "tariff date:2024-03-01..2024-07-31",
    '"more than" date:2024-01-01..2024-06-30', "nosuchword", "tariff nosuchword", "tariff OR nosuchword",
    # A rare word with common ones: only the common words' blocks that hold it are read.
    *(f"code{n} tariff" for n in (1, 126, 127, 128, 129, 255, 256, 257, 383, 384, 511, 512, 519, 600, 700)),
    "(code5 OR code130 OR code300 OR code511) AND harbour", "code384 AND NOT lagoon", "code129 ANDMAYBE tariff",
    '"more than" code256', "tariff AND governor AND harbour",
]


def compared(results):
    # Sums made in another order may differ in the last bits: round before comparing.
    return [(round(h.score, 9), h.path) for h in results.hits]


@pytest.mark.parametrize("text", QUERIES)
def test_the_same_hits_in_the_same_order_as_whoosh(engines, text):
    fast, slow = engines
    for by_date in (False, True):
        ours, theirs = fast.search(text, limit=None, by_date=by_date), slow.search(text, limit=None, by_date=by_date)
        assert not ours.partial and not theirs.partial
        if by_date:
            assert [h.path for h in ours.hits] == [h.path for h in theirs.hits], text
        else:
            assert sorted(compared(ours), key=lambda p: (-p[0], p[1])) == \
                sorted(compared(theirs), key=lambda p: (-p[0], p[1])), text
            assert [round(h.score, 9) for h in ours.hits] == [round(h.score, 9) for h in theirs.hits]
        assert ours.total == theirs.total, text
        assert [h.snippet for h in ours.hits[:5]] == [h.snippet for h in theirs.hits[:5]]


def test_the_ranking_is_term_at_a_time_for_words_and_whoosh_for_the_rest(engines, monkeypatch):
    fast, _ = engines
    from briefing.search import bulk

    ranked = []
    real = bulk.Ranker.rank
    monkeypatch.setattr(bulk.Ranker, "rank", lambda self, *a, **k: ranked.append(a[0]) or real(self, *a, **k))
    for text in ("tariff refinery", '"more than"', "govern*", "goverment~"):
        fast.search(text)
    assert len(ranked) == 4
    fast.search("path:a0001.md OR tariff")  # a field Whoosh scores another way
    assert len(ranked) == 4


def test_a_common_phrase_shows_its_best_hits_and_an_estimate_of_the_rest(engines):
    fast, slow = engines
    ours, theirs = fast.search('body:"more than"', limit=5), slow.search('body:"more than"', limit=5)
    assert compared(ours) == compared(theirs)
    everything = slow.search('body:"more than"', limit=1000).total
    assert everything > 50
    assert 0.5 * everything <= ours.total <= 2 * everything
    # The phrase in every field: an article whose title and body both have it is counted once.
    anywhere = fast.search('"more than"', limit=5)
    exact = slow.search('"more than"', limit=1000).total
    assert 0.8 * exact <= anywhere.total <= min(1.25 * exact, fast.searcher.doc_count())
    newest, newest_theirs = fast.search('body:"more than"', limit=5, by_date=True), \
        slow.search('body:"more than"', limit=5, by_date=True)
    assert [h.path for h in newest.hits] == [h.path for h in newest_theirs.hits]


def whoosh_snippet(text: str, terms: frozenset, top: int) -> str:
    from whoosh import highlight

    from briefing.search import snippets

    return highlight.highlight(text, terms, snippets._analyzer, snippets._fragmenter, snippets._formatter, top=top)


def test_snippets_are_the_ones_whooshs_highlighter_makes():
    """The one-loop fragmenter skips text far from the query's words; what it shows is unchanged."""
    from briefing.search import snippets

    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "content").rglob("*")) if p.is_file()]
    assert len(texts) >= 5
    bbc = root.parent / "shared" / "data" / "bbc-dev" / "articles"
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(bbc.rglob("*.txt"))[:300]]
    texts += [
        "-" * 500 + " tariff " + "=" * 300 + " more tariffs. " * 3,  # a match after a long run without words
        "U.S.A. tariff " * 50, ("x" * 50 + ". ") * 100 + "Tariffs!", "TARIFF" * 3000 + " tariff",
        "Sensibility and the sensible; relational relations; happily happy; ungovernable governments.",
        "tariff " + "word " * 8000 + "tariff and tariffs",  # past the fragmenter's 32,768 characters
    ]
    rng = random.Random(11)
    compared = 0
    for text in texts:
        words = [t.text for t in snippets._analyzer(text)]
        for extra in ({"tariff"}, {"sensibl", "relat", "happi", "govern"}, set()):
            terms = frozenset(set(rng.sample(words, min(len(words), rng.randint(1, 3)))) | extra)
            ours = snippets._highlight(text, terms, 2)
            assert ours == whoosh_snippet(text, terms, 2), (text[:80], sorted(terms))
            compared += bool(ours)
    assert compared > len(texts)


def test_did_you_mean_only_for_a_word_the_index_does_not_hold(engines):
    fast, _ = engines
    apart = fast.search("code5 code6")  # both known, never in one article
    assert apart.hits == [] and apart.suggestion is None
    misspelt = fast.search("code5 harbuor")
    assert misspelt.hits == [] and misspelt.suggestion == "code5 harbour"


def test_posting_blocks_written_in_the_newer_pickle_protocol_read_as_the_older_did(tmp_path, monkeypatch):
    """An index written before (protocol 2) and one written now give the same results; now is smaller."""
    from briefing.search import codec

    write(tmp_path / "content", 0, 60, random.Random(8))
    built = {}
    for protocol in (2, 5):
        monkeypatch.setattr(codec, "PROTOCOL", protocol)
        index = ContentIndex(tmp_path / "content", tmp_path / f"index{protocol}")
        index.update()
        postings = b"".join(p.read_bytes() for p in (tmp_path / f"index{protocol}").glob("*.pst"))
        built[protocol] = (Engine.open(index), postings)
    (older, old_bytes), (newer, new_bytes) = built[2], built[5]
    # Each block starts with its pickled header: protocol 5 opens with 0x80 0x05 and a frame.
    assert b"\x80\x05\x95" not in old_bytes and new_bytes.count(b"\x80\x05\x95") > 10
    assert len(new_bytes) < len(old_bytes)
    for text in ("tariff", '"more than"', "harbour OR lagoon", "gov*", "code7"):
        assert compared(older.search(text, limit=None)) == compared(newer.search(text, limit=None))
    older.close()
    newer.close()


def test_a_query_whose_parts_cannot_list_their_words_still_runs(engines):
    """An empty range ("[ AND to ]") has no words for did-you-mean: no suggestion, no failure."""
    fast, _ = engines
    results = fast.search("[ AND to ]")
    assert results.suggestion is None
