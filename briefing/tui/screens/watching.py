"""Saved searches, alerts and the hide and highlight rules on the reader's screen.

A part of :class:`~briefing.tui.screens.reader.ReaderScreen`: ``w`` saves the
search in force, ``W`` puts the saved searches (with their unread counts) in
the list's place, ``H`` shows the articles the hide rules leave out. The
queries run in the watching service's worker whenever the index changes;
articles that arrive and match a saved search are announced by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.model import Entry
from briefing.tui import messages as m
from briefing.tui.screens.confirm import ConfirmScreen
from briefing.tui.screens.save_search import SaveSearchScreen
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.search_bar import SearchBar, SearchInput
from briefing.tui.widgets.watch_list import ALL, WatchList, WatchRow
from briefing.watches import WatchError

if TYPE_CHECKING:
    from briefing.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object

# An alert names at most this many titles.
TITLES_IN_ALERT = 3


class Watching(_Base):
    def _watching_init(self) -> None:
        self.hidden: set[str] = set()
        self.highlighted: set[str] = set()
        self.show_hidden = False
        self.watch_matches: dict[str, list[str]] = {}
        self.watch_problems: dict[str, str] = {}
        # The saved search whose results are listed, if the list came from one.
        self.listed_watch: str | None = None
        # Articles that came in since the index was last ready; told once it is.
        self.arrived: set[str] = set()
        self.watching_ready = False
        self._rule_problems_told: set[str] = set()

    # Arrivals: what the list gained since the last look

    def note_arrivals(self, before: set[str] | None, entries: list[Entry]) -> None:
        if before is None or not self.watching_ready:
            return  # the first list, or the first build: nothing "arrives"
        self.arrived.update(e.rel for e in entries if e.rel not in before)

    def refresh_watching(self) -> None:
        """After an index update: count the saved searches, apply the rules, announce what arrived."""
        watching = self.services.watching
        if watching is None:
            return
        arrived, self.arrived = self.arrived, set()
        self.watching_ready = True
        watching.refresh(arrived)

    def on_rules_applied(self, message: m.RulesApplied) -> None:
        changed = message.hidden != self.hidden or message.highlighted != self.highlighted
        self.hidden, self.highlighted = message.hidden, message.highlighted
        self.query_one(ArticleList).set_highlighted(self.highlighted)
        if changed:
            self.refresh_list()
        for problem in message.problems:
            if problem not in self._rule_problems_told:
                self._rule_problems_told.add(problem)
                self.notify(problem, title="Settings", severity="warning", timeout=10, markup=False)

    def on_watches_counted(self, message: m.WatchesCounted) -> None:
        self.watch_matches, self.watch_problems = message.matches, message.problems
        self.show_watch_counts()

    def on_watch_alert(self, message: m.WatchAlert) -> None:
        entries = [e for rel in message.rels if (e := self._by_rel.get(rel)) is not None]
        if not entries:
            return
        titles = "\n".join(self.look.title(e.title) for e in entries[:TITLES_IN_ALERT])
        more = f"\n{self.look.glyphs.ellipsis}and {len(entries) - TITLES_IN_ALERT} more" if len(
            entries) > TITLES_IN_ALERT else ""
        count = f"{len(entries)} new article{'s' if len(entries) != 1 else ''}"
        # The search's name and the titles are the user's and the articles' text: never markup.
        self.notify(f"{titles}{more}", title=f"{message.name}: {count}", timeout=12, markup=False)
        settings = self.services.settings
        if settings is not None and settings.bell:
            self.app.bell()

    # The saved searches in the list's place

    def show_watch_counts(self) -> None:
        """The saved-search list's rows, unread counts from the marks as they stand."""
        watching = self.services.watching
        if watching is None:
            return
        states = self.review.states
        library = self.library()
        visible = [e for e in library if self.show_hidden or e.rel not in self.hidden]
        rows = [WatchRow(ALL, "", "all", sum(1 for e in visible if not _read(states, e.rel)), len(visible))]
        from briefing.state import keep

        for watch in watching.watches():
            found = self.watch_matches.get(watch.name)
            problem = self.watch_problems.get(watch.name)
            if found is None:
                rows.append(WatchRow(watch.name, watch.query, watch.filter, None, None, problem))
                continue
            listed = [rel for rel in found if rel in self._by_rel and (self.show_hidden or rel not in self.hidden)
                      and keep(watch.filter, states.get(rel))]
            unread = sum(1 for rel in listed if not _read(states, rel))
            rows.append(WatchRow(watch.name, watch.query, watch.filter, unread, len(listed), problem))
        widget = self.query_one(WatchList)
        widget.set_rows(rows)
        widget.border_title = f"Saved searches ({len(rows) - 1})"

    def action_watches(self) -> None:
        """The saved searches in the list's place (W again: back to the articles)."""
        if self.services.watching is None:
            return
        if self.panes.list_pane == "watches":
            self.panes.use_list("articles")
            return
        self.show_watch_counts()
        if len(self.query_one(WatchList).rows) == 1:
            self.notify("No saved searches yet: search with /, then w saves the search.", timeout=5)
        self.panes.use_list("watches")

    def on_watch_chosen(self, message: m.WatchChosen) -> None:
        bar = self.query_one(SearchBar)
        if message.name == ALL:
            self.listed_watch = None
            self.listing = self.listing.filtered("all")
            self.query_one(SearchInput).clear_quietly()
            self.clear_search()
        else:
            watching = self.services.watching
            watch = next((w for w in watching.watches() if w.name == message.name), None) if watching else None
            if watch is None:
                self.notify("That saved search is gone (removed elsewhere).", timeout=4)
                self.show_watch_counts()
                return
            self.listed_watch = watch.name
            self.listing = self.listing.filtered(watch.filter)
            field = bar.open()
            with field.prevent(SearchInput.Changed):
                field.value = watch.query
            self.services.search.run(watch.query)
        self.panes.use_list("articles")

    def on_watch_remove_asked(self, message: m.WatchRemoveAsked) -> None:
        def answered(yes: bool | None) -> None:
            if not yes or self.services.watching is None:
                return
            try:
                removed = self.services.watching.remove(message.name)
            except WatchError as exc:
                self.notify(str(exc), severity="error", timeout=8, markup=False)
                return
            self.notify(f"Removed the saved search {message.name}" if removed else "It was already removed.",
                        timeout=3, markup=False)
            self.show_watch_counts()

        self.app.push_screen(ConfirmScreen(f"Remove the saved search {message.name}? (the articles stay)"),
                             answered)

    # Saving the search in force

    def action_save_search(self) -> None:
        watching = self.services.watching
        if watching is None or watching.store is None:
            self.notify(watching.problem if watching else "Saved searches are unavailable.", severity="error",
                        markup=False)
            return
        query = self.query_one(SearchBar).input.value.strip()
        if not query or self.results is None:
            self.notify("Search first (/), then w saves the search with the list's filter.", timeout=4)
            return
        suggested = self.listed_watch or " ".join(query.replace('"', " ").split()[:4])[:40]
        found = [h.path for h in self.results.hits]
        filter = self.listing.filter
        self.app.push_screen(SaveSearchScreen(query, filter, suggested),
                             lambda name: self._save_search(name, query, filter, found) if name else None)

    def _save_search(self, name: str, query: str, filter: str, found: list[str]) -> None:
        watching = self.services.watching
        assert watching is not None
        existing = {w.name: w for w in watching.watches()}
        if name in existing and existing[name].query != query:
            self.app.push_screen(
                ConfirmScreen(f"Replace the saved search {name} ({existing[name].query}) with {query}?"),
                lambda yes: self._keep_search(name, query, filter, found, True) if yes else None)
            return
        self._keep_search(name, query, filter, found, name in existing)

    def _keep_search(self, name: str, query: str, filter: str, found: list[str], replace: bool) -> None:
        try:
            watch = self.services.watching.save(name, query, filter, found, replace=replace)
        except WatchError as exc:
            self.notify(f"Not saved: {exc}", severity="error", timeout=8, markup=False)
            return
        self.listed_watch = watch.name
        self.watch_matches[watch.name] = found
        self.notify(f"Saved as {watch.name}: W lists the saved searches with their unread counts", timeout=4,
                    markup=False)
        self.show_watch_counts()

    # The hide rules

    def action_toggle_hidden(self) -> None:
        settings = self.services.settings
        if not (settings and settings.hide):
            self.notify("No hide rules: add 'hide:' queries to the config file to leave articles out.", timeout=4)
            return
        self.show_hidden = not self.show_hidden
        self.refresh_list()
        self.show_watch_counts()
        self.notify("Hidden articles shown" if self.show_hidden else "Hidden articles left out again", timeout=2)


def _read(states, rel: str) -> bool:
    state = states.get(rel)
    return state is not None and state.read
