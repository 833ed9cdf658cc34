"""The links found for the documents opened last, so going back to one shows it whole.

A document's navigator is filled in stages, the last a scored Whoosh search ("more like
this", a tenth of a second or more at 100,000 events) that arrives after the page and
repaints the navigator a second time. Back, forward, or the same link followed again
opens a document seen a moment ago: its links are kept here, and it is shown complete,
in one repaint, without searching again. Kept links belong to one index as it was
built: a build or update of the index (``Library.index_stamp``) starts afresh.
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
        self._index: tuple[int, tuple[str, str, str]] | None = None
        self._lock = threading.Lock()  # the loading workers use it, one at a time or not
        self._asked = threading.local()  # each worker's last get: its document and index

    @staticmethod
    def _index_of(library: Library) -> tuple[int, tuple[str, str, str]]:
        """Which index a library reads now: the library, and its index stamp (changed
        by every full build and update, see ``Library.index_stamp``)."""
        return id(library), library.index_stamp()

    def get(self, library: Library, doc_id: str) -> Neighbours | None:
        """The document's kept links, if kept for the index the library reads now (an
        index other than the kept links' starts them afresh)."""
        index = self._index_of(library)
        self._asked.last = (doc_id, index)
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
        """Keep a document's links, found after this thread's ``get`` of it: for the
        index that get read (opening a page reads the stamp once), and only while that
        is still the kept links' index (links found before an update are dropped)."""
        asked = getattr(self._asked, "last", None)
        self._asked.last = None
        if asked is not None and asked[0] == doc_id and asked[1][0] == id(library):
            index = asked[1]
        else:
            index = self._index_of(library)
        with self._lock:
            if index != self._index:
                return
            self._kept[doc_id] = neighbours
            self._kept.move_to_end(doc_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
