"""The SQLite catalog: everything the timeline and the link graph need, without Whoosh.

Written at index time beside the Whoosh index. It keeps each archive file's parse
result (so an incremental build can reassemble one date without re-reading the
others), the assembled events by date, aliases, headline keys, related links,
topics, stories, articles and the article<->event links (tables and compact keys:
``catalog_layout``). A fresh catalog is bulk-loaded without a journal and indexed
afterwards (``seal``): nobody reads it until the build switches it in.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tui.index.catalog_events import CatalogEvents, make_event_states, story_key, topic_key
from tui.index.catalog_files import CatalogFiles
from tui.index.catalog_layout import (
    CATALOG_LAYOUT,
    INDEXES,
    LINK_BASIS,
    LINK_TABLES,
    RETIRED_INDEXES,
    TABLES,
    event_num,
    result_data,
    stored_result,
    to_json,
)
from tui.index.catalog_reads import CatalogReads, event_headline_keys, in_chunks
from tui.index.relinking import LinkBasis, basis_from_row, basis_row
from tui.model import Article, DayPage, Document, Event, Skip, document_from_dict

__all__ = ["CATALOG_LAYOUT", "CATALOG_NAME", "Catalog", "event_headline_keys", "event_num",
           "stored_result", "story_key", "topic_key"]

CATALOG_NAME = "catalog.sqlite"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class Catalog(CatalogEvents, CatalogFiles, CatalogReads):
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
        # Rows this connection added to the events, articles and day pages tables, less
        # those it deleted: an update's counts are the stored ones plus these, without
        # counting 100,000 rows (``counts_after``).
        self.added: Counter[str] = Counter()
        if create:
            # A fresh catalog belongs to a generation nobody reads until the build
            # switches it in (``seal``), and a crash discards it: no journal, no syncs.
            self.conn.execute("PRAGMA journal_mode=MEMORY")
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.executescript(TABLES + LINK_TABLES)
            make_event_states(self.conn, index=False)
            self.set_meta(catalog_layout=CATALOG_LAYOUT)
            self._fresh = set()
        else:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self.conn.close()

    def create_indexes(self) -> None:
        """The secondary indexes (a fresh catalog gets them after its bulk load), and
        the tables added to the layout since an older catalog was made (the indexes
        retired since, dropped). A fresh catalog's event states are made here, from
        its events, in one pass."""
        if self._fresh is not None:
            self.fill_event_states()
        for statement in (LINK_TABLES + INDEXES).split(";"):  # executescript would commit
            if statement.strip():
                self.conn.execute(statement)
        make_event_states(self.conn)
        for name in RETIRED_INDEXES:
            self.conn.execute(f"DROP INDEX IF EXISTS {name}")
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

    def meta(self, *keys: str) -> dict[str, str]:
        """The meta table, or only ``keys`` of it (those present)."""
        if not keys:
            return {row["key"]: row["value"] for row in self.conn.execute("SELECT * FROM meta")}
        marks = ", ".join("?" * len(keys))
        return dict(self.conn.execute(
            f"SELECT key, value FROM meta WHERE key IN ({marks})", keys).fetchall())

    def set_meta(self, **values: Any) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [(key, str(value)) for key, value in values.items()],
        )

    def drop_meta(self, *keys: str) -> None:
        self.conn.executemany("DELETE FROM meta WHERE key = ?", [(key,) for key in keys])

    # files --------------------------------------------------------------

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

    def counts_after(self, stored: dict[str, int], skipped: int) -> dict[str, int]:
        """:meth:`counts` after this connection's writes, from the ``stored`` counts
        (those of the last build, read before these writes)."""
        return {"event": stored["event"] + self.added["event"],
                "article": stored["article"] + self.added["article"],
                "day": stored["day"] + self.added["day"], "skipped": skipped}

    def counts(self, skipped: int | None = None) -> dict[str, int]:
        """Documents by kind as the index holds them (events after assembly).

        ``skipped``: the skipped files when the caller knows (counting them reads every
        file's row, 124,000 at 100,000 events).
        """
        one = self.conn.execute
        if skipped is None:
            skipped = one("SELECT count(*) FROM files WHERE kind = 'skip'").fetchone()[0]
        return {
            "event": one("SELECT count(*) FROM events").fetchone()[0],
            "article": one("SELECT count(*) FROM articles").fetchone()[0],
            "day": one("SELECT count(*) FROM day_pages").fetchone()[0],
            "skipped": skipped,
        }

    # stories ------------------------------------------------------------

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

    # articles and day pages ---------------------------------------------

    def put_article(self, article: Article) -> None:
        # Deleted first, so that the rows it replaces are counted (``added``).
        self.added["article"] -= self.conn.execute(
            "DELETE FROM articles WHERE id = ?", (article.id,)).rowcount
        self.added["article"] += self.conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)",
            (article.id, _iso(article.date), article.title, article.publisher, article.url,
             to_json(article.to_dict())),
        ).rowcount

    def delete_article(self, article_id: str) -> None:
        self.added["article"] -= self.conn.execute(
            "DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
        self.conn.execute("DELETE FROM article_events WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM article_terms WHERE article_id = ?", (article_id,))
        self._drop_link_bases([article_id])

    def put_link_bases(self, bases: dict[str, LinkBasis]) -> None:
        """What each article's link was decided from (``relinking``), replacing what it
        had, the key terms an older Chronicle kept for it included."""
        ids = sorted(bases)
        self._drop_link_bases(ids)
        many = self.conn.executemany
        many("INSERT INTO link_bases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             [basis_row(article_id, bases[article_id]) for article_id in ids])
        # In key order: a fresh build appends to the tables' b-trees.
        many("INSERT OR IGNORE INTO link_terms VALUES (?, ?)",
             sorted((term, article_id) for article_id in ids for term in bases[article_id].terms()))
        many("INSERT OR IGNORE INTO link_keys VALUES (?, ?)",
             sorted((key, article_id) for article_id in ids for key in bases[article_id].keys))
        many("DELETE FROM article_terms WHERE article_id = ?", [(a,) for a in ids])

    def _drop_link_bases(self, article_ids: list[str]) -> None:
        terms: list[tuple[str, str]] = []
        keys: list[tuple[int, str]] = []
        for chunk, marks in in_chunks(article_ids):
            rows = self.conn.execute(f"SELECT {LINK_BASIS} FROM link_bases "
                                     f"WHERE article_id IN ({marks})", chunk)
            for article_id, *row in rows.fetchall():
                basis = basis_from_row(*row)
                terms += [(term, article_id) for term in basis.terms()]
                keys += [(key, article_id) for key in basis.keys]
        many = self.conn.executemany
        many("DELETE FROM link_terms WHERE term = ? AND article_id = ?", terms)
        many("DELETE FROM link_keys WHERE key = ? AND article_id = ?", keys)
        many("DELETE FROM link_bases WHERE article_id = ?", [(a,) for a in article_ids])

    def set_article_links(self, article_id: str, links: list[tuple[str, str, float]]) -> None:
        """Replace an article's event links: (event id, how it was found, score)."""
        self.conn.execute("DELETE FROM article_events WHERE article_id = ?", (article_id,))
        self.conn.executemany(
            "INSERT OR REPLACE INTO article_events VALUES (?, ?, ?, ?)",
            [(article_id, event_id, how, score) for event_id, how, score in links],
        )

    def put_day_page(self, page: DayPage) -> None:
        self.delete_day_page(page.id)
        self.added["day"] += self.conn.execute(
            "INSERT INTO day_pages VALUES (?, ?, ?)",
            (page.id, page.date.isoformat(), to_json(page.to_dict())),
        ).rowcount

    def delete_day_page(self, page_id: str) -> None:
        self.added["day"] -= self.conn.execute(
            "DELETE FROM day_pages WHERE id = ?", (page_id,)).rowcount

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

