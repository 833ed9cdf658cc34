"""The Whoosh schema of the search index, and its version.

Bump :data:`SCHEMA_VERSION` whenever a field changes so that an older index would be
misread: an index written with another version is rebuilt by the next ``chronicle index``.
A change that leaves both readable needs no bump: Whoosh writes each index with the schema
pickled in it, so an older index keeps its own fields until its next full build (the
``date`` field lost its indexed terms that way; every date query is answered from its
column, which both have).

"Did you mean" draws on the catalog's vocabulary table (unstemmed words and how many
documents hold them), not on a Whoosh field: a spelling field analysed every text a
second time and held 40% of all postings, which halved the build rate.
"""

from __future__ import annotations

from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, Schema

from tui.index.text_field import TextField

SCHEMA_VERSION = 5

# Fields a query may name, and the names people type for them.
FIELD_ALIASES: dict[str, str] = {
    "headline": "headline",
    "title": "headline",
    "story": "story",
    "topic": "topic_text",
    "topics": "topic_text",
    "tag": "topic_text",
    "publisher": "publisher",
    "source": "publisher",
    "kind": "kind",
    "type": "kind",
    "date": "date",
    "url": "url",
    "id": "id",
    "body": "body",
    "text": "body",
}

# The field a plain word is looked up in. It holds the headline, story, topics,
# running text and publishers together, so a word is one term of one field: as a
# union over four fields every match was found and scored up to four times.
DEFAULT_FIELD = "body"
# How often the headline is written into the default field: BM25 then weighs a
# headline word about as a separate headline field boosted 1.6x would.
HEADLINE_REPEAT = 2


def stemming() -> StemmingAnalyzer:
    """English stemming without a minimum word size, so ``EU`` and ``UN`` stay findable."""
    return StemmingAnalyzer(minsize=1)


def date_column() -> DATETIME:
    """The date, stored and kept as a column but never indexed as terms.

    Every date query (``date:2011``, ``date:[2011 to 2012]``) is a range, and ranges are
    answered from the column (:class:`tui.date_order.DateSpan`); the terms Whoosh writes
    for a date (several per document, at each precision) were 9% of all postings and a
    third of all terms, each a cost of every build and update.
    """
    field = DATETIME(stored=True, sortable=True)
    field.indexed = False
    return field


def build_schema() -> Schema:
    """Every document (event, article, day page) shares one schema, told apart by ``kind``.

    ``headline``, ``story`` and ``topic_text`` repeat words of ``body`` so that
    ``headline:``, ``story:`` and ``topic:`` queries (phrases too) keep working.
    """
    return Schema(
        kind=ID(stored=True),
        # a column too: the ids of the hits that only feed the facets, without stored fields
        id=ID(stored=True, unique=True, sortable=True),
        date=date_column(),
        headline=TextField(analyzer=stemming(), stored=True),
        body=TextField(analyzer=stemming()),
        story=TextField(analyzer=stemming(), stored=True),
        topic_text=TextField(analyzer=stemming()),
        # each story and topic whole, lower case: ``story:`` and ``topic:`` queries are
        # answered by finding the few distinct values that hold the words (tui.labels)
        stories=KEYWORD(commas=True, lowercase=True, scorable=True),
        topics=KEYWORD(commas=True, lowercase=True, scorable=True),
        publisher=TextField(analyzer=StandardAnalyzer(minsize=1)),
        url=KEYWORD(lowercase=False),
    )
