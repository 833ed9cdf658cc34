"""What keeps keys quick must not change what the user gets: search as you type with
its results completed, the navigator filled in stages, its line-drawn keys, the footer
rebuilt only when its keys change, and garbage collected in pauses."""

from __future__ import annotations

import dataclasses
import gc
import threading

import pytest
from chronicle_testing import (
    AKTOBE,
    SEED_ARTICLE,
    SEED_EVENT,
    navigator_rows,
    searched,
    started,
    until,
)
from rich.text import Text
from textual.widgets import Static

from tui.app import search_panel
from tui.app.history import Location
from tui.app.key_footer import KeyFooter
from tui.app.navigator_rows import LOOKING
from tui.app.reader_lines import ReaderLines
from tui.search import SearchResults


def cut_short_when_typing(app) -> None:
    """The library's searches, marked cut short when made under the as-you-type limit
    (the seeds are searched far within any limit, so none would be)."""
    library = app.library
    real = library.search

    def search(query: str, **kwargs: object) -> SearchResults:
        found = real(query, **kwargs)
        return dataclasses.replace(found, cut_short=library.time_limit < 0.1)

    library.search = search


def status(app) -> str:
    return str(app.search_panel.query_one("#search-status", Static).render())


async def test_typed_results_cut_short_are_completed_on_enter_keeping_the_highlight(
    make_app, seeds_index, monkeypatch
):
    monkeypatch.setattr(search_panel, "COMPLETE_PAUSE", 60.0)
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        cut_short_when_typing(app)
        panel = app.search_panel
        await pilot.press("slash", *"taraz")
        await searched(pilot)
        assert panel.results is not None and panel.results.cut_short
        assert "partial" in status(app) and not panel.complete
        assert {hit.id for hit in panel.hits} == {SEED_EVENT, SEED_ARTICLE}
        app.screen.set_focus(panel.results_list)
        await pilot.press("down")  # the second hit
        second = panel.hits[panel.results_list.highlighted_hit].id
        await pilot.press("slash", "enter")
        await until(pilot, lambda: panel.complete)
        assert panel.results is not None and not panel.results.cut_short
        assert "partial" not in status(app)
        assert panel.hits[panel.results_list.highlighted_hit].id == second


async def test_typed_results_cut_short_are_completed_once_typing_pauses(
    make_app, seeds_index, monkeypatch
):
    monkeypatch.setattr(search_panel, "COMPLETE_PAUSE", 0.05)
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        cut_short_when_typing(app)
        panel = app.search_panel
        answers: list[bool] = []
        real = panel._arrived

        def arrived(seq, results, *rest):
            answers.append(results.cut_short)
            real(seq, results, *rest)

        monkeypatch.setattr(panel, "_arrived", arrived)
        await pilot.press("slash", *"taraz")
        await until(pilot, lambda: panel.complete and panel.query_text == "taraz")
        assert answers[0] is True and answers[-1] is False  # partial first, then complete
        assert panel.results is not None and not panel.results.cut_short
        assert "partial" not in status(app)


async def test_a_search_that_is_not_cut_short_needs_no_second_search(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        calls: list[float] = []
        real = app.library.search

        def search(query: str, **kwargs: object) -> SearchResults:
            calls.append(app.library.time_limit)
            return real(query, **kwargs)

        app.library.search = search
        await pilot.press("slash", *"taraz")
        await searched(pilot)
        await pilot.pause(search_panel.COMPLETE_PAUSE + 0.2)
        assert app.search_panel.complete
        assert calls and all(limit == search_panel.TYPING_TIME_LIMIT for limit in calls)


async def test_the_navigator_shows_the_page_at_once_and_similar_events_when_found(
    make_app, linked_index
):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        release = threading.Event()
        real = app.library.more_like

        def more_like(*args: object, **kwargs: object):
            release.wait(10)
            return real(*args, **kwargs)

        app.library.more_like = more_like
        app.open_location(Location("event", AKTOBE))
        await until(pilot, lambda: app.shown is not None and app.shown.ref == AKTOBE)
        rows = navigator_rows(app)
        at = rows.index("More like this")
        assert rows[at + 1] == LOOKING
        assert any(row.startswith("Same story") for row in rows)
        assert any(row.startswith("Shared topics") for row in rows)
        assert "Three people are killed" in app.reader.plain_text
        await pilot.press("3", "down")
        kept = app.navigator.highlighted_item
        release.set()
        await until(pilot, lambda: LOOKING not in navigator_rows(app))
        rows = navigator_rows(app)
        assert any(row.startswith("More like this ") for row in rows)
        assert app.navigator.highlighted_item == kept


async def test_navigator_keys_skip_headings_wrap_round_and_reach_either_end(
    make_app, linked_index
):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", AKTOBE))
        await until(pilot, lambda: LOOKING not in navigator_rows(app)
                    and app.shown is not None and app.shown.ref == AKTOBE)
        navigator = app.navigator
        openable = [i for i, row in enumerate(navigator.rows) if not row.disabled]
        assert len(openable) >= 2
        await pilot.press("3")
        assert navigator.highlighted == openable[0]
        await pilot.press("down")
        assert navigator.highlighted == openable[1]
        await pilot.press("end")
        assert navigator.highlighted == openable[-1]
        await pilot.press("down")  # past the last row: round to the first
        assert navigator.highlighted == openable[0]
        await pilot.press("up")
        assert navigator.highlighted == openable[-1]
        await pilot.press("home")
        item = navigator.highlighted_item
        assert navigator.highlighted == openable[0] and item is not None
        await pilot.press("enter")
        await until(pilot, lambda: app.shown is not None and app.shown.ref != AKTOBE)
        assert app.shown is not None and app.shown.ref == item.target


async def test_the_footer_follows_the_focus_and_is_rebuilt_only_on_a_change(
    make_app, seeds_index, monkeypatch
):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        footer = app.query_one(KeyFooter)
        builds: list[int] = []
        real = footer.recompose

        async def recompose() -> None:
            builds.append(1)
            await real()

        monkeypatch.setattr(footer, "recompose", recompose)
        await pilot.press("2")
        await pilot.pause()
        assert "Next link" in footer_text(app)
        assert len(builds) == 1  # a change of focus announces it twice
        app.refresh_bindings()
        await pilot.pause()
        assert len(builds) == 1  # nothing it shows changed
        await pilot.press("1")
        await pilot.pause()
        assert "Expand" in footer_text(app) and "Next link" not in footer_text(app)


def footer_text(app) -> str:
    return " ".join(str(key.render()) for key in app.query_one(KeyFooter).children)


async def test_garbage_is_collected_in_pauses_and_collecting_is_handed_back(
    make_app, seeds_index
):
    enabled = gc.isenabled()
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.pause()
        collection = app.idle_collection
        assert collection.timer is not None and not gc.isenabled()
        garbage: list[object] = []
        garbage.append(garbage)  # a cycle: only the collector frees it
        del garbage
        collection.input_seen()
        collection.check()
        assert collection.collections == 0  # the user is busy
        collection.last_input -= 10
        collection.check()
        assert collection.collections == 1 and gc.get_count()[0] < 100
    assert gc.isenabled() == enabled


def test_rows_with_lines_of_their_own_and_a_rule_under_them_are_estimated_so() -> None:
    blocks = [Text("first line\nsecond line\nthird"), Text("one")]
    lines = ReaderLines(blocks, [0, 0], 40, blocks.__getitem__, lambda text, width: [],
                        wrap_short=False, extra=[1, 0])
    assert lines.heights == [4, 1] and lines.minimum == 5


@pytest.mark.parametrize("query", ["taraz", "kazakhstan"])
async def test_result_rows_are_made_in_the_worker_and_match_those_made_on_screen(
    make_app, seeds_index, query
):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash", *query)
        await searched(pilot)
        results = app.search_panel.results_list
        made = [str(row.prompt) for row in results.rows]
        results._render_rows(results.highlighted)  # the same rows made on the screen's thread
        assert [str(row.prompt) for row in results.rows] == made
        assert made and not results.rows[-1].divider
        assert all(row.divider for row in results.rows[:-1])


async def test_a_layout_that_leaves_a_pane_its_size_leaves_its_scrollbars_alone(
        make_app, seeds_index, monkeypatch):
    """The reader's and navigator's scrollbars are updated when their size or page
    changes, not on every layout of the screen (each update drew them again a frame
    later)."""
    from tui.app.line_pane import LinePane

    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.pause()
        updates: list[str] = []
        original = LinePane._scroll_update

        def counted(pane: LinePane, virtual_size) -> None:
            updates.append(pane.id or "")
            original(pane, virtual_size)

        monkeypatch.setattr(LinePane, "_scroll_update", counted)
        app.screen.refresh(layout=True)
        await pilot.pause()
        await pilot.pause()
        assert updates == []
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        assert updates  # a new size still updates them
