"""What the query layer hands out: small frozen records, never Whoosh or SQLite objects."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date

# The events table's columns an EventSummary is read from (see ``summary_from_row``).
SUMMARY_COLUMNS = "id, date, headline, story, topics"


@dataclass(frozen=True, slots=True)
class LibraryStats:
    name: str
    events: int
    articles: int
    day_pages: int
    first: date | None
    last: date | None
    skipped: int = 0
    archive: str = ""


@dataclass(frozen=True, slots=True)
class EventSummary:
    id: str
    date: date | None
    headline: str
    story: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    id: str
    title: str
    publisher: str
    date: date | None
    how: str = ""


@dataclass(frozen=True, slots=True)
class DayView:
    """A day as its archive page shows it: events grouped under their stories."""

    day: date
    groups: tuple[tuple[str, tuple[EventSummary, ...]], ...]

    @classmethod
    def grouped(cls, day: date, events: list[EventSummary]) -> DayView:
        """The day's events (in page order) under their stories, in order of first mention."""
        groups: dict[str, list[EventSummary]] = {}
        for event in events:
            groups.setdefault(event.story, []).append(event)
        return cls(day, tuple((story, tuple(items)) for story, items in groups.items()))


@dataclass(frozen=True, slots=True)
class RelatedItem:
    title: str
    target: str
    topics: tuple[str, ...]
    resolved: str | None


@dataclass(frozen=True, slots=True)
class Neighbours:
    """Everything one hop from a document, by kind of link."""

    related: tuple[RelatedItem, ...] = ()
    articles: tuple[ArticleSummary, ...] = ()
    events: tuple[EventSummary, ...] = ()
    same_story: tuple[EventSummary, ...] = ()
    shared_topics: tuple[tuple[str, EventSummary], ...] = ()
    more_like_this: tuple[EventSummary, ...] = ()
    linked_from: tuple[EventSummary, ...] = ()


def day_of(value: str | None) -> date | None:
    """A catalog date (ISO text or NULL) as a date."""
    return date.fromisoformat(value) if value else None


def summary_from_row(row: sqlite3.Row | tuple[str, str | None, str, str, str]) -> EventSummary:
    """An EventSummary from a row of ``SUMMARY_COLUMNS`` (in that order)."""
    event_id, day, headline, story, topics = tuple(row)
    return EventSummary(event_id, day_of(day), headline, story, tuple(json.loads(topics)))
