"""The indexer's progress, as ``briefing index`` reports it and the reader reads it.

The reader runs the indexer in a separate process (``briefing index
--progress-lines``) and follows it through lines on the child's stderr. The
format is defined here once, for both ends:

    progress DONE TOTAL ELAPSED     a step of the update (every 25 files)
    committed DONE TOTAL ELAPSED    a commit: the list can be read again
    notice TEXT                     something the user should hear of (the index was rebuilt)

Any other line is an error message; the last one says why the update failed.
"""

from __future__ import annotations

from dataclasses import dataclass

# A progress line every this many files (and at each commit).
EVERY = 25


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    elapsed: float
    committed: bool = False

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    @property
    def rate(self) -> float:
        """Files a second so far."""
        return self.done / max(self.elapsed, 1e-3)

    def summary(self) -> str:
        """``120/1000 (85 files/s)``: what the command line and the reader show."""
        return f"{self.done}/{self.total} ({self.rate:.0f} files/s)"

    def line(self) -> str:
        kind = "committed" if self.committed else "progress"
        return f"{kind} {self.done} {self.total} {self.elapsed:.3f}"

    def worth_a_line(self) -> bool:
        """Whether this step is reported in the line protocol (not every file is)."""
        return self.committed or self.done % EVERY == 0


@dataclass(frozen=True)
class Notice:
    text: str

    def line(self) -> str:
        return "notice " + " ".join(self.text.split())


def read_line(line: str) -> Progress | Notice | str:
    """One line of the indexer's stderr: its progress, a notice, or (anything else) an error message."""
    kind, _, rest = line.strip().partition(" ")
    if kind == "notice":
        return Notice(rest)
    if kind in ("progress", "committed"):
        parts = rest.split()
        if len(parts) == 3:
            try:
                return Progress(int(parts[0]), int(parts[1]), float(parts[2]), kind == "committed")
            except ValueError:
                pass
    return line.strip()
