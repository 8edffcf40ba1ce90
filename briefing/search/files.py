"""Reading one briefing file for the index: in this process or in a worker."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

from briefing.decode import MAX_BYTES, read_file_bytes, too_large
from briefing.model import UnreadableFile
from briefing.parse import parse_bytes
from briefing.stories.grouping import signature

# A file to read: (path, rel, size, digest the catalogue knows or None).
Job = tuple[str, str, int, "str | None"]


def read_one(job: Job) -> tuple:
    """("article", article, digest, words), ("same", digest), ("skip", why) or ("error", why)."""
    path_name, rel, size, known_digest = job
    path = Path(path_name)
    if size > MAX_BYTES:
        return ("skip", too_large(rel, size))
    try:
        data = read_file_bytes(path, rel)
    except UnreadableFile as exc:
        return ("skip", str(exc))
    except OSError as exc:
        return ("error", f"{rel}: cannot be read ({exc.strerror})")
    digest = hashlib.sha256(data).hexdigest()
    if known_digest == digest:
        return ("same", digest)
    try:
        # The index needs the text and the given key points, not the extracted ones or facts.
        article = parse_bytes(data, path, extras=False, name=rel)
    except UnreadableFile as exc:
        return ("skip", str(exc))
    return ("article", article, digest, signature(article))


def exit_with_parent(parent: int) -> None:
    """Make this worker end when the indexing process does, even by SIGKILL.

    A pool's workers wait on a queue they also hold the writing end of, so a
    parent's death never reaches them; left behind they would keep the
    parent's stdout open (hanging whoever reads it) for ever.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def worker_pool(workers: int):
    """Worker processes for reading and indexing: spawned, not forked (the caller may have threads)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=exit_with_parent, initargs=(os.getpid(),))
