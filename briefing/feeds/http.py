"""Polite, bounded HTTP GETs for feeds and the pages their items link to.

The standard library's ``urllib`` does the work: it takes a proxy from the
environment (``http_proxy``, ``https_proxy``, ``no_proxy``), and its default
TLS context checks certificates and host names against the system's trusted
authorities (``SSL_CERT_FILE`` names another bundle). On top of it:
conditional GETs (ETag, Last-Modified), a timeout per network operation and a
deadline for the whole response, a size cap (gzip undone within the same
cap), at most a few redirects, and a delay between two requests to one host.
Every failure becomes a :class:`FetchError` with a reason a person can act on.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from briefing import __version__

USER_AGENT = f"Briefing/{__version__} (terminal news reader; feeds)"


@dataclass(frozen=True)
class Policy:
    """How polite and how patient fetching is. Tests shorten the waits."""

    timeout: float = 15.0  # seconds for one network operation (connect, one read)
    deadline: float = 60.0  # seconds for one whole response
    max_feed_bytes: int = 10 * 2**20
    max_page_bytes: int = 5 * 2**20
    max_redirects: int = 5
    host_delay: float = 1.0  # seconds between two requests to one host
    max_items: int = 200  # items read from one feed at a fetch
    max_pages: int = 30  # linked pages read for one feed at a fetch


class FetchError(Exception):
    """A request that did not give a usable response; the message says why, in a few words."""


@dataclass
class Response:
    url: str  # after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostGate:
    """One request at a time per host, at least ``delay`` seconds apart."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._hosts: dict[str, tuple[threading.Lock, list[float]]] = {}

    def slot(self, host: str):
        with self._lock:
            lock, last = self._hosts.setdefault(host.lower(), (threading.Lock(), [0.0]))
        return _Slot(lock, last, self.delay)


class _Slot:
    def __init__(self, lock: threading.Lock, last: list[float], delay: float) -> None:
        self.lock, self.last, self.delay = lock, last, delay

    def __enter__(self) -> None:
        self.lock.acquire()
        wait = self.last[0] + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def __exit__(self, *exc) -> None:
        self.last[0] = time.monotonic()
        self.lock.release()


class _Redirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.max_redirections = limit
        self.max_repeats = 2

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        scheme = urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"redirected to a {scheme or 'relative'} address, not a web page")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Fetcher:
    def __init__(self, policy: Policy | None = None) -> None:
        self.policy = policy or Policy()
        self.gate = HostGate(self.policy.host_delay)
        context = ssl.create_default_context()
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler(),  # from the environment
            urllib.request.HTTPSHandler(context=context),
            _Redirects(self.policy.max_redirects),
        )

    def get(self, url: str, max_bytes: int, etag: str | None = None, last_modified: str | None = None,
            accept: str = "*/*") -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("not an http or https address")
        headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        with self.gate.slot(parts.hostname):
            return self._get(request, max_bytes)

    def _get(self, request: urllib.request.Request, max_bytes: int) -> Response:
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.policy.timeout) as reply:
                body = _read_bounded(reply, max_bytes, started + self.policy.deadline, self.policy.deadline)
                headers = {k.lower(): v for k, v in reply.headers.items()}
                body = _decoded(body, headers.get("content-encoding", ""), max_bytes)
                return Response(reply.geturl(), reply.status, body, headers)
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Response(request.full_url, 304, b"", {k.lower(): v for k, v in exc.headers.items()})
            if exc.code in (301, 302, 303, 307, 308):
                raise FetchError(f"too many redirects (more than {self.policy.max_redirects})") from None
            raise FetchError(f"HTTP {exc.code} {exc.reason}".strip()) from None
        except urllib.error.URLError as exc:
            raise FetchError(_reason(exc.reason)) from None
        except FetchError:
            raise
        except (TimeoutError, socket.timeout):
            raise FetchError(f"timed out (no answer within {self.policy.timeout:g} s)") from None
        except (http.client.HTTPException, ConnectionError, OSError, ValueError) as exc:
            raise FetchError(_reason(exc)) from None


def _read_bounded(reply, max_bytes: int, deadline: float, seconds: float) -> bytes:
    declared = reply.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"too large ({int(declared) / 2**20:.1f} MiB; the limit is {max_bytes / 2**20:g} MiB)")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"timed out (the response took longer than {seconds:g} s)")
        # read1: what has arrived, at most one read from the socket; read(n)
        # would wait for n bytes, and a server sending a byte at a time would
        # hold it far past the deadline.
        chunk = reply.read1(64 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"too large (over {max_bytes / 2**20:g} MiB)")
        chunks.append(chunk)
    return b"".join(chunks)


def _decoded(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """*body* with gzip or deflate undone, never growing past *max_bytes* (a compressed bomb stops there)."""
    encoding = encoding.strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate") or not body:
        return body
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        try:  # some servers send raw deflate
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = inflater.decompress(body, max_bytes + 1)
        except zlib.error as exc:
            raise FetchError(f"compressed response cannot be read ({exc})") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise FetchError(f"too large once uncompressed (over {max_bytes / 2**20:g} MiB)")
    return out


def _reason(error: object) -> str:
    """A network error in a few words: the DNS, TLS and connection failures people meet."""
    if isinstance(error, socket.gaierror):
        return f"host name not found ({error.strerror or 'DNS lookup failed'})"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate not trusted ({error.verify_message or error.reason})"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(error, http.client.IncompleteRead):
        return "the response was cut off"
    if isinstance(error, http.client.HTTPException):
        return f"not a valid HTTP response ({type(error).__name__})"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__
