"""Over SSH: a real sshd on 127.0.0.1, `ssh -tt` inside tmux, the reader with TERM=xterm (16 colours)."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.search.index import ContentIndex
from terminal import Terminal, colours_used, needs_tmux, private_env

pytestmark = needs_tmux
SSHD_PACKAGES = ["openssh-server", "openssh-client"]


def find_sshd() -> str | None:
    return shutil.which("sshd") or next((p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd") if os.access(p, os.X_OK)),
                                        None)


def install_sshd() -> tuple[str | None, str]:
    """sshd, installed with apt where this test may (root, apt-get present); else why not."""
    if find_sshd() and shutil.which("ssh"):
        return find_sshd(), ""
    if not shutil.which("apt-get"):
        return None, "sshd is not installed and there is no apt-get to install it"
    if os.geteuid() != 0:
        return None, "sshd is not installed and installing it needs root"
    result = subprocess.run(["apt-get", "install", "-y", "-qq", *SSHD_PACKAGES], capture_output=True, text=True,
                            timeout=600, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if result.returncode != 0 or not find_sshd():
        return None, f"apt-get could not install sshd: {result.stderr.strip()[-300:]}"
    return find_sshd(), ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sshd(tmp_path):
    """A throwaway sshd on 127.0.0.1 that accepts one throwaway key for the current user."""
    binary, why = install_sshd()
    if binary is None:
        print(f"SKIPPED over-SSH test: {why}", file=sys.stderr)
        pytest.skip(why)
    folder = tmp_path / "ssh"
    folder.mkdir(mode=0o700)
    for name in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True)
    authorized = folder / "authorized_keys"
    authorized.write_text((folder / "user_key.pub").read_text())
    authorized.chmod(0o600)
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation wants it
    port = free_port()
    config = folder / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {folder / 'host_key'}",
        f"AuthorizedKeysFile {authorized}", f"PidFile {folder / 'sshd.pid'}",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
        "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password", "PrintMotd no", "",
    ]))
    server = subprocess.Popen([binary, "-D", "-e", "-f", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"sshd did not start: {server.stdout.read().decode(errors='replace')}")
            time.sleep(0.1)
    yield port, folder / "user_key"
    server.terminate()
    server.wait(timeout=10)


def test_over_ssh_with_term_xterm(sshd, content):
    port, key = sshd
    ContentIndex(content).update()
    # ssh passes no environment but TERM: the remote command sets the test's private folders itself.
    remote_env = " ".join(f"{name}={shlex.quote(value)}" for name, value in private_env().items())
    remote = f"cd {shlex.quote(os.getcwd())} && env {remote_env} {shlex.quote(sys.executable)} -m briefing " \
             f"--content {shlex.quote(str(content))}"
    ssh = " ".join(shlex.quote(a) for a in [
        "ssh", "-tt", "-p", str(port), "-i", str(key), "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
        f"{os.environ.get('USER') or 'root'}@127.0.0.1", remote,
    ])
    terminal = Terminal(f'{ssh}; echo "ssh-exit=$?"; sleep 60', {"TERM": "xterm", "COLORTERM": ""}, (80, 24))
    try:
        terminal.wait_for("Articles (5)", timeout=30)
        terminal.wait_for("widespread panic")
        # TERM=xterm arrived through ssh: the reader drew in the terminal's own 16 colours.
        used = colours_used(terminal.styled_screen())
        assert used and all(not c.startswith(("38;2", "48;2")) and not (c.startswith(("38;5", "48;5"))
                                                                        and int(c.split(";")[2]) > 15) for c in used)
        terminal.keys("j", "j")
        terminal.wait_for("Rebels Storm")
        terminal.keys("/")
        terminal.type("Hezbollah")
        screen = terminal.wait_for("2 results for Hezbollah")
        assert "Results (2 of 5)" in screen
        terminal.keys("Enter")
        time.sleep(0.3)
        terminal.keys("q")
        screen = terminal.wait_for("ssh-exit=0", timeout=20)
        # The terminal is as it was: main screen, cursor shown, no mouse reporting, nothing left of the panes.
        assert "Articles" not in screen and "Reading" not in screen
        assert terminal.flag("alternate_on") == "0"
        assert terminal.flag("cursor_flag") == "1"
        assert terminal.flag("mouse_any_flag") == "0"
    finally:
        terminal.close()
