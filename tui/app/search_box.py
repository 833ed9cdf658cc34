"""The search box: an Input that recalls recent searches with Up and Down, like a shell.

Up steps to older searches, Down back to newer ones and finally to what was being
typed before the recall started; typing anything ends the recall. The list itself
belongs to the user data (it persists); the box only reads it.

Keys are handled in the order they arrive. Textual runs a binding only once the key
has bubbled up to the app, while the Input inserts printable keys at once, so in a
burst of keys (fast typing while results redraw) ``tarz⌫az`` became ``tarza`` and
Ctrl-U swallowed the letters typed after it. The box therefore runs its own keys
(editing, recall, Enter, and the search panel's keys) itself, in its own queue; and
a key that was already queued for the box when Enter or Esc moved the focus on is
passed to the widget that has the focus now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input

from tui.app.actions import bindings_for
from tui.app.ordered_input import binding_actions


class SearchBox(Input):
    """Query input; the search panel reacts to its Changed messages."""

    BINDINGS = bindings_for("search_box")

    # The box is one line across the pane, whatever it holds: a letter typed changes how
    # far its text scrolls, never the box's size. Input's own ``virtual_size`` asks for a
    # layout of the whole screen on every change (after which Textual redraws the
    # reader's and navigator's scrollbars too: about 10 ms a letter); a repaint of the box
    # is all a change needs.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def _keys_in_order(self) -> dict[str, str]:
        """Key -> action for every key the box (or the panel around it) binds."""
        return binding_actions(*Input.BINDINGS, *bindings_for("search_box"),
                               *bindings_for("search"))

    async def _on_key(self, event: events.Key) -> None:
        focused = self.app.focused
        if focused is not None and focused is not self and focused.screen is self.screen:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        action = self._keys_in_order().get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)

    def __init__(self, recent: Callable[[], Sequence[str]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._recent = recent
        self.recall_at = -1  # -1: not recalling; else an index into recent(), 0 the newest
        self.draft = ""

    def _show(self, index: int, value: str) -> None:
        self.recall_at = index
        self.value = value
        self.cursor_position = len(value)

    def action_recall_older(self) -> None:
        searches = list(self._recent())
        if not searches:
            self.app.bell()
            return
        if self.recall_at < 0:
            self.draft = self.value
        index = min(self.recall_at + 1, len(searches) - 1)
        if index == self.recall_at:
            self.app.bell()
            return
        self._show(index, searches[index])

    def action_recall_newer(self) -> None:
        if self.recall_at < 0:
            return
        searches = list(self._recent())
        index = min(self.recall_at, len(searches)) - 1
        self._show(index, self.draft if index < 0 else searches[index])

    def on_input_changed(self, event: Input.Changed) -> None:
        """A change that is not a recalled search means the user typed: recall ends."""
        searches = list(self._recent())
        if 0 <= self.recall_at < len(searches) and event.value != searches[self.recall_at]:
            self.recall_at = -1
