"""Dates without Whoosh's slow paths: hits in date order, and date ranges.

Whoosh's ``sortedby=FieldFacet("date")`` scores and collects every matching document
through its collector chain. Here the matches are only enumerated (a boolean matcher,
no scoring), each looked up in the index's date keys (read once per searcher from the
``date`` column), and the first ``limit`` picked with a heap. Undated documents come
after every dated one in both orders.

A ``date:`` range in Whoosh is a union of many trie terms whose matches are all read
and merged for every search; :class:`DateSpan` takes the documents in the range from
the same date keys, sorted once, with two binary searches.
"""

from __future__ import annotations

import heapq
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Protocol

from whoosh import matching
from whoosh import query as wq
from whoosh.searching import Searcher

from tui.date_keys import UNDATED as _UNDATED
from tui.date_keys import DateKeys
from tui.posting_lists import SEEK_RATIO, smallest

# How many matches are enumerated between two looks at the clock.
_CLOCK_EVERY = 2048
# A query estimated to match more documents than this is walked in date order rather
# than having every match enumerated.
ENUMERATE_BELOW = 5_000
# A phrase's candidate costs about this many plain postings (its positions are read).
PHRASE_COST = 10
# A query matching at least this share of the documents is looked for in each of its
# newest documents in turn (best_among); a sparser one is intersected with them.
WALK_DENSITY = 0.3


# Matching document numbers, ascending: all of them (None) or those among the given
# ones (ascending); ``cut_short`` is true once the deadline has stopped it.
class Finder(Protocol):
    cut_short: bool

    def __call__(self, docnums: Sequence[int] | None = None) -> list[int]: ...


def in_date_order(searcher: Searcher, q: wq.Query, keys: DateKeys, limit: int, newest: bool,
                  deadline: float, finder: Finder | None = None, reader: object = None,
                  ) -> tuple[list[int], int, bool, bool]:
    """The first ``limit`` matching document numbers in date order, the number of
    matches, whether that number is exact, and whether the deadline stopped early.

    A query matching few documents has them all enumerated; one matching many is
    walked in date order instead, a stretch of dates at a time, until ``limit`` are
    found: ``government`` newest first then looks at a few hundred documents, not at
    the seventy thousand that hold the word. ``finder`` (``tui.postings.Matches``)
    reads the matches from the posting lists instead of through Whoosh's matchers;
    ``reader`` is the one to estimate the matches with (the searcher's by default).
    """
    estimate = q.estimate_size(searcher.reader() if reader is None else reader)
    if estimate <= ENUMERATE_BELOW or not len(keys.keys):
        if finder is not None:
            return _all_found(finder, keys, limit, newest)
        return _enumerated(searcher, q, keys, limit, newest, deadline)
    return _walked(searcher, q, keys, limit, newest, deadline, estimate, finder)


def _all_found(finder: Finder, keys: DateKeys, limit: int,
               newest: bool) -> tuple[list[int], int, bool, bool]:
    found = finder()
    first = smallest(limit, keys.sort_keys(found, newest))
    return [item & 0xFFFFFFFF for item in first], len(found), not finder.cut_short, finder.cut_short


def _enumerated(searcher: Searcher, q: wq.Query, keys: DateKeys, limit: int, newest: bool,
                deadline: float) -> tuple[list[int], int, bool, bool]:
    heap: list[int] = []  # the kept keys, negated: the worst kept one on top
    seen = 0
    cut_short = False
    sort_key = keys.sort_key
    clock = time.perf_counter
    for sub, offset in searcher.leaf_searchers():
        for local in q.docs(sub):
            item = -sort_key(local + offset, newest)
            if len(heap) < limit:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
            seen += 1
            if not seen % _CLOCK_EVERY and clock() > deadline:
                cut_short = True
                break
        if cut_short:
            break
    ordered = sorted(-item for item in heap)
    return [item & 0xFFFFFFFF for item in ordered], seen, not cut_short, cut_short


def _walk_range(q: wq.Query, sorted_keys: array) -> tuple[int, int]:
    """Positions in the sorted keys worth walking: within a date range the query
    requires (itself, or one of the parts of its top-level And), else all dated ones
    and the undated ones after them."""
    spans = [q] if isinstance(q, DateSpan) else [
        child for child in q.children() if isinstance(child, DateSpan)
    ] if isinstance(q, wq.And) else []
    if not spans:
        return 0, len(sorted_keys)
    low = max(span.low for span in spans)
    high = min(span.high for span in spans)
    return bisect_left(sorted_keys, low), bisect_right(sorted_keys, high)


class _Sequence:
    """Two ranges of positions one after the other, indexable without a list."""

    def __init__(self, head: range, tail: range) -> None:
        self.head, self.tail = head, tail
        self.split = len(head)

    def __len__(self) -> int:
        return self.split + len(self.tail)

    def __getitem__(self, index: int) -> int:
        return self.head[index] if index < self.split else self.tail[index - self.split]


def _walked(searcher: Searcher, q: wq.Query, keys: DateKeys, limit: int, newest: bool,
            deadline: float, estimate: int, finder: Finder | None,
            ) -> tuple[list[int], int, bool, bool]:
    sorted_keys, order = keys.sorted()
    first, end = _walk_range(q, sorted_keys)
    dated_end = min(end, bisect_left(sorted_keys, _UNDATED))
    # Positions in walking order: newest first runs backwards over the dated ones.
    sequence = _Sequence(range(dated_end - 1, first - 1, -1), range(dated_end, end)) if (
        newest) else _Sequence(range(first, end), range(0))
    total = len(sorted_keys)
    # as many documents as should hold the matches asked for, at the query's density
    # among the documents walked
    stretch = max(2 * limit, int(limit * 1.25 * min(total, end - first) / max(estimate, 1)))
    leaves = [(sub, offset, sub.doc_count_all()) for sub, offset in searcher.leaf_searchers()]
    found: list[int] = []
    at = 0
    cut_short = False
    while at < len(sequence) and len(found) < limit:
        stop = min(at + stretch, len(sequence))
        # Whole dates only: a date split between two stretches would order its
        # documents by which stretch they fell in.
        while stop < len(sequence) and sorted_keys[sequence[stop]] == sorted_keys[
                sequence[stop - 1]]:
            stop += 1
        docnums = sorted(order[sequence[i]] for i in range(at, stop))
        if finder is not None:
            found.extend(finder(docnums))
            cut_short = finder.cut_short
        for sub, offset, count in leaves if finder is None else ():
            start, finish = bisect_left(docnums, offset), bisect_left(docnums, offset + count)
            if start == finish:
                continue
            matcher = q.matcher(sub, sub.boolean_context())
            for number, docnum in enumerate(docnums[start:finish], 1):
                if not matcher.is_active():
                    break
                matcher.skip_to(docnum - offset)
                if matcher.is_active() and matcher.id() == docnum - offset:
                    found.append(docnum)
                if not number % _CLOCK_EVERY and time.perf_counter() > deadline:
                    cut_short = True  # this stretch is not all looked at
                    break
            if cut_short:
                break
        at = stop
        stretch *= 2
        if cut_short or time.perf_counter() > deadline:
            cut_short = cut_short or (at < len(sequence) and len(found) < limit)
            break
    first = [item & 0xFFFFFFFF for item in smallest(limit, keys.sort_keys(found, newest))]
    return first, max(estimate, len(found)), False, cut_short


class DateSpan(wq.Query):
    """The documents dated within a range (the replacement of a ``date:`` range query)."""

    def __init__(self, keys: DateKeys, low: int, high: int, boost: float = 1.0) -> None:
        self.fieldname = "date"
        self.keys = keys
        self.low, self.high = low, high
        self.boost = boost
        self._docnums: array | None = None

    @property
    def docnums(self) -> array:
        """Every document in the span, ascending (read at the first use: a search
        of newest-first segments needs only :meth:`local`)."""
        if self._docnums is None:
            self._docnums = self.keys.docs_between(self.low, min(self.high, _UNDATED - 1))
        return self._docnums

    def local(self, offset: int, count: int) -> Sequence[int]:
        """The span's documents in the leaf at ``offset``, by the leaf's own numbers."""
        found = self.keys.leaf_range(offset, count, self.low, min(self.high, _UNDATED - 1))
        if found is not None:
            return found
        docnums = self.docnums
        start, end = bisect_left(docnums, offset), bisect_left(docnums, offset + count)
        return [d - offset for d in docnums[start:end]]

    def __repr__(self) -> str:
        return f"DateSpan({self.low}, {self.high}, boost={self.boost})"

    def __str__(self) -> str:
        return f"date:[{self.low} TO {self.high}]"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, DateSpan) and (self.low, self.high, self.boost)
                == (other.low, other.high, other.boost))

    def __hash__(self) -> int:
        return hash((self.low, self.high, self.boost))

    def estimate_size(self, ixreader) -> int:  # type: ignore[no-untyped-def]
        return self.keys.count_between(self.low, min(self.high, _UNDATED - 1))

    def matcher(self, searcher: Searcher, context=None) -> matching.Matcher:  # type: ignore[no-untyped-def]
        if id(searcher) == self.keys.top:
            offset, count = 0, searcher.doc_count_all()
        else:
            offset, count = self.keys.leaves.get(id(searcher), (0, searcher.doc_count_all()))
        local = array("I", self.local(offset, count))
        reader = searcher.reader()
        if reader.has_deletions():
            local = array("I", (d for d in local if not reader.is_deleted(d)))
        if not local:
            return matching.NullMatcher()
        if not self.boost:  # ListMatcher takes a weight of 0 for "none given" (1.0)
            return matching.WrappingMatcher(matching.ListMatcher(local), boost=0.0)
        return matching.ListMatcher(local, all_weights=self.boost)


def with_date_spans(q: wq.Query, keys: DateKeys) -> wq.Query:
    """``q`` with each range on the ``date`` field answered from ``keys``."""
    if isinstance(q, wq.NumericRange) and q.fieldname == "date":
        low = 0 if q.start is None else int(q.start) + (1 if q.startexcl else 0)
        high = _UNDATED - 1 if q.end is None else int(q.end) - (1 if q.endexcl else 0)
        return DateSpan(keys, low, high, boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(lambda child: with_date_spans(child, keys))


def has_date_range(q: wq.Query) -> bool:
    return any(isinstance(leaf, wq.NumericRange) and leaf.fieldname == "date"
               for leaf in q.leaves())


def scoring_cost(q: wq.Query, reader) -> int:  # type: ignore[no-untyped-def]
    """About how many postings a search of ``q`` reads and scores: every word's, a
    phrase's words :data:`PHRASE_COST` times over; date spans and weightless filters
    (``kind``) are nearly free. A word after NOT is read wherever the rest matches:
    for a common one that is nearly its whole list."""
    negated = {id(leaf) for node in _nots(q) for leaf in node.query.leaves()}
    cost = 0
    words = 0
    phrases = False
    excluded = 0
    for leaf in q.leaves():
        if isinstance(leaf, DateSpan) or leaf.boost == 0:
            continue
        if id(leaf) in negated:
            excluded += leaf.estimate_size(reader)
        elif isinstance(leaf, wq.Phrase):
            phrases = True
            words += len(leaf.words)
            cost += PHRASE_COST * sum(reader.doc_frequency(leaf.fieldname, word)
                                      for word in leaf.words)
        elif isinstance(leaf, wq.Term):
            words += 1
            cost += reader.doc_frequency(leaf.fieldname, leaf.text)
        else:
            words += 1
            cost += leaf.estimate_size(reader)
    # An AND is driven by its rarest part (a date range too): no more than that many
    # documents are looked at for each word.
    estimate = q.estimate_size(reader)
    bound = estimate * max(words, 1) * (PHRASE_COST if phrases else 1)
    return min(cost, bound) + min(excluded, estimate * SEEK_RATIO)


def _nots(q: wq.Query) -> list[wq.Not]:
    if isinstance(q, wq.Not):
        return [q]
    if q.is_leaf():
        return []
    return [found for child in q.children() for found in _nots(child)]


def newest_span(cost: int, keys_of: Callable[[], DateKeys],
                budget: int) -> tuple[DateSpan, float] | None:
    """For a search that would read more than ``budget`` postings (``cost``), the
    newest dates that hold about ``budget`` worth of them, and their share of the
    dated documents; None when the whole archive is affordable."""
    if cost <= budget:
        return None
    keys = keys_of()
    sorted_keys, _ = keys.sorted()
    dated = bisect_left(sorted_keys, _UNDATED)
    if not dated:
        return None
    share = max(1, dated * budget // cost)
    if share >= dated * 0.8:  # nearly everything: restricting would only add work
        return None
    span = DateSpan(keys, sorted_keys[dated - share], _UNDATED - 1, boost=0.0)
    return span, span.estimate_size(None) / dated


def best_among(searcher: Searcher, q: wq.Query, docnums: array, need: int, deadline: float,
               weighting: object) -> tuple[list[tuple[int, float]], int, bool]:
    """The ``need`` best-scored matches of ``q`` among ``docnums`` (ascending), as
    Whoosh's top-N collector orders them (score, then lower document number), how many
    matched, and whether the deadline stopped it. Each of ``docnums`` is sought with
    ``skip_to``: for a word in most documents a third of what intersecting the
    word with a list of documents costs in Whoosh's matchers."""
    items: list[tuple[float, int]] = []
    matched = 0
    cut_short = False
    context = searcher.context(weighting=weighting)
    for sub, offset in searcher.leaf_searchers():
        count = sub.doc_count_all()
        start, finish = bisect_left(docnums, offset), bisect_left(docnums, offset + count)
        if start == finish:
            continue
        matcher = q.matcher(sub, context)
        for number, docnum in enumerate(docnums[start:finish], 1):
            if not matcher.is_active():
                break
            local = docnum - offset
            matcher.skip_to(local)
            if matcher.is_active() and matcher.id() == local:
                matched += 1
                score = matcher.score()
                if len(items) < need:
                    heapq.heappush(items, (score, -docnum))
                elif score > items[0][0]:
                    heapq.heapreplace(items, (score, -docnum))
            if not number % _CLOCK_EVERY and time.perf_counter() > deadline:
                cut_short = True
                break
        if cut_short:
            break
    items.sort(reverse=True)
    return [(-negated, score) for score, negated in items], matched, cut_short
