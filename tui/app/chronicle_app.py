"""The Chronicle app: timeline, reader and related navigator over the query layer.

It holds no parsing or index logic: every fact comes from ``tui.library.Library``,
loaded in thread workers so the screen never waits on Whoosh. Where the user goes
is a :class:`Location`; opening one fills the reader and navigator and records it
in the history, which (with bookmarks, theme and position) persists between runs.
"""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static, Tree
from textual.worker import get_current_worker

from tui.app.actions import ACTIONS, bindings_for
from tui.app.commands import ChronicleCommands
from tui.app.history import Location
from tui.app.indexing_screen import IndexingScreen
from tui.app.layout import PaneLayout
from tui.app.navigator import Navigator
from tui.app.pages import article_page, day_page, event_page, list_page
from tui.app.reader import Reader
from tui.app.search_actions import SearchActionsMixin
from tui.app.search_panel import SearchPanel
from tui.app.timeline import Timeline, TimelineItem, short_headline
from tui.app.user_actions import UserActionsMixin
from tui.app.user_data import UserData
from tui.index.store import IndexMissing
from tui.library import Library
from tui.model import Article, Event

OPENABLE_SCHEMES = ("http", "https")
# Seconds the check for archive changes waits for the first page to be painted.
STALE_CHECK_WAIT = 3.0


# App-wide keys that still work over a dialog or the story list; the rest act on the
# main view and are switched off (and hidden from the footer) while it is covered.
WORKS_OVER_DIALOGS = {"help", "quit", "command_palette", "change_theme"}
MAIN_VIEW_ONLY = {a.id for a in ACTIONS if a.pane == "app"} - WORKS_OVER_DIALOGS


def counted(number: int, noun: str) -> str:
    """``1 event``, ``2 events``: the header reads as English."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class ChronicleApp(SearchActionsMixin, UserActionsMixin, PaneLayout, App[None]):
    """Browse one archive through its index; ``data_dir`` holds what persists."""

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
    ) -> None:
        super().__init__()
        self.archive_dir = Path(archive_dir)
        self.index_dir = Path(index_dir)
        self.user_data = UserData(Path(data_dir))
        self.history = self.user_data.history
        self.library: Library | None = None
        self.shown: Location | None = None
        self.shown_doc: Event | Article | None = None
        self._open_url = open_url

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
                yield SearchPanel(id="search-panel")
                yield Timeline(id="timeline")
            with Vertical(id="centre", classes="pane") as centre:
                centre.border_title = "Reader [2]"
                yield Static(id="breadcrumb")
                yield Reader(id="reader")
            with Vertical(id="right", classes="pane") as right:
                right.border_title = "Related [3]"
                yield Navigator(id="navigator")
        yield Footer()

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
        for problem in self.user_data.problems:
            self.notify(problem, severity="warning", markup=False, timeout=10)
        self.user_data.problems.clear()
        self.reader.show_page(list_page("Opening the archive…", str(self.archive_dir)))
        self.navigator.show_message("nothing open yet")
        self.apply_layout()
        self._check_index()

    def _remember_theme(self, theme: Any) -> None:
        self.user_data.set_state(theme=theme.name)

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _check_index(self) -> None:
        """Open the index; build or update it first when missing or stale."""
        reason = ""
        try:
            library = Library.open(self.index_dir)
        except IndexMissing:
            library, reason = None, f"No index yet in {self.index_dir}: building it"
        except Exception as exc:  # noqa: BLE001 - damaged or outdated: the builder redoes it
            library, reason = None, f"The index cannot be used ({exc}): rebuilding it"
        if library is None:
            self.call_from_thread(self._start_build, reason)
            return
        # Paint from the existing index first: scanning a large archive for changes
        # takes a second or more, so it runs here once the first page is shown.
        self.call_from_thread(self._library_ready, library)
        deadline = time.monotonic() + STALE_CHECK_WAIT
        while self.shown is None and time.monotonic() < deadline:
            time.sleep(0.02)
        try:
            if library.is_stale(self.archive_dir):
                reason = "The archive changed since it was indexed: updating the index"
        except Exception as exc:  # noqa: BLE001
            reason = f"Updating the index ({exc})"
        if reason:
            self.call_from_thread(self._start_build, reason)

    def _start_build(self, reason: str) -> None:
        self.push_screen(IndexingScreen(self.archive_dir, self.index_dir, reason), self._built)

    def _built(self, error: str | None) -> None:
        if error:
            self.notify(error, severity="error", markup=False, timeout=30)
            self.reader.show_page(list_page("The archive could not be indexed", error))
            return
        self._open_built_index()

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _open_built_index(self) -> None:
        try:
            library = Library.open(self.index_dir)
        except Exception as exc:  # noqa: BLE001
            message = f"Could not open the index in {self.index_dir}: {exc}"
            self.call_from_thread(self._built, message)
            return
        self.call_from_thread(self._library_ready, library)

    def _library_ready(self, library: Library) -> None:
        self.library = library
        stats = library.stats()
        self.title = f"Chronicle · {stats.name}"
        span = f" · {stats.first} – {stats.last}" if stats.first else ""
        self.sub_title = (
            f"{counted(stats.events, 'event')} · {counted(stats.articles, 'article')} · "
            f"{counted(stats.day_pages, 'day page')}{span}"
        )
        self.timeline.load(library)
        self.timeline.focus()
        last = self.user_data.state.get("last")
        location = None
        if isinstance(last, dict):
            try:
                location = Location.from_dict(last)
            except ValueError:
                location = None
        if location is None:
            newest = library.last_day()
            if newest is None:
                self.reader.show_page(
                    list_page("The archive has no dated events", str(self.archive_dir))
                )
                return
            location = Location("day", newest.isoformat(), newest.isoformat())
        self.open_location(location, reveal=True)

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

        try:
            if location.kind == "day":
                day = date.fromisoformat(location.ref)
                view = lib.day_view(day)
                events = lib.events_on(day)
                show(self._show_day, location, day, view, events, record, reveal, terms)
                return
            doc = lib.document(location.ref)
            if doc is None:
                show(self._not_found, location)
                return
            if isinstance(doc, Article):
                show(self._show_article, location, doc, None, record, reveal, terms)
                show(self._show_article, location, doc, lib.neighbours(doc.id), False, False, terms)
            elif isinstance(doc, Event):
                show(self._show_event, location, doc, None, record, reveal, terms)
                show(self._show_event, location, doc, lib.neighbours(doc.id), False, False, terms)
            else:
                show(self._not_found, location)
        except Exception as exc:  # noqa: BLE001 - reported, the app goes on
            show(self._load_failed, location, exc)

    def _arrive(
        self,
        location: Location,
        record: bool,
        reveal: bool,
        day: date | None,
        event_id: str | None = None,
    ) -> None:
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
        view: Any,
        events: list[Any],
        record: bool,
        reveal: bool,
        terms: list[str],
    ) -> None:
        self.shown_doc = None
        self.reader.show_page(day_page(day, view), terms)
        self.navigator.show_day(events)
        self._arrive(location, record, reveal, day)

    def _show_event(
        self,
        location: Location,
        event: Event,
        neighbours: Any,
        record: bool,
        reveal: bool,
        terms: list[str],
    ) -> None:
        first = neighbours is None
        self.shown_doc = event
        location = Location(location.kind, event.id, event.headline)
        self.reader.show_page(event_page(event, neighbours), terms, keep_scroll=not first)
        if first:
            self.navigator.show_message("finding related events…")
            self._arrive(location, record, reveal, event.date, event.id)
        else:
            self.navigator.show_event(neighbours)

    def _show_article(
        self,
        location: Location,
        article: Article,
        neighbours: Any,
        record: bool,
        reveal: bool,
        terms: list[str],
    ) -> None:
        first = neighbours is None
        self.shown_doc = article
        location = Location("article", article.id, article.title)
        events = list(neighbours.events) if neighbours is not None else []
        event = events[0] if events else None
        self.reader.show_page(
            article_page(article, event, pending=first), terms, keep_scroll=not first
        )
        if first:
            self.navigator.show_message("finding its event…")
            self._arrive(location, record, reveal, article.date)
        else:
            self.navigator.show_article(events, neighbours.more_like_this)

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
        self.query_one("#breadcrumb", Static).update(text)

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
