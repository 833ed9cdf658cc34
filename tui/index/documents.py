"""Model documents -> Whoosh field values, and the text a snippet is cut from."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from whoosh.analysis import STOP_WORDS

from tui.index.schema import HEADLINE_REPEAT
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


def day_document(pages: list[DayPage]) -> DayPage:
    """A date's day pages as the one search document of that date.

    It takes the id of ``index.md`` when there is one (else the first by id) and every
    page's entries, so its stories and topics are those of all the date's pages.
    """
    ranked = sorted(pages, key=lambda page: (not page.id.endswith("/index.md"), page.id))
    entries = [entry for page in ranked for entry in page.entries]
    return DayPage(id=ranked[0].id, date=ranked[0].date, entries=entries)


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


def stories_of(doc: Document) -> list[str]:
    if isinstance(doc, Event):
        return [doc.story] if doc.story else []
    if isinstance(doc, DayPage):
        return list(dict.fromkeys(e.story for e in doc.entries if e.story))
    return []


def story_of(doc: Document) -> str:
    return "; ".join(stories_of(doc))


def keyword_list(values: list[str]) -> str:
    """Whole values for a comma-separated KEYWORD field (a comma inside one is a space)."""
    return ",".join(" ".join(value.replace(",", " ").split()) for value in values)


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


_SPELL_WORD = re.compile(r"\w+(?:\.?\w+)*")


def spelling_words(doc: Document) -> set[str]:
    """The distinct lower-case words of a document (as Whoosh's standard analyzer finds
    them, stop words left out): its share of the vocabulary "did you mean" draws on."""
    texts = [title_of(doc), story_of(doc), *topics_of(doc), *publishers_of(doc)]
    if not isinstance(doc, DayPage):
        texts.append(body_text(doc))
    return set(_SPELL_WORD.findall(" ".join(texts).lower())) - STOP_WORDS


def default_text(title: str, story: str, topics: list[str], body: str,
                 publishers: list[str]) -> str:
    """The text of the field a plain word is searched in: everything a person may
    mean by a word, the headline written :data:`HEADLINE_REPEAT` times for weight."""
    parts = [title] * HEADLINE_REPEAT + [story, *topics, body, *publishers]
    return "\n".join(part for part in parts if part)


def whoosh_fields(doc: Document) -> dict[str, Any]:
    """The field values ``writer.update_document`` gets for one document.

    A day page is indexed by its date, story headings, topics and its entries'
    headlines, not their excerpts: those are its events' text, which the events carry.
    """
    title = title_of(doc)
    if isinstance(doc, DayPage):
        body = "\n".join(entry.headline for entry in doc.entries)
    else:
        body = body_text(doc)
    story = story_of(doc)
    topics = topics_of(doc)
    publishers = publishers_of(doc)
    fields: dict[str, Any] = {
        "kind": doc.kind,
        "id": doc.id,
        "headline": title,
        "body": default_text(title, story, topics, body, publishers),
        "story": story,
        "topic_text": "\n".join(topics),
        "stories": keyword_list(stories_of(doc)),
        "topics": keyword_list(topics),
        "publisher": "\n".join(publishers),
        "url": " ".join(u.replace(" ", "%20") for u in urls_of(doc)),
    }
    if doc.date is not None:
        fields["date"] = datetime.combine(doc.date, time())
    return {key: value for key, value in fields.items() if value != ""}
