"""Every YAML Briefing reads is bounded before it is built: config, themes, front matter, state imports.

Each hostile document is fed to each reader in a new process with its memory
capped and a deadline, so a document that would take a minute and a
gigabyte fails the test instead of the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# 358 bytes: each line merges nine copies of the one before, so building it
# copies 9^8 (43 million) key-value pairs. PyYAML's safe_load takes a minute
# and a gigabyte on it.
MERGE_BOMB = "a: &a {a1: 1, a2: 2, a3: 3, a4: 4, a5: 5, a6: 6, a7: 7, a8: 8, a9: 9}\n" + "".join(
    f"{n}: &{n} {{<<: [{','.join([f'*{p}'] * 9)}]}}\n" for p, n in zip("abcdefg", "bcdefgh")
)
# Lists of aliases: nothing is copied, but anything that walks the result walks 9^8 items.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh")
)
HOSTILE = {
    "merge bomb": MERGE_BOMB,
    "alias bomb": ALIAS_BOMB,
    "recursive alias": "a: &a [1, *a]\n",
    "deep nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "5,000-digit number": "a: " + "9" * 5000 + "\n",
    "impossible date": "a: 2024-13-45\n",
    "python object": "a: !!python/object/apply:os.system ['touch /tmp/briefing-yaml-ran']\n",
}


def run_capped(code: str, timeout: float = 30) -> subprocess.CompletedProcess:
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=cap, env=os.environ.copy())


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_config_file_that_would_explode_is_reported_and_the_defaults_used(tmp_path, document):
    config = tmp_path / "config.yaml"
    config.write_text(document)
    run = run_capped(f"from briefing import config; s = config.load(environ={{'BRIEFING_CONFIG': {str(config)!r}}});"
                     " print(s.problems); print(s.theme)")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "config.yaml" in run.stdout and "using the defaults" in run.stdout
    assert not Path("/tmp/briefing-yaml-ran").exists()


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_theme_that_would_explode_is_reported_by_name(tmp_path, document):
    theme = tmp_path / "bomb.yaml"
    theme.write_text(document)
    run = run_capped("from pathlib import Path; from briefing.themes import load_theme, ThemeError\n"
                     f"try:\n    load_theme(Path({str(theme)!r}))\nexcept ThemeError as e:\n    print('refused', e)")
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("refused")


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
def test_front_matter_that_would_explode_is_ignored_with_a_warning_and_the_body_read(tmp_path, document):
    article = tmp_path / "bomb.md"
    article.write_text(f"---\ntitle: Bomb\n{document}---\nThe body is still read. It has two sentences.\n")
    run = run_capped("from pathlib import Path; from briefing.parse import parse_file\n"
                     f"a = parse_file(Path({str(article)!r})); print(a.warnings); print(a.paragraphs[0].text)")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "front matter" in run.stdout and "The body is still read." in run.stdout


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_state_import_that_would_explode_changes_nothing(tmp_path, document):
    bomb = tmp_path / "state.yaml"
    bomb.write_text("briefing-state: 1\narticles: []\n" + document)
    content = tmp_path / "content"
    content.mkdir()
    run = run_capped(f"import sys; from briefing.cli import main; sys.exit(main(['state', 'import', {str(bomb)!r},"
                     f" '--content', {str(content)!r}]))")
    assert run.returncode == 1, run.stderr[-2000:]
    assert "state.yaml" in run.stderr and "Traceback" not in run.stderr


def test_bounded_yaml_reads_what_safe_load_reads():
    from briefing import safe_yaml

    documents = [
        "title: Ceasefire talks\ndate: 2024-12-02\ntags: [a, b]\nkey_points:\n  - one\n  - 'two'\n",
        "a: 1\nb: [x, 'y', true, ~, 3.5, 0x1f, '']\nc: {d: e}\ne:\n",
        "base: &b {x: 1, y: 2}\nother:\n  <<: [*b, {x: 9, z: 3}]\n  y: 7\n",
        "- &a {k: 1}\n- *a\n", "", "just text", "k: !!binary aGVsbG8=\n",
    ]
    for document in documents:
        assert safe_yaml.load(document) == yaml.safe_load(document), document
    with pytest.raises(yaml.YAMLError, match="single document"):
        safe_yaml.load("--- 1\n--- 2\n")
    with pytest.raises(yaml.YAMLError, match="too large"):
        safe_yaml.load("a: b\n" * 10, max_chars=20)
