"""Search in the app: as you type, newest query wins, ranked, highlighted, forgiving."""

from __future__ import annotations

import io
import threading
from datetime import date
from pathlib import Path

import pytest
from chronicle_testing import AKTOBE, SEED_ARTICLE, SEED_EVENT, burst, searched, settle, started
from rich.console import Console
from textual.binding import Binding
from textual.widgets import Static

from tui.app.actions import actions_for
from tui.app.chronicle_app import ChronicleApp
from tui.app.help_screen import help_renderable
from tui.app.history import Location
from tui.app.search_box import SearchBox
from tui.app.search_panel import SearchPanel
from tui.app.search_results import SearchResultsList
from tui.app.story_screen import ChoiceScreen
from tui.index.builder import build_index


def marked_in_reader(app: ChronicleApp) -> set[str]:
    body = app.reader.body_text
    return {body.plain[s.start : s.end] for s in body.spans if "yellow" in str(s.style)}


def message_text(app: ChronicleApp) -> str:
    message = app.search_panel.query_one("#search-message", Static)
    return str(message.render()) if message.display else ""


@pytest.fixture(scope="session")
def sample_index(
    sample_archive: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    index = tmp_path_factory.mktemp("sample") / "index"
    build_index(sample_archive, index, rebuild=False, procs=1)
    return sample_archive, index


async def test_typing_updates_the_results_and_the_last_query_wins(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash")
        panel = app.search_panel
        assert panel.display and not app.timeline.display and panel.box.has_focus
        seen = []
        for key in ("T", "a", "r"):
            await pilot.press(key)
        await searched(pilot)
        seen.append(panel.results)
        for key in ("a", "z"):
            await pilot.press(key)
            await searched(pilot)
            seen.append(panel.results)
        assert [r.query for r in seen if r is not None] == ["Tar", "Tara", "Taraz"]
        final = panel.results
        assert final is not None and final.query == "Taraz" == panel.query_text
        assert {hit.id for hit in panel.hits} == {SEED_EVENT, SEED_ARTICLE}
        rows = [str(panel.results_list.get_option_at_index(i).prompt) for i in range(2)]
        assert "Taraz" in rows[0] and "2011-11-12" in rows[0]
        status = str(panel.query_one("#search-status", Static).render())
        assert "2 matched" in status and "2 shown" in status and " ms" in status
        assert "by relevance" in status


async def test_keys_typed_at_once_after_slash_and_enter_land_in_the_new_place(
    make_app, seeds_index
):
    """A fast typist: /, the query, Enter and j in one burst, before any redraw."""
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)

        burst(app, ("slash", "/"), *((c, c) for c in "taraz"), ("enter", "\r"), ("j", "j"))
        app = await searched(pilot)
        await settle(pilot)
        assert app.search_panel.query_text == "taraz"
        assert app.search_panel.results_list.has_focus  # and j did not land in the box
        app.search_panel.results_list.highlighted = 0  # j moved it if the results were in
        burst(app, ("j", "j"))
        await settle(pilot)
        assert app.search_panel.results_list.highlighted_hit == 1
        burst(app, ("escape", None), ("n", "n"))
        await settle(pilot)
        assert app.timeline.display and app.shown is not None and app.shown.kind == "day"
        # editing keys in a burst keep their order: backspace, ctrl+u, a recalled search
        burst(
            app,
            ("slash", "/"),
            ("ctrl+u", None),
            *((c, c) for c in "tarz"),
            ("backspace", None),
            ("a", "a"),
            ("z", "z"),
        )
        await searched(pilot)
        assert app.search_panel.query_text == "taraz"
        burst(app, ("ctrl+u", None), ("up", None), (" ", " "), ("x", "x"))
        await searched(pilot)
        assert app.search_panel.query_text == "taraz x"


async def test_enter_opens_the_seed_event_highlighted_and_back_returns(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"Taraz")
        await searched(pilot)
        await pilot.press("enter")
        assert app.search_panel.results_list.has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == SEED_EVENT
        assert marked_in_reader(app) == {"Taraz"}
        # n / N step through the results and the reader follows
        await pilot.press("n")
        await settle(pilot)
        assert app.shown.ref == SEED_ARTICLE
        assert "Taraz" in marked_in_reader(app)
        await pilot.press("N")
        await settle(pilot)
        assert app.shown.ref == SEED_EVENT
        # a search is a history entry: Back (past the results opened) comes back to it
        for _ in range(3):
            await pilot.press("left_square_bracket")
            await settle(pilot)
        assert app.history.current == Location("search", "Taraz", "search: Taraz")
        assert app.search_panel.display and app.search_panel.results_list.has_focus
        assert app.search_panel.query_text == "Taraz"


async def test_n_is_next_day_again_once_the_search_is_closed(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("day", "2011-11-12"))
        await settle(pilot)
        await pilot.press("slash", *"kazakhstan")
        await searched(pilot)
        await pilot.press("escape", "n")
        await settle(pilot)
        assert app.shown is not None and app.shown.kind == "day"
        assert app.shown.ref == "2016-06-05"


async def test_sort_toggle_reorders_and_kind_filter_cycles(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"kazakhstan")
        await searched(pilot)
        panel = app.search_panel

        def dates() -> list[date]:
            return [hit.date for hit in panel.hits if hit.date is not None]

        relevance = [hit.id for hit in panel.hits]
        assert len(set(dates())) >= 2
        await pilot.press("ctrl+o")
        await searched(pilot)
        assert panel.results is not None and panel.results.sort == "newest"
        assert dates() == sorted(dates(), reverse=True) and dates()[0].year == 2016
        assert "newest first" in str(panel.query_one("#search-status", Static).render())
        await pilot.press("ctrl+o")
        await searched(pilot)
        assert panel.results.sort == "oldest"
        assert dates() == sorted(dates()) and dates()[0].year == 2011
        await pilot.press("ctrl+o")
        await searched(pilot)
        assert panel.results.sort == "relevance"
        assert [hit.id for hit in panel.hits] == relevance
        kinds = []
        for _ in range(3):
            await pilot.press("ctrl+t")
            await searched(pilot)
            kinds.append({hit.kind for hit in panel.hits})
        assert kinds[0] == {"event"} and kinds[1] == {"article"} and len(kinds[2]) > 1


async def test_a_topic_from_the_facets_narrows_the_query(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"attack")
        await searched(pilot)
        panel = app.search_panel
        assert panel.results is not None
        facets = dict(panel.results.facets)
        assert facets.get("Islamic terrorism", 0) >= 1
        facet_text = str(panel.query_one("#search-facets", Static).render())
        assert "Islamic terrorism" in facet_text
        before = panel.results.total
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        labels = app.screen.choices
        await pilot.press(
            *["down"]
            * labels.index(
                next(label for label in labels if label.startswith("Islamic terrorism"))
            ),
            "enter",
        )
        await searched(pilot)
        assert panel.query_text == 'attack topic:"Islamic terrorism"'
        assert panel.hits and all("Islamic terrorism" in hit.topics for hit in panel.hits)
        assert panel.results.total <= before


async def test_a_malformed_query_shows_a_message_and_keeps_the_results(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"taraz")
        await searched(pilot)
        panel = app.search_panel
        good = panel.hits
        # typed key by key (every step after the first key is malformed), then pasted whole
        for bad, fault in (
            (' "seven', "unbalanced quote"),
            (" (x", "never closed"),
            ("taraz foo:bar", "unknown field 'foo'"),
        ):
            panel.set_query("taraz")
            await searched(pilot)
            if bad.startswith(" "):
                await pilot.press(*bad)
            else:
                panel.set_query(bad)
            await searched(pilot)
            assert panel.error is not None and fault in panel.error
            assert fault in message_text(app)
            assert panel.results is not None and panel.results.query == "taraz"
            assert panel.hits == good
        await pilot.press("backspace")  # still broken, still answered
        await searched(pilot)
        assert app.is_running and panel.hits == good


async def test_did_you_mean_on_the_sample_archive(make_app, sample_index):
    app = make_app(sample_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"Berlusconni")
        await searched(pilot)
        panel = app.search_panel
        assert panel.results is not None and panel.results.suggestion == "berlusconi"
        assert "Did you mean berlusconi?" in message_text(app)
        await pilot.press("ctrl+y")
        await searched(pilot)
        assert panel.query_text == "berlusconi"
        assert panel.results.total > 0 and "Did you mean" not in message_text(app)


async def test_esc_restores_the_timeline_where_it_was(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", AKTOBE))
        await settle(pilot)
        await pilot.press("1")
        timeline = app.timeline
        line, day = timeline.cursor_line, timeline.cursor_day
        assert day == date(2016, 6, 5)
        await pilot.press("slash", *"taraz")
        await searched(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == SEED_EVENT
        await pilot.press("escape")
        await settle(pilot)
        assert timeline.display and not app.search_panel.display
        assert timeline.has_focus
        assert (timeline.cursor_line, timeline.cursor_day) == (line, day)
        assert app.query_one("#left").border_title == "Timeline [1]"


async def test_recent_searches_persist_across_a_relaunch(make_app, seeds_index, tmp_path):
    data = tmp_path / "user"
    app = make_app(seeds_index, data)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        for query in ("kazakh", "taraz"):
            await pilot.press("slash", *query, "enter")
            await searched(pilot)
    again = make_app(seeds_index, data)
    async with again.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"dra")
        box = again.search_panel.box
        await pilot.press("up")
        assert box.value == "taraz"
        await pilot.press("up")
        assert box.value == "kazakh"
        await pilot.press("up")
        assert box.value == "kazakh"
        await pilot.press("down", "down")
        assert box.value == "dra"
        await searched(pilot)
        assert again.search_panel.results.query == "dra"


async def test_a_slow_search_never_blocks_keys_nor_overwrites_a_newer_one(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        library = app.library
        real_search = library.search
        gate = threading.Event()
        entered = threading.Event()

        def search(query: str, **kwargs: object):
            if query == "taraz":  # the slow one: held until the test lets it go
                entered.set()
                gate.wait(timeout=30)
            return real_search(query, **kwargs)

        library.search = search  # type: ignore[method-assign]
        try:
            await pilot.press("slash", *"taraz")
            for _ in range(100):
                if entered.is_set():
                    break
                await pilot.pause(0.02)
            assert entered.is_set(), "the slow search never started"
            # while it is stuck in its thread, keys are handled at once
            await pilot.press("backspace", "backspace", *"kh")
            assert app.search_panel.box.value == "tarkh"
            await pilot.press("ctrl+u", *"kazakh")
            assert app.search_panel.box.value == "kazakh"
            await searched(pilot)
            newer = app.search_panel.results
            assert newer is not None and newer.query == "kazakh" and newer.total >= 1
        finally:
            gate.set()
        for _ in range(10):  # the slow answer arrives and must be ignored
            await pilot.pause(0.02)
        await settle(pilot)
        assert app.search_panel.results is newer
        assert app.search_panel.query_text == "kazakh"


def test_search_keys_are_in_the_help_and_bound_from_the_table():
    console = Console(width=120, file=io.StringIO(), record=True)
    console.print(help_renderable())
    text = console.export_text()
    for expected in (
        "Search box",
        "Search results",
        "/ / Ctrl-F",
        "Ctrl-O",
        "Ctrl-T",
        "Ctrl-N",
        "Ctrl-Y",
        "open the next result",
    ):
        assert expected in text
    assert "N " in text and "While searching: open the previous result." in text
    for pane, widget in (
        ("search", SearchPanel),
        ("search_box", SearchBox),
        ("search_results", SearchResultsList),
    ):
        bound = {(b.key, b.action) for b in widget.BINDINGS if isinstance(b, Binding)}
        for act in actions_for(pane):
            assert (",".join(act.keys), act.action) in bound
