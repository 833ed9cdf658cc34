"""The bookmark list (``B``): Enter opens a bookmark, ``d`` removes it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.app.actions import bindings_for
from tui.app.history import Location
from tui.app.user_data import UserData


class BookmarksScreen(ModalScreen[Location | None]):
    """Dismisses with the chosen bookmark (or None on Esc)."""

    DEFAULT_CSS = """
    BookmarksScreen { align: center middle; }
    BookmarksScreen > OptionList {
        width: 90%; max-width: 120; height: 80%; border: heavy $accent; background: $surface;
    }
    BookmarksScreen > #bookmarks-hint { width: 90%; max-width: 120; color: $text-muted; }
    """
    BINDINGS = bindings_for("list")

    def __init__(self, user_data: UserData) -> None:
        super().__init__()
        self.user_data = user_data

    def compose(self) -> ComposeResult:
        option_list = OptionList(id="bookmark-list")
        option_list.border_title = "Bookmarks"
        yield option_list
        yield Static("Enter opens · d removes · Esc closes", id="bookmarks-hint")

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> None:
        option_list = self.query_one(OptionList)
        options = []
        for index, mark in enumerate(self.user_data.bookmarks):
            prompt = Text.assemble((f"{mark.kind:<8}", "dim"))
            prompt.append(mark.title or mark.ref)
            options.append(Option(prompt, id=f"bm-{index}"))
        if not options:
            options = [
                Option(Text("No bookmarks yet: press b on a page.", style="dim"), disabled=True)
            ]
        option_list.set_options(options)
        if not options[0].disabled:
            option_list.highlighted = 0

    def _current(self) -> Location | None:
        option = self.query_one(OptionList).highlighted_option
        if option is None or not option.id:
            return None
        return self.user_data.bookmarks[int(option.id.removeprefix("bm-"))]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_select()

    def action_select(self) -> None:
        mark = self._current()
        if mark is not None:
            self.dismiss(mark)

    def action_remove(self) -> None:
        mark = self._current()
        if mark is not None:
            self.user_data.remove_bookmark(mark.kind, mark.ref)
            self.notify(
                Text.assemble("Removed bookmark: ", mark.title or mark.ref).plain, markup=False
            )
            self._fill()
