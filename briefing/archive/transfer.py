"""``briefing state export/import`` with an archive: one analyst's marks moved between SQLite and the archive.

The export has the embedded state's format, so a personal state file's
export imports into the archive and back. Importing merges as on one
machine: a star, flag or read mark set on either side stays set, a key-point
mark is added where the analyst has none, two different notes are both
kept. Articles are matched by path, then by content hash (a file the archive
holds under another name). Only the importing analyst's own marks change:
the rows are written as them, and the database refuses anything else.
"""

from __future__ import annotations

from typing import Any

from briefing.archive.connection import ArchiveError
from briefing.archive.marks import ArchiveMarks
from briefing.sanitize import clean_line, clean_text
from briefing.state import EXPORT_VERSION, StateError


class Transfer:
    """An analyst's :class:`ArchiveMarks`, able to export and merge too."""

    def __init__(self, marks: ArchiveMarks) -> None:
        self.marks = marks

    def __getattr__(self, name: str) -> Any:
        return getattr(self.marks, name)

    def export(self) -> dict[str, Any]:
        def read(con):
            rows = con.execute(
                "SELECT a.path, a.digest, m.read, m.starred, m.flagged, m.note,"
                " greatest(m.read_at, m.starred_at, m.flagged_at, m.noted_at)"
                " FROM briefing.marks m JOIN briefing.articles a ON a.id = m.article"
                " WHERE m.analyst = briefing.analyst() ORDER BY a.path").fetchall()
            points = con.execute(
                "SELECT a.path, p.point, p.mark FROM briefing.point_marks p JOIN briefing.articles a ON a.id = p.article"
                " WHERE p.analyst = briefing.analyst() ORDER BY a.path, p.point").fetchall()
            return rows, points

        try:
            rows, points = self.marks.archive.run(read)
        except ArchiveError as exc:
            raise StateError(f"cannot read the archive's marks: {exc}") from None
        by_path: dict[str, dict[str, str]] = {}
        for path, point, mark in points:
            by_path.setdefault(path, {})[point] = mark
        articles = []
        for path, digest, read, starred, flagged, note, updated in rows:
            item: dict[str, Any] = {"path": path, "digest": digest, "read": bool(read), "starred": bool(starred),
                                    "flagged": bool(flagged)}
            if note:
                item["note"] = note
            if path in by_path:
                item["marks"] = by_path.pop(path)
            item["updated"] = updated.isoformat(timespec="seconds") if updated else None
            articles.append(item)
        for path, marks in sorted(by_path.items()):  # key-point marks on articles without other marks
            articles.append({"path": path, "digest": "", "read": False, "starred": False, "flagged": False,
                             "marks": marks})
        return {"briefing-state": EXPORT_VERSION, "folder": self.marks.archive.shown,
                "analyst": self.marks.me, "articles": articles}

    def merge(self, data: Any) -> tuple[int, int]:
        """Merge an export into this analyst's marks: (articles merged, of which new)."""
        from briefing.state.transfer import validated

        items = validated(data)
        try:
            return self.marks.archive.run(lambda con: _merge(con, items))
        except ArchiveError as exc:
            raise StateError(f"the archive did not keep the import: {exc}") from None


def _merge(con, items: list[dict[str, Any]]) -> tuple[int, int]:
    with con.transaction():
        con.execute("CREATE TEMP TABLE incoming (n integer, path text, digest text, read boolean, starred boolean,"
                    " flagged boolean, note text) ON COMMIT DROP")
        con.execute("CREATE TEMP TABLE incoming_points (n integer, point text, mark text) ON COMMIT DROP")
        with con.cursor().copy("COPY incoming FROM STDIN") as copy:
            for n, item in enumerate(items):
                copy.write_row((n, clean_line(item["path"]), item["digest"], item["read"], item["starred"],
                                item["flagged"], clean_text(item["note"]).strip()))
        with con.cursor().copy("COPY incoming_points FROM STDIN") as copy:
            for n, item in enumerate(items):
                for point, mark in item["marks"].items():
                    copy.write_row((n, clean_line(point)[:5000], mark))
        # Each item's article: by path, else by the content's hash.
        con.execute(
            "CREATE TEMP TABLE matched ON COMMIT DROP AS"
            " SELECT i.*, coalesce(p.id, d.id) AS article FROM incoming i"
            " LEFT JOIN briefing.articles p ON p.path = i.path"
            " LEFT JOIN briefing.articles d ON d.digest = i.digest AND i.digest <> ''")
        (merged,) = con.execute("SELECT count(*) FROM matched WHERE article IS NOT NULL").fetchone()
        (new,) = con.execute(
            "SELECT count(*) FROM matched x WHERE article IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM briefing.marks m WHERE m.article = x.article AND m.analyst = briefing.analyst())"
        ).fetchone()
        con.execute(
            "INSERT INTO briefing.marks (article, read, read_at, starred, starred_at, flagged, flagged_at, note, noted_at)"
            " SELECT DISTINCT ON (article) article, read, CASE WHEN read THEN now() END, starred,"
            " CASE WHEN starred THEN now() END, flagged, CASE WHEN flagged THEN now() END, note,"
            " CASE WHEN note <> '' THEN now() END FROM matched WHERE article IS NOT NULL ORDER BY article, n"
            " ON CONFLICT (article, analyst) DO UPDATE SET"
            " read = marks.read OR excluded.read,"
            " read_at = CASE WHEN excluded.read AND NOT marks.read THEN now() ELSE marks.read_at END,"
            " starred = marks.starred OR excluded.starred,"
            " starred_at = CASE WHEN excluded.starred AND NOT marks.starred THEN now() ELSE marks.starred_at END,"
            " flagged = marks.flagged OR excluded.flagged,"
            " flagged_at = CASE WHEN excluded.flagged AND NOT marks.flagged THEN now() ELSE marks.flagged_at END,"
            " note = CASE WHEN marks.note = '' THEN excluded.note"
            "   WHEN excluded.note = '' OR position(excluded.note IN marks.note) > 0 THEN marks.note"
            "   WHEN position(marks.note IN excluded.note) > 0 THEN excluded.note"
            "   ELSE marks.note || E'\\n\\n' || excluded.note END,"
            " noted_at = CASE WHEN excluded.note <> '' AND position(excluded.note IN marks.note) = 0"
            "   THEN now() ELSE marks.noted_at END")
        con.execute(
            "INSERT INTO briefing.point_marks (article, point, mark)"
            " SELECT DISTINCT ON (x.article, p.point) x.article, p.point, p.mark FROM incoming_points p"
            " JOIN matched x ON x.n = p.n WHERE x.article IS NOT NULL ORDER BY x.article, p.point, x.n"
            " ON CONFLICT (article, analyst, point) DO NOTHING")
    return merged, new
