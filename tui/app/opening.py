"""Opening the archive: the index opened (or built first), the first page painted, then
a check for archive changes that may start an update.

A mixin of :class:`ChronicleApp`. Everything that reads the index runs in a thread
worker and hands the UI thread finished values, so the first paint waits on no query.
The check for changes lists every archive file; it runs in a child process
(``tui.freshness``) once the first page is shown, so it neither slows the interface
nor stays in its memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from textual import work

from tui.app.history import Location
from tui.app.indexing_screen import IndexingScreen
from tui.app.pages import list_page
from tui.freshness import changed_in_child
from tui.index.store import IndexMissing
from tui.library import Library, LibraryStats

if TYPE_CHECKING:
    from tui.app.chronicle_app import ChronicleApp

    _Base = ChronicleApp
else:
    _Base = object

# Seconds the check for archive changes waits for the first page to be painted.
STALE_CHECK_WAIT = 3.0
# Seconds after the first paint before the search is prepared (it takes the interpreter
# for a while: not while the first page is still being drawn).
PREPARE_SEARCH_AFTER = 1.0


def counted(number: int, noun: str) -> str:
    """``1 event``, ``2 events``: the header reads as English."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class ArchiveOpening(_Base):
    """App mixin: open the index, build or update it when needed, show the first page."""

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _check_index(self) -> None:
        """Open the index and show the first page; build or update the index first when
        it is missing, or afterwards when the archive changed since it was built."""
        reason = ""
        try:
            library = Library.open(self.index_dir)
            opened = library.stats(), library.years()
        except IndexMissing:
            library, reason = None, f"No index yet in {self.index_dir}: building it"
        except Exception as exc:  # noqa: BLE001 - damaged or outdated: the builder redoes it
            library, reason = None, f"The index cannot be used ({exc}): rebuilding it"
        if library is None:
            self.call_from_thread(self._start_build, reason)
            return
        self._open_first_page(library, *opened)
        deadline = time.monotonic() + STALE_CHECK_WAIT
        while self.shown is None and time.monotonic() < deadline:
            time.sleep(0.02)
        try:
            if changed_in_child(self.index_dir, self.archive_dir):
                reason = "The archive changed since it was indexed: updating the index"
        except Exception as exc:  # noqa: BLE001
            reason = f"Updating the index ({exc})"
        if reason:
            self.call_from_thread(self._start_build, reason)

    def _open_first_page(
        self, library: Library, stats: LibraryStats, years: list[tuple[int, int]]
    ) -> None:
        """In the worker that opened the index: read and lay out the first page, and hand
        the screen the library, the timeline's years and that page at once, so the
        first paint is one repaint of all three panes."""
        waiting = [(library, stats, years)]

        def show(callback: Callable[..., None], *args: Any) -> None:
            if waiting and callback in (self._show_day, self._show_document):
                self.call_from_thread(self._library_ready, *waiting.pop(), (callback, args))
            else:
                self.call_from_thread(callback, *args)

        places = [self._last_place(stats), self._newest_day(stats)]
        for place in places:
            if place is not None and self.load_place(library, place, True, True, [], show,
                                                     lambda: False):
                return
        if waiting:
            self.call_from_thread(self._library_ready, *waiting.pop(), None)

    def _last_place(self, stats: LibraryStats) -> Location | None:
        """Where the user was when the app last closed; not a day outside this
        archive's dates (the place may be another archive's), which would open on an
        empty page."""
        last = self.user_data.state.get("last")
        if not isinstance(last, dict):
            return None
        try:
            place = Location.from_dict(last)
        except ValueError:
            return None
        if place.kind == "day":
            first, newest = stats.first, stats.last
            if first is None or newest is None:
                return None
            if not first.isoformat() <= place.ref[:10] <= newest.isoformat():
                return None
        return place

    @staticmethod
    def _newest_day(stats: LibraryStats) -> Location | None:
        if stats.last is None:
            return None
        return Location("day", stats.last.isoformat(), stats.last.isoformat())

    def prepare_search_soon(self) -> None:
        """After the first paint: have the search ready before the first letter is typed."""
        self.set_timer(PREPARE_SEARCH_AFTER, self._prepare_search)

    @work(thread=True, group="library", exit_on_error=False)
    def _prepare_search(self) -> None:
        """Read what the first search of an index needs (date keys, field lengths: about
        a second at 100,000 events) while the user reads the first page."""
        library = self.library
        if library is None:
            return
        with suppress(Exception):  # the first search reads it then, or reports why not
            library.prepare_search()

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
            opened = library.stats(), library.years()
        except Exception as exc:  # noqa: BLE001
            message = f"Could not open the index in {self.index_dir}: {exc}"
            self.call_from_thread(self._built, message)
            return
        self._open_first_page(library, *opened)

    def _library_ready(
        self,
        library: Library,
        stats: LibraryStats,
        years: list[tuple[int, int]],
        first: tuple[Callable[..., None], tuple[Any, ...]] | None,
    ) -> None:
        """The index is open: the header, the timeline, and ``first``, the first page
        (a call that shows it), or a note that the archive has nothing to show."""
        self.library = library
        self.title = f"Chronicle · {stats.name}"
        span = f" · {stats.first} – {stats.last}" if stats.first else ""
        self.sub_title = (
            f"{counted(stats.events, 'event')} · {counted(stats.articles, 'article')} · "
            f"{counted(stats.day_pages, 'day page')}{span}"
        )
        self.timeline.load(library, years)
        self.timeline.focus()
        if first is not None:
            callback, args = first
            callback(*args)
        elif stats.last is None:
            self.reader.show_page(
                list_page("The archive has no dated events", str(self.archive_dir))
            )
