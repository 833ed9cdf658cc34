"""Everything one hop from a document: the navigator's link graph, read from the catalog.

Related links (resolved or missing), linked articles, the same story and events that
share a topic (nearest in time), events whose related links point here, and
"more like this" from Whoosh. Each list is capped, so a topic or story with tens of
thousands of events costs a few indexed lookups, not a scan of them all. The app takes
them in stages (``neighbours_in_stages``), so a page and its own links do not wait for
the slower lookups.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tui.index.catalog import story_key, topic_key
from tui.model import Article, Event
from tui.summaries import (
    ArticleSummary,
    EventSummary,
    Neighbours,
    RelatedItem,
    day_of,
)

if TYPE_CHECKING:
    from tui.library import Library

SHARED_TOPIC_CAP = 8
# The story's events nearest in date (the whole story is one key away, in the story list).
SAME_STORY_CAP = 30


def neighbours_of(library: Library, doc: Event | Article | object) -> Neighbours:
    """The neighbours of an event or an article; nothing for anything else."""
    *_, (found, _pending) = neighbours_in_stages(library, doc)
    return found


def neighbours_in_stages(
    library: Library, doc: Event | Article | object
) -> Iterator[tuple[Neighbours, frozenset[str]]]:
    """The neighbours as they are found, each stage adding to the last, with the fields
    still to come: first the document's own links (what its page shows: a few indexed
    lookups), then the story, topics and links to it from the catalog, then "more like
    this" from Whoosh (a scored search: a tenth of a second or more on a large index)."""
    if isinstance(doc, Event):
        found = _own_links(library, doc)
        yield found, frozenset(LATER_EVENT_FIELDS)
        found = replace(found, **_catalog_neighbours(library, doc))
        yield found, frozenset({"more_like_this"})
        text = "\n".join([doc.headline, doc.summary])
        yield replace(found, more_like_this=library.more_like(doc.id, text)), frozenset()
    elif isinstance(doc, Article):
        rows = library.catalog.conn.execute(
            "SELECT event_id FROM article_events WHERE article_id = ? ORDER BY score DESC",
            (doc.id,),
        )
        found = Neighbours(events=tuple(library.summaries([row[0] for row in rows])))
        yield found, frozenset({"more_like_this"})
        text = "\n".join([doc.title, *doc.paragraphs])
        yield replace(found, more_like_this=library.more_like(doc.id, text)), frozenset()
    else:
        yield Neighbours(), frozenset()


# An event's fields that the first stage leaves for later.
LATER_EVENT_FIELDS = ("same_story", "shared_topics", "linked_from", "more_like_this")


def _own_links(library: Library, event: Event) -> Neighbours:
    """The event's related links, resolved, and its linked articles."""
    related = tuple(
        RelatedItem(link.title, link.target, tuple(link.topics),
                    library.resolve(link.target, link.title))
        for link in event.related
    )
    articles = tuple(
        ArticleSummary(row["id"], row["title"], row["publisher"], day_of(row["date"]),
                       row["how"])
        for row in library.catalog.conn.execute(
            "SELECT a.id, a.title, a.publisher, a.date, l.how FROM article_events l "
            "JOIN articles a ON a.id = l.article_id WHERE l.event_id = ? "
            "ORDER BY l.score DESC, a.id", (event.id,))
    )
    return Neighbours(related=related, articles=articles)


def _catalog_neighbours(library: Library, event: Event) -> dict[str, Any]:
    """The same story and shared topics (nearest in time) and the events linking here."""
    catalog = library.catalog
    anchor = event.date.isoformat() if event.date else "0001-01-01"
    same_story: tuple[EventSummary, ...] = ()
    if event.story:
        ids = catalog.nearest_in_story(story_key(event.story), event.id, anchor, SAME_STORY_CAP)
        same_story = tuple(library.summaries(ids))
    shared: list[tuple[str, EventSummary]] = []
    for topic in event.topics:
        ids = catalog.nearest_with_topic(topic_key(topic), event.id, anchor, SHARED_TOPIC_CAP)
        shared.extend((topic, summary) for summary in library.summaries(ids))
    linked_from = library.summaries(catalog.linking_to(event))
    return {"same_story": same_story, "shared_topics": tuple(shared),
            "linked_from": tuple(linked_from)}
