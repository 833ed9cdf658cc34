"""A complete search in the app comes in two steps: the hits are painted first, then
the facets and the other rows' snippets fill in where they are, the highlighted hit
kept; an older search's second step never lands on a newer search's results, and a
new search cancels it rather than wait for it; a second Enter leaves a complete search
that is running alone."""

from __future__ import annotations

import threading

import pytest
from chronicle_testing import HeldSearches, settle, started, until
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from tui.app import search_panel
from tui.app.search_panel import SearchPanel
from tui.app.search_steps import SECOND_STEP
from tui.search import SearchResults

QUERY = "kazakhstan"


@pytest.fixture(autouse=True)
def one_row_a_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """As-you-type results list one hit and a complete search's first step cuts one
    row's snippet: Enter makes a complete search, the other rows' snippets in its
    second step."""
    monkeypatch.setattr(SearchPanel, "typing_hits", property(lambda self: 1))


def facet_text(app) -> str:
    return str(app.search_panel.query_one("#search-facets", Static).render())


def held_second_steps(app) -> tuple[threading.Event, list[SearchResults]]:
    """The library's second steps, each held until the returned event is set."""
    library = app.library
    real = library.complete_search
    release = threading.Event()
    asked: list[SearchResults] = []

    def complete_search(results: SearchResults) -> SearchResults:
        asked.append(results)
        release.wait(10)
        return real(results)

    library.complete_search = complete_search
    return release, asked


Held = tuple[SearchPanel, threading.Event, list[SearchResults]]


async def entered(app, pilot) -> SearchPanel:
    """/, the query and Enter: a complete search."""
    panel = app.search_panel
    await pilot.press("slash")
    panel.set_query(QUERY)
    await pilot.press("enter")
    return panel


async def entered_with_second_steps_held(app, pilot) -> Held:
    """/, the query and Enter, with the search's second steps held (``held_second_steps``)."""
    release, asked = held_second_steps(app)
    return await entered(app, pilot), release, asked


async def test_hits_come_first_then_the_facets_and_snippets_fill_in_keeping_the_highlight(
        make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        full = app.library.search(QUERY, limit=search_panel.RESULT_LIMIT)
        assert len(full.hits) > 2 and full.facets
        assert sum(bool(hit.snippet) for hit in full.hits[1:]) >= 1
        panel, release, asked = await entered_with_second_steps_held(app, pilot)
        await until(pilot, lambda: panel.answered and len(panel.hits) == len(full.hits)
                    and bool(asked))
        # the hits are on screen while the second step is held
        assert not panel.settled and panel.results is not None
        assert panel.results.facets_pending and panel.results.facets == ()
        assert [hit.id for hit in panel.hits] == [hit.id for hit in full.hits]
        assert panel.hits[0].snippet == full.hits[0].snippet
        assert all(hit.snippet == () for hit in panel.hits[1:])
        assert "Kazakhstan" not in facet_text(app)
        app.screen.set_focus(panel.results_list)
        await pilot.press("down", "down")
        chosen = panel.hits[panel.results_list.highlighted_hit].id
        release.set()
        await until(pilot, lambda: panel.settled)
        assert panel.results is not None and panel.results.facets == full.facets
        assert panel.hits == list(full.hits)  # every snippet and topic filled in
        assert "Kazakhstan" in facet_text(app)
        assert panel.hits[panel.results_list.highlighted_hit].id == chosen
        rows = [str(row.prompt) for row in panel.results_list.rows]
        panel.results_list._render_rows(panel.results_list.highlighted)  # made on screen
        assert [str(row.prompt) for row in panel.results_list.rows] == rows


async def test_an_older_searchs_second_step_never_lands_on_a_newer_search(
        make_app, linked_index, monkeypatch):
    monkeypatch.setattr(search_panel, "COMPLETE_PAUSE", 60.0)
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        panel, release, asked = await entered_with_second_steps_held(app, pilot)
        await until(pilot, lambda: bool(asked))
        panel.set_query("attack")
        await until(pilot, lambda: panel.answered and panel.results.query == "attack")
        await pilot.press("slash", "enter")  # back in the box (Enter left it), and Enter
        await until(pilot, lambda: len(asked) == 2)
        release.set()
        await until(pilot, lambda: panel.complete and panel.query_text == "attack")
        want = app.library.search("attack", limit=search_panel.RESULT_LIMIT)
        older = app.library.search(QUERY, limit=search_panel.RESULT_LIMIT)
        assert len(want.hits) > 1 and [h.id for h in want.hits] != [h.id for h in older.hits]
        assert panel.results is not None and panel.results.query == "attack"
        assert panel.results.facets == want.facets and panel.hits == list(want.hits)


async def test_the_topic_key_waits_for_the_topics_to_be_counted(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        panel, release, asked = await entered_with_second_steps_held(app, pilot)
        await until(pilot, lambda: panel.answered and bool(asked))
        assert app.search_allows("search_topic")  # the key is live, and says why it waits
        app.action_search_topic()
        await pilot.pause()
        assert any("still being counted" in str(n.message) for n in app._notifications)
        release.set()
        await until(pilot, lambda: panel.settled)
        assert panel.results is not None and panel.results.facets


async def test_a_failed_second_step_leaves_the_hits_without_topics(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)

        def complete_search(results: SearchResults) -> SearchResults:
            raise OSError("the catalog went away")

        app.library.complete_search = complete_search
        panel = await entered(app, pilot)
        await until(pilot, lambda: panel.complete and panel.query_text == QUERY)
        assert panel.results is not None and not panel.results.facets_pending
        assert panel.results.facets == () and len(panel.hits) > 1
        assert "Topics" not in facet_text(app) and not app.search_allows("search_topic")


def second_step_workers(app) -> list[Worker]:
    return [worker for worker in app.workers if worker.group == SECOND_STEP]


async def test_a_new_search_cancels_the_older_second_step_and_does_not_wait_for_it(
        make_app, linked_index, monkeypatch):
    """The older second step is held in its catalog reads (inside the library's
    ``complete_search``): a letter typed meanwhile is answered all the same, and the
    held step is cancelled and never lands."""
    monkeypatch.setattr(search_panel, "COMPLETE_PAUSE", 60.0)
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        library = app.library
        real_topics = library._topics
        release, reading, read = threading.Event(), threading.Event(), threading.Event()

        def topics(ids: list[str]) -> dict[str, list[str]]:
            if get_current_worker().group != SECOND_STEP:
                return real_topics(ids)
            reading.set()
            release.wait(10)
            try:
                return real_topics(ids)
            finally:
                read.set()

        library._topics = topics
        panel = await entered(app, pilot)
        await until(pilot, lambda: reading.is_set())
        [older] = second_step_workers(app)
        try:
            await pilot.press("slash")  # back in the box (Enter left it), and a letter
            panel.set_query(QUERY + "s")
            await until(pilot, lambda: panel.answered and panel.results is not None
                        and panel.results.query == QUERY + "s")
            assert older.is_cancelled and not read.is_set()  # answered while it is held
        finally:
            release.set()
        await until(pilot, lambda: read.is_set())
        await settle(pilot)
        assert panel.results is not None and panel.results.query == QUERY + "s"


async def test_a_second_enter_leaves_the_running_complete_search_alone(
        make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        searches = HeldSearches(app, lambda call: call.complete)
        panel = await entered(app, pilot)
        await until(pilot, lambda: searches.complete == [QUERY])
        seq = panel.seq
        try:
            panel.flush()  # Enter again, the first step still running
            await pilot.pause()
            assert panel.seq == seq and searches.complete == [QUERY]
        finally:
            searches.release.set()
        await until(pilot, lambda: panel.complete)
        assert searches.complete == [QUERY]
        assert panel.results is not None and panel.results.query == QUERY
        assert not panel.results.facets_pending and panel.hits
