"""The timeline pane: years > months > days > events, each level filled only when opened.

A lazy Tree keeps the pane instant on 100,000 events over decades: at start only
the year nodes exist, and a day's events are added when that day is opened.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app.actions import bindings_for
from tui.app.timeline_lines import Look, TimelineLines

if TYPE_CHECKING:
    from tui.library import EventSummary, Library

HEADLINE_WIDTH = 90
REVEAL_EVENTS_UP_TO = 150


class TimelineSource(Protocol):
    """What the timeline reads its levels from: the library, or what a worker read."""

    def months(self, year: int) -> list[tuple[int, int]]: ...
    def days(self, year: int, month: int) -> list[tuple[date, int]]: ...
    def events_on(self, day: date) -> list[EventSummary]: ...


@dataclass(slots=True)
class TimelineItem:
    """What a tree node stands for; ``loaded`` says whether its children were added."""

    level: str  # "year", "month", "day" or "event"
    year: int = 0
    month: int = 0
    day: date | None = None
    event_id: str = ""
    loaded: bool = False
    count: int = 0  # events under a year, month or day


def _event_count(node: TreeNode[TimelineItem]) -> int:
    return node.data.count if node.data is not None else 0


def _count(label: str, count: int) -> Text:
    text = Text(label)
    text.append(f"  {count:,}", style="dim")
    return text


def short_headline(headline: str, width: int = HEADLINE_WIDTH) -> str:
    """One line of a headline for a tree row; the reader shows it in full."""
    headline = headline.strip() or "(untitled)"
    return headline if len(headline) <= width else headline[: width - 1].rstrip() + "…"


class Timeline(TimelineLines[TimelineItem]):
    """The archive's dates as a tree; the app opens what the user selects."""

    BINDINGS = bindings_for("timeline")

    def __init__(self, **kwargs: object) -> None:
        super().__init__("Archive", **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.guide_depth = 2
        self.library: Library | None = None
        self._revealed: list[TreeNode[TimelineItem]] = []  # nodes only a reveal opened

    def load(self, library: Library, years: list[tuple[int, int]]) -> None:
        """Show the archive's ``years`` (read off the UI thread), nothing below them yet."""
        self.library = library
        self.clear()
        self._revealed = []
        with self.adding_to(self.root):
            for year, count in years:
                self.root.add(_count(str(year), count),
                              TimelineItem("year", year=year, count=count))

    # -- lazy filling ---------------------------------------------------------------

    def _fill(self, node: TreeNode[TimelineItem], source: TimelineSource | None = None) -> None:
        """Add a node's children once, read from ``source`` (the library by default)."""
        item = node.data
        lib = source or self.library
        if item is None or item.loaded or lib is None:
            return
        item.loaded = True
        with self.adding_to(node):
            self._add_children(node, item, lib)

    def _add_children(self, node: TreeNode[TimelineItem], item: TimelineItem,
                      lib: TimelineSource) -> None:
        if item.level == "year":
            for month, count in lib.months(item.year):
                node.add(
                    _count(calendar.month_name[month], count),
                    TimelineItem("month", year=item.year, month=month, count=count),
                )
        elif item.level == "month":
            for day, count in lib.days(item.year, item.month):
                label = f"{day.day:>2} {calendar.day_abbr[day.weekday()]}"
                node.add(_count(label, count),
                         TimelineItem("day", day.year, day.month, day, count=count))
        elif item.level == "day" and item.day is not None:
            for summary in lib.events_on(item.day):
                node.add_leaf(
                    Text(short_headline(summary.headline)),
                    TimelineItem("event", day=item.day, event_id=summary.id, loaded=True),
                )

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[TimelineItem]) -> None:
        self._fill(event.node)

    def action_expand_here(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            self._fill(node)
            node.expand()

    def action_collapse_here(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    # -- finding a day --------------------------------------------------------------

    def _child(
        self, node: TreeNode[TimelineItem], source: TimelineSource | None = None,
        **match: object
    ) -> TreeNode[TimelineItem] | None:
        self._fill(node, source)
        for child in node.children:
            data = child.data
            if data is not None and all(getattr(data, k) == v for k, v in match.items()):
                return child
        return None

    def reveal_day(self, day: date, event_id: str | None = None) -> None:
        """Open the year and month of ``day`` and put the cursor on it (or on one event)."""
        year = self._child(self.root, level="year", year=day.year)
        month = year and self._child(year, level="month", month=day.month)
        node = month and self._child(month, level="day", day=day)
        if not (year and month and node):
            return
        # An event's day opens to show it, unless it is a busy day: then the cursor
        # stays on the day (Textual measures every open row of the tree on each change).
        show_event = bool(event_id) and _event_count(node) <= REVEAL_EVENTS_UP_TO
        path = [year, month, node] if show_event else [year, month]
        # Close what the last reveal opened, unless the user opened it or it is on the
        # way to this day: a tree that keeps every visited branch open grows by hundreds
        # of rows per busy day, and Textual measures every open row on each change.
        # Only what changes is expanded or collapsed: each change makes Textual measure
        # and draw the whole tree again, and the next day is usually in an open month.
        for opened in self._revealed:
            if opened not in path and opened.is_expanded:
                opened.collapse()
        kept = [n for n in self._revealed if n in path and n.is_expanded]
        self._revealed = kept + [n for n in path if not n.is_expanded]
        for opened in path:
            if not opened.is_expanded:
                opened.expand()
        target = node
        if show_event:
            target = self._child(node, level="event", event_id=event_id) or node
        # Lay out the opened lines now (reading any line does), so the cursor moves in
        # the same repaint as the expansion instead of a second full one after it.
        self.get_node_at_line(0)
        if target.line >= 0 and self.size.height:
            self._cursor_to(target)
        else:
            self.call_after_refresh(self._cursor_to, target)

    def day_looks(self, day: date, source: TimelineSource | None = None) -> list[Look]:
        """The lines a reveal of ``day`` shows, as they will look then (its year and
        month open, the years a reveal opened closed, the cursor on the day), for
        ``draw_ahead``. Fills the year and month, if they were not, from ``source``
        (months and days read beforehand in a worker) or the library."""
        year = self._child(self.root, source, level="year", year=day.year)
        month = year and self._child(year, source, level="month", month=day.month)
        node = month and self._child(month, source, level="day", day=day)
        if not (year and month and node):
            return []
        # Textual's Tree counts every top-level line (under the hidden root) as a last one.
        looks = [Look([y], True, y is year or (y.is_expanded and y not in self._revealed))
                 for y in self.root.children]
        looks += [Look([year, m], m.is_last, m is month) for m in year.children]
        looks += [Look([year, month, d], d.is_last, False, cursor=d is node)
                  for d in month.children]
        return looks

    def _cursor_to(self, node: TreeNode[TimelineItem]) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    @property
    def cursor_day(self) -> date | None:
        """The day under the cursor (or of the event under it)."""
        node = self.cursor_node
        return node.data.day if node is not None and node.data is not None else None
