"""The reader's own keys, in the order the help screen and the palette list them.

Every binding has an id, by which the config file's ``keys`` setting remaps it
(see :mod:`briefing.tui.keymap`); the panes' own keys are with the panes.
"""

from __future__ import annotations

from textual.binding import Binding

READER = [
    Binding("q", "quit", "Quit", id="quit"),
    # A priority binding runs as the key arrives, before keys typed just
    # after it are passed on: so those reach the search box, not the list.
    Binding("slash", "search", "Search", key_display="/", priority=True, id="search"),
    Binding("n", "hit(1)", "Next hit", show=False, id="hit.next"),
    Binding("N", "hit(-1)", "Previous hit", show=False, id="hit.previous"),
    Binding("o", "cycle_order", "Order", id="order",
            tooltip="Cycle the list's order: date, source, title (and relevance for results)"),
    Binding("s", "toggle('starred')", "Star", id="star"),
    Binding("f", "toggle('flagged')", "Flag", id="flag"),
    Binding("u", "toggle('read')", "Read/unread", show=False, id="read"),
    Binding("a", "note", "Note", id="note"),
    Binding("e", "note_in_editor", "Note in $EDITOR", show=False, id="note.editor"),
    Binding("D", "digest", "Digest", show=False, id="digest"),
    Binding("A", "mark_all_read", "Mark all read", show=False, id="read.all",
            tooltip="Mark every listed article read (asks first above 20); ctrl+z undoes it"),
    Binding("ctrl+z", "undo", "Undo the last batch", show=False, key_display="^z", id="undo"),
    Binding("w", "save_search", "Save search", show=False, id="watch.save"),
    Binding("W", "watches", "Saved searches", show=False, id="watches",
            tooltip="The saved searches with their unread counts, in the list's place (W again: back)"),
    Binding("H", "toggle_hidden", "Show hidden", show=False, id="hidden"),
    Binding("E", "entities", "People, places, organisations", show=False, id="entities"),
    Binding("L", "copy_link", "Copy link", show=False, id="link.copy"),
    Binding("O", "open_link", "Open link", show=False, id="link.open"),
    Binding("F", "fetch_feeds", "Fetch feeds", show=False, id="feeds.fetch"),
    Binding("1", "filter('all')", "All articles", show=False, id="filter.all"),
    Binding("2", "filter('unread')", "Unread only", show=False, id="filter.unread"),
    Binding("3", "filter('starred')", "Starred only", show=False, id="filter.starred"),
    Binding("4", "filter('flagged')", "Flagged only", show=False, id="filter.flagged"),
    Binding("5", "filter('noted')", "With a note only", show=False, id="filter.noted"),
    Binding("6", "filter('flagged_by_anyone')", "Flagged by anyone", show=False, id="filter.flagged_by_anyone"),
    Binding("7", "filter('noted_by_others')", "Noted by others", show=False, id="filter.noted_by_others"),
    Binding("K", "toggle_points", "Key points", id="key_points"),
    Binding("r", "next_related", "Next related", show=False, id="related.next"),
    Binding("S", "stories", "Stories", show=False, id="stories"),
    Binding("z", "focused_reading", "Focus", id="focus", tooltip="Show the reading pane alone (z again to come back)"),
    Binding("backspace", "back", "Back to the list", id="back"),
    Binding("less_than_sign", "resize(-1)", "Narrower side pane", key_display="<", show=False, id="narrower"),
    Binding("greater_than_sign", "resize(1)", "Wider side pane", key_display=">", show=False, id="wider"),
    Binding("T", "app.next_theme", "Next theme", show=False, id="theme"),
    Binding("question_mark", "help", "Help", key_display="?", id="help"),
    Binding("ctrl+p,colon", "app.command_palette", "Commands", show=False, key_display="^p", id="commands"),
    Binding("tab", "focus_next", "Next pane", show=False, id="pane.next"),
    Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="pane.previous"),
    # The reading pane's paging keys work from the list too (same ids: remapped together).
    Binding("space,pagedown", "reader('page_down')", "Page down", show=False, id="reader.page_down"),
    Binding("pageup", "reader('page_up')", "Page up", show=False, id="reader.page_up"),
    Binding("g", "reader('scroll_home')", "Top of article", show=False, id="reader.top"),
    Binding("G", "reader('scroll_end')", "End of article", show=False, id="reader.bottom"),
    # Textual's own, kept last: the screen takes no bindings from Textual's Screen,
    # whose tab and shift+tab would come first in help.
    Binding("ctrl+c,super+c", "screen.copy_text", "Copy selected text", show=False),
]

# Over the reader's screen, the palette offers every action with a key but these
# (they are the palette itself, help, quitting, and moving between panes).
NOT_IN_PALETTE = {"app.command_palette", "help", "quit", "digest", "focus_next", "focus_previous"}
