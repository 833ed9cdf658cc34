"""How the catalog is laid out on disk: its tables, and the compact keys it stores.

Parse results are kept as zlib-compressed JSON. The reverse lookups (related link
targets and titles, headline keys, source urls) are signed 64-bit hashes pointing at
a number per event (``event_nums``, itself a hash of the event id): a fraction of the
size of the texts, and the catalog checks every candidate they give against the
events themselves, so a collision never changes an answer.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

from tui.links import date_from_id
from tui.model import Article, Document, Event, RelatedLink, Skip
from tui.text import headline_key

# The layout of the catalog's own tables; a catalog with another is rebuilt (see
# ``builder``). 2: compressed parse results, hashed reverse lookups, small tables
# stored in their primary key (WITHOUT ROWID).
CATALOG_LAYOUT = 2
COMPRESSION = 1
# ``json.dumps(data, ensure_ascii=False)`` made once: dumps builds an encoder per call
# (a fifth of its cost for a small document), and documents never hold a cycle.
to_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    kind TEXT NOT NULL, doc_id TEXT, date TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS parse_results (path TEXT PRIMARY KEY, result BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, date TEXT, seq INTEGER NOT NULL, headline TEXT NOT NULL,
    story TEXT NOT NULL, story_key TEXT NOT NULL, topics TEXT NOT NULL,
    from_day_page INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_nums (num INTEGER PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, event_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS headline_keys (hash INTEGER NOT NULL, num INTEGER NOT NULL,
    PRIMARY KEY (hash, num)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS related_keys (hash INTEGER NOT NULL, num INTEGER NOT NULL,
    PRIMARY KEY (hash, num)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS topics (
    topic_key TEXT NOT NULL, topic TEXT NOT NULL, event_id TEXT NOT NULL, date TEXT,
    PRIMARY KEY (topic_key, event_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stories (
    story_key TEXT PRIMARY KEY, story TEXT NOT NULL, events INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_urls (hash INTEGER NOT NULL, num INTEGER NOT NULL,
    PRIMARY KEY (hash, num)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, date TEXT, title TEXT NOT NULL, publisher TEXT NOT NULL,
    url TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS article_events (
    article_id TEXT NOT NULL, event_id TEXT NOT NULL, how TEXT NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (article_id, event_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS day_pages (id TEXT PRIMARY KEY, date TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocabulary (word TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article_terms (article_id TEXT PRIMARY KEY, terms TEXT NOT NULL);
"""
# What each article's link was decided from (``relinking.LinkBasis``), and its key terms
# and keys (hashed front matter event and url) to find it by: added in layout 2, so an
# older catalog gets them at its next update (``Catalog.create_indexes``) and rechecks
# the articles it has no basis for as before.
LINK_BASIS = "article_id, day, bar, near_bar, weights, keys, watched, candidates"
LINK_TABLES = """
CREATE TABLE IF NOT EXISTS link_bases (
    article_id TEXT PRIMARY KEY, day TEXT, bar REAL NOT NULL, near_bar REAL NOT NULL,
    weights TEXT NOT NULL, keys TEXT NOT NULL, watched TEXT NOT NULL,
    candidates BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS link_terms (term TEXT NOT NULL, article_id TEXT NOT NULL,
    PRIMARY KEY (term, article_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_keys (key INTEGER NOT NULL, article_id TEXT NOT NULL,
    PRIMARY KEY (key, article_id)) WITHOUT ROWID;
"""
# Secondary indexes: built after a fresh catalog's bulk load (one sort each, instead
# of an insertion per row).
INDEXES = """
CREATE INDEX IF NOT EXISTS files_date ON files (date);
CREATE INDEX IF NOT EXISTS events_date ON events (date, seq);
CREATE INDEX IF NOT EXISTS events_story ON events (story_key, date, story);
CREATE INDEX IF NOT EXISTS topics_date ON topics (topic_key, date);
CREATE INDEX IF NOT EXISTS article_events_event ON article_events (event_id);
CREATE INDEX IF NOT EXISTS day_pages_date ON day_pages (date);
"""
# Indexes of older catalogs that served only to delete an event's rows (an event's
# rows are now deleted by the keys its stored JSON gives): dropped at the next update,
# since every insert kept them up to date for nothing. An older Chronicle makes them
# again when it updates such a catalog.
RETIRED_INDEXES = ("aliases_event", "headline_keys_event", "related_keys_event",
                   "topics_event", "source_urls_event")



def headline_keys(headline: str, story: str) -> set[str]:
    """Keys a related link's title may have for an event (old titles carry the story)."""
    keys = {headline_key(headline)}
    if story:
        keys.add(headline_key(story) + headline_key(headline))
    keys.discard("")
    return keys


def _hash(*parts: str) -> int:
    """A signed 64-bit hash of ``parts`` (SQLite's INTEGER), the same in every process."""
    data = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


def event_num(event_id: str) -> int:
    return _hash("e", event_id)


def target_hash(target: str) -> int:
    return _hash("t", target)


def title_hash(day: str, key: str) -> int:
    return _hash("h", day, key)


def url_hash(url: str) -> int:
    return _hash("u", url)


def related_hashes(event: Event) -> set[int]:
    """What another event's related link to ``event`` may say: its id, an alias, or its
    date and a headline key."""
    found = {target_hash(name) for name in (event.id, *event.aliases)}
    if event.date is not None:
        day = event.date.isoformat()
        found |= {title_hash(day, key) for key in headline_keys(event.headline, event.story)}
    return found


def link_hashes(link: RelatedLink) -> list[int]:
    """The keys one related link is found by (see :func:`related_hashes`)."""
    found = [target_hash(link.target)] if link.target else []
    target_day = date_from_id(link.target)
    title = headline_key(link.title)
    if target_day is not None and title:
        found.append(title_hash(target_day.isoformat(), title))
    return found


def stored_result(result: Document | Skip) -> bytes:
    """A file's parse result as the catalog keeps it (the parse workers call this)."""
    if isinstance(result, Skip):
        data: dict[str, Any] = {"reason": result.reason}
    elif isinstance(result, Article):  # its text lives in the articles table already
        data = {"id": result.id}
    else:
        data = result.to_dict()
    return zlib.compress(to_json(data).encode("utf-8"), COMPRESSION)


def result_data(blob: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(zlib.decompress(blob))
    return data
