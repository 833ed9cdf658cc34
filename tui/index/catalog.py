"""The SQLite catalog: everything the timeline and the link graph need, without Whoosh.

Written at index time beside the Whoosh index. It keeps each archive file's parse
result (so an incremental build can reassemble one date without re-reading the
others), the assembled events by date, aliases, headline keys, related links,
topics, stories, articles and the article<->event links.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tui.links import date_from_id
from tui.model import Article, DayPage, Document, Event, Skip, document_from_dict
from tui.text import headline_key

CATALOG_NAME = "catalog.sqlite"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    kind TEXT NOT NULL, doc_id TEXT, date TEXT, result TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS files_date ON files (date);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, date TEXT, seq INTEGER NOT NULL, headline TEXT NOT NULL,
    story TEXT NOT NULL, story_key TEXT NOT NULL, topics TEXT NOT NULL,
    from_day_page INTEGER NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_date ON events (date, seq);
CREATE INDEX IF NOT EXISTS events_story ON events (story_key, date);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, event_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS aliases_event ON aliases (event_id);
CREATE TABLE IF NOT EXISTS headline_keys (
    date TEXT NOT NULL, key TEXT NOT NULL, event_id TEXT NOT NULL,
    PRIMARY KEY (date, key, event_id));
CREATE INDEX IF NOT EXISTS headline_keys_event ON headline_keys (event_id);
CREATE TABLE IF NOT EXISTS related (
    from_id TEXT NOT NULL, seq INTEGER NOT NULL, target TEXT NOT NULL,
    title TEXT NOT NULL, topics TEXT NOT NULL, target_date TEXT NOT NULL,
    title_key TEXT NOT NULL, PRIMARY KEY (from_id, seq));
CREATE INDEX IF NOT EXISTS related_target ON related (target);
CREATE INDEX IF NOT EXISTS related_title ON related (target_date, title_key);
CREATE TABLE IF NOT EXISTS topics (
    topic_key TEXT NOT NULL, topic TEXT NOT NULL, event_id TEXT NOT NULL, date TEXT,
    PRIMARY KEY (topic_key, event_id));
CREATE INDEX IF NOT EXISTS topics_event ON topics (event_id);
CREATE TABLE IF NOT EXISTS stories (
    story_key TEXT PRIMARY KEY, story TEXT NOT NULL, events INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS source_urls (url TEXT NOT NULL, event_id TEXT NOT NULL,
    PRIMARY KEY (url, event_id));
CREATE INDEX IF NOT EXISTS source_urls_event ON source_urls (event_id);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, date TEXT, title TEXT NOT NULL, publisher TEXT NOT NULL,
    url TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS article_events (
    article_id TEXT NOT NULL, event_id TEXT NOT NULL, how TEXT NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (article_id, event_id));
CREATE INDEX IF NOT EXISTS article_events_event ON article_events (event_id);
CREATE TABLE IF NOT EXISTS day_pages (id TEXT PRIMARY KEY, date TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocabulary (word TEXT PRIMARY KEY, docs INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS article_terms (article_id TEXT PRIMARY KEY, terms TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS day_pages_date ON day_pages (date);
"""


def story_key(story: str) -> str:
    """Stories compare case-insensitively, ignoring surrounding spaces."""
    return " ".join(story.casefold().split())


def topic_key(topic: str) -> str:
    return " ".join(topic.casefold().split())


def event_headline_keys(event: Event) -> set[str]:
    """Keys a related link's title may have for this event (old titles carry the story)."""
    keys = {headline_key(event.headline)}
    if event.story:
        keys.add(headline_key(event.story) + headline_key(event.headline))
    keys.discard("")
    return keys


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class Catalog:
    """One SQLite connection to a catalog file; not shared between threads."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        if not create and not path.is_file():
            raise FileNotFoundError(f"no catalog at {path}")
        self.path = path
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        if create:
            self.conn.executescript(_TABLES)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All of an update or none of it: a crash midway leaves the previous catalog."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # meta ---------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return {row["key"]: row["value"] for row in self.conn.execute("SELECT * FROM meta")}

    def set_meta(self, **values: Any) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [(key, str(value)) for key, value in values.items()],
        )

    # files --------------------------------------------------------------

    def file_states(self) -> dict[str, tuple[int, int]]:
        """Each known file's (mtime_ns, size), to tell added, changed and removed files."""
        rows = self.conn.execute("SELECT path, mtime_ns, size FROM files")
        return {row["path"]: (row["mtime_ns"], row["size"]) for row in rows}

    def file_rows(self, paths: Iterable[str]) -> dict[str, sqlite3.Row]:
        found: dict[str, sqlite3.Row] = {}
        for path in paths:
            row = self.conn.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
            if row is not None:
                found[path] = row
        return found

    def put_file(self, path: str, mtime_ns: int, size: int, result: Document | Skip) -> None:
        if isinstance(result, Skip):
            kind, doc_id, day, data = "skip", None, None, {"reason": result.reason}
        elif isinstance(result, Article):  # its text lives in the articles table already
            kind, doc_id, day, data = "article", result.id, _iso(result.date), {"id": result.id}
        else:
            kind, doc_id, day, data = result.kind, result.id, _iso(result.date), result.to_dict()
        self.conn.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            (path, mtime_ns, size, kind, doc_id, day, json.dumps(data, ensure_ascii=False)),
        )

    def delete_file(self, path: str) -> None:
        self.conn.execute("DELETE FROM files WHERE path = ?", (path,))

    def parsed_on(self, day: str | None) -> list[Event | DayPage]:
        """The parsed event pages and day pages of one date, as stored at their last parse."""
        rows = self.conn.execute(
            "SELECT result FROM files WHERE date IS ? AND kind IN ('event', 'day') ORDER BY path",
            (day,),
        )
        return [document_from_dict(json.loads(row["result"])) for row in rows]  # type: ignore[misc]

    def skips(self) -> list[Skip]:
        rows = self.conn.execute("SELECT path, result FROM files WHERE kind = 'skip' ORDER BY path")
        return [Skip(row["path"], json.loads(row["result"])["reason"]) for row in rows]

    def counts(self) -> dict[str, int]:
        """Documents by kind as the index holds them (events after assembly)."""
        one = self.conn.execute
        return {
            "event": one("SELECT count(*) FROM events").fetchone()[0],
            "article": one("SELECT count(*) FROM articles").fetchone()[0],
            "day": one("SELECT count(*) FROM day_pages").fetchone()[0],
            "skipped": one("SELECT count(*) FROM files WHERE kind = 'skip'").fetchone()[0],
        }

    # events -------------------------------------------------------------

    def events_stored_on(self, day: str | None) -> dict[str, tuple[int, str]]:
        """Each event of a date as stored: id -> (seq, json)."""
        rows = self.conn.execute("SELECT id, seq, json FROM events WHERE date IS ?", (day,))
        return {row["id"]: (row["seq"], row["json"]) for row in rows}

    def event_ids_on(self, day: str | None) -> list[str]:
        rows = self.conn.execute("SELECT id FROM events WHERE date IS ?", (day,))
        return [row["id"] for row in rows]

    def delete_event(self, event_id: str) -> None:
        for table, column in (
            ("events", "id"), ("aliases", "event_id"), ("headline_keys", "event_id"),
            ("related", "from_id"), ("topics", "event_id"), ("source_urls", "event_id"),
        ):
            self.conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (event_id,))
        self.conn.execute("DELETE FROM article_events WHERE event_id = ?", (event_id,))

    def put_event(self, event: Event, seq: int) -> None:
        self.delete_event(event.id)
        day = _iso(event.date)
        execute = self.conn.execute
        execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event.id, day, seq, event.headline, event.story, story_key(event.story),
             json.dumps(event.topics, ensure_ascii=False), int(event.from_day_page),
             json.dumps(event.to_dict(), ensure_ascii=False)),
        )
        for alias in event.aliases:
            if alias != event.id:
                execute("INSERT OR REPLACE INTO aliases VALUES (?, ?)", (alias, event.id))
        for key in event_headline_keys(event):
            execute("INSERT OR IGNORE INTO headline_keys VALUES (?, ?, ?)",
                    (day or "", key, event.id))
        for seq_no, link in enumerate(event.related):
            target_day = date_from_id(link.target)
            execute(
                "INSERT INTO related VALUES (?, ?, ?, ?, ?, ?, ?)",
                (event.id, seq_no, link.target, link.title,
                 json.dumps(link.topics, ensure_ascii=False),
                 target_day.isoformat() if target_day else "", headline_key(link.title)),
            )
        for topic in event.topics:
            execute("INSERT OR IGNORE INTO topics VALUES (?, ?, ?, ?)",
                    (topic_key(topic), topic, event.id, day))
        for source in event.sources:
            if source.url:
                execute("INSERT OR IGNORE INTO source_urls VALUES (?, ?)", (source.url, event.id))

    def refresh_stories(self) -> None:
        """Recount the stories table from the events (cheap: one grouped scan)."""
        self.conn.execute("DELETE FROM stories")
        self.conn.execute(
            "INSERT INTO stories SELECT story_key, min(story), count(*) FROM events "
            "WHERE story_key != '' GROUP BY story_key"
        )

    def linking_to(self, event: Event) -> list[str]:
        """Events whose related links name this event: by id, alias, or date and title."""
        keys = [event.id, *event.aliases]
        marks = ",".join("?" * len(keys))
        found = {row[0] for row in self.conn.execute(
            f"SELECT from_id FROM related WHERE target IN ({marks})", keys)}
        if event.date is not None:
            titles = sorted(event_headline_keys(event))
            marks = ",".join("?" * len(titles))
            found |= {row[0] for row in self.conn.execute(
                f"SELECT from_id FROM related WHERE target_date = ? AND title_key IN ({marks})",
                [event.date.isoformat(), *titles])}
        found.discard(event.id)
        return sorted(found)

    def event_ids_with_source_url(self, url: str) -> list[str]:
        rows = self.conn.execute("SELECT event_id FROM source_urls WHERE url = ?", (url,))
        return [row["event_id"] for row in rows]

    def event_json(self, event_id: str) -> str | None:
        row = self.conn.execute("SELECT json FROM events WHERE id = ?", (event_id,)).fetchone()
        return row["json"] if row else None

    def resolve_id(self, target: str) -> str | None:
        """An event id or alias -> the event id."""
        row = self.conn.execute("SELECT id FROM events WHERE id = ?", (target,)).fetchone()
        if row:
            return row["id"]
        row = self.conn.execute(
            "SELECT event_id FROM aliases WHERE alias = ?", (target,)
        ).fetchone()
        return row["event_id"] if row else None

    def resolve_headline(self, day: str, title: str) -> str | None:
        key = headline_key(title)
        if not key:
            return None
        row = self.conn.execute(
            "SELECT event_id FROM headline_keys WHERE date = ? AND key = ? ORDER BY event_id",
            (day, key),
        ).fetchone()
        return row["event_id"] if row else None

    # articles and day pages ---------------------------------------------

    def put_article(self, article: Article) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?)",
            (article.id, _iso(article.date), article.title, article.publisher, article.url,
             json.dumps(article.to_dict(), ensure_ascii=False)),
        )

    def delete_article(self, article_id: str) -> None:
        self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        self.conn.execute("DELETE FROM article_events WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM article_terms WHERE article_id = ?", (article_id,))

    def set_article_terms(self, article_id: str, terms: list[str]) -> None:
        """The key terms an article's similarity search used (see ``_link_articles``)."""
        self.conn.execute("INSERT OR REPLACE INTO article_terms VALUES (?, ?)",
                          (article_id, json.dumps(terms, ensure_ascii=False)))

    def article_terms(self, article_ids: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for article_id in article_ids:
            row = self.conn.execute("SELECT terms FROM article_terms WHERE article_id = ?",
                                    (article_id,)).fetchone()
            if row is not None:
                found[article_id] = json.loads(row[0])
        return found

    def article_ids(self) -> list[str]:
        return [row["id"] for row in self.conn.execute("SELECT id FROM articles")]

    def article_json(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT json FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row["json"] if row else None

    def articles_linked_to(self, event_ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for event_id in event_ids:
            rows = self.conn.execute(
                "SELECT article_id FROM article_events WHERE event_id = ?", (event_id,)
            )
            found.update(row["article_id"] for row in rows)
        return found

    def unlinked_article_ids(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_events)"
        )
        return [row["id"] for row in rows]

    def set_article_links(self, article_id: str, links: list[tuple[str, str, float]]) -> None:
        """Replace an article's event links: (event id, how it was found, score)."""
        self.conn.execute("DELETE FROM article_events WHERE article_id = ?", (article_id,))
        self.conn.executemany(
            "INSERT OR REPLACE INTO article_events VALUES (?, ?, ?, ?)",
            [(article_id, event_id, how, score) for event_id, how, score in links],
        )

    def put_day_page(self, page: DayPage) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO day_pages VALUES (?, ?, ?)",
            (page.id, page.date.isoformat(), json.dumps(page.to_dict(), ensure_ascii=False)),
        )

    def delete_day_page(self, page_id: str) -> None:
        self.conn.execute("DELETE FROM day_pages WHERE id = ?", (page_id,))

    # vocabulary -----------------------------------------------------------

    def add_words(self, counts: dict[str, int]) -> None:
        """Count documents per unstemmed word for "did you mean".

        Counts only grow (an update counts a rewritten document's words again and
        never subtracts): they rank suggestions of equal distance, nothing more.
        """
        self.conn.executemany(
            "INSERT INTO vocabulary VALUES (?, ?) "
            "ON CONFLICT (word) DO UPDATE SET docs = docs + excluded.docs",
            sorted(counts.items()),
        )

    def vocabulary(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT word, docs FROM vocabulary").fetchall())
