"""The related navigator: what the shown document leads to, section by section.

A ``RowPane`` (drawn line by line, like the reader): headings, notes and related
events that are not in the archive are rows that cannot be highlighted or opened. The
rows themselves are made in ``navigator_rows``, by the app's loading worker when a
page opens, and again as each stage of the document's links arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import BindingType
from textual.message import Message

from tui.app.actions import bindings_for
from tui.app.navigator_rows import (
    DAY_ROWS,
    NavItem,
    NavRow,
    article_rows,
    day_rows,
    event_rows,
    message_rows,
)
from tui.app.row_pane import RowPane

if TYPE_CHECKING:
    from collections.abc import Collection

    from tui.library import Neighbours

__all__ = ["DAY_ROWS", "NavItem", "NavRow", "Navigator"]


class Navigator(RowPane):
    """Sections of related things; Enter or a click opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("navigator")

    class ItemChosen(Message):
        def __init__(self, item: NavItem) -> None:
            self.item = item
            super().__init__()

    def show_message(self, message: str) -> None:
        self.show_rows(message_rows(message))

    def show_event(self, neighbours: Neighbours, pending: Collection[str] = (),
                   *, same: bool = False) -> None:
        """An event's links; ``pending`` sections are still being looked up, and
        ``same`` says these rows update the event already shown (the highlight stays)."""
        self.show_rows(event_rows(neighbours, pending), same=same)

    def show_article(self, events: list[Any], more_like_this: Any,
                     pending: Collection[str] = (), *, same: bool = False) -> None:
        self.show_rows(article_rows(events, more_like_this, pending), same=same)

    def show_day(self, summaries: list[Any]) -> None:
        self.show_rows(day_rows(summaries))

    def show_rows(self, rows: list[NavRow], *, same: bool = False) -> None:
        """New rows (the app makes them in the worker that loads the page): the highlight
        on the first openable one, shown from the top; or, for an update of the same
        document, on the item it was on, scrolled as it was."""
        kept = self.highlighted_item if same else None
        index = next((i for i, row in enumerate(rows) if kept and row.item == kept), None)
        stays = index is not None
        if not stays:
            index = next((i for i, row in enumerate(rows) if not row.disabled), None)
        self.set_rows(list(rows), index, top=not stays)

    @property
    def items(self) -> dict[str, NavItem]:
        """The openable rows' items by row id."""
        return {row.id: row.item for row in self.rows
                if isinstance(row, NavRow) and row.id and row.item}

    @property
    def highlighted_item(self) -> NavItem | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        row = self.rows[index]
        return row.item if isinstance(row, NavRow) else None

    def chosen(self, index: int) -> None:
        row = self.rows[index]
        if isinstance(row, NavRow) and row.item is not None:
            self.post_message(self.ItemChosen(row.item))
