"""What makes page keys cheap must not change what they show: the timeline's kept lines
are Textual's own lines, the archive's ends drawn ahead are what a fresh drawing
makes, heights counted from words are the heights drawn, and a tree that opens and
closes without a layout of the screen still gets its scrollbar."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from chronicle_testing import AKTOBE, DETAIN, navigator_rows, settle, started, until
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.visual import Visual
from textual.widgets import Tree

from tui.app.drawing_ahead import EndsAhead
from tui.app.history import Location
from tui.app.navigator_rows import LOOKING
from tui.app.pages import day_page, document_page
from tui.app.reader import Reader
from tui.app.reader_lines import ReaderLines, wrapped_lines
from tui.app.scrollbars import KeptScrollBar
from tui.app.timeline import Timeline
from tui.bench.generator import generate_archive
from tui.index.builder import build_index
from tui.library import DayView, Library


@pytest.fixture(scope="session")
def decades_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated archive of 300 events over 27 years (a timeline worth scrolling)."""
    root = tmp_path_factory.mktemp("decades")
    generate_archive(root / "archive", 300)
    build_index(root / "archive", root / "index", procs=1)
    return root / "archive", root / "index"


def looks(strip: Strip) -> list[tuple[str, Style | None, dict[str, object]]]:
    """A line as it shows: each segment's text, style (its meta apart) and meta."""
    shown = []
    for segment in strip:
        style = segment.style
        meta = dict(style.meta) if style is not None else {}
        plain = style.copy() if style is not None else None
        if plain is not None:
            plain._meta = None
            plain._hash = None
        shown.append((segment.text, plain, meta))
    return shown


def timeline_lines(timeline: Timeline) -> list[list[tuple[str, Style | None, dict]]]:
    return [looks(timeline.render_line(y)) for y in range(timeline.size.height)]


def textual_lines(timeline: Timeline) -> list[list[tuple[str, Style | None, dict]]]:
    """The same lines drawn by Textual's own Tree (its line cache emptied first)."""
    timeline._line_cache.clear()
    style = timeline.rich_style
    x, y0 = timeline.scroll_offset
    width = timeline.size.width
    return [looks(Tree._render_line(timeline, y + y0, x, x + width, style))
            for y in range(timeline.size.height)]


def reader_lines(reader: Reader) -> list[str]:
    return [reader.render_line(y).text for y in range(reader.size.height)]


async def test_the_timelines_kept_lines_are_the_lines_textual_draws(make_app, decades_index):
    app = make_app(decades_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        timeline = app.timeline
        timeline.focus()
        await pilot.pause()
        assert timeline_lines(timeline) == textual_lines(timeline)  # the newest day shown
        for keys in (("less_than_sign",), ("down", "down", "right"), ("up",), ("space",),
                     ("greater_than_sign",), ("left", "left")):
            await pilot.press(*keys)
            await settle(pilot)
            assert timeline_lines(timeline) == textual_lines(timeline), keys
        app.screen.set_focus(app.reader)  # unfocused, the cursor line looks different
        await pilot.pause()
        assert timeline_lines(timeline) == textual_lines(timeline)


async def ends_drawn_ahead(pilot) -> date:
    """The app once started and its ends drawn ahead; the first day (not on screen)."""
    app = await started(pilot)
    await until(pilot, lambda: app.ends_ahead.done)
    first = app.library.first_day()
    assert first is not None and app.shown.ref != first.isoformat()
    return first


async def test_the_ends_drawn_ahead_are_what_a_fresh_drawing_shows(make_app, decades_index):
    app = make_app(decades_index)
    async with app.run_test(size=(120, 40)) as pilot:
        first = await ends_drawn_ahead(pilot)
        timeline, reader, navigator = app.timeline, app.reader, app.navigator
        drawn = len(timeline._kept), len(reader._drawn), len(navigator._drawn)
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert app.shown.ref == first.isoformat()
        # Every line the jump shows had been drawn ahead ...
        assert (len(timeline._kept), len(reader._drawn), len(navigator._drawn)) == drawn
        # ... and is what a drawing from nothing makes.
        shown = timeline_lines(timeline), reader_lines(reader)
        rows = [navigator.render_line(y).text for y in range(navigator.size.height)]
        timeline._kept.clear()
        reader._drawn.clear()
        navigator._drawn.clear()
        reader.invalidate_lines()
        navigator.invalidate_lines()
        assert (timeline_lines(timeline), reader_lines(reader)) == shown
        assert [navigator.render_line(y).text for y in range(navigator.size.height)] == rows
        assert timeline_lines(timeline) == textual_lines(timeline)


async def test_the_ends_drawn_ahead_read_the_catalog_in_a_worker_alone(
        make_app, decades_index, monkeypatch):
    """The steps on the screen thread draw only: the months and days of the ends'
    years and months were read by the worker."""
    stepping = threading.Event()
    read_in_steps: list[str] = []
    real_step = EndsAhead._step

    def step(self: EndsAhead) -> None:
        stepping.set()
        try:
            real_step(self)
        finally:
            stepping.clear()

    def watched(name: str):
        real = getattr(Library, name)

        def read(self: Library, *args):
            if stepping.is_set() and threading.current_thread() is threading.main_thread():
                read_in_steps.append(name)
            return real(self, *args)
        return read

    monkeypatch.setattr(EndsAhead, "_step", step)
    for name in ("months", "days", "events_on"):
        monkeypatch.setattr(Library, name, watched(name))
    app = make_app(decades_index)
    async with app.run_test(size=(120, 40)) as pilot:
        first = await ends_drawn_ahead(pilot)
        assert app.timeline.day_looks(first)  # its year and month are filled
    assert read_in_steps == []


async def test_opening_from_the_navigator_and_going_back_returns_to_the_same_place(
    make_app, decades_index
):
    app = make_app(decades_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        day = app.shown
        page, cursor = reader_lines(app.reader), app.timeline.cursor_node
        await pilot.press("3", "down")
        item = app.navigator.highlighted_item
        assert item is not None
        await pilot.press("enter")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == item.target
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.shown == day
        assert reader_lines(app.reader) == page
        assert app.timeline.cursor_node is cursor
        assert timeline_lines(app.timeline) == textual_lines(app.timeline)


async def test_a_year_opened_and_closed_without_a_layout_gets_and_loses_its_scrollbar(
    make_app, decades_index
):
    app = make_app(decades_index)
    async with app.run_test(size=(120, 32)) as pilot:
        await started(pilot)
        timeline = app.timeline
        timeline.focus()
        for node in list(timeline.root.children):
            node.collapse()
        await settle(pilot)
        years = list(timeline.root.children)
        assert timeline.virtual_size.height == len(years) <= timeline.size.height
        assert not timeline.show_vertical_scrollbar
        busiest = max(years, key=lambda n: n.data.count)
        timeline.move_cursor(busiest)
        await pilot.press("right")
        await pilot.pause()
        month = busiest.children[0]
        timeline.move_cursor(month)
        await pilot.press("right")
        await settle(pilot)
        lines = len(timeline._tree_lines)
        assert timeline.virtual_size.height == lines > timeline.size.height
        assert timeline.show_vertical_scrollbar
        assert timeline_lines(timeline) == textual_lines(timeline)
        month.collapse()
        busiest.collapse()
        await settle(pilot)
        assert timeline.virtual_size.height == len(timeline._tree_lines) == len(years)
        assert not timeline.show_vertical_scrollbar
        assert timeline_lines(timeline) == textual_lines(timeline)


class Pane(App[None]):
    def compose(self) -> ComposeResult:
        yield Reader()


@pytest.mark.parametrize("width", [7, 12, 30, 61])
async def test_lines_counted_from_words_are_the_lines_drawn(width: int) -> None:
    texts = [
        "", "one", "a few words that wrap somewhere along the way " * 3,
        "averyveryverylongwordthatmustbefoldedoverseverallines and then some",
        "two\nlines, the second one long enough to wrap at a narrow width",
        "trailing spaces     ", "   leading spaces then words",
        "東京で地震が発生し、多くの建物が被害を受けました 全角の文字",
        "mixed 東京 wide and narrow characters in one line of text here",
    ]
    app = Pane()
    async with app.run_test(size=(100, 20)):
        reader = app.query_one(Reader)
        for text in texts:
            drawn = reader.render_text(Text(text), width)
            assert wrapped_lines(text, width) == max(1, len(drawn)), (text, width)
        assert reader.count_lines("a\tb", width) is None


async def test_pages_counted_instead_of_drawn_have_the_drawn_heights(make_app, decades_index):
    app = make_app(decades_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        library, reader = app.library, app.reader
        days = [d for y, _ in library.years()[:8] for m, _ in library.months(y)
                for d, _ in library.days(y, m)][:10]
        pages = []
        for day in days:
            events = library.events_on(day)
            pages.append(day_page(day, DayView.grouped(day, events)))
            for summary in events[:2]:
                doc = library.document(summary.id)
                pages.append(document_page(doc, library.neighbours(summary.id)))
        for page in pages:
            for width in (30, 57, 80):
                drawn: list[int] = []

                def render(text: Text, at: int, drawn: list[int] = drawn) -> list[Strip]:
                    drawn.append(at)
                    return reader.render_text(text, at)

                counted = ReaderLines(page.blocks, page.indents, width, page.blocks.__getitem__,
                                      render, wrap_short=False, count=reader.count_lines)
                counted.exact_if_short()
                assert not drawn  # a short page's height came from counting alone
                whole = ReaderLines(page.blocks, page.indents, width, page.blocks.__getitem__,
                                    reader.render_text)
                if counted.short:
                    assert counted.heights == whole.heights
                counted.ensure(0, counted.total)
                whole.ensure(0, whole.total)
                assert counted.heights == whole.heights
                assert [counted.line(n).text for n in range(counted.total)] == [
                    whole.line(n).text for n in range(whole.total)]


async def test_a_document_opened_again_comes_whole_in_one_repaint(
    make_app, linked_index, monkeypatch
):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        searches: list[str] = []
        real_more_like = app.library.more_like

        def more_like(doc_id: str, text: str):
            searches.append(doc_id)
            return real_more_like(doc_id, text)

        app.library.more_like = more_like
        later: list[object] = []
        real_links = app._show_links
        monkeypatch.setattr(app, "_show_links",
                            lambda doc, rows: (later.append(rows), real_links(doc, rows)))
        app.open_location(Location("event", AKTOBE))
        await settle(pilot)
        rows = navigator_rows(app)
        assert searches == [AKTOBE] and later and LOOKING not in rows
        app.open_location(Location("event", DETAIN))
        await settle(pilot)
        searches.clear()
        later.clear()
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == AKTOBE
        assert not searches and not later  # no search again, no second repaint
        assert navigator_rows(app) == rows


async def test_kept_scrollbar_lines_are_the_lines_textual_draws(make_app, decades_index):
    app = make_app(decades_index)
    async with app.run_test(size=(120, 24)) as pilot:
        await started(pilot)

        def same_as_drawn_afresh() -> int:
            checked = 0
            for pane in (app.timeline, app.reader, app.navigator):
                bar = pane.vertical_scrollbar
                assert isinstance(bar, KeptScrollBar)
                if not (bar.display and bar.size.area):
                    continue
                crop = Region(0, 0, bar.size.width, bar.size.height)
                kept = [looks(strip) for strip in bar.render_lines(crop)]
                bar.refresh()  # Textual's own drawing, from nothing
                assert kept == [looks(strip) for strip in ScrollBar.render_lines(bar, crop)]
                checked += 1
            return checked

        checked = same_as_drawn_afresh()
        for keys in (("less_than_sign",), ("greater_than_sign",), ("less_than_sign",),
                     ("greater_than_sign",), ("2", "pagedown"), ("end",), ("3", "down")):
            await pilot.press(*keys)
            await settle(pilot)
            checked += same_as_drawn_afresh()
        app.theme = "textual-light"
        await settle(pilot)
        checked += same_as_drawn_afresh()
        assert checked >= 6  # bars were on screen, at several positions


async def test_garbage_waits_while_a_key_is_still_being_answered(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        collection = app.idle_collection
        release = threading.Event()
        real_more_like = app.library.more_like

        def more_like(doc_id: str, text: str):
            release.wait(10)
            return real_more_like(doc_id, text)

        app.library.more_like = more_like
        app.open_location(Location("event", AKTOBE))
        await until(pilot, lambda: app.shown is not None and app.shown.ref == AKTOBE)
        assert app.answering  # its "more like this" rows are still being found
        before = collection.collections
        collection.last_input -= 10  # a long pause in the input
        collection.check()
        assert collection.collections == before  # not while the page is being opened
        release.set()
        await until(pilot, lambda: not app.answering)
        collection.last_input -= 10
        collection.check()
        assert collection.collections > before


async def test_pane_text_is_drawn_as_textual_draws_it(make_app, linked_index):
    app = make_app(linked_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", AKTOBE))
        await settle(pilot)
        assert app.reader.page.link_spans  # lines with links take Textual's link style
        app.reader.styles.link_color = "red"  # a link style that shows
        for pane, texts in ((app.reader, app.reader.page.blocks),
                            (app.navigator, [row.prompt for row in app.navigator.rows])):
            for text in texts:
                for width in (20, 57):
                    pane._drawn.clear()
                    ours = [looks(strip) for strip in pane.render_text(text, width)]
                    content = Content.from_rich_text(text, console=app.console)
                    theirs = Visual.to_strips(pane, content, width, None, pane.visual_style,
                                              apply_selection=False)
                    assert ours == [looks(strip) for strip in theirs], text.plain
