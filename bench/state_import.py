"""State import and export at 3,000, 10,000 and 100,000 articles.

Writes the state of N articles (paths, hashes, flags, some notes and
key-point marks) twice: as `briefing state export` writes it (JSON, which
is YAML too), and as block-style YAML (an export from an older version, or
one written by hand). Then times, each in a fresh state file:

- `briefing state import FILE` of each, as a user runs it (a new process);
- inside it, reading the file and merging into SQLite, apart;
- `briefing state export` of the result;
- the baseline in the same run: reading the YAML file with PyYAML's C
  loader (`yaml.load(..., CSafeLoader)`), which the import used to do and
  which does nothing but build the objects.

Medians of --repeat runs. The per-article cost at each size shows whether the
import is linear (it was quadratic: 3,000 took 13 s, 10,000 took 87 s here).

    .venv/bin/python bench/state_import.py [--sizes 3000,10000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402


def export_data(n: int) -> dict:
    articles = []
    for i in range(n):
        item = {"path": f"folder{i % 50}/article-{i:06}.md", "digest": f"{i:064x}", "read": i % 2 == 0,
                "starred": i % 7 == 0, "flagged": i % 11 == 0}
        if i % 13 == 0:
            item["note"] = f"Check figure {i} against the ministry's count."
        if i % 17 == 0:
            item["marks"] = {f"Key point {i}": "verified"}
        item["updated"] = "2024-12-01T00:00:00+00:00"
        articles.append(item)
    return {"briefing-state": 1, "folder": "/elsewhere", "articles": articles}


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "briefing", *args], check=True, env={**os.environ, **env},
                   stdout=subprocess.DEVNULL)


def measure(n: int, repeat: int, work: Path) -> dict[str, float]:
    from briefing.state import StateStore
    from briefing.state.transfer import read_export

    from briefing.state.transfer import dump_export

    data = export_data(n)
    source = work / f"export-{n}.json"
    with source.open("w") as out:
        dump_export(data, out)
    older = work / f"export-{n}.yaml"
    with older.open("w") as out:
        yaml.dump(data, out, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
    content = work / "content"
    content.mkdir(exist_ok=True)
    text = source.read_text()
    results: dict[str, list[float]] = {k: [] for k in ("command", "yaml", "read", "merge", "export", "baseline")}
    for r in range(repeat):
        env = {"BRIEFING_STATE_DIR": str(work / f"state-{n}-{r}-yaml")}
        results["yaml"].append(timed(lambda: run("--content", str(content), "state", "import", str(older),
                                                 env=env)))
        env = {"BRIEFING_STATE_DIR": str(work / f"state-{n}-{r}-cli")}
        results["command"].append(timed(lambda: run("--content", str(content), "state", "import", str(source),
                                                    env=env)))
        results["export"].append(timed(lambda: run("--content", str(content), "state", "export", env=env)))
        def read() -> None:
            nonlocal data
            data = read_export(text)

        results["read"].append(timed(read))
        store = StateStore(work / f"state-{n}-{r}-api" / "state.sqlite")
        results["merge"].append(timed(lambda: store.folder(content).merge(data)))
        store.close()
        yaml_text = older.read_text()
        results["baseline"].append(timed(lambda: yaml.load(yaml_text, Loader=getattr(yaml, "CSafeLoader",
                                                                                      yaml.SafeLoader))))
    return {k: statistics.median(v) for k, v in results.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'articles':>9} {'import':>8} {'read':>7} {'merge':>7} {'export':>7} {'import YAML':>12}"
          f" {'PyYAML C load':>14} {'import per 1k':>14} {'YAML import / baseline':>23}")
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as folder:
        for n in sizes:
            m = measure(n, args.repeat, Path(folder))
            print(f"{n:>9,} {m['command']:>7.2f}s {m['read']:>6.2f}s {m['merge']:>6.2f}s {m['export']:>6.2f}s"
                  f" {m['yaml']:>11.2f}s {m['baseline']:>13.2f}s {1000 * m['command'] / n:>13.3f}s"
                  f" {m['yaml'] / m['baseline']:>22.2f}x")
    print("import: `state import` of what `state export` writes, in a new process; read + merge: its two parts,"
          " in this process; import YAML: of the same state as block YAML; baseline: PyYAML's C loader on that"
          " YAML file, building the objects only. Medians.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
