"""Fetching feeds into the content folder: a core service with typed progress events.

``fetch()`` reads each feed (a few at once, one request at a time per host),
writes each new item as a Markdown briefing in ``<content>/<feed name>/`` and
reports, feed by feed, what it did or why it failed. It never imports the
terminal UI: the command line prints its events, and the reader can run it in
a worker thread and turn each event into a message (see the README).

Guarantees:
- an item is written once: its file is named after its GUID (or link), and a
  fetch that finds it again rewrites it only if the feed changed it and the
  file is still exactly as written; a file the user edited is kept, and one
  the user deleted is not brought back;
- a feed that fails is reported by name with the reason, and the others go
  on; what was fetched before is never removed;
- the state (validators, items written) is saved after each feed, under a
  lock, so two fetches at once (cron and the reader) lose nothing.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Union

from briefing.feeds import items as feed_items
from briefing.feeds.http import Fetcher, FetchError, Policy
from briefing.feeds.store import Feed, FetchState, slug, write_content
from briefing.formats.document import Document
from briefing.sanitize import clean_line

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
               "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
MAX_PARALLEL_FEEDS = 4
PAGE_TRIES = 3


@dataclass
class FeedResult:
    name: str
    url: str
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    new: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: int = 0
    kept_edits: list[Path] = field(default_factory=list)
    not_modified: bool = False
    summary_only: int = 0  # items saved with their summary: the page could not be read (tried again next time)

    @property
    def ok(self) -> bool:
        return self.error is None

    def line(self) -> str:
        """One line for a person: what happened to this feed."""
        if self.error:
            return f"{self.name}: failed: {self.error}"
        if self.not_modified:
            return f"{self.name}: not modified since the last fetch"
        parts = [f"{len(self.new)} new", f"{len(self.updated)} updated", f"{self.unchanged} unchanged"]
        if self.kept_edits:
            parts.append(f"{len(self.kept_edits)} kept as you edited them")
        if self.summary_only:
            parts.append(f"{self.summary_only} with the summary only (the page could not be read)")
        return f"{self.name}: " + ", ".join(parts)


@dataclass
class FetchReport:
    results: list[FeedResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def failed(self) -> list[FeedResult]:
        return [r for r in self.results if not r.ok]

    @property
    def all_failed(self) -> bool:
        return bool(self.results) and len(self.failed) == len(self.results)

    @property
    def new(self) -> int:
        return sum(len(r.new) for r in self.results)

    def status(self) -> str:
        """One line for a status bar."""
        text = f"Fetched {len(self.results)} feed(s): {self.new} new article(s)"
        if self.failed:
            text += f"; {len(self.failed)} failed (" + "; ".join(f"{r.name}: {r.error}" for r in self.failed[:3]) + ")"
        return text + (" (stopped)" if self.cancelled else "")


# Events, in the order a run sends them. Each is a frozen value a UI may pass on as a message.
@dataclass(frozen=True)
class FeedStarted:
    name: str
    index: int  # 1-based
    total: int


@dataclass(frozen=True)
class ItemSaved:
    feed: str
    path: Path
    status: Literal["new", "updated"]


@dataclass(frozen=True)
class FeedFinished:
    result: FeedResult
    done: int
    total: int


@dataclass(frozen=True)
class FetchFinished:
    report: FetchReport


FetchEvent = Union[FeedStarted, ItemSaved, FeedFinished, FetchFinished]


def fetch(
    feeds: list[Feed],
    content: Path,
    policy: Policy | None = None,
    on_event: Callable[[FetchEvent], None] | None = None,
    cancel: threading.Event | None = None,
    state: FetchState | None = None,
) -> FetchReport:
    """Fetch *feeds* into the folder *content*; events go to *on_event* (from worker threads, one at a time)."""
    fetcher = Fetcher(policy)
    state = state or FetchState()
    cancel = cancel or threading.Event()
    report = FetchReport()
    emit_lock = threading.Lock()
    done = [0]

    def emit(event: FetchEvent) -> None:
        if on_event is not None:
            with emit_lock:
                on_event(event)

    def one(numbered: tuple[int, Feed]) -> FeedResult:
        index, feed = numbered
        result = FeedResult(feed.name, feed.url)
        if cancel.is_set():
            result.error = "not fetched (stopped)"
            return result
        emit(FeedStarted(feed.name, index, len(feeds)))
        try:
            _fetch_feed(feed, content, fetcher, state, result, cancel, emit)
        except OSError as exc:
            result.error = f"cannot write in {content}: {exc.strerror or exc}"
        except Exception as exc:  # noqa: BLE001 - one feed's surprise must not stop the others
            result.error = f"unexpected error ({type(exc).__name__}: {clean_line(str(exc))[:200]})"
        with emit_lock:
            done[0] += 1
            finished = FeedFinished(result, done[0], len(feeds))
        emit(finished)
        return result

    pool = ThreadPoolExecutor(max(1, min(MAX_PARALLEL_FEEDS, len(feeds))), thread_name_prefix="feed")
    try:
        futures = [pool.submit(one, numbered) for numbered in enumerate(feeds, 1)]
        report.results = [f.result() for f in futures]
    except BaseException:
        # ctrl+c (or the reader quitting): the feeds under way stop after their current request.
        cancel.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    report.cancelled = cancel.is_set()
    emit(FetchFinished(report))
    return report


def _fetch_feed(feed: Feed, content: Path, fetcher: Fetcher, state: FetchState, result: FeedResult,
                cancel: threading.Event, emit) -> None:
    with state.locked():
        remembered = dict(state.feed(content, feed.name))
    known: dict[str, dict] = dict(remembered.get("items", {}))
    # Items saved with their summary only are tried again: ask for the whole feed then.
    partial = any(rec.get("partial") for rec in known.values() if isinstance(rec, dict))
    try:
        response = fetcher.get(
            feed.url, fetcher.policy.max_feed_bytes,
            etag=None if partial else remembered.get("etag"),
            last_modified=None if partial else remembered.get("last_modified"),
            accept=FEED_ACCEPT,
        )
    except FetchError as exc:
        result.error = str(exc)
        return
    if response.not_modified:
        result.not_modified = True
        return
    try:
        data = feed_items.read_feed(response.body, response.url, response.headers.get("content-type", ""))
    except feed_items.NotAFeed as exc:
        result.error = str(exc)
        return
    if data.warning:
        result.warnings.append(data.warning)

    folder = content / feed.folder
    pages_left = fetcher.policy.max_pages
    changed: dict[str, dict] = {}
    for item in data.items[: fetcher.policy.max_items]:
        if cancel.is_set():
            break
        record = known.get(item.key) if isinstance(known.get(item.key), dict) else None
        fingerprint = _fingerprint(item)
        if record and record.get("deleted"):
            continue
        if record and record.get("item") == fingerprint and not record.get("partial"):
            result.unchanged += 1
            continue
        page = None
        wants_page = feed.fetch_pages and item.link and not feed_items.has_text(item)
        if wants_page and pages_left > 0:
            pages_left -= 1
            page = _read_page(item.link, fetcher, result)
        doc = feed_items.document(item, data.title, feed.name, page)
        tries = (record or {}).get("tries", 0) + 1 if wants_page else 0
        record = _save(item, doc, feed, folder, content, record, result, emit)
        record["item"] = fingerprint
        missing = bool(wants_page and (page is None or not page.blocks))
        # A page that cannot be read is tried again at the next fetches, a few times.
        record["partial"] = missing and tries < PAGE_TRIES
        record["tries"] = tries if missing else 0
        result.summary_only += missing
        changed[item.key] = record

    with state.locked():
        entry = state.feed(content, feed.name)
        entry["url"] = feed.url
        entry["etag"] = response.headers.get("etag")
        entry["last_modified"] = response.headers.get("last-modified")
        entry["items"].update(changed)
        FetchState.trim(entry)


def _read_page(url: str, fetcher: Fetcher, result: FeedResult) -> Document | None:
    from briefing.formats.html import read_html

    try:
        response = fetcher.get(url, fetcher.policy.max_page_bytes, accept=PAGE_ACCEPT)
    except FetchError as exc:
        result.warnings.append(f"{clean_line(url)[:200]}: page not read ({exc})")
        return None
    if not response.body.strip():
        return None
    try:
        return read_html(response.body, clean_line(url)[:200])
    except Exception as exc:  # noqa: BLE001 - a page that cannot be read leaves the summary
        result.warnings.append(f"{clean_line(url)[:200]}: page not read ({type(exc).__name__})")
        return None


def _fingerprint(item: feed_items.Item) -> str:
    parts = [item.title, item.link, str(item.date), item.summary, item.content_html, item.content_text,
             item.description_html, ",".join(item.tags), item.author]
    return hashlib.sha256("\x00".join(p or "" for p in parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _save(item, doc: Document, feed: Feed, folder: Path, content: Path, record: dict | None,
          result: FeedResult, emit) -> dict:
    """Write the item's file unless it exists as the user left it; return its record."""
    doc.extra = {"feed": feed.name, "id": item.key}
    text = doc.to_markdown().encode("utf-8")
    digest = hashlib.sha256(text).hexdigest()
    key = feed_items.file_key(item)
    path = _existing(folder, content, key, record)
    if path is None and record and record.get("file"):
        # Written before and gone since: the user deleted it. Not brought back.
        return {**record, "deleted": True}
    if path is None:
        name = f"{item.date.isoformat() if item.date else 'undated'}-{slug(item.title or 'item', 60) or 'item'}-{key}.md"
        path = folder / name
        write_content(path, text, content)
        result.new.append(path)
        emit(ItemSaved(feed.name, path, "new"))
        return {"file": path.relative_to(content).as_posix(), "digest": digest}
    try:
        current = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        current = None
    rel = path.relative_to(content).as_posix()
    if record is None or current != record.get("digest"):
        # Edited by the user (or written by a run whose state was lost): kept as it is.
        if current != digest:
            result.kept_edits.append(path)
        else:
            result.unchanged += 1
        return {"file": rel, "digest": current or ""}
    if current == digest:
        result.unchanged += 1
        return {"file": rel, "digest": digest}
    write_content(path, text, content)
    result.updated.append(path)
    emit(ItemSaved(feed.name, path, "updated"))
    return {"file": rel, "digest": digest}


def _existing(folder: Path, content: Path, key: str, record: dict | None) -> Path | None:
    if record and isinstance(record.get("file"), str):
        path = content / record["file"]
        if path.resolve().is_relative_to(content.resolve()) and path.is_file():
            return path
    if folder.is_dir():
        for path in folder.glob(f"*-{key}.md"):
            if path.is_file():
                return path
    return None
