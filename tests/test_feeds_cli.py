"""`briefing feeds add|list|remove` and `briefing fetch` as a user runs them, against a real local server."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from feed_server import FeedServer

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


@pytest.fixture
def home(tmp_path) -> dict[str, str]:
    """An environment with its own config and state folders and no proxy."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["BRIEFING_CONFIG"] = str(tmp_path / "config" / "config.yaml")
    env["BRIEFING_STATE_DIR"] = str(tmp_path / "state")
    env["PYTHONPATH"] = str(ROOT)
    (tmp_path / "content").mkdir()
    return env


@pytest.fixture
def server():
    server = FeedServer().start()
    yield server
    server.stop()


def briefing(env, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def feeds_file(env) -> Path:
    return Path(env["BRIEFING_CONFIG"]).parent / "feeds.yaml"


def test_add_list_remove(home):
    added = briefing(home, "feeds", "add", "https://news.example.com/rss/world.xml")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "added news.example.com: https://news.example.com/rss/world.xml\n"
    named = briefing(home, "feeds", "add", "https://briefs.example.org/atom.xml", "--name", "Daily brief", "--summary-only")
    assert named.returncode == 0, named.stderr
    listed = briefing(home, "feeds", "list")
    assert listed.stdout.splitlines() == [
        "news.example.com\thttps://news.example.com/rss/world.xml",
        "Daily brief\thttps://briefs.example.org/atom.xml  (summaries only)",
    ]
    path = feeds_file(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "fetch_pages: false" in path.read_text()
    removed = briefing(home, "feeds", "remove", "daily brief")
    assert removed.returncode == 0 and "stay in the content folder" in removed.stdout
    assert briefing(home, "feeds", "list").stdout.splitlines() == ["news.example.com\thttps://news.example.com/rss/world.xml"]
    assert not list(path.parent.glob(".feeds.yaml.*"))  # no temporary file left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["feeds", "add", "ftp://example.com/feed"], "not an http or https address"),
        (["feeds", "add", "example.com/feed"], "not an http or https address"),
        (["feeds", "add", "https://example.com/f", "--name", "../../etc"], "a feed name is"),
        (["feeds", "add", "https://example.com/f", "--name", "bad\x1b[2Jname"], "a feed name is"),
        (["feeds", "remove", "nothing"], "no feed named 'nothing'"),
        (["fetch", "--feed", "nothing"], "no feed named 'nothing'"),
        (["fetch"], "no feeds to fetch"),
    ],
)
def test_bad_requests_are_one_clear_line(home, args, message):
    result = briefing(home, *args, "--content", str(Path(home["BRIEFING_STATE_DIR"]).parent / "content")
                      ) if args[0] == "fetch" else briefing(home, *args)
    assert result.returncode in (1, 2)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr


def test_the_same_name_or_address_twice_is_refused(home):
    assert briefing(home, "feeds", "add", "https://a.example/feed", "--name", "a").returncode == 0
    again = briefing(home, "feeds", "add", "https://b.example/feed", "--name", "A")
    assert again.returncode == 2 and "there is a feed named 'A' already" in again.stderr
    same = briefing(home, "feeds", "add", "https://a.example/feed", "--name", "b")
    assert same.returncode == 2 and "is the feed 'a' already" in same.stderr


def test_a_hand_edited_feed_list_is_checked_entry_by_entry(home, server, tmp_path):
    path = feeds_file(home)
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(f"""\
        feeds:
          - name: brief
            url: {server.url('/feeds/atom.xml')}
          - name: broken
            url: gopher://example.com/
          - just a string
        """))
    result = briefing(home, "fetch", "--content", str(tmp_path / "content"), "--delay", "0")
    assert result.returncode == 0, result.stderr
    assert "feeds.yaml: feed 2: not an http or https address" in result.stderr
    assert "feeds.yaml: feed 3: not a mapping with name and url; skipped" in result.stderr
    assert "brief: 2 new, 0 updated, 0 unchanged" in result.stdout


@pytest.mark.parametrize(
    "text",
    ["feeds: [unclosed", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "feeds: 12"],
)
def test_a_broken_feed_list_is_reported_and_nothing_is_fetched(home, text, tmp_path):
    path = feeds_file(home)
    path.parent.mkdir(parents=True)
    path.write_text(text)
    result = briefing(home, "fetch", "--content", str(tmp_path / "content"))
    assert result.returncode == 1
    assert "feeds.yaml" in result.stderr and "Traceback" not in result.stderr


def test_fetch_names_each_failing_feed_and_exits_nonzero_only_when_all_failed(home, server, tmp_path):
    content = tmp_path / "content"
    for name, path in [("wire", "/feeds/rss20.xml"), ("gone", "/status/404"), ("broken", "/status/500")]:
        assert briefing(home, "feeds", "add", server.url(path), "--name", name).returncode == 0
    result = briefing(home, "fetch", "--content", str(content), "--delay", "0", "--timeout", "2")
    assert result.returncode == 0, result.stderr
    assert "wire: 3 new, 0 updated, 0 unchanged" in result.stdout
    assert "gone: failed: HTTP 404 Not Found" in result.stderr
    assert "broken: failed: HTTP 500" in result.stderr
    assert "Fetched 3 feed(s): 3 new article(s); 2 failed" in result.stderr
    assert len(list((content / "wire").glob("*.md"))) == 3
    # One feed only, and every feed failing.
    one = briefing(home, "fetch", "--feed", "gone", "--content", str(content))
    assert one.returncode == 1 and "gone: failed: HTTP 404" in one.stderr and "wire" not in one.stdout
    quiet = briefing(home, "fetch", "--quiet", "--content", str(content), "--delay", "0")
    assert quiet.stdout == "" and "gone: failed" in quiet.stderr


def test_parse_json_works_on_a_fetched_item(home, server, tmp_path):
    content = tmp_path / "content"
    briefing(home, "feeds", "add", server.url("/feeds/atom.xml"), "--name", "brief")
    assert briefing(home, "fetch", "--content", str(content), "--delay", "0").returncode == 0
    (path,) = (content / "brief").glob("*grain*.md")
    result = briefing(home, "parse", str(path), "--json")
    data = json.loads(result.stdout)
    assert data["title"] == "Grain talks to continue on Wednesday"
    assert data["source"] == "Example Brief"
    assert data["author"] == "Mark Pilgrim"
    assert data["key_points"][0]["origin"] == "given"


def test_a_dns_failure_is_named_while_the_other_feeds_fetch(tmp_path):
    """In a network namespace of its own (no route out, so no query leaves the machine)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed: cannot make a network namespace for the DNS failure")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here (needs root): {probe.stderr.decode().strip()}")
    (tmp_path / "content").mkdir()
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""\
        import fcntl, socket, struct, sys
        sys.path[:0] = [{str(TESTS)!r}, {str(ROOT)!r}]
        # Bring the namespace's loopback up (SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP).
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, struct.pack("16sH14s", b"lo", 0, b""))[:18])[1]
        fcntl.ioctl(s, 0x8914, struct.pack("16sH14s", b"lo", flags | 1, b""))
        from feed_server import FeedServer
        server = FeedServer().start()
        from briefing.feeds.store import Feed, save_feeds
        save_feeds([Feed("local", server.url("/feeds/rss10.rdf")), Feed("nowhere", "http://feeds.example.invalid/rss")])
        from briefing.cli import main
        sys.exit(main(["fetch", "--content", {str(tmp_path / 'content')!r}, "--delay", "0", "--timeout", "3"]))
        """))
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(BRIEFING_CONFIG=str(tmp_path / "config" / "config.yaml"), BRIEFING_STATE_DIR=str(tmp_path / "state"))
    result = subprocess.run(["unshare", "-n", sys.executable, str(script)], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "nowhere: failed: host name not found" in result.stderr
    assert "local: 1 new" in result.stdout


def test_fetch_interval_is_a_setting_in_minutes(home):
    config = Path(home["BRIEFING_CONFIG"])
    config.parent.mkdir(parents=True)
    config.write_text("fetch_interval: 30\n")
    shown = briefing(home, "config", "--show")
    assert f"fetch_interval = 30  ({config})" in shown.stdout
    config.write_text("fetch_interval: 1\n")
    shown = briefing(home, "config", "--show")
    assert "fetch_interval wants minutes between fetches: 0 (never) or 5 to 1440" in shown.stderr
    assert "fetch_interval = 0  (default)" in shown.stdout
