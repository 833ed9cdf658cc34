"""Reassembling an update's dates, half of them in a forked child: the same catalog.

The child reassembles with a catalog connection of its own and sends back only the
events that changed; these tests pin that the catalog and the search index come out
as a full build's, and as the one-process path's when the child cannot help.
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import pytest
from index_fixtures import UnwritableMarshal
from test_build_equivalence import catalog_rows, event_pages
from test_index import SEED_ARTICLE, SEED_EVENT, linked
from whoosh.filedb.filestore import FileStorage

import tui.index.update as update
import tui.index.update_plan as update_plan
from tui.index.builder import build_index
from tui.library import Library


def changed_archive(sample_archive: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The sample archive indexed, then changed on many dates (day pages too)."""
    archive = tmp_path / "archive"
    shutil.copytree(sample_archive, archive)
    index = tmp_path / "index"
    build_index(archive, index)
    by_date = {page.parent: page for page in event_pages(archive)}  # one page a date
    pages = sorted(by_date.values())
    assert len(pages) >= 10
    for page in pages[:8]:
        page.write_text(page.read_text(encoding="utf-8").replace("\n# ", "\n# Edited: ", 1),
                        encoding="utf-8")
    for page in pages[8:10]:
        page.unlink()
    day_pages = sorted(archive.glob("news/*/*/*/index.md"))
    assert day_pages
    day_pages[0].write_text(day_pages[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return archive, index


def same_as_a_full_build(archive: Path, index: Path, tmp_path: Path) -> None:
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(index) == catalog_rows(tmp_path / "fresh")
    updated, fresh = Library.open(index), Library.open(tmp_path / "fresh")
    try:
        for query in ("edited", "kind:day", "kind:event", "police"):
            found = [sorted(hit.id for hit in lib.search(query, limit=2000).hits)
                     for lib in (updated, fresh)]
            assert found[0] == found[1], query
    finally:
        updated.close()
        fresh.close()


def test_dates_shared_with_a_child(sample_archive: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    archive, index = changed_archive(sample_archive, tmp_path)
    forks: list[int] = []
    start = update_plan.forked.start

    def counting_start(work: partial) -> object:  # type: ignore[type-arg]
        if work.func is update_plan._child_assemble:
            forks.append(len(work.args[1]))  # the dates given to the child
        return start(work)

    monkeypatch.setattr(update_plan.forked, "start", counting_start)
    monkeypatch.setattr(update_plan, "PARALLEL_DATES", 1)
    report = build_index(archive, index, procs=2)
    assert not report.full and len(report.changed) == 9 and forks and forks[0] >= 3
    monkeypatch.undo()
    same_as_a_full_build(archive, index, tmp_path)


def test_failed_child_leaves_its_dates_to_the_parent(sample_archive: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    archive, index = changed_archive(sample_archive, tmp_path)

    monkeypatch.setattr(update_plan, "marshal", UnwritableMarshal)
    monkeypatch.setattr(update_plan, "PARALLEL_DATES", 1)
    assert not build_index(archive, index, procs=2).full
    monkeypatch.undo()
    same_as_a_full_build(archive, index, tmp_path)


def test_many_links_are_searched_in_a_mapped_index(seeds_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(seeds_dir, archive)
    index = tmp_path / "index"
    build_index(archive, index)
    event = (archive / SEED_EVENT).read_bytes()
    (archive / SEED_EVENT).unlink()
    mapped: list[bool] = []
    open_index = FileStorage.open_index
    monkeypatch.setattr(FileStorage, "open_index", lambda storage, *args, **kwargs: (
        mapped.append(storage.supports_mmap) or open_index(storage, *args, **kwargs)))
    monkeypatch.setattr(update, "MAPPED_LINKING", 1)
    build_index(archive, index)
    assert linked(index, SEED_ARTICLE) == []
    (archive / SEED_EVENT).write_bytes(event)
    build_index(archive, index)
    assert linked(index, SEED_ARTICLE) == [SEED_EVENT]
    assert True in mapped  # the update opened a memory-mapped index to link


def test_event_json_reuses_a_stored_page_only_while_unchanged() -> None:
    """An event assembly left as parsed takes its page's stored JSON; one it changed
    (a story or topics from the day page) is made anew, never from the stale form."""
    import dataclasses
    from datetime import date

    from tui.index.catalog_layout import stored_result, to_json
    from tui.model import Event, RelatedLink, Source

    page = Event(id="news/2011/11/10/a.md", date=date(2011, 11, 10), headline="Café “H”",
                 summary="S", sources=[Source("P", "u")],
                 related=[RelatedLink("T", "news/2011/11/9/b.md", ["X"])], topics=["X"])
    parsed = {page.id: (page, stored_result(page))}
    same = dataclasses.replace(page)
    assert update_plan.event_json(same, parsed) == to_json(page.to_dict())
    changed = dataclasses.replace(page, story="Story", topics=["X", "Y"])
    assert update_plan.event_json(changed, parsed) == to_json(changed.to_dict())
    assert update_plan.event_json(changed, {}) == to_json(changed.to_dict())


def test_pool_parse_gives_the_serial_results_and_collects_again(
        sample_archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing in a pool (garbage collection off meanwhile) gives what one process
    gives, and leaves the collector on."""
    import gc

    from tui.index.archive_scan import scan_folders
    from tui.index.update_plan import Change

    monkeypatch.setattr(update, "PARALLEL_PARSE_MIN", 1)
    monkeypatch.setattr(update, "FORKED_PARSE_MIN", 1)
    paths = sorted(scan_folders(sample_archive, None, 1).files)
    change = Change(archive=sample_archive, files={}, known={}, fresh=True, procs=2)
    try:
        pooled = list(update._parsed(change, paths))
    finally:
        gc.unfreeze()
    assert gc.isenabled()
    assert repr(pooled) == repr([(path, update._parse_one(sample_archive, path))
                                 for path in paths])


def test_a_pool_build_hands_its_frozen_results_back(
        sample_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parse results a pool's build froze out of the collector are unfrozen when the
    build ends (a CLI command may go on in the same process), and collection is on."""
    import gc

    import tui.index.builder as builder
    from tui.index.builder import build_index

    monkeypatch.setattr(builder, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(update, "PARALLEL_PARSE_MIN", 1)
    monkeypatch.setattr(update, "FORKED_PARSE_MIN", 1)
    frozen: list[int] = []
    parsed = update._parsed

    def watching(*args: object) -> object:
        yield from parsed(*args)  # type: ignore[arg-type]
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(update, "_parsed", watching)
    before = gc.get_freeze_count()
    build_index(sample_archive, tmp_path / "index", procs=2)
    assert frozen and frozen[0] > before  # the pool's results were frozen meanwhile
    assert gc.get_freeze_count() == before and gc.isenabled()
