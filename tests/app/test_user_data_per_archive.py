"""History, the last place and bookmarks belong to one archive: another archive opened
with the same user data directory shows none of them, and the first finds them again."""

from __future__ import annotations

from chronicle_testing import AKTOBE, settle, started

from tui.app.bookmarks import BookmarksScreen
from tui.app.history import Location


def _bookmark_rows(app) -> list[str]:
    options = app.screen.query_one("#bookmark-list")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def _breadcrumb(app) -> str:
    return str(app.query_one("#breadcrumb").render())


async def test_each_archive_keeps_its_own_places(make_app, linked_index, seeds_index, tmp_path):
    data = tmp_path / "user"
    first = make_app(linked_index, data)
    async with first.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        first.open_location(Location("event", AKTOBE))
        await settle(pilot)
        assert first.shown is not None and first.shown.ref == AKTOBE
        assert "Three people are killed" in _breadcrumb(first)
        await pilot.press("b", "q")
    assert [b.ref for b in first.user_data.bookmarks] == [AKTOBE]

    other = make_app(seeds_index, data)
    async with other.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert other.shown is not None and other.shown.ref != AKTOBE
        assert AKTOBE not in [e.ref for e in other.history.entries]
        assert not other.history.can_go_back()
        assert "Three people" not in _breadcrumb(other)
        assert other.user_data.bookmarks == []
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(other.screen, BookmarksScreen)
        rows = _bookmark_rows(other)
        assert rows == ["No bookmarks yet: press b on a page."]
        await pilot.press("escape", "q")

    again = make_app(linked_index, data)
    async with again.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert again.shown is not None and again.shown.ref == AKTOBE  # its last place
        assert AKTOBE in [e.ref for e in again.history.entries]
        assert again.history.can_go_back()
        assert "Three people are killed" in _breadcrumb(again)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(again.screen, BookmarksScreen)
        assert any("Three people are killed" in row for row in _bookmark_rows(again))
        await pilot.press("escape")
