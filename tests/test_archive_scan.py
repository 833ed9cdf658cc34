"""Finding what changed: folder digests, the forked scan, and updates that trust them.

An update lists every file, but compares one by one only the files of folders whose
digest differs from the one the catalog stored; these tests pin that it still finds
every added, changed, removed and renamed file, that the forked half of the scan
changes nothing, and that digests an older update left behind are not trusted.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from index_fixtures import UnwritableMarshal
from test_build_equivalence import catalog_rows, event_pages

import tui.index.archive_scan as archive_scan
import tui.index.search_writing as search_writing
from tui.index.archive_scan import ArchiveScan, folder_of, scan_folders
from tui.index.builder import build_index
from tui.index.catalog import CATALOG_NAME, Catalog
from tui.index.catalog_files import FOLDER_STATES_AT
from tui.index.store import current_generation
from tui.library import Library

EVENT = """### [2011-11-{day}](/news/2011/11/{day}/index.md)

# {headline}

Something happened.

### Source:

1. [Reuters](http://example.com/{day})
"""


def write(root: Path, rel: str, text: str = "x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def event(root: Path, day: str, slug: str, headline: str) -> str:
    rel = f"news/2011/11/{day}/{slug}.md"
    write(root, rel, EVENT.format(day=day, headline=headline))
    return rel


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    for rel in ("top.md", "notes.json", "news/2011/1/1/a.md", "news/2011/1/1/b.TXT",
                "news/2011/10/2/c.markdown", "news/2011/10/2/sub/d.md", ".hidden/e.md",
                "articles/f.txt"):
        write(root, rel)
    return root


def scanned(scan: ArchiveScan) -> tuple[dict[str, bytes], dict[str, tuple[int, int]], list[str]]:
    return scan.digests, scan.files, sorted(skip.path for skip in scan.refused)


def test_scan_lists_candidate_files_by_folder(tree: Path) -> None:
    scan = scan_folders(tree)
    assert set(scan.files) == {"top.md", "news/2011/1/1/a.md", "news/2011/1/1/b.TXT",
                               "news/2011/10/2/c.markdown", "news/2011/10/2/sub/d.md",
                               "articles/f.txt"}
    st = os.stat(tree / "news/2011/1/1/a.md")
    assert scan.files["news/2011/1/1/a.md"] == (st.st_mtime_ns, st.st_size)
    assert set(scan.digests) == {"", "news/", "news/2011/", "news/2011/1/", "news/2011/1/1/",
                                 "news/2011/10/", "news/2011/10/2/", "news/2011/10/2/sub/",
                                 "articles/"}
    assert folder_of("news/2011/1/1/a.md") == "news/2011/1/1/" and folder_of("top.md") == ""


def test_known_digests_leave_out_unchanged_folders(tree: Path) -> None:
    known = scan_folders(tree).digests
    again = scan_folders(tree, known)
    assert again.files == {} and again.changed_folders(known) == set()
    # An edit in place leaves the folder's own mtime as it was: the digest still moves.
    folder = tree / "news/2011/1/1"
    folder_times = os.stat(folder)
    write(tree, "news/2011/1/1/a.md", "a longer text")
    os.utime(folder, ns=(folder_times.st_atime_ns, folder_times.st_mtime_ns))
    shutil.rmtree(tree / "news/2011/10/2/sub")
    scan = scan_folders(tree, known)
    # A folder's digest is of its own files: removing a subfolder leaves it alone.
    assert scan.changed_folders(known) == {"news/2011/1/1/", "news/2011/10/2/sub/"}
    assert set(scan.files) == {"news/2011/1/1/a.md", "news/2011/1/1/b.TXT"}


def test_forked_scan_matches_one_process(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tree, "news/2011/1/1/bad\x1bname.md")
    monkeypatch.setattr(archive_scan, "SHARE_FOLDERS", 2)
    alone = scanned(scan_folders(tree))
    assert alone[2] == ["news/2011/1/1/bad\\x1bname.md"]
    assert scanned(scan_folders(tree, procs=2)) == alone
    known = alone[0]
    write(tree, "articles/g.txt")
    assert scanned(scan_folders(tree, known, procs=2)) == scanned(scan_folders(tree, known))


def test_failed_child_is_made_up_for(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_scan, "SHARE_FOLDERS", 2)
    alone = scanned(scan_folders(tree))

    monkeypatch.setattr(archive_scan, "marshal", UnwritableMarshal)
    assert scanned(scan_folders(tree, procs=2)) == alone

    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(archive_scan.os, "fork", no_fork)
    assert scanned(scan_folders(tree, procs=2)) == alone


def test_file_states_in_holds_one_folder_each(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / CATALOG_NAME, create=True)
    try:
        states = {"top.md": (1, 1), "news/2011/1/a.md": (2, 2), "news/2011/1/sub/b.md": (3, 3),
                  "news/2011/10/c.md": (4, 4), "news/2011/1.md": (5, 5)}
        from tui.model import Skip
        catalog.put_files([(path, *state, Skip(path, "test"), None)
                           for path, state in states.items()])
        assert catalog.file_states_in(["news/2011/1/"]) == {"news/2011/1/a.md": (2, 2)}
        assert catalog.file_states_in([""]) == {"top.md": (1, 1)}
        assert catalog.file_states_in(["news/2011/", "news/2011/10/"]) == {
            "news/2011/1.md": (5, 5), "news/2011/10/c.md": (4, 4)}
        assert catalog.folder_digests() is None  # none stored yet
    finally:
        catalog.close()


def test_update_compares_only_changed_folders(sample_archive: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(sample_archive, archive)
    index = tmp_path / "index"
    build_index(archive, index, procs=2)
    pages = event_pages(archive)
    edited, removed, moved = pages[0], pages[1], pages[2]
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n# ", "\n# Edited: ", 1),
                      encoding="utf-8")
    removed.unlink()
    renamed = moved.with_name("renamed-" + moved.name)
    moved.rename(renamed)
    added = event(archive, "30", "zebras-escape", "Zebras escape from the Oslo zoo")

    def every_state(self: Catalog) -> dict[str, tuple[int, int]]:
        raise AssertionError("an update with trusted digests reads only changed folders")

    monkeypatch.setattr(archive_scan, "SHARE_FOLDERS", 2)
    monkeypatch.setattr(Catalog, "file_states", every_state)
    report = build_index(archive, index, procs=2)
    rel = archive.resolve()
    assert not report.full
    assert report.changed == [edited.relative_to(archive).as_posix()]
    assert sorted(report.added) == sorted([added, renamed.relative_to(rel).as_posix()])
    assert sorted(report.removed) == sorted(p.relative_to(archive).as_posix()
                                            for p in (removed, moved))
    assert build_index(archive, index, procs=2).parsed == []
    monkeypatch.undo()
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(index) == catalog_rows(tmp_path / "fresh")


def test_digests_left_by_an_older_update_are_not_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file reverted to exactly its old state after an update that kept no digests
    (an older Chronicle) would match the stale digest: the update must not trust it."""
    archive = tmp_path / "archive"
    page = archive / event(archive, "13", "floods-in-bergen", "Floods close roads in Bergen")
    index = tmp_path / "index"
    build_index(archive, index)
    old_text, old_times = page.read_bytes(), os.stat(page)
    page.write_text(EVENT.format(day="13", headline="Floods reach Oslo"), encoding="utf-8")
    monkeypatch.setattr(Catalog, "put_folder_digests", lambda *args, **kwargs: None)
    assert build_index(archive, index).changed  # the older Chronicle's update
    monkeypatch.undo()
    page.write_bytes(old_text)
    os.utime(page, ns=(old_times.st_atime_ns, old_times.st_mtime_ns))
    report = build_index(archive, index)
    assert report.changed == [page.relative_to(archive).as_posix()]
    library = Library.open(index)
    try:
        assert library.search("bergen").total == 1 and library.search("oslo").total == 0
    finally:
        library.close()
    catalog = Catalog(current_generation(index) / CATALOG_NAME)
    try:
        meta = catalog.meta()
        assert meta[FOLDER_STATES_AT] == meta["whoosh_generation"]
        assert catalog.folder_digests() == scan_folders(archive).digests
    finally:
        catalog.close()


def test_first_update_stores_digests_when_none_are_trusted(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    event(archive, "13", "floods-in-bergen", "Floods close roads in Bergen")
    index = tmp_path / "index"
    build_index(archive, index)
    db = sqlite3.connect(current_generation(index) / CATALOG_NAME)
    db.execute("DROP TABLE folder_states")  # a catalog from before there were digests
    db.execute("DELETE FROM meta WHERE key = ?", (FOLDER_STATES_AT,))
    db.commit()
    db.close()
    report = build_index(archive, index)
    assert not report.full and report.parsed == []
    catalog = Catalog(current_generation(index) / CATALOG_NAME)
    try:
        assert catalog.folder_digests() == scan_folders(archive).digests
    finally:
        catalog.close()


def test_skipped_count_follows_the_update(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    good = archive / event(archive, "13", "floods-in-bergen", "Floods close roads in Bergen")
    bad = write(archive, "news/2011/11/14/empty.md", "")
    index = tmp_path / "index"
    assert build_index(archive, index).counts["skipped"] == 1
    bad.write_text(EVENT.format(day="14", headline="Snow in Tromso"), encoding="utf-8")
    good.write_text("", encoding="utf-8")
    write(archive, "news/2011/11/15/also-empty.md", "")
    report = build_index(archive, index)
    assert report.counts == build_index(archive, tmp_path / "fresh").counts
    assert report.counts["skipped"] == 2 and report.counts["event"] == 1


def test_event_moved_in_its_day_is_not_written_again(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    zebras = event(archive, "13", "zebras-escape", "Zebras escape from the Oslo zoo")
    index = tmp_path / "index"
    build_index(archive, index)
    written: list[str] = []
    fields = search_writing.whoosh_fields
    monkeypatch.setattr(search_writing, "whoosh_fields",
                        lambda doc: written.append(doc.id) or fields(doc))
    aardvarks = event(archive, "13", "aardvarks-dig", "Aardvarks dig under the Oslo zoo")
    build_index(archive, index)
    assert written == [aardvarks] and zebras not in written
    monkeypatch.undo()
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(index) == catalog_rows(tmp_path / "fresh")
    db = sqlite3.connect(current_generation(index) / CATALOG_NAME)
    try:
        assert dict(db.execute("SELECT id, seq FROM events")) == {aardvarks: 0, zebras: 1}
    finally:
        db.close()


def test_large_update_writes_in_two_processes(sample_archive: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.index.builder as builder

    archive = tmp_path / "archive"
    shutil.copytree(sample_archive, archive)
    index = tmp_path / "index"
    build_index(archive, index, procs=2)
    for page in event_pages(archive)[:5]:
        page.write_text(page.read_text(encoding="utf-8").replace("\n# ", "\n# Edited: ", 1),
                        encoding="utf-8")
    added = event(archive, "30", "zebras-escape", "Zebras escape from the Oslo zoo")
    shared: list[int] = []
    write_shares = search_writing.write_shares
    monkeypatch.setattr(search_writing, "write_shares",
                        lambda work, count, procs, *rest: shared.append(procs)
                        or write_shares(work, count, procs, *rest))
    monkeypatch.setattr(builder, "PARALLEL_UPDATE_FILES", 1)
    report = build_index(archive, index, procs=2)
    assert shared == [2] and len(report.parsed) == 6 and report.added == [added]
    monkeypatch.undo()
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(index) == catalog_rows(tmp_path / "fresh")
    updated, fresh = Library.open(index), Library.open(tmp_path / "fresh")
    try:
        for query in ("edited", "zebras", "kind:day", "police"):
            found = [{hit.id for hit in lib.search(query, limit=1000).hits}
                     for lib in (updated, fresh)]
            assert found[0] == found[1], query
        assert updated.search("edited").total >= 5
    finally:
        updated.close()
        fresh.close()


def test_ascii_names_are_checked_as_is_inert_does() -> None:
    for code in range(128):
        text = f"news/2011/{chr(code)}name.md"
        assert archive_scan._inert(text) == archive_scan.is_inert(text), hex(code)
    assert not archive_scan._inert("news/\u202ename.md")
    assert archive_scan._inert("news/caf\u00e9.md")


def test_forked_share_gives_its_bytes_or_none() -> None:
    from tui.index import forked

    big = bytes(range(256)) * 8192  # more than a pipe holds: the parent must read first
    assert forked.finish(forked.start(lambda: big)) == big
    assert forked.finish(forked.start(lambda: bytes(1 // 0))) is None
    assert forked.finish(forked.start(lambda: os.kill(os.getpid(), 9) or b"")) is None
    assert forked.finish(None) is None


@pytest.mark.parametrize("shares", [1, 2, 1024])
def test_scan_shared_while_the_caller_works_matches_one_process(
        tree: Path, monkeypatch: pytest.MonkeyPatch, shares: int) -> None:
    """The child starts listing at once and the caller takes what is left when it
    finishes: whoever takes a share, the listing is the same."""
    for n in range(12):
        write(tree, f"news/2012/{n % 3 + 1}/{n}/page-{n}.md")
    monkeypatch.setattr(archive_scan, "SHARE_FOLDERS", 2)
    monkeypatch.setattr(archive_scan, "MAX_SHARES", shares)
    alone = scanned(scan_folders(tree))
    listing = archive_scan.SharedScan(tree, procs=2)
    time.sleep(0.05)  # the caller's own work: the child has the queue to itself
    assert scanned(listing.finish()) == alone
    known = alone[0]
    write(tree, "news/2012/2/1/late.md")
    assert scanned(archive_scan.SharedScan(tree, known, procs=2).finish()) == scanned(
        scan_folders(tree, known))


def test_a_cancelled_scan_stops_its_child(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_scan, "SHARE_FOLDERS", 2)
    listing = archive_scan.SharedScan(tree, procs=2)
    child = listing._child
    assert child is not None
    listing.cancel()
    with pytest.raises(ChildProcessError):  # reaped: no such child any more
        os.waitpid(child[0], os.WNOHANG)
