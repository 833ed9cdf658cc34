"""Relevance search of the common query shapes, read straight from the posting lists.

Whoosh's collector asks every matched document for its score through four or five
layers of matcher, wrapper and scorer objects: 2-5 µs a posting in Python. For a query
made of words (of any field), phrases, AND, OR, NOT inside an AND, date spans and
weightless filters, each word's postings are read here once per segment in one tight
loop (:mod:`tui.posting_lists`), scored from the length bytes with Whoosh's own BM25F
arithmetic (:mod:`tui.ranking`) and combined with dict and set operations. Words of an
AND after the rarest are only looked up among the documents still in the running; a
phrase is such an AND whose candidates then have the words' positions read (words and
phrases: :mod:`tui.query_words`).

Scores, totals and the order of hits (score, then lower document number) are
Whoosh's; a sum of several words may differ from Whoosh's in the last bit, as Whoosh's
own sums do from one segment to the next. Anything else (a phrase with a slop, ranges
of other fields, a NOT on its own) is left to Whoosh: :func:`plan` returns None.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Sequence

from whoosh import query as wq
from whoosh.searching import Searcher

from tui.date_order import DateSpan
from tui.posting_lists import (
    NO_HORIZON,
    Segment,
    TermCounts,
    Within,
    largest,
    segments,
)
from tui.query_words import Phrase, Word
from tui.ranking import ArrayBM25F


class _Span:
    """A date span (``tui.date_order.DateSpan``): every document scores its boost."""

    def __init__(self, span: DateSpan) -> None:
        self.span = span

    def local(self, segment: Segment) -> Sequence[int]:
        return self.span.local(segment.offset, segment.reader.doc_count_all())

    def size(self, segment: Segment) -> int:
        return len(self.local(segment))

    def docs(self, segment: Segment, within: Within | None) -> set[int]:
        local = self.local(segment)
        if within is None:
            return set(local)
        if isinstance(local, range):  # answers `in` by arithmetic
            return {d for d in within.docs if d in local}
        return within.members.intersection(local)

    def scores(self, segment: Segment, within: Within | None) -> dict[int, float]:
        return dict.fromkeys(self.docs(segment, within), float(self.span.boost))


class _All:
    """AND: the rarest part first, each further part read only among its matches."""

    def __init__(self, parts: list, negated: list, boost: float) -> None:  # type: ignore[type-arg]
        self.parts = parts
        self.negated = negated
        self.boost = boost

    def size(self, segment: Segment) -> int:
        return min(part.size(segment) for part in self.parts)

    def scores(self, segment: Segment, within: Within | None) -> dict[int, float]:
        parts = sorted(self.parts, key=lambda part: part.size(segment))
        found = parts[0].scores(segment, within)
        for part in parts[1:]:
            if not found:
                return found
            more = part.scores(segment, Within(sorted(found)))
            found = {d: score + more[d] for d, score in found.items() if d in more}
        for part in self.negated:  # Whoosh's inverse matcher scores 1.0 where it matches
            if not found:
                return found
            unwanted = part.docs(segment, Within(sorted(found)))
            found = {d: score + 1.0 for d, score in found.items() if d not in unwanted}
        if self.boost != 1.0:
            found = {d: score * self.boost for d, score in found.items()}
        return found

    def docs(self, segment: Segment, within: Within | None) -> set[int]:
        parts = sorted(self.parts, key=lambda part: part.size(segment))
        found = parts[0].docs(segment, within)
        for part in parts[1:]:
            if not found:
                return found
            found &= part.docs(segment, Within(sorted(found)))
        for part in self.negated:
            if not found:
                return found
            found -= part.docs(segment, Within(sorted(found)))
        return found


class _Any:
    """OR: every part's matches, their scores added (a wide OR boosts each part)."""

    def __init__(self, parts: list, boost: float, wide: bool) -> None:  # type: ignore[type-arg]
        self.parts = parts
        self.boost = boost
        self.wide = wide

    def size(self, segment: Segment) -> int:
        return sum(part.size(segment) for part in self.parts)

    def scores(self, segment: Segment, within: Within | None) -> dict[int, float]:
        boost = self.boost
        found: dict[int, float] = {}
        for part in self.parts:
            more = part.scores(segment, within)
            if self.wide and boost != 1.0:
                more = {d: score * boost for d, score in more.items()}
            if not found:
                found = more
                continue
            get = found.get
            found.update({d: get(d, 0.0) + score for d, score in more.items()})
        if not self.wide and boost != 1.0:
            found = {d: score * boost for d, score in found.items()}
        return found

    def docs(self, segment: Segment, within: Within | None) -> set[int]:
        found: set[int] = set()
        for part in self.parts:
            found |= part.docs(segment, within)
        return found


def plan(q: wq.Query, searcher: Searcher, counts: TermCounts | None = None) -> object | None:
    """The query as parts this module can score, or None when Whoosh must; ``counts``
    are the search's (its words' document frequencies, looked up once)."""
    from tui.labels import WideOr

    if counts is None:
        counts = TermCounts(searcher.reader())

    if type(q) is wq.Term:
        if q.fieldname not in searcher.schema:
            return None
        field = searcher.schema[q.fieldname]
        try:
            text = field.to_bytes(q.text)
        except ValueError:
            return _Any([], 1.0, wide=False)  # Whoosh's NullMatcher
        return Word(searcher, q.fieldname, text, q.boost, counts)
    if isinstance(q, DateSpan):
        return _Span(q)
    if type(q) is wq.Phrase and q.slop == 1 and q.words and q.fieldname in searcher.schema:
        field = searcher.schema[q.fieldname]
        if not field.format or not field.format.supports("positions"):
            return None
        try:
            words = [Word(searcher, q.fieldname, field.to_bytes(w), 1.0, counts)
                     for w in q.words]
        except ValueError:
            return _Any([], 1.0, wide=False)
        return Phrase(words, q.boost)
    if q is wq.NullQuery:
        return _Any([], 1.0, wide=False)
    if type(q) is wq.And:
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        parts = [plan(c, searcher, counts) for c in positive]
        negated = [plan(c, searcher, counts) for c in negative]
        if not parts or any(p is None for p in parts + negated):
            return None
        if len(parts) == 1 and not negated and q.boost == 1.0:
            return parts[0]
        return _All(parts, negated, q.boost)
    if isinstance(q, wq.Or) and type(q) in (wq.Or, WideOr) and not q.scale and not q.minmatch:
        parts = [plan(c, searcher, counts) for c in q.subqueries]
        if any(p is None for p in parts) or any(isinstance(c, wq.Not) for c in q.subqueries):
            return None
        if len(parts) == 1 and q.boost == 1.0:
            return parts[0]
        return _Any(parts, q.boost, wide=isinstance(q, WideOr))
    return None

def best_scored(searcher: Searcher, parts: object, need: int, deadline: float,
                weighting: ArrayBM25F, within: DateSpan | None = None,
                ) -> tuple[list[tuple[int, float]], int, bool]:
    """The ``need`` best (docnum, score) of the planned query, best first (ties: lower
    document number first), how many documents matched, and whether the deadline
    stopped it (the hits are then those of the documents read before it)."""
    best: list[tuple[float, int]] = []
    matched = 0
    cut_short = False
    for number, segment in enumerate(segments(searcher, weighting, deadline)):
        if number and time.perf_counter() > deadline:
            cut_short = True
            break
        allowed = None
        if within is not None:
            allowed = Within(_Span(within).local(segment))
            if not allowed.docs:
                continue
        scores = parts.scores(segment, allowed)  # type: ignore[attr-defined]
        for doc in segment.deleted.intersection(scores):
            del scores[doc]
        if segment.horizon != NO_HORIZON:
            horizon = segment.horizon
            scores = {d: score for d, score in scores.items() if d <= horizon}
            cut_short = True
        matched += len(scores)
        offset = segment.offset
        if len(scores) > need:
            scores = _segment_best(scores, need)
        best.extend((score, -(d + offset)) for d, score in scores.items())
        if len(best) > 4 * need:
            best = largest(need, best)
        if cut_short:
            break
    best = largest(need, best)
    return [(-negated, score) for score, negated in best], matched, cut_short


def _segment_best(scores: dict[int, float], need: int) -> dict[int, float]:
    """The ``need`` best of one segment's scores (ties: lower document number first).
    Whoever is not among them cannot be among the best of all segments. Many matches
    often share the lowest score kept (a story's or topic's documents, a date range):
    of those only as many of the first as are still needed are kept, not all."""
    floor = largest(need, list(scores.values()))[-1]
    above = {d: s for d, s in scores.items() if s > floor}
    tied = [d for d, s in scores.items() if s == floor]
    if len(above) + len(tied) > need:
        tied = sorted(tied)[:need - len(above)]
    above.update(dict.fromkeys(tied, floor))
    return above


class Matches:
    """The matching documents (no scores) of a planned query, for date-ordered hits:
    all of them, or those among given document numbers; ``cut_short`` once the
    deadline stopped a read (the documents read before it are still given)."""

    def __init__(self, searcher: Searcher, parts: object, weighting: ArrayBM25F,
                 deadline: float) -> None:
        self.parts = parts
        self.segments = segments(searcher, weighting, deadline)
        self.cut_short = False

    def __call__(self, docnums: Sequence[int] | None = None) -> list[int]:
        """Matching document numbers, ascending (among ``docnums``, ascending, if given)."""
        found: list[int] = []
        for segment in self.segments:
            if self.cut_short:
                break
            offset, count = segment.offset, segment.reader.doc_count_all()
            within = None
            if docnums is not None:
                start = bisect_left(docnums, offset)
                end = bisect_left(docnums, offset + count, start)
                if start == end:
                    continue
                within = Within([d - offset for d in docnums[start:end]])
            local = self.parts.docs(segment, within)  # type: ignore[attr-defined]
            local -= segment.deleted
            if segment.horizon != NO_HORIZON:
                horizon = segment.horizon
                local = {d for d in local if d <= horizon}
                self.cut_short = True
            found.extend(sorted(d + offset for d in local))
        return found
