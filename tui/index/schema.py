"""The Whoosh schema of the search index, and its version.

Bump :data:`SCHEMA_VERSION` whenever a field changes: an index written with another
version is rebuilt by the next ``chronicle index`` instead of being misread.

"Did you mean" draws on the catalog's vocabulary table (unstemmed words and how many
documents hold them), not on a Whoosh field: a spelling field analysed every text a
second time and held 40% of all postings, which halved the build rate.
"""

from __future__ import annotations

from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

SCHEMA_VERSION = 4

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

# Fields a plain word is looked up in, with their weights.
DEFAULT_FIELDS: dict[str, float] = {
    "headline": 3.0,
    "body": 1.0,
    "story": 2.0,
    "topic_text": 1.5,
}


def stemming() -> StemmingAnalyzer:
    """English stemming without a minimum word size, so ``EU`` and ``UN`` stay findable."""
    return StemmingAnalyzer(minsize=1)


def build_schema() -> Schema:
    """Every document (event, article, day page) shares one schema, told apart by ``kind``."""
    return Schema(
        kind=ID(stored=True),
        id=ID(stored=True, unique=True),
        date=DATETIME(stored=True, sortable=True),
        headline=TEXT(analyzer=stemming(), stored=True, field_boost=1.0),
        body=TEXT(analyzer=stemming()),
        story=TEXT(analyzer=stemming(), stored=True),
        story_id=ID(),
        topic=KEYWORD(commas=True, lowercase=True, scorable=True),
        topic_text=TEXT(analyzer=stemming()),
        publisher=TEXT(analyzer=StandardAnalyzer(minsize=1)),
        url=KEYWORD(lowercase=False),
    )
