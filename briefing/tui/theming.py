"""Checked theme files turned into Textual themes, and the choice of theme at start."""

from __future__ import annotations

from functools import cache

from textual.app import App
from textual.color import Color, ColorParseError
from textual.theme import Theme

from briefing.themes import ThemeError, ThemeSet, ThemeSpec

DEFAULT_THEME = "dark"
LOW_COLOUR_THEME = "ansi"
# Textual derives fewer variables for a theme of terminal colours than for one
# of exact colours, yet its own stylesheets use these; without them the first
# frame fails. The terminal's own colours stand in unless the theme says.
ANSI_FALLBACKS = {
    "ansi-background": "ansi_default",
    "ansi-foreground": "ansi_default",
    "foreground-disabled": "ansi_bright_black",
    "surface-active": "ansi_default",
}


def to_textual(spec: ThemeSpec) -> Theme:
    """The Textual theme for *spec*; ThemeError if Textual would not draw a colour."""
    for key, value in {**spec.colors, **spec.variables}.items():
        if key.endswith("text-style"):
            continue
        try:
            Color.parse(value)
        except ColorParseError as exc:
            raise ThemeError(f"{key}: {value!r} cannot be drawn ({exc})") from None
    variables = dict(spec.variables)
    if spec.ansi:
        variables = {**ANSI_FALLBACKS, **variables}
    theme = Theme(name=spec.name, dark=spec.dark, ansi=spec.ansi, variables=variables, **spec.colors)
    try:
        generated = set(theme.to_color_system().generate())
    except Exception as exc:  # Textual's own checks, whatever they raise
        raise ThemeError(f"Textual cannot build it ({exc})") from None
    missing = _full_variable_names() - generated
    if missing:
        raise ThemeError(f"variables: {', '.join(sorted(missing))} missing")
    return theme


@cache
def _full_variable_names() -> frozenset[str]:
    """Every variable Textual derives for a theme of exact colours: what its stylesheets may use."""
    return frozenset(Theme(name="probe", primary="#808080").to_color_system().generate())


def starting_theme(names: list[str], wanted: str | None, colours: str | None) -> tuple[str, str | None]:
    """The theme to start with, and a problem to report if *wanted* is not there.

    With no theme asked for, a terminal of 16 colours or fewer gets the theme
    made of its own colours: anything finer would be rounded to the nearest of
    the sixteen, and dark greys all become black.
    """
    automatic = LOW_COLOUR_THEME if colours in ("standard", "windows", None) and LOW_COLOUR_THEME in names else DEFAULT_THEME
    if automatic not in names:
        automatic = names[0] if names else "textual-dark"
    if wanted is None:
        return automatic, None
    if wanted in names:
        return wanted, None
    return automatic, f"theme {wanted!r} not found (themes: {', '.join(names)}); using {automatic}"


def install_themes(app: App, themes: ThemeSet) -> tuple[dict[str, ThemeSpec], list[str]]:
    """Register every theme Textual can draw in *app*; the others are reported and left out.

    The theme picker then lists the reader's themes, not Textual's demos.
    """
    usable: dict[str, ThemeSpec] = {}
    problems: list[str] = []
    for name, spec in themes.themes.items():
        try:
            app.register_theme(to_textual(spec))
        except ThemeError as exc:
            problems.append(f"theme {spec.path or name}: {exc}; skipped")
            continue
        usable[name] = spec
    problems.extend(themes.problems)
    if usable:
        for name in list(app.available_themes):
            if name not in usable:
                app.unregister_theme(name)
    return usable, problems
