"""The links found for the documents opened last, so going back to one shows it whole.

A document's navigator is filled in stages, the last a scored Whoosh search ("more like
this", a tenth of a second or more at 100,000 events) that arrives after the page and
repaints the navigator a second time. Back, forward, or the same link followed again
opens a document seen a moment ago: its links are kept here, and it is shown complete,
in one repaint, without searching again. Kept links belong to one index as it was
built: a build or update of the index (its catalog's build stamp) starts afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.library import Library, Neighbours

KEPT_DOCUMENTS = 64


class KeptLinks:
    """Each recent document's complete neighbours, for the index they were read from."""

    def __init__(self, size: int = KEPT_DOCUMENTS) -> None:
        self.size = size
        self._kept: OrderedDict[str, Neighbours] = OrderedDict()
        self._index: tuple[int, str] | None = None
        self._lock = threading.Lock()  # the loading workers use it, one at a time or not

    @staticmethod
    def _index_of(library: Library) -> tuple[int, str]:
        """Which index a library reads now: the library, and its catalog's build stamp
        (written by every full build and update)."""
        return id(library), library.catalog.meta().get("built_at", "")

    def get(self, library: Library, doc_id: str) -> Neighbours | None:
        index = self._index_of(library)
        with self._lock:
            if index != self._index:
                self._kept.clear()
                self._index = index
                return None
            found = self._kept.get(doc_id)
            if found is not None:
                self._kept.move_to_end(doc_id)
            return found

    def put(self, library: Library, doc_id: str, neighbours: Neighbours) -> None:
        index = self._index_of(library)
        with self._lock:
            if index != self._index:
                self._kept.clear()
                self._index = index
            self._kept[doc_id] = neighbours
            self._kept.move_to_end(doc_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
