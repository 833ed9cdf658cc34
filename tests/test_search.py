"""Query checking, query forms, bounded expansion, time limit, snippets, did-you-mean."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from index_fixtures import BERLUSCONI, MONTI, QUAKE, SEED_ARTICLE, SEED_EVENT, make_archive

import tui.search as search_module
from tui.index.builder import build_index
from tui.library import Library
from tui.search import QueryError, check_query, tidy_segments


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Library:
    root = tmp_path_factory.mktemp("search")
    build_index(make_archive(root / "archive", seeds_dir), root / "index")
    library = Library.open(root / "index")
    yield library
    library.close()


def ids(lib: Library, query: str, **options: object) -> list[str]:
    results = lib.search(query, **options)  # type: ignore[arg-type]
    assert results.error is None, results.error
    return [hit.id for hit in results.hits]


@pytest.mark.parametrize(("query", "fault"), [
    ("", "empty query"),
    ('"berlusconi resigns', "unbalanced quote"),
    ("(berlusconi OR monti", "'(' is never closed"),
    ("berlusconi)", "unbalanced bracket ')'"),
    ("date:[2011 to 2012", "'[' is never closed"),
    ("colour:red", "unknown field 'colour'"),
    ("date:2011-13", "'2011-13' is not a date"),
    ("date:yesterday", "'yesterday' is not a date"),
    ("date:[2011 2012]", "needs 'A to B'"),
    ("kind:poem", "kind must be event, article or day"),
])
def test_malformed_queries_name_the_fault(lib: Library, query: str, fault: str) -> None:
    with pytest.raises(QueryError, match=fault.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[")):
        check_query(query)
    results = lib.search(query)
    assert results.error and fault in results.error and results.hits == ()


def test_check_query_accepts_the_documented_forms() -> None:
    for query in ('"prime minister"', "title:monti", "topic:italy", "story:politics",
                  "publisher:reuters", "kind:event", "date:2011", "date:2011-11",
                  "date:2011-11-12", "date:[2011-11-01 to 2011-11-30]", "date:[2010 to 2012]",
                  "berl*", "a OR b", "a NOT b", "url:http://x.example/a:b", '"foo:bar"'):
        check_query(query)


def test_words_and_together(lib: Library) -> None:
    assert ids(lib, "berlusconi rome") == [BERLUSCONI]
    assert set(ids(lib, "berlusconi OR earthquake", kind="event")) >= {BERLUSCONI, QUAKE}
    assert BERLUSCONI not in ids(lib, "berlusconi NOT clown")
    assert ids(lib, "earthquake chile") == [QUAKE]


def test_phrases_and_stemming(lib: Library) -> None:
    assert ids(lib, '"form a government"', kind="event") == [MONTI]
    assert ids(lib, '"government form"') == []
    assert QUAKE in ids(lib, "earthquakes shaking")


def test_fields_and_aliases(lib: Library) -> None:
    assert ids(lib, "headline:monti") == [MONTI]
    assert ids(lib, "title:monti") == [MONTI]
    assert set(ids(lib, "story:italian", kind="event")) == {
        BERLUSCONI, MONTI, "news/2011/11/13/thousands-celebrate.md"}
    assert ids(lib, "topic:kazakhstan") == [SEED_EVENT]
    assert ids(lib, 'topic:"islamic terrorism"') == [SEED_EVENT]
    assert ids(lib, "publisher:ap") == [QUAKE]
    assert ids(lib, 'publisher:"bbc news"') == [BERLUSCONI]
    assert {hit.kind for hit in lib.search("kind:day").hits} == {"day"}
    assert ids(lib, "kind:article taraz") == [SEED_ARTICLE]


def test_dates(lib: Library) -> None:
    assert ids(lib, "date:2010") == [QUAKE]
    assert set(ids(lib, "date:2011-11-13 kind:event")) == {
        MONTI, "news/2011/11/13/thousands-celebrate.md"}
    assert set(ids(lib, "date:2011-11-12 kind:event")) == {BERLUSCONI, SEED_EVENT}
    assert set(ids(lib, "date:[2011-11-01 to 2011-11-12] kind:event")) == {BERLUSCONI, SEED_EVENT}
    assert QUAKE in ids(lib, "date:[2009 to 2010]") and BERLUSCONI not in ids(
        lib, "date:[2009 to 2010]")


def test_sorting(lib: Library) -> None:
    newest = [hit.date for hit in lib.search("kind:event", sort="newest").hits]
    assert newest == sorted(newest, reverse=True) and newest[0] == date(2011, 11, 13)
    oldest = [hit.date for hit in lib.search("kind:event", sort="oldest").hits]
    assert oldest == sorted(oldest) and oldest[0] == date(2010, 5, 3)
    assert [h.date for h in lib.search("kind:event", sort="date").hits] == oldest
    assert lib.search("monti", sort="sideways").error == (
        "unknown sort 'sideways' (use relevance, newest, oldest, date)")
    assert "unknown kind" in (lib.search("monti", kind="poem").error or "")


def test_limit_total_and_hit_fields(lib: Library) -> None:
    results = lib.search("italy", limit=1)
    assert results.total >= 2 and len(results.hits) == 1
    hit = lib.search("title:monti").hits[0]
    assert (hit.kind, hit.date, hit.story) == ("event", date(2011, 11, 13), "Italian politics")
    assert hit.title == "Mario Monti is asked to form a government."
    assert "Italy" in hit.topics and hit.score > 0
    assert ("Italy", 3) in lib.search("kind:event italy").facets or lib.search(
        "italy").facets[0][0] == "Italy"


def test_snippets_are_segments_with_matches(lib: Library) -> None:
    hit = lib.search("napolitano").hits[0]
    assert hit.id == MONTI
    assert ("Napolitano", True) in hit.snippet
    text = "".join(part for part, _ in hit.snippet)
    assert "asks the economist Mario Monti" in text and "\n" not in text
    # a headline-only match still gets the start of the text, unmarked
    hit = lib.search("title:earthquake").hits[0]
    assert hit.snippet and not any(is_match for _, is_match in hit.snippet)


def test_tidy_segments() -> None:
    assert tidy_segments([("  a \n b ", False), ("", False), ("X", True), (" c  ", False)]) == (
        ("a b ", False), ("X", True), (" c", False))


def test_did_you_mean(lib: Library) -> None:
    assert lib.search("Tarz").suggestion == "taraz"
    assert lib.search("Berlusconni").suggestion == "berlusconi"
    assert lib.search("title:Berlusconni rome").suggestion == "title:berlusconi rome"
    assert lib.search("kind:event Berlusconni").suggestion == "kind:event berlusconi"
    assert lib.search("berlusconi").suggestion is None
    assert lib.search("qqqqqqqq").suggestion is None


def test_prefix_expansion_is_bounded(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(ids(lib, "gov*", kind="event")) >= {MONTI}
    monkeypatch.setattr(search_module, "MAX_EXPANSION", 1)
    results = lib.search("b*")
    assert results.error is None
    assert any("searched the 1 most frequent" in note for note in results.notes)


def test_time_limit_returns_partial_results(lib: Library,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lib, "time_limit", 0.0)
    results = lib.search("italy")
    # the clock is read after each collected document: one hit, then the stop
    assert results.cut_short and results.error is None
    assert results.total == len(results.hits) == 1
    assert not results.total_exact
