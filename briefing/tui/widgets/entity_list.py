"""The entities to choose from: each name, and under it its kind, how many articles name it and the latest.

Drawn a row at a time like the article list: a list of hundreds of names
costs nothing to show (an OptionList measures every option first).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from briefing.entities.store import Entity
from briefing.tui.look import Look, stylesheet_beside
from briefing.tui.widgets.article_list import fit
from briefing.tui.widgets.row_list import RowList, iso_date


class EntityHighlighted(Message):
    def __init__(self, entity: Entity) -> None:
        super().__init__()
        self.entity = entity


class EntityChosen(Message):
    def __init__(self, entity: Entity) -> None:
        super().__init__()
        self.entity = entity


class EntityList(RowList):
    DEFAULT_CSS = stylesheet_beside(__file__)
    SCOPED_CSS = False
    BINDINGS = [
        Binding("down,j", "cursor(1)", "Next", key_display="j", id="entity_list.next"),
        Binding("up,k", "cursor(-1)", "Previous", key_display="k", id="entity_list.previous"),
        Binding("right_square_bracket,pagedown", "page(1)", "Page down", show=False, id="entity_list.page_down"),
        Binding("left_square_bracket,pageup", "page(-1)", "Page up", show=False, id="entity_list.page_up"),
        Binding("enter", "choose", "Its articles", id="entity_list.open"),
    ]
    COMPONENT_CLASSES = {"entity-list--name", "entity-list--meta", "entity-list--cursor", "entity-list--empty"}

    def __init__(self, look: Look, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.look = look
        self.rows: list[Entity] = []
        self.empty_message = "Loading" + look.glyphs.ellipsis

    def set_entities(self, entities: list[Entity], empty: str, quietly: bool = False) -> None:
        """Show *entities*, the first highlighted; *quietly*: without saying so (the caller shows it)."""
        self.rows = entities
        self.empty_message = empty
        self.fit_rows()
        self.scroll_to(y=0, animate=False, immediate=True)
        if quietly:
            self.set_reactive(EntityList.cursor, 0)
        else:
            self.cursor = 0
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        look = self.look
        if not self.rows:
            if y == 0:
                style = base + self.get_component_rich_style("entity-list--empty")
                return Strip([Segment(fit(self.empty_message, width, look.glyphs.ellipsis), style)]
                             ).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        index, part = self.row_at(y)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        entity = self.rows[index]
        at_cursor = index == self.cursor
        style = base + self.get_component_rich_style("entity-list--name" if part == 0 else "entity-list--meta")
        if at_cursor:
            style += self.get_component_rich_style("entity-list--cursor")
        if part == 0:
            marker = look.glyphs.cursor if at_cursor else " "
            text = f"{marker} {entity.name}"
        else:
            articles = f"{entity.articles} article{'s' if entity.articles != 1 else ''}"
            latest = look.date(iso_date(entity.last)) if entity.last else ""
            text = "   " + look.glyphs.separator.join(p for p in (entity.kind, articles, latest) if p)
        return Strip([Segment(fit(text, width, look.glyphs.ellipsis), style)]).adjust_cell_length(width, style)

    def cursor_moved(self, new: int) -> None:
        if (entity := self.current) is not None:
            self.post_message(EntityHighlighted(entity))

    def action_choose(self) -> None:
        if (entity := self.current) is not None:
            self.post_message(EntityChosen(entity))
