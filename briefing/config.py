"""Settings: defaults, the config file, the environment and the command line, in that order.

Every value remembers where it came from, so ``briefing config --show`` can say
why a setting is what it is. A bad entry is reported with its file and key and
the default is used instead: a typo in config.yaml never stops the reader.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from briefing import safe_yaml

CONFIG_ENV = "BRIEFING_CONFIG"
FILE_NAME = "config.yaml"
# Side panes narrower than this cannot show a title.
MIN_PANE_WIDTH = 20
MAX_PANE_WIDTH = 200
WIDTH_PANES = ("articles", "keypoints")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
# A day with every field different, to show what a date format gives.
EXAMPLE_DATE = dt.date(2024, 11, 27)


class ConfigError(ValueError):
    """A value that cannot be used; the message says why."""


def config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("briefing"))


def default_config_path() -> Path:
    return config_dir() / FILE_NAME


# Converters: take what YAML, the environment or the command line gave, return the
# value or raise ConfigError with a reason a user can act on.


def _path(value: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("wants a folder path")
    return Path(value).expanduser()


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("wants a theme name")
    return value.strip()


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise ConfigError("wants true or false")


def _date_format(value: Any) -> str:
    if not isinstance(value, str) or "%" not in value:
        raise ConfigError("wants a strftime format such as '%d %b %Y'")
    try:
        shown = EXAMPLE_DATE.strftime(value)
    except ValueError as exc:
        raise ConfigError(f"is not a usable date format ({exc})") from None
    if not shown.strip() or len(shown) > 40:
        raise ConfigError("gives an empty or very long date")
    return value


def _minutes(value: Any) -> int:
    """Minutes between background fetches: 0 is never; otherwise at least 5, to stay polite."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not (value == 0 or 5 <= value <= 24 * 60):
        raise ConfigError("wants minutes between fetches: 0 (never) or 5 to 1440")
    return value


def _archive(value: Any) -> str | None:
    """A PostgreSQL URL (postgresql://user@host/db), never with a password in it; "" or none: no archive."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "off")):
        return None
    from briefing.archive.connection import has_password, is_archive_url

    if not isinstance(value, str) or not is_archive_url(value):
        raise ConfigError("wants a PostgreSQL URL such as postgresql://ana@db.example/briefing")
    if has_password(value):
        raise ConfigError("must not carry a password: keep it in ~/.pgpass or $PGPASSWORD "
                          "(libpq reads them), never in a setting")
    return value.strip()


def _analyst(value: Any) -> str | None:
    """The name to work under in the archive when several analysts share one database role."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    import re

    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,62}", value.strip()):
        raise ConfigError("wants a name of letters, digits, '.', '_', '@' or '-' (at most 63)")
    return value.strip()


def _widths(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ConfigError("wants a mapping such as {articles: 36, keypoints: 30}")
    widths = {}
    for pane, width in value.items():
        if pane not in WIDTH_PANES:
            raise ConfigError(f"has no pane {pane!r} (panes: {', '.join(WIDTH_PANES)})")
        if isinstance(width, str) and width.strip().isdigit():
            width = int(width)
        if isinstance(width, bool) or not isinstance(width, int) or not MIN_PANE_WIDTH <= width <= MAX_PANE_WIDTH:
            raise ConfigError(f"{pane}: wants a number of columns from {MIN_PANE_WIDTH} to {MAX_PANE_WIDTH}")
        widths[pane] = width
    return widths


def _keys(value: Any) -> dict[str, str]:
    """Action id -> keys, as Textual writes them: "j,down", "ctrl+d", "question_mark"."""
    if not isinstance(value, dict):
        raise ConfigError("wants a mapping of action ids to keys, such as {star: x}")
    keys = {}
    for action, spec in value.items():
        if isinstance(spec, list):
            spec = ",".join(str(k) for k in spec)
        if not isinstance(action, str) or not isinstance(spec, (str, int)) or not str(spec).strip():
            raise ConfigError(f"{action}: wants a key or a comma-separated list of keys")
        parts = [k.strip() for k in str(spec).split(",")]
        if any(not k or " " in k for k in parts):
            raise ConfigError(f"{action}: {spec!r} is not a list of keys (write 'j,down', not 'j down')")
        keys[action] = ",".join(parts)
    return keys


def _queries(value: Any) -> list[str]:
    """A list of search queries (``hide``, ``highlight``): one query alone is a list of one."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(q, str) and q.strip() for q in value):
        raise ConfigError("wants a list of search queries, such as [\"source:tabloid\", \"tag:sport\"]")
    if len(value) > 50:
        raise ConfigError("holds more than 50 queries")
    queries = [" ".join(q.split()) for q in value]
    if any(len(q) > 1000 or not q.isprintable() for q in queries):
        raise ConfigError("holds a query over 1000 characters or with control characters")
    return queries


def _command(value: Any) -> str:
    """A program to open links with, and its arguments: the link is added last, never through a shell."""
    import shlex

    if not isinstance(value, str) or not value.strip():
        raise ConfigError("wants a command such as xdg-open or 'firefox --new-tab'")
    try:
        shlex.split(value)
    except ValueError as exc:
        raise ConfigError(f"cannot be read as a command ({exc})") from None
    return value.strip()


@dataclass(frozen=True)
class Setting:
    """How one setting is read; its default is the field of :class:`Settings` of the same name."""

    name: str
    convert: Callable[[Any], Any]
    help: str
    env: str | None = None


SETTINGS = {
    s.name: s
    for s in [
        Setting("content", _path, "folder of briefing files", "BRIEFING_CONTENT"),
        Setting("index", _path, "index folder (none: one per content folder in the user cache)",
                "BRIEFING_INDEX_DIR"),
        Setting("theme", _name, "theme name (none: dark, or ansi on a 16-colour terminal)", "BRIEFING_THEME"),
        Setting("follow_links", _bool, "read files that links in the content folder point to outside it",
                "BRIEFING_FOLLOW_LINKS"),
        Setting("ascii", _bool, "draw borders and marks with ASCII characters only", "BRIEFING_ASCII"),
        Setting("mouse", _bool, "let the terminal send mouse events", "BRIEFING_MOUSE"),
        Setting("date_format", _date_format, "how dates are shown (strftime)", "BRIEFING_DATE_FORMAT"),
        Setting("widths", _widths, "side pane widths in columns: articles, keypoints"),
        Setting("fetch_interval", _minutes, "minutes between feed fetches while the reader runs (0: never)",
                "BRIEFING_FETCH_INTERVAL"),
        Setting("keys", _keys, "key bindings by action id (see the help screen, ?)"),
        Setting("hide", _queries, "search queries whose articles are left out of every list (H shows them)"),
        Setting("highlight", _queries, "search queries whose articles are marked in the list"),
        Setting("bell", _bool, "ring the terminal's bell when a saved search finds new articles", "BRIEFING_BELL"),
        Setting("opener", _command, "the program O opens an article's link with", "BRIEFING_OPENER"),
        Setting("archive", _archive, "a team archive on PostgreSQL (postgresql://user@host/db); none: this "
                "machine's own index and state", "BRIEFING_ARCHIVE"),
        Setting("analyst", _analyst, "the name to work under in the archive when analysts share a database "
                "role (none: the role's own name)", "BRIEFING_ANALYST"),
    ]
}


@dataclass
class Settings:
    """The effective settings, where each came from, and what was wrong on the way.

    One field per entry of :data:`SETTINGS`, with its default; ``sources``
    says where each value came from ("default", the file, "$VARIABLE",
    "command line", "given").
    """

    content: Path = Path("content")
    index: Path | None = None
    theme: str | None = None
    follow_links: bool = False
    ascii: bool = False
    mouse: bool = True
    date_format: str = "%Y-%m-%d"
    widths: dict[str, int] = field(default_factory=dict)
    fetch_interval: int = 0
    keys: dict[str, str] = field(default_factory=dict)
    hide: list[str] = field(default_factory=list)
    highlight: list[str] = field(default_factory=list)
    bell: bool = False
    opener: str = "xdg-open"
    archive: str | None = None
    analyst: str | None = None
    sources: dict[str, str] = field(default_factory=lambda: {n: "default" for n in SETTINGS})
    problems: list[str] = field(default_factory=list)
    file: Path | None = None

    def value(self, name: str) -> Any:
        """The value of the setting *name* (a key of :data:`SETTINGS`)."""
        if name not in SETTINGS:
            raise KeyError(name)
        return getattr(self, name)

    def set(self, name: str, raw: Any, source: str, where: str) -> None:
        """Use *raw* for *name* if it converts; otherwise report it and keep the value so far."""
        try:
            value = SETTINGS[name].convert(raw)
        except ConfigError as exc:
            self.problems.append(f"{where}: {name} {exc}; using {describe(self.value(name))}")
            return
        setattr(self, name, value)
        self.sources[name] = source

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Defaults with *values* given in code (the reader's tests, say); each checked as from a file."""
        settings = cls()
        for name, raw in values.items():
            settings.set(name, raw, "given", "given")
        return settings

    def format_date(self, date: dt.date | None) -> str:
        return date.strftime(self.date_format) if date else ""


def describe(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "none"
    return str(value)


def read_file(path: Path, settings: Settings, required: bool) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            settings.problems.append(f"{path}: no such file ({CONFIG_ENV} points at it); using the defaults")
        return
    except (OSError, UnicodeDecodeError) as exc:
        settings.problems.append(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc}); using the defaults")
        return
    settings.file = path
    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        settings.problems.append(f"{path}: not valid YAML ({' '.join(str(exc).split())}); using the defaults")
        return
    if data is None:
        return
    if not isinstance(data, dict):
        settings.problems.append(f"{path}: wants a mapping of settings, found {type(data).__name__}; using the defaults")
        return
    for key, raw in data.items():
        if key not in SETTINGS:
            settings.problems.append(f"{path}: {key!r} is not a setting (settings: {', '.join(SETTINGS)}); ignored")
            continue
        settings.set(key, raw, str(path), str(path))


def load(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Defaults, then the config file, then ``BRIEFING_*`` variables, then *overrides* (the command line)."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    pointed = environ.get(CONFIG_ENV)
    path = Path(pointed).expanduser() if pointed else default_config_path()
    read_file(path, settings, required=bool(pointed))
    for name, setting in SETTINGS.items():
        if setting.env and environ.get(setting.env):
            settings.set(name, environ[setting.env], f"${setting.env}", f"${setting.env}")
    for name, raw in (overrides or {}).items():
        if raw is not None:
            settings.set(name, raw, "command line", "command line")
    return settings


def remembered(settings: Settings, setting: str, key: str, configured: Any, preference: Callable[[str], str | None]) -> str | None:
    """A choice made in the reader (stored under *key*), if it still stands over *setting*.

    It stands until the config file changes that setting (the value it
    overrode is stored beside it); a variable or an option wins for its run.
    """
    source = settings.sources[setting]
    if source == "command line" or source.startswith("$"):
        return None
    chosen = preference(key)
    overrode = preference(f"{key}.over") or "none"
    return chosen if chosen is not None and overrode == describe(configured) else None
