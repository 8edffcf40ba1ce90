"""A line of figures and colons that is almost a timestamp is read in a moment, not in hours.

The timestamp pattern can split "1:11:1:1" at each colon or not; on a line it
does not match, trying every way took exponential time (a 46-character line
took 20 s, and a line of a hundred characters would never finish).
"""

from __future__ import annotations

import json
import subprocess
import sys

NEAR_STAMP = "1:11:" + ":".join(["1"] * 50) + " x"


def test_a_near_timestamp_line_is_read_at_once_and_kept(tmp_path):
    path = tmp_path / "scores.txt"
    path.write_text(
        "Scores of the night\n\n"
        f"{NEAR_STAMP}\n\n"
        "Updated 10/5/11 09:19 PM ET\n\n"
        "The home side won the first match and lost the second one after extra time.\n",
        encoding="utf-8",
    )
    # In a new process with a deadline, so that the old behaviour fails the test rather than hanging it.
    run = subprocess.run([sys.executable, "-m", "briefing", "parse", str(path), "--json"], capture_output=True,
                         text=True, timeout=30)
    assert run.returncode == 0, run.stderr[-2000:]
    article = json.loads(run.stdout)
    assert NEAR_STAMP in [p["text"] for p in article["paragraphs"]]
    assert {"text": "Updated 10/5/11 09:19 PM ET", "reason": "timestamp"}.items() <= next(
        d for d in article["dropped"] if d["text"].startswith("Updated")).items()


def test_timestamps_with_many_separators_are_still_timestamps():
    from briefing.boilerplate import boilerplate_reason

    for line in (
        "Published 11/18/2019 08:51 p.m. ET | Updated 11/18/2019 09:19 p.m. ET",
        "2019-11-18T20:51:19Z / 2019-11-18T21:02:44Z",
        "Updated 10/5/11 09:19 PM ET",
    ):
        assert boilerplate_reason(line) == "timestamp", line
    assert boilerplate_reason(NEAR_STAMP) is None
