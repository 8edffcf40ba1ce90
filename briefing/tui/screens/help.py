"""The help screen: every key, grouped by pane, read from the bindings themselves."""

from __future__ import annotations

from typing import NamedTuple

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing.tui.look import stylesheet_beside
from briefing.tui.widgets.key_hints import KeyHints


def _key_name(app, key: str) -> str:
    return app.get_key_display(Binding(key, ""))


class KeyRow(NamedTuple):
    keys: str
    description: str
    id: str
    action: str


KeyGroup = tuple[str, tuple[DOMNode, ...]]


def binding_rows(*nodes: DOMNode) -> list[KeyRow]:
    """Keys, description, id and action for each described action bound on *nodes*, in binding order.

    The keys are those in force: the defaults with the user's remapping applied.
    """
    # The reader's own actions (each has a binding with an id); what a pane
    # inherits from Textual's widgets (text editing, sideways scrolling) is left out.
    own = {b.action for node in nodes for bindings in node._bindings.key_to_bindings.values()
           for b in bindings if b.id}
    by_action: dict[str, tuple[list[str], str, str]] = {}
    for node in nodes:
        bindings_map = node._bindings.copy()
        if node.app._keymap:
            bindings_map.apply_keymap(node.app._keymap)
        for key, bindings in bindings_map.key_to_bindings.items():
            for binding in bindings:
                if not binding.description or binding.action not in own:
                    continue
                keys, description, known_id = by_action.setdefault(binding.action, ([], binding.description, ""))
                if binding.id and not known_id:
                    by_action[binding.action] = (keys, description, binding.id)
                name = _key_name(node.app, key)
                if name not in keys:
                    keys.append(name)
    return [KeyRow(", ".join(keys), description, id, action) for action, (keys, description, id) in by_action.items()]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of each pane and of the whole reader."""

    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("q,question_mark,escape", "dismiss", "Close help", key_display="q", id="help.close"),
    ]

    def __init__(self, groups: list[KeyGroup]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text("Keys"), id="help-title")
            for title, nodes in self.groups:
                table = Table.grid(padding=(0, 2))
                table.add_column(min_width=12, style="bold")
                table.add_column(ratio=1)
                # The id is what the config file's "keys" setting remaps.
                table.add_column(style="dim")
                for row in binding_rows(*nodes):
                    table.add_row(Text(row.keys), Text(row.description), Text(row.id))
                yield Static(Text(title), classes="help-group")
                yield Static(table, classes="help-table")
        yield KeyHints()
