"""A one-line Input whose editing keys keep the order they were typed in.

Textual runs a widget's binding (backspace, ctrl+u, enter...) only once the key has
bubbled up to the app, while the Input inserts a printable key at once: in a burst of
keys (typing faster than the screen redraws, or pasting through a terminal that sends
keys) ``2009-03-1⌫5`` became ``2009-03-15`` minus its last letter, ``2009-03-1``. The
box runs its own keys itself, in its own queue; a key still queued for it after Enter
or Esc moved the focus on goes to the widget that has the focus now.

For the same reason a prompt is answered at once, not through the ``Submitted`` and
``Changed`` messages, which would reach the screen only after the keys already queued
behind Enter (or behind the digit that completes a source number).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.binding import Binding
from textual.widgets import Input


def binding_actions(*bindings: Binding | tuple[str, ...]) -> dict[str, str]:
    """Key -> action for each key of ``bindings`` (a binding may list several keys)."""
    keys: dict[str, str] = {}
    for binding in bindings:
        if isinstance(binding, Binding):
            for key in binding.key.split(","):
                keys[key.strip()] = binding.action
    return keys


_INPUT_KEYS = binding_actions(*Input.BINDINGS)


class OrderedInput(Input):
    """An Input for prompts: its editing keys, Enter and its screen's keys (Esc) run
    in the order they came.

    ``answer`` gets the text on Enter; ``complete`` may answer early (a value that
    cannot grow longer).
    """

    def __init__(self, answer: Callable[[str], object],
                 complete: Callable[[str], bool] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._answer = answer
        self._complete = complete
        self._screen_keys: dict[str, str] | None = None

    def screen_keys(self) -> dict[str, str]:
        """Key -> action of the prompt screen's own bindings (Esc), worked out once."""
        if self._screen_keys is None:
            self._screen_keys = binding_actions(*self.screen.BINDINGS)
        return self._screen_keys

    def handles(self, key: str) -> bool:
        """Whether the box runs ``key`` itself (a letter is inserted, the rest bound)."""
        return key in _INPUT_KEYS or key in self.screen_keys()

    def watch_value(self, value: str) -> None:
        if self._complete is not None and value and self._complete(value):
            self._answer(value)

    async def _on_key(self, event: events.Key) -> None:
        focused = self.app.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        action = _INPUT_KEYS.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            if action == "submit":
                self._answer(self.value)
            else:
                await self.run_action(action)
            return
        action = self.screen_keys().get(event.key)
        if action is not None:  # the prompt's own keys (Esc cancels), in order too
            event.stop()
            event.prevent_default()
            await self.screen.run_action(action)
