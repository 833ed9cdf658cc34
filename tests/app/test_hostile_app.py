"""The app against hostile archives and hand-edited user data.

Archive text with escape sequences, bidi and zero-width characters, Rich markup,
right-to-left and CJK text and very long words is shown as inert text in the reader,
the timeline and the navigator (exact screen text is asserted); only http and https
links open, each passed to the browser as one argument; a corrupt or hand-edited user
data file is reported and kept aside, and the app still starts.
"""

from __future__ import annotations

import json
import webbrowser
from pathlib import Path

import pytest
from chronicle_testing import build_archive_index, settle, started
from hostile import ESC, EVENT, MARHABA, SHALOM, TOKYO, event_page

from tui.app.chronicle_app import ChronicleApp
from tui.app.history import Location

LONG_WORD = "Llanfair" * 20
EVENT_PAGE = event_page(LONG_WORD)
READER_TEXT = (
    f"[bold red]Hostile[/] headline {TOKYO} {MARHABA}\n2011-11-13\n"
    "topics: Terror, [b]Topic[/b]\n\n"
    f"Summary [link=file:///etc/passwd]click[/link] and {SHALOM} {LONG_WORD}.\n\n"
    "Sources\n  1. Evil Times  javascript:alert(1)\n  2. Good Times  https://good.example/ab\n\n"
    "Related events\n  1. Another [i]event[/i] \u2717 not in archive  (Terror, [b]Topic[/b])\n\n"
    f"id: {EVENT}"
)
CONTROLS = {chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)] if code != 0x0A} | set(
    "\u061c\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_archive_index(tmp_path_factory.mktemp("hostile"), "hostile", {EVENT: EVENT_PAGE})


def screen_lines(app: ChronicleApp) -> list[str]:
    """The text of every row of the screen, as the terminal would be given it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def region_lines(app: ChronicleApp, widget: object) -> list[str]:
    """The rows of the screen inside ``widget``'s content region, trailing spaces cut."""
    region = widget.content_region  # type: ignore[attr-defined]
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    # Cropped by cells, not characters: CJK characters are two cells wide.
    return [strip.crop(region.x, region.right).text.rstrip() for strip in strips]


async def test_hostile_event_is_inert_on_every_pane(make_app, hostile_index) -> None:
    app = make_app(hostile_index)
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", EVENT))
        await settle(pilot)
        assert app.reader.plain_text == READER_TEXT
        screen = "\n".join(screen_lines(app))
        assert not CONTROLS & set(screen)
        assert region_lines(app, app.reader)[:9] == [
            "[bold red]Hostile[/]",
            f"headline {TOKYO} {MARHABA}",
            "2011-11-13",
            "topics: Terror, [b]Topic[/b]",
            "",
            "Summary",
            "[link=file:///etc/passwd]cli",
            f"ck[/link] and {SHALOM}",
            LONG_WORD[:28],
        ]
        node = app.timeline.cursor_node
        assert node is not None
        assert str(node.label) == f"[bold red]Hostile[/] headline {TOKYO} {MARHABA}"
        navigator = region_lines(app, app.navigator)
        assert navigator[:3] == [
            "Related events 1",
            "\u2022 Another [i]event[/i] \u2717 not in",
            "archive  (Terror, [b]Topic[/b])",
        ]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(document.cookie)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "ftp://ftp.example/x",
        "mailto:someone@example.com",
        "ssh://host",
        "",
        "no-scheme/at/all",
    ],
)
async def test_only_http_and_https_links_open(make_app, hostile_index, browser, url) -> None:
    app = make_app(hostile_index)
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        app.open_url(url)
        await settle(pilot)
        assert browser.opened == []
        assert [n.message for n in app._notifications if "Refusing" in n.message] == [
            f"Refusing to open {url}: only http and https links open"
        ]


async def test_a_url_reaches_the_browser_as_one_argument(make_app, hostile_index, browser) -> None:
    tricky = "https://good.example/a b;$(rm -rf ~)&x='1'|y\"z`w`"
    app = make_app(hostile_index)
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        app.open_location(Location("event", EVENT))
        await settle(pilot)
        await pilot.press("2", "l", "enter")  # the first link: javascript:, refused
        await settle(pilot)
        assert browser.opened == []
        await pilot.press("l", "enter")  # the second: https, opened
        await settle(pilot)
        assert browser.opened == ["https://good.example/ab"]
        app.open_url(tricky)
        app.open_url("HTTP://Upper.Example/")
        await settle(pilot)
        assert browser.opened == ["https://good.example/ab", tricky, "HTTP://Upper.Example/"]


def test_the_default_opener_is_the_webbrowser_module() -> None:
    # webbrowser runs the browser with an argument list, never through a shell.
    import inspect

    default = inspect.signature(ChronicleApp.__init__).parameters["open_url"].default
    assert default is webbrowser.open


CORRUPT = {
    "bookmarks.json": ["{oops", "{}", '"a string"', "\x00\xff binary"],
    "history.json": ["[1, 2", "[]", "null"],
    "state.json": ["{'single': 'quotes'}", "[]", ""],
    "searches.json": ["[", "{}", "42"],
}


@pytest.mark.parametrize(
    ("name", "content"),
    [(name, content) for name, contents in CORRUPT.items() for content in contents],
)
async def test_corrupt_user_data_is_kept_aside_and_the_app_starts(
    make_app, hostile_index, tmp_path, name, content
) -> None:
    data = tmp_path / "user"
    data.mkdir()
    (data / name).write_bytes(content.encode("utf-8", "surrogateescape"))
    app = make_app(hostile_index, data)
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        assert any(name in n.message and "moved aside" in n.message for n in app._notifications)
        aside = list(data.glob(f"{name}.corrupt-*"))
        assert len(aside) == 1
        assert aside[0].read_bytes() == content.encode("utf-8", "surrogateescape")
        await pilot.press("q")


async def test_hand_edited_user_data_with_escapes_is_shown_inert(
    make_app, hostile_index, tmp_path
) -> None:
    data = tmp_path / "user"
    data.mkdir()
    bookmark = {"kind": "event", "ref": EVENT, "title": f"Evil {ESC}[bold red]mark[/]"}
    forged = {"kind": "event", "ref": f"x{ESC}.md", "title": "forged"}
    (data / "bookmarks.json").write_text(json.dumps([bookmark, forged]), encoding="utf-8")
    (data / "searches.json").write_text(json.dumps([f"taraz{ESC}", "taraz"]), encoding="utf-8")
    app = make_app(hostile_index, data)
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        assert [(b.ref, b.title) for b in app.user_data.bookmarks] == [
            (EVENT, "Evil [bold red]mark[/]")
        ]
        assert app.user_data.searches == ["taraz"]
        assert any("malformed entry" in n.message for n in app._notifications)
        await pilot.press("B")
        await settle(pilot)
        screen = "\n".join(screen_lines(app))
        assert "Evil [bold red]mark[/]" in screen
        assert not CONTROLS & set(screen)
