"""Reading one word's posting list in one segment, fast, through Whoosh's documented
matcher API (``is_active``, ``id``, ``weight``, ``next``, ``skip_to``).

A list is read whole, in stretches of document numbers that cover a set of wanted
documents, or document by document with ``skip_to`` when only a few are wanted. Every
loop reads the clock after its first posting and then every :data:`CLOCK_EVERY`: once
the deadline has passed, the segment's ``horizon`` (the last document read) bounds
everything read after it, so the documents up to it are still scored whole.
"""

from __future__ import annotations

import contextlib
import heapq
import time
from collections.abc import Callable, Sequence
from typing import Any

from whoosh.matching import FilterMatcher, Matcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from tui.ranking import ArrayBM25F

# An AND's later word is sought document by document (skip_to) when it has more than
# this many times as many postings in the segment as there are documents left.
SEEK_RATIO = 8
# A restriction to a set of documents is read as stretches of the posting list; two
# wanted documents this far apart or more start a new stretch (blocks are 128 postings).
STRETCH_GAP = 512
# Postings read between two looks at the clock.
CLOCK_EVERY = 1024
NO_HORIZON = 2**62
EVERYTHING = ((0, NO_HORIZON),)
# heapq.nlargest keeps a heap of n in Python code: when there are fewer than about this
# many times n items, sorting them all (in C) is quicker (200 of 470 scores: 16 µs
# sorted, 270 µs through the heap).
SORT_BELOW = 10


def largest(n: int, items: Sequence[Any]) -> list[Any]:
    """``heapq.nlargest(n, items)``, i.e. ``sorted(items, reverse=True)[:n]``, by
    whichever of the two is quicker for so many items."""
    if len(items) <= SORT_BELOW * n:
        return sorted(items, reverse=True)[:n]
    return heapq.nlargest(n, items)


def smallest(n: int, items: Sequence[Any]) -> list[Any]:
    """``heapq.nsmallest(n, items)``, i.e. ``sorted(items)[:n]``, the quicker way."""
    if len(items) <= SORT_BELOW * n:
        return sorted(items)[:n]
    return heapq.nsmallest(n, items)


class TermCounts:
    """Each word's document frequency in each segment, looked up once per search.

    Whoosh looks a word up in a segment's term table (a hash table read through the
    file, about 15 µs) each time it is asked, and a search asks several times (its
    estimate, its cost, each part's size, whether the word is there at all): for a word
    over the seven segments of a 100,000-event index that was about forty lookups.
    One per search: what it holds is never used for another.
    """

    def __init__(self, reader: IndexReader) -> None:
        self.top = reader
        self.leaves = [leaf for leaf, _ in reader.leaf_readers()]
        self._counts: dict[tuple[int, str, object], int] = {}

    def _key(self, reader: IndexReader, fieldname: str, text: object) -> tuple[int, str, object]:
        if isinstance(text, str) and fieldname in reader.schema:
            with contextlib.suppress(ValueError):
                text = reader.schema[fieldname].to_bytes(text)
        return id(reader), fieldname, text

    def of(self, reader: IndexReader, fieldname: str, text: object) -> int:
        """``reader.doc_frequency(fieldname, text)`` (a segment's reader), asked once."""
        key = self._key(reader, fieldname, text)
        found = self._counts.get(key)
        if found is None:
            found = self._counts[key] = reader.doc_frequency(fieldname, text)
        return found

    def reader(self) -> IndexReader:
        """The searcher's reader with its ``doc_frequency`` answered from these counts,
        for Whoosh's ``Query.estimate_size``."""
        return _CountedReader(self)


class _CountedReader:
    """An index reader whose ``doc_frequency`` adds up its segments' counted ones (as
    Whoosh's multi-segment reader adds them up); everything else is the reader's own."""

    def __init__(self, counts: TermCounts) -> None:
        self._counts = counts

    def doc_frequency(self, fieldname: str, text: object) -> int:
        counts = self._counts
        return sum(counts.of(leaf, fieldname, text) for leaf in counts.leaves)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._counts.top, name)


class Within:
    """The documents (one segment's numbers, ascending) a part of a query may match."""

    def __init__(self, docs: Sequence[int]) -> None:
        self.docs = docs
        self._members: frozenset[int] | None = None
        self._stretches: list[tuple[int, int]] | None = None

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def members(self) -> frozenset[int]:
        if self._members is None:
            self._members = frozenset(self.docs)
        return self._members

    @property
    def whole(self) -> bool:
        """Whether every document the stretches cover is wanted (one run of numbers, as
        the newest dates of a newest-first segment are): what is read needs no sifting."""
        docs = self.docs
        return isinstance(docs, range) and docs.step == 1

    def stretches(self) -> list[tuple[int, int]]:
        """(first, last) runs of document numbers that cover every wanted one."""
        if self._stretches is None and self.whole:
            docs = self.docs
            self._stretches = [(docs[0], docs[-1])] if docs else []
        if self._stretches is None:
            found: list[tuple[int, int]] = []
            docs = self.docs
            if docs:
                start = previous = docs[0]
                for doc in docs:
                    if doc - previous >= STRETCH_GAP:
                        found.append((start, previous))
                        start = doc
                    previous = doc
                found.append((start, previous))
            self._stretches = found
        return self._stretches

    def covered(self) -> int:
        """How many document numbers the stretches span, wanted or not."""
        return sum(last - first + 1 for first, last in self.stretches())

    def seek(self, postings: int, documents: int) -> bool:
        """Whether to seek each wanted document rather than read the stretches of a list
        of ``postings`` over a segment of ``documents``. A seek costs about
        :data:`SEEK_RATIO` postings read; reading costs a seek to each stretch and the
        postings inside it (little for the one leading stretch of the newest documents)."""
        seeking = len(self.docs) * SEEK_RATIO
        if seeking >= postings:
            return False
        reading = len(self.stretches()) * SEEK_RATIO + postings * self.covered() / max(documents, 1)
        return seeking < reading


class Segment:
    """One leaf searcher of the top searcher, with what scoring it needs.

    ``horizon``: once the deadline has passed, the last document number read; nothing
    after it is read any more, and only matches up to it count (every part of the
    query has been read that far, so their scores are whole).
    """

    def __init__(self, leaf: Searcher, offset: int, weighting: ArrayBM25F,
                 deleted: frozenset[int], deadline: float) -> None:
        self.leaf = leaf
        self.reader = leaf.reader()
        self.offset = offset
        self.weighting = weighting
        self.deleted = deleted
        self.deadline = deadline
        self.horizon = NO_HORIZON


def raw_matcher(matcher: Matcher) -> Matcher:
    """The segment's own posting matcher: deleted documents are taken out afterwards,
    all at once, rather than by a wrapper at every posting."""
    if isinstance(matcher, FilterMatcher):
        return matcher.children()[0]
    return matcher


def read_postings(m: Matcher, stretches: Sequence[tuple[int, int]], segment: Segment,
                  ids: list[int], tfs: list[float]) -> None:
    """The postings within ``stretches`` (first, last document), up to the horizon.

    The clock is read after the first posting and then every :data:`CLOCK_EVERY`.
    """
    is_active, ident, weight, advance = m.is_active, m.id, m.weight, m.next
    add_id, add_tf = ids.append, tfs.append
    deadline, clock = segment.deadline, time.perf_counter
    horizon = segment.horizon
    countdown = 1
    for first, last in stretches:
        last = min(last, horizon)
        if first > last or not is_active():
            return
        if ident() < first:
            m.skip_to(first)
        while is_active():
            doc = ident()
            if doc > last:
                break
            add_id(doc)
            add_tf(weight())
            advance()
            countdown -= 1
            if not countdown:
                if clock() > deadline:
                    segment.horizon = doc
                    return
                countdown = CLOCK_EVERY


def read_ids(m: Matcher, stretches: Sequence[tuple[int, int]], segment: Segment,
             ids: list[int]) -> None:
    """As :func:`read_postings`, the document numbers alone (for matches that are not
    scored: a date order, a word after NOT)."""
    is_active, ident, advance = m.is_active, m.id, m.next
    add_id = ids.append
    deadline, clock = segment.deadline, time.perf_counter
    horizon = segment.horizon
    countdown = 1
    for first, last in stretches:
        last = min(last, horizon)
        if first > last or not is_active():
            return
        if ident() < first:
            m.skip_to(first)
        while is_active():
            doc = ident()
            if doc > last:
                break
            add_id(doc)
            advance()
            countdown -= 1
            if not countdown:
                if clock() > deadline:
                    segment.horizon = doc
                    return
                countdown = CLOCK_EVERY


def read_positions(m: Matcher, stretches: Sequence[tuple[int, int]], segment: Segment,
                   decode: Callable[[bytes], list[int]],
                   found: dict[int, tuple[float, list[int]]],
                   members: frozenset[int] | None = None) -> None:
    """As :func:`read_postings`, each posting's weight and word positions (its value,
    ``decode``-d: the field format's positions decoder) into ``found``, only those of
    ``members`` if given (decoding positions is the dear part)."""
    is_active, ident, weight, value, advance = m.is_active, m.id, m.weight, m.value, m.next
    deadline, clock = segment.deadline, time.perf_counter
    horizon = segment.horizon
    countdown = 1
    for first, last in stretches:
        last = min(last, horizon)
        if first > last or not is_active():
            return
        if ident() < first:
            m.skip_to(first)
        while is_active():
            doc = ident()
            if doc > last:
                break
            if members is None or doc in members:
                found[doc] = (weight(), decode(value()))
            advance()
            countdown -= 1
            if not countdown:
                if clock() > deadline:
                    segment.horizon = doc
                    return
                countdown = CLOCK_EVERY


def seek_each(m: Matcher, docs: Sequence[int], segment: Segment, ids: list[int],
               tfs: list[float] | None) -> None:
    """Each of ``docs`` looked for with ``skip_to``, up to the horizon (with its weight
    unless ``tfs`` is None)."""
    is_active, ident, weight = m.is_active, m.id, m.weight
    deadline, clock = segment.deadline, time.perf_counter
    horizon = segment.horizon
    countdown = 1
    for doc in docs:
        if doc > horizon or not is_active():
            return
        if ident() < doc:
            m.skip_to(doc)
            if not is_active():
                return
        if ident() == doc:
            ids.append(doc)
            if tfs is not None:
                tfs.append(weight())
        countdown -= 1
        if not countdown:
            if clock() > deadline:
                segment.horizon = doc
                return
            countdown = CLOCK_EVERY


def segments(searcher: Searcher, weighting: ArrayBM25F, deadline: float) -> list[Segment]:
    found = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if not reader.doc_count():
            continue  # every document deleted
        deleted: frozenset[int] = frozenset()
        if reader.has_deletions():
            deleted = getattr(reader, "deleted_docs_set", None) or frozenset(
                d for d in range(reader.doc_count_all()) if reader.is_deleted(d))
        found.append(Segment(leaf, offset, weighting, deleted, deadline))
    return found
