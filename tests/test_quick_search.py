"""Quick searches (search as you type, ``Library.searches_limited``) and searches the
time limit cut short do less than a full search: they count the topics of the hits
they list only, and a search cut short offers no other spelling. A full search, however
few hits it lists, counts the topics of the best matches as always."""

from __future__ import annotations

from pathlib import Path

import pytest
from index_fixtures import make_archive

from tui.index.builder import build_index
from tui.library import Library
from tui.search import SearchResults


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Library:
    root = tmp_path_factory.mktemp("quick")
    archive = make_archive(root / "archive", seeds_dir)
    build_index(archive, root / "index")
    library = Library.open(root / "index")
    yield library
    library.close()


def listed_topics(results: SearchResults) -> dict[str, int]:
    counts: dict[str, int] = {}
    for hit in results.hits:
        for topic in hit.topics:
            counts[topic] = counts.get(topic, 0) + 1
    return counts


def test_a_full_search_counts_the_topics_of_its_best_matches_however_few_it_lists(
    lib: Library,
) -> None:
    every = lib.search("italy", limit=50)
    assert every.total == 4 and dict(every.facets)["Italy"] == 4
    assert lib.search("italy", limit=1).facets == every.facets


def test_a_quick_search_counts_the_topics_of_the_hits_it_lists(lib: Library) -> None:
    every = lib.search("italy", limit=50)
    with lib.searches_limited(10.0):
        quick = lib.search("italy", limit=1)
        whole = lib.search("italy", limit=50)
    assert not quick.cut_short and quick.total == every.total and len(quick.hits) == 1
    assert dict(quick.facets) == listed_topics(quick) != dict(every.facets)
    assert whole.facets == every.facets  # listing every match, it counts them all
    assert lib.search("italy", limit=1).facets == every.facets  # outside the block again


def test_a_search_cut_short_counts_its_hits_topics_and_offers_no_spelling(lib: Library) -> None:
    every = lib.search("monti", limit=50)
    with lib.searches_limited(0.0):  # nothing may be collected in no time: one hit
        cut = lib.search("monti", limit=50)
    assert cut.cut_short and len(cut.hits) < every.total
    assert dict(cut.facets) == listed_topics(cut) != dict(every.facets)
    # Its few hits are what it found in the time it had: no reason to suggest a spelling.
    assert lib.search("earthquake OR minster").suggestion == "earthquake OR minister"
    with lib.searches_limited(0.0):
        cut = lib.search("earthquake OR minster")
    assert cut.cut_short and cut.suggestion is None
