"""A real terminal for the tests: the reader under tmux, on a tmux server of its own."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")

# SGR colour parameters as tmux's capture-pane -e writes them.
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def private_env(*extra: str) -> dict[str, str]:
    """The test's own index, state and config folders, for a reader started in a terminal."""
    names = ("BRIEFING_STATE_DIR", "BRIEFING_INDEX_DIR", "XDG_CONFIG_HOME", *extra)
    return {name: os.environ[name] for name in names if name in os.environ}


def reader_command(*args: str, after: str = 'echo "exit=$?"; sleep 60') -> str:
    """The reader as a shell command line; what the shell prints after it shows it ended."""
    quoted = " ".join(f"'{a}'" for a in (sys.executable, "-m", "briefing", *args))
    return f"{quoted}; {after}"


class Terminal:
    """tmux at a fixed size running *command* with *env* set in its session."""

    def __init__(self, command: str, env: dict[str, str], size: tuple[int, int] = (100, 30)) -> None:
        self.socket = f"briefing-test-{os.getpid()}-{time.monotonic_ns()}"
        # tmux gives its panes TERM=<default-terminal> whatever the session's
        # environment says: the terminal type is set through that option.
        self.config = Path(tempfile.mkstemp(prefix="tmux-", suffix=".conf")[1])
        self.config.write_text(f'set -g default-terminal "{env.get("TERM", "xterm-256color")}"\n')
        settings = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]
        self.tmux("new-session", "-d", "-x", str(size[0]), "-y", str(size[1]), *settings, command)

    def tmux(self, *args: str) -> str:
        # The tmux server passes its environment on to the pane. COLUMNS and
        # LINES (set while a test runs) would override the pane's real size.
        env = {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")}
        return subprocess.run(["tmux", "-L", self.socket, "-f", str(self.config), *args],
                              capture_output=True, text=True, check=True, env=env).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def styled_screen(self) -> str:
        """The screen with its colour and attribute sequences."""
        return self.tmux("capture-pane", "-p", "-e")

    def flag(self, name: str) -> str:
        """A pane's mode as tmux tracks it: alternate_on, cursor_flag, mouse_any_flag, ..."""
        return self.tmux("display-message", "-p", f"#{{{name}}}").strip()

    def keys(self, *keys: str) -> None:
        """Keys by tmux's names: "Enter", "Escape", "j", "?"."""
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        """*text* typed as it is, key names and all."""
        self.tmux("send-keys", "-l", text)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while text not in screen and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = self.screen()
        assert text in screen, screen
        return screen

    def wait_until_gone(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while text in screen and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = self.screen()
        assert text not in screen, screen
        return screen

    def pane_pid(self) -> int:
        return int(self.tmux("list-panes", "-F", "#{pane_pid}").split()[0])

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        self.config.unlink(missing_ok=True)


def colours_used(styled: str) -> set[str]:
    """Each foreground/background colour in SGR sequences: '31', '38;5;240', '48;2;1;2;3'."""
    found = set()
    for params in _SGR.findall(styled):
        parts = params.replace(":", ";").split(";")
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in ("38", "48") and i + 1 < len(parts):
                width = 3 if parts[i + 1] == "5" else 5
                found.add(";".join(parts[i:i + width]))
                i += width
                continue
            if p.isdigit() and (30 <= int(p) <= 37 or 40 <= int(p) <= 47 or 90 <= int(p) <= 97 or 100 <= int(p) <= 107):
                found.add(p)
            i += 1
    return found
