"""Event pages: ``### [date](day link)``, ``# headline``, summary, Source/Related/Changes lists.

One pass over the lines with a few anchored regexes: event pages are the bulk of an
archive, so no markdown parser is involved. Layout variants handled: a leading
``Formats:`` line or ``### Formats:`` list (ignored), a ``##### story`` heading, the
``Story:. Headline`` prefix of older pages, ``### Source:`` or ``### Sources:``, and a
``### Changes:`` version history whose links are other slugs of the same event.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from tui.links import date_from_id, normalize_target, split_link
from tui.model import Event, RelatedLink, Skip, Source
from tui.text import (
    clean_label,
    clean_text,
    clean_wiki_text,
    decode_entities,
    split_story_prefix,
    split_topics,
)

# ``### [2011-11-12](/news/2011/11/12/index.md)`` (level 2 or 3; the day unpadded).
DATE_HEADING = re.compile(r"#{2,3}[ \t]*\[[ \t]*(\d{4})-(\d{1,2})-(\d{1,2})[ \t]*\]\(")
HEADLINE = re.compile(r"#[ \t]+(.*)")
STORY_HEADING = re.compile(r"#####[ \t]+(.*)")
SECTION = re.compile(r"###(?!#)[ \t]*([A-Za-z][A-Za-z ]{0,30}?)[ \t]*:?[ \t]*$")
LIST_ITEM = re.compile(r"[ \t]*(?:\d{1,6}[.)]|[*+-])[ \t]+")
_CONTEXT = re.compile(r"_?Context:", re.IGNORECASE)
_COVER_IMAGE = "cover image"
# A context line longer than this is damage; its start still gives the topics.
TOPICS_TEXT_LIMIT = 100_000

# Section names as they appear after ``###``, folded to what the parser does with them.
_SECTIONS = {
    "source": "sources",
    "sources": "sources",
    "related": "related",
    "changes": "changes",
    "formats": "formats",
}


def parse_event_page(lines: list[str], doc_id: str) -> Event | Skip:
    """Build an :class:`Event` from the lines of an event page (never raises on odd input)."""
    day: date | None = None
    day_link: str | None = None
    headline_raw: str | None = None
    story = ""
    summary_lines: list[str] = []
    sources: list[Source] = []
    related: list[RelatedLink] = []
    aliases: list[str] = []
    known_aliases: set[str] = set()
    section = "preamble"
    for line in lines:
        if line.startswith("#"):
            if not line.strip("# \t"):
                continue
            if day is None and headline_raw is None:
                found = _date_heading(line)
                if found is not None:
                    day, day_link = found
                    continue
            if headline_raw is None:
                headline = HEADLINE.match(line)
                if headline is not None:
                    if clean_label(headline.group(1)):
                        headline_raw = headline.group(1)
                        section = "summary"
                    continue
                story_heading = STORY_HEADING.match(line)
                if story_heading is not None:
                    story = clean_label(story_heading.group(1))
                    continue
            heading = SECTION.match(line)
            if heading is not None:
                section = _SECTIONS.get(heading.group(1).strip().lower(), "other")
                continue
            if section == "summary" and line.startswith("##"):
                section = "other"
                continue
        if section == "summary":
            summary_lines.append(line)
        elif section == "sources":
            source = _source(line)
            if source is not None:
                sources.append(source)
        elif section == "related":
            link = _related(line)
            if link is not None:
                related.append(link)
        elif section == "changes":
            target = _list_target(line)
            if target and target != doc_id and target not in known_aliases:
                known_aliases.add(target)
                aliases.append(target)

    if headline_raw is None:
        return Skip(doc_id, "event page without a '# headline' line")
    prefix_story, headline = split_story_prefix(clean_label(headline_raw))
    if not headline:
        return Skip(doc_id, "event page with an empty headline")
    if day is None:
        day = date_from_id(doc_id)
    if day is None:
        return Skip(doc_id, "event page without a date (no '### [YYYY-MM-D](...)' line)")
    return Event(
        id=doc_id,
        date=day,
        headline=headline,
        summary=_summary(summary_lines),
        sources=sources,
        related=related,
        day_link=day_link,
        story=story or prefix_story,
        topics=_topics(related),
        aliases=aliases,
    )


def _date_heading(line: str) -> tuple[date, str | None] | None:
    match = DATE_HEADING.match(line)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    link = split_link(line.lstrip("#").strip())
    target = normalize_target(link[1]) if link else ""
    return found, target or None


def _summary(lines: list[str]) -> str:
    """Paragraphs (blank-line separated) of the summary, each on one line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            text = clean_wiki_text(" ".join(current))
            if text:
                paragraphs.append(text)
            current = []
    return "\n\n".join(paragraphs)


def _list_link(line: str) -> tuple[str, str, str] | None:
    item = LIST_ITEM.match(line)
    if item is None:
        return None
    return split_link(line[item.end() :].lstrip())


def _list_target(line: str) -> str:
    link = _list_link(line)
    return normalize_target(link[1]) if link else ""


def _source(line: str) -> Source | None:
    link = _list_link(line)
    if link is None:
        return None
    publisher = clean_label(link[0])
    if publisher.casefold() == _COVER_IMAGE:
        return None
    url = clean_url(link[1])
    if not url and not publisher:
        return None
    return Source(publisher=publisher, url=url)


def clean_url(url: str) -> str:
    """Entities decoded (``&amp;``), controls dropped, inner spaces percent-encoded."""
    url = clean_text(decode_entities(url))
    return url.replace(" ", "%20")


def _related(line: str) -> RelatedLink | None:
    item = LIST_ITEM.match(line)
    if item is None:
        return None
    text = line[item.end() :].lstrip()
    found = _read_related(text) if len(text) > _CACHED_RELATED_TEXT else _cached_related(text)
    if found is None:
        return None
    title, target, topics = found
    return RelatedLink(title=title, target=target, topics=list(topics))


# Pages link to the same events in the same words: a related line of ordinary length
# is read once (for the pages nearby).
_CACHED_RELATED_TEXT = 1_000
RelatedParts = tuple[str, str, tuple[str, ...]]


@lru_cache(maxsize=16_384)
def _cached_related(text: str) -> RelatedParts | None:
    return _read_related(text)


def _read_related(text: str) -> RelatedParts | None:
    """A related link's title, target and topics, from its line after the number."""
    link = split_link(text)
    if link is None:
        return None
    label, target, rest = link
    title = clean_label(label)
    story, rest_of_title = split_story_prefix(title)
    if story:
        title = f"{story}: {rest_of_title}"
    topics: list[str] = []
    context = _CONTEXT.search(rest)
    if context is not None:
        topics = split_topics_text(rest[context.end() :])
    return title, normalize_target(target), tuple(topics)


def split_topics_text(text: str) -> list[str]:
    """``Islamic terrorism, Kazakhstan_`` -> ``["Islamic terrorism", "Kazakhstan"]``.

    Only the first :data:`TOPICS_TEXT_LIMIT` characters are read.
    """
    if len(text) > _CACHED_TOPICS_TEXT:
        return _split_topics_text(text)
    return list(_cached_topics(text))


# The same few context lines recur on page after page: each is cleaned once.
_CACHED_TOPICS_TEXT = 500


@lru_cache(maxsize=8192)
def _cached_topics(text: str) -> tuple[str, ...]:
    return tuple(_split_topics_text(text))


def _split_topics_text(text: str) -> list[str]:
    text = clean_wiki_text(text[:TOPICS_TEXT_LIMIT]).strip().rstrip("_").strip()
    return split_topics(text)


def _topics(related: list[RelatedLink]) -> list[str]:
    seen: set[str] = set()
    topics: list[str] = []
    for link in related:
        for topic in link.topics:
            key = topic.casefold()
            if key not in seen:
                seen.add(key)
                topics.append(topic)
    return topics
