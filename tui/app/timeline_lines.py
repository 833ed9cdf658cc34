"""How the timeline draws its lines: each node's line is drawn once and kept while it
looks the same, and opening or closing a node lays out no more than the pane.

Textual's Tree keeps drawn lines by line number and forgets them all whenever a node
opens or closes (every line below it moves), so a jump to another day drew every line
of the pane again; and each open or close asked for a layout of the whole screen
(every pane composited again), though the pane's size never depends on its lines.
Here a line is kept by what it shows (its node, the guides of its ancestors, open or
closed, cursor, hover, focus, width), and the line number, which Textual puts in each
line's style for the mouse, is added as the line is put on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app.scrollbars import KeptScrollBars

ItemT = TypeVar("ItemT")
TOGGLE_STYLE = Style.from_meta({"toggle": True})  # as Textual's Tree marks the icon

# Lines kept per timeline: a pane of decades, a year's months, a busy month's days and
# a day's events, several times over.
KEPT_LINES = 4_096


@dataclass(frozen=True, slots=True)
class Look:
    """What one line shows, besides its line number: the node, its ancestors from the
    top level down (``path``, the node last), whether the node is its parent's last
    child (``last``) and open, and whether the cursor or the mouse is on it."""

    path: Sequence[TreeNode[Any]]
    last: bool
    expanded: bool
    cursor: bool = False
    hover_line: bool = False


class TimelineLines(KeptScrollBars, Tree[ItemT]):
    """A Tree whose lines are kept by what they show (see the module's docstring)."""

    # The number of lines comes to the scrollbar without a layout of the screen; a
    # scrollbar that comes or goes still asks for one (``show_vertical_scrollbar``).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._kept: LRUCache[tuple[object, ...], Strip] = LRUCache(KEPT_LINES)
        self._pass_style: Style | None = None
        self._adding = 0

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        self._scroll_update(new)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        """The compositor's idea of the virtual size never equals the tree's own (its
        lines set it): compared, every layout of the screen drew the scrollbar again."""
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    @contextmanager
    def adding_to(self, node: TreeNode[ItemT]) -> Iterator[None]:
        """Children added to ``node`` in this block change the tree's lines once, at
        the end, and not at all while ``node`` is closed (no line changes then; the
        hidden root's children always show):
        Textual's Tree redid its lines and repainted the pane for each child added."""
        self._adding += 1
        try:
            yield
        finally:
            self._adding -= 1
            if not self._adding and (node.is_expanded or node is self.root):
                self._invalidate()

    def _invalidate(self) -> None:
        """Textual's, less the layout of the whole screen (see ``virtual_size``)."""
        if self._adding:
            return
        self._clear_line_cache()
        self._updates += 1
        self.root._reset()
        self.refresh()

    def clear(self) -> TimelineLines[ItemT]:
        self._kept.clear()
        return cast("TimelineLines[ItemT]", super().clear())

    def notify_style_update(self) -> None:
        self._kept.clear()  # a theme or focus style changed: lines look different
        super().notify_style_update()

    # -- the pane's style, once per drawing -----------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_style = None
        self._pass_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = None

    @property
    def rich_style(self) -> Style:
        """The pane's style, worked out once per drawing of its lines: the tree asks for
        it on every line, and each time walked every ancestor's styles (half the time
        of drawing the pane after a year or a day opened)."""
        if self._pass_style is not None:
            return self._pass_style
        return super().rich_style

    def get_label_width(self, node: TreeNode[ItemT]) -> int:
        """The label's width without drawing it (the tree measures every open row
        whenever a node opens or closes)."""
        icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        return node.label.cell_len + (cell_len(icon) if node.allow_expand else 0)

    # -- lines ----------------------------------------------------------------------

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        lines = self._tree_lines
        if y >= len(lines):
            return Strip.blank(self.size.width, base_style)
        line = lines[y]
        look = Look(line.path, line.last, line.node.is_expanded, self.cursor_line == y,
                    self.hover_line == y)
        strip = self.drawn(look, base_style, max(self.size.width, x2))
        return strip.apply_style(Style.from_meta({"line": y})).crop(x1, x2)

    def drawn(self, look: Look, base_style: Style, width: int) -> Strip:
        """The line ``look`` describes, at least ``width`` cells (Textual's are as wide
        as the widest line, but only the pane's width is ever shown), from the kept
        lines or drawn now, without its line number."""
        hovered = self.hover_line >= 0 and any(node._hover for node in look.path)
        *above, node = look.path
        key = (
            tuple((n._id, id(n._label), n.is_last, n._hover, n._selected) for n in above),
            node._id, id(node._label), node._allow_expand, node._hover,
            look.last, look.expanded, look.cursor, look.hover_line, hovered,
            self.has_focus, width, base_style, self._pseudo_class_state,
            self.guide_depth, self.show_guides,
        )
        strip = self._kept.get(key)
        if strip is None:
            strip = self._kept[key] = self._draw(look, hovered, base_style, width)
        return strip

    def draw_ahead(self, looks: Iterable[Look]) -> int:
        """Draw and keep these lines now (in a pause), so a key that shows them later
        only places them; how many were drawn."""
        if not self.size.width:
            return 0
        self._pseudo_class_state = self.get_pseudo_class_state()  # as a drawing sets it
        base_style = self.rich_style
        drawn = 0
        for look in looks:
            before = len(self._kept)
            self.drawn(look, base_style, self.size.width)
            drawn += len(self._kept) > before
        return drawn

    def _draw(self, look: Look, hovered: bool, base_style: Style, width: int) -> Strip:
        """Textual's Tree line (``Tree._render_line``), from ``look`` rather than the
        tree's current lines, and without the line number in its style."""
        base_hidden = self.get_component_styles("tree--guides").color.a == 0
        hover_hidden = self.get_component_styles("tree--guides-hover").color.a == 0
        selected_hidden = self.get_component_styles("tree--guides-selected").color.a == 0
        base_guide_style = self.get_component_rich_style("tree--guides", partial=True)
        guide_hover_style = base_guide_style + self.get_component_rich_style(
            "tree--guides-hover", partial=True)
        guide_selected_style = base_guide_style + self.get_component_rich_style(
            "tree--guides-selected", partial=True)
        path = look.path
        hover = path[0]._hover
        selected = path[0]._selected and self.has_focus

        def get_guides(style: Style, hidden: bool) -> tuple[str, str, str, str]:
            if self.show_guides and not hidden:
                kind = "bold" if style.bold else "double" if style.underline2 else "default"
                lines: tuple[str, str, str, str] = self.LINES[kind]
            else:
                lines = ("  ", "  ", "  ", "  ")
            depth = max(0, self.guide_depth - 2)
            return cast("tuple[str, str, str, str]",
                        tuple(f"{chars[0]}{chars[1] * depth} " for chars in lines))

        line_style = (self.get_component_rich_style("tree--highlight-line")
                      if hovered else base_style)
        guides = Text(style=line_style)
        guide_style = base_guide_style
        hidden = True
        for node in path[1:]:
            hidden = base_hidden
            if hover:
                guide_style, hidden = guide_hover_style, hover_hidden
            if selected:
                guide_style, hidden = guide_selected_style, selected_hidden
            space, vertical, _, _ = get_guides(guide_style, hidden)
            if node is not path[-1]:
                guides.append(space if node.is_last else vertical, style=guide_style)
            hover = hover or node._hover
            selected = (selected or node._selected) and self.has_focus
        if len(path) > 1:
            _, _, terminator, cross = get_guides(guide_style, hidden)
            guides.append(terminator if look.last else cross, style=guide_style)

        label_style = self.get_component_rich_style("tree--label", partial=True)
        if look.hover_line:
            label_style += self.get_component_rich_style("tree--highlight", partial=True)
        if look.cursor:
            label_style += self.get_component_rich_style("tree--cursor", partial=False)
        node = path[-1]
        label = node._label.copy()
        label.stylize(label_style)
        if node._allow_expand:
            icon = self.ICON_NODE_EXPANDED if look.expanded else self.ICON_NODE
            prefix = (icon, line_style + TOGGLE_STYLE)
        else:
            prefix = ("", line_style)
        label = Text.assemble(prefix, label)
        label.stylize(Style(meta={"node": node._id}))
        guides.append(label)

        segments = list(guides.render(self.app.console))
        pad = width - guides.cell_len
        if pad > 0:
            segments.append(Segment(" " * pad, line_style))
        return Strip(segments)
