"""Theme files: YAML in ``themes/`` and in the user's config folder, checked before use.

A theme that names a colour the terminal layer cannot draw would only fail
when drawn, in the middle of a session; so every colour is checked here, and a
file with a bad one is reported by name with the reason and left out.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefing import safe_yaml

# The sixteen colours every terminal has, by the names the terminal layer uses,
# plus "ansi_default": the terminal's own foreground or background.
ANSI_NAMES = frozenset(
    [f"ansi_{c}" for c in ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")]
    + [f"ansi_bright_{c}" for c in ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")]
    + ["ansi_default"]
)
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_RGB = re.compile(r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)")
REQUIRED_COLOURS = ("primary", "foreground", "background")
OPTIONAL_COLOURS = ("secondary", "accent", "warning", "error", "success", "surface", "panel", "boost")
TEXT_STYLES = frozenset(["none", "bold", "italic", "underline", "reverse", "dim", "strike"])
FIELDS = ("name", "description", "dark", "colors", "variables")
MAX_THEME_BYTES = 64 * 1024


class ThemeError(ValueError):
    """Why a theme file cannot be used."""


@dataclass(frozen=True)
class ThemeSpec:
    """A checked theme, not yet tied to any terminal library."""

    name: str
    description: str
    dark: bool
    colors: dict[str, str]
    variables: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def ansi(self) -> bool:
        """Built from the terminal's own sixteen colours: drawn as such, never converted."""
        return all(c in ANSI_NAMES for c in self.colors.values())


@dataclass
class ThemeSet:
    themes: dict[str, ThemeSpec]
    problems: list[str]


def check_colour(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ThemeError(f"{what}: wants a colour such as '#1e2430' or 'ansi_blue', not {value!r}")
    text = value.strip()
    if text in ANSI_NAMES or _HEX.fullmatch(text):
        return text
    match = _RGB.fullmatch(text)
    if match and all(int(part) <= 255 for part in match.groups()):
        return text
    raise ThemeError(f"{what}: {value!r} is not a colour (use #rrggbb, rgb(r, g, b) or an ansi_ name)")


def parse_theme(data: Any, origin: str) -> ThemeSpec:
    if not isinstance(data, dict):
        raise ThemeError("wants a mapping with name, dark and colors")
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        raise ThemeError(f"unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
    name = data.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", name):
        raise ThemeError("name: wants a short lower-case name such as 'dark' or 'solar-light'")
    dark = data.get("dark")
    if not isinstance(dark, bool):
        raise ThemeError("dark: wants true or false (is the background dark?)")
    colors = data.get("colors")
    if not isinstance(colors, dict):
        raise ThemeError("colors: missing (wants primary, foreground and background at least)")
    checked = {}
    for key in REQUIRED_COLOURS:
        if key not in colors:
            raise ThemeError(f"colors.{key}: missing")
    for key, value in colors.items():
        if key not in REQUIRED_COLOURS + OPTIONAL_COLOURS:
            raise ThemeError(f"colors.{key}: not a theme colour (colours: {', '.join(REQUIRED_COLOURS + OPTIONAL_COLOURS)})")
        checked[key] = check_colour(value, f"colors.{key}")
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise ThemeError("variables: wants a mapping of variable names to colours")
    checked_vars = {}
    for key, value in variables.items():
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9-]*", key):
            raise ThemeError(f"variables: {key!r} is not a variable name")
        if key.endswith("text-style"):
            words = str(value).split()
            if not words or any(w not in TEXT_STYLES for w in words):
                raise ThemeError(f"variables.{key}: wants text styles ({', '.join(sorted(TEXT_STYLES))})")
            checked_vars[key] = " ".join(words)
        else:
            checked_vars[key] = check_colour(value, f"variables.{key}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ThemeError("description: wants text")
    return ThemeSpec(name, " ".join(description.split()), dark, checked, checked_vars)


def load_theme(path: Path) -> ThemeSpec:
    try:
        if path.stat().st_size > MAX_THEME_BYTES:
            raise ThemeError(f"larger than {MAX_THEME_BYTES // 1024} KB; not a theme")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        # The C loader where PyYAML has it: themes are read at every start.
        data = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        raise ThemeError(f"not valid YAML ({' '.join(str(exc).split())})") from None
    spec = parse_theme(data, str(path))
    return ThemeSpec(spec.name, spec.description, spec.dark, spec.colors, spec.variables, path)


def shipped_theme_dirs() -> list[Path]:
    """``themes/`` beside the package (a checkout), or where an install put it."""
    here = Path(__file__).resolve().parent.parent / "themes"
    return [d for d in (here, Path(sys.prefix) / "share" / "briefing" / "themes") if d.is_dir()][:1]


def user_theme_dir() -> Path:
    from briefing.config import config_dir

    return config_dir() / "themes"


def load_themes(dirs: list[Path] | None = None) -> ThemeSet:
    """Every usable theme; a user's theme of the same name replaces a shipped one."""
    if dirs is None:
        dirs = [*shipped_theme_dirs(), user_theme_dir()]
    themes: dict[str, ThemeSpec] = {}
    problems: list[str] = []
    for folder in dirs:
        try:
            paths = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
        except OSError:
            continue
        for path in paths:
            try:
                spec = load_theme(path)
            except ThemeError as exc:
                problems.append(f"theme {path}: {exc}; skipped")
                continue
            themes[spec.name] = spec
    return ThemeSet(themes, problems)
