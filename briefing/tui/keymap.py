"""The user's key remapping (the ``keys`` setting) checked against every binding the reader has.

Every binding has an id, by which the setting remaps it. Textual applies a
keymap silently; here unknown ids and keys taken from another action are
found, so the reader can say so.
"""

from __future__ import annotations

from textual.binding import Binding

from briefing.tui.screens.digest import DigestScreen
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.note import NoteScreen
from briefing.tui.screens.reader import ReaderScreen
from briefing.tui.screens.stories import StoriesScreen
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.reading_pane import ReadingPane
from briefing.tui.widgets.search_bar import SearchInput

BINDING_OWNERS = (ReaderScreen, ArticleList, ReadingPane, KeyPointsPanel, SearchInput, HelpScreen, NoteScreen,
                  StoriesScreen, DigestScreen)


def binding_ids() -> set[str]:
    """Every id a binding can be remapped by, in the reader and its panes."""
    return {b.id for cls in BINDING_OWNERS for b in cls.BINDINGS if isinstance(b, Binding) and b.id}


def key_clashes(keymap: dict[str, str]) -> list[str]:
    """Keys the keymap gives to an action that another action of the same pane still has.

    The remapped action takes the key and the other loses it; Textual does
    not report this for bindings with ids, so it is checked here.
    """
    clashes = []
    for owner in BINDING_OWNERS:
        bindings = [b for b in owner.BINDINGS if isinstance(b, Binding)]
        for binding in bindings:
            if binding.id not in keymap:
                continue
            for key in keymap[binding.id].split(","):
                for other in bindings:
                    if other.id != binding.id and other.id not in keymap and key in other.key.split(","):
                        clashes.append(f"{key!r} given to {binding.id} was {other.id or other.action}'s key; "
                                       f"{other.id or other.action} loses it")
    return clashes


def checked(keys: dict[str, str], source: str) -> tuple[dict[str, str], list[str]]:
    """The keymap to apply (known ids only) and the problems to report, each naming *source*."""
    known = binding_ids()
    problems = [f"{source}: keys: {action!r} is not an action id (press ? for the ids); ignored"
                for action in keys if action not in known]
    keymap = {action: spec for action, spec in keys.items() if action in known}
    problems += [f"{source}: keys: {clash}" for clash in key_clashes(keymap)]
    return keymap, problems
