"""Everything one hop from a document: the navigator's link graph, read from the catalog.

Related links (resolved or missing), linked articles, the same story and events that
share a topic (nearest in time), events whose related links point here, and
"more like this" from Whoosh. Each list is capped, so a topic or story with tens of
thousands of events costs a few indexed lookups, not a scan of them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    if isinstance(doc, Event):
        return _event_neighbours(library, doc)
    if isinstance(doc, Article):
        catalog = library.catalog
        rows = catalog.conn.execute(
            "SELECT event_id FROM article_events WHERE article_id = ? ORDER BY score DESC",
            (doc.id,),
        )
        events = library.summaries([row[0] for row in rows])
        text = "\n".join([doc.title, *doc.paragraphs])
        return Neighbours(events=tuple(events), more_like_this=library.more_like(doc.id, text))
    return Neighbours()


def _event_neighbours(library: Library, event: Event) -> Neighbours:
    catalog = library.catalog
    db = catalog.conn
    related = tuple(
        RelatedItem(link.title, link.target, tuple(link.topics),
                    library.resolve(link.target, link.title))
        for link in event.related
    )
    articles = tuple(
        ArticleSummary(row["id"], row["title"], row["publisher"], day_of(row["date"]),
                       row["how"])
        for row in db.execute(
            "SELECT a.id, a.title, a.publisher, a.date, l.how FROM article_events l "
            "JOIN articles a ON a.id = l.article_id WHERE l.event_id = ? "
            "ORDER BY l.score DESC, a.id", (event.id,))
    )
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
    text = "\n".join([event.headline, event.summary])
    return Neighbours(
        related=related, articles=articles, same_story=same_story,
        shared_topics=tuple(shared), more_like_this=library.more_like(event.id, text),
        linked_from=tuple(linked_from),
    )
