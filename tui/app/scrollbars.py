"""Vertical scrollbars that keep the lines they drew, by how the bar looks.

A page change moves three scrollbars (the timeline's, the reader's, the navigator's),
and Textual draws each again through Rich and then its styles, line by line: 1 to 2 ms
a bar, more than the panes' own lines, which are kept. A bar looks the same whenever
its size, range, window, thumb position and colours are the same (the two ends of the
archive, a page seen again, a list of the same length), so its lines are kept by
exactly those, and by what Textual's drawing of them depends on (the backgrounds
behind the bar, opacity, theme, the screen's line filters).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.cache import LRUCache
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object

KEPT_BARS = 48  # looks kept per bar


class KeptScrollBar(ScrollBar):
    """A ScrollBar whose drawn lines are kept per look."""

    def __init__(self, vertical: bool = True, name: str | None = None, *,
                 thickness: int = 1) -> None:
        super().__init__(vertical, name, thickness=thickness)
        self._kept: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(KEPT_BARS)

    def render_lines(self, crop: Region) -> list[Strip]:
        bar = self.render()
        if type(bar) is not ScrollBarRender:
            return super().render_lines(crop)
        app = self.app
        key = (
            crop, self.size, tuple(sorted(vars(bar).items())), self.background_colors,
            self.opacity, app.theme, app.ansi_color,
            tuple(id(line_filter) for line_filter in app.get_line_filters()),
        )
        lines = self._kept.get(key)
        if lines is None:
            lines = self._kept[key] = super().render_lines(crop)
        return list(lines)


class KeptScrollBars(_Base):
    """Widget mixin: the vertical scrollbar is a :class:`KeptScrollBar` (Textual's own
    property, making the same bar of that class)."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        bar = self._vertical_scrollbar
        if bar is None:
            bar = KeptScrollBar(vertical=True, name="vertical",
                                thickness=self.scrollbar_size_vertical)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return bar
