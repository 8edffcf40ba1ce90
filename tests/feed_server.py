"""A real HTTP server on 127.0.0.1 for the feed tests, serving the fixtures and the failure cases.

    /feeds/NAME        a feed from tests/data/formats/feeds (BASE_URL replaced by the server's address),
                       with an ETag and Last-Modified, answering 304 to a matching conditional GET
    /pages/NAME        a page from tests/data/formats/pages
    /gzip/feeds/NAME   the same feed, gzip-encoded
    /status/CODE       that status and nothing else (404, 500, ...)
    /slow              answers after `slow_seconds`
    /trickle           sends a byte every 0.2 s, for ever (until the client goes)
    /huge              more bytes than any cap
    /bomb              a small gzip body that inflates to 64 MiB
    /redirect/N/PATH   N redirects, then PATH
    /loop              a redirect to itself
    /override/PATH     what `overrides[PATH]` holds (tests change a feed between fetches)

Every request is logged (path, headers, time) in `requests`. Run as a script
(``python tests/feed_server.py DIR PORT``) it serves in the foreground, for
tests that need the server in another network namespace.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "formats"
TYPES = {".xml": "application/rss+xml", ".rdf": "application/rdf+xml", ".json": "application/feed+json",
         ".html": "text/html; charset=utf-8"}
# One fixed date for Last-Modified, so conditional requests are predictable.
LAST_MODIFIED = formatdate(1733130000, usegmt=True)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float
    host: str


_BOMB: list[bytes] = []


def _bomb() -> bytes:
    if not _BOMB:
        _BOMB.append(gzip.compress(b" " * (64 * 2**20), compresslevel=9))
    return _BOMB[0]


class FeedServer:
    def __init__(self, data: Path = DATA, port: int = 0) -> None:
        self.data = data
        self.requests: list[Request] = []
        self.overrides: dict[str, tuple[bytes, str]] = {}
        self.slow_seconds = 3.0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                with server._lock:
                    server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                   time.monotonic(), self.headers.get("Host", "")))
                try:
                    server.route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        _bomb()
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> FeedServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, prefix: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def fixture(self, kind: str, name: str) -> bytes | None:
        path = (self.data / kind / name).resolve()
        if not path.is_relative_to(self.data.resolve()) or not path.is_file():
            return None
        return path.read_bytes().replace(b"BASE_URL", self.base.encode())

    def route(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0]
        parts = path.strip("/").split("/")
        if path.startswith("/override/") and path[len("/override"):] in self.overrides:
            body, kind = self.overrides[path[len("/override"):]]
            return self.send(h, 200, body, kind, conditional=True)
        if parts[0] in ("feeds", "pages") and len(parts) == 2:
            body = self.fixture(parts[0], parts[1])
            if body is None:
                return self.send(h, 404, b"not found", "text/plain")
            return self.send(h, 200, body, TYPES.get(Path(parts[1]).suffix, "application/octet-stream"), conditional=True)
        if parts[0] == "gzip" and len(parts) == 3:
            body = self.fixture(parts[1], parts[2]) or b""
            return self.send(h, 200, gzip.compress(body), TYPES.get(Path(parts[2]).suffix, ""), encoding="gzip")
        if parts[0] == "status" and len(parts) == 2 and parts[1].isdigit():
            return self.send(h, int(parts[1]), b"error page", "text/html")
        if path == "/slow":
            time.sleep(self.slow_seconds)
            return self.send(h, 200, self.fixture("feeds", "rss20.xml") or b"", TYPES[".xml"])
        if path == "/trickle":
            h.send_response(200)
            h.send_header("Content-Type", TYPES[".xml"])
            h.end_headers()
            for _ in range(600):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.2)
            return None
        if path == "/huge":
            h.send_response(200)
            h.send_header("Content-Type", TYPES[".xml"])
            h.end_headers()
            chunk = b"<!-- padding -->" * 4096
            for _ in range(2000):  # 128 MiB at most, cut short when the client hangs up
                h.wfile.write(chunk)
            return None
        if path == "/bomb":
            return self.send(h, 200, _bomb(), TYPES[".xml"], encoding="gzip")
        if parts[0] == "redirect" and len(parts) >= 2 and parts[1].isdigit():
            n = int(parts[1])
            rest = "/" + "/".join(parts[2:])
            target = f"/redirect/{n - 1}{rest}" if n > 1 else rest
            return self.send(h, 302, b"", "text/plain", location=self.base + target)
        if path == "/loop":
            return self.send(h, 302, b"", "text/plain", location=self.base + "/loop")
        return self.send(h, 404, b"not found", "text/plain")

    def send(self, h, status: int, body: bytes, kind: str, conditional: bool = False,
             encoding: str | None = None, location: str | None = None) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if conditional and h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(body)))
        if conditional:
            h.send_header("ETag", etag)
            h.send_header("Last-Modified", LAST_MODIFIED)
        if encoding:
            h.send_header("Content-Encoding", encoding)
        if location:
            h.send_header("Location", location)
        h.end_headers()
        h.wfile.write(body)


if __name__ == "__main__":
    server = FeedServer(Path(sys.argv[1]), int(sys.argv[2]))
    print(server.base, flush=True)
    server.httpd.serve_forever()
