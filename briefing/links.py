"""An article's link: which ones may be opened, how one is copied through the terminal, and how it is opened.

A link comes from the article (front matter ``url``, a page's or a feed
item's address): it is untrusted text. Only ``http``, ``https`` and
``mailto`` links are ever opened; any other (``javascript:``, ``file:``,
``data:``) is shown and refused. What reaches the terminal is printable
ASCII only: other characters are percent-encoded, and a link holding a
control or escape character is refused whole, so a link can never end an
escape sequence early and write its own.

Copying uses OSC 52, which the terminal at the far end of an SSH connection
carries out: inside tmux or GNU screen the sequence is wrapped so that they
pass it on (tmux also takes it plainly with ``set-clipboard on``).
"""

from __future__ import annotations

import base64
import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

OPENABLE = ("http", "https", "mailto")
MAX_LINK = 4096
# GNU screen passes at most this many bytes of one DCS string on.
SCREEN_CHUNK = 76
# Terminals known to draw an OSC 8 sequence as text instead of a link.
NO_HYPERLINKS = ("linux", "dumb", "vt100", "vt102", "vt220", "cons25")


@dataclass(frozen=True)
class Link:
    """An article's link as it may be used: *shown* for the screen, *target* for a terminal or opener."""

    shown: str
    # The address, printable ASCII, or None when it may not be used at all.
    target: str | None
    # Why it is not opened (None: it may be).
    refused: str | None = None

    @property
    def openable(self) -> bool:
        return self.refused is None and self.target is not None


def link(url: str | None) -> Link | None:
    """The article's *url* checked; None when it has none."""
    if url is None or not url.strip():
        return None
    raw = url.strip()
    shown = "".join(c if c.isprintable() else "\ufffd" for c in raw)[:300]
    if any(not c.isprintable() or c in "\x1b\x07\x9c" for c in raw):
        return Link(shown, None, "it holds control characters")
    if len(raw) > MAX_LINK:
        return Link(shown, None, f"it is longer than {MAX_LINK} characters")
    target = quote(raw, safe="!#$%&'()*+,-./:;=?@[]~_")
    try:
        parts = urlsplit(target)
    except ValueError:
        return Link(shown, None, "it is not a well-formed address")
    scheme = parts.scheme.lower()
    if scheme not in OPENABLE:
        what = f"'{scheme}:' links" if scheme else "links without http, https or mailto"
        return Link(shown, target, f"{what} are never opened")
    if scheme in ("http", "https") and not parts.hostname:
        return Link(shown, target, "it names no host")
    return Link(shown, target)


def hyperlinks_supported(env: Mapping[str, str] | None = None) -> bool:
    """Whether the terminal is likely to show an OSC 8 link as a link (all others ignore it, except these)."""
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    return bool(term) and not term.startswith(NO_HYPERLINKS) and "STY" not in env


def clipboard_sequence(text: str, env: Mapping[str, str] | None = None) -> str:
    """The OSC 52 sequence that puts *text* on the terminal's clipboard, wrapped for tmux or screen."""
    env = os.environ if env is None else env
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    osc = f"\x1b]52;c;{payload}\x07"
    if env.get("TMUX"):
        # tmux passes a DCS on (allow-passthrough on) with each ESC doubled; with
        # set-clipboard on it takes the plain sequence itself and sets the outer terminal's.
        return osc + "\x1bPtmux;" + osc.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if env.get("STY") or env.get("TERM", "").startswith("screen"):
        # screen passes a DCS body on as it is, in short strings.
        return "".join(f"\x1bP{osc[i:i + SCREEN_CHUNK]}\x1b\\" for i in range(0, len(osc), SCREEN_CHUNK))
    return osc


def tmux_passes_clipboard(env: Mapping[str, str] | None = None) -> bool | None:
    """Inside tmux: whether it passes the clipboard on (set-clipboard on, or allow-passthrough on); None outside."""
    env = os.environ if env is None else env
    if not env.get("TMUX"):
        return None
    values = []
    for option in ("set-clipboard", "allow-passthrough"):
        try:
            out = subprocess.run(["tmux", "show-options", "-gv", option], capture_output=True, text=True,
                                 timeout=2, env=dict(env)).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        values.append(out)
    return values[0] == "on" or values[1] in ("on", "all")


def has_display(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether an opener has a screen to open on (a desktop session; macOS always has one)."""
    import sys

    env = os.environ if env is None else env
    platform = platform or sys.platform
    if platform == "darwin" or platform.startswith("win"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


class OpenRefused(Exception):
    """The link was not opened; the message says why."""


def open_link(found: Link, opener: str, env: Mapping[str, str] | None = None) -> None:
    """Hand *found* to *opener* (a command, with arguments if need be), never through a shell."""
    if not found.openable:
        raise OpenRefused(f"Not opened: {found.refused}.")
    if not has_display(env):
        raise OpenRefused("Not opened: there is no display here (no DISPLAY or WAYLAND_DISPLAY, as over SSH); "
                          "L copies the link instead.")
    try:
        command = shlex.split(opener)
    except ValueError as exc:
        raise OpenRefused(f"Not opened: the opener setting cannot be read ({exc}).") from None
    if not command:
        raise OpenRefused("Not opened: no opener is set.")
    assert found.target is not None
    try:
        # Its own session, no terminal: the opener can neither read keys nor draw over the reader.
        subprocess.Popen([*command, found.target], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True,
                         env=dict(env) if env is not None else None)
    except OSError as exc:
        raise OpenRefused(f"Not opened: {command[0]} could not be started ({exc.strerror or exc}).") from None
