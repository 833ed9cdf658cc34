"""The Chronicle app: timeline, reader and related navigator over the query layer.

It holds no parsing or index logic: every fact comes from ``tui.library.Library``,
loaded in thread workers so the screen never waits on Whoosh. Where the user goes
is a :class:`Location`; opening one fills the reader and navigator and records it
in the history, which (with bookmarks, theme and position) persists between runs.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Static, Tree
from textual.worker import get_current_worker

from tui.app.actions import ACTIONS, bindings_for
from tui.app.commands import ChronicleCommands
from tui.app.drawing_ahead import EndsAhead
from tui.app.history import Location
from tui.app.idle_collection import IdleCollection
from tui.app.kept_links import KeptLinks
from tui.app.key_footer import KeyFooter
from tui.app.layout import PaneLayout
from tui.app.navigator import Navigator
from tui.app.navigator_rows import NavRow, day_rows, document_rows
from tui.app.opening import ArchiveOpening
from tui.app.pages import day_page, document_page, list_page
from tui.app.reader import Page, Reader
from tui.app.search_actions import SearchActionsMixin
from tui.app.search_panel import SearchPanel
from tui.app.timeline import Timeline, TimelineItem, short_headline
from tui.app.user_actions import UserActionsMixin
from tui.app.user_data import UserData
from tui.library import DayView, Library
from tui.model import Article, Event

OPENABLE_SCHEMES = ("http", "https")
# A document's neighbours that may arrive after its page is shown.
SHOWN_LATER = frozenset({"more_like_this"})
# Workers whose results a key waits for: a page being opened, a search, a story list.
ANSWERING = frozenset({"open", "search", "search-facets", "story"})


# App-wide keys that still work over a dialog or the story list; the rest act on the
# main view and are switched off (and hidden from the footer) while it is covered.
WORKS_OVER_DIALOGS = {"help", "quit", "command_palette", "change_theme"}
MAIN_VIEW_ONLY = {a.id for a in ACTIONS if a.pane == "app"} - WORKS_OVER_DIALOGS


class ChronicleApp(
    ArchiveOpening, SearchActionsMixin, UserActionsMixin, PaneLayout, App[None]
):
    """Browse one archive through its index; ``data_dir`` holds what persists (this
    archive's places in its own folder there)."""

    CSS_PATH = ["chronicle_app.tcss", "search_panel.tcss"]
    TITLE = "Chronicle"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {ChronicleCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (150, "-wide")]

    def __init__(
        self,
        archive_dir: Path,
        index_dir: Path,
        data_dir: Path,
        *,
        open_url: Callable[[str], Any] = webbrowser.open,
        notes: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.archive_dir = Path(archive_dir)
        self.index_dir = Path(index_dir)
        self.user_data = UserData(Path(data_dir), self.archive_dir, write_behind=True)
        self.history = self.user_data.history
        self.library: Library | None = None
        self.shown: Location | None = None
        self.shown_doc: Event | Article | None = None
        self._open_url = open_url
        self.notes = list(notes)
        self.idle_collection = IdleCollection(self, lambda: self.answering)
        self.ends_ahead = EndsAhead(self)
        self.kept_links = KeptLinks()

    @property
    def answering(self) -> bool:
        """Whether a key's answer is still being read (pauses are for idle work)."""
        return any(w.group in ANSWERING and not w.is_finished for w in self.workers)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Main-view keys do nothing while a dialog or the story list covers it."""
        if action in MAIN_VIEW_ONLY and len(self.screen_stack) > 1:
            return False
        return self.search_allows(action)

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="left", classes="pane") as left:
                left.border_title = "Timeline [1]"
                # The timeline first: the screen focuses the first widget that can take
                # the focus (it had been the hidden search box, until the archive
                # opened, and the footer was built for each in turn).
                yield Timeline(id="timeline")
                yield SearchPanel(id="search-panel")
            with Vertical(id="centre", classes="pane") as centre:
                centre.border_title = "Reader [2]"
                yield Static(id="breadcrumb")
                yield Reader(id="reader")
            with Vertical(id="right", classes="pane") as right:
                right.border_title = "Related [3]"
                yield Navigator(id="navigator")
        yield KeyFooter()

    @property
    def timeline(self) -> Timeline:
        return self.query_one(Timeline)

    @property
    def reader(self) -> Reader:
        return self.query_one(Reader)

    @property
    def navigator(self) -> Navigator:
        return self.query_one(Navigator)

    # -- start-up -------------------------------------------------------------------

    def on_mount(self) -> None:
        theme = self.user_data.state.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        for note in self.notes:
            self.notify(note, markup=False, timeout=10)
        for notice in self.user_data.notices:
            self.notify(notice, markup=False, timeout=10)
        for problem in self.user_data.problems:
            self.notify(problem, severity="warning", markup=False, timeout=10)
        self.user_data.problems.clear()
        self.reader.show_page(list_page("Opening the archive…", str(self.archive_dir)))
        self.navigator.show_message("nothing open yet")
        self.apply_layout()
        self._check_index()

    def on_unmount(self) -> None:
        """Saves are written behind the interface: finish them before the app ends."""
        self.idle_collection.stop()
        self.ends_ahead.stop()
        self.user_data.flush()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.idle_collection.input_seen()
        await super().on_event(event)

    def _remember_theme(self, theme: Any) -> None:
        self.user_data.set_state(theme=theme.name)

    # -- opening places -------------------------------------------------------------

    def open_location(
        self,
        location: Location,
        *,
        record: bool = True,
        reveal: bool = True,
        terms: Iterable[str] = (),
    ) -> None:
        """Show a day, event or article; ``record`` adds it to the history."""
        if self.library is None:
            self.notify("The archive is still being opened.", severity="warning")
            return
        if location.kind == "search":
            self.show_search(location.ref)
            return
        self._load_location(location, record, reveal, list(terms))

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _load_location(
        self, location: Location, record: bool, reveal: bool, terms: list[str]
    ) -> None:
        lib = self.library
        assert lib is not None
        worker = get_current_worker()

        def show(callback: Callable[..., None], *args: Any) -> None:
            if not worker.is_cancelled:
                self.call_from_thread(callback, *args)

        self.load_place(lib, location, record, reveal, terms, show,
                        lambda: worker.is_cancelled)

    def load_place(
        self,
        lib: Library,
        location: Location,
        record: bool,
        reveal: bool,
        terms: list[str],
        show: Callable[..., None],
        cancelled: Callable[[], bool],
    ) -> bool:
        """Read a place and make its page and navigator rows, in the calling worker
        thread; ``show`` hands each finished part to the screen. False if the place
        could not be shown (``show`` was given the reason)."""
        try:
            if location.kind == "day":
                day = date.fromisoformat(location.ref)
                events = lib.events_on(day)
                page = day_page(day, DayView.grouped(day, events))
                show(self._show_day, location, day, page, day_rows(events), record, reveal,
                     terms)
                return True
            doc = lib.document(location.ref)
            if not isinstance(doc, (Event, Article)):
                show(self._not_found, location)
                return False
            # The page, its links and the catalog's neighbours in one repaint; "more like
            # this" (a scored Whoosh search, a tenth of a second or more) follows, and
            # a newer key press (which cancels this worker) skips it altogether. A
            # document seen a moment ago comes whole, in one repaint (``kept_links``).
            kept = self.kept_links.get(lib, doc.id)
            stages = (lib.neighbours_in_stages(doc) if kept is None
                      else iter([(kept, frozenset[str]())]))
            neighbours, pending = next(stages)
            while pending - SHOWN_LATER and not cancelled():
                neighbours, pending = next(stages)
            page = document_page(doc, neighbours)
            rows = document_rows(doc, neighbours, pending)
            show(self._show_document, location, doc, page, rows, record, reveal, terms)
            while pending and not cancelled():
                neighbours, pending = next(stages)
                show(self._show_links, doc, document_rows(doc, neighbours, pending))
            if not pending and kept is None:
                self.kept_links.put(lib, doc.id, neighbours)
            return True
        except Exception as exc:  # noqa: BLE001 - reported, the app goes on
            show(self._load_failed, location, exc)
            return False

    def _arrive(
        self,
        location: Location,
        record: bool,
        reveal: bool,
        day: date | None,
        event_id: str | None = None,
    ) -> None:
        if self.shown is None:
            # Once the first page is painted, what start-up made (Textual, Whoosh, the
            # modules) is frozen out of the garbage collector, and collections wait for
            # pauses in the input: a full one took a tenth of a second mid-key press.
            self.call_after_refresh(self.idle_collection.start)
            self.prepare_search_soon()
            self.ends_ahead.start()
        self.shown = location
        if record:
            self.history.visit(location)
            self.user_data.save_history()
        self.user_data.set_state(
            last=location.to_dict(), timeline_day=day.isoformat() if day else None
        )
        if reveal and day is not None and not self.search_open:
            self.timeline.reveal_day(day, event_id)
        self._update_breadcrumb()

    def _show_day(
        self,
        location: Location,
        day: date,
        page: Page,
        rows: list[NavRow],
        record: bool,
        reveal: bool,
        terms: list[str],
    ) -> None:
        self.shown_doc = None
        self.reader.show_page(page, terms)
        self.navigator.show_rows(rows)
        self._arrive(location, record, reveal, day)

    def _show_document(
        self,
        location: Location,
        doc: Event | Article,
        page: Page,
        rows: list[NavRow],
        record: bool,
        reveal: bool,
        terms: list[str],
    ) -> None:
        """An event or article with its own links; the navigator's ``rows`` say which
        sections are still being found. Pages and rows are made in the worker: a long
        article is hundreds of lines of text."""
        self.shown_doc = doc
        if isinstance(doc, Article):
            location, event_id = Location("article", doc.id, doc.title), None
        else:
            location, event_id = Location(location.kind, doc.id, doc.headline), doc.id
        self.reader.show_page(page, terms)
        self.navigator.show_rows(rows)
        self._arrive(location, record, reveal, doc.date, event_id)

    def _show_links(self, doc: Event | Article, rows: list[NavRow]) -> None:
        """The navigator's next rows for ``doc``, unless another page has been shown since."""
        if self.shown_doc is doc:
            self.navigator.show_rows(rows, same=True)

    def _not_found(self, location: Location) -> None:
        self.notify(f"{location.ref} is not in the archive.", severity="warning", markup=False)

    def _load_failed(self, location: Location, exc: Exception) -> None:
        self.notify(f"Could not open {location.ref}: {exc}", severity="error", markup=False)

    def _update_breadcrumb(self) -> None:
        crumbs = self.history.breadcrumb(4)
        text = Text()
        if self.history.can_go_back():
            text.append("◂ [ ", style="dim")
        for index, crumb in enumerate(crumbs):
            if index:
                text.append(" › ", style="dim")
            label = crumb.title or crumb.ref
            if crumb.kind == "day":
                label = f"day {crumb.ref}"
            style = "bold" if index == len(crumbs) - 1 else "dim"
            text.append(short_headline(label, 34), style=style)
        if self.history.can_go_forward():
            text.append(" ] ▸", style="dim")
        self.query_one("#breadcrumb", Static).update(text, layout=False)  # one fixed line

    # -- events from the panes ------------------------------------------------------

    @on(Tree.NodeSelected)
    def _timeline_pick(self, event: Tree.NodeSelected[TimelineItem]) -> None:
        item = event.node.data
        if item is None:
            return
        if item.level == "day" and item.day is not None:
            self.open_location(
                Location("day", item.day.isoformat(), item.day.isoformat()), reveal=False
            )
        elif item.level == "event":
            self.open_location(
                Location("event", item.event_id, str(event.node.label)), reveal=False
            )

    @on(Reader.LinkActivated)
    def _reader_link(self, message: Reader.LinkActivated) -> None:
        link = message.link
        if link.kind == "url":
            self.open_url(link.target)
        else:
            self.open_location(Location(link.kind, link.target, link.title))

    @on(Navigator.ItemChosen)
    def _navigator_item(self, message: Navigator.ItemChosen) -> None:
        item = message.item
        self.open_location(Location(item.kind, item.target, item.title))

    def action_reader_link(self, index: int) -> None:
        """A click on a link in the reader (its Text carries this action)."""
        self.reader.activate_index(index)

    def open_url(self, url: str) -> None:
        """Open http(s) links in the browser; refuse every other scheme."""
        scheme = urlsplit(url.strip()).scheme.lower()
        if scheme not in OPENABLE_SCHEMES or not url.strip():
            self.notify(
                f"Refusing to open {url}: only http and https links open",
                severity="warning",
                markup=False,
            )
            return
        self._browse(url.strip())

    @work(thread=True, group="browser", exit_on_error=False)
    def _browse(self, url: str) -> None:
        try:
            self._open_url(url)
        except Exception as exc:  # noqa: BLE001
            self.call_from_thread(
                self.notify, f"Could not open {url}: {exc}", severity="error", markup=False
            )
            return
        self.call_from_thread(self.notify, f"Opened {url}", markup=False)
