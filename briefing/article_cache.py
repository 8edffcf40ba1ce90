"""Articles parsed when they are opened, the last few kept for going back and forth."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from briefing.model import Article, UnreadableFile
from briefing.parse import parse_file
from briefing.sanitize import escape_name

# Enough for an article, the earlier reports its story is compared with, and going back and forth.
CACHE_SIZE = 64


class ArticleCache:
    """Parse on demand; a file changed since it was parsed is parsed again."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Path, int, int], Article] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path) -> tuple[Article | None, str | None]:
        """The article at *path*, or None and one line saying why it cannot be read."""
        try:
            stat = path.stat()
        except OSError as exc:
            return None, f"{escape_name(path.name)} can no longer be read ({exc.strerror})."
        key = (path, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key], None
        try:
            article = parse_file(path)
        except UnreadableFile as exc:
            return None, f"{exc}."
        with self._lock:
            self._items[key] = article
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return article, None
