"""Knowing the index's files are the ones Briefing wrote, and leaving none behind.

Whoosh checks nothing when it opens a segment: a file cut short makes every
search fail ("seek out of range"), and a garbled term file can make searches
silently wrong. So each commit records, beside its table of contents, the
size and modification time of every file the new generation uses. Opening
the index compares them (a few stat calls): a file that changed, went
missing or was cut short is damage, and the index is rebuilt from the
content. A failing read later is damage too (see the engine).

A write that fails (a full disk, a kill) may leave a half-written segment,
a writer's sort runs, a worker's build folder or an unfinished manifest:
:func:`clean` removes whatever the current generation does not use. It runs
under the update lock, before and after every update.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import re
import shutil
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from briefing.search.errors import QueryError
from briefing.search.schema import INDEX_NAME

MANIFEST = "briefing-files-{}.json"
_MANIFEST = re.compile(r"^briefing-files-(\d+)\.json(\.tmp)?$")
_TOC = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
_SEGMENT_FILE = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.")
# Worker processes build their segments here, away from the commit's
# clean-up, which deletes every segment file the new generation lacks.
BUILD_DIR = ".building"


class IndexDamaged(QueryError):
    """The index's files are not the ones its last commit wrote, or cannot be read.

    A kind of QueryError: whoever shows why a search cannot run shows this too.
    """


# Files read a block or an article at a time (see MappedStorage).
_READ_AS_FILES = (".pst", "._stored.col")


class MappedStorage(FileStorage):
    """Index files read through memory maps, but for postings and stored text.

    Whoosh reads a plain file a few bytes at a time with a system call each
    (the fuzzy-term walk makes millions); a map makes those memory reads.
    Segments are never rewritten in place, so a map never sees a file change
    under it. The postings and the stored articles (nine tenths of the index)
    are read a block or an article at a time, where a read costs little
    beside decoding what it read: they are read as files, so that the pages
    a long session touches stay in the kernel's file cache and are not
    counted in the reader's memory (mapped, 100,000 articles of searching
    held 430 MB of them).
    """

    def open_file(self, name, **kwargs):
        if name.endswith(_READ_AS_FILES):
            return super().open_file(name, **kwargs)
        with open(self._fpath(name), "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)


def latest_generation(folder: Path) -> int:
    """The newest table of contents in *folder*, or -1."""
    try:
        names = os.listdir(folder)
    except OSError:
        return -1
    return max((int(m.group(1)) for m in map(_TOC.match, names) if m), default=-1)


def toc_name(generation: int) -> str:
    return f"_{INDEX_NAME}_{generation}.toc"


def segment_files(folder: Path, segments) -> list[str]:
    ids = {segment.segment_id() for segment in segments}
    return sorted(name for name in os.listdir(folder) if (m := _SEGMENT_FILE.match(name)) and m.group(1) in ids)


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def write_manifest(folder: Path, generation: int, segments) -> None:
    """Record the files generation *generation* will use; called before its TOC is written."""
    files = {name: _stat(folder / name) for name in segment_files(folder, segments)}
    target = folder / MANIFEST.format(generation)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(json.dumps({"generation": generation, "files": files}))
    os.replace(temporary, target)


def record_toc(folder: Path, generation: int) -> None:
    """Add the TOC itself, written after the manifest, to the manifest."""
    target = folder / MANIFEST.format(generation)
    data = json.loads(target.read_text())
    data["toc"] = _stat(folder / toc_name(generation))
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, target)


def forget_older(folder: Path, generation: int) -> None:
    """Remove the manifests of generations before *generation* (their files are gone with them)."""
    for name in os.listdir(folder):
        m = _MANIFEST.match(name)
        if m and not m.group(2) and int(m.group(1)) < generation:
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def check(folder: Path, generation: int) -> str | None:
    """None when generation *generation*'s files are as written, else what is wrong."""
    try:
        data = json.loads((folder / MANIFEST.format(generation)).read_text())
    except FileNotFoundError:
        if latest_generation(folder) != generation:
            return None  # a newer commit replaced it meanwhile: the caller opens that one
        return "its list of files is missing"
    except (OSError, ValueError) as exc:
        return f"its list of files cannot be read ({exc})"
    expected = dict(data.get("files", {}))
    if "toc" in data:
        expected[toc_name(generation)] = data["toc"]
    for name, (size, mtime) in expected.items():
        try:
            actual = _stat(folder / name)
        except FileNotFoundError:
            return f"{name} is missing"
        except OSError as exc:
            return f"{name} cannot be read ({exc.strerror})"
        if actual[0] != size:
            return f"{name} changed size ({size} bytes written, {actual[0]} now)"
        if actual[1] != mtime:
            return f"{name} was changed after it was written"
    return None


def clean(folder: Path, keep_generation: int | None = None, segments=None) -> list[str]:
    """Remove what no current generation uses: returns the names removed.

    With *segments* (those of the generation kept), segment files of other
    segments go too; without, only temporary files, build folders and
    manifests of other generations.
    """
    removed: list[str] = []
    keep_ids = {s.segment_id() for s in segments} if segments is not None else None
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        path = folder / name
        manifest = _MANIFEST.match(name)
        segment = _SEGMENT_FILE.match(name)
        doomed = (
            name == BUILD_DIR
            or name.endswith(".tmp")  # Whoosh's sort runs, our half-written files
            or (manifest is not None and (manifest.group(2) or int(manifest.group(1)) != keep_generation))
            or (segment is not None and keep_ids is not None and segment.group(1) not in keep_ids)
        )
        if not doomed:
            continue
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(name)
    return removed
