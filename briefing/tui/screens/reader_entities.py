"""The entity view from the reader's screen: ``E`` opens it, and an article chosen there opens at its sentence.

A part of :class:`~briefing.tui.screens.reader.ReaderScreen`. With the
sidebar on a person, place or organisation, ``E`` opens that entity; over an
article, the names that article gives; otherwise every entity of the archive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.model import Anchor, Article
from briefing.tui import messages as m
from briefing.tui.screens.entities import EntitiesScreen, Pick, preload
from briefing.tui.widgets.key_points import KeyPointsPanel
from briefing.tui.widgets.reading_pane import ReadingPane

if TYPE_CHECKING:
    from briefing.tui.screens.reader import ReaderScreen

    _Base = ReaderScreen
else:
    _Base = object


class EntityBrowsing(_Base):
    def _entities_init(self) -> None:
        # The article asked for from the entity view, and the sentence to show once it is shown.
        self._wanted_sentence: Pick | None = None

    def action_entities(self, name: str | None = None) -> None:
        panel = self.query_one(KeyPointsPanel)
        if name is None and self.focused is panel:
            name = panel.highlighted_name()
        article = self.shown.rel if self.shown is not None and self.shown.article is not None else None
        index_dir = self.services.indexing.index.dir

        def read_then_show() -> None:
            # Read first, then push: the view is drawn once, with its names and articles.
            first = preload(index_dir, name, article)
            self.app.call_from_thread(show, first)

        def show(first) -> None:
            screen = EntitiesScreen(index_dir, self._by_rel, self.look, name=name, article=article,
                                    preloaded=first if not isinstance(first, str) else None)
            self.app.push_screen(screen, lambda pick: self.open_at(pick) if pick is not None else None)
            if isinstance(first, str):
                self.notify(first, timeout=5, markup=False)

        self.run_worker(read_then_show, thread=True, exclusive=True, group="entities")

    def on_names_found(self, message: m.NamesFound) -> None:
        # An entity view opened before the names were stored (or while they changed) reads them again.
        if message.ok and isinstance(self.app.screen, EntitiesScreen):
            self.app.screen.reload()

    def open_at(self, pick: Pick) -> None:
        """Open *pick*'s article and show the sentence naming the entity."""
        self._wanted_sentence = pick
        if self.shown is not None and self.shown.rel == pick.entry.rel:
            self.panes.open_reader()
            self.query_one(ReadingPane).focus()
            self.show_wanted_sentence(self.shown)
            return
        self.jump_to(pick.entry)

    def show_wanted_sentence(self, shown: m.Shown) -> None:
        pick = self._wanted_sentence
        if pick is None or pick.entry.rel != shown.rel:
            return
        self._wanted_sentence = None
        if shown.article is None:
            return
        anchor = sentence_in(shown.article, pick.anchor, pick.sentence)
        if anchor is None:
            self.notify("The article has changed since it was indexed: the sentence is no longer there.", timeout=4)
            return
        self.query_one(ReadingPane).highlight(anchor)


def sentence_in(article: Article, anchor: Anchor, sentence: str) -> Anchor | None:
    """*anchor* if the article still holds *sentence* there; else where it now stands; else None."""
    paragraphs = article.paragraphs
    if 0 <= anchor.paragraph < len(paragraphs) and paragraphs[anchor.paragraph].text[anchor.start:anchor.end] == sentence:
        return anchor
    for n, paragraph in enumerate(paragraphs):
        at = paragraph.text.find(sentence)
        if at >= 0:
            return Anchor(n, at, at + len(sentence))
    return None

