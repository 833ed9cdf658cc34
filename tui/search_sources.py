"""What a search reads from the catalog for its hits: what a hit shows (its kind,
date, title and story), their running text (snippets are cut from it) and their
topics (the facets), a few indexed reads per page of hits."""

from __future__ import annotations

import json
import sqlite3

from tui.model import document_from_dict


def hit_fields(db: sqlite3.Connection, ids: list[str],
               ) -> dict[str, tuple[str, str | None, str, str]]:
    """The kind, date (ISO), title and story of each event and article among ``ids``
    (what the search index stores for its hit; reading those stored fields took about
    20 µs a hit): events in one query, then articles (which have no story) in another.
    Day pages, whose story is made from their entries', are left out."""
    found: dict[str, tuple[str, str | None, str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for doc_id, day, headline, story in db.execute(
                f"SELECT id, date, headline, story FROM events WHERE id IN ({marks})", chunk):
            found[doc_id] = ("event", day, headline, story)
        rest = [doc_id for doc_id in chunk if doc_id not in found]
        if rest:
            marks = ",".join("?" * len(rest))
            for doc_id, day, title in db.execute(
                    f"SELECT id, date, title FROM articles WHERE id IN ({marks})", rest):
                found[doc_id] = ("article", day, title, "")
    return found


def running_texts(db: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """The running text of each document (what its snippet is cut from): the events'
    summaries in one query (SQLite takes the summary out of the JSON), then articles
    and day pages, rarer among hits, a query for each kind."""
    from tui.index.documents import body_text

    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for doc_id, summary in db.execute(
                f"SELECT id, json_extract(json, '$.summary') FROM events WHERE id IN ({marks})",
                chunk):
            # an event's running text is its summary alone
            found[doc_id] = summary if isinstance(summary, str) else ""
        for table in ("articles", "day_pages"):
            rest = [doc_id for doc_id in chunk if doc_id not in found]
            if not rest:
                break
            marks = ",".join("?" * len(rest))
            for doc_id, raw in db.execute(
                    f"SELECT id, json FROM {table} WHERE id IN ({marks})", rest):
                found[doc_id] = body_text(document_from_dict(json.loads(raw)))
    return found


def hit_topics(db: sqlite3.Connection, ids: list[str]) -> dict[str, list[str]]:
    """Each event's and day page's topics: events in one query, day pages from JSON."""
    from tui.index.documents import topics_of

    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"SELECT id, topics FROM events WHERE id IN ({marks})", chunk):
            found[row[0]] = json.loads(row[1])
        rest = [doc_id for doc_id in chunk if doc_id not in found]
        if rest:
            marks = ",".join("?" * len(rest))
            for row in db.execute(f"SELECT id, json FROM day_pages WHERE id IN ({marks})", rest):
                found[row[0]] = topics_of(document_from_dict(json.loads(row[1])))
    return found
