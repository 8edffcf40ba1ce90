"""What may import what: the core never loads Textual, and the stories package never loads search.

Each check runs in a fresh interpreter, so a module imported earlier by
another test cannot hide an import.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import briefing

CORE = sorted(
    m.name for m in pkgutil.walk_packages(briefing.__path__, "briefing.")
    if not (m.name == "briefing.tui" or m.name.startswith("briefing.tui.") or m.name == "briefing.__main__")
)


def modules_loaded_by(names: list[str]) -> dict[str, list[str]]:
    """Import *names* in turn in one fresh interpreter; for each, the modules that came with it.

    A module another one already brought in is charged to that one, which is
    the first to import it: the culprit is named either way.
    """
    code = (
        "import importlib, json, sys\n"
        "names = json.loads(sys.argv[1])\n"
        "loaded = {}\n"
        "for name in names:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        "    loaded[name] = sorted(set(sys.modules) - before)\n"
        "print(json.dumps(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, json.dumps(names)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_core_module_imports_textual():
    assert "briefing.cli" in CORE and "briefing.listing" in CORE and "briefing.review" in CORE
    loaded = modules_loaded_by(CORE)
    offenders = {name: [m for m in mods if m == "textual" or m.startswith("textual.")][:3]
                 for name, mods in loaded.items()}
    assert not {name: mods for name, mods in offenders.items() if mods}


def test_the_stories_package_does_not_import_search():
    stories = [name for name in CORE if name.startswith("briefing.stories")]
    assert stories
    loaded = modules_loaded_by(stories)
    assert not {name: [m for m in mods if m.startswith("briefing.search")]
                for name, mods in loaded.items() if any(m.startswith("briefing.search") for m in mods)}


def test_no_stories_module_names_search_even_inside_a_function():
    import ast
    from pathlib import Path

    folder = Path(briefing.__file__).parent / "stories"
    named = {}
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            named.update({f"{path.name}:{node.lineno}": m for m in modules if m.startswith("briefing.search")})
    assert not named


def test_the_check_itself_sees_textual_when_it_is_imported():
    assert any(m == "textual" for m in modules_loaded_by(["briefing.tui.look"])["briefing.tui.look"])
