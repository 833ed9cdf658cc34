"""A search in two steps gives what one search gives.

The first step (``Library.search(..., first_screen=N)``) lists the ranked hits with the
snippets of the first N; the second (``Library.complete_search``) adds the facets, the
topics and the other snippets. Made whole, the results are those of one search:
the same hits in the same order with the same scores, snippets, topics, totals and
facets. The pieces that made the first step quicker are checked against what they
replaced: hit fields read from the catalog against the stored fields, Whoosh's
highlighter against the snippets cut here, heapq against the sorting shortcut.
"""

from __future__ import annotations

import dataclasses
import heapq
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from index_fixtures import make_archive
from whoosh.highlight import ContextFragmenter, highlight

import tui.search as search_module
from tui.bench.generator import generate_archive
from tui.facets import count_facets
from tui.index.builder import build_index
from tui.library import Library
from tui.library_search import own_cutter
from tui.posting_lists import TermCounts, largest, smallest
from tui.postings import _segment_best
from tui.search import FIRST_SCREEN, SearchResults
from tui.search_tools import tools
from tui.snippets import SNIPPET_CHARS, Snippets, WordAnalyzer, first_word_pattern, window

QUERIES = [
    ("people", "relevance", None), ("police killed", "relevance", None),
    ("police OR election", "relevance", None), ("police NOT people", "relevance", None),
    ('"prime minister"', "relevance", None), ('"people said"', "relevance", None),
    ("government", "newest", None), ("earthquake", "oldest", None),
    ("date:[2011 to 2012]", "relevance", None), ("police date:[2011 to 2011]", "relevance", None),
    ("go*", "relevance", None), ("people", "relevance", "article"),
    ("government", "relevance", "day"), ("keprekak", "relevance", None),
    ("goverment", "relevance", None), ("kind:event", "oldest", None),
]


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """300 generated events, with their articles and day pages."""
    root = tmp_path_factory.mktemp("steps")
    generate_archive(root / "archive", 300, seed=11)
    build_index(root / "archive", root / "index")
    library = Library.open(root / "index")
    library.time_limit = 60.0  # nothing cut short: the steps are compared whole
    yield library
    library.close()


def timeless(results: SearchResults) -> SearchResults:
    return dataclasses.replace(results, elapsed=0.0)


@pytest.mark.parametrize(("text", "sort", "kind"), QUERIES)
def test_both_steps_give_what_one_search_gives(lib: Library, text: str, sort: str,
                                               kind: str | None) -> None:
    whole = lib.search(text, limit=30, sort=sort, kind=kind)
    assert whole.error is None and not whole.facets_pending
    for screen in (0, 1, 7, 30, 100):
        first = lib.search(text, limit=30, sort=sort, kind=kind, first_screen=screen)
        done = lib.complete_search(first)
        assert timeless(done) == timeless(whole)
        assert done.hits == whole.hits and done.facets == whole.facets  # (compared above)
        assert done.elapsed >= first.elapsed and not done.facets_pending


@pytest.mark.parametrize(("text", "sort", "kind"), QUERIES)
def test_the_first_step_lists_every_hit_with_the_first_screens_snippets(
        lib: Library, text: str, sort: str, kind: str | None) -> None:
    whole = lib.search(text, limit=30, sort=sort, kind=kind)
    first = lib.search(text, limit=30, sort=sort, kind=kind, first_screen=5)
    same = ("query", "total", "suggestion", "error", "cut_short", "sort", "notes",
            "total_exact")
    assert {name: getattr(first, name) for name in same} == {
        name: getattr(whole, name) for name in same}
    assert first.facets == () and first.facets_pending == bool(whole.hits)
    assert [(h.id, h.kind, h.date, h.title, h.story, h.score) for h in first.hits] == [
        (h.id, h.kind, h.date, h.title, h.story, h.score) for h in whole.hits]
    assert all(hit.topics == () for hit in first.hits)
    assert [h.snippet for h in first.hits[:5]] == [h.snippet for h in whole.hits[:5]]
    assert all(hit.snippet == () for hit in first.hits[5:])


def test_a_search_with_more_hits_than_a_screen_leaves_snippets_to_the_second_step(
        lib: Library) -> None:
    whole = lib.search("people", limit=50)
    first = lib.search("people", limit=50, first_screen=FIRST_SCREEN)
    assert len(first.hits) == 50 > FIRST_SCREEN and first.second_step is not None
    assert first.second_step.snipped == FIRST_SCREEN
    assert [h.snippet for h in first.hits] == [h.snippet for h in whole.hits[:FIRST_SCREEN]] + [
        ()] * (50 - FIRST_SCREEN)
    assert sum(bool(h.snippet) for h in whole.hits[FIRST_SCREEN:]) > 10
    done = lib.complete_search(first)
    assert done.hits == whole.hits and done.facets == whole.facets and done.facets
    assert sum(bool(hit.topics) for hit in done.hits) > 0


def test_complete_results_and_errors_have_no_second_step(lib: Library) -> None:
    whole = lib.search("police")
    assert lib.complete_search(whole) is whole
    bad = lib.search('"unbalanced', first_screen=3)
    assert bad.error and bad.second_step is None and lib.complete_search(bad) is bad
    none = lib.search("nosuchwordanywhere", first_screen=3)
    assert none.total == 0 and not none.facets_pending


def test_a_quick_search_is_whole_at_once(lib: Library) -> None:
    with lib.searches_limited(10.0):
        quick = lib.search("people", limit=5)
    assert not quick.facets_pending and quick.facets
    assert dict(quick.facets) == count_topics(quick)


def count_topics(results: SearchResults) -> dict[str, int]:
    counts: dict[str, int] = {}
    for hit in results.hits:
        for topic in hit.topics:
            counts[topic] = counts.get(topic, 0) + 1
    return counts


def test_a_build_between_the_steps_is_searched_again(tmp_path: Path, seeds_dir: Path) -> None:
    archive = make_archive(tmp_path / "archive", seeds_dir)
    build_index(archive, tmp_path / "index")
    library = Library.open(tmp_path / "index")
    try:
        first = library.search("earthquake", first_screen=1)
        page = archive / "news" / "2012" / "02" / "7" / "another-earthquake.md"
        page.parent.mkdir(parents=True)
        page.write_text("### [2012-02-7](/news/2012/02/7/index.md)\n\n"
                        "# An earthquake shakes Taraz\n\nAn earthquake shakes Taraz.\n")
        build_index(archive, tmp_path / "index")
        done = library.complete_search(first)
        assert done.total == first.total + 1
        assert timeless(done) == timeless(library.search("earthquake"))
    finally:
        library.close()


def test_the_second_step_holds_the_searcher_only_to_map_its_sample(
        lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its catalog reads and snippets run without the search lock: a new search's first
    step (another thread) is not held up behind them, and the results are the same."""
    whole = lib.search("people OR police", limit=30)
    first = lib.search("people OR police", limit=30, first_screen=1)
    steps = threading.current_thread()
    locked: list[bool] = []
    others: list[bool] = []  # whether a first step in another thread was held up

    def other_first_step() -> None:
        thread = threading.Thread(target=lib.search, args=("police",),
                                  kwargs={"limit": 5, "first_screen": 1})
        thread.start()
        thread.join(10)
        others.append(thread.is_alive())

    def watched(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            if threading.current_thread() is steps:  # not the other first step's
                locked.append(lib._search_lock.locked())
            return real(*args)
        return call

    real_topics = lib._topics

    def topics(ids: list[str]) -> dict[str, list[str]]:
        other_first_step()
        return real_topics(ids)

    monkeypatch.setattr(lib, "_texts", watched(lib._texts))
    monkeypatch.setattr(lib, "_topics", watched(topics))
    monkeypatch.setattr(Snippets, "cut", watched(Snippets.cut))
    done = lib.complete_search(first)
    assert len(locked) > 3 and not any(locked)  # topics, texts and every snippet cut
    assert others == [False]
    assert timeless(done) == timeless(whole)


def test_a_second_steps_cutter_cuts_the_same_snippets_with_its_own_stemmer(
        lib: Library) -> None:
    """It cuts outside the search lock: the stemmer's cache (not safe across threads)
    is its own, the words already analysed are shared."""
    with lib._searching() as searcher:
        shared = tools(searcher).snippets
    own = own_cutter(shared)
    stems = [[item for item in cutter.analyzer.field_analyzer.items if hasattr(item, "_stem")]
             for cutter in (shared, own)]
    assert stems[0] and stems[1] and stems[0][0]._stem is not stems[1][0]._stem
    assert own.analyzer.words is shared.analyzer.words
    first_word = first_word_pattern({"peopl", "polic"})
    for text in lib._texts([h.id for h in lib.search("people OR police", limit=20).hits]).values():
        terms = frozenset({"peopl", "polic"})
        assert own.cut(text, terms, first_word) == shared.cut(text, terms, first_word)


def test_hits_read_from_the_catalog_are_their_stored_fields(lib: Library) -> None:
    with lib._searching() as searcher:
        docnums = list(searcher.reader().all_doc_ids())
        kinds = {searcher.stored_fields(d)["kind"] for d in docnums}
        assert kinds == {"event", "article", "day"}
        from_catalog = search_module._listed(searcher, docnums, lib._hit_fields)
        stored = search_module._listed(searcher, docnums, None)
    assert from_catalog == stored


def test_facets_count_topics_of_any_case_as_one() -> None:
    topics = {"a": ["Chile", "Peru"], "b": ["chile"], "c": ["Peru", "Chile"], "d": []}
    assert count_facets(["a", "b", "c", "d", "e"], topics) == (("Chile", 3), ("Peru", 2))


@pytest.mark.parametrize("seed", range(6))
def test_largest_and_smallest_are_heapqs(seed: int) -> None:
    rng = random.Random(seed)
    for size in (0, 1, 5, 50, 400, 3000):
        items = [(rng.choice([0.5, 1.0, 2.0, rng.random()]), -rng.randrange(10_000))
                 for _ in range(size)]
        for n in (1, 7, 200):
            assert largest(n, items) == heapq.nlargest(n, items)
            assert smallest(n, items) == heapq.nsmallest(n, items)


@pytest.mark.parametrize("seed", range(6))
def test_a_segments_best_keep_every_one_the_best_of_all_needs(seed: int) -> None:
    """Many equal scores (a story's, a date range's): only the first of them are kept."""
    rng = random.Random(seed)
    scores = {d: rng.choice([1.0, 1.0, 1.0, 2.5, rng.random()])
              for d in rng.sample(range(50_000), 3000)}
    for need in (1, 10, 200, 2999):
        kept = _segment_best(dict(scores), need)
        assert len(kept) == need
        want = heapq.nlargest(need, ((s, -d) for d, s in scores.items()))
        assert sorted(((s, -d) for d, s in kept.items()), reverse=True) == want


def test_labels_hold_the_runs_they_held_when_each_was_read(lib: Library) -> None:
    with lib._searching() as searcher:
        for labels in tools(searcher).labels(searcher).values():
            runs = {have[start:start + size] for _, have in labels.words
                    for size in (1, 2, 3) for start in range(len(have) - size + 1)}
            runs |= {("nosuchword",), ("of", "nosuchword")}
            for run in sorted(runs)[:400]:
                every = [label for label, have in labels.words
                         if any(have[i:i + len(run)] == run for i in range(len(have)))]
                assert labels.holding(run) == every, run


def test_term_counts_are_the_readers_counts(lib: Library) -> None:
    with lib._searching() as searcher:
        reader = searcher.reader()
        counts = TermCounts(reader)
        counted = counts.reader()
        for field, word in (("body", "people"), ("body", "keprekak"), ("body", "nosuchword"),
                            ("kind", "event"), ("topics", "Chile")):
            assert counted.doc_frequency(field, word) == reader.doc_frequency(field, word)
            assert counted.doc_frequency(field, word.encode()) == reader.doc_frequency(
                field, word)
            for leaf, _ in reader.leaf_readers():
                assert counts.of(leaf, field, word) == leaf.doc_frequency(field, word)
        assert counted.doc_count_all() == reader.doc_count_all()


def test_snippets_are_whooshs_highlight(lib: Library) -> None:
    with lib._searching() as searcher:
        cutter = tools(searcher).snippets
        analyzer = WordAnalyzer(searcher.schema["body"].analyzer)
    texts = lib._texts([h.id for h in lib.search("people OR police", limit=40).hits])
    fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    for terms in ({"peopl"}, {"polic", "said"}, {"peopl", "polic", "kill", "govern"}):
        first_word = first_word_pattern(terms)
        assert first_word is not None
        for text in texts.values():
            part = window(text, first_word)
            want = tuple(highlight(part, frozenset(terms), analyzer, fragmenter,
                                   cutter.formatter, top=2) or ())
            got = cutter.cut(text, frozenset(terms), first_word)
            assert got == (want or cutter.cut(text, frozenset(), None)), text


def test_a_search_cut_short_counts_the_topics_of_its_hits_alone(lib: Library) -> None:
    """Not those of further matches: its results are partial anyway (as in one step)."""
    lib.time_limit = 0.0  # not a quick search: a full one stopped by its time limit
    try:
        cut = lib.search("people", limit=50, first_screen=3)
        whole = lib.search("people", limit=50)
    finally:
        lib.time_limit = 60.0
    assert cut.cut_short and cut.second_step is not None and cut.second_step.sample == ()
    done = lib.complete_search(cut)
    assert dict(done.facets) == count_topics(done)
    assert whole.cut_short and dict(whole.facets) == count_topics(whole)


def test_sort_keys_are_each_documents_sort_key(lib: Library) -> None:
    with lib._searching() as searcher:
        keys = tools(searcher).date_keys(searcher)
        docnums = list(range(0, len(keys.keys), 7)) + [len(keys.keys) + 3]
        for newest in (True, False):
            assert keys.sort_keys(docnums, newest) == [keys.sort_key(d, newest)
                                                       for d in docnums]


@pytest.mark.parametrize("seed", range(4))
def test_the_first_word_is_where_its_pattern_first_matches(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["Earthquake", "earthquakes", "xearthquak", "said", "SAID,", "saida", "Peoples",
              "people's", "ſaid", "Kelvin \u212aelvin", "café", "u.s", "U.S.", "countries",
              "the", "of", "a", "-", "\n", "12", "quake", "e", "Ünited", "’", "“said”",
              "—", "\u0131nd\u0131a", "\u0130stanbul", "ki\u0307", "E\u0301"]
    for terms in ({"earthquak"}, {"said", "peopl"}, {"countri", "u.s"}, {"kelvin"},
                  {"unit", "café"}, {"e"}, {"india", "istanbul"}, {"s", "i"}):
        found = first_word_pattern(set(terms))
        assert found is not None
        for _ in range(300):
            text = " ".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40)))
            want = found.pattern.search(text)
            got = found.search(text)
            assert (got and (got.start(), got.end())) == (want and (want.start(), want.end()))
