"""The footer's list of keys, rebuilt only when the keys it shows change.

Textual's Footer rebuilds itself (a widget per key, each styled as it is mounted) on
every change of the bindings, and a change of focus announces two: moving between
panes, or opening the app, rebuilt it two to four times, tens of milliseconds each.
This one looks the same; it rebuilds once per round of changes, and only if what it
would show differs from what it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

Shown = tuple[tuple[str, str, str, bool, str], ...]


class KeyFooter(Footer):
    """The keys of the focused pane and the app, at the bottom of the screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._due = False
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._due:
            return
        if self.is_attached and screen is self.screen:
            self._due = True
            self.call_after_refresh(self._rebuild_if_changed)

    def _keys_shown(self) -> Shown:
        """What the footer would show now: each shown binding's key, label and state."""
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )

    async def _rebuild_if_changed(self) -> None:
        self._due = False
        if not self.is_attached:
            return
        shown = self._keys_shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
