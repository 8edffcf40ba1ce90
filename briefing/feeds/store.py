"""The feed list (``feeds.yaml`` in the config folder) and what fetching remembers.

``feeds.yaml`` is the user's: a list of feeds with a name and a URL, which
``briefing feeds add/remove`` rewrite atomically and privately (0600) and which
may be edited by hand. What fetching needs to remember (validators for
conditional GETs, which items were written to which file and what they held)
is kept apart, in ``feeds-state.json`` beside the reading state, under a lock
so that a fetch from cron and one from the reader do not lose each other's
work.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from briefing import safe_yaml
from briefing.private import private_dir, write_private
from briefing.sanitize import clean_line

FEEDS_FILE = "feeds.yaml"
STATE_FILE = "feeds-state.json"
MAX_FEEDS_BYTES = 256 * 1024
MAX_STATE_BYTES = 64 * 2**20
MAX_ITEMS_KEPT = 5000  # per feed: the oldest are forgotten first
_NAME = re.compile(r"^[\w][\w .+-]{0,59}$")


class FeedsError(Exception):
    """A feed list or a request about it that cannot be used; the message says why."""


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    # Items that carry only a summary: read the page they link to.
    fetch_pages: bool = True

    def to_yaml(self) -> dict[str, object]:
        data: dict[str, object] = {"name": self.name, "url": self.url}
        if not self.fetch_pages:
            data["fetch_pages"] = False
        return data

    @property
    def folder(self) -> str:
        """The content subfolder its items are written to."""
        return slug(self.name, 60) or "feed"


def feeds_path() -> Path:
    """``feeds.yaml`` beside the config file in use (``$BRIEFING_CONFIG``), else in the config folder."""
    from briefing import config

    env = os.environ.get(config.CONFIG_ENV)
    folder = Path(env).expanduser().parent if env else config.config_dir()
    return folder / FEEDS_FILE


def state_path() -> Path:
    from briefing.state import default_state_path

    return default_state_path().parent / STATE_FILE


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FeedsError(f"not an http or https address: {clean_line(url)[:200]!r}")
    if any(c.isspace() for c in url) or clean_line(url) != url:
        raise FeedsError("the address holds spaces or control characters")
    return url


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name) or clean_line(name) != name:
        raise FeedsError(f"a feed name is 1 to 60 letters, digits, spaces and . _ + - (not {clean_line(name)[:60]!r})")
    return name


def default_name(url: str, taken: set[str]) -> str:
    """A name from the address: its host without 'www.', then with the path's last word if taken."""
    parts = urlsplit(url)
    host = (parts.hostname or "feed").removeprefix("www.")
    candidates = [host]
    words = [w for w in re.split(r"[/._-]+", parts.path) if w and w.lower() not in ("rss", "feed", "feeds", "xml", "atom", "index")]
    if words:
        candidates.append(f"{host}-{words[-1]}")
    candidates += [f"{host}-{n}" for n in range(2, 100)]
    for name in candidates:
        name = re.sub(r"[^\w.+-]", "-", name)[:60]
        if name.lower() not in taken:
            return name
    raise FeedsError("could not make a name for this feed; give one with --name")


def load_feeds(path: Path | None = None) -> tuple[list[Feed], list[str]]:
    """The feeds in *path*, and the problems found (each entry checked; a bad one is skipped)."""
    path = path or feeds_path()
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FEEDS_BYTES + 1)
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        raise FeedsError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_FEEDS_BYTES:
        raise FeedsError(f"{path} is larger than {MAX_FEEDS_BYTES // 1024} KiB; not read")
    try:
        raw = _safe_yaml(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise FeedsError(f"{path} is not valid YAML ({' '.join(str(exc).split())[:200]})") from None
    if raw is None:
        return [], []
    entries = raw.get("feeds") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise FeedsError(f"{path}: expected a list of feeds under 'feeds:'")
    feeds: list[Feed] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        try:
            if not isinstance(entry, dict):
                raise FeedsError("not a mapping with name and url")
            name = check_name(str(entry.get("name", "")))
            url = check_url(str(entry.get("url", "")))
            fetch_pages = entry.get("fetch_pages", True)
            if not isinstance(fetch_pages, bool):
                raise FeedsError("fetch_pages should be true or false")
            if name.lower() in seen:
                raise FeedsError(f"the name {name!r} is used twice")
        except FeedsError as exc:
            problems.append(f"{path.name}: feed {n}: {exc}; skipped")
            continue
        seen.add(name.lower())
        feeds.append(Feed(name, url, fetch_pages))
    return feeds, problems


def _safe_yaml(text: str):
    """YAML read by Briefing's one bounded loader (aliases cannot expand, nothing is built past its limits)."""
    return safe_yaml.load(text)


def save_feeds(feeds: list[Feed], path: Path | None = None) -> Path:
    path = path or feeds_path()
    text = (
        "# Briefing's feeds: 'briefing feeds add URL [--name NAME]', 'briefing feeds remove NAME'.\n"
        "# fetch_pages: false keeps an item's summary instead of reading the page it links to.\n"
        + yaml.safe_dump({"feeds": [f.to_yaml() for f in feeds]}, sort_keys=False, allow_unicode=True)
    )
    private_dir(path.parent, "the config folder")
    write_private(path, text)
    return path


def write_content(path: Path, data: bytes, content: Path) -> None:
    """Write a fetched article to *path* in the content folder atomically (a temporary file, fsync, rename).

    A fetched article is content, not Briefing's own state: it takes the
    content folder's permissions (a folder shared by a team gives its members
    the articles fetched into it; a private folder keeps them private), and
    the feed's folder inside it is made with the same mode.
    """
    mode = stat.S_IMODE(os.stat(content).st_mode)
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, mode)  # whatever the umask
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), mode & 0o666)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def slug(text: str, limit: int) -> str:
    words = re.findall(r"\w+", clean_line(text).lower())
    out = "-".join(words)[:limit].strip("-")
    return out


class FetchState:
    """What fetching remembers, per content folder and feed; read and written under a lock."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_path()
        self.data: dict[str, dict] = {}

    @contextlib.contextmanager
    def locked(self):
        """Hold the state for one feed's update: read it fresh, let the caller change it, write it."""
        private_dir(self.path.parent, "the state folder")
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.data = self._read()
            yield self
            write_private(self.path, json.dumps(self.data, ensure_ascii=False, indent=1))
        finally:
            os.close(fd)

    def _read(self) -> dict[str, dict]:
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(MAX_STATE_BYTES + 1)
        except FileNotFoundError:
            return {}
        if len(raw) > MAX_STATE_BYTES:
            return {}
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            # A damaged state costs re-checks, never items: files already
            # written are found again by their names.
            return {}
        return data if isinstance(data, dict) else {}

    def feed(self, content: Path, name: str) -> dict:
        key = f"{content.resolve()}\x00{name}"
        entry = self.data.setdefault(key, {})
        if not isinstance(entry, dict):
            entry = self.data[key] = {}
        items = entry.setdefault("items", {})
        if not isinstance(items, dict):
            entry["items"] = {}
        return entry

    @staticmethod
    def trim(entry: dict) -> None:
        items = entry.get("items", {})
        if len(items) > MAX_ITEMS_KEPT:
            for key in list(items)[: len(items) - MAX_ITEMS_KEPT]:
                del items[key]
