"""Building the index: full, incremental, crash-safe, one writer at a time, article links."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

from tui.index.builder import build_index
from tui.index.catalog import CATALOG_NAME
from tui.index.lock import IndexBusy, WriterLock
from tui.index.store import (
    GEN_PREFIX,
    ArchiveMissing,
    IndexUnwritable,
    current_generation,
)
from tui.library import Library

SEED_ARTICLE = "000_ff699fc5e1eaf1b9.txt"
SEED_EVENT = "001_6bffd24d702e132c.txt"
TARAZ = ("news/2011/11/12/a-suspected-islamist-attacker-kills-seven-people-in-the-southern-"
         "kazakh-city-of-taraz-before-blowing-himself-up.md")
UNRELATED = """The city council of Bergen approved a new budget for public libraries on Tuesday,
adding funds for longer opening hours and a mobile book bus serving rural districts.

Librarians welcomed the decision. "Readers have asked for evening hours for years," said the
head librarian, adding that a children's reading festival will open in the spring.

The budget also covers repairs to the roof of the main library, built in 1917, and new
shelving for the music collection, which includes rare recordings of Norwegian folk songs.
"""

EVENT_PAGE = """### [2011-11-13](/news/2011/11/13/index.md)

# {headline}

{summary}

### Source:

1. [Reuters]({url})
"""


def write_event(root: Path, slug: str, headline: str, summary: str = "",
                url: str = "http://example.com/a", day: str = "13") -> str:
    path = root / "news" / "2011" / "11" / day / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EVENT_PAGE.format(headline=headline, summary=summary, url=url).replace(
        "2011-11-13", f"2011-11-{day}").replace("/13/", f"/{day}/"), encoding="utf-8")
    return path.relative_to(root).as_posix()


@pytest.fixture()
def seeds_copy(tmp_path: Path, seeds_dir: Path) -> Path:
    archive = tmp_path / "archive"
    shutil.copytree(seeds_dir, archive)
    return archive


def linked(index: Path, article_id: str) -> list[str]:
    lib = Library.open(index)
    try:
        return [e.id for e in lib.neighbours(article_id).events]
    finally:
        lib.close()


def test_seeds_build_counts_and_article_link(seeds_copy: Path, tmp_path: Path) -> None:
    report = build_index(seeds_copy, tmp_path / "index")
    assert report.full and report.reason == "no index yet"
    assert report.counts == {"event": 1, "article": 1, "day": 0, "skipped": 0}
    assert sorted(report.added) == [SEED_ARTICLE, SEED_EVENT]
    assert linked(tmp_path / "index", SEED_ARTICLE) == [SEED_EVENT]
    lib = Library.open(tmp_path / "index")
    assert [a.id for a in lib.neighbours(SEED_EVENT).articles] == [SEED_ARTICLE]
    lib.close()


def test_dates_are_a_column_without_indexed_terms(seeds_copy: Path, tmp_path: Path) -> None:
    """Date queries are answered from the column: the field writes no terms, which were
    a third of all terms of a build, and a date search still finds its events."""
    build_index(seeds_copy, tmp_path / "index")
    lib = Library.open(tmp_path / "index")
    try:
        with lib._searching() as searcher:
            reader = searcher.reader()
            assert list(reader.lexicon("date")) == []
            assert reader.has_column("date") and list(reader.lexicon("kind"))
        assert [hit.id for hit in lib.search("date:2011-11").hits] == [SEED_EVENT]
        assert [hit.id for hit in lib.search("taraz date:[2011 to 2012]").hits] == [SEED_EVENT]
        assert not lib.search("date:2012").hits
    finally:
        lib.close()


def test_unrelated_article_links_to_nothing(seeds_copy: Path, tmp_path: Path) -> None:
    (seeds_copy / "002_library_budget.txt").write_text(UNRELATED, encoding="utf-8")
    build_index(seeds_copy, tmp_path / "index")
    assert linked(tmp_path / "index", "002_library_budget.txt") == []
    assert linked(tmp_path / "index", SEED_ARTICLE) == [SEED_EVENT]


def test_article_linked_by_front_matter_and_by_source_url(seeds_copy: Path,
                                                          tmp_path: Path) -> None:
    (seeds_copy / "fm.md").write_text(
        f"---\ntitle: Budget news\nevent: /{SEED_EVENT}\n---\n\n{UNRELATED}", encoding="utf-8")
    url = "http://www.foxnews.com/world/2011/11/12/reports-7-killed-in-kazakhstan-terror-attack/"
    (seeds_copy / "byurl.md").write_text(
        f"---\ntitle: Library hours\nurl: {url}\n---\n\n{UNRELATED}", encoding="utf-8")
    build_index(seeds_copy, tmp_path / "index")
    assert linked(tmp_path / "index", "fm.md") == [SEED_EVENT]
    assert linked(tmp_path / "index", "byurl.md") == [SEED_EVENT]


def test_sample_archive_build(sample_archive: Path, tmp_path: Path) -> None:
    archive = tmp_path / "sample"
    shutil.copytree(sample_archive, archive)
    shutil.copy(Path(__file__).resolve().parents[1] / "seeds" / SEED_ARTICLE, archive)
    report = build_index(archive, tmp_path / "index")
    assert report.counts["event"] > 100 and report.counts["day"] >= 10
    assert report.skips and all(skip.path and skip.reason for skip in report.skips)
    assert report.counts["skipped"] == len(report.skips)
    # similarity picks the Taraz event out of several Kazakh police stories
    assert linked(tmp_path / "index", SEED_ARTICLE) == [TARAZ]


def test_incremental_add_change_delete(seeds_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(seeds_copy, index)
    again = build_index(seeds_copy, index)
    assert not again.full and again.parsed == [] and again.counts["event"] == 1

    new = write_event(seeds_copy, "zebras-escape", "Zebras escape from the Oslo zoo.")
    report = build_index(seeds_copy, index)
    assert not report.full and report.parsed == [new] and report.added == [new]
    assert report.counts["event"] == 2

    event = seeds_copy / SEED_EVENT
    event.write_text(event.read_text(encoding="utf-8").replace("Taraz", "Tarazville"),
                     encoding="utf-8")
    os.utime(event, ns=(1, 1))
    report = build_index(seeds_copy, index)
    assert report.changed == [SEED_EVENT] and report.parsed == [SEED_EVENT]
    lib = Library.open(index)
    assert lib.search("tarazville").total == 1
    assert lib.search("zebras").total == 1

    (seeds_copy / new).unlink()
    report = build_index(seeds_copy, index)
    assert report.removed == [new] and report.parsed == []
    assert lib.search("zebras").total == 0
    assert lib.document(new) is None
    assert report.counts["event"] == 1
    lib.close()


def test_incremental_article_links(seeds_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    article = (seeds_copy / SEED_ARTICLE).read_bytes()
    (seeds_copy / SEED_ARTICLE).unlink()
    build_index(seeds_copy, index)
    (seeds_copy / SEED_ARTICLE).write_bytes(article)
    report = build_index(seeds_copy, index)
    assert report.parsed == [SEED_ARTICLE]
    assert linked(index, SEED_ARTICLE) == [SEED_EVENT]
    # the event goes away: the article is unlinked; it comes back: linked again
    event = (seeds_copy / SEED_EVENT).read_bytes()
    (seeds_copy / SEED_EVENT).unlink()
    build_index(seeds_copy, index)
    assert linked(index, SEED_ARTICLE) == []
    (seeds_copy / SEED_EVENT).write_bytes(event)
    assert build_index(seeds_copy, index).parsed == [SEED_EVENT]
    assert linked(index, SEED_ARTICLE) == [SEED_EVENT]


def test_duplicate_pages_merge_and_split_again(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    headline = "Floods close the main road to Bergen."
    first = write_event(archive, "floods-close-the-main-road-to-bergen", headline, "Rain.")
    second = write_event(archive, "floods-pclose-the-main-road-to-bergen", headline)
    index = tmp_path / "index"
    build_index(archive, index)
    lib = Library.open(index)
    assert len(lib.events_on(date(2011, 11, 13))) == 1
    assert lib.resolve(second) == lib.resolve(first)
    (archive / second).unlink()
    build_index(archive, index)
    assert lib.resolve(second) is None and lib.resolve(first) == first
    lib.close()


def test_old_schema_version_rebuilds(seeds_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(seeds_copy, index)
    db = sqlite3.connect(current_generation(index) / CATALOG_NAME)
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    report = build_index(seeds_copy, index)
    assert report.full and "schema version 0" in report.reason
    assert Library.open(index).search("taraz").total == 2


def test_interrupted_rebuild_leaves_old_index(seeds_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(seeds_copy, index)
    before = current_generation(index)
    write_event(seeds_copy, "zebras-escape", "Zebras escape from the Oslo zoo.")

    def explode(done: int, total: int, path: str) -> None:
        if done == 2:
            raise KeyboardInterrupt

    for rebuild in (True, False):
        with pytest.raises(KeyboardInterrupt):
            build_index(seeds_copy, index, rebuild=rebuild, progress=explode)
        assert current_generation(index) == before
        lib = Library.open(index)
        assert lib.search("taraz").total == 2 and lib.search("zebras").total == 0
        lib.close()
    assert [p.name for p in index.iterdir() if p.name.startswith(GEN_PREFIX)] == [before.name]
    assert build_index(seeds_copy, index).added == ["news/2011/11/13/zebras-escape.md"]


@pytest.mark.parametrize("procs", [1, 2])
def test_progress_names_the_steps_after_the_last_document(
        seeds_copy: Path, tmp_path: Path, procs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.index.builder as builder

    monkeypatch.setattr(builder, "PARALLEL_MIN_FILES", 1)
    calls: list[tuple[int, int, str]] = []
    build_index(seeds_copy, tmp_path / "index", procs=procs,
                progress=lambda done, total, path: calls.append((done, total, path)))
    assert [path for _, _, path in calls[-2:]] == ["catalog indexes", "linking articles"]
    total = calls[-1][1]
    assert all(done == total for done, _, _ in calls[-3:])  # the last document, then the steps

    def cancel(done: int, total: int, path: str) -> None:
        if path == "linking articles":
            raise KeyboardInterrupt

    before = current_generation(tmp_path / "index")
    write_event(seeds_copy, "lions-stay", "Lions stay in the Oslo zoo.")
    with pytest.raises(KeyboardInterrupt):  # a step after the documents can be cancelled too
        build_index(seeds_copy, tmp_path / "index", rebuild=True, procs=procs, progress=cancel)
    assert current_generation(tmp_path / "index") == before
    lib = Library.open(tmp_path / "index")
    assert lib.search("taraz").total == 2 and lib.search("lions").total == 0
    lib.close()
    calls.clear()
    build_index(seeds_copy, tmp_path / "index", procs=procs,
                progress=lambda done, total, path: calls.append((done, total, path)))
    assert "linking articles" not in [path for _, _, path in calls]  # an update: no steps named


def test_crash_between_whoosh_and_catalog_is_repaired(seeds_copy: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "index"
    build_index(seeds_copy, index)
    new = write_event(seeds_copy, "zebras-escape", "Zebras escape from the Oslo zoo.")
    from tui.index import catalog as catalog_module

    def crash(self: object) -> None:
        raise RuntimeError("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(catalog_module.Catalog, "transaction", crash)
        with pytest.raises(RuntimeError):
            build_index(seeds_copy, index)
    report = build_index(seeds_copy, index)
    assert report.added == [new]
    lib = Library.open(index)
    assert lib.search("zebras").total == 1 and lib.document(new) is not None
    lib.close()


def test_rebuild_switches_generation_and_cleans_up(seeds_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(seeds_copy, index)
    lib = Library.open(index)
    assert lib.search("taraz").total == 2
    for _ in range(3):
        build_index(seeds_copy, index, rebuild=True)
    generations = [p for p in index.iterdir() if p.name.startswith(GEN_PREFIX)]
    assert len(generations) <= 2 and current_generation(index) in generations
    assert lib.search("taraz").total == 2  # the open library follows the switch
    lib.close()


def test_second_writer_waits_then_gives_up(seeds_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()
    messages: list[str] = []
    busy = pytest.raises(IndexBusy, match="still being updated by another process")
    with WriterLock(index), busy:
        build_index(seeds_copy, index, lock_timeout=0.3, on_wait=messages.append)
    assert messages and "waiting up to 0.3 s" in messages[0]
    assert build_index(seeds_copy, index).counts["event"] == 1


def test_second_writer_proceeds_when_lock_is_released(seeds_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()
    lock = WriterLock(index)
    lock.acquire()
    timer = threading.Timer(0.3, lock.release)
    timer.start()
    report = build_index(seeds_copy, index, lock_timeout=10)
    timer.join()
    assert report.counts["article"] == 1


def test_bad_locations(tmp_path: Path, seeds_dir: Path) -> None:
    with pytest.raises(ArchiveMissing, match="does not exist"):
        build_index(tmp_path / "nowhere", tmp_path / "index")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(IndexUnwritable, match="cannot create index directory"):
        build_index(seeds_dir, blocker / "index")


def test_bad_files_are_skipped_with_reasons(seeds_copy: Path, tmp_path: Path) -> None:
    (seeds_copy / "empty.md").write_bytes(b"")
    (seeds_copy / "binary.md").write_bytes(bytes(range(256)) * 8)
    (seeds_copy / "latin1.txt").write_bytes("caf\xe9 ".encode("latin-1") * 400)
    (seeds_copy / "noheadline.md").write_text(
        "### [2011-11-13](/news/2011/11/13/index.md)\n\n### Source:\n\n1. [AFP](http://a)\n",
        encoding="utf-8")
    with open(seeds_copy / "huge.md", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    report = build_index(seeds_copy, tmp_path / "index")
    skipped = {skip.path: skip.reason for skip in report.skips}
    assert set(skipped) == {"empty.md", "binary.md", "latin1.txt", "noheadline.md", "huge.md"}
    assert all(skipped.values()) and "too large" in skipped["huge.md"]
    assert report.counts["skipped"] == 5 and report.counts["event"] == 1


def test_parallel_full_build(seeds_copy: Path, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.index.builder as builder

    monkeypatch.setattr(builder, "PARALLEL_MIN_FILES", 1)
    report = build_index(seeds_copy, tmp_path / "index", procs=2)
    assert report.counts["event"] == 1
    assert linked(tmp_path / "index", SEED_ARTICLE) == [SEED_EVENT]


def _dates_by_segment(index: Path) -> list[list[int | None]]:
    with Library.open(index)._searching() as searcher:
        found = []
        for leaf, _ in searcher.leaf_searchers():
            column = leaf.reader().column_reader("date", translate=False)
            # an undated document's column value is the largest number the column holds
            found.append([None if value is None or value >= 2**63 else int(value)
                          for value in column])
        return found


@pytest.mark.parametrize("procs", [1, 2])
def test_documents_are_numbered_newest_first(tmp_path: Path, procs: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Each segment of a full build holds its documents newest first, undated last: a
    search of the newest matches then reads the start of each posting list."""
    import tui.index.builder as builder
    from tui.bench.generator import generate_archive

    monkeypatch.setattr(builder, "PARALLEL_MIN_FILES", 1)
    generate_archive(tmp_path / "archive", 300, seed=3)
    build_index(tmp_path / "archive", tmp_path / "index", procs=procs)
    segments = _dates_by_segment(tmp_path / "index")
    assert sum(len(dates) for dates in segments) > 300
    for dates in segments:
        dated = [d for d in dates if d is not None]
        assert dates[:len(dated)] == dated == sorted(dated, reverse=True)
        assert len(set(dated)) > 10
