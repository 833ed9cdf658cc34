"""The search engine's fast paths give what Whoosh's plain ones give.

The combined default field, date-ordered hits, date ranges from the date keys, the
array-backed BM25F, the array union of a prefix's words, exact totals and the snippet
analyzer are each checked against Whoosh doing the same thing the slow way, on a
generated archive large enough for common words, ties and undated articles.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from index_fixtures import BERLUSCONI, QUAKE, make_archive
from whoosh import query as wq
from whoosh import scoring
from whoosh.collectors import TopCollector
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.qparser import QueryParser
from whoosh.util.times import datetime_to_long

import tui.date_order as date_order_module
import tui.search as search_module
import tui.search_tools as search_tools
from tui.bench.generator import generate_archive
from tui.index.builder import build_index
from tui.index.documents import whoosh_fields
from tui.index.schema import DEFAULT_FIELD, HEADLINE_REPEAT, stemming
from tui.library import Library
from tui.model import Event
from tui.snippets import (
    SNIPPET_CHARS,
    SNIPPET_WINDOW,
    Snippets,
    WordAnalyzer,
    first_word_pattern,
    window,
)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("engine")
    generate_archive(root / "archive", 160, seed=5)
    build_index(root / "archive", root / "index")
    library = Library.open(root / "index")
    library.time_limit = 60.0
    yield library
    library.close()


class StoredDateRange(wq.Query):
    """A date range answered by reading every stored date: the oracle for date ranges,
    which the index answers from its date column (the field has no indexed terms)."""

    def __init__(self, low: int, high: int, boost: float = 1.0) -> None:
        self.fieldname, self.low, self.high, self.boost = "date", low, high, boost

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        reader = searcher.reader()
        docnums = [docnum for docnum in range(reader.doc_count_all())
                   if not reader.is_deleted(docnum)
                   and isinstance(stamp := reader.stored_fields(docnum).get("date"), datetime)
                   and self.low <= datetime_to_long(stamp) <= self.high]
        return ListMatcher(docnums, all_weights=self.boost) if docnums else NullMatcher()

    def estimate_size(self, ixreader) -> int:  # type: ignore[no-untyped-def]
        return ixreader.doc_count_all()


def _stored_dates(q: wq.Query) -> wq.Query:
    if isinstance(q, wq.NumericRange) and q.fieldname == "date":
        low = -(2**63) if q.start is None else q.start + (1 if q.startexcl else 0)
        high = 2**63 if q.end is None else q.end - (1 if q.endexcl else 0)
        return StoredDateRange(low, high, q.boost)
    return q if q.is_leaf() else q.apply(_stored_dates)


def _matching_docnums(lib: Library, text: str) -> list[int]:
    """Whoosh's own answer: the parsed query (date ranges from the stored dates), every match."""
    with lib._searching() as searcher:
        q = _stored_dates(search_module.parse_query(text, searcher))
        return sorted(searcher.docs_for_query(q))


def _dates(lib: Library, docnums: list[int]) -> list[date | None]:
    with lib._searching() as searcher:
        stamps = [searcher.stored_fields(d).get("date") for d in docnums]
    return [s.date() if isinstance(s, datetime) else None for s in stamps]


def test_default_field_holds_headline_story_topics_and_body() -> None:
    event = Event(id="news/2011/11/12/x.md", date=date(2011, 11, 12), headline="Quake hits Taraz",
                  summary="Buildings fell.", story="Kazakh earthquakes", topics=["Kazakhstan"])
    fields = whoosh_fields(event)
    body = fields[DEFAULT_FIELD]
    assert body.count("Quake hits Taraz") == HEADLINE_REPEAT
    for part in ("Kazakh earthquakes", "Kazakhstan", "Buildings fell."):
        assert part in body
    assert fields["headline"] == "Quake hits Taraz" and fields["topic_text"] == "Kazakhstan"


def test_a_plain_word_finds_a_headline_only_word(tmp_path: Path, seeds_dir: Path) -> None:
    build_index(make_archive(tmp_path / "archive", seeds_dir), tmp_path / "index")
    lib = Library.open(tmp_path / "index")
    try:
        event = lib.document(BERLUSCONI)
        assert "minister" in event.headline.lower() and "minister" not in event.summary.lower()
        assert BERLUSCONI in [hit.id for hit in lib.search("minister", kind="event").hits]
    finally:
        lib.close()


@pytest.mark.parametrize("text", ["people", "police OR election", "kind:article",
                                  "said NOT people"])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("walked", [False, True])
def test_date_order_equals_a_full_sort(big: Library, text: str, sort: str, walked: bool,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if walked:  # every query walked in date order, none enumerated
        monkeypatch.setattr(date_order_module, "ENUMERATE_BELOW", 0)
    matches = _matching_docnums(big, text)
    assert matches, text
    dated = sorted((d for d in zip(_dates(big, matches), matches, strict=True) if d[0]),
                   key=lambda item: item[0], reverse=(sort == "newest"))
    undated = [d for d in zip(_dates(big, matches), matches, strict=True) if d[0] is None]
    expected = [stamp for stamp, _ in dated + undated][:50]
    results = big.search(text, limit=50, sort=sort)
    assert [hit.date for hit in results.hits] == expected
    if walked:
        assert not results.total_exact and results.total >= len(matches)
        assert any("estimated" in note for note in results.notes)
    else:
        assert results.total == len(matches) and results.total_exact


def test_a_walk_in_date_order_keeps_to_a_date_range(big: Library,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(date_order_module, "ENUMERATE_BELOW", 0)
    results = big.search("people date:[2012 to 2013]", sort="newest", limit=20)
    expected = sorted((d for d in _dates(big, _matching_docnums(big, "people date:[2012 to 2013]"))
                       if d), reverse=True)[:20]
    assert [hit.date for hit in results.hits] == expected
    assert all(date(2012, 1, 1) <= hit.date <= date(2013, 12, 31) for hit in results.hits)


@pytest.mark.parametrize("text", ["date:2011", "date:[2010 to 2012]", "date:2011-11",
                                  "people date:[2012 to 2013]", "date:{2011-03-01 to 2013-01-01}",
                                  "police OR date:2009"])
def test_date_ranges_equal_whooshs_ranges(big: Library, text: str) -> None:
    matches = _matching_docnums(big, text)
    with big._searching() as searcher:
        expected = {searcher.stored_fields(d)["id"] for d in matches}
    results = big.search(text, limit=10_000)
    assert {hit.id for hit in results.hits} == expected
    assert results.total == len(expected)


def test_date_ranges_leave_out_deleted_documents(tmp_path: Path, seeds_dir: Path) -> None:
    archive = make_archive(tmp_path / "archive", seeds_dir)
    build_index(archive, tmp_path / "index")
    lib = Library.open(tmp_path / "index")
    try:
        assert QUAKE in [hit.id for hit in lib.search("date:2010").hits]
        (archive / QUAKE).unlink()
        shutil.rmtree(archive / "news" / "2010", ignore_errors=True)
        build_index(archive, tmp_path / "index")
        assert QUAKE not in [hit.id for hit in lib.search("date:[2009 to 2011]").hits]
        assert QUAKE not in [hit.id for hit in lib.search("date:2010", sort="newest").hits]
    finally:
        lib.close()


def test_array_bm25f_scores_as_whoosh_does(big: Library) -> None:
    for text in ("people", "police election", '"prime minister"', "govern*"):
        results = big.search(text, limit=500)
        with big._searching() as searcher:
            parser = QueryParser(DEFAULT_FIELD, searcher.schema)
            q = search_module.bound_expansion(parser.parse(text), searcher, [])
            collector = TopCollector(limit=500, usequality=False, replace=0)
            searcher.search_with_collector(q, collector,
                                           context=searcher.context(weighting=scoring.BM25F()))
            plain = collector.results()
            expected = [(plain.score(n), searcher.stored_fields(plain.docnum(n))["id"])
                        for n in range(plain.scored_length())]
        got = [(hit.score, hit.id) for hit in results.hits]
        assert len(got) == len(expected) > 0, text
        for (score, doc_id), (want, want_id) in zip(got, expected, strict=True):
            assert score == pytest.approx(want, rel=1e-9)
            assert doc_id == want_id or score == pytest.approx(
                dict((i, s) for s, i in expected)[doc_id], rel=1e-9)


def test_prefix_words_union_equals_a_plain_union(big: Library) -> None:
    with big._searching() as searcher:
        q = search_module.bound_expansion(wq.Prefix(DEFAULT_FIELD, "po"), searcher, [])
        assert isinstance(q, search_module.WideOr) and len(q.subqueries) > 1
        plain = wq.Or(list(q.subqueries))
        assert sorted(searcher.docs_for_query(q)) == sorted(searcher.docs_for_query(plain))
        mine = searcher.search(q, limit=None)
        theirs = searcher.search(plain, limit=None)
        assert [(h.docnum, round(h.score, 9)) for h in mine] == [
            (h.docnum, round(h.score, 9)) for h in theirs]


@pytest.mark.parametrize("text", ["people", "police killed", '"prime minister"',
                                  "police NOT people", "topic:chile OR election", "gov*"])
def test_totals_are_exact(big: Library, text: str) -> None:
    results = big.search(text, limit=5)
    assert results.total_exact and not results.cut_short
    if "*" not in text:
        assert results.total == len(_matching_docnums(big, text))
    assert len(results.hits) == min(5, results.total)


def test_time_limit_cuts_a_date_ordered_search(big: Library,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(date_order_module, "_CLOCK_EVERY", 1)
    monkeypatch.setattr(big, "time_limit", 0.0)
    results = big.search("people", sort="newest")
    assert results.cut_short and not results.total_exact and results.error is None
    assert len(results.hits) == 1


def test_snippet_words_are_analysed_as_the_index_does() -> None:
    analyzer = stemming()
    text = "The U.S. earthquakes' toll: 1,200 people; Governments said 'countries' re-elected."
    fast = [(t.text, t.startchar, t.endchar) for t in WordAnalyzer(analyzer)(text)]
    slow = [(t.text, t.startchar, t.endchar)
            for t in analyzer(text, chars=True, mode="query", removestops=False)]
    assert fast == slow


def test_search_tools_are_made_once_per_searcher(big: Library) -> None:
    big.search("people")
    with big._searching() as searcher:
        tools = search_tools.tools(searcher)
    big.search("police", sort="newest")
    with big._searching() as searcher:
        assert search_tools.tools(searcher) is tools
        assert tools._date_keys is not None


def _labels(lib: Library, field: str) -> list[str]:
    with lib._searching() as searcher:
        return [label.decode() if isinstance(label, bytes) else label
                for label in searcher.reader().lexicon(field)]


def test_story_and_topic_queries_equal_the_positional_fields(big: Library) -> None:
    topic = next(t for t in _labels(big, "topics") if len(t.split()) == 2)
    story = next(s for s in _labels(big, "stories") if len(s.split()) >= 3)
    queries = [f'topic:"{topic}"', f"topic:{topic.split()[1]}", f'story:"{story}"',
               f"story:{story.split()[-1]}", f'story:"{" ".join(story.split()[1:3])}"',
               f'people topic:"{topic}"', f'topic:"{topic}" OR story:"{story}"']
    for text in queries:
        matches = _matching_docnums(big, text)
        with big._searching() as searcher:
            expected = {searcher.stored_fields(d)["id"] for d in matches}
        results = big.search(text, limit=100_000)
        assert {hit.id for hit in results.hits} == expected, text
        assert results.total == len(expected), text
        assert expected or text.startswith("people"), text


def test_a_topic_phrase_does_not_run_across_two_topics(big: Library) -> None:
    """``topic_text`` holds a document's topics one after another; a phrase made of the
    end of one and the start of the next matched there, and must not."""
    with big._searching() as searcher:
        reader = searcher.reader()
        topics = [t for t in _labels_of(reader, "topics") if len(t.split()) == 1]
    across = None
    for first in topics:
        for second in topics:
            text = f'topic:"{first} {second}"'
            if first != second and _matching_docnums(big, text):
                across = text
                break
        if across:
            break
    assert across is not None, "no two one-word topics follow each other anywhere"
    assert big.search(across).total == 0


def _labels_of(reader, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [label.decode() if isinstance(label, bytes) else label
            for label in reader.lexicon(field)][:40]


def test_a_costly_query_is_ranked_among_its_newest_matches(
        big: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "SCORE_BUDGET", 40)
    results = big.search("people", limit=10)
    note = next(n for n in results.notes if "newest (since" in n)
    since = date.fromisoformat(note.rsplit("since ", 1)[1].rstrip(")"))
    assert not results.total_exact and not results.cut_short
    assert 0 < results.total <= len(_matching_docnums(big, "people"))
    assert all(hit.date is not None and hit.date >= since for hit in results.hits)
    with big._searching() as searcher:
        q = wq.And([search_module.parse_query("people", searcher), _stored_dates(
            wq.DateRange("date", datetime.combine(since, datetime.min.time()), None))])
        plain = searcher.search(q, limit=10, scored=True)
        expected = [(hit["id"], hit.score) for hit in plain]
    assert [hit.id for hit in results.hits] == [doc_id for doc_id, _ in expected]
    for hit, (_, score) in zip(results.hits, expected, strict=True):
        assert hit.score == pytest.approx(score - 1.0, rel=1e-9)  # Whoosh's range adds 1
    monkeypatch.setattr(search_module, "WALK_DENSITY", 2.0)  # intersected, not walked
    intersected = big.search("people", limit=10).hits
    assert [h.id for h in intersected] == [h.id for h in results.hits]
    assert [h.score for h in intersected] == pytest.approx([h.score for h in results.hits])
    monkeypatch.setattr(search_module, "SCORE_BUDGET", None)
    assert big.search("people", limit=10).total_exact


def test_a_snippet_of_a_long_text_shows_its_first_match() -> None:
    snippets = Snippets(stemming())
    text = " ".join(["filler words here"] * 200) + " the earthquakes shook Taraz " + " ".join(
        ["more filler"] * 100)
    terms = frozenset({"earthquak", "taraz"})
    snippet = snippets.cut(text, terms, first_word_pattern(set(terms)))
    assert ("earthquakes", True) in snippet and ("Taraz", True) in snippet
    assert len("".join(part for part, _ in snippet)) <= 2 * SNIPPET_CHARS + 5
    part = window("x " * 300 + "y" * 5000, re.compile("y"))
    assert len(part) <= 2 * SNIPPET_WINDOW
