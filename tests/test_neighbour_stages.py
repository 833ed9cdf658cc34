"""The query layer's parts the app leans on for quick keys: the link graph in stages,
summaries read in one query, and a search time limit of one thread's own."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from index_fixtures import BERLUSCONI, MONTI, SEED_ARTICLE, SEED_EVENT, make_archive

from tui.index.builder import build_index
from tui.library import Library
from tui.neighbours import LATER_EVENT_FIELDS


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Library:
    root = tmp_path_factory.mktemp("stages")
    archive = make_archive(root / "archive", seeds_dir)
    build_index(archive, root / "index")
    library = Library.open(root / "index")
    yield library
    library.close()


def test_an_events_neighbours_come_in_three_stages_ending_with_all_of_them(lib: Library) -> None:
    stages = list(lib.neighbours_in_stages(lib.document(BERLUSCONI)))
    assert [pending for _, pending in stages] == [
        frozenset(LATER_EVENT_FIELDS), frozenset({"more_like_this"}), frozenset()]
    first, second, last = (found for found, _ in stages)
    # the page's own links at once; nothing the later stages look up
    assert [r.resolved for r in first.related] == [MONTI, None]
    assert not first.same_story and not first.more_like_this and not first.linked_from
    assert [e.id for e in second.same_story] == [e.id for e in last.same_story] != []
    assert not second.more_like_this
    assert last == lib.neighbours(BERLUSCONI)
    assert MONTI in [e.id for e in last.more_like_this]


def test_an_articles_event_comes_before_its_similar_events(lib: Library) -> None:
    (first, pending), (last, done) = lib.neighbours_in_stages(lib.document(SEED_ARTICLE))
    assert pending == {"more_like_this"} and done == frozenset()
    assert [e.id for e in first.events] == [SEED_EVENT] and not first.more_like_this
    assert last == lib.neighbours(SEED_ARTICLE)


def test_summaries_keep_the_order_asked_for_and_leave_out_unknown_ids(lib: Library) -> None:
    ids = [MONTI, "news/1900/01/1/nothing.md", BERLUSCONI, MONTI]
    assert [s.id for s in lib.summaries(ids)] == [MONTI, BERLUSCONI, MONTI]
    assert lib.summaries([]) == []


def test_a_threads_own_search_limit_applies_to_that_thread_only(lib: Library) -> None:
    default = lib.time_limit
    seen: dict[str, float] = {}

    def other() -> None:
        seen["other"] = lib.time_limit

    with lib.searches_limited(0.0):
        assert lib.time_limit == 0.0
        assert lib.search("Berlusconi").cut_short  # nothing may be collected in no time
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen["other"] == default == lib.time_limit
    assert not lib.search("Berlusconi").cut_short
