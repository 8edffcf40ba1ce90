"""The bottom line: the keys that work where the focus is, as many as fit.

Textual's Footer builds a widget per key and rebuilds them all at each focus
change (a tenth of a second of CPU here, on every tab and enter). One line of
text drawn from the active bindings costs next to nothing, and is cut at a
whole hint, never mid-word; help and the command palette stay at the right
end, so every other key is one key away.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

from briefing.tui.look import stylesheet_beside

GAP = "  "
# Always shown, at the right end: from these every other key can be found.
PINNED = ("app.command_palette", "help")


class KeyHints(Widget):
    """``key description`` pairs for the shown bindings of the focused widget and its ancestors."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    COMPONENT_CLASSES = {"key-hints--key", "key-hints--description"}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def hints(self) -> list[tuple[str, str, str]]:
        """(action, key as shown, description) for each enabled, shown action, once each."""
        seen: set[str] = set()
        found: list[tuple[str, str, str]] = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            pinned = binding.action in PINNED
            if not (binding.show or pinned) or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            found.append((binding.action, self.app.get_key_display(binding), binding.description))
        return found

    def render(self) -> Text:
        hints = self.hints()
        width = self.content_region.width or self.size.width
        helps = sorted((h for h in hints if h[0] in PINNED), key=lambda h: PINNED.index(h[0]))
        others = [h for h in hints if h[0] not in PINNED]
        room = width - sum(cell_len(GAP + key + " " + text) for _, key, text in helps)
        shown = []
        for hint in others:
            cost = cell_len(GAP + hint[1] + " " + hint[2])
            if cost > room:
                break
            shown.append(hint)
            room -= cost
        key_style = self.get_component_rich_style("key-hints--key")
        text_style = self.get_component_rich_style("key-hints--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        for n, (_, key, description) in enumerate(shown + helps):
            if n:
                line.append(GAP)
            line.append(key, key_style)
            line.append(" " + description, text_style)
        return line
