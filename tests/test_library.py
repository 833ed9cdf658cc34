"""The query layer over a built index: timeline, documents, links, search, freshness."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from index_fixtures import (
    BERLUSCONI,
    BERLUSCONI_ALIAS,
    MISSING,
    MONTI,
    MONTI_LINK,
    QUAKE,
    SEED_ARTICLE,
    SEED_EVENT,
    make_archive,
)

from tui.index.builder import build_index
from tui.index.catalog import CATALOG_NAME
from tui.index.store import IndexDamaged, IndexMissing, IndexOutdated, current_generation
from tui.library import Library
from tui.model import Article, DayPage, Event

CELEBRATE = "news/2011/11/13/thousands-celebrate.md"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("library")
    archive = make_archive(root / "archive", seeds_dir)
    build_index(archive, root / "index")
    return archive, root / "index"


@pytest.fixture(scope="module")
def lib(built: tuple[Path, Path]) -> Library:
    library = Library.open(built[1])
    yield library
    library.close()


def test_open_missing_and_damaged(tmp_path: Path, built: tuple[Path, Path]) -> None:
    with pytest.raises(IndexMissing, match="chronicle index"):
        Library.open(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(built[1], copy)
    generation = current_generation(copy)
    shutil.rmtree(generation / "whoosh")
    with pytest.raises(IndexDamaged, match="search index"):
        Library.open(copy)
    (copy / "CURRENT").write_text("nonsense\n")
    with pytest.raises(IndexDamaged):
        Library.open(copy)


def test_open_outdated_schema(tmp_path: Path, built: tuple[Path, Path]) -> None:
    import sqlite3

    copy = tmp_path / "copy"
    shutil.copytree(built[1], copy)
    db = sqlite3.connect(current_generation(copy) / CATALOG_NAME)
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(IndexOutdated, match="schema version 0"):
        Library.open(copy)


def test_stats(lib: Library) -> None:
    stats = lib.stats()
    assert (stats.events, stats.articles, stats.day_pages) == (5, 1, 2)
    assert stats.first == date(2010, 5, 3) and stats.last == date(2011, 11, 13)
    assert stats.name == "archive"


def test_timeline(lib: Library) -> None:
    assert lib.years() == [(2010, 1), (2011, 4)]
    assert lib.months(2011) == [(11, 4)]
    assert lib.months(2009) == []
    assert lib.days(2011, 11) == [(date(2011, 11, 12), 2), (date(2011, 11, 13), 2)]
    ids = [e.id for e in lib.events_on(date(2011, 11, 13))]
    assert ids == [MONTI, CELEBRATE]
    assert lib.events_on(date(2011, 11, 14)) == []
    assert lib.first_day() == date(2010, 5, 3) and lib.last_day() == date(2011, 11, 13)


def test_day_navigation(lib: Library) -> None:
    assert lib.step_day(date(2011, 11, 12), +1) == date(2011, 11, 13)
    assert lib.step_day(date(2011, 11, 12), -1) == date(2010, 5, 3)
    assert lib.step_day(date(2011, 11, 13), +1) is None
    assert lib.nearest_day(date(2011, 11, 12)) == date(2011, 11, 12)
    assert lib.nearest_day(date(2011, 1, 1)) == date(2010, 5, 3)
    assert lib.nearest_day(date(2011, 10, 1)) == date(2011, 11, 12)
    assert lib.nearest_day(date(2010, 5, 1)) == date(2010, 5, 3)
    assert lib.nearest_day(date(2030, 1, 1)) == date(2011, 11, 13)


def test_day_view_groups_by_story(lib: Library) -> None:
    view = lib.day_view(date(2011, 11, 13))
    assert [(story, [e.id for e in events]) for story, events in view.groups] == [
        ("Italian politics", [MONTI, CELEBRATE])
    ]


def test_document_resolves_aliases(lib: Library) -> None:
    event = lib.document(BERLUSCONI_ALIAS)
    assert isinstance(event, Event) and event.id == BERLUSCONI
    assert BERLUSCONI_ALIAS in event.aliases
    assert isinstance(lib.document(SEED_ARTICLE), Article)
    assert isinstance(lib.document("news/2011/11/13/index.md"), DayPage)
    day_only = lib.document(CELEBRATE)
    assert isinstance(day_only, Event) and day_only.from_day_page
    assert lib.document("news/1900/01/1/nothing.md") is None


def test_resolve(lib: Library) -> None:
    assert lib.resolve(BERLUSCONI) == BERLUSCONI
    assert lib.resolve("/" + BERLUSCONI_ALIAS) == BERLUSCONI
    assert lib.resolve(BERLUSCONI.replace("/12/", "/12/").replace("news/2011/11/12",
                                                                  "/news/2011/11/12")) == BERLUSCONI
    # differently slugged target: same date, same title
    assert lib.resolve(MONTI_LINK) is None
    assert lib.resolve(MONTI_LINK, "Mario Monti is asked to form a government. ") == MONTI
    assert lib.resolve(MONTI_LINK, "Something else entirely") is None
    assert lib.resolve(MISSING, "A page that is not in this archive.") is None


def test_neighbours_of_an_event(lib: Library) -> None:
    near = lib.neighbours(BERLUSCONI)
    assert [(r.target, r.resolved) for r in near.related] == [
        (MONTI_LINK.lstrip("/"), MONTI), (MISSING, None)]
    assert [e.id for e in near.same_story] == [MONTI, CELEBRATE]
    assert ("Italy", MONTI) in [(topic, e.id) for topic, e in near.shared_topics]
    assert all(e.id != BERLUSCONI for _, e in near.shared_topics)
    assert BERLUSCONI not in [e.id for e in near.more_like_this]
    assert MONTI in [e.id for e in near.more_like_this]
    monti = lib.neighbours(MONTI)
    assert [e.id for e in monti.linked_from] == [BERLUSCONI]
    seed = lib.neighbours(SEED_EVENT)
    assert [a.id for a in seed.articles] == [SEED_ARTICLE]
    assert seed.articles[0].how == "similar text"


def test_neighbours_of_an_article(lib: Library) -> None:
    near = lib.neighbours(SEED_ARTICLE)
    assert [e.id for e in near.events] == [SEED_EVENT]
    assert SEED_EVENT in [e.id for e in near.more_like_this]
    assert lib.neighbours("nothing.md") == type(near)()


def test_story_topic_and_title_lookups(lib: Library) -> None:
    assert [e.id for e in lib.story_events(" italian POLITICS ")] == [
        BERLUSCONI, MONTI, CELEBRATE]
    assert [e.id for e in lib.topic_events("mario monti")][-1] == MONTI
    assert lib.topic_events("nothing") == []
    assert lib.stories() == [("Italian politics", 3)]
    assert [e.id for e in lib.titles("monti government")] == [MONTI]
    assert [e.id for e in lib.titles("an earth")] == [QUAKE]
    assert lib.titles("100%_") == [] and lib.titles("  ") == []
    assert [e.id for e in lib.summaries([MONTI, "nope", QUAKE])] == [MONTI, QUAKE]


def test_search_through_library(lib: Library) -> None:
    results = lib.search("berlusconi", sort="oldest")
    assert results.error is None and results.total >= 2
    assert results.hits[0].date == date(2011, 11, 12)
    assert lib.search("berlusconi", kind="day").hits[0].kind == "day"
    assert lib.search("foo:bar").error


def test_search_from_many_threads(lib: Library) -> None:
    found: list[tuple[int, int]] = []

    def work() -> None:
        found.append((lib.search("monti").total, len(lib.events_on(date(2011, 11, 13)))))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [(lib.search("monti").total, 2)] * 4


def test_is_stale_and_refresh_after_update(tmp_path: Path, seeds_dir: Path) -> None:
    archive = make_archive(tmp_path / "archive", seeds_dir)
    build_index(archive, tmp_path / "index")
    library = Library.open(tmp_path / "index")
    assert not library.is_stale(archive)
    assert library.is_stale(seeds_dir)
    os.utime(archive / QUAKE, ns=(5, 5))
    assert library.is_stale(archive)
    (archive / QUAKE).unlink()
    build_index(archive, tmp_path / "index")
    assert not library.is_stale(archive)
    assert library.search("earthquake").total == 0
    assert library.years() == [(2011, 4)]
    library.close()


def test_freshness_is_checked_in_a_child_process(tmp_path: Path, seeds_dir: Path) -> None:
    from tui.freshness import FreshnessUnknown, changed_in_child

    archive = make_archive(tmp_path / "archive", seeds_dir)
    build_index(archive, tmp_path / "index")
    assert changed_in_child(tmp_path / "index", archive) is False
    os.utime(archive / QUAKE, ns=(5, 5))
    assert changed_in_child(tmp_path / "index", archive) is True
    with pytest.raises(FreshnessUnknown, match="no index"):
        changed_in_child(tmp_path / "nothing", archive)


def test_nearest_events_of_a_topic_and_a_story(tmp_path: Path) -> None:
    from tui.index.catalog import Catalog

    catalog = Catalog(tmp_path / CATALOG_NAME, create=True)
    start = date(2020, 1, 1)
    days = [0, 1, 2, 10, 11, 30, 31, 60]
    for seq, offset in enumerate(days):
        day = start.fromordinal(start.toordinal() + offset)
        catalog.put_event(Event(id=f"e{offset}", date=day, headline=f"Event {offset}",
                                story="Long story", topics=["Chile"]), seq)
    catalog.put_event(Event(id="undated", date=None, headline="Undated",
                            story="Long story", topics=["Chile"]), 99)
    anchor = "2020-01-11"  # day 10
    assert catalog.nearest_with_topic("chile", "e10", anchor, 3) == ["e11", "e2", "e1"]
    assert catalog.nearest_with_topic("chile", "e10", anchor, 20)[-1] == "undated"
    assert catalog.nearest_in_story("long story", "e10", anchor, 3) == ["e1", "e2", "e11"]
    assert catalog.nearest_in_story("long story", "e60", "2020-03-01", 2) == ["e30", "e31"]
    catalog.close()


def test_an_older_catalog_gets_the_topic_date_index_at_its_next_update(
    tmp_path: Path, seeds_dir: Path
) -> None:
    """Nearest events of a topic read one date range through ``topics_date``; a catalog
    built before that index existed has it added by the next ``chronicle index``."""
    import sqlite3

    archive = tmp_path / "archive"
    shutil.copytree(seeds_dir, archive)
    build_index(archive, tmp_path / "index")
    path = current_generation(tmp_path / "index") / CATALOG_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX topics_date")
    build_index(archive, tmp_path / "index")
    with sqlite3.connect(path) as conn:
        plan = " ".join(str(row[3]) for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT event_id FROM topics WHERE topic_key = ? "
            "AND event_id != ? AND date >= ? ORDER BY date LIMIT 5", ("x", "y", "2011")))
    assert "topics_date" in plan


def test_years_match_the_events_of_each_year(lib: Library) -> None:
    counted: dict[int, int] = {}
    for year, _ in lib.years():
        for month, _ in lib.months(year):
            for day, _ in lib.days(year, month):
                counted[year] = counted.get(year, 0) + len(lib.events_on(day))
    assert lib.years() == sorted(counted.items()) and lib.years()


ZANZIBAR = "news/2011/11/14/zanzibar-ferry.md"
ZANZIBAR_PAGE = ("### [2011-11-14](/news/2011/11/14/index.md)\n\n"
                 "# A ferry sinks off Zanzibar\n\nA ferry sinks off Zanzibar.\n")


def committed_in_the_same_second(library: Library, built_at: str) -> None:
    """Give the catalog back the build time it had before an update: what an update
    committed within the same second as the build before it leaves."""
    db = sqlite3.connect(library._state().generation / CATALOG_NAME)
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'built_at'", (built_at,))
    db.close()
    assert library.catalog.meta()["built_at"] == built_at


def test_an_update_within_the_same_second_is_a_new_index_stamp_and_vocabulary(
        tmp_path: Path, seeds_dir: Path) -> None:
    archive = make_archive(tmp_path / "archive", seeds_dir)
    build_index(archive, tmp_path / "index")
    library = Library.open(tmp_path / "index")
    try:
        before = library.index_stamp()
        assert library.index_stamp() == before  # read again, unchanged
        assert library.search("zanzibarr").suggestion != "zanzibar"  # the words are read
        built_at = library.catalog.meta()["built_at"]
        (archive / ZANZIBAR).parent.mkdir(parents=True, exist_ok=True)
        (archive / ZANZIBAR).write_text(ZANZIBAR_PAGE, encoding="utf-8")
        build_index(archive, tmp_path / "index")
        committed_in_the_same_second(library, built_at)
        after = library.index_stamp()
        assert after != before and after[0] == before[0]  # an update of the same build
        assert library.search("zanzibarr").suggestion == "zanzibar"
    finally:
        library.close()
