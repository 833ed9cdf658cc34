"""Python's cycle collector, run while the user is idle instead of inside a key press.

Drawing a page allocates tens of thousands of short-lived objects (lines, segments,
styles). With the collector's default thresholds a key press ran dozens of young
collections, and now and then a full one: measured at 100,000 events, 5-30 ms of a
page-opening key and full collections of 40-110 ms landing on whatever key came
next. Once the first page is painted, what start-up made is frozen out of the
collector, automatic collection is switched off, and a collection runs when no key or
mouse event has come for a moment. Objects freed by reference counting (most of them)
go at once as always; only reference cycles wait for the pause. Once many objects have
piled up, a young collection runs in the next short pause between keys, and, so that
memory stays bounded while keys keep coming without one, at last anyway. A pause is
one in which the app is not still answering a key (a page whose last links are being
found, a search): a young collection of 100,000 objects took 60 ms, and ran in the
middle of opening a page, before its "more like this" rows.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

IDLE_SECONDS = 1.0  # no input for this long: a full collection
CHECK_EVERY = 0.25
# Objects allocated and not yet freed since the last collection beyond which a young
# collection (tens of ms) runs in the next short pause between keys ...
PILED_UP = 100_000
SHORT_PAUSE = 0.15
# ... and beyond which it runs even while keys keep coming, so memory stays bounded.
OVERFLOWING = 3 * PILED_UP


class IdleCollection:
    """Collects garbage cycles in the pauses of one app's input."""

    def __init__(self, app: App[object], busy: Callable[[], bool] = lambda: False) -> None:
        self.app = app
        self.busy = busy  # whether the app is still answering a key
        self.last_input = time.monotonic()
        self.timer: Timer | None = None
        self.collections = 0  # full collections run (tests read it)

    def start(self) -> None:
        """Freeze what exists now (start-up's objects) and take over collecting."""
        if self.timer is not None:
            return
        gc.freeze()
        gc.disable()
        self.timer = self.app.set_interval(CHECK_EVERY, self.check, name="idle-collection")

    def stop(self) -> None:
        """Give collecting back to Python (the app is ending)."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
            gc.unfreeze()
            gc.enable()

    def input_seen(self) -> None:
        self.last_input = time.monotonic()

    def check(self) -> None:
        young = gc.get_count()[0]
        if not young:
            return
        if young <= OVERFLOWING and self.busy():
            return
        quiet = time.monotonic() - self.last_input
        if quiet >= IDLE_SECONDS:
            gc.collect()
            self.collections += 1
        elif young > OVERFLOWING or (young > PILED_UP and quiet >= SHORT_PAUSE):
            gc.collect(0)
