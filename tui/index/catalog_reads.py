"""The catalog's reads: link lookups, articles and their links, the vocabulary, and
the nearest events of a story or topic. :class:`~tui.index.catalog.Catalog` adds the
writes; the query layer and article linking only read."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from tui.index.catalog_layout import (
    LINK_BASIS,
    headline_keys,
    related_hashes,
    title_hash,
    url_hash,
)
from tui.index.relinking import LinkBasis, basis_from_row
from tui.links import date_from_id
from tui.model import Event
from tui.text import headline_key

Value = TypeVar("Value", str, int)
# A meta key: the search index generation as of which every unlinked article has a
# link basis (``relinking``). Each update keeps it true (it links every article it
# adds or unlinks), so only a catalog that an older Chronicle wrote (its last update
# then recorded another generation) is searched for articles without one.
LINK_BASES_AT = "link_bases_complete_at"


def in_chunks(values: Iterable[Value], size: int = 500) -> Iterator[tuple[list[Value], str]]:
    """``values`` in lists short enough for one query, each with its ``?`` marks."""
    items = list(values)
    for start in range(0, len(items), size):
        chunk = items[start:start + size]
        yield chunk, ",".join("?" * len(chunk))


def event_headline_keys(event: Event) -> set[str]:
    """Keys a related link's title may have for this event (old titles carry the story)."""
    return headline_keys(event.headline, event.story)


class CatalogReads:
    """Read queries over the catalog's connection (``conn``, rows as ``sqlite3.Row``)."""

    conn: sqlite3.Connection
    meta: Callable[..., dict[str, str]]  # Catalog.meta

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

    def linked_article_ids(self, article_ids: Iterable[str]) -> set[str]:
        """Those of these articles that are linked to an event."""
        found: set[str] = set()
        for chunk, marks in in_chunks(sorted(set(article_ids))):
            rows = self.conn.execute("SELECT DISTINCT article_id FROM article_events "
                                     f"WHERE article_id IN ({marks})", chunk)
            found.update(row[0] for row in rows.fetchall())
        return found

    def link_bases_complete(self) -> bool:
        """Whether every unlinked article is known to have a basis (:data:`LINK_BASES_AT`)."""
        meta = self.meta(LINK_BASES_AT, "whoosh_generation")
        return bool(meta.get(LINK_BASES_AT)) and meta[LINK_BASES_AT] == meta.get(
            "whoosh_generation")

    def unlinked_without_basis(self) -> list[str]:
        """Unlinked articles without a :class:`LinkBasis` (linked by an older Chronicle):
        a search of every article, unless there are known to be none."""
        if self.link_bases_complete():
            return []
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_events) "
            "AND id NOT IN (SELECT article_id FROM link_bases)")
        return [row[0] for row in rows]

    def link_bases(self, article_ids: Iterable[str]) -> dict[str, LinkBasis]:
        found: dict[str, LinkBasis] = {}
        for chunk, marks in in_chunks(sorted(set(article_ids))):
            rows = self.conn.execute(f"SELECT {LINK_BASIS} FROM link_bases "
                                     f"WHERE article_id IN ({marks})", chunk)
            for article_id, *row in rows.fetchall():
                found[article_id] = basis_from_row(*row)
        return found

    def articles_with_link_terms(self, terms: Iterable[str]) -> dict[str, list[str]]:
        """Key term -> the articles whose basis weighs it (terms no basis has left out)."""
        found: dict[str, list[str]] = {}
        for chunk, marks in in_chunks(sorted(set(terms))):
            rows = self.conn.execute(
                f"SELECT term, article_id FROM link_terms WHERE term IN ({marks})", chunk)
            for term, article_id in rows.fetchall():
                found.setdefault(term, []).append(article_id)
        return found

    def articles_with_link_keys(self, keys: Iterable[int]) -> set[str]:
        """Articles whose front matter event or url has one of these keys."""
        found: set[str] = set()
        for chunk, marks in in_chunks(sorted(set(keys))):
            rows = self.conn.execute(
                f"SELECT article_id FROM link_keys WHERE key IN ({marks})", chunk)
            found.update(row[0] for row in rows.fetchall())
        return found

    def vocabulary(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT word, docs FROM vocabulary").fetchall())

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
