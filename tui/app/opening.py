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
from typing import TYPE_CHECKING

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


def counted(number: int, noun: str) -> str:
    """``1 event``, ``2 events``: the header reads as English."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class ArchiveOpening(_Base):
    """App mixin: open the index, build or update it when needed, show the first page."""

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _check_index(self) -> None:
        """Open the index; build or update it first when missing or stale."""
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
        self.call_from_thread(self._library_ready, library, *opened)
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
        self.call_from_thread(self._library_ready, library, *opened)

    def _library_ready(
        self, library: Library, stats: LibraryStats, years: list[tuple[int, int]]
    ) -> None:
        self.library = library
        self.title = f"Chronicle · {stats.name}"
        span = f" · {stats.first} – {stats.last}" if stats.first else ""
        self.sub_title = (
            f"{counted(stats.events, 'event')} · {counted(stats.articles, 'article')} · "
            f"{counted(stats.day_pages, 'day page')}{span}"
        )
        self.timeline.load(library, years)
        self.timeline.focus()
        last = self.user_data.state.get("last")
        location = None
        if isinstance(last, dict):
            try:
                location = Location.from_dict(last)
            except ValueError:
                location = None
        if location is None:
            if stats.last is None:
                self.reader.show_page(
                    list_page("The archive has no dated events", str(self.archive_dir))
                )
                return
            location = Location("day", stats.last.isoformat(), stats.last.isoformat())
        self.open_location(location, reveal=True)
