"""Which panes show at which width, and the keys that focus, show and hide them.

At 80 columns three panes do not fit: the reader stays and one side pane shows at
a time (the timeline first); F2 / F3 and the focus keys swap it. From 100 columns
all three show, and CSS breakpoints widen the side panes from 150.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App

    _Base = App[None]
else:
    _Base = object

NARROW_BELOW = 100


class PaneLayout(_Base):
    """App mixin: pane visibility and direct focus keys."""

    show_timeline: bool = True
    show_navigator: bool = True
    narrow_side: str | None = "left"

    @property
    def is_narrow(self) -> bool:
        return self.size.width < NARROW_BELOW

    def on_resize(self) -> None:
        self.apply_layout()

    def apply_layout(self) -> None:
        """Show or hide the side panes for the current width and the user's choices."""
        if self.is_narrow:
            left = self.show_timeline and self.narrow_side == "left"
            right = self.show_navigator and self.narrow_side == "right"
        else:
            left, right = self.show_timeline, self.show_navigator
        self.query_one("#left").display = left
        self.query_one("#right").display = right
        focused = self.focused
        if focused is not None and not all(
            w.display for w in focused.ancestors_with_self if isinstance(w, Widget)
        ):
            self.query_one("#reader").focus()

    def _reveal(self, side: str) -> None:
        if side == "left":
            self.show_timeline = True
        else:
            self.show_navigator = True
        self.narrow_side = side
        self.apply_layout()

    def action_toggle_timeline(self) -> None:
        shown = self.query_one("#left").display
        if self.is_narrow:
            self.show_timeline = True
            self.narrow_side = None if shown else "left"
        else:
            self.show_timeline = not shown
        self.apply_layout()

    def action_toggle_navigator(self) -> None:
        shown = self.query_one("#right").display
        if self.is_narrow:
            self.show_navigator = True
            self.narrow_side = None if shown else "right"
        else:
            self.show_navigator = not shown
        self.apply_layout()

    def action_focus_timeline(self) -> None:
        self._reveal("left")
        self.query_one("#timeline").focus()

    def action_focus_reader(self) -> None:
        self.query_one("#reader").focus()

    def action_focus_navigator(self) -> None:
        self._reveal("right")
        self.query_one("#navigator").focus()
