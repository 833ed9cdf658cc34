"""A reader page as screen lines at one width, wrapped block by block when first needed.

A busy day is a page of hundreds of events (thousands of wrapped lines); wrapping it
all at once took a quarter of a second on every page change, most of it for lines
nobody had scrolled to. A short page is wrapped whole; on a long one only the blocks
on screen are, and the others count as an estimate of their height (exact for a block
that fits on one line) until they are scrolled to. A block can hang:
its wrapped lines are indented under its first line's text, after a prefix such as
`` 12. `` or ``  • ``.

A short page's exact height need not cost drawing it: the lines a block wraps to can be
counted from its words (``wrapped_lines``), a twentieth of the cost of drawing them,
so only the blocks on screen are drawn, and only at the width the page is shown at.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

# Render one block: its styled text at a width -> its lines.
RenderBlock = Callable[[Text, int], list[Strip]]
# The lines a text (its plain string) takes at a width, without drawing it; None when
# that cannot be told without drawing.
CountLines = Callable[[str, int], "int | None"]
# A page of at most this many cells is wrapped whole when shown (an event page, a short
# article). Wrapping costs about a millisecond a block, and a page is laid out at two
# widths (with and without the scrollbar) when it is longer than the screen, so a day
# of a hundred events must not be wrapped whole: that was 75 ms on every day shown.
WRAP_WHOLE_CELLS = 3_000


def wrapped_lines(plain: str, width: int) -> int | None:
    """The lines ``plain`` takes at ``width`` as Textual wraps a widget's text by
    default (``Content``: each line of it split where rich's ``divide_line`` breaks it,
    long words folded), counted without drawing; None for text with tabs (Textual
    expands them first)."""
    if "\t" in plain:
        return None
    return sum(len(divide_line(part, width, fold=True)) + 1 for part in plain.split("\n"))


def estimate(block: Text, width: int, indent: int) -> int:
    """Lines a block will take: exact when it fits on one line, else a close guess.

    Characters stand in for cells (measuring cells costs as much as wrapping); a
    wide character makes the guess short, which wrapping the block puts right."""
    return estimate_cells(len(block.plain), width, indent)


def estimate_cells(cells: int, width: int, indent: int) -> int:
    """``estimate`` for a block of ``cells`` characters."""
    if cells <= width:
        return 1
    rest = max(1, width - indent)
    # Word wrapping leaves a little of each line empty: about a tenth.
    return 1 + -(-(cells - width) * 11 // (rest * 10))


class ReaderLines:
    """The lines of one page's blocks at ``width``; ``styled(i)`` gives block i as shown
    (search terms and the selected link marked) and ``render`` turns text into lines."""

    def __init__(
        self,
        blocks: list[Text],
        indents: list[int],
        width: int,
        styled: Callable[[int], Text],
        render: RenderBlock,
        background: Style | None = None,
        *,
        wrap_short: bool = True,
        render_block: Callable[[int, int], list[Strip]] | None = None,
        extra: list[int] | None = None,
        count: CountLines | None = None,
    ) -> None:
        self.width = max(1, width)
        self.indents = indents
        self._blocks = blocks
        self._count = count
        self._extra = extra
        self._styled = styled
        self._render = render
        # Draws block i at a width by itself (rows whose look depends on more than
        # their text, like the navigator's highlighted row); no hanging indent then.
        self._render_block = render_block
        # What the indent under a hanging line is filled with: the page's own background,
        # not the terminal's default (which showed as a grey box beside every link).
        self.background = background
        sizes = [len(block.plain) for block in blocks]
        self.heights = [estimate_cells(n, self.width, i)
                        for n, i in zip(sizes, indents, strict=True)]
        # The fewest lines the blocks can take (a character is at least one cell, and
        # wrapping at words only adds lines): a page this tall needs the scrollbar.
        least = [max(1, -(-n // self.width)) for n in sizes]
        for index, block in enumerate(blocks):
            if "\n" in block.plain:  # lines of their own (a search result's parts)
                parts = block.plain.split("\n")
                self.heights[index] = sum(estimate_cells(len(p), self.width, 0) for p in parts)
                least[index] = sum(max(1, -(-len(p) // self.width)) for p in parts)
        if extra is not None:  # lines a block draws besides its text (a rule under it)
            self.heights = [h + e for h, e in zip(self.heights, extra, strict=True)]
            least = [n + e for n, e in zip(least, extra, strict=True)]
        self._lines: list[list[Strip] | None] = [None] * len(blocks)
        self._starts: list[int] | None = None
        self.short = sum(sizes) <= WRAP_WHOLE_CELLS
        self.minimum = sum(least)
        if wrap_short:
            self.wrap_if_short()

    def wrap_if_short(self) -> None:
        """Wrap every block of a short page now, so its height is exact."""
        if self.short:
            for index, lines in enumerate(self._lines):
                if lines is None:
                    self._wrap(index)

    def exact_if_short(self, fits: int | None = None) -> None:
        """``wrap_if_short``, counting each block's lines (``count``) instead of
        drawing them where it can: a short page gets its exact height, and only the
        blocks on screen are drawn later (``ensure``)."""
        if not self.short:
            return
        total = 0
        for index, lines in enumerate(self._lines):
            if lines is None:
                counted = self._counted(index)
                if counted is None:
                    self._wrap(index)
                else:
                    self._set_height(index, counted)
            total += self.heights[index]
            if fits is not None and total > fits:
                return

    def _counted(self, index: int) -> int | None:
        """Block ``index``'s exact height, counted as ``_wrap`` would draw it."""
        if self._count is None:
            return None
        plain = self._blocks[index].plain
        if self._render_block is not None:
            counted = self._count(plain, self.width)
            extra = self._extra[index] if self._extra is not None else 0
            return None if counted is None else max(1, counted) + extra
        indent = self.indents[index]
        if 0 < indent < self.width // 2 and cell_len(plain) > self.width:
            counted = self._count(plain[indent:], self.width - indent)
        else:
            counted = self._count(plain, self.width)
        return None if counted is None else max(1, counted)

    # -- positions ------------------------------------------------------------------

    @property
    def starts(self) -> list[int]:
        """The first line of each block (then the total)."""
        if self._starts is None:
            self._starts = [0, *accumulate(self.heights)]
        return self._starts

    @property
    def total(self) -> int:
        return self.starts[-1]

    def block_at(self, line: int) -> int:
        """The block holding ``line`` (the last block for a line past the end)."""
        return max(0, min(len(self.heights) - 1, bisect_right(self.starts, line) - 1))

    # -- wrapping -------------------------------------------------------------------

    def _wrap(self, index: int) -> bool:
        """Wrap block ``index``; True when its height differed from the estimate."""
        if self._render_block is not None:
            self._lines[index] = lines = self._render_block(index, self.width) or [Strip.blank(0)]
            return self._set_height(index, len(lines))
        text = self._styled(index)
        indent = self.indents[index]
        if 0 < indent < self.width // 2 and text.cell_len > self.width:
            prefix, rest = text.divide([indent])
            body = self._render(rest, self.width - indent) or [Strip.blank(0)]
            head = (self._render(prefix, self.width)[:1] or [Strip.blank(0)])[0]
            head = head.crop(0, indent).extend_cell_length(indent, self.background)
            pad = Strip.blank(indent, self.background)
            lines = [Strip.join([head, body[0]])]
            lines += [Strip.join([pad, line]) for line in body[1:]]
        else:
            lines = self._render(text, self.width) or [Strip.blank(0)]
        self._lines[index] = lines
        return self._set_height(index, len(lines))

    def _set_height(self, index: int, height: int) -> bool:
        if height != self.heights[index]:
            self.heights[index] = height
            self._starts = None
            return True
        return False

    def ensure(self, first: int, last: int) -> bool:
        """Wrap every block showing lines ``first`` to ``last`` (exclusive); True when
        a height changed (the page's length, or where a later block starts)."""
        changed = False
        while self.heights:
            todo = [i for i in range(self.block_at(first), self.block_at(max(first, last - 1)) + 1)
                    if self._lines[i] is None]
            if not todo:
                return changed
            for index in todo:
                changed = self._wrap(index) or changed
        return changed

    def restyle(self, index: int) -> None:
        """Block ``index`` changed style only: its lines are made again (same height)."""
        if 0 <= index < len(self._lines) and self._lines[index] is not None:
            self._lines[index] = None
            self._wrap(index)

    def line(self, number: int) -> Strip:
        """Screen line ``number`` of the page (blank past the end)."""
        if not 0 <= number < self.total:
            return Strip.blank(0)
        index = self.block_at(number)
        if self._lines[index] is None:
            self._wrap(index)
        lines = self._lines[index] or []
        offset = number - self.starts[index]
        return lines[offset] if offset < len(lines) else Strip.blank(0)
