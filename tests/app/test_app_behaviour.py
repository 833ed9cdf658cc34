"""Start-up indexing, layout at small sizes, inert archive text, persistence, the palette."""

from __future__ import annotations

import shutil
from pathlib import Path

from chronicle_testing import AKTOBE, MARKUP, MARKUP_HEADLINE, SEED_EVENT, SEEDS, settle, started
from textual.widgets import Tree

from tui.app.chronicle_app import ChronicleApp
from tui.app.commands import ChronicleCommands
from tui.app.history import Location
from tui.app.indexing_screen import IndexingScreen


async def test_builds_the_index_with_progress_when_missing_then_updates_when_stale(
    make_app, tmp_path
):
    archive = tmp_path / "archive"
    shutil.copytree(SEEDS, archive)
    index = tmp_path / "index"
    seen: list[bool] = []
    app = make_app((archive, index))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(40):
            seen.append(isinstance(app.screen, IndexingScreen))
            await pilot.pause(0.05)
            if app.library is not None and app.shown is not None:
                break
        await started(pilot)
        assert any(seen), "the progress screen never showed"
        assert app.library.stats().events == 1
    extra = archive / "news/2016/06/5/kazakh-police-detain-suspects-after-the-aktobe-attack.md"
    extra.parent.mkdir(parents=True)
    extra.write_text(
        (Path(__file__).parent / "linked-archive" / extra.relative_to(archive)).read_text()
    )
    again = make_app((archive, index))
    async with again.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert again.library.stats().events == 2


async def test_a_missing_archive_is_reported_not_raised(make_app, tmp_path):
    app = make_app((tmp_path / "nowhere", tmp_path / "index"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert any("Could not index" in n.message for n in app._notifications)
        assert "could not be indexed" in app.reader.plain_text


async def test_archive_text_is_never_markup(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", MARKUP))
        await settle(pilot)
        literal = "[bold red]x[/]"
        assert literal in app.reader.plain_text
        assert "[i]tags[/i]" in app.reader.plain_text
        assert "\x1b" not in app.reader.plain_text
        assert "\x1b" not in MARKUP_HEADLINE.replace("\x1b", "") and "\x1b" in MARKUP_HEADLINE
        node = app.timeline.cursor_node
        assert node is not None and literal in str(node.label)
        await pilot.press("b")
        await pilot.pause()
        assert any(literal in n.message for n in app._notifications)
        svg = app.export_screenshot()
        assert "[bold&#160;red]x[/]" in svg


async def test_narrow_terminal_shows_one_side_pane_and_toggles(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        left, right = app.query_one("#left"), app.query_one("#right")
        assert left.display and not right.display
        await pilot.press("f3")
        assert right.display and not left.display
        await pilot.press("1")
        assert left.display and not right.display and app.timeline.has_focus
        await pilot.press("f2")
        assert not left.display and app.reader.has_focus
    wide = make_app(seeds_index)
    async with wide.run_test(size=(200, 60)) as pilot:
        await started(pilot)
        assert wide.query_one("#left").display and wide.query_one("#right").display
        assert wide.query_one("#right").size.width > 50
        await pilot.press("f3")
        assert not wide.query_one("#right").display


async def test_tab_moves_focus_between_panes_and_marks_it(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        order = []
        for _ in range(3):
            order.append(app.focused.id if app.focused else None)
            await pilot.press("tab")
        assert order == ["timeline", "reader", "navigator"]
        assert app.timeline.has_focus
        await pilot.press("shift+tab")
        assert app.navigator.has_focus
        assert app.query_one("#right").has_pseudo_class("focus-within")
        assert not app.query_one("#left").has_pseudo_class("focus-within")


async def test_theme_choice_persists(make_app, seeds_index, tmp_path):
    data = tmp_path / "user"
    app = make_app(seeds_index, data)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.theme = "nord"
        await pilot.pause()
    again = make_app(seeds_index, data)
    async with again.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert again.theme == "nord"


async def test_corrupt_user_data_is_reported_and_the_app_starts(make_app, seeds_index, tmp_path):
    data = tmp_path / "user"
    data.mkdir()
    (data / "bookmarks.json").write_text("{oops", encoding="utf-8")
    app = make_app(seeds_index, data)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert any("bookmarks.json" in n.message for n in app._notifications)
        assert list(data.glob("bookmarks.json.corrupt-*"))


async def test_palette_lists_actions_and_opens_events_by_title(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        provider = ChronicleCommands(app.screen)
        found = [hit async for hit in provider.search("Aktobe attack")]
        titles = [hit.text for hit in found]
        assert any("Kazakh police detain suspects" in (t or "") for t in titles)
        bookmark = [hit async for hit in provider.search("Toggle bookmark")]
        assert bookmark and bookmark[0].text == "Toggle bookmark on this page"
        opener = next(h for h in found if "Three people" in (h.text or ""))
        opener.command()
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == AKTOBE
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


async def test_mouse_click_on_timeline_and_reader_link(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        tree = app.query_one(Tree)
        await pilot.click(tree, offset=(8, 2))  # the day: opens it and its events
        await settle(pilot)
        assert app.shown is not None and app.shown.kind == "day"
        await pilot.click(tree, offset=(10, 3))  # the day's event
        await settle(pilot)
        assert isinstance(app, ChronicleApp)
        assert app.shown is not None and app.shown.ref == SEED_EVENT
        app.open_location(Location("day", "2011-11-12"))
        await settle(pilot)
        await app.run_action("app.reader_link(0)")
        await settle(pilot)
        assert app.shown.ref == SEED_EVENT


async def test_search_terms_are_highlighted_in_the_reader(make_app, seeds_index):
    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", SEED_EVENT), terms=["taraz"])
        await settle(pilot)
        body = app.reader.body_text
        marked = {body.plain[s.start : s.end] for s in body.spans if "yellow" in str(s.style)}
        assert marked == {"Taraz"}


async def test_the_app_shows_the_notes_the_cli_prints(seeds_index, tmp_path):
    from tui.app import create_app

    archive, index = seeds_index
    note = f"cannot write the index in /nowhere (read-only); using {index}"
    app = create_app(archive, index, tmp_path / "data", notes=[note])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert note in [n.message for n in app._notifications]
