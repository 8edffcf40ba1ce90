"""Fuzz the parser: mutate real briefings and hostile fragments for a while, keep what breaks it.

    .venv/bin/python tests/fuzz_parse.py [--minutes 3] [--seed N]

Each input is parsed as plain text and as Markdown, twice, and must either
give an article whose shown text holds no control or invisible characters
(the same article both times) or be refused with a one-line reason. An input
that breaks a promise, or takes more than two seconds, is written to
tests/data/fuzz/ (found-*.bin), where the test suite replays it for ever
after. With --seed-corpus the starting inputs are written there too.
Prints the number of inputs tried and the findings; exits 1 if there were any.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hostile import FRAGMENTS, FUZZ_DATA, ROOT, broken_promises  # noqa: E402

from briefing.parse import parse_bytes  # noqa: E402

PATHS = [Path("fuzz.txt"), Path("fuzz.md")]
SLOW_SECONDS = 2.0
# An input still parsing after this long is a hang: stopped and kept.
HANG_SECONDS = 20.0


class Hang(BaseException):
    """Raised by the alarm into a parse that runs too long (not an Exception: nothing catches it)."""


def _alarm(signum, frame):
    raise Hang
INTERESTING = [b"\x00", b"\xff", b"\xfe", b"\xef\xbb\xbf", b"\xc3", b"\x1b", b"\n", b"\r", b"-", b":", b"[", b" "]


def seeds() -> list[bytes]:
    found = [p.read_bytes() for p in sorted((ROOT / "content").iterdir()) if p.is_file()]
    found += [p.read_bytes() for p in sorted(FUZZ_DATA.glob("*")) if p.is_file()] if FUZZ_DATA.is_dir() else []
    found.append("".join(FRAGMENTS).encode("utf-8"))
    return found


def mutate(data: bytes, pool: list[bytes], rng: random.Random) -> bytes:
    """One to eight random edits: flip, insert, delete, duplicate, splice, a fragment or a long run of one."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        where = rng.randint(0, len(out))
        choice = rng.random()
        if choice < 0.2 and out:
            out[min(where, len(out) - 1)] = rng.randrange(256)
        elif choice < 0.37:
            out[where:where] = rng.choice(FRAGMENTS).encode("utf-8")
        elif choice < 0.4:
            # Long runs: a sentence of thousands of numbers, names or brackets.
            out[where:where] = rng.choice(FRAGMENTS).encode("utf-8") * rng.randint(100, 3000)
        elif choice < 0.5:
            out[where:where] = rng.choice(INTERESTING) * rng.randint(1, 64)
        elif choice < 0.65 and out:
            out[where : where + rng.randint(1, 200)] = b""
        elif choice < 0.8 and out:
            start = rng.randrange(len(out))
            out[where:where] = out[start : start + rng.randint(1, 400)] * rng.randint(1, 4)
        else:
            other = rng.choice(pool)
            start = rng.randrange(len(other) + 1)
            out[where:] = other[start : start + rng.randint(1, 2000)]
    return bytes(out[: 256 * 1024])


def keep(data: bytes, prefix: str) -> Path:
    FUZZ_DATA.mkdir(parents=True, exist_ok=True)
    path = FUZZ_DATA / f"{prefix}-{hashlib.sha256(data).hexdigest()[:16]}.bin"
    path.write_bytes(data)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock; printed)")
    parser.add_argument("--seed-corpus", action="store_true", help="also write the starting inputs to tests/data/fuzz")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else time.time_ns() % 2**32
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(seed)
    pool = seeds()
    if args.seed_corpus:
        for data in pool:
            keep(data, "seed")
    deadline = time.monotonic() + args.minutes * 60
    tried = 0
    findings: list[str] = []
    slowest = 0.0
    while time.monotonic() < deadline:
        data = mutate(rng.choice(pool), pool, rng)
        for path in PATHS:
            started = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
            try:
                problems = broken_promises(parse_bytes, data, path)
            except Hang:
                problems = [f"still parsing after {HANG_SECONDS:g} s"]
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            took = (time.perf_counter() - started) / 2
            slowest = max(slowest, took)
            tried += 1
            if took > SLOW_SECONDS:
                problems.append(f"took {took:.1f} s")
            if problems:
                saved = keep(data, "found")
                findings.append(f"{saved.name} as {path.suffix}: {problems[0]}")
                print(f"finding: {findings[-1]}", flush=True)
        # Inputs that still parse are material for later mutations.
        if rng.random() < 0.05 and len(pool) < 500:
            pool.append(data)
    print(f"seed {seed}: {tried} parses in {args.minutes:g} min, slowest {slowest * 1000:.0f} ms, "
          f"{len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
