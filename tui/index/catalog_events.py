"""The catalog's assembled events: their rows in every table, written and deleted
together, and the compact state an update compares a reassembled event with.

An event is stored as a row of ``events`` (its JSON last) and rows of the lookup
tables (``catalog_layout``), all derived from the event: deleting one derives the
same rows again from its stored JSON, so no lookup table needs an index by event.
``event_states`` keeps, per event id, its place in its day, a digest of its JSON and
its story: an update compares the events it reassembles with these small rows, and
finds the events stored on its dates by them, instead of reading each stored event
(about 4 KB each, scattered over the largest table of the catalog).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from typing import Any

from tui.index.catalog_files import day_chunks
from tui.index.catalog_layout import event_num, link_hashes, title_hash, to_json, url_hash
from tui.index.catalog_reads import event_headline_keys, in_chunks
from tui.model import Event, document_from_dict

# A meta key: the search index generation as of which ``event_states`` matches the
# events table. Each update writes both (and the key) in one transaction; a catalog
# last updated otherwise (by an older Chronicle, or made before the table existed)
# has its states made again from the events first.
EVENT_STATES_AT = "event_states_at"
EVENT_STATES = ("CREATE TABLE IF NOT EXISTS event_states (id TEXT PRIMARY KEY, day TEXT, "
                "seq INTEGER NOT NULL, digest BLOB NOT NULL, story TEXT NOT NULL) WITHOUT ROWID")
EVENT_STATES_DAY = "CREATE INDEX IF NOT EXISTS event_states_day ON event_states (day)"

EventState = tuple[int, bytes, str]  # place in its day, digest of its JSON, story


def story_key(story: str) -> str:
    """Stories compare case-insensitively, ignoring surrounding spaces."""
    return " ".join(story.casefold().split())


def topic_key(topic: str) -> str:
    return " ".join(topic.casefold().split())


def make_event_states(conn: sqlite3.Connection, index: bool = True) -> None:
    """The ``event_states`` table and (``index``) its index, where missing; never
    commits. A fresh catalog gets the index after its bulk load."""
    conn.execute(EVENT_STATES)
    if index:
        conn.execute(EVENT_STATES_DAY)


def event_digest(data: str) -> bytes:
    """The digest ``event_states`` keeps of an event's JSON."""
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class CatalogEvents:
    """Event writes and event states over ``conn`` (see the module's docstring)."""

    conn: sqlite3.Connection
    added: Counter[str]
    meta: Callable[..., dict[str, str]]  # Catalog.meta
    _fresh: set[str] | None

    def event_ids_on(self, day: str | None) -> list[str]:
        rows = self.conn.execute("SELECT id FROM events WHERE date IS ?", (day,))
        return [row["id"] for row in rows]

    def event_states(self, event_ids: Iterable[str]) -> dict[str, EventState]:
        """The state of each of these events that is stored (:data:`EventState`)."""
        found: dict[str, EventState] = {}
        cursor = self.conn.cursor()
        cursor.row_factory = None
        for chunk, marks in in_chunks(sorted(set(event_ids))):
            rows = cursor.execute(
                f"SELECT id, seq, digest, story FROM event_states WHERE id IN ({marks})", chunk)
            found.update((event_id, (seq, digest, story)) for event_id, seq, digest, story in rows)
        return found

    def event_stories_on_days(self, days: Iterable[str | None]) -> dict[str, str]:
        """The events stored on these dates: id -> story."""
        found: dict[str, str] = {}
        for chunk, marks in day_chunks(days):
            rows = self.conn.execute(f"SELECT id, story FROM event_states WHERE day {marks}",
                                     chunk)
            found.update((event_id, story) for event_id, story in rows)
        return found

    def event_states_current(self) -> bool:
        """Whether ``event_states`` matches the events table (:data:`EVENT_STATES_AT`)."""
        meta = self.meta(EVENT_STATES_AT, "whoosh_generation")
        return bool(meta.get(EVENT_STATES_AT)) and meta[EVENT_STATES_AT] == meta.get(
            "whoosh_generation")

    def refresh_event_states(self) -> None:
        """Make ``event_states`` again from the events table, unless it matches it
        (once for a catalog an older Chronicle made or updated: it reads every event)."""
        make_event_states(self.conn)
        if self.event_states_current():
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.fill_event_states()
            self.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) SELECT ?, value FROM meta "
                "WHERE key = 'whoosh_generation'", (EVENT_STATES_AT,))
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def fill_event_states(self) -> None:
        """Make every event's state from the events table, in id order (so that the
        states of one folder's events sit together on disk); never commits."""
        self.conn.create_function("chronicle_event_digest", 1, event_digest, deterministic=True)
        self.conn.execute("DELETE FROM event_states")
        self.conn.execute("INSERT INTO event_states SELECT id, date, seq, "
                          "chronicle_event_digest(json), story FROM events ORDER BY id")

    def delete_event(self, event_id: str) -> None:
        self.delete_events([event_id])

    def delete_events(self, event_ids: Iterable[str]) -> None:
        """Delete stored events and their rows, found by the keys of each event as
        stored (its JSON gives them again): no lookup table needs an index by event,
        and an id that is not stored costs one lookup."""
        stored: list[Event] = []
        unreadable: list[str] = []
        for chunk, marks in in_chunks(sorted(set(event_ids))):
            rows = self.conn.execute(f"SELECT id, json FROM events WHERE id IN ({marks})", chunk)
            for event_id, data in rows.fetchall():
                event = stored_event(data)
                if event is not None and event.id == event_id:
                    stored.append(event)
                else:
                    unreadable.append(event_id)
        rows = event_rows([(event, 0, "") for event in stored])
        many = self.conn.executemany
        ids = [(event.id,) for event in stored] + [(event_id,) for event_id in unreadable]
        self.added["event"] -= many("DELETE FROM events WHERE id = ?", ids).rowcount
        many("DELETE FROM event_states WHERE id = ?", ids)
        many("DELETE FROM article_events WHERE event_id = ?", ids)
        many("DELETE FROM event_nums WHERE num = ? AND id = ?", rows["nums"])
        many("DELETE FROM aliases WHERE alias = ? AND event_id = ?", rows["aliases"])
        many("DELETE FROM topics WHERE topic_key = ? AND event_id = ?",
             [(key, event_id) for key, _, event_id, _ in rows["topics"]])
        for table, name in (("headline_keys", "heads"), ("related_keys", "related"),
                            ("source_urls", "urls")):
            many(f"DELETE FROM {table} WHERE hash = ? AND num = ?", rows[name])
        if unreadable:
            self._delete_unreadable(unreadable)

    def _delete_unreadable(self, event_ids: list[str]) -> None:
        """The rows of stored events whose JSON cannot be read back (a damaged row):
        found by event, reading each whole table (no index serves this)."""
        ids = [(event_id,) for event_id in event_ids]
        nums = [(event_num(event_id),) for event_id in event_ids]
        many = self.conn.executemany
        for table in ("aliases", "topics"):
            many(f"DELETE FROM {table} WHERE event_id = ?", ids)
        for table in ("event_nums", "headline_keys", "related_keys", "source_urls"):
            many(f"DELETE FROM {table} WHERE num = ?", nums)

    def put_event(self, event: Event, seq: int, data: str | None = None) -> None:
        """Store (or replace) one assembled event; ``data`` is its JSON if already made."""
        self.put_events([(event, seq, data)])

    def put_events(self, events: Iterable[tuple[Event, int, str | None]],
                   new: Collection[str] = ()) -> None:
        """:meth:`put_event` for many events at once (the last of a repeated id wins);
        ``new``: ids the caller knows are not stored (none of their rows is sought)."""
        batch = list(events)
        last = {event.id: n for n, (event, _, _) in enumerate(batch)}
        batch = [item for n, item in enumerate(batch) if last[item[0].id] == n]
        if self._fresh is None:
            self.delete_events([event_id for event_id in last if event_id not in new])
        else:
            self.delete_events([event_id for event_id in last if event_id in self._fresh])
            self._fresh.update(last)
        rows = event_rows(batch)
        many = self.conn.executemany
        many("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows["events"])
        self.added["event"] += len(rows["events"])
        if self._fresh is None:  # a fresh catalog gets its states when sealed
            many("INSERT OR REPLACE INTO event_states VALUES (?, ?, ?, ?, ?)",
                 [(row[0], row[1], row[2], event_digest(row[8]), row[4])
                  for row in rows["events"]])
        many("INSERT OR REPLACE INTO event_nums VALUES (?, ?)", rows["nums"])
        many("INSERT OR REPLACE INTO aliases VALUES (?, ?)", rows["aliases"])
        many("INSERT OR IGNORE INTO headline_keys VALUES (?, ?)", rows["heads"])
        many("INSERT OR IGNORE INTO related_keys VALUES (?, ?)", rows["related"])
        many("INSERT OR IGNORE INTO topics VALUES (?, ?, ?, ?)", rows["topics"])
        many("INSERT OR IGNORE INTO source_urls VALUES (?, ?)", rows["urls"])

    def set_event_places(self, places: Iterable[tuple[str, int]]) -> None:
        """Move stored events within their dates: (id, place in its day)."""
        moves = [(seq, event_id) for event_id, seq in places]
        self.conn.executemany("UPDATE events SET seq = ? WHERE id = ?", moves)
        self.conn.executemany("UPDATE event_states SET seq = ? WHERE id = ?", moves)


def event_rows(batch: list[tuple[Event, int, str | None]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of each table that events are stored as (``data``: an event's JSON,
    when already made), by table: the rows to insert, or to delete again."""
    rows: dict[str, list[tuple[Any, ...]]] = {
        "events": [], "nums": [], "aliases": [], "heads": [], "related": [], "topics": [],
        "urls": []}
    for event, seq, data in batch:
        day = event.date.isoformat() if event.date is not None else None
        num = event_num(event.id)
        rows["events"].append((
            event.id, day, seq, event.headline, event.story, story_key(event.story),
            to_json(event.topics), int(event.from_day_page),
            data if data is not None else to_json(event.to_dict())))
        rows["nums"].append((num, event.id))
        rows["aliases"] += [(alias, event.id) for alias in event.aliases if alias != event.id]
        rows["heads"] += [(title_hash(day or "", key), num) for key in event_headline_keys(event)]
        rows["related"] += [(key, num) for link in event.related for key in link_hashes(link)]
        rows["topics"] += [(topic_key(topic), topic, event.id, day) for topic in event.topics]
        rows["urls"] += [(url_hash(s.url), num) for s in event.sources if s.url]
    return rows


def stored_event(data: str) -> Event | None:
    """An event as the events table stores it, or None when its JSON is not one."""
    try:
        event = document_from_dict(json.loads(data))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return event if isinstance(event, Event) else None
