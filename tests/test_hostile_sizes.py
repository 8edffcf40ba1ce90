"""Output proportional to input: no article makes its facts, key points or JSON grow past its own size.

Each article is parsed in a new process with its memory capped and a
deadline, so a blow-up fails the test rather than the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def parse_in_a_new_process(path, timeout: float = 60) -> dict:
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    run = subprocess.run([sys.executable, "-m", "briefing", "parse", str(path), "--json"], capture_output=True,
                         timeout=timeout, preexec_fn=cap, env=os.environ.copy())
    assert run.returncode == 0, run.stderr[-2000:]
    return {"json": run.stdout, "article": json.loads(run.stdout)}


# Many figures in one sentence that credits one long-named source: each
# figure carried the whole attribution (70 KB gave 146 MB of JSON).
ATTRIBUTED = ("Casualty report\nAccording to the " + " ".join(f"Committee{i}" for i in range(3000)) + ", "
              + ", ".join(f"{i} soldiers" for i in range(3000)) + ".\n")
# One line of a megabyte: every number a figure, every capital a name.
ONE_LINE = "Wire dump\n" + " ".join(f"Official{i % 700} said {i} people were killed in Town{i % 300}"
                                    for i in range(20000)) + ".\n"
# Many short paragraphs, each with its facts.
MANY_LINES = "Daily log\n" + "".join(f"Minister Person{i} said {i} people fled Town{i} on Monday.\n"
                                     for i in range(20000))


@pytest.mark.parametrize("text", [ATTRIBUTED, ONE_LINE, MANY_LINES], ids=["attributed", "one line", "many lines"])
def test_facts_and_json_stay_in_proportion_to_the_article(tmp_path, text):
    from briefing.facts import MAX_ATTRIBUTION_CHARS, MAX_FACT_CHARS, MAX_FACTS

    path = tmp_path / "article.txt"
    path.write_text(text)
    size = path.stat().st_size
    parsed = parse_in_a_new_process(path)
    article = parsed["article"]
    # The JSON holds the text once, plus bounded extras: never many times the input.
    assert len(parsed["json"]) < 2 * size + 200_000, (len(parsed["json"]), size)
    assert len(article["facts"]) <= MAX_FACTS
    assert all(len(f["text"]) <= MAX_FACT_CHARS for f in article["facts"])
    assert all(len(f.get("attribution") or "") <= MAX_ATTRIBUTION_CHARS for f in article["facts"])
    assert article["facts"] and article["key_points"]
    # All of the text is still there to read.
    assert sum(len(p["text"]) for p in article["paragraphs"]) > 0.9 * (size - 20)


def test_a_long_attribution_is_cut_at_a_word_and_marked():
    from briefing.facts import MAX_ATTRIBUTION_CHARS
    from briefing.parse import parse_bytes
    from pathlib import Path

    article = parse_bytes(ATTRIBUTED.encode(), Path("a.txt"))
    attributions = {f.attribution for f in article.facts if f.attribution}
    (only,) = attributions
    assert only.startswith("the Committee0 Committee1") and only.endswith("\u2026")
    assert len(only) <= MAX_ATTRIBUTION_CHARS


@pytest.mark.parametrize("line", ["[", "*a ", "_a", "[a]("], ids=["brackets", "emphasis", "underscores", "links"])
def test_markdown_that_is_slow_to_read_is_read_in_bounded_time(tmp_path, line):
    # Markdown-it spends up to 25 microseconds a character on these (prose: 0.2): an 8 MiB
    # file of them took minutes. Past the first 100,000 characters the text is shown as plain text.
    path = tmp_path / "slow.md"
    path.write_text("# Slow\n" + line * (7_500_000 // len(line)) + "\nThe end of it.\n")
    article = parse_in_a_new_process(path, timeout=90)["article"]
    assert article["title"] == "Slow"
    assert any("read as Markdown" in w for w in article["warnings"])
    assert article["paragraphs"][-1]["text"] == "The end of it."
