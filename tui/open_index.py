"""One thread's handles on an index generation: its catalog connection and Whoosh index.

The Whoosh index is opened without memory mapping. Whoosh 2.7 wraps each mapped
segment file in ``BytesIO``, which copies it: at 100,000 events that put the whole
postings and term files (about 280 MB) on the heap and as much again in mapped pages,
for every searcher. Read through ordinary files, a searcher costs a few megabytes and
opens in milliseconds, and the operating system's page cache does the caching.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from tui.index.catalog import CATALOG_NAME, Catalog
from tui.index.lock import writer_active
from tui.index.schema import SCHEMA_VERSION
from tui.index.store import WHOOSH_DIR, IndexDamaged, IndexOutdated, whoosh_step

# How long opening the index waits for a running update to commit its catalog.
CATCH_UP_WAIT = 10.0


def open_whoosh(folder: Path) -> Index:
    """The Whoosh index in ``folder``, read through files rather than memory maps."""
    return FileStorage(str(folder), supports_mmap=False, readonly=True).open_index()


class OpenIndex:
    """A catalog connection and a handle on the Whoosh index (not a searcher: the
    library shares one, see ``Library._searching``), used by one thread at a time."""

    def __init__(self, generation: Path, fingerprint: tuple[int, int] | None) -> None:
        self.generation = generation
        self.fingerprint = fingerprint
        self.owner = threading.current_thread()
        try:
            self.catalog = Catalog(generation / CATALOG_NAME)
            meta = self.catalog.meta()
        except (OSError, sqlite3.Error) as exc:
            raise IndexDamaged(f"the catalog in {generation} cannot be read ({exc})") from None
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            self.catalog.close()
            raise IndexOutdated(
                f"the index in {generation.parent} has schema version "
                f"{meta.get('schema_version')}, this Chronicle needs {SCHEMA_VERSION}; rebuild it"
            )
        self.meta = meta
        try:
            self.index = open_whoosh(generation / WHOOSH_DIR)
        except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises means damaged
            self.catalog.close()
            raise IndexDamaged(f"the search index in {generation} cannot be read ({exc})") from None
        if not self._catalog_caught_up():
            self.close()
            raise IndexDamaged(
                f"the last update of the index in {generation.parent} was interrupted "
                "between the search index and the catalog; `chronicle index` finishes it"
            )

    def in_step(self) -> bool:
        """Whether the catalog matches the newest Whoosh commit (see ``whoosh_step``)."""
        return whoosh_step(self.catalog.meta(), self.index.latest_generation()) == "same"

    def _catalog_caught_up(self) -> bool:
        """True when the catalog matches Whoosh, waiting while a writer finishes its update."""
        deadline = time.monotonic() + CATCH_UP_WAIT
        while not self.in_step():
            if not writer_active(self.generation.parent) or time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def close(self) -> None:
        self.catalog.close()
