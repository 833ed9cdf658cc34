"""The archive's first and last days drawn ahead, in pauses after the first page.

``<`` and ``>`` jump to the two ends of the archive, and the first visit of each end
drew everything it shows from nothing: the timeline's year, months and days, the day's
page and the navigator's rows (81 ms at p95 at 100,000 events). Once the first page is
painted, a worker reads both days' pages and rows, and in pauses of the input (no key
for a moment, no page being opened) the screen thread draws their lines into the
panes' kept lines a step at a time, a few milliseconds each, so that the keys later
only place them. What is drawn ahead is what a fresh drawing would make: the panes
draw it with their own code, for the look the jump will give it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tui.app.navigator_rows import NavRow, day_rows
from tui.app.pages import day_page
from tui.app.reader import Page
from tui.library import DayView, EventSummary, Library

if TYPE_CHECKING:
    from textual.timer import Timer

    from tui.app.chronicle_app import ChronicleApp

START_AFTER = 0.2  # seconds after the first paint
PAUSE = 0.05  # no input for this long, and no page being opened: a step may run
CHECK_EVERY = 0.05
LOOKS_PER_STEP = 24  # timeline lines drawn per step (about a tenth of a millisecond each)


class ReadAhead:
    """What the timeline reads to fill one end's year and month: their months and
    days as the worker read them (reading them on the screen thread had
    taken up to a dozen milliseconds of a pause, from a cold cache at 100,000
    events), anything else from the library itself."""

    def __init__(self, library: Library, day: date) -> None:
        self.library = library
        self._months = {day.year: library.months(day.year)}
        self._days = {(day.year, day.month): library.days(day.year, day.month)}

    def months(self, year: int) -> list[tuple[int, int]]:
        found = self._months.get(year)
        return self.library.months(year) if found is None else found

    def days(self, year: int, month: int) -> list[tuple[date, int]]:
        found = self._days.get((year, month))
        return self.library.days(year, month) if found is None else found

    def events_on(self, day: date) -> list[EventSummary]:
        return self.library.events_on(day)


End = tuple[date, Page, list[NavRow], ReadAhead]


class EndsAhead:
    """Draws the first and last day of one app's archive ahead, once."""

    def __init__(self, app: ChronicleApp) -> None:
        self.app = app
        self.timer: Timer | None = None
        self._steps: Iterator[None] | None = None
        self.done = False  # every step has run (tests read it)

    def start(self) -> None:
        """Called when the first page is shown: read the ends a moment later."""
        self.app.set_timer(START_AFTER, self._read, name="ends-ahead-read")

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def _read(self) -> None:
        # Group "library": a background read of the index, as the search's preparation
        # is; no key waits for it.
        self.app.run_worker(self._read_ends, thread=True, group="library",
                            exit_on_error=False, name="ends-ahead")

    def _read_ends(self) -> None:
        library = self.app.library
        if library is None:
            return
        worker = get_current_worker()
        ends: list[End] = []
        for day in dict.fromkeys((library.first_day(), library.last_day())):
            if day is not None:
                events = library.events_on(day)
                ends.append((day, day_page(day, DayView.grouped(day, events)),
                             day_rows(events), ReadAhead(library, day)))
        if not worker.is_cancelled:
            self.app.call_from_thread(self._begin, ends)

    def _begin(self, ends: list[End]) -> None:
        self._steps = self._drawing(ends)
        self.timer = self.app.set_interval(CHECK_EVERY, self._step, name="ends-ahead")

    def _drawing(self, ends: list[End]) -> Iterator[None]:
        """One step per yield, each a few milliseconds of the screen thread."""
        app = self.app
        for day, page, rows, read in ends:
            shown = app.shown
            if shown is not None and shown.kind == "day" and shown.ref == day.isoformat():
                continue  # on screen now: drawn already
            timeline = app.timeline
            if timeline.library is not read.library:
                continue  # the archive was opened again meanwhile
            # The day's year and month are filled, if they were not, from what the
            # worker read.
            looks = timeline.day_looks(day, read)
            for start in range(0, len(looks), LOOKS_PER_STEP):
                timeline.draw_ahead(looks[start:start + LOOKS_PER_STEP])
                yield
            app.reader.draw_page_ahead(page)
            yield
            app.navigator.draw_rows_ahead(rows)
            yield

    def _paused(self) -> bool:
        app = self.app
        return time.monotonic() - app.idle_collection.last_input >= PAUSE and not app.answering

    def _step(self) -> None:
        if self._steps is None or not self._paused():
            return
        try:
            next(self._steps)
        except StopIteration:
            self.stop()
            self.done = True
        except Exception:  # noqa: BLE001 - only a head start: the keys draw it anyway
            self.stop()
