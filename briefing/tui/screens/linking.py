"""The shown article's link on the reader's screen: ``L`` copies it through the terminal, ``O`` opens it.

A part of :class:`~briefing.tui.screens.reader.ReaderScreen`. Which links may
be used and how is decided by :mod:`briefing.links`; here they reach the
terminal (OSC 52, wrapped inside tmux or screen) or the configured opener.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing import links

if TYPE_CHECKING:
    from briefing.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object


class Linking(_Base):
    def _shown_link(self) -> links.Link | None:
        article = self.shown.article if self.shown is not None else None
        if article is None:
            self.notify("Open an article first: its link is copied or opened.", timeout=3)
            return None
        found = links.link(article.url)
        if found is None:
            self.notify("This article has no link (no url in its front matter, page or feed item).", timeout=4)
        return found

    def action_copy_link(self) -> None:
        found = self._shown_link()
        if found is None:
            return
        if found.target is None:
            self.notify(f"Not copied: {found.refused}.", severity="warning", timeout=5, markup=False)
            return
        write_to_terminal(self.app, links.clipboard_sequence(found.target))
        # Textual's own clipboard too, for pasting into the reader's own inputs.
        self.app._clipboard = found.target
        said = f"Link copied: {found.shown}"
        if found.refused:
            said += f" (it is not opened by O: {found.refused})"
        if links.tmux_passes_clipboard() is False:
            self.notify(said + "\ntmux passes it on only with 'set -g set-clipboard on' (or allow-passthrough on).",
                        severity="warning", timeout=8, markup=False)
            return
        self.notify(said, timeout=4, markup=False)

    def action_open_link(self) -> None:
        found = self._shown_link()
        if found is None:
            return
        opener = self.services.settings.opener if self.services.settings is not None else "xdg-open"
        try:
            links.open_link(found, opener)
        except links.OpenRefused as exc:
            self.notify(str(exc), severity="warning", timeout=6, markup=False)
            return
        self.notify(f"Opened with {opener}: {found.shown}", timeout=4, markup=False)


def write_to_terminal(app, sequence: str) -> None:
    """Send *sequence* to the terminal as it is (Textual's own copy_to_clipboard writes the same way)."""
    driver = getattr(app, "_driver", None)
    if driver is not None and not app.is_headless:
        driver.write(sequence)
