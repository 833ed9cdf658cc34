"""The documents of a news-events archive, as plain data shared by every layer.

Parsers produce these, the index stores them, the query layer hands them back and
the CLI and the app render them. Nothing here knows about files, Whoosh or Textual.
Every string field holds clean text: HTML entities decoded, wiki markup removed,
control characters dropped (see ``tui.text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Kind = Literal["event", "article", "day"]


@dataclass(slots=True)
class Source:
    """One numbered publisher link of an event page."""

    publisher: str
    url: str


@dataclass(slots=True)
class RelatedLink:
    """A link from an event to another event, with the topics the two share.

    ``target`` is an archive id (``news/2016/06/5/slug.md``), normalised whatever
    the link's leading slash or day padding. Most targets are not in any given
    archive: the query layer decides whether the link resolves.
    """

    title: str
    target: str
    topics: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Event:
    """One dated news event: an event page, or a day-page entry without a page."""

    id: str
    date: date | None
    headline: str
    summary: str = ""
    sources: list[Source] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    day_link: str | None = None
    story: str = ""
    topics: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    from_day_page: bool = False

    kind: Kind = "event"

    def to_dict(self) -> dict[str, Any]:
        # By hand rather than ``dataclasses.asdict`` (its deep copy took most of the
        # catalog's share of an index build); the same keys in the same order.
        return {
            "id": self.id,
            "date": _iso(self.date),
            "headline": self.headline,
            "summary": self.summary,
            "sources": [{"publisher": s.publisher, "url": s.url} for s in self.sources],
            "related": [{"title": r.title, "target": r.target, "topics": list(r.topics)}
                        for r in self.related],
            "day_link": self.day_link,
            "story": self.story,
            "topics": list(self.topics),
            "aliases": list(self.aliases),
            "from_day_page": self.from_day_page,
            "kind": self.kind,
        }


@dataclass(slots=True)
class DayEntry:
    """One event as listed on a day page, under its story heading."""

    headline: str
    target: str
    story: str = ""
    excerpt: str = ""
    topics: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DayPage:
    """A day's page (``news/YYYY/MM/D/index.md`` or ``README.md``)."""

    id: str
    date: date
    entries: list[DayEntry] = field(default_factory=list)

    kind: Kind = "day"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": _iso(self.date),
            "entries": [{"headline": e.headline, "target": e.target, "story": e.story,
                         "excerpt": e.excerpt, "topics": list(e.topics)} for e in self.entries],
            "kind": self.kind,
        }


@dataclass(slots=True)
class Article:
    """The full text of a news story, with or without YAML front matter."""

    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    publisher: str = ""
    url: str = ""
    date: date | None = None
    event_ref: str = ""

    kind: Kind = "article"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "paragraphs": list(self.paragraphs),
            "publisher": self.publisher,
            "url": self.url,
            "date": _iso(self.date),
            "event_ref": self.event_ref,
            "kind": self.kind,
        }


@dataclass(slots=True)
class Skip:
    """A file that yielded no document, and why, in words for a person."""

    path: str
    reason: str


Document = Event | DayPage | Article


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def document_from_dict(data: dict[str, Any]) -> Document:
    """Rebuild a document from ``to_dict`` output (the catalog stores that form)."""
    data = dict(data)
    kind = data.get("kind")
    if data.get("date"):
        data["date"] = date.fromisoformat(data["date"])
    if kind == "event":
        data["sources"] = [Source(**s) for s in data.get("sources", [])]
        data["related"] = [RelatedLink(**r) for r in data.get("related", [])]
        return Event(**data)
    if kind == "day":
        data["entries"] = [DayEntry(**e) for e in data.get("entries", [])]
        return DayPage(**data)
    if kind == "article":
        return Article(**data)
    raise ValueError(f"unknown document kind {kind!r}")
