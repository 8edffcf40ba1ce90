"""Moving state between machines: an export as data, and merging one into a folder's state.

Merging takes nothing away: a flag set on either side stays set, a key-point
mark is added where this side has none, and two different notes are both
kept. It runs in transactions of :data:`IMPORT_BATCH` articles, each looking
its articles up by path and content hash in one query, so that an import of
100,000 articles takes seconds and a reader marking articles meanwhile never
waits longer than one batch. An import is checked whole before anything is
written: a file that is not an export, or an article whose path leaves the
content folder or carries control characters, changes nothing.
"""

from __future__ import annotations

import json
import re
from typing import IO, TYPE_CHECKING, Any

from briefing import safe_yaml
from briefing.sanitize import clean_line, clean_text, escape_name, has_unsafe
from briefing.state.folder import now, pick
from briefing.state.records import FLAGS, MARKS, StateError, merge_notes

if TYPE_CHECKING:
    from briefing.state.folder import FolderState

EXPORT_VERSION = 1
# Articles merged per transaction: small enough that a reader's change waits
# a few milliseconds at most, large enough that commits cost little.
IMPORT_BATCH = 400
# An export of 100,000 articles is about 20 MB and 1.5 million values.
IMPORT_MAX_CHARS = 256 * 1024 * 1024
IMPORT_MAX_NODES = 40_000_000
MAX_PATH_CHARS = 4096
_DIGEST = re.compile(r"[0-9a-f]{1,128}")


# JSON is YAML, but for these: YAML takes the first three for line breaks
# inside a string, and allows none of the others unescaped.
_NOT_RAW_IN_YAML = {c: f"\\u{c:04x}" for c in [0x85, 0x2028, 0x2029, 0xFEFF, *range(0x7F, 0xA0)]}


def read_export(text: str) -> Any:
    """The data of an export file's *text*; ``yaml.YAMLError`` when it is not YAML (bounded, see safe_yaml).

    An export as Briefing writes it is JSON and is read as JSON, twenty
    times faster than any YAML reader; one written by hand, or by an older
    version, is read as YAML.
    """
    if len(text) <= IMPORT_MAX_CHARS and text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except RecursionError:
            raise safe_yaml.YAMLRefused("nested too deeply") from None
        except ValueError:
            pass  # YAML in flow style, not JSON
    return safe_yaml.load(text, max_chars=IMPORT_MAX_CHARS, max_nodes=IMPORT_MAX_NODES)


def dump_export(data: dict[str, Any], out: IO[str]) -> None:
    """Write *data* (from :func:`export`) as JSON, which is YAML too: one article a line or so, fast both ways."""
    out.write(json.dumps(data, ensure_ascii=False, indent=1).translate(_NOT_RAW_IN_YAML) + "\n")


def export(folder: FolderState) -> dict[str, Any]:
    store = folder.store
    rows = store.read(
        "SELECT id, path, digest, read, starred, flagged, note, updated FROM article_state"
        " WHERE folder = ? ORDER BY path",
        (folder.key,),
    )
    marks: dict[int, dict[str, str]] = {}
    for article, point, mark in store.read(
        "SELECT m.article, m.point, m.mark FROM point_marks m JOIN article_state a ON a.id = m.article"
        " WHERE a.folder = ? ORDER BY m.article, m.point",
        (folder.key,),
    ):
        marks.setdefault(article, {})[point] = mark
    articles = []
    for id_, path, digest, read, starred, flagged, note, updated in rows:
        item: dict[str, Any] = {"path": path, "digest": digest, "read": bool(read),
                                "starred": bool(starred), "flagged": bool(flagged)}
        if note:
            item["note"] = note
        if id_ in marks:
            item["marks"] = marks[id_]
        item["updated"] = updated
        articles.append(item)
    return {"briefing-state": EXPORT_VERSION, "folder": folder.key, "articles": articles}


def merge(folder: FolderState, data: Any) -> tuple[int, int]:
    """Merge exported state into *folder*'s: (articles merged, of which new)."""
    items = validated(data)
    merged = new = 0
    for start in range(0, len(items), IMPORT_BATCH):
        batch = items[start : start + IMPORT_BATCH]
        stamp = now()
        with folder.store.transaction() as con:
            found = _rows_for(con, folder.key, batch)
            for item in batch:
                rel, digest = item["path"], item["digest"]
                candidates = found.get(("path", rel), []) + (found.get(("digest", digest), []) if digest else [])
                row = pick(candidates, rel, digest, folder.gone)
                if row is None:
                    cursor = con.execute(
                        "INSERT INTO article_state (folder, path, digest, read, starred, flagged, note, updated)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (folder.key, rel, digest, *(int(item[f]) for f in FLAGS), item["note"], stamp),
                    )
                    row = (int(cursor.lastrowid), rel, digest, item["note"])
                    new += 1
                else:
                    note = merge_notes(row[3], item["note"]) if item["note"] else row[3]
                    con.execute(
                        "UPDATE article_state SET path = ?, digest = CASE WHEN ? = '' THEN digest ELSE ? END,"
                        " read = read OR ?, starred = starred OR ?, flagged = flagged OR ?, note = ?, updated = ?"
                        " WHERE id = ?",
                        (rel, digest, digest, *(int(item[f]) for f in FLAGS), note, stamp, row[0]),
                    )
                    for key in (("path", row[1]), ("digest", row[2])):
                        found[key] = [r for r in found.get(key, []) if r[0] != row[0]]
                    row = (row[0], rel, digest or row[2], note)
                # Later articles of the batch with this path or content find the row as it now is.
                found.setdefault(("path", rel), []).append(row)
                if row[2]:
                    found.setdefault(("digest", row[2]), []).append(row)
                if item["marks"]:
                    con.executemany("INSERT OR IGNORE INTO point_marks VALUES (?, ?, ?)",
                                    [(row[0], point, mark) for point, mark in item["marks"].items()])
                merged += 1
    return merged, new


def _rows_for(con, key: str, batch: list[dict[str, Any]]) -> dict[tuple[str, str], list[tuple]]:
    """The rows of this folder with the path or the content hash of an article of *batch*, by each."""
    found: dict[tuple[str, str], list[tuple]] = {}
    paths = sorted({item["path"] for item in batch})
    digests = sorted({item["digest"] for item in batch if item["digest"]})
    for column, values in (("path", paths), ("digest", digests)):
        if not values:
            continue
        marks = ",".join("?" * len(values))
        for row in con.execute(
            f"SELECT id, path, digest, note FROM article_state WHERE folder = ? AND {column} IN ({marks})",
            (key, *values),
        ):
            found.setdefault(("path", row[1]), []).append(row)
            if row[2]:
                found.setdefault(("digest", row[2]), []).append(row)
    # A row found both ways is listed once under each key.
    return {k: list({r[0]: r for r in rows}.values()) for k, rows in found.items()}


def path_problem(path: str) -> str | None:
    """Why *path* cannot name an article of the content folder, or None."""
    if len(path) > MAX_PATH_CHARS:
        return f"is longer than {MAX_PATH_CHARS} characters"
    if has_unsafe(path):
        return "carries control or invisible characters"
    parts = path.split("/")
    if path.startswith("/") or ".." in parts:
        return "leaves the content folder"
    if "" in parts or "." in parts:
        return "is not a plain path inside the content folder"
    return None


def validated(data: Any) -> list[dict[str, Any]]:
    """The articles of an export, checked field by field; raises StateError naming what is wrong."""
    if not isinstance(data, dict) or data.get("briefing-state") != EXPORT_VERSION:
        raise StateError(f"not a Briefing state export (expected 'briefing-state: {EXPORT_VERSION}' at the top)")
    articles = data.get("articles") or []
    if not isinstance(articles, list):
        raise StateError("'articles' must be a list")
    items = []
    for n, item in enumerate(articles, 1):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) or not item["path"]:
            raise StateError(f"article {n}: needs a 'path'")
        path = item["path"]
        shown = escape_name(path[:200])
        why = path_problem(path)
        if why:
            raise StateError(f"article {n}: the path '{shown}' {why}; nothing was imported")
        marks = item.get("marks") or {}
        if not isinstance(marks, dict) or any(
            not isinstance(k, str) or v not in MARKS for k, v in marks.items()
        ):
            raise StateError(f"article {n} ({shown}): marks must map key points to verified or disputed")
        note = item.get("note") or ""
        if not isinstance(note, str):
            raise StateError(f"article {n} ({shown}): note must be text")
        digest = str(item.get("digest") or "")
        items.append({
            "path": path,
            # A content hash is hex; anything else cannot match a file, so it is dropped.
            "digest": digest if _DIGEST.fullmatch(digest) else "",
            **{flag: item.get(flag) is True for flag in FLAGS},
            "note": clean_text(note).strip() if note else "",
            "marks": {clean_line(k): v for k, v in marks.items() if clean_line(k)} if marks else {},
        })
    return items
