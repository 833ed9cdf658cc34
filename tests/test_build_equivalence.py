"""The faster build paths give the catalog the plain paths give.

An incremental update must leave the catalog a full build of the same archive
writes, and a build that parses in worker processes (and fills the catalog while
Whoosh indexes) the catalog of a build in one process.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from tui.index.builder import build_index
from tui.index.catalog import CATALOG_NAME
from tui.index.catalog_layout import RETIRED_INDEXES
from tui.index.store import current_generation

# Tables compared row for row: article links, their bases and vocabulary counts are
# left out (similarity ties, the statistics of each article's last linking and "counts
# only grow" make them differ by design; ``test_relinking`` compares the links where
# none of these play a part).
TABLES = ("events", "event_states", "event_nums", "aliases", "headline_keys", "related_keys",
          "topics", "stories", "source_urls", "articles", "day_pages")


def catalog_rows(index: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(current_generation(index) / CATALOG_NAME)
    try:
        rows = {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall())
                for table in TABLES}
        rows["files"] = sorted(db.execute("SELECT path, kind, doc_id, date FROM files"))
        rows["parse_results"] = sorted(
            (path, json.loads(zlib.decompress(blob)))
            for path, blob in db.execute("SELECT path, result FROM parse_results"))
        return rows
    finally:
        db.close()


@pytest.fixture()
def archive(tmp_path: Path, sample_archive: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(sample_archive, copy)
    return copy


def event_pages(archive: Path) -> list[Path]:
    return sorted(p for p in (archive / "news").rglob("*.md")
                  if p.name not in ("index.md", "README.md"))


def test_incremental_update_matches_a_full_build(archive: Path, tmp_path: Path) -> None:
    build_index(archive, tmp_path / "updated")
    pages = event_pages(archive)
    assert len(pages) >= 3
    edited = pages[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace(
        "\n# ", "\n# Edited: ", 1), encoding="utf-8")
    pages[1].unlink()
    # A new page on the date of a listed one: its day page is unchanged.
    new = pages[2].with_name("zebras-escape-from-the-oslo-zoo.md")
    new.write_text(pages[2].read_text(encoding="utf-8").replace(
        "\n# ", "\n# Zebras escape from the Oslo zoo, ", 1), encoding="utf-8")
    report = build_index(archive, tmp_path / "updated")
    assert not report.full and len(report.parsed) == 2 and len(report.removed) == 1
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(tmp_path / "updated") == catalog_rows(tmp_path / "fresh")


def write_event_page(root: Path, slug: str, headline: str) -> Path:
    path = root / "news" / "2011" / "11" / "13" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"### [2011-11-13](/news/2011/11/13/index.md)\n\n# {headline}\n\n"
                    f"{headline} Text.\n\n### Source:\n\n1. [NRK](http://nrk.example/{slug})\n",
                    encoding="utf-8")
    return path


def test_update_that_moves_events_within_their_date_matches_a_full_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page added ahead of a date's others moves them (their text as stored): the
    update rewrites only their places, and the catalog is a full build's."""
    from tui.index.catalog import Catalog

    archive = tmp_path / "archive"
    for slug, headline in (("bergen", "Bergen votes."), ("oslo", "Oslo votes.")):
        write_event_page(archive, slug, headline)
    build_index(archive, tmp_path / "updated")
    write_event_page(archive, "alta", "Alta votes.")  # unlisted events: by headline
    moved: list[str] = []
    set_event_places = Catalog.set_event_places

    def recording(self: Catalog, places: list[tuple[str, int]]) -> None:
        moved.extend(event_id for event_id, _ in places)
        set_event_places(self, places)

    monkeypatch.setattr(Catalog, "set_event_places", recording)
    report = build_index(archive, tmp_path / "updated")
    assert not report.full and len(report.added) == 1
    assert sorted(moved) == ["news/2011/11/13/bergen.md", "news/2011/11/13/oslo.md"]
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(tmp_path / "updated") == catalog_rows(tmp_path / "fresh")


def test_parallel_parse_matches_one_process(archive: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.index.builder as builder
    import tui.index.segments as segments
    import tui.index.update as update

    build_index(archive, tmp_path / "serial")
    monkeypatch.setattr(builder, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(update, "PARALLEL_PARSE_MIN", 1)
    monkeypatch.setattr(segments, "SHARE_CHUNK", 7)
    report = build_index(archive, tmp_path / "parallel", procs=2)
    assert report.full and report.counts["event"] > 100
    assert catalog_rows(tmp_path / "parallel") == catalog_rows(tmp_path / "serial")


def test_fresh_catalog_is_sealed(archive: Path, tmp_path: Path) -> None:
    build_index(archive, tmp_path / "index")
    db = sqlite3.connect(current_generation(tmp_path / "index") / CATALOG_NAME)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master "
                                                "WHERE type = 'index'")}
        assert {"events_date", "topics_date", "files_date"} <= indexes
        assert not indexes & set(RETIRED_INDEXES)  # rows are deleted by their keys
        meta = dict(db.execute("SELECT key, value FROM meta"))
        assert meta["catalog_layout"] == "2" and meta["complete"] == "1"
    finally:
        db.close()


def test_other_catalog_layout_is_rebuilt(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(archive, index)
    db = sqlite3.connect(current_generation(index) / CATALOG_NAME)
    db.execute("UPDATE meta SET value = '1' WHERE key = 'catalog_layout'")
    db.commit()
    db.close()
    report = build_index(archive, index)
    assert report.full and "layout 1" in report.reason


def test_day_document_kept_when_only_event_pages_change(archive: Path, tmp_path: Path) -> None:
    from tui.library import Library

    index = tmp_path / "index"
    build_index(archive, index)
    page = event_pages(archive)[0]
    page.write_text(page.read_text(encoding="utf-8").replace("\n# ", "\n# Edited: ", 1),
                    encoding="utf-8")
    build_index(archive, index)
    build_index(archive, tmp_path / "fresh")
    updated, fresh = Library.open(index), Library.open(tmp_path / "fresh")
    try:
        assert updated.search("kind:day", limit=500).total == fresh.search(
            "kind:day", limit=500).total > 0
    finally:
        updated.close()
        fresh.close()
