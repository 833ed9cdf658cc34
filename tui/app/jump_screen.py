"""A one-line prompt: the date for ``g`` (jump) and the number for ``o`` (open source N)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from tui.app.actions import bindings_for
from tui.app.ordered_input import OrderedInput


def parse_when(text: str) -> tuple[int, int | None, int | None] | None:
    """``2011-11-12``, ``2011-11`` or ``2011`` -> (year, month, day); None if not a date."""
    parts = text.strip().replace("/", "-").split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    year = numbers[0]
    month = numbers[1] if len(numbers) > 1 else None
    day = numbers[2] if len(numbers) > 2 else None
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


class PromptScreen(ModalScreen[str | None]):
    """Asks for one value; Enter answers, Esc cancels.

    ``complete`` may end the prompt early (a source number that cannot grow longer).
    """

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 60; height: auto; border: heavy $accent; background: $surface; padding: 0 1;
    }
    PromptScreen #prompt-hint { color: $text-muted; }
    """
    BINDINGS = bindings_for("list", skip=("ls_open", "ls_delete"))

    def __init__(
        self,
        title: str,
        hint: str = "",
        *,
        restrict: str | None = None,
        complete: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.restrict = restrict
        self.complete = complete

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, id="prompt-title", markup=False)
            yield OrderedInput(self._answer, self.complete, id="prompt-input",
                               restrict=self.restrict)
            yield Label(self.hint, id="prompt-hint", markup=False)

    def on_key(self, event: events.Key) -> None:
        """Keys typed in one burst with the key that opened the prompt come before its
        input has the focus, so they reach the screen: they go to the input, in order."""
        box = self.query_one(OrderedInput)
        if self.focused is None and (event.is_printable or box.handles(event.key)):
            event.stop()  # a key the box leaves alone bubbles back here: not passed again
            box.post_message(events.Key(event.key, event.character))

    def _answer(self, text: str) -> None:
        if self.is_active:
            self.dismiss(text.strip() or None)
