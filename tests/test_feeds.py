"""Fetching feeds from a real HTTP server on 127.0.0.1: formats, items written once, edits kept, failures named."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import stat
import threading
from pathlib import Path

import pytest

from briefing.feeds.http import Fetcher, FetchError, Policy
from briefing.feeds.service import FeedFinished, FeedStarted, FetchFinished, ItemSaved, fetch
from briefing.feeds.store import Feed, FetchState
from briefing.parse import parse_file

from conftest import indexed
from feed_server import FeedServer

QUICK = Policy(timeout=2.0, deadline=4.0, host_delay=0.0)


@pytest.fixture
def server():
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


@pytest.fixture
def state(tmp_path) -> FetchState:
    return FetchState(tmp_path / "state" / "feeds-state.json")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def run(feeds, content, state, policy=QUICK, **kw):
    return fetch(feeds, content, policy=policy, state=state, **kw)


def articles(folder: Path) -> dict[str, object]:
    return {a.title: a for a in (parse_file(p) for p in sorted(folder.rglob("*.md")))}


def test_every_feed_format_is_read_into_markdown_briefings(server, content, state):
    feeds = [Feed(name, server.url(f"/feeds/{file}")) for name, file in
             [("wire", "rss20.xml"), ("alerts", "rss091.xml"), ("institute", "rss10.rdf"),
              ("brief", "atom.xml"), ("desk", "feed.json")]]
    report = run(feeds, content, state)
    assert not report.failed, [r.line() for r in report.failed]
    assert sorted(p.name for p in content.iterdir()) == ["alerts", "brief", "desk", "institute", "wire"]
    got = articles(content)
    assert len(got) == 9
    valencia = got["Floods displace thousands in Valencia"]
    assert valencia.source == "Example Wire: World"
    assert valencia.date == dt.date(2024, 12, 2)
    assert valencia.tags == ["Europe"]
    assert valencia.url == server.url("/world/valencia-floods")
    assert "Rescue work" in valencia.headings
    assert "alert(" not in "\n".join(p.text for p in valencia.paragraphs)
    # RSS 1.0 (dc:date, dc:subject), RSS 0.91 (no date), JSON Feed (authors, tags).
    assert got["Why the gas price cap divides Europe"].tags == ["Energy"]
    assert got["Why the gas price cap divides Europe"].date == dt.date(2024, 12, 1)
    assert got["Roadblocks reported on the Kabul-Jalalabad road"].source == "Example Monitor Alerts"
    chile = got["Wildfires force evacuations near Valparaiso"]
    assert chile.author == "Desk Editor"
    assert chile.tags == ["Chile", "Wildfires"]


def test_a_summary_is_a_key_point_only_where_the_feed_marks_it_so(server, content, state):
    run([Feed("brief", server.url("/feeds/atom.xml")), Feed("wire", server.url("/feeds/rss20.xml")),
         Feed("desk", server.url("/feeds/feed.json"))], content, state)
    got = articles(content)
    grain = got["Grain talks to continue on Wednesday"]  # Atom <summary> beside <content>
    assert [k.text for k in grain.key_points if k.origin == "given"] == [
        "Talks on grain exports will continue on Wednesday, the ministry said."]
    assert any(p.kind == "quote" for p in grain.paragraphs)
    chile = got["Wildfires force evacuations near Valparaiso"]  # JSON Feed summary
    assert [k.text for k in chile.key_points if k.origin == "given"] == [
        "Coastal towns near Valparaiso were evacuated as wildfires spread."]
    rates = got["Central bank holds rates at 3.25 percent"]  # RSS description: not marked as a summary
    assert not [k for k in rates.key_points if k.origin == "given"]


def test_summary_only_items_get_the_page_they_link_to(server, content, state):
    run([Feed("wire", server.url("/feeds/rss20.xml"))], content, state)
    doha = articles(content)["Ceasefire talks resume in Doha after two-week pause"]
    text = "\n".join(p.text for p in doha.paragraphs)
    assert "Negotiators returned to Doha on Monday" in text
    assert "What is on the table" in doha.headings
    assert doha.tags == ["Middle East", "Diplomacy"]
    assert "Share on Facebook" not in text
    assert server.hits("/pages/news-article.html")


def test_a_feed_can_opt_out_of_reading_pages(server, content, state):
    run([Feed("wire", server.url("/feeds/rss20.xml"), fetch_pages=False)], content, state)
    doha = articles(content)["Ceasefire talks resume in Doha after two-week pause"]
    assert [p.text for p in doha.paragraphs] == [
        "Mediators met both delegations on Monday; the order of releases is the sticking point."]
    assert not server.hits("/pages/")


def test_a_refetch_writes_nothing_twice_and_asks_conditionally(server, content, state):
    feed = Feed("brief", server.url("/feeds/atom.xml"))
    first = run([feed], content, state)
    assert len(first.results[0].new) == 2
    files = sorted(content.rglob("*.md"))
    second = run([feed], content, state)
    assert second.results[0].not_modified
    assert "not modified" in second.results[0].line()
    assert server.hits("/feeds/atom.xml")[-1].headers.get("if-none-match")
    assert sorted(content.rglob("*.md")) == files
    # The state lost (or a run killed before saving it): the files are found again by name.
    state.path.unlink()
    third = run([feed], content, state)
    assert not third.results[0].new and sorted(content.rglob("*.md")) == files


def test_a_page_that_cannot_be_read_is_tried_again_a_few_times(server, content, state):
    feed = Feed("wire", server.url("/feeds/rss20.xml"))
    results = [run([feed], content, state).results[0] for _ in range(4)]
    # /business/rates does not exist: its item keeps its summary, and the feed is read
    # whole (no conditional GET) until the page has been tried three times.
    assert [r.summary_only for r in results[:3]] == [1, 1, 1]
    assert [len(server.hits("/business/rates")) for _ in [0]] == [3]
    assert results[3].not_modified
    assert "1 with the summary only" in results[0].line()


@pytest.mark.parametrize("folder_mode", [0o700, 0o2775])
def test_files_take_the_content_folders_permissions_and_are_named_by_date_title_and_item(
        server, content, state, folder_mode):
    # A private folder keeps fetched articles private; a folder a team shares
    # (group-writable, setgid) gives them to the team. Fetch state stays private.
    os.chmod(content, folder_mode)
    run([Feed("wire", server.url("/feeds/rss20.xml"))], content, state)
    names = sorted(p.name for p in (content / "wire").iterdir())
    assert any(n.startswith("2024-12-02-central-bank-holds-rates-at-3-25-percent-") for n in names)
    for path in (content / "wire").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == folder_mode & 0o666
    assert stat.S_IMODE((content / "wire").stat().st_mode) == folder_mode
    assert stat.S_IMODE(state.path.stat().st_mode) == 0o600
    text = next((content / "wire").glob("*valencia*")).read_text()
    assert text.startswith("---\ntitle: Floods displace thousands in Valencia\n")
    assert "feed: wire\n" in text


def rss(items: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>http://x/</link>'
            f"<description>d</description>{items}</channel></rss>").encode()


def item(guid: str, title: str, text: str) -> str:
    return (f"<item><title>{title}</title><link>http://x/{guid}</link><guid>{guid}</guid>"
            f"<pubDate>Mon, 02 Dec 2024 08:00:00 GMT</pubDate><description>{text}</description></item>")


def test_an_updated_item_rewrites_its_file_unless_the_user_edited_it(server, content, state):
    feed = Feed("desk", server.url("/override/desk.xml"), fetch_pages=False)
    server.overrides["/desk.xml"] = (rss(item("a", "First", "One.") + item("b", "Second", "Two.")), "application/rss+xml")
    run([feed], content, state)
    first = next((content / "desk").glob("*-first-*.md"))
    second = next((content / "desk").glob("*-second-*.md"))
    second.write_text(second.read_text() + "\nMy own note on this.\n")
    server.overrides["/desk.xml"] = (rss(item("a", "First", "One, corrected.") + item("b", "Second", "Two, corrected.")),
                                     "application/rss+xml")
    report = run([feed], content, state)
    result = report.results[0]
    assert result.updated == [first]
    assert result.kept_edits == [second]
    assert "One, corrected." in first.read_text()
    assert "My own note on this." in second.read_text() and "Two, corrected." not in second.read_text()
    assert "1 kept as you edited them" in result.line()


def test_a_file_the_user_deleted_is_not_brought_back(server, content, state):
    feed = Feed("desk", server.url("/override/desk.xml"), fetch_pages=False)
    server.overrides["/desk.xml"] = (rss(item("a", "First", "One.")), "application/rss+xml")
    run([feed], content, state)
    (path,) = (content / "desk").glob("*.md")
    path.unlink()
    server.overrides["/desk.xml"] = (rss(item("a", "First", "One, again.") + item("c", "Third", "Three.")),
                                     "application/rss+xml")
    report = run([feed], content, state)
    assert [p.name for p in report.results[0].new] == [next((content / "desk").glob("*-third-*.md")).name]
    assert not list((content / "desk").glob("*-first-*.md"))


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/status/404", "HTTP 404"),
        ("/status/500", "HTTP 500"),
        ("/slow", "timed out"),
        ("/trickle", "timed out"),
        ("/feeds/malformed.xml", "malformed XML (line 2"),
        ("/feeds/not-a-feed.html", "not a feed (the address gives a web page)"),
        ("/huge", "too large"),
        ("/bomb", "too large once uncompressed"),
        ("/loop", "too many redirects"),
        ("/redirect/9/feeds/rss20.xml", "too many redirects"),
    ],
)
def test_a_failing_feed_is_named_with_its_reason_and_the_others_still_fetch(server, content, state, path, reason):
    report = run([Feed("good", server.url("/feeds/atom.xml")), Feed("bad", server.url(path))], content, state,
                 policy=Policy(timeout=1.0, deadline=3.0, host_delay=0.0, max_feed_bytes=2**20))
    good, bad = report.results
    assert good.ok and len(good.new) == 2
    assert not bad.ok and reason in bad.error, bad.error
    assert bad.line().startswith("bad: failed: ")
    assert not report.all_failed
    assert not (content / "bad").exists()


def test_redirects_within_the_limit_are_followed_and_gzip_is_undone(server, content, state):
    report = run([Feed("moved", server.url("/redirect/3/feeds/rss10.rdf")), Feed("packed", server.url("/gzip/feeds/feed.json"))],
                 content, state)
    assert [len(r.new) for r in report.results] == [1, 2], [r.line() for r in report.results]


def test_nothing_already_fetched_is_lost_when_a_feed_starts_failing(server, content, state):
    feed = Feed("desk", server.url("/override/desk.xml"), fetch_pages=False)
    server.overrides["/desk.xml"] = (rss(item("a", "First", "One.")), "application/rss+xml")
    run([feed], content, state)
    before = {p: p.read_bytes() for p in content.rglob("*.md")}
    server.overrides["/desk.xml"] = (b"<rss><channel><<<", "application/rss+xml")
    report = run([feed], content, state)
    assert report.all_failed
    assert {p: p.read_bytes() for p in content.rglob("*.md")} == before


def test_requests_to_one_host_are_spaced_by_the_delay(server, content, state):
    feeds = [Feed("a", server.url("/feeds/rss10.rdf")), Feed("b", server.url("/feeds/rss091.xml")),
             Feed("c", server.url("/feeds/feed.json"))]
    run(feeds, content, state, policy=Policy(timeout=2.0, host_delay=0.4))
    times = sorted(r.at for r in server.hits("/feeds/"))
    assert len(times) == 3
    assert all(b - a >= 0.39 for a, b in zip(times, times[1:])), times


def test_requests_say_who_asks(server):
    Fetcher(QUICK).get(server.url("/feeds/atom.xml"), 2**20)
    (hit,) = server.hits("/feeds/atom.xml")
    assert hit.headers["user-agent"].startswith("Briefing/")
    assert "gzip" in hit.headers["accept-encoding"]


def test_events_come_in_order_for_a_reader_to_show_progress(server, content, state):
    events = []
    run([Feed("brief", server.url("/feeds/atom.xml")), Feed("bad", server.url("/status/404"))], content, state,
        on_event=events.append)
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("FeedStarted") == 2 and kinds.count("FeedFinished") == 2
    assert kinds[-1] == "FetchFinished"
    saved = [e for e in events if isinstance(e, ItemSaved)]
    assert len(saved) == 2 and all(e.status == "new" and e.path.is_file() for e in saved)
    finished = [e for e in events if isinstance(e, FeedFinished)]
    assert sorted(e.done for e in finished) == [1, 2] and all(e.total == 2 for e in finished)
    assert all(isinstance(e, FeedStarted) and e.total == 2 for e in events if type(e).__name__ == "FeedStarted")
    report = events[-1].report
    assert isinstance(events[-1], FetchFinished)
    assert "2 new article(s); 1 failed (bad: HTTP 404" in report.status()


def test_a_cancelled_fetch_stops_and_says_so(server, content, state):
    cancel = threading.Event()
    cancel.set()
    report = run([Feed("brief", server.url("/feeds/atom.xml"))], content, state, cancel=cancel)
    assert report.cancelled and not list(content.rglob("*.md"))


def test_two_fetches_at_once_write_each_item_once(server, content, state):
    feeds = [Feed("wire", server.url("/feeds/rss20.xml"), fetch_pages=False), Feed("brief", server.url("/feeds/atom.xml"), fetch_pages=False)]
    threads = [threading.Thread(target=run, args=(feeds, content, FetchState(state.path))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(list(content.rglob("*.md"))) == 5


def test_hostile_feed_fields_never_reach_a_file_or_the_terminal_raw(server, content, state):
    evil = ('<item><title>\x1b]0;owned\x07Bad \x1b[2Jtitle</title><link>javascript:alert(1)</link>'
            '<guid>../../../etc/passwd</guid><category>\u202eevil</category>'
            '<description>&lt;script&gt;x()&lt;/script&gt;Text [bold]kept[/bold] as written.</description></item>')
    server.overrides["/evil.xml"] = (rss(evil), "application/rss+xml")
    report = run([Feed("evil", server.url("/override/evil.xml"))], content, state)
    (path,) = report.results[0].new
    assert path.parent == content / "evil"
    data = path.read_text()
    for bad in ("\x1b", "\x07", "\u202e", "javascript:", "<script"):
        assert bad not in data
    article = parse_file(path)
    assert article.title == "Bad title"
    assert "Text [bold]kept[/bold] as written." in article.paragraphs[0].text
    assert "\x1b" not in report.results[0].line()


def test_fetched_items_are_indexed_like_any_briefing(server, content, state):
    run([Feed("brief", server.url("/feeds/atom.xml"))], content, state)
    titles = sorted(e.title for e in indexed(content).entries)
    assert titles == ["Election recount begins in Georgia", "Grain talks to continue on Wednesday"]


def test_the_proxy_from_the_environment_is_used(server, monkeypatch, content, state):
    proxy = ProxyServer(server.port).start()
    try:
        monkeypatch.setenv("http_proxy", proxy.base)
        # A name that does not resolve: only the proxy can reach it.
        report = run([Feed("via", "http://feeds.invalid/feeds/atom.xml")], content, state)
        assert report.results[0].ok, report.results[0].error
        # The feed, and the page its summary-only item links to, both through the proxy.
        assert proxy.seen == ["http://feeds.invalid/feeds/atom.xml", f"{server.base}/pages/news-article.html"]
    finally:
        proxy.stop()


def test_certificates_are_checked(tmp_path, content, state):
    https = HttpsServer(tmp_path).start()
    try:
        report = run([Feed("tls", https.url)], content, state)
        assert "certificate not trusted" in report.results[0].error
        # Trusting the server's own authority (SSL_CERT_FILE) makes it work.
        env = dict(os.environ, SSL_CERT_FILE=str(https.ca))
        import subprocess
        import sys

        code = ("from briefing.feeds.http import Fetcher, Policy; import sys; "
                f"r = Fetcher(Policy(timeout=2, host_delay=0)).get({https.url!r}, 2**20); print(r.status)")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        assert out.stdout.strip() == "200", out.stderr
    finally:
        https.stop()


def test_http_errors_are_one_short_reason(server):
    fetcher = Fetcher(QUICK)
    with pytest.raises(FetchError, match="^HTTP 404"):
        fetcher.get(server.url("/status/404"), 2**20)
    with pytest.raises(FetchError, match="connection refused"):
        fetcher.get("http://127.0.0.1:9/feed", 2**20)
    with pytest.raises(FetchError, match="not an http or https address"):
        fetcher.get("file:///etc/passwd", 2**20)
    assert gzip  # the server gzips its /gzip/ answers


# --- helpers: a forwarding proxy and an HTTPS server with its own authority ---------------------


class ProxyServer:
    """A plain HTTP proxy on 127.0.0.1 that sends every request to the feed server, whatever the host."""

    def __init__(self, target_port: int) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit
        from urllib.request import ProxyHandler, build_opener

        direct = build_opener(ProxyHandler({}))  # never through itself

        self.seen: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.seen.append(self.path)
                path = urlsplit(self.path).path
                with direct.open(f"http://127.0.0.1:{target_port}{path}", timeout=5) as reply:
                    body = reply.read()
                self.send_response(200)
                self.send_header("Content-Type", reply.headers.get("Content-Type", ""))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> ProxyServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class HttpsServer:
    """HTTPS on 127.0.0.1 with a certificate from a throwaway authority (made with the openssl command)."""

    def __init__(self, folder: Path) -> None:
        import shutil
        import ssl
        import subprocess
        from http.server import ThreadingHTTPServer

        if shutil.which("openssl") is None:
            pytest.skip("the openssl command is not installed: cannot make a test certificate")
        self.ca = folder / "ca.pem"
        key, cert, ca_key = folder / "key.pem", folder / "cert.pem", folder / "ca-key.pem"
        ext = folder / "ext.cnf"
        ext.write_text("subjectAltName=IP:127.0.0.1\n")
        cmds = [
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", self.ca,
             "-days", "2", "-subj", "/CN=Briefing test authority"],
            ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", folder / "req.pem",
             "-subj", "/CN=127.0.0.1"],
            ["openssl", "x509", "-req", "-in", folder / "req.pem", "-CA", self.ca, "-CAkey", ca_key,
             "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext],
        ]
        for cmd in cmds:
            subprocess.run([str(c) for c in cmd], check=True, capture_output=True, timeout=60)
        served = FeedServer()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), served.httpd.RequestHandlerClass)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}/feeds/atom.xml"
        served.httpd.server_close()

    def start(self) -> HttpsServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_fetch_service_never_imports_the_terminal_ui():
    """The reader runs fetch() in a worker; the command line and cron run it with no terminal UI at all."""
    import subprocess
    import sys

    code = ("import sys, briefing.feeds.service, briefing.feeds.commands, briefing.formats.html, "
            "briefing.formats.mail; print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
