"""Ranked keyword search over the Whoosh index, bounded so no query can run away.

A query is checked before Whoosh sees it (unknown fields, unbalanced quotes or
brackets, impossible dates give one clear :class:`QueryError`), prefix wildcards
expand to at most :data:`MAX_EXPANSION` of their most frequent words (and at most
:data:`MAX_PREFIX_POSTINGS` postings in all), collection stops after a time limit
(partial results, ``cut_short``), snippets come back as ``(text, is_match)`` segments
(:mod:`tui.snippets`), and "did you mean" draws on the unstemmed words.

For speed: a plain word is one term of one field (the schema's combined default
field); the parser, the snippet cutter, the date keys and the field lengths
(:mod:`tui.ranking`) are made once per searcher (:func:`prepare` does it ahead);
``story:`` and ``topic:`` words become the whole stories and topics that hold them
(:mod:`tui.labels`); words, phrases, AND/OR/NOT and date spans are read and scored
straight from the posting lists (:mod:`tui.postings`), anything else by Whoosh's
collector; a date sort enumerates matches without scoring them, or walks a common
word's matches in date order until it has its hits, and a ``date:`` range is looked up
in sorted date keys (:mod:`tui.date_order`). A relevance search that would read more
than :data:`SCORE_BUDGET` postings is ranked among its newest matches (with a note);
a walked date sort gives an estimated total (``total_exact`` False, with a note). Only
the shown hits are highlighted and only their stored fields read.
"""

from __future__ import annotations

import heapq
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from whoosh import query as wq
from whoosh.collectors import TimeLimit, TopCollector, WrappingCollector
from whoosh.qparser import FieldAliasPlugin, QueryParser
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from tui.date_order import (
    WALK_DENSITY,
    DateKeys,
    best_among,
    has_date_range,
    in_date_order,
    newest_span,
    scoring_cost,
    with_date_spans,
)
from tui.index.schema import DEFAULT_FIELD, FIELD_ALIASES
from tui.labels import LABEL_FIELDS, Labels, WideOr, has_label_query, with_labels
from tui.postings import Matches, best_scored, plan
from tui.query_check import KINDS, QueryError, check_query
from tui.ranking import ArrayBM25F
from tui.snippets import Segments, Snippets, first_word_pattern, tidy_segments
from tui.spelling import Vocabulary, suggest
from tui.text import strip_controls

__all__ = ["KINDS", "Hit", "QueryError", "SearchResults", "Segments", "Vocabulary", "check_query",
           "prepare", "run_search", "tidy_segments"]

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

# id -> snippet source text, and id -> topics; the query layer reads them from the catalog.
TextLookup = Callable[[list[str]], dict[str, str]]
TopicLookup = Callable[[list[str]], dict[str, list[str]]]


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    kind: str
    date: date | None
    title: str
    story: str
    topics: tuple[str, ...]
    snippet: Segments
    score: float


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


class _SearchTools:
    """What every query on one searcher uses and no query changes: made once."""

    def __init__(self, searcher: Searcher) -> None:
        schema = searcher.schema
        self.parser = QueryParser(DEFAULT_FIELD, schema)
        aliases: dict[str, list[str]] = {}
        for alias, name in FIELD_ALIASES.items():
            if alias != name:
                aliases.setdefault(name, []).append(alias)
        self.parser.add_plugin(FieldAliasPlugin(aliases))
        self.snippets = Snippets(schema[DEFAULT_FIELD].analyzer)
        self.weighting = ArrayBM25F()
        reader = searcher.reader()
        self.ids = reader.column_reader("id") if reader.has_column("id") else None
        self._date_keys: DateKeys | None = None
        self._labels: dict[str, Labels] | None = None

    def labels(self, searcher: Searcher) -> dict[str, Labels]:
        """The distinct stories and topics, read at the first ``story:``/``topic:`` query
        (none on an index written before the whole-label fields existed)."""
        if self._labels is None:
            schema = searcher.schema
            self._labels = {text: Labels(searcher, text, keyword)
                            for text, keyword in LABEL_FIELDS.items()
                            if text in schema and keyword in schema}
        return self._labels

    def date_keys(self, searcher: Searcher) -> DateKeys:
        if self._date_keys is None:
            self._date_keys = DateKeys(searcher)
        return self._date_keys

    def doc_id(self, searcher: Searcher, docnum: int) -> str:
        if self.ids is not None:
            value = self.ids[docnum]
            return value.decode("utf-8") if isinstance(value, bytes) else str(value)
        return searcher.stored_fields(docnum)["id"]


_TOOLS: weakref.WeakKeyDictionary[Searcher, _SearchTools] = weakref.WeakKeyDictionary()


def _tools(searcher: Searcher) -> _SearchTools:
    tools = _TOOLS.get(searcher)
    if tools is None:
        tools = _TOOLS[searcher] = _SearchTools(searcher)
    return tools


# Fields whose lengths every relevance search of a plain word, topic or story uses.
_SCORED_FIELDS = (DEFAULT_FIELD, "topics", "stories")


def prepare(searcher: Searcher) -> None:
    """Do now what the first search on ``searcher`` would otherwise pay for: the
    parser, the date keys in date order (and which segments are numbered newest first),
    the distinct stories and topics, the field lengths and the deleted documents (about
    a second at 100,000 events). The app calls it in a background worker after its
    first paint (``Library.prepare_search``)."""
    tools = _tools(searcher)
    keys = tools.date_keys(searcher)
    keys.sorted()
    for leaf, offset in searcher.leaf_searchers():
        keys.dated_first(offset, leaf.doc_count_all())  # whether it is numbered newest first
    tools.labels(searcher)
    fields = [name for name in _SCORED_FIELDS if name in searcher.schema]
    tools.weighting.lengths.read_all(searcher, fields)
    for name in fields:
        tools.weighting.norms(searcher, name)
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        if reader.has_deletions():
            getattr(reader, "deleted_docs_set", None)


def parse_query(text: str, searcher: Searcher) -> wq.Query:
    check_query(text)
    try:
        return _tools(searcher).parser.parse(text)
    except Exception as exc:  # noqa: BLE001 - any parser failure is the query's fault
        raise QueryError(f"query {text!r} cannot be read: {exc}") from None


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
    weighting = _tools(searcher).weighting
    parts = plan(q, searcher)
    if sort != "relevance":
        keys = _tools(searcher).date_keys(searcher)
        finder = None if parts is None else Matches(searcher, parts, weighting, deadline)
        docnums, total, exact, cut_short = in_date_order(searcher, q, keys, need,
                                                         sort == "newest", deadline, finder)
        if not exact and not cut_short:
            notes.append(f"about {total:,} matches (estimated)")
        return [(d, 0.0) for d in docnums], total, exact, cut_short
    if SCORE_BUDGET:
        reader = searcher.reader()
        estimate = q.estimate_size(reader)
        newest = newest_span(scoring_cost(q, reader),
                             lambda: _tools(searcher).date_keys(searcher), SCORE_BUDGET)
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
    weighting = _tools(searcher).weighting
    cut_short = False
    try:
        searcher.search_with_collector(q, _Deadline(collector, deadline),
                                       context=searcher.context(weighting=weighting))
    except TimeLimit:
        cut_short = True
    results = collector.results()
    ranked = [(results.docnum(n), results.score(n)) for n in range(results.scored_length())]
    return ranked, collector.count(), cut_short


def _day_of(key: int) -> str:
    """A date key (the date field's number) as an ISO day."""
    return long_to_datetime(key).date().isoformat()


def run_search(
    searcher: Searcher,
    texts: TextLookup,
    topics: TopicLookup,
    text: str,
    limit: int = 50,
    sort: str = "relevance",
    kind: str | None = None,
    time_limit: float = TIME_LIMIT,
    vocabulary: Callable[[], Vocabulary] | None = None,
    facet_sample: int = FACET_SAMPLE,
) -> SearchResults:
    """Run one query; every problem comes back in ``error``, never as an exception.
    The facets count the topics of the best ``facet_sample`` matches, or of the hits
    listed when there are more of those.

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
    tools = _tools(searcher)
    if has_label_query(q):
        q = with_labels(q, tools.labels(searcher))
    if has_date_range(q):
        q = with_date_spans(q, tools.date_keys(searcher))
    # The date keys are read once per searcher (at most a few tenths of a second): not
    # out of this query's time limit.
    tools.date_keys(searcher).sorted()
    ranked, total, total_exact, cut_short = _ranked(
        searcher, q, max(limit, facet_sample), sort, time.perf_counter() + time_limit, notes)
    shown = ranked[:limit]
    stored = [searcher.stored_fields(docnum) for docnum, _ in shown]
    ranked_ids = [fields["id"] for fields in stored]
    # A search the time limit cut short counts the topics of the hits it lists only: its
    # results are partial anyway, and looking up the topics of 200 hits took as long again
    # as its collecting.
    if not cut_short:
        ranked_ids += [tools.doc_id(searcher, docnum) for docnum, _ in ranked[limit:]]
    topics_by_id = topics(ranked_ids)
    bodies = texts(ranked_ids[:limit])
    facet_counts: dict[str, tuple[str, int]] = {}
    for doc_id in ranked_ids:
        for topic in topics_by_id.get(doc_id, ()):
            name, n = facet_counts.get(topic.casefold(), (topic, 0))
            facet_counts[topic.casefold()] = (name, n + 1)
    words = frozenset(term.decode("utf-8", "replace") if isinstance(term, bytes) else str(term)
                      for field_name, term in q.iter_all_terms() if field_name == DEFAULT_FIELD)
    first_word = first_word_pattern(set(words))
    hits = []
    for fields, (_, score) in zip(stored, shown, strict=True):
        stamp = fields.get("date")
        hits.append(Hit(
            id=fields["id"], kind=fields["kind"],
            date=stamp.date() if isinstance(stamp, datetime) else None,
            title=fields.get("headline", ""), story=fields.get("story", ""),
            topics=tuple(topics_by_id.get(fields["id"], ())),
            snippet=tools.snippets.cut(bodies.get(fields["id"], ""), words, first_word),
            score=float(score or 0.0),
        ))
    suggestion = None
    # A search cut short found its few hits in the time it had, not in the whole index:
    # too few to offer another spelling.
    if total < SUGGEST_BELOW and not cut_short and vocabulary is not None:
        suggestion = suggest(text, vocabulary())
    facets = sorted(facet_counts.values(), key=lambda item: (-item[1], item[0].casefold()))
    return SearchResults(
        query=text, total=total, hits=tuple(hits), elapsed=time.perf_counter() - started,
        suggestion=suggestion, cut_short=cut_short, facets=tuple(facets[:20]), sort=sort,
        notes=tuple(notes), total_exact=total_exact,
    )
