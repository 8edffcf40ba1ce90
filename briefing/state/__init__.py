"""What the analyst records: read marks, stars, flags, notes and key-point marks.

- :mod:`briefing.state.records`: the records and the list's filters;
- :mod:`briefing.state.store`: the private SQLite file, transactions that wait
  for another writer within a budget, damage reported as such;
- :mod:`briefing.state.folder`: one content folder's state, changed one field
  at a time (toggles of what is stored, notes that never lose another's);
- :mod:`briefing.state.transfer`: export, and imports merged in small batches.
"""

from briefing.state.folder import FolderState
from briefing.state.records import (
    FILTERS,
    FLAGS,
    MARKS,
    ArticleState,
    Flag,
    Mark,
    NoteSaved,
    Position,
    StateError,
    keep,
)
from briefing.state.store import FILE_NAME, OPEN_TIMEOUT, WRITE_BUDGET, StateStore, default_state_path
from briefing.state.transfer import EXPORT_VERSION

__all__ = [
    "EXPORT_VERSION", "FILE_NAME", "FILTERS", "FLAGS", "MARKS", "OPEN_TIMEOUT", "WRITE_BUDGET", "ArticleState",
    "Flag", "FolderState", "Mark", "NoteSaved", "Position", "StateError", "StateStore", "default_state_path", "keep",
]
