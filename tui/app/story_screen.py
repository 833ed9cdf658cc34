"""Follow a story or topic: every event under it in date order, as its own timeline.

Rows are loaded in a worker (a big topic can hold thousands of events) into one
OptionList with a heading row per year; Enter opens an event in the main reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.app.actions import bindings_for
from tui.app.pages import iso

if TYPE_CHECKING:
    from tui.library import Library


class StoryScreen(Screen[str | None]):
    """Dismisses with the chosen event id (or None on Esc)."""

    DEFAULT_CSS = """
    StoryScreen #story-title { height: auto; padding: 0 1; background: $panel; text-style: bold; }
    StoryScreen OptionList { height: 1fr; border: heavy $accent; }
    """
    BINDINGS = bindings_for("list", skip=("ls_delete",))

    def __init__(self, library: Library, kind: str, name: str) -> None:
        super().__init__()
        self.library = library
        self.kind = kind  # "story" or "topic"
        self.name_shown = name
        self.ids: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        title = Text.assemble((f"{self.kind.capitalize()}: ", "dim"))
        title.append(self.name_shown)
        yield Static(title, id="story-title")
        yield OptionList(Option(Text("loading…", style="dim"), disabled=True), id="story-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="story")
    def _load(self) -> None:
        lib = self.library
        try:
            if self.kind == "story":
                events = lib.story_events(self.name_shown)
            else:
                events = lib.topic_events(self.name_shown)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the app goes on
            events, error = [], str(exc)
        else:
            error = ""
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, events, error)

    def _show(self, events: list[Any], error: str) -> None:
        options: list[Option] = []
        self.ids = {}
        year = None
        for summary in events:
            day = getattr(summary, "date", None)
            if day is not None and day.year != year:
                year = day.year
                options.append(Option(Text(str(year), style="bold underline"), disabled=True))
            key = f"ev-{len(self.ids)}"
            self.ids[key] = summary.id
            prompt = Text.assemble((iso(day) + "  ", "cyan"))
            prompt.append(summary.headline or summary.id)
            options.append(Option(prompt, id=key))
        count = Text(f"  {len(events)} event{'s' if len(events) != 1 else ''}", style="dim")
        title = Text.assemble((f"{self.kind.capitalize()}: ", "dim"))
        title.append(self.name_shown)
        title.append_text(count)
        self.query_one("#story-title", Static).update(title)
        if error:
            options = [
                Option(Text(f"Could not list the events: {error}", style="red"), disabled=True)
            ]
        elif not options:
            options = [Option(Text("No events.", style="dim"), disabled=True)]
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        for index, option in enumerate(options):
            if not option.disabled:
                option_list.highlighted = index
                break

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_select()

    def action_select(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id in self.ids:
            self.dismiss(self.ids[option.id])


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of a few names (which topic of an event to follow)."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > OptionList {
        width: 60; height: auto; max-height: 80%; border: heavy $accent; background: $surface;
    }
    """
    BINDINGS = bindings_for("list", skip=("ls_delete",))

    def __init__(self, title: str, choices: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        option_list = OptionList(
            *[Option(Text(c), id=f"c-{i}") for i, c in enumerate(self.choices)]
        )
        option_list.border_title = self.title_text
        yield option_list

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_select()

    def action_select(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id:
            self.dismiss(self.choices[int(option.id.removeprefix("c-"))])
