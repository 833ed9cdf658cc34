"""Model documents -> Whoosh field values, and the text a snippet is cut from."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from tui.index.catalog import story_key
from tui.model import Article, DayPage, Document, Event


def day_title(day: date) -> str:
    """How a day page is titled in results: ``Saturday 12 November 2011``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def body_text(doc: Document) -> str:
    """The searchable running text of a document, also what its snippet is cut from."""
    if isinstance(doc, Event):
        return doc.summary
    if isinstance(doc, Article):
        return "\n\n".join(doc.paragraphs)
    lines = []
    for entry in doc.entries:
        lines.append(entry.headline)
        if entry.excerpt:
            lines.append(entry.excerpt)
    return "\n".join(lines)


def title_of(doc: Document) -> str:
    if isinstance(doc, Event):
        return doc.headline
    if isinstance(doc, Article):
        return doc.title
    return day_title(doc.date)


def topics_of(doc: Document) -> list[str]:
    if isinstance(doc, Event):
        return list(doc.topics)
    if isinstance(doc, DayPage):
        seen: dict[str, str] = {}
        for entry in doc.entries:
            for topic in entry.topics:
                seen.setdefault(topic.casefold(), topic)
        return list(seen.values())
    return []


def story_of(doc: Document) -> str:
    if isinstance(doc, Event):
        return doc.story
    if isinstance(doc, DayPage):
        stories = dict.fromkeys(e.story for e in doc.entries if e.story)
        return "; ".join(stories)
    return ""


def publishers_of(doc: Document) -> list[str]:
    if isinstance(doc, Event):
        return [s.publisher for s in doc.sources if s.publisher]
    if isinstance(doc, Article):
        return [doc.publisher] if doc.publisher else []
    return []


def urls_of(doc: Document) -> list[str]:
    if isinstance(doc, Event):
        return [s.url for s in doc.sources if s.url]
    if isinstance(doc, Article):
        return [doc.url] if doc.url else []
    return []


def whoosh_fields(doc: Document) -> dict[str, Any]:
    """The field values ``writer.update_document`` gets for one document."""
    title = title_of(doc)
    body = body_text(doc)
    story = story_of(doc)
    topics = topics_of(doc)
    publishers = publishers_of(doc)
    fields: dict[str, Any] = {
        "kind": doc.kind,
        "id": doc.id,
        "headline": title,
        "body": "\n".join([body, *publishers]),
        "story": story,
        "story_id": story_key(story) if isinstance(doc, Event) else "",
        "topic": ",".join(t.replace(",", " ") for t in topics),
        "topic_text": "\n".join(topics),
        "publisher": "\n".join(publishers),
        "url": " ".join(u.replace(" ", "%20") for u in urls_of(doc)),
        "spell": "\n".join([title, body, story, *topics, *publishers]),
    }
    if doc.date is not None:
        fields["date"] = datetime.combine(doc.date, time())
    return {key: value for key, value in fields.items() if value != ""}
