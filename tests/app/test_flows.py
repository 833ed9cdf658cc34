"""Pilot tests of the main flows on the seeds and a small linked archive."""

from __future__ import annotations

import io
import json

from chronicle_testing import (
    AKTOBE,
    DETAIN,
    SEED_ARTICLE,
    SEED_EVENT,
    burst,
    navigator_rows,
    settle,
    started,
)
from textual.widgets import Input

from tui.app.actions import ACTIONS
from tui.app.bookmarks import BookmarksScreen
from tui.app.help_screen import HelpScreen
from tui.app.history import Location
from tui.app.jump_screen import PromptScreen
from tui.app.story_screen import StoryScreen

TARAZ = "A suspected Islamist attacker kills seven people"


async def test_starts_on_newest_day_and_opens_an_event_from_the_timeline(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert app.shown == Location("day", "2011-11-12", "2011-11-12")
        assert "Saturday 12 November 2011" in app.reader.plain_text
        assert app.timeline.has_focus
        assert app.timeline.cursor_day is not None
        await pilot.press("space", "down", "enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == SEED_EVENT
        text = app.reader.plain_text
        assert TARAZ in text
        assert "2011-11-12" in text
        assert "1. AFP" in text and "3. The New York Times" in text
        assert "Cover Image" not in text
        assert "Related events" in text and "Three people are killed" in text
        assert "Linked articles" in text


async def test_seed_article_from_its_event_and_back(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", SEED_EVENT))
        await settle(pilot)
        rows = navigator_rows(app)
        assert any("Linked articles" in row for row in rows)
        # every related link of the seed is outside the archive: shown, marked, not openable
        assert sum("not in archive" in row for row in rows) == 5
        await pilot.press("3")
        assert app.navigator.has_focus
        item = app.navigator.highlighted_item
        assert item is not None and item.kind == "article" and item.target == SEED_ARTICLE
        await pilot.press("enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.kind == "article"
        text = app.reader.plain_text
        assert "MOSCOW — An attacker" in text
        assert "Saturday’s attack" in text
        assert f"event: {TARAZ}" in text
        item = app.navigator.highlighted_item
        assert item is not None and item.target == SEED_EVENT
        await pilot.press("enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == SEED_EVENT


async def test_follow_a_related_link_then_back_and_forward(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", AKTOBE))
        await settle(pilot)
        rows = navigator_rows(app)
        assert any(
            "An event that is not in this archive." in r and "not in archive" in r for r in rows
        )
        await pilot.press("3", "enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == SEED_EVENT
        assert "Three people are killed" in str(app.query_one("#breadcrumb").render())
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == AKTOBE
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == SEED_EVENT
        await pilot.press("alt+left")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == AKTOBE


async def test_reader_links_are_selected_and_followed(make_app, linked_index, browser):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", AKTOBE))
        await settle(pilot)
        await pilot.press("2", "l", "enter")
        await settle(pilot)
        assert browser.opened == ["https://www.reuters.com/article/aktobe"]
        await pilot.press("y")
        assert app.clipboard == "https://www.reuters.com/article/aktobe"
        await pilot.press("l", "enter")
        await settle(pilot)
        assert browser.opened == ["https://www.reuters.com/article/aktobe"]
        assert any("Refusing to open javascript:alert(1)" in n.message for n in app._notifications)
        await pilot.press("o", "2")
        await settle(pilot)
        assert len(browser.opened) == 1
        await pilot.press("o", "1")
        await settle(pilot)
        assert browser.opened[-1] == "https://www.reuters.com/article/aktobe"
        await pilot.press("l", "enter")  # third link: the related Taraz event
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == SEED_EVENT


async def test_jump_to_a_date_and_step_between_days(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert app.shown is not None and app.shown.ref == "2016-06-08"
        await pilot.press("g", *"2011-11-12", "enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == "2011-11-12"
        assert app.timeline.cursor_day is not None
        assert app.timeline.cursor_day.isoformat() == "2011-11-12"
        await pilot.press("g", *"2016-06-7", "enter")  # no events: the nearest day
        await settle(pilot)
        assert app.shown.ref == "2016-06-08"
        await pilot.press("g", *"2016-06", "enter")
        await settle(pilot)
        assert app.shown.ref == "2016-06-05"
        await pilot.press("g", *"2011", "enter")
        await settle(pilot)
        assert app.shown.ref == "2011-11-12"
        await pilot.press("n")
        await settle(pilot)
        assert app.shown.ref == "2016-06-05"
        await pilot.press("p")
        await settle(pilot)
        assert app.shown.ref == "2011-11-12"
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert app.shown.ref == "2016-06-08"
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert app.shown.ref == "2011-11-12"
        await pilot.press("g", *"2016-13", "enter")
        await settle(pilot)
        assert app.shown.ref == "2011-11-12"
        assert any("Not a date" in n.message for n in app._notifications)


async def test_a_date_typed_in_one_burst_keeps_its_corrections(make_app, linked_index):
    """Keys typed faster than the screen redraws: a backspace in the prompt deletes the
    letter before it, not the last one typed, and a key after Enter is not lost."""
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)

        typed = [(c, c) for c in "2016-06-8"] + [("backspace", None), ("5", "5")]
        # before the prompt is up; down is no key of the box and is left alone
        burst(app, ("g", "g"), ("down", None), *typed, ("ctrl+u", None), *typed)
        await settle(pilot)
        assert app.screen.query_one("#prompt-input", Input).value == "2016-06-5"
        burst(app, ("enter", "\r"), ("n", "n"))
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert app.shown is not None and app.shown.ref == "2016-06-08"  # 5 June, then n
        burst(app, ("g", "g"), *((c, c) for c in "2011"), ("escape", None), ("p", "p"))
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert app.shown.ref == "2016-06-05"  # no jump, then the day before
        burst(app, ("slash", "/"), ("g", "g"), ("o", "o"))  # in a text box g is a letter
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert app.search_panel.query_text == "go"


async def test_day_page_groups_events_under_their_story(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("day", "2016-06-05"))
        await settle(pilot)
        lines = app.reader.plain_text.splitlines()
        heading = lines.index("2016 Aktobe shootings")
        assert "Three people are killed" in lines[heading + 1]
        assert "Kazakh police detain suspects" in lines[heading + 2]


async def test_follow_the_story_of_an_event(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", AKTOBE))
        await settle(pilot)
        assert any("Kazakh police detain" in row for row in navigator_rows(app))
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        assert list(screen.ids.values()) == [AKTOBE, DETAIN]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == DETAIN
        await pilot.press("t")  # one topic: its list opens straight away
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen) and app.screen.kind == "topic"
        assert AKTOBE in app.screen.ids.values()
        await pilot.press("escape")
        assert not isinstance(app.screen, StoryScreen)


async def test_bookmark_quit_relaunch_finds_it(make_app, seeds_index, tmp_path):
    data = tmp_path / "user"
    app = make_app(seeds_index, data)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", SEED_EVENT))
        await settle(pilot)
        await pilot.press("b", "q")
    assert app.return_code == 0
    again = make_app(seeds_index, data)
    async with again.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert again.shown is not None and again.shown.ref == SEED_EVENT  # last document
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(again.screen, BookmarksScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert again.shown.ref == SEED_EVENT
        await pilot.press("B", "d", "escape")
        assert again.user_data.bookmarks == []


async def test_help_screen_lists_every_key_by_pane(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        svg = app.export_screenshot()
        assert "Everywhere" in svg and "Chronicle&#160;keys" in svg
        text = _help_text()
        for act in ACTIONS:
            assert act.keys_text in text and act.help in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


def _help_text() -> str:
    from rich.console import Console

    from tui.app.help_screen import help_renderable

    console = Console(width=200, record=True, file=io.StringIO())
    console.print(help_renderable())
    return console.export_text()


async def test_a_last_day_outside_this_archive_opens_on_its_newest_day(
        make_app, linked_index, tmp_path):
    """The saved place may be another archive's: a day outside this archive's dates
    opens what a first launch opens (the newest day), not an empty page; a day within
    them reopens."""
    first = make_app(linked_index, tmp_path / "fresh")
    async with first.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        newest = first.shown
    assert newest is not None and newest.kind == "day" and newest.ref != "2011-11-12"
    for saved, shown in (("2039-12-31", newest.ref), ("2011-11-12", "2011-11-12")):
        data = tmp_path / saved
        data.mkdir()
        (data / "state.json").write_text(json.dumps(
            {"last": {"kind": "day", "ref": saved, "title": saved}}), encoding="utf-8")
        app = make_app(linked_index, data)
        async with app.run_test(size=(120, 40)) as pilot:
            await started(pilot)
            assert app.shown is not None and (app.shown.kind, app.shown.ref) == ("day", shown)
