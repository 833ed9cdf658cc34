"""Pages and panes that stay quick on a large archive: the reader wraps only what is on
screen, a busy day's navigator list is capped, the timeline closes what it opened."""

from __future__ import annotations

from datetime import date, timedelta

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip

from tui.app.navigator import DAY_ROWS, Navigator
from tui.app.reader import Page, Reader, ReaderLink
from tui.app.reader_lines import ReaderLines, estimate
from tui.app.timeline import REVEAL_EVENTS_UP_TO, Timeline
from tui.summaries import EventSummary

CONSOLE = Console(width=200)


def rich_lines(text: Text, width: int) -> list[Strip]:
    return [Strip(list(line.render(CONSOLE)), line.cell_len)
            for line in text.wrap(CONSOLE, width)]


def plain(strip: Strip) -> str:
    return "".join(segment.text for segment in strip).rstrip()


def busy_page(events: int) -> Page:
    page = Page()
    page.add(("A busy day", "bold"))
    for number in range(events):
        page.link(ReaderLink("event", f"e{number}", f"event {number}"), Text("  • "),
                  Text(f"event {number} " + "with a long headline " * 4))
    return page


def test_only_blocks_on_screen_are_wrapped_and_lines_hang_under_their_text() -> None:
    page = busy_page(500)
    wrapped: list[int] = []

    def render(text: Text, width: int) -> list[Strip]:
        wrapped.append(width)
        return rich_lines(text, width)

    lines = ReaderLines(page.blocks, page.indents, 40, lambda i: page.blocks[i], render)
    assert not wrapped  # a long page waits until it is shown
    lines.ensure(0, 20)
    assert 0 < len(wrapped) < 40
    first = [plain(lines.line(n)) for n in range(lines.starts[1], lines.starts[2])]
    assert first[0].startswith("  • event 0")
    assert len(first) > 1 and all(line.startswith("    ") for line in first[1:])
    assert all(len(line) <= 40 for line in first)


def test_the_indent_under_a_hanging_line_has_the_page_background() -> None:
    page = busy_page(5)
    background = Style(bgcolor="#112233")
    lines = ReaderLines(page.blocks, page.indents, 40, lambda i: page.blocks[i], rich_lines,
                        background)
    hanging = lines.line(lines.starts[1] + 1)
    indent = page.indents[1]
    pad = hanging.crop(0, indent)
    assert pad.text == " " * indent
    assert all(segment.style == background for segment in pad)


def test_estimates_become_exact_where_the_page_is_shown() -> None:
    page = busy_page(300)
    lines = ReaderLines(page.blocks, page.indents, 30, lambda i: page.blocks[i], rich_lines)
    assert estimate(Text("short"), 30, 0) == 1
    end = lines.total
    lines.ensure(end - 10, end)
    last = lines.block_at(lines.total - 1)
    assert last == len(page.blocks) - 1
    shown = [plain(lines.line(n)) for n in range(lines.starts[last], lines.total)]
    assert shown[0].startswith("  • event 299")
    body = page.blocks[last].divide([page.indents[last]])[1]
    assert lines.heights[last] == len(rich_lines(body, 30 - page.indents[last]))
    assert lines.total == lines.starts[last] + lines.heights[last]


def test_a_short_page_is_wrapped_whole() -> None:
    page = busy_page(3)
    lines = ReaderLines(page.blocks, page.indents, 40, lambda i: page.blocks[i], rich_lines)
    heights = list(lines.heights)
    lines.ensure(0, lines.total)
    assert lines.heights == heights
    assert plain(lines.line(lines.total - 1))
    assert plain(lines.line(lines.total + 5)) == ""


class ReaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Reader(id="reader")


async def test_the_reader_shows_the_end_of_a_long_page_and_follows_a_link_there() -> None:
    app = ReaderApp()
    async with app.run_test(size=(60, 20)) as pilot:
        reader = app.query_one(Reader)
        reader.show_page(busy_page(2000))
        reader.focus()
        await pilot.pause()
        assert "A busy day" in _screen(reader)
        await pilot.press("end")
        await pilot.pause()
        assert "event 1999" in _screen(reader)
        await pilot.press("home")
        await pilot.pause()
        reader.select_link(1500)
        await pilot.pause()
        await pilot.pause()
        assert "event 1500" in _screen(reader)
        marked = reader.body_text
        assert any("reverse" in str(span.style) for span in marked.spans)


def _screen(reader: Reader) -> str:
    height = reader.scrollable_content_region.height
    return "\n".join(plain(reader.render_line(y)) for y in range(height))


class NavigatorApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Navigator(id="navigator")


def _summaries(count: int, day: date) -> list[EventSummary]:
    return [EventSummary(f"e{n}", day, f"Event {n}", "", ()) for n in range(count)]


async def test_a_busy_day_lists_its_first_events_and_says_how_many_more() -> None:
    app = NavigatorApp()
    async with app.run_test(size=(60, 20)):
        navigator = app.query_one(Navigator)
        navigator.show_day(_summaries(DAY_ROWS + 23, date(2020, 1, 1)))
        assert len(navigator.items) == DAY_ROWS
        last = navigator.get_option_at_index(navigator.option_count - 1)
        assert "23 more" in str(last.prompt) and last.disabled
        navigator.show_day(_summaries(3, date(2020, 1, 1)))
        assert len(navigator.items) == 3


class DayLibrary:
    """The timeline's four questions, answered for two busy years."""

    def __init__(self, per_day: dict[date, int]) -> None:
        self.per_day = per_day

    def months(self, year: int) -> list[tuple[int, int]]:
        found: dict[int, int] = {}
        for day, count in self.per_day.items():
            if day.year == year:
                found[day.month] = found.get(day.month, 0) + count
        return sorted(found.items())

    def days(self, year: int, month: int) -> list[tuple[date, int]]:
        return sorted((d, n) for d, n in self.per_day.items() if (d.year, d.month) == (year, month))

    def events_on(self, day: date) -> list[EventSummary]:
        return _summaries(self.per_day.get(day, 0), day)


class TimelineApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Timeline(id="timeline")


async def test_the_timeline_closes_what_it_opened_and_keeps_busy_days_shut() -> None:
    quiet, busy = date(2001, 3, 4), date(2019, 7, 8)
    per_day = {quiet: 2, quiet + timedelta(days=1): 1, busy: REVEAL_EVENTS_UP_TO + 1}
    library = DayLibrary(per_day)
    app = TimelineApp()
    async with app.run_test(size=(60, 30)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.load(library, [(2001, 3), (2019, REVEAL_EVENTS_UP_TO + 1)])  # type: ignore[arg-type]
        timeline.reveal_day(quiet, "e1")
        await pilot.pause()
        node = timeline.cursor_node
        assert node is not None and node.data is not None and node.data.event_id == "e1"
        year_2001 = timeline.root.children[0]
        assert year_2001.is_expanded
        timeline.reveal_day(busy, "e3")
        await pilot.pause()
        node = timeline.cursor_node
        assert node is not None and node.data is not None
        assert node.data.level == "day" and node.data.day == busy and not node.is_expanded
        assert not year_2001.is_expanded  # opened by the last reveal, closed by this one


async def test_a_click_on_a_link_in_the_line_drawn_reader_follows_it(make_app, seeds_index):
    from chronicle_testing import SEED_EVENT, settle, started

    from tui.app.history import Location

    app = make_app(seeds_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("day", "2011-11-12"))
        await settle(pilot)
        reader = app.reader
        row = next(y for y in range(20) if "A suspected Islamist" in plain(reader.render_line(y)))
        await pilot.click(reader, offset=(8, row))
        await settle(pilot)
        assert app.shown is not None and app.shown.ref == SEED_EVENT
