"""What the app-wide keys do: history, dates, bookmarks, stories, links, help.

A mixin of ``action_*`` methods for :class:`ChronicleApp`, kept apart so the app
module stays about wiring; the keys themselves are in ``actions.py``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from tui.app.bookmarks import BookmarksScreen
from tui.app.help_screen import HelpScreen
from tui.app.history import Location
from tui.app.jump_screen import PromptScreen, parse_when
from tui.app.story_screen import ChoiceScreen, StoryScreen
from tui.model import Event

if TYPE_CHECKING:
    from tui.app.chronicle_app import ChronicleApp

    _Base = ChronicleApp
else:
    _Base = object


class UserActionsMixin(_Base):
    """App-level actions; each is bound (and documented) through the actions table."""

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- history --------------------------------------------------------------------

    def action_back(self) -> None:
        location = self.history.back()
        if location is None:
            self.notify("Nothing further back.")
            return
        self.user_data.save_history()
        self.open_location(location, record=False)

    def action_forward(self) -> None:
        location = self.history.forward()
        if location is None:
            self.notify("Nothing further forward.")
            return
        self.user_data.save_history()
        self.open_location(location, record=False)

    # -- dates ----------------------------------------------------------------------

    def current_day(self) -> date | None:
        """The day shown in the reader (or of the shown event), else the timeline's."""
        if self.shown is not None and self.shown.kind == "day":
            return date.fromisoformat(self.shown.ref)
        if self.shown_doc is not None and self.shown_doc.date is not None:
            return self.shown_doc.date
        return self.timeline.cursor_day

    def open_day(self, day: date | None, missing: str) -> None:
        if day is None:
            self.notify(missing)
            return
        self.open_location(Location("day", day.isoformat(), day.isoformat()))

    def action_next_day(self) -> None:
        if self.library is not None:
            current = self.current_day()
            target = self.library.step_day(current, +1) if current else self.library.first_day()
            self.open_day(target, "This is the last day with events.")

    def action_previous_day(self) -> None:
        if self.library is not None:
            current = self.current_day()
            target = self.library.step_day(current, -1) if current else self.library.last_day()
            self.open_day(target, "This is the first day with events.")

    def action_first_day(self) -> None:
        if self.library is not None:
            self.open_day(self.library.first_day(), "The archive has no dated events.")

    def action_last_day(self) -> None:
        if self.library is not None:
            self.open_day(self.library.last_day(), "The archive has no dated events.")

    def action_jump(self) -> None:
        self.push_screen(
            PromptScreen(
                "Go to date",
                "2011-11-12, 2011-11 or 2011; the nearest day with events",
                restrict=r"[0-9/-]*",
            ),
            self.jump_to,
        )

    def jump_to(self, text: str | None) -> None:
        """Open the day ``text`` names, or the nearest day that has events."""
        if not text or self.library is None:
            return
        when = parse_when(text)
        if when is None:
            self.notify(
                f"Not a date: {text!r} (try 2011-11-12, 2011-11 or 2011)",
                severity="warning",
                markup=False,
            )
            return
        year, month, day = when
        lib = self.library
        target: date | None = None
        if day is None:
            months = [m for m, _ in lib.months(year)] if month is None else [month]
            days = lib.days(year, months[0]) if months else []
            target = days[0][0] if days else None
        target = target or lib.nearest_day(date(year, month or 1, day or 1))
        self.open_day(target, "The archive has no dated events.")

    # -- bookmarks ------------------------------------------------------------------

    def action_bookmark(self) -> None:
        if self.shown is None:
            self.notify("Nothing to bookmark yet.")
            return
        added = self.user_data.toggle_bookmark(self.shown)
        label = self.shown.title or self.shown.ref
        self.notify(f"{'Bookmarked' if added else 'Removed bookmark'}: {label}", markup=False)

    def action_bookmarks(self) -> None:
        self.push_screen(BookmarksScreen(self.user_data), self._open_bookmark)

    def _open_bookmark(self, mark: Location | None) -> None:
        if mark is not None:
            self.open_location(mark)

    # -- stories and topics ---------------------------------------------------------

    def _follow(self, kind: str, name: str | None) -> None:
        if name and self.library is not None:
            self.push_screen(StoryScreen(self.library, kind, name), self._open_event_id)

    def _open_event_id(self, event_id: str | None) -> None:
        if event_id:
            self.open_location(Location("event", event_id))

    def action_follow_story(self) -> None:
        doc = self.shown_doc
        if not isinstance(doc, Event) or not doc.story:
            self.notify("The shown page has no story heading; try t for a topic.")
            return
        self._follow("story", doc.story)

    def action_follow_topic(self) -> None:
        item = self.navigator.highlighted_item if self.navigator.has_focus else None
        if item is not None and item.topic:
            self._follow("topic", item.topic)
            return
        doc = self.shown_doc
        topics = doc.topics if isinstance(doc, Event) else []
        if not topics:
            self.notify("The shown page has no topics.")
        elif len(topics) == 1:
            self._follow("topic", topics[0])
        else:
            self.push_screen(
                ChoiceScreen("Follow which topic?", topics),
                lambda name: self._follow("topic", name),
            )

    # -- links ----------------------------------------------------------------------

    def action_open_source(self) -> None:
        count = self.reader.source_count
        if count == 0:
            self.notify("The shown page has no numbered sources.")
            return
        self.push_screen(
            PromptScreen(
                f"Open source number (1–{count})",
                "then Enter",
                restrict=r"[0-9]*",
                complete=lambda value: int(value) * 10 > count,
            ),
            self._open_source,
        )

    def _open_source(self, value: str | None) -> None:
        if not value:
            return
        link = self.reader.source(int(value))
        if link is None:
            self.notify(f"There is no source {value}.", severity="warning", markup=False)
            return
        self.open_url(link.target)

    def action_copy_link(self) -> None:
        link = self.reader.selected_link
        if link is None:
            urls = [ln for ln in self.reader.links if ln.kind == "url"]
            link = urls[0] if urls else None
        if link is None:
            self.notify("No link to copy: select one with l.")
            return
        self.copy_to_clipboard(link.target)
        self.notify(f"Copied {link.target}", markup=False)
