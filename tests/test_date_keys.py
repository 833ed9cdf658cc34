"""A leaf's documents in a date span, found by binary search when the leaf is numbered
newest first (as a build writes it), by the sorted keys otherwise: the same documents."""

from __future__ import annotations

from array import array

from hypothesis import given
from hypothesis import strategies as st

from tui.date_keys import UNDATED as _UNDATED
from tui.date_keys import DateKeys


def _keys(values: list[int], leaves: list[int]) -> DateKeys:
    """Date keys of documents split into leaves of the given sizes (no searcher needed)."""
    keys = DateKeys.__new__(DateKeys)
    keys.keys = array("Q", values)
    keys.top = 0
    offsets = [sum(leaves[:n]) for n in range(len(leaves))]
    keys.leaves = dict(enumerate(zip(offsets, leaves, strict=True)))
    keys._sorted = None
    keys._dated = {}
    return keys


def _expected(keys: DateKeys, offset: int, count: int, low: int, high: int) -> list[int]:
    return [d - offset for d in keys.docs_between(low, high) if offset <= d < offset + count]


leaf_values = st.lists(st.one_of(st.integers(1, 40), st.just(_UNDATED)), max_size=30)


@given(st.lists(leaf_values, min_size=1, max_size=4), st.booleans(),
       st.integers(0, 45), st.integers(0, 45))
def test_leaf_range_equals_the_sorted_keys(leaves: list[list[int]], newest_first: bool,
                                          low: int, high: int) -> None:
    if newest_first:  # as a build numbers them: dates descending, undated last
        leaves = [sorted(leaf, key=lambda v: (v == _UNDATED, -v)) for leaf in leaves]
    keys = _keys([v for leaf in leaves for v in leaf], [len(leaf) for leaf in leaves])
    for offset, count in keys.leaves.values():
        found = keys.leaf_range(offset, count, low, high)
        if newest_first:
            assert found is not None
        if found is not None:
            assert list(found) == _expected(keys, offset, count, low, high)


def test_a_leaf_out_of_date_order_is_not_taken_for_a_run() -> None:
    keys = _keys([30, 20, 25, 10, _UNDATED, 40, 5, _UNDATED, 7], [4, 2, 3])
    assert keys.dated_first(0, 4) is None  # 20 before 25
    assert keys.dated_first(4, 2) is None  # undated before dated
    assert keys.dated_first(6, 3) is None
    ordered = _keys([30, 25, 25, 10, _UNDATED], [5])
    assert ordered.dated_first(0, 5) == 4
    assert list(ordered.leaf_range(0, 5, 11, 25)) == [1, 2]
