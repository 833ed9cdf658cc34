"""What the query layer hands out: small frozen records, never Whoosh or SQLite objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
