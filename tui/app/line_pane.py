"""A pane drawn line by line from a list of text blocks, wrapped only where it is shown.

The reader and the related navigator are both this: one widget whatever the number of
blocks (events, links, rows), each block wrapped the first time it comes on screen
(``reader_lines``), so a busy day's hundreds of rows cost what one screen costs.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import Visual

from tui.app.reader_lines import ReaderLines

# Texts whose lines are kept for reuse, per pane (the oldest go first): a few screens
# of pages and lists.
DRAWN_TEXTS = 3_000


class LinePane(ScrollView):
    """Lays out its blocks at the width it gets and draws the lines on screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines: ReaderLines | None = None
        self._laid_out_for = Size(0, 0)
        self._drawn: dict[tuple[object, ...], list[Strip]] = {}

    def make_lines(self, width: int) -> ReaderLines:
        """The pane's blocks as lines at ``width``, nothing wrapped yet
        (``ReaderLines(..., wrap_short=False)``)."""
        raise NotImplementedError

    def invalidate_lines(self) -> None:
        """The blocks changed: lay them out again and repaint."""
        self._lines = None
        self._lay_out()
        self.refresh()

    def render_text(self, text: Text, width: int, style: VisualStyle | None = None) -> list[Strip]:
        """``text`` wrapped at ``width`` as screen lines, in ``style`` (the pane's own
        by default); archive text stays text (``Text`` is never parsed as markup).

        Lines already made for the same text, width, style and theme are reused: a page
        shown again (back, forward, the next stage of a document's links) costs no
        wrapping. The cached lists are shared and never changed in place."""
        style = self.visual_style if style is None else style
        key = (text.plain, tuple(text.spans), text.style, width, style, self.app.theme)
        strips = self._drawn.get(key)
        if strips is None:
            content = Content.from_rich_text(text, console=self.app.console)
            strips = Visual.to_strips(self, content, width, None, style, apply_selection=False)
            if len(self._drawn) >= DRAWN_TEXTS:
                del self._drawn[next(iter(self._drawn))]
            self._drawn[key] = strips
        return strips

    def _lines_at(self, width: int) -> ReaderLines:
        lines = self._lines
        if lines is None or lines.width != width:
            lines = self.make_lines(width)
        return lines

    def _lay_out(self) -> ReaderLines:
        """The blocks' lines at the width the pane gets, with the blocks on screen wrapped.

        The width is decided here, not read from the scrollbar's state: the full width
        when everything fits, less the scrollbar's when it does not. A long page is
        recognised from its estimated height before anything is wrapped, so it is
        wrapped at one width only."""
        area = self.content_region
        self._laid_out_for = area.size
        full = max(1, area.width)
        narrow = max(1, full - self.styles.scrollbar_size_vertical)
        lines = self._lines
        if lines is None or lines.width != narrow or lines.total <= area.height:
            lines = self._lines_at(full)
            if lines.minimum <= area.height:
                lines.wrap_if_short()
            if lines.total > area.height:
                lines = self._lines_at(narrow)
                lines.wrap_if_short()
        self._lines = lines
        top = round(self.scroll_y)
        lines.ensure(top, top + max(1, self.scrollable_content_region.height))
        self._set_virtual_size(Size(lines.width, lines.total))
        return lines

    def _set_virtual_size(self, size: Size) -> None:
        """A new length of the page, without a layout of the whole screen when the
        scrollbar stays as it is (setting ``virtual_size`` lays out every widget, and
        the scrollbars it touches were drawn again in a second frame)."""
        old = self.virtual_size
        if old == size:
            return
        height = self.container_size.height
        if (old.height > height) != (size.height > height) or old.width != size.width:
            # The scrollbar comes or goes: a layout is needed. Deciding the scrollbar
            # now lets the one layout place it, instead of that layout deciding it and
            # asking for a second one (and a third frame for the scrollbars).
            self.virtual_size = size
            self._refresh_scrollbars()
            return
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        """A layout offers the compositor's idea of the page's virtual size, which never
        equals the pane's own (its lines set it): compared, it had every layout of the
        screen update this pane's scrollbars and draw them again a frame later."""
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self._lines is not None:
            self._lay_out()
        super().watch_scroll_y(old_value, new_value)

    def on_resize(self) -> None:
        self._lay_out()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The pane's size can change with no resize event reaching it.
        if self._lines is None or self._laid_out_for != self.content_region.size:
            self._lay_out()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        lines = self._lines if self._lines is not None else self._lay_out()
        return lines.line(round(self.scroll_y) + y)
