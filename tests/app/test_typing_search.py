"""Search as you type is quick (a search starts at once, lists one screen of hits and
counts their topics alone) and must still end with what a full search gives: the same
hits, total and facets once typing pauses or on Enter. And a letter typed repaints the
box without laying out the whole screen."""

from __future__ import annotations

from chronicle_testing import HeldSearches, searched, started, until
from textual.app import App, ComposeResult
from textual.widgets import Static

from tui.app import search_panel
from tui.app.key_footer import KeyFooter
from tui.app.search_box import SearchBox
from tui.app.search_panel import PanelLine, SearchPanel
from tui.search import SearchResults

QUERY = "kazakhstan"


def footer_text(app) -> str:
    return " ".join(str(key.render()) for key in app.query_one(KeyFooter).children)


def one_hit_while_typing(monkeypatch, complete_pause: float) -> None:
    """As-you-type searches list a single hit (as if the list showed one), and are
    completed after ``complete_pause`` seconds of quiet."""
    monkeypatch.setattr(SearchPanel, "typing_hits", property(lambda self: 1))
    monkeypatch.setattr(search_panel, "COMPLETE_PAUSE", complete_pause)


async def full_search(pilot) -> SearchResults:
    """Once the app has started: what one full search for the query gives."""
    app = await started(pilot)
    return app.library.search(QUERY, limit=search_panel.RESULT_LIMIT)


def topics_of(results: SearchResults) -> dict[str, int]:
    counts: dict[str, int] = {}
    for hit in results.hits:
        for topic in hit.topics:
            counts[topic] = counts.get(topic, 0) + 1
    return counts


async def test_typed_results_list_a_screen_of_hits_and_are_completed_as_a_full_search(
    make_app, linked_index, monkeypatch
):
    one_hit_while_typing(monkeypatch, 0.05)
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        full = await full_search(pilot)
        assert full.total > 1 and full.facets
        panel = app.search_panel
        answers: list[SearchResults] = []
        real = panel._arrived

        def arrived(seq, results, *rest):
            answers.append(results)
            real(seq, results, *rest)

        monkeypatch.setattr(panel, "_arrived", arrived)
        await pilot.press("slash", *QUERY)
        await until(pilot, lambda: panel.complete and panel.query_text == QUERY)
        quick, first = answers[-2], answers[-1]
        assert quick.query == first.query == QUERY
        assert len(quick.hits) == 1 and quick.total == full.total
        assert dict(quick.facets) == topics_of(quick)  # the listed hit's topics alone
        assert dict(quick.facets) != dict(full.facets)  # so completing matters here
        # the complete search's hits come first, its facets after them (second step)
        assert first.facets_pending and [hit.id for hit in first.hits] == [
            hit.id for hit in full.hits]
        final = panel.results
        assert final is not None and not final.facets_pending
        assert [hit.id for hit in final.hits] == [hit.id for hit in full.hits]
        assert final.facets == full.facets and final.total == full.total
        assert final.hits == full.hits  # every snippet and topic as one search gives them
        assert [hit.id for hit in panel.hits] == [hit.id for hit in full.hits]


async def test_enter_completes_typed_results_that_list_fewer_hits_than_there_are(
    make_app, linked_index, monkeypatch
):
    one_hit_while_typing(monkeypatch, 60.0)
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        full = await full_search(pilot)
        panel = app.search_panel
        await pilot.press("slash", *QUERY)
        await searched(pilot)
        assert len(panel.hits) == 1 and not panel.complete
        await pilot.press("enter")
        await until(pilot, lambda: panel.complete)
        assert [hit.id for hit in panel.hits] == [hit.id for hit in full.hits]
        assert panel.results is not None and panel.results.facets == full.facets


async def test_a_letter_is_searched_at_once_and_letters_typed_meanwhile_wait_for_it(
    make_app, seeds_index, monkeypatch
):
    # A pause no test waits out: a search that waited for it would never start.
    monkeypatch.setattr(search_panel, "TYPING_PAUSE", 60.0)
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        searches = HeldSearches(app, lambda call: call.number == 1)
        panel = app.search_panel
        await pilot.press("slash", "t")
        await until(pilot, lambda: searches.queries == ["t"])  # none was running: at once
        await pilot.press(*"araz")
        await pilot.pause(0.1)
        assert searches.queries == ["t"]  # typed while "t" was searched: they wait ...
        await pilot.press("enter")  # ... for a pause, or for Enter
        await until(pilot, lambda: searches.queries == ["t", "taraz"])
        searches.release.set()
        await until(pilot, lambda: panel.complete)
        assert panel.results is not None and panel.results.query == "taraz"
        assert searches.queries == ["t", "taraz"]  # one search for the burst of letters


async def test_enter_while_a_typed_search_still_runs_searches_again_for_complete_results(
    make_app, linked_index, monkeypatch
):
    one_hit_while_typing(monkeypatch, 60.0)
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        full = await full_search(pilot)
        searches = HeldSearches(app, lambda call: call.number == 1)
        panel = app.search_panel
        await pilot.press("slash")
        panel.set_query(QUERY)
        await until(pilot, lambda: len(searches.calls) == 1)
        await pilot.press("enter")
        await until(pilot, lambda: len(searches.calls) == 2)
        limits = [call.time_limit for call in searches.calls]
        assert limits == [search_panel.TYPING_TIME_LIMIT, app.library.time_limit]
        searches.release.set()
        await until(pilot, lambda: panel.complete)
        assert [hit.id for hit in panel.hits] == [hit.id for hit in full.hits]


async def test_enter_while_typed_results_are_being_completed_leaves_that_search_alone(
    make_app, linked_index, monkeypatch
):
    one_hit_while_typing(monkeypatch, 0.05)
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        full = await full_search(pilot)
        searches = HeldSearches(app, lambda call: call.complete)
        panel = app.search_panel
        await pilot.press("slash")
        panel.set_query(QUERY)
        await until(pilot, lambda: searches.complete == [QUERY])  # typing paused: completing
        try:
            await pilot.press("enter")
            await pilot.pause()
            assert searches.complete == [QUERY]  # not started again
        finally:
            searches.release.set()
        await until(pilot, lambda: panel.complete)
        assert searches.complete == [QUERY]
        assert [hit.id for hit in panel.hits] == [hit.id for hit in full.hits]


async def test_the_footer_waits_for_typing_to_pause_but_not_after_complete_results(
    make_app, linked_index, monkeypatch
):
    monkeypatch.setattr(search_panel, "FOOTER_PAUSE", 60.0)
    one_hit_while_typing(monkeypatch, 60.0)
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        panel = app.search_panel
        await pilot.press("slash", *QUERY)
        await searched(pilot)
        assert panel.results is not None and panel.results.facets
        assert "Topic" not in footer_text(app)  # as-you-type results: not yet
        await pilot.press("enter")
        await until(pilot, lambda: panel.complete)
        await pilot.pause()
        assert "Topic" in footer_text(app)


class Lines(App[None]):
    """A box and a line of the search panel, alone on a screen."""

    CSS = """
    SearchBox { width: 20; height: 1; border: none; padding: 0 1; }
    #line { height: auto; }
    """

    def __init__(self, line: type[Static]) -> None:
        super().__init__()
        self.line = line

    def compose(self) -> ComposeResult:
        yield SearchBox(lambda: [], id="box")
        yield self.line(id="line")


def count_layouts(app: App[None]) -> list[int]:
    layouts: list[int] = []
    app.screen.screen_layout_refresh_signal.subscribe(app.screen, lambda _: layouts.append(1))
    return layouts


async def test_a_letter_typed_repaints_the_box_without_laying_out_the_screen() -> None:
    app = Lines(PanelLine)
    async with app.run_test(size=(60, 10)) as pilot:
        box = app.query_one(SearchBox)
        box.focus()
        await pilot.pause()
        layouts = count_layouts(app)
        text = "a long query that is wider than the box"
        await pilot.press(*text.replace(" ", ""))
        await pilot.pause()
        assert box.value == text.replace(" ", "")
        assert layouts == []
        assert box.scroll_offset.x > 0  # the box still scrolls to keep the cursor in view
        assert box.cursor_screen_offset.x <= box.region.right


async def test_a_panel_line_that_changes_height_lays_the_screen_out_once() -> None:
    app = Lines(PanelLine)
    async with app.run_test(size=(60, 10)) as pilot:
        line = app.query_one("#line", PanelLine)
        line.update("one line")
        await pilot.pause()
        layouts = count_layouts(app)
        line.update("three\nlines\nnow", layout=True)
        await pilot.pause()
        await pilot.pause()
        assert line.size.height == 3
        assert layouts == [1]
