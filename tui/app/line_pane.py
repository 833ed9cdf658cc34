"""A pane drawn line by line from a list of text blocks, wrapped only where it is shown.

The reader and the related navigator are both this: one widget whatever the number of
blocks (events, links, rows), each block wrapped the first time it comes on screen
(``reader_lines``), so a busy day's hundreds of rows cost what one screen costs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.text import Text
from textual.content import Content
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, Visual

from tui.app.reader_lines import ReaderLines, wrapped_lines
from tui.app.scrollbars import KeptScrollBars

# Texts whose lines are kept for reuse, per pane (the oldest go first): a few screens
# of pages and lists.
DRAWN_TEXTS = 3_000


def _clickable(strip: Strip) -> bool:
    """Whether a line holds a link (a segment whose style names a click action)."""
    return any(style is not None and style._meta is not None and "@click" in style.meta
               for _, style, _ in strip)


class LinePane(KeptScrollBars, ScrollView):
    """Lays out its blocks at the width it gets and draws the lines on screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines: ReaderLines | None = None
        self._laid_out_for = Size(0, 0)
        self._drawn: dict[tuple[object, ...], list[Strip]] = {}
        self._pass_style: VisualStyle | None = None

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
        if style is None:
            style = self._pass_style if self._pass_style is not None else self.visual_style
        key = (text.plain, tuple(text.spans), text.style, width, style, self.app.theme)
        strips = self._drawn.get(key)
        if strips is None:
            strips = self._to_strips(Content.from_rich_text(text, console=self.app.console),
                                     width, style)
            if len(self._drawn) >= DRAWN_TEXTS:
                del self._drawn[next(iter(self._drawn))]
            self._drawn[key] = strips
        return strips

    def _to_strips(self, content: Content, width: int, style: VisualStyle) -> list[Strip]:
        """Textual's ``Visual.to_strips`` for a pane's text (left-aligned, not padded, no
        selection marked), less its making every line again to style links, when the
        text has none (a third of the time of drawing a navigator row)."""
        if self.styles.content_align != ("left", "top"):
            return Visual.to_strips(self, content, width, None, style, apply_selection=False)
        strips = content.render_strips(width, None, style,
                                       RenderOptions(self._get_style, self.styles))
        if (self.auto_links and not self.screen._selecting
                and any(_clickable(strip) for strip in strips)):
            link_style = self.link_style
            strips = [strip._apply_link_style(link_style) for strip in strips]
        return strips

    @contextmanager
    def _drawing(self) -> Iterator[None]:
        """The pane's own style worked out once for a layout or a drawing of its lines
        (each block wrapped asked for it, and it walks every ancestor's styles)."""
        if self._pass_style is not None:
            yield
            return
        self._pass_style = self.visual_style
        try:
            yield
        finally:
            self._pass_style = None

    def _lines_at(self, width: int) -> ReaderLines:
        lines = self._lines
        if lines is None or lines.width != width:
            lines = self.make_lines(width)
        return lines

    def _lay_out(self) -> ReaderLines:
        """The blocks' lines at the width the pane gets, with the blocks on screen wrapped."""
        with self._drawing():
            return self._lay_out_now()

    def _lay_out_now(self) -> ReaderLines:
        area = self.content_region
        self._laid_out_for = area.size
        lines = self._fitted(self._lines, self._lines_at, area.size)
        self._lines = lines
        top = round(self.scroll_y)
        lines.ensure(top, top + max(1, self.scrollable_content_region.height))
        self._set_virtual_size(Size(lines.width, lines.total))
        return lines

    def _fitted(self, lines: ReaderLines | None, lines_at: Callable[[int], ReaderLines],
                area: Size) -> ReaderLines:
        """Lines for a pane of ``area``: ``lines`` if they still fit, else new ones from
        ``lines_at(width)``.

        The width is decided here, not read from the scrollbar's state: the full width
        when everything fits, less the scrollbar's when it does not. A long page is
        recognised from its estimated height before anything is wrapped, and a short
        one's lines are counted, not drawn, so a page is drawn at one width only."""
        full = max(1, area.width)
        narrow = max(1, full - self.styles.scrollbar_size_vertical)
        if lines is None or lines.width != narrow or lines.total <= area.height:
            lines = lines_at(full)
            if lines.minimum <= area.height:
                lines.exact_if_short(fits=area.height)
            if lines.total > area.height:
                lines = lines_at(narrow)
                lines.exact_if_short()
        return lines

    def count_lines(self, plain: str, width: int) -> int | None:
        """The lines a text takes in this pane (``wrapped_lines``), while the pane
        wraps text as Textual does by default; else None (it must be drawn to tell)."""
        get = self.styles.get
        if (get("text_wrap", "wrap"), get("text_overflow", "fold"), get("line_pad", 0)) != (
                "wrap", "fold", 0):
            return None
        return wrapped_lines(plain, width)

    def draw_ahead(self, lines_at: Callable[[int], ReaderLines]) -> None:
        """Wrap, and keep (``render_text``), the lines of other blocks as this pane would
        first show them, from the top: a page the user is likely to open next costs no
        wrapping when it is opened. Run in a pause of the input."""
        area = self.content_region.size
        if area.width and area.height:
            with self._drawing():
                self._fitted(None, lines_at, area).ensure(0, area.height)

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
        with self._drawing():
            if self._lines is None or self._laid_out_for != self.content_region.size:
                self._lay_out()
            return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        lines = self._lines if self._lines is not None else self._lay_out()
        return lines.line(round(self.scroll_y) + y)
