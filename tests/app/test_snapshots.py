"""Snapshots of the main screens at 120×40 and 80×24 (update with --snapshot-update)."""

from __future__ import annotations

import dataclasses

import pytest
from chronicle_testing import AKTOBE, SEED_EVENT, searched, settle, started

from tui.app.history import Location

SIZES = [(120, 40), (80, 24)]


def _opening(location: Location | None = None, *keys: str):
    async def run_before(pilot) -> None:
        app = await started(pilot)
        if location is not None:
            app.open_location(location)
            await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_day_page(snap_compare, make_app, seeds_index, size):
    assert snap_compare(make_app(seeds_index), terminal_size=size, run_before=_opening())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_event_with_navigator(snap_compare, make_app, seeds_index, size):
    run_before = _opening(Location("event", SEED_EVENT), "3")
    assert snap_compare(make_app(seeds_index), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_followed_story(snap_compare, make_app, linked_index, size):
    run_before = _opening(Location("event", AKTOBE), "s")
    assert snap_compare(make_app(linked_index), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, make_app, seeds_index, size):
    run_before = _opening(None, "question_mark")
    assert snap_compare(make_app(seeds_index), terminal_size=size, run_before=run_before)


def _fixed_elapsed(app) -> None:
    """Pin the reported search time so the snapshot does not depend on the machine."""
    real = app.library.search

    def search(query: str, **kwargs: object):
        return dataclasses.replace(real(query, **kwargs), elapsed=0.004)

    app.library.search = search


def test_search_results(snap_compare, make_app, linked_index):
    async def run_before(pilot) -> None:
        app = await started(pilot)
        _fixed_elapsed(app)
        await pilot.press("slash", *"kazakhstan attack")
        await searched(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)

    assert snap_compare(make_app(linked_index), terminal_size=(120, 40), run_before=run_before)
