"""Every document's date as a sortable number, read once per searcher.

The ``date`` column (no indexed terms: ``tui.index.schema.date_column``) gives each
document's date; a build numbers each segment's documents newest first, undated last,
so a date range is one run of document numbers in each such segment.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import islice
from operator import ge, neg

from whoosh.searching import Searcher

# The raw value of the date column for a document without a date (its default).
UNDATED = 2**64 - 1


class DateKeys:
    """Every document's date as a sortable number, by document number."""

    def __init__(self, searcher: Searcher) -> None:
        keys = array("Q")
        if "date" in searcher.schema and searcher.doc_count_all():
            column = searcher.reader().column_reader("date", translate=False)
            keys.extend(int(value) if value is not None else UNDATED for value in column)
        self.keys = keys
        self.top = id(searcher)
        self.leaves = {id(sub): (offset, sub.doc_count_all())
                       for sub, offset in searcher.leaf_searchers()}
        self._sorted: tuple[array, array] | None = None
        self._dated: dict[tuple[int, int], int | None] = {}

    def sorted(self) -> tuple[array, array]:
        """The date keys in ascending order and the document numbers they belong to
        (ties by document number), sorted at the first use."""
        if self._sorted is None:
            keys = self.keys
            order = array("I", sorted(range(len(keys)), key=keys.__getitem__))
            self._sorted = (array("Q", (keys[d] for d in order)), order)
        return self._sorted

    def count_between(self, low: int, high: int) -> int:
        """How many documents are dated within ``low``..``high``."""
        sorted_keys, _ = self.sorted()
        return bisect_right(sorted_keys, high) - bisect_left(sorted_keys, low)

    def dated_first(self, offset: int, count: int) -> int | None:
        """How many documents of the leaf at ``offset`` are dated, when they are numbered
        newest first and undated last (as a build writes them); None when not."""
        if (offset, count) not in self._dated:
            leaf = self.keys[offset:offset + count]
            try:
                dated = leaf.index(UNDATED)
            except ValueError:
                dated = len(leaf)
            ordered = (leaf.count(UNDATED) == len(leaf) - dated
                       and all(map(ge, leaf[:dated], islice(leaf, 1, dated))))
            self._dated[offset, count] = dated if ordered else None
        return self._dated[offset, count]

    def leaf_range(self, offset: int, count: int, low: int, high: int) -> range | None:
        """The leaf's own numbers of its documents dated within ``low``..``high``, when
        they are numbered newest first (one run of numbers); None when not."""
        dated = self.dated_first(offset, count)
        if dated is None:
            return None
        keys, end = self.keys, offset + dated
        start = bisect_left(keys, -high, offset, end, key=neg)
        stop = bisect_right(keys, -low, start, end, key=neg)
        return range(start - offset, stop - offset)

    def docs_between(self, low: int, high: int) -> array:
        """Document numbers (ascending) whose date key is within ``low``..``high``."""
        sorted_keys, order = self.sorted()
        start, end = bisect_left(sorted_keys, low), bisect_right(sorted_keys, high)
        return array("I", sorted(order[start:end]))

    def sort_keys(self, docnums: Sequence[int], newest: bool) -> list[int]:
        """:meth:`sort_key` of each of ``docnums``, in one loop."""
        keys, size = self.keys, len(self.keys)
        values = [keys[d] if d < size else UNDATED for d in docnums]
        if newest:
            values = [UNDATED - v if v != UNDATED else UNDATED + 1 for v in values]
        return [(v << 32) | d for v, d in zip(values, docnums, strict=True)]

    def sort_key(self, docnum: int, newest: bool) -> int:
        """Smaller first: dated before undated, then by date (latest first if
        ``newest``), then by document number, packed in one integer."""
        value = self.keys[docnum] if docnum < len(self.keys) else UNDATED
        if newest:
            value = UNDATED - value if value != UNDATED else UNDATED + 1
        return (value << 32) | docnum
