"""Relevance read straight from the posting lists (``tui.postings``) gives Whoosh's answer.

On a generated archive indexed, then changed (so that it has several segments and
deleted documents), each query shape the fast path takes is run both ways: the same
hits in the same order with the same scores, and the same number of matches, as
Whoosh's own top-N collector with its own BM25F. Ties of scores that differ only in
the last bits (Whoosh adds a document's word scores up in an order of its own) may
come in either order.
"""

from __future__ import annotations

import time

import pytest
from whoosh import query as wq
from whoosh import scoring
from whoosh.collectors import TopCollector

import tui.posting_lists as posting_lists_module
import tui.postings as postings_module
import tui.ranking as ranking_module
import tui.search as search_module
import tui.search_tools as search_tools
from tui.bench.generator import generate_archive
from tui.date_order import has_date_range, newest_span, scoring_cost, with_date_spans
from tui.index.builder import build_index
from tui.labels import has_label_query, with_labels
from tui.library import Library

QUERIES = [
    "people", "keprekak", "police killed", "people police election", "police OR election",
    "referendum OR parliament OR earthquake", "police NOT people",
    "people NOT (police OR election)", "people^2 said", "(police OR election)^3 killed",
    "police OR (people AND killed)", "headline:government", "date:[2011 to 2012]",
    "police date:[2011 to 2011]", "go*", "elect*", "people nosuchword", "nosuchword",
    "kind:article people", "kind:day government", "kind:event", '"prime minister"',
    '"people said"', '"police said" OR election', 'killed "people said"', '"people people"',
    '"the government of"', 'headline:"prime minister" NOT police',
]


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """An index of 300 events whose archive then lost one page and had two rewritten."""
    root = tmp_path_factory.mktemp("postings")
    archive = root / "archive"
    generate_archive(archive, 300, seed=7)
    build_index(archive, root / "index")
    pages = sorted(p for p in (archive / "news").rglob("*.md") if p.name != "index.md")
    pages[0].unlink()
    for page in pages[5:7]:
        page.write_text(page.read_text() + "\nPolice said people were killed in the election.\n")
    build_index(archive, root / "index")
    library = Library.open(root / "index")
    library.time_limit = 60.0
    with library._searching() as searcher:
        assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
    yield library
    library.close()


def _rewritten(text: str, searcher) -> wq.Query:  # type: ignore[no-untyped-def]
    """The query as run_search hands it to the ranking (expansion, labels, date spans)."""
    tools = search_tools.tools(searcher)
    q = search_module.bound_expansion(search_module.parse_query(text, searcher), searcher, [])
    if has_label_query(q):
        q = with_labels(q, tools.labels(searcher))
    if has_date_range(q):
        q = with_date_spans(q, tools.date_keys(searcher))
    return q


def _whoosh(searcher, q: wq.Query, need: int) -> tuple[list[tuple[int, float]], int]:  # type: ignore[no-untyped-def]
    collector = TopCollector(limit=need, usequality=False, replace=0)
    searcher.search_with_collector(q, collector,
                                   context=searcher.context(weighting=scoring.BM25F()))
    results = collector.results()
    return ([(results.docnum(n), results.score(n)) for n in range(results.scored_length())],
            collector.count())


def _same_ranking(got: list[tuple[int, float]], want: list[tuple[int, float]]) -> None:
    assert len(got) == len(want)
    wanted = dict(want)
    for (doc, score), (want_doc, want_score) in zip(got, want, strict=True):
        assert score == pytest.approx(want_score, rel=1e-12, abs=1e-12)
        if doc != want_doc:  # a tie, in the last bits only
            assert doc in wanted and wanted[doc] == pytest.approx(score, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("text", QUERIES)
def test_posting_lists_rank_as_whoosh_does(changed: Library, text: str) -> None:
    with changed._searching() as searcher:
        q = _rewritten(text, searcher)
        parts = postings_module.plan(q, searcher)
        assert parts is not None, text
        weighting = search_tools.tools(searcher).weighting
        for need in (1, 7, 200, 100_000):
            got, count, cut_short = postings_module.best_scored(
                searcher, parts, need, time.perf_counter() + 60, weighting)
            want, want_count = _whoosh(searcher, q, need)
            assert not cut_short
            assert count == want_count == len(list(searcher.docs_for_query(q))), text
            _same_ranking(got, want)


@pytest.mark.parametrize("ratio", [None, 0, 10**9])
@pytest.mark.parametrize("text", ["people", "police killed", "police OR election",
                                  "police NOT killed", "go*", '"people said"'])
def test_a_newest_span_ranks_as_whoosh_does_within_it(
        changed: Library, text: str, ratio: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also with every wanted document sought (ratio 0) or every stretch read (huge)."""
    if ratio is not None:
        monkeypatch.setattr(posting_lists_module, "SEEK_RATIO", ratio)
    with changed._searching() as searcher:
        tools = search_tools.tools(searcher)
        q = _rewritten(text, searcher)
        span, _ = newest_span(10**9, lambda: tools.date_keys(searcher), 10**9 // 3)
        got, count, _ = postings_module.best_scored(
            searcher, postings_module.plan(q, searcher), 50, time.perf_counter() + 60,
            tools.weighting, within=span)
        want, want_count = _whoosh(searcher, wq.And([q, span]), 50)
        assert count == want_count > 0
        _same_ranking(got, want)


def test_a_word_after_not_counts_in_the_cost_of_a_search(changed: Library) -> None:
    """A common word after NOT is read wherever the rest matches: the newest span that
    the scoring budget allows must shrink for it."""
    with changed._searching() as searcher:
        reader = searcher.reader()
        alone, people, both = (scoring_cost(_rewritten(text, searcher), reader)
                               for text in ("police", "people", "police NOT people"))
        assert both == alone + min(people, alone * posting_lists_module.SEEK_RATIO)
        assert both > alone + people // 2


def test_a_few_documents_are_sought_and_a_leading_stretch_is_read() -> None:
    from tui.posting_lists import Within

    newest = Within(range(0, 5000))  # the newest fifth of a segment, numbered first
    assert not newest.seek(postings=20_000, documents=25_000)
    scattered = Within(range(0, 25_000, 600))  # 42 documents spread over the segment
    assert scattered.seek(postings=20_000, documents=25_000)
    assert not scattered.seek(postings=300, documents=25_000)  # a short list: read it


@pytest.mark.parametrize("text", ['"prime minister"~3', "NOT people", "people OR NOT police",
                                  "headline:[a to c]"])
def test_other_shapes_are_left_to_whoosh(changed: Library, text: str) -> None:
    with changed._searching() as searcher:
        assert postings_module.plan(_rewritten(text, searcher), searcher) is None


def test_library_search_takes_the_posting_lists_and_agrees(changed: Library,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "SCORE_BUDGET", None)
    fast = changed.search("police OR election", limit=30)
    monkeypatch.setattr(search_module, "plan", lambda q, searcher, counts=None: None)
    slow = changed.search("police OR election", limit=30)
    assert fast.total == slow.total and fast.total_exact and slow.total_exact
    assert [h.score for h in fast.hits] == pytest.approx([h.score for h in slow.hits], rel=1e-12)
    assert [h.id for h in fast.hits] == [h.id for h in slow.hits]
    assert fast.facets == slow.facets


def test_a_search_past_its_deadline_keeps_what_it_read(changed: Library,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "SCORE_BUDGET", None)
    monkeypatch.setattr(posting_lists_module, "CLOCK_EVERY", 3)
    with changed._searching() as searcher:
        q = _rewritten("police OR people", searcher)
        parts = postings_module.plan(q, searcher)
        weighting = search_tools.tools(searcher).weighting
        got, count, cut_short = postings_module.best_scored(searcher, parts, 10**6,
                                                            time.perf_counter() - 1, weighting)
        assert cut_short and 0 < count == len(got)
        # the documents read before the stop, each with its whole score
        horizon = max(doc for doc, _ in got)
        want, _ = _whoosh(searcher, q, 10**6)
        assert sorted(got) == pytest.approx(sorted((d, s) for d, s in want if d <= horizon))


def test_length_bytes_are_whooshs_field_lengths(changed: Library,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh.util.numeric import length_to_byte

    with changed._searching() as searcher:
        for leaf, _ in searcher.leaf_searchers():
            reader = leaf.reader()
            for field in ("body", "headline", "topics"):
                whole = ranking_module.segment_length_bytes(reader, field)
                expected = bytes(length_to_byte(reader.doc_field_length(d, field, 0) or 0)
                                 for d in range(reader.doc_count_all()))
                assert whole == expected
        monkeypatch.setattr(ranking_module, "_read_whole_column", lambda reader, field: None)
        leaf, _ = searcher.leaf_searchers()[0]
        slow = ranking_module.segment_length_bytes(leaf.reader(), "body")
        monkeypatch.undo()
        assert slow == ranking_module.segment_length_bytes(leaf.reader(), "body")


def test_a_weightless_filter_keeps_scores_and_narrows(changed: Library) -> None:
    with changed._searching() as searcher:
        q = wq.And([_rewritten("people OR police", searcher), wq.Term("kind", "event", boost=0.0)])
        parts = postings_module.plan(q, searcher)
        weighting = search_tools.tools(searcher).weighting
        got, count, _ = postings_module.best_scored(searcher, parts, 100,
                                                    time.perf_counter() + 60, weighting)
        want, want_count = _whoosh(searcher, q, 100)
        assert count == want_count > 0
        _same_ranking(got, want)


def test_running_texts_are_the_catalogs_texts(changed: Library) -> None:
    import json

    from tui.index.documents import body_text
    from tui.model import document_from_dict
    from tui.search_sources import running_texts

    db = changed._db
    ids = [row[0] for row in db.execute("SELECT id FROM events LIMIT 30")]
    ids += [row[0] for row in db.execute("SELECT id FROM articles LIMIT 5")]
    ids += [row[0] for row in db.execute("SELECT id FROM day_pages LIMIT 5")]
    expected = {}
    for doc_id in ids:
        row = db.execute("SELECT json FROM events WHERE id = ?", (doc_id,)).fetchone()
        if row is not None:
            expected[doc_id] = json.loads(row[0]).get("summary", "")
            continue
        row = (db.execute("SELECT json FROM articles WHERE id = ?", (doc_id,)).fetchone()
               or db.execute("SELECT json FROM day_pages WHERE id = ?", (doc_id,)).fetchone())
        expected[doc_id] = body_text(document_from_dict(json.loads(row[0])))
    assert running_texts(db, ids + ["no/such/id.md"]) == expected


def test_prepare_search_reads_what_the_first_search_needs(changed: Library) -> None:
    changed.prepare_search()
    with changed._searching() as searcher:
        tools = search_tools.tools(searcher)
        assert tools._date_keys is not None and tools._date_keys._sorted is not None
        assert tools._labels is not None
        lengths = tools.weighting.lengths
        for leaf, offset in searcher.leaf_searchers():
            assert (id(leaf), "body") in lengths._bytes
            assert (offset, leaf.doc_count_all()) in tools._date_keys._dated
    before = changed.search("people", limit=5)
    changed.prepare_search()  # again: the same tools, the same answers
    with changed._searching() as searcher:
        assert search_tools.tools(searcher) is tools
    after = changed.search("people", limit=5)
    assert [h.id for h in after.hits] == [h.id for h in before.hits]
    assert after.total == before.total > 0
