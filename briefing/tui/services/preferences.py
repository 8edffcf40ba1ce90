"""Choices made in the reader (a theme, a pane's width) kept for the next session."""

from __future__ import annotations

from typing import Any

from briefing.config import Settings, describe, remembered
from briefing.state import StateError, StateStore


class Preferences:
    """A choice stands until the config file changes the setting it overrode (see :func:`config.remembered`)."""

    def __init__(self, store: StateStore | None, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def chosen(self, key: str, setting: str, configured: Any) -> str | None:
        """The choice kept under *key*, if it still stands over *setting* (whose value is *configured*)."""
        if self.store is None:
            return None
        return remembered(self.settings, setting, key, configured, self.store.preference)

    def keep(self, key: str, value: str, configured: Any) -> str | None:
        """Keep *value* under *key*; a message when it could not be kept."""
        if self.store is None:
            return None
        try:
            self.store.set_preference(key, value)
            self.store.set_preference(f"{key}.over", describe(configured))
        except StateError as exc:
            return f"Not kept for next time: {exc}"
        return None
