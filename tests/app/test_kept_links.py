"""Kept links (``tui.app.kept_links``) belong to one index as it was built and updated:
another library, a build or an update, even one committed within the same second as
the one before, starts them afresh; links found before an update are not kept."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from chronicle_testing import AKTOBE, DETAIN, build_archive_index, linked_files

from tui.app.kept_links import KeptLinks
from tui.index.builder import build_index
from tui.index.catalog import CATALOG_NAME
from tui.library import Library, Neighbours


class StampedLibrary:
    """Stands in for a library: counts the index stamps read."""

    def __init__(self) -> None:
        self.stamp = ("gen-1", "1", "1000")
        self.reads = 0

    def index_stamp(self) -> tuple[str, str, str]:
        self.reads += 1
        return self.stamp


def test_kept_links_belong_to_the_index_as_it_was_built() -> None:
    library, other = StampedLibrary(), StampedLibrary()
    kept = KeptLinks(size=2)
    links = Neighbours(more_like_this=())
    assert kept.get(library, "a") is None
    kept.put(library, "a", links)
    assert kept.get(library, "a") is links
    assert kept.get(other, "a") is None  # another library (the index was reopened)
    assert kept.get(library, "a") is None
    kept.put(library, "a", links)
    library.stamp = ("gen-1", "2", "1000")  # an update committed, in the same second
    assert kept.get(library, "a") is None
    for doc in "abc":
        kept.get(library, doc)
        kept.put(library, doc, links)
    assert kept.get(library, "a") is None and kept.get(library, "c") is links


def test_a_page_opened_reads_the_index_stamp_once() -> None:
    library = StampedLibrary()
    kept = KeptLinks()
    links = Neighbours(more_like_this=())
    assert kept.get(library, "a") is None
    kept.put(library, "a", links)
    assert library.reads == 1
    assert kept.get(library, "a") is links


def test_links_found_before_an_update_are_not_kept() -> None:
    library = StampedLibrary()
    kept = KeptLinks()
    links = Neighbours(more_like_this=())
    with ThreadPoolExecutor(max_workers=1) as loading:  # a page opens in a worker ...
        assert loading.submit(kept.get, library, "a").result() is None
        library.stamp = ("gen-1", "2", "1000")  # ... an update commits ...
        assert kept.get(library, "b") is None  # ... another page opens on the new index
        loading.submit(kept.put, library, "a", links).result()  # found on the old one
    assert kept.get(library, "a") is None


def test_an_update_within_the_same_second_starts_the_kept_links_afresh(tmp_path: Path) -> None:
    archive, index = build_archive_index(tmp_path, "kept", linked_files())
    library = Library.open(index)
    try:
        kept = KeptLinks()
        assert kept.get(library, AKTOBE) is None
        links = library.neighbours(AKTOBE)
        kept.put(library, AKTOBE, links)
        assert kept.get(library, AKTOBE) is links
        built_at = library.catalog.meta()["built_at"]
        page = archive / DETAIN
        page.write_text(page.read_text(encoding="utf-8") + "\nMore suspects are held.\n",
                        encoding="utf-8")
        build_index(archive, index, procs=1)
        # as an update committed within the same second as the build leaves the catalog
        db = sqlite3.connect(library._state().generation / CATALOG_NAME)
        with db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'built_at'", (built_at,))
        db.close()
        assert library.catalog.meta()["built_at"] == built_at
        assert kept.get(library, AKTOBE) is None
    finally:
        library.close()
