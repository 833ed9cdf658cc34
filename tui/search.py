"""Ranked keyword search over the Whoosh index, bounded so no query can run away.

A query is checked before Whoosh sees it (unknown fields, unbalanced quotes or
brackets, impossible dates give one clear :class:`QueryError`), prefix wildcards
expand to at most :data:`MAX_EXPANSION` of their most frequent words (and at most
:data:`MAX_PREFIX_POSTINGS` postings in all), collection stops after a time limit
(partial results, ``cut_short``), snippets come back as ``(text, is_match)`` segments
(:mod:`tui.snippets`), and "did you mean" draws on the unstemmed words.

A search has two steps. The first (:func:`run_search`) ranks, counts and lists the
hits, with snippets for the first screen of them (:data:`FIRST_SCREEN`) and any
suggestion: what a person reads first. The second (:func:`tui.facets.complete`) counts
the topics of the best matches (the facets) and cuts the remaining hits' snippets;
``SearchResults.second_step`` holds what it needs and is None once it is done.

For speed: a plain word is one term of one field (the schema's combined default
field); the parser, the snippet cutter, the date keys and the field lengths
(:mod:`tui.ranking`) are made once per searcher (:mod:`tui.search_tools`); ``story:``
and ``topic:`` words become the whole stories and topics that hold them
(:mod:`tui.labels`); words, phrases, AND/OR/NOT and date spans are read and scored
straight from the posting lists (:mod:`tui.postings`), anything else by Whoosh's
collector; a date sort enumerates matches without scoring them, or walks a common
word's matches in date order until it has its hits, and a ``date:`` range is looked up
in sorted date keys (:mod:`tui.date_order`). A relevance search that would read more
than :data:`SCORE_BUDGET` postings is ranked among its newest matches (with a note);
a walked date sort gives an estimated total (``total_exact`` False, with a note). What
the listed hits show is read from the catalog by id (their stored fields only for day
pages).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from whoosh import query as wq
from whoosh.collectors import TimeLimit, TopCollector, WrappingCollector
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from tui.date_order import (
    WALK_DENSITY,
    best_among,
    has_date_range,
    in_date_order,
    newest_span,
    scoring_cost,
    with_date_spans,
)
from tui.index.schema import DEFAULT_FIELD
from tui.labels import WideOr, has_label_query, with_labels
from tui.posting_lists import TermCounts
from tui.postings import Matches, best_scored, plan
from tui.query_check import KINDS, QueryError, check_query
from tui.search_tools import parse_query, prepare, tools
from tui.snippets import FirstWord, Segments, first_word_pattern, tidy_segments
from tui.spelling import Vocabulary, suggest
from tui.text import strip_controls

__all__ = ["FIRST_SCREEN", "KINDS", "Hit", "QueryError", "SearchResults", "SecondStep",
           "Segments", "Vocabulary", "check_query", "parse_query", "prepare", "run_search",
           "tidy_segments"]

SORTS = ("relevance", "newest", "oldest", "date")
MAX_EXPANSION = 50
# Summed document frequency a prefix may expand to: `go*` must not become a union of
# fifty words that between them are in every document twice over.
MAX_PREFIX_POSTINGS = 10_000
# Seconds the collector may run; a search stopped there keeps its best hits so far.
TIME_LIMIT = 0.15
# Postings a relevance search may read and score (see date_order.scoring_cost): a
# query that would read more is ranked among its newest matches only, the newest dates
# holding about this many postings (with a note saying since when). None scores every
# match (up to the time limit).
SCORE_BUDGET: int | None = 10_000
SUGGEST_BELOW = 3
# Whoosh's query parser slows down with the square of a long word; no real query is
# longer than this.
MAX_QUERY_CHARS = 1000
FACET_SAMPLE = 200
# Hits whose snippets the first step cuts: a first screen of results, which on a tall
# terminal (60 lines, three lines or more a hit) is about twenty; the second step cuts
# the rest. The app asks for as many as its list shows at once.
FIRST_SCREEN = 20

# id -> snippet source text, id -> topics, and id -> (kind, ISO date, title, story) of the
# events and articles among the ids; the query layer reads them from the catalog.
TextLookup = Callable[[list[str]], dict[str, str]]
TopicLookup = Callable[[list[str]], dict[str, list[str]]]
HitLookup = Callable[[list[str]], dict[str, tuple[str, str | None, str, str]]]


@dataclass(frozen=True, slots=True)
class Hit:
    """One listed match. ``topics`` and, after the first screen, ``snippet`` are empty
    until the second step has run (``SearchResults.second_step`` is None)."""

    id: str
    kind: str
    date: date | None
    title: str
    story: str
    topics: tuple[str, ...]
    snippet: Segments
    score: float


@dataclass(frozen=True, slots=True)
class SecondStep:
    """What the second step of a search needs from its first: the searcher the
    document numbers belong to, the matches after the listed hits whose topics the
    facets count, how many hits have their snippets, the words the snippets mark, and
    the request (to search again should the index change between the steps)."""

    searcher: Searcher
    sample: tuple[int, ...]
    snipped: int
    words: frozenset[str]
    first_word: FirstWord | None
    limit: int
    kind: str | None
    time_limit: float
    facet_sample: int


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    total: int = 0
    hits: tuple[Hit, ...] = ()
    elapsed: float = 0.0
    suggestion: str | None = None
    error: str | None = None
    cut_short: bool = False
    facets: tuple[tuple[str, int], ...] = ()
    sort: str = "relevance"
    notes: tuple[str, ...] = field(default_factory=tuple)
    total_exact: bool = True
    # None once complete; else the first step's results, the facets still to count
    second_step: SecondStep | None = field(default=None, compare=False, repr=False)

    @property
    def facets_pending(self) -> bool:
        """Whether the facets (and the snippets after the first screen) are still to come."""
        return self.second_step is not None


class _Deadline(WrappingCollector):
    """Stops collecting (``TimeLimit``) once the clock passes ``deadline``.

    Not whoosh's TimeLimitCollector: it starts a timer thread for every search, and
    on a busy machine starting that thread took milliseconds. Each document is
    collected before the clock is read, so even a zero time limit keeps one hit.
    """

    def __init__(self, child: WrappingCollector, deadline: float) -> None:
        self.child = child
        self.deadline = deadline

    def collect_matches(self) -> None:
        child = self.child
        clock = time.perf_counter
        deadline = self.deadline
        for sub_docnum in child.matches():
            child.collect(sub_docnum)
            if clock() > deadline:
                raise TimeLimit


def bound_expansion(q: wq.Query, searcher: Searcher, notes: list[str]) -> wq.Query:
    """Replace each prefix/wildcard by its most frequent words: at most
    :data:`MAX_EXPANSION` of them, holding at most :data:`MAX_PREFIX_POSTINGS` postings
    together (the most frequent word always counts)."""
    reader = searcher.reader()

    def rewrite(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Prefix | wq.Wildcard):
            if isinstance(node, wq.Prefix):
                words = list(reader.expand_prefix(node.fieldname, node.text))
            else:
                words = [text for _, text in node.expanded_terms(reader)]
            frequency = {w: reader.doc_frequency(node.fieldname, w) for w in words}
            ranked = heapq.nlargest(MAX_EXPANSION, words, key=frequency.__getitem__)
            kept: list[str] = []
            postings = 0
            for word in ranked:
                if kept and postings + frequency[word] > MAX_PREFIX_POSTINGS:
                    break
                kept.append(word)
                postings += frequency[word]
            if len(kept) < len(words):
                shown = f"{node.text}*" if isinstance(node, wq.Prefix) else node.text
                note = (f"{shown} matches {len(words)} words in {node.fieldname}; "
                        f"searched the {len(kept)} most frequent")
                notes.append(note)
            terms = [wq.Term(node.fieldname, w, boost=node.boost) for w in kept]
            if len(terms) < 2:
                # one word may be the very common one: a plain term, so that a search
                # of its newest matches skips the rest (the array union reads them all)
                return terms[0] if terms else wq.NullQuery
            return WideOr(terms)
        if node.is_leaf():
            return node
        return node.apply(rewrite)

    return rewrite(q)


def _ranked(searcher: Searcher, q: wq.Query, need: int, sort: str, deadline: float,
            notes: list[str]) -> tuple[list[tuple[int, float]], int, bool, bool]:
    """(docnum, score) of the best ``need`` matches in the asked order, the total, whether
    it is exact (not when the time limit cut the search short), and whether it was."""
    weighting = tools(searcher).weighting
    counts = TermCounts(searcher.reader())
    reader = counts.reader()
    parts = plan(q, searcher, counts)
    if sort != "relevance":
        keys = tools(searcher).date_keys(searcher)
        finder = None if parts is None else Matches(searcher, parts, weighting, deadline)
        docnums, total, exact, cut_short = in_date_order(
            searcher, q, keys, need, sort == "newest", deadline, finder, reader)
        if not exact and not cut_short:
            notes.append(f"about {total:,} matches (estimated)")
        return [(d, 0.0) for d in docnums], total, exact, cut_short
    if SCORE_BUDGET:
        estimate = q.estimate_size(reader)
        newest = newest_span(scoring_cost(q, reader),
                             lambda: tools(searcher).date_keys(searcher), SCORE_BUDGET)
        if newest is not None:
            span, share = newest
            if parts is not None:
                ranked, count, cut_short = best_scored(searcher, parts, need, deadline,
                                                       weighting, within=span)
            elif estimate >= WALK_DENSITY * searcher.doc_count_all():
                ranked, count, cut_short = best_among(searcher, q, span.docnums, need,
                                                      deadline, weighting)
            else:
                ranked, count, cut_short = _collected(searcher, wq.And([q, span]), need,
                                                      deadline)
            if cut_short:
                return ranked, len(ranked), False, True
            # The newest share of the archive holds count matches: so about count / share
            # in all (Whoosh's estimate overstates phrases and AND).
            total = max(count, min(estimate, round(count / share)))
            notes.append(f"about {total:,} matches: ranked the {count:,} newest "
                         f"(since {_day_of(span.low)})")
            return ranked, total, False, False
    # Every match is scored and counted: block-quality skipping hardly ever skips here
    # (a common word's BM25 scores are too alike) and matcher replacement drops
    # documents from the count, so both are off and the count comes free and exact.
    if parts is not None:
        ranked, count, cut_short = best_scored(searcher, parts, need, deadline, weighting)
    else:
        ranked, count, cut_short = _collected(searcher, q, need, deadline)
    if cut_short:
        return ranked, len(ranked), False, True
    return ranked, count, True, False


def _collected(searcher: Searcher, q: wq.Query, need: int,
               deadline: float) -> tuple[list[tuple[int, float]], int, bool]:
    """Whoosh's top-N collector: the best ``need`` (docnum, score), how many matched,
    and whether the deadline stopped it."""
    collector = TopCollector(limit=need, usequality=False, replace=0)
    weighting = tools(searcher).weighting
    cut_short = False
    try:
        searcher.search_with_collector(q, _Deadline(collector, deadline),
                                       context=searcher.context(weighting=weighting))
    except TimeLimit:
        cut_short = True
    results = collector.results()
    ranked = [(results.docnum(n), results.score(n)) for n in range(results.scored_length())]
    return ranked, collector.count(), cut_short


def _listed(searcher: Searcher, docnums: list[int], fields: HitLookup | None) -> list[Hit]:
    """The hits of ``docnums`` (no topics, snippets or scores yet): from ``fields`` by
    their ids (the ``id`` column) where it knows them, else from their stored fields."""
    found = tools(searcher)
    ids = [found.doc_id(searcher, docnum) for docnum in docnums] if (
        fields is not None and found.ids is not None) else None
    known = fields(ids) if fields is not None and ids else {}
    hits = []
    for number, docnum in enumerate(docnums):
        doc_id = ids[number] if ids else None
        if doc_id in known:
            kind, day, title, story = known[doc_id]
            hits.append(Hit(doc_id, kind, date.fromisoformat(day) if day else None, title, story,
                            (), (), 0.0))
            continue
        stored = searcher.stored_fields(docnum)
        stamp = stored.get("date")
        hits.append(Hit(stored["id"], stored["kind"],
                        stamp.date() if isinstance(stamp, datetime) else None,
                        stored.get("headline", ""), stored.get("story", ""), (), (), 0.0))
    return hits


def _day_of(key: int) -> str:
    """A date key (the date field's number) as an ISO day."""
    return long_to_datetime(key).date().isoformat()


def run_search(
    searcher: Searcher,
    texts: TextLookup,
    text: str,
    limit: int = 50,
    sort: str = "relevance",
    kind: str | None = None,
    time_limit: float = TIME_LIMIT,
    vocabulary: Callable[[], Vocabulary] | None = None,
    facet_sample: int = FACET_SAMPLE,
    snippets: int = FIRST_SCREEN,
    fields: HitLookup | None = None,
) -> SearchResults:
    """The first step of a search: the ranked hits, the total, any suggestion, and the
    snippets of the first ``snippets`` hits; every problem comes back in ``error``,
    never as an exception. Its ``second_step`` (:func:`tui.facets.complete`) counts the
    topics of the best ``facet_sample`` matches, or of the hits listed when there are
    more of those, and cuts the other hits' snippets. ``fields`` gives what the hits of
    events and articles show (else each hit's stored fields are read).

    Control and invisible format characters in the typed text mean nothing to a search
    and must not be echoed back to a terminal: they are dropped first.
    """
    started = time.perf_counter()
    text = " ".join(strip_controls(text).split())
    if len(text) > MAX_QUERY_CHARS:
        error = f"the query is too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})"
        return SearchResults(text[:MAX_QUERY_CHARS] + "…", sort=sort, error=error)
    if sort not in SORTS:
        error = f"unknown sort {sort!r} (use {', '.join(SORTS)})"
        return SearchResults(text, sort=sort, error=error)
    if kind is not None and kind not in KINDS:
        error = f"unknown kind {kind!r} (use event, article or day)"
        return SearchResults(text, sort=sort, error=error)
    notes: list[str] = []
    try:
        q = bound_expansion(parse_query(text, searcher), searcher, notes)
    except QueryError as exc:
        return SearchResults(text, sort=sort, error=str(exc))
    if kind:
        # In the query, not a collector filter: a filter would not see the time limit.
        q = wq.And([q, wq.Term("kind", kind, boost=0.0)])
    found = tools(searcher)
    if has_label_query(q):
        q = with_labels(q, found.labels(searcher))
    if has_date_range(q):
        q = with_date_spans(q, found.date_keys(searcher))
    # The date keys are read once per searcher (at most a few tenths of a second): not
    # out of this query's time limit.
    found.date_keys(searcher).sorted()
    ranked, total, total_exact, cut_short = _ranked(
        searcher, q, max(limit, facet_sample), sort, time.perf_counter() + time_limit, notes)
    shown = [docnum for docnum, _ in ranked[:limit]]
    hits = _listed(searcher, shown, fields)
    snipped = min(len(hits), max(0, snippets))
    bodies = texts([hit.id for hit in hits[:snipped]])
    words = frozenset(term.decode("utf-8", "replace") if isinstance(term, bytes) else str(term)
                      for field_name, term in q.iter_all_terms() if field_name == DEFAULT_FIELD)
    first_word = first_word_pattern(set(words))
    cut = found.snippets.cut
    hits = [Hit(hit.id, hit.kind, hit.date, hit.title, hit.story, (),
                cut(bodies.get(hit.id, ""), words, first_word) if number < snipped else (),
                float(score or 0.0))
            for number, (hit, (_, score)) in enumerate(zip(hits, ranked[:limit], strict=True))]
    suggestion = None
    # A search cut short found its few hits in the time it had, not in the whole index:
    # too few to offer another spelling.
    if total < SUGGEST_BELOW and not cut_short and vocabulary is not None:
        suggestion = suggest(text, vocabulary())
    # A search the time limit cut short counts the topics of the hits it lists only: its
    # results are partial anyway, and looking up the topics of 200 hits took as long again
    # as its collecting.
    sample = () if cut_short else tuple(docnum for docnum, _ in ranked[limit:])
    second = SecondStep(searcher, sample, snipped, words, first_word, limit, kind, time_limit,
                        facet_sample) if hits or sample else None
    return SearchResults(
        query=text, total=total, hits=tuple(hits), elapsed=time.perf_counter() - started,
        suggestion=suggestion, cut_short=cut_short, sort=sort, notes=tuple(notes),
        total_exact=total_exact, second_step=second,
    )
