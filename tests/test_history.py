"""Navigation history: back, forward, truncation, capacity, breadcrumb, saving."""

from __future__ import annotations

import pytest

from tui.app.history import Location, NavigationHistory


def loc(n: int) -> Location:
    return Location("event", f"e{n}", f"Event {n}")


def test_empty_history_has_nowhere_to_go() -> None:
    history = NavigationHistory()
    assert history.current is None
    assert history.back() is None
    assert history.forward() is None
    assert history.breadcrumb() == []


def test_back_and_forward_walk_the_visits() -> None:
    history = NavigationHistory()
    for n in range(3):
        history.visit(loc(n))
    assert history.back() == loc(1)
    assert history.back() == loc(0)
    assert history.back() is None
    assert history.current == loc(0)
    assert history.forward() == loc(1)
    assert history.forward() == loc(2)
    assert history.forward() is None


def test_visit_after_back_drops_the_forward_entries() -> None:
    history = NavigationHistory()
    for n in range(4):
        history.visit(loc(n))
    history.back()
    history.back()
    history.visit(loc(9))
    assert history.entries == [loc(0), loc(1), loc(9)]
    assert not history.can_go_forward()


def test_visiting_the_current_place_again_adds_nothing() -> None:
    history = NavigationHistory()
    history.visit(loc(1))
    history.visit(Location("event", "e1", "renamed"))
    assert len(history.entries) == 1
    assert history.current is not None and history.current.title == "renamed"


def test_capacity_drops_the_oldest() -> None:
    history = NavigationHistory(capacity=3)
    for n in range(5):
        history.visit(loc(n))
    assert history.entries == [loc(2), loc(3), loc(4)]
    assert history.index == 2
    with pytest.raises(ValueError):
        NavigationHistory(capacity=0)


def test_breadcrumb_ends_at_the_current_place() -> None:
    history = NavigationHistory()
    for n in range(6):
        history.visit(loc(n))
    history.back()
    assert history.breadcrumb(3) == [loc(2), loc(3), loc(4)]


def test_round_trip_keeps_entries_and_cursor() -> None:
    history = NavigationHistory()
    for n in range(4):
        history.visit(loc(n))
    history.back()
    again = NavigationHistory.from_dict(history.to_dict())
    assert again.entries == history.entries
    assert again.current == loc(2)
    assert again.forward() == loc(3)


def test_from_dict_drops_malformed_entries_and_fixes_the_cursor() -> None:
    data = {"index": 99, "entries": [{"kind": "day", "ref": "2011-11-12"}, {"kind": 3}, "x"]}
    history = NavigationHistory.from_dict(data)
    assert history.entries == [Location("day", "2011-11-12")]
    assert history.current == Location("day", "2011-11-12")
    assert NavigationHistory.from_dict({"entries": "nope"}).current is None


def test_from_dict_over_capacity_keeps_the_newest_and_moves_the_cursor() -> None:
    history = NavigationHistory()
    for n in range(10):
        history.visit(loc(n))
    history.back()  # cursor on e8
    again = NavigationHistory.from_dict(history.to_dict(), capacity=4)
    assert again.entries == [loc(6), loc(7), loc(8), loc(9)]
    assert again.current == loc(8)
