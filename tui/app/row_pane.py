"""A list of rows drawn line by line: the related navigator and the search results.

It looks and answers keys and the mouse like Textual's OptionList, which both panes
were, but draws only what is on screen (``LinePane``): a row is wrapped the first time
it is shown and moving the highlight redraws two rows. The OptionList measured every
row it held on each change, so a busy day's hundred rows or fifty search results cost
tens of milliseconds per key; it also dropped the last wrapped line of some rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style as VisualStyle

from tui.app.line_pane import LinePane
from tui.app.reader_lines import ReaderLines


class Row(Protocol):
    """What the pane needs of a row; one that is ``disabled`` (a heading, a note)
    cannot be highlighted or chosen; ``divider`` draws a rule under it."""

    @property
    def prompt(self) -> Text: ...

    @property
    def disabled(self) -> bool: ...

    @property
    def divider(self) -> bool: ...


class RowPane(LinePane, can_focus=True):
    """Rows, one of them highlighted; Enter or a click chooses it (``chosen``)."""

    DEFAULT_CSS = """
    RowPane {
        height: auto;
        max-height: 100%;
        color: $foreground;
        overflow-x: hidden;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
        & > .row-pane--highlighted {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .row-pane--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        & > .row-pane--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        & > .row-pane--disabled {
            color: $text-disabled;
        }
        & > .row-pane--hover {
            background: $block-hover-background;
        }
        & > .row-pane--divider {
            color: $foreground 15%;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-pane--row",
        "row-pane--disabled",
        "row-pane--highlighted",
        "row-pane--hover",
        "row-pane--divider",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("enter", "select", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.rows: list[Row] = []
        self.highlighted: int | None = None
        self._hover: int | None = None
        self._drawn_in: tuple[VisualStyle, ...] | None = None

    def chosen(self, index: int) -> None:
        """Row ``index`` was chosen (Enter or a click): what the pane does with it."""
        raise NotImplementedError

    def set_rows(self, rows: list[Row], highlighted: int | None, *, top: bool = True) -> None:
        """Replace the rows; ``top`` shows them from the first, else where they were."""
        self.rows = rows
        self._hover = None
        self.highlighted = highlighted
        if top:
            self.scroll_to(y=0, animate=False, force=True)
        self.invalidate_lines()

    def first_openable(self) -> int | None:
        return self._openable(range(len(self.rows)))

    # -- the rows, as the OptionList offered them (tests and scripts read them) -------

    @property
    def option_count(self) -> int:
        return len(self.rows)

    def get_option_at_index(self, index: int) -> Row:
        return self.rows[index]

    # -- drawing --------------------------------------------------------------------

    def _styles_in_use(self) -> tuple[VisualStyle, ...]:
        get = self.get_visual_style
        return (get("row-pane--row"),
                get("row-pane--row", "row-pane--disabled"),
                get("row-pane--row", "row-pane--highlighted"),
                get("row-pane--row", "row-pane--hover"),
                get("row-pane--divider"))

    def make_lines(self, width: int) -> ReaderLines:
        self._drawn_in = self._styles_in_use()
        return self._row_lines(self.rows, width, self._render_row)

    def _row_lines(self, rows: list[Row], width: int,
                   render_row: Callable[[int, int], list[Strip]]) -> ReaderLines:
        prompts = [row.prompt for row in rows]
        return ReaderLines(prompts, [0] * len(prompts), width, prompts.__getitem__,
                           self.render_text, wrap_short=False, render_block=render_row,
                           extra=[int(row.divider) for row in rows], count=self.count_lines)

    def _render_row(self, index: int, width: int) -> list[Strip]:
        return self._row_strips(self.rows[index], index, self.highlighted, self._hover,
                                self._drawn_in or self._styles_in_use(), width)

    def _row_strips(self, row: Row, index: int, highlighted: int | None, hover: int | None,
                    styles: tuple[VisualStyle, ...], width: int) -> list[Strip]:
        if row.disabled:
            style = styles[1]
        elif index == highlighted:
            style = styles[2]
        elif index == hover:
            style = styles[3]
        else:
            style = styles[0]
        meta = {"option": index}
        strips = [strip.extend_cell_length(width, style.rich_style).apply_meta(meta)
                  for strip in self.render_text(row.prompt, width, style)]
        if row.divider:
            strips.append(Strip([Segment("─" * width, styles[4].rich_style)], width))
        return strips

    def draw_rows_ahead(self, rows: list[Row]) -> None:
        """``draw_ahead`` for rows this pane may show next (highlighted as they would be
        then: on the first openable row)."""
        highlighted = next((i for i, row in enumerate(rows) if not row.disabled), None)
        styles = self._styles_in_use()

        def render_row(index: int, width: int) -> list[Strip]:
            return self._row_strips(rows[index], index, highlighted, None, styles, width)

        self.draw_ahead(lambda width: self._row_lines(rows, width, render_row))

    def render_lines(self, crop: Region) -> list[Strip]:
        # Focus and theme change the rows' colours: draw them again in the new ones.
        if self._lines is not None and self._drawn_in != self._styles_in_use():
            self._lines = None
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        lines = self._lines if self._lines is not None else self._lay_out()
        number = round(self.scroll_y) + y
        if number < lines.total:
            return lines.line(number)
        styles = self._drawn_in or self._styles_in_use()
        return Strip.blank(lines.width, styles[0].rich_style)

    def _restyle(self, *indexes: int | None) -> None:
        lines = self._lines
        for index in indexes:
            if lines is not None and index is not None and 0 <= index < len(self.rows):
                lines.restyle(index)
        self.refresh()

    # -- the highlight --------------------------------------------------------------

    def highlight(self, index: int | None) -> None:
        """Move the highlight to row ``index`` (an openable one) and bring it into view."""
        if index is None or not 0 <= index < len(self.rows) or self.rows[index].disabled:
            return
        previous, self.highlighted = self.highlighted, index
        if previous != index:
            self._restyle(previous, index)
        self.scroll_to_highlight()

    def scroll_to_highlight(self) -> None:
        if self.highlighted is None or not self.is_mounted:
            return
        lines = self._lay_out()
        top = lines.starts[self.highlighted]
        height = lines.heights[self.highlighted] - int(self.rows[self.highlighted].divider)
        self.scroll_to_region(Region(0, top, max(1, lines.width), max(1, height)),
                              force=True, animate=False, immediate=True)

    def _openable(self, order: range) -> int | None:
        return next((i for i in order if not self.rows[i].disabled), None)

    def _step(self, direction: int) -> None:
        """The next openable row up or down, wrapping round at either end."""
        if self.highlighted is None:
            (self.action_first if direction > 0 else self.action_last)()
            return
        count = len(self.rows)
        for step in range(1, count + 1):
            index = (self.highlighted + direction * step) % count
            if not self.rows[index].disabled:
                self.highlight(index)
                return

    def action_cursor_down(self) -> None:
        self._step(+1)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_first(self) -> None:
        self.highlight(self.first_openable())

    def action_last(self) -> None:
        self.highlight(self._openable(range(len(self.rows) - 1, -1, -1)))

    def _page(self, direction: int) -> None:
        if self.highlighted is None:
            (self.action_last if direction > 0 else self.action_first)()
            return
        lines = self._lay_out()
        line = lines.starts[self.highlighted] + direction * self.scrollable_content_region.height
        target = lines.block_at(max(0, min(lines.total - 1, line)))
        ahead = range(target, len(self.rows)) if direction > 0 else range(target, -1, -1)
        behind = range(target, -1, -1) if direction > 0 else range(target, len(self.rows))
        found = self._openable(ahead)
        self.highlight(found if found is not None else self._openable(behind))

    def action_page_down(self) -> None:
        self._page(+1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_select(self) -> None:
        index = self.highlighted
        if index is not None and 0 <= index < len(self.rows) and not self.rows[index].disabled:
            self.chosen(index)

    def on_focus(self) -> None:
        """Coming into the pane, show where the cursor is."""
        self.call_after_refresh(self.scroll_to_highlight)

    # -- the mouse ------------------------------------------------------------------

    def _on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("option")
        if isinstance(index, int) and 0 <= index < len(self.rows) and not self.rows[index].disabled:
            self.highlight(index)
            self.action_select()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        index = event.style.meta.get("option")
        self._set_hover(index if isinstance(index, int) else None)

    def _on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            previous, self._hover = self._hover, index
            self._restyle(previous, index)
