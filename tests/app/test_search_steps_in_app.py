"""A complete search in the app comes in two steps: the hits are painted first, then
the facets and the other rows' snippets fill in where they are, the highlighted hit
kept; an older search's second step never lands on a newer search's results."""

from __future__ import annotations

import threading

from chronicle_testing import started, until
from textual.widgets import Static

from tui.app import search_panel
from tui.app.search_panel import SearchPanel
from tui.search import SearchResults

QUERY = "kazakhstan"


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


async def entered_with_second_steps_held(app, pilot) -> Held:
    """/, the query and Enter, with the search's second steps held (``held_second_steps``)."""
    release, asked = held_second_steps(app)
    panel = app.search_panel
    await pilot.press("slash")
    panel.set_query(QUERY)
    await pilot.press("enter")
    return panel, release, asked


async def test_hits_come_first_then_the_facets_and_snippets_fill_in_keeping_the_highlight(
        make_app, linked_index, monkeypatch):
    # one row's snippet in the first step: the other rows' come with the second
    monkeypatch.setattr(SearchPanel, "typing_hits", property(lambda self: 1))
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
    # as-you-type results list one hit: Enter then makes a complete search, in two steps
    monkeypatch.setattr(SearchPanel, "typing_hits", property(lambda self: 1))
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


async def test_the_topic_key_waits_for_the_topics_to_be_counted(make_app, linked_index,
                                                                monkeypatch):
    monkeypatch.setattr(SearchPanel, "typing_hits", property(lambda self: 1))
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


async def test_a_failed_second_step_leaves_the_hits_without_topics(make_app, linked_index,
                                                                    monkeypatch):
    monkeypatch.setattr(SearchPanel, "typing_hits", property(lambda self: 1))
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)

        def complete_search(results: SearchResults) -> SearchResults:
            raise OSError("the catalog went away")

        app.library.complete_search = complete_search
        panel = app.search_panel
        await pilot.press("slash")
        panel.set_query(QUERY)
        await pilot.press("enter")
        await until(pilot, lambda: panel.complete and panel.query_text == QUERY)
        assert panel.results is not None and not panel.results.facets_pending
        assert panel.results.facets == () and len(panel.hits) > 1
        assert "Topics" not in facet_text(app) and not app.search_allows("search_topic")
