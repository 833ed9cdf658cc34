"""The SQLite catalog: everything the timeline and the link graph need, without Whoosh.

Written at index time beside the Whoosh index. It keeps each archive file's parse
result (so an incremental build can reassemble one date without re-reading the
others), the assembled events by date, aliases, headline keys, related links,
topics, stories, articles and the article<->event links (tables and compact keys:
``catalog_layout``). A fresh catalog is bulk-loaded without a journal and indexed
afterwards (``seal``): nobody reads it until the build switches it in.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tui.index.catalog_layout import (
    CATALOG_LAYOUT,
    INDEXES,
    TABLES,
    event_num,
    headline_keys,
    link_hashes,
    related_hashes,
    result_data,
    stored_result,
    title_hash,
    url_hash,
)
from tui.links import date_from_id
from tui.model import Article, DayPage, Document, Event, Skip, document_from_dict
from tui.text import headline_key

__all__ = ["CATALOG_LAYOUT", "CATALOG_NAME", "Catalog", "event_headline_keys", "event_num",
           "stored_result", "story_key", "topic_key"]

CATALOG_NAME = "catalog.sqlite"


def story_key(story: str) -> str:
    """Stories compare case-insensitively, ignoring surrounding spaces."""
    return " ".join(story.casefold().split())


def topic_key(topic: str) -> str:
    return " ".join(topic.casefold().split())


def event_headline_keys(event: Event) -> set[str]:
    """Keys a related link's title may have for this event (old titles carry the story)."""
    return headline_keys(event.headline, event.story)


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
        # Event ids put since a fresh catalog was created: a fresh build replaces an
        # event only when its id comes twice (no deletes against unindexed tables).
        self._fresh: set[str] | None = None
        if create:
            # A fresh catalog belongs to a generation nobody reads until the build
            # switches it in (``seal``), and a crash discards it: no journal, no syncs.
            self.conn.execute("PRAGMA journal_mode=MEMORY")
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.executescript(TABLES)
            self.set_meta(catalog_layout=CATALOG_LAYOUT)
            self._fresh = set()
        else:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self.conn.close()

    def create_indexes(self) -> None:
        """The secondary indexes (a fresh catalog gets them after its bulk load)."""
        for statement in INDEXES.split(";"):  # executescript would commit first
            if statement.strip():
                self.conn.execute(statement)
        self._fresh = None

    def seal(self) -> None:
        """Make a freshly built catalog what readers and updates expect: indexed, in WAL
        mode, and on disk (synced) before the build switches it in."""
        self.create_indexes()
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        handle = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)

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
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a 100,000-event archive has 124,000 files
        rows = cursor.execute("SELECT path, mtime_ns, size FROM files")
        return {path: (mtime_ns, size) for path, mtime_ns, size in rows}

    def file_rows(self, paths: Iterable[str]) -> dict[str, sqlite3.Row]:
        found: dict[str, sqlite3.Row] = {}
        for path in paths:
            row = self.conn.execute("SELECT path, mtime_ns, size, kind, doc_id, date "
                                    "FROM files WHERE path = ?", (path,)).fetchone()
            if row is not None:
                found[path] = row
        return found

    def put_file(self, path: str, mtime_ns: int, size: int, result: Document | Skip,
                 stored: bytes | None = None) -> None:
        """One file's state and parse result (``stored``: its :func:`stored_result`)."""
        self.put_files([(path, mtime_ns, size, result, stored)])

    def put_files(
        self, files: Iterable[tuple[str, int, int, Document | Skip, bytes | None]]
    ) -> None:
        rows = []
        results = []
        for path, mtime_ns, size, result, stored in files:
            if isinstance(result, Skip):
                kind, doc_id, day = "skip", None, None
            else:
                kind, doc_id, day = result.kind, result.id, _iso(result.date)
            rows.append((path, mtime_ns, size, kind, doc_id, day))
            results.append((path, stored if stored is not None else stored_result(result)))
        # The states apart from the results: every update reads all the states.
        self.conn.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", rows)
        self.conn.executemany("INSERT OR REPLACE INTO parse_results VALUES (?, ?)", results)

    def delete_file(self, path: str) -> None:
        self.conn.execute("DELETE FROM files WHERE path = ?", (path,))
        self.conn.execute("DELETE FROM parse_results WHERE path = ?", (path,))

    def parsed_on(self, day: str | None) -> list[Event | DayPage]:
        """The parsed event pages and day pages of one date, as stored at their last parse."""
        rows = self.conn.execute(
            "SELECT r.result FROM files f JOIN parse_results r ON r.path = f.path "
            "WHERE f.date IS ? AND f.kind IN ('event', 'day') ORDER BY f.path",
            (day,),
        )
        return [document_from_dict(result_data(row["result"])) for row in rows]  # type: ignore[misc]

    def skips(self) -> list[Skip]:
        rows = self.conn.execute("SELECT f.path, r.result FROM files f JOIN parse_results r "
                                 "ON r.path = f.path WHERE f.kind = 'skip' ORDER BY f.path")
        return [Skip(row["path"], result_data(row["result"])["reason"]) for row in rows]

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
        self.delete_events([event_id])

    def delete_events(self, event_ids: Iterable[str]) -> None:
        ids = [(event_id,) for event_id in event_ids]
        nums = [(event_num(event_id),) for (event_id,) in ids]
        many = self.conn.executemany
        for table, column in (("events", "id"), ("aliases", "event_id"),
                              ("topics", "event_id"), ("article_events", "event_id")):
            many(f"DELETE FROM {table} WHERE {column} = ?", ids)
        for table in ("event_nums", "headline_keys", "related_keys", "source_urls"):
            many(f"DELETE FROM {table} WHERE num = ?", nums)

    def put_event(self, event: Event, seq: int, data: str | None = None) -> None:
        """Store (or replace) one assembled event; ``data`` is its JSON if already made."""
        self.put_events([(event, seq, data)])

    def put_events(self, events: Iterable[tuple[Event, int, str | None]]) -> None:
        """:meth:`put_event` for many events at once (the last of a repeated id wins)."""
        batch = list(events)
        last = {event.id: n for n, (event, _, _) in enumerate(batch)}
        batch = [item for n, item in enumerate(batch) if last[item[0].id] == n]
        if self._fresh is None:
            self.delete_events(last)
        else:
            self.delete_events([event_id for event_id in last if event_id in self._fresh])
            self._fresh.update(last)
        rows: dict[str, list[tuple[Any, ...]]] = {
            "events": [], "nums": [], "aliases": [], "heads": [], "related": [], "topics": [],
            "urls": []}
        for event, seq, data in batch:
            day = _iso(event.date)
            num = event_num(event.id)
            rows["events"].append((
                event.id, day, seq, event.headline, event.story, story_key(event.story),
                json.dumps(event.topics, ensure_ascii=False), int(event.from_day_page),
                data if data is not None else json.dumps(event.to_dict(), ensure_ascii=False)))
            rows["nums"].append((num, event.id))
            rows["aliases"] += [(alias, event.id) for alias in event.aliases if alias != event.id]
            rows["heads"] += [(title_hash(day or "", key), num)
                              for key in event_headline_keys(event)]
            rows["related"] += [(key, num) for link in event.related for key in link_hashes(link)]
            rows["topics"] += [(topic_key(topic), topic, event.id, day) for topic in event.topics]
            rows["urls"] += [(url_hash(s.url), num) for s in event.sources if s.url]
        many = self.conn.executemany
        many("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows["events"])
        many("INSERT OR REPLACE INTO event_nums VALUES (?, ?)", rows["nums"])
        many("INSERT OR REPLACE INTO aliases VALUES (?, ?)", rows["aliases"])
        many("INSERT OR IGNORE INTO headline_keys VALUES (?, ?)", rows["heads"])
        many("INSERT OR IGNORE INTO related_keys VALUES (?, ?)", rows["related"])
        many("INSERT OR IGNORE INTO topics VALUES (?, ?, ?, ?)", rows["topics"])
        many("INSERT OR IGNORE INTO source_urls VALUES (?, ?)", rows["urls"])

    def refresh_stories(self, keys: Iterable[str] | None = None) -> None:
        """Recount the stories table from the events: all of it, or only ``keys``."""
        if keys is None:
            self.conn.execute("DELETE FROM stories")
            self.conn.execute(
                "INSERT INTO stories SELECT story_key, min(story), count(*) FROM events "
                "WHERE story_key != '' GROUP BY story_key"
            )
            return
        # Counted from the events_story index alone, which holds the story too.
        chosen = [(key,) for key in sorted(set(keys)) if key]
        self.conn.executemany("DELETE FROM stories WHERE story_key = ?", chosen)
        self.conn.executemany(
            "INSERT INTO stories SELECT story_key, min(story), count(*) FROM events "
            "WHERE story_key = ?1 GROUP BY story_key", chosen)

    def _events_by_num(self, table: str, hashes: Iterable[int]) -> list[sqlite3.Row]:
        """The events a hashed lookup table names for any of ``hashes`` (candidates)."""
        wanted = sorted(set(hashes))
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        return self.conn.execute(
            "SELECT e.id, e.date, e.headline, e.story, e.json FROM events e WHERE e.id IN "
            f"(SELECT n.id FROM event_nums n WHERE n.num IN (SELECT num FROM {table} "
            f"WHERE hash IN ({marks})))", wanted).fetchall()

    def linking_to(self, event: Event) -> list[str]:
        """Events whose related links name this event: by id, alias, or date and title."""
        names = {event.id, *event.aliases}
        day = event.date
        titles = event_headline_keys(event) if day is not None else set()
        found = set()
        for row in self._events_by_num("related_keys", related_hashes(event)):
            for link in json.loads(row["json"]).get("related", []):
                target = link["target"]
                if target in names or (titles and date_from_id(target) == day
                                       and headline_key(link["title"]) in titles):
                    found.add(row["id"])
                    break
        found.discard(event.id)
        return sorted(found)

    def event_ids_with_source_url(self, url: str) -> list[str]:
        if not url:
            return []
        return sorted(
            row["id"] for row in self._events_by_num("source_urls", [url_hash(url)])
            if any(source["url"] == url for source in json.loads(row["json"]).get("sources", []))
        )

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
        found = [row["id"] for row in self._events_by_num("headline_keys", [title_hash(day, key)])
                 if (row["date"] or "") == day
                 and key in headline_keys(row["headline"], row["story"])]
        return min(found) if found else None

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

    # Reads for the app ------------------------------------------------------

    @staticmethod
    def _nearest(table: str, id_column: str, key_column: str) -> str:
        """SQL for the rows of a key nearest in date to a day (arguments: key, event id,
        day, limit, twice, then day, limit): two top-``limit`` index reads, one each side
        of the day, instead of sorting every row of a story or topic."""
        side = (f"SELECT * FROM (SELECT {id_column} AS id, date FROM {table} "
                f"WHERE {key_column} = ? AND {id_column} != ? AND date {{}} ? "
                "ORDER BY date {} LIMIT ?)")
        return (f"SELECT id, date FROM ({side.format('>=', 'ASC')} UNION ALL "
                f"{side.format('<', 'DESC')}) ORDER BY abs(julianday(date) - julianday(?)), "
                "date LIMIT ?")

    def nearest_in_story(self, key: str, event_id: str, day: str, limit: int) -> list[str]:
        """Up to ``limit`` other events of story ``key`` nearest in date to ``day`` (ISO),
        in date order."""
        nearest = self._nearest("events", "id", "story_key")
        rows = self.conn.execute(
            f"SELECT n.id FROM ({nearest}) AS n JOIN events AS e ON e.id = n.id "
            "ORDER BY n.date, e.seq",
            (key, event_id, day, limit, key, event_id, day, limit, day, limit),
        )
        return [row[0] for row in rows]

    def nearest_with_topic(self, key: str, event_id: str, day: str, limit: int) -> list[str]:
        """Up to ``limit`` other events with topic ``key``, nearest in date to ``day`` (ISO)
        first, then earlier first; undated ones last."""
        nearest = self._nearest("topics", "event_id", "topic_key")
        rows = self.conn.execute(
            f"SELECT id FROM ({nearest})",
            (key, event_id, day, limit, key, event_id, day, limit, day, limit),
        )
        found = [row[0] for row in rows]
        if len(found) < limit:
            found += [row[0] for row in self.conn.execute(
                "SELECT event_id FROM topics WHERE topic_key = ? AND event_id != ? "
                "AND date IS NULL ORDER BY event_id LIMIT ?", (key, event_id, limit - len(found)))]
        return found
