"""The query layer: timeline, documents, links and search over one built index.

Used by the CLI and the app alike. Thread-safe: each thread gets its own SQLite
connection (``tui.open_index``), and the threads take turns with one Whoosh searcher;
both are reopened when a build commits or switches generation. Returns model
documents and small frozen dataclasses, never Whoosh objects. The link graph is in
``tui.neighbours``, the check for archive changes in ``tui.freshness``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from whoosh import query as wq
from whoosh.idsets import BitSet
from whoosh.searching import Searcher

from tui.freshness import archive_changed
from tui.index.catalog import Catalog, story_key, topic_key
from tui.index.store import IndexDamaged, IndexMissing, current_generation, pointer_state
from tui.library_search import LibrarySearch
from tui.links import date_from_id, normalize_target
from tui.model import Article, DayPage, Event, document_from_dict
from tui.neighbours import neighbours_in_stages, neighbours_of
from tui.open_index import OpenIndex
from tui.summaries import (
    SUMMARY_COLUMNS,
    ArticleSummary,
    DayView,
    EventSummary,
    LibraryStats,
    Neighbours,
    RelatedItem,
    day_of,
    summary_from_row,
)

__all__ = [
    "ArticleSummary", "DayView", "EventSummary", "Library", "LibraryStats", "Neighbours",
    "RelatedItem",
]

MORE_LIKE_THIS = 8


class Library(LibrarySearch):
    """One built index, read by any number of threads (its searches: ``tui.library_search``)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._states: list[OpenIndex] = []
        self._lock = threading.Lock()
        self._search_lock = threading.Lock()
        self._shared: tuple[Path, Searcher] | None = None
        self._event_docs: tuple[Searcher, BitSet] | None = None
        self._init_search()

    @classmethod
    def open(cls, index_dir: Path) -> Library:
        """Open the index in ``index_dir``; raises IndexMissing / IndexDamaged / IndexOutdated."""
        library = cls(index_dir)
        try:
            with library._searching():  # opening every segment finds damage now
                pass
        except BaseException:
            library.close()
            raise
        return library

    def close(self) -> None:
        with self._search_lock:
            if self._shared is not None:
                self._shared[1].close()
                self._shared = None
            self._event_docs = None
        with self._lock:
            for state in self._states:
                state.close()
            self._states.clear()
        self._local = threading.local()

    # per-thread state -------------------------------------------------------

    def _state(self) -> OpenIndex:
        state: OpenIndex | None = getattr(self._local, "state", None)
        fingerprint = pointer_state(self.index_dir)
        if state is not None and state.fingerprint == fingerprint:
            return state
        if state is None:
            adopted = self._adopt(fingerprint)
            if adopted is not None:
                self._local.state = adopted
                return adopted
        generation = current_generation(self.index_dir)
        if generation is None:
            raise IndexMissing(f"no index in {self.index_dir}: run `chronicle index` to build it")
        if not generation.is_dir():
            raise IndexDamaged(f"the index in {self.index_dir} names a missing {generation.name}")
        fresh = OpenIndex(generation, fingerprint)
        fresh.owner = threading.current_thread()
        with self._lock:
            # The replaced state may still be in use by the call that noticed the
            # switch (a search half done): it is closed at the next switch, not now.
            retired: OpenIndex | None = getattr(self._local, "retired", None)
            if retired is not None and state is not None:
                self._states.remove(retired)
                retired.close()
            self._states.append(fresh)
        self._local.retired = state
        self._local.state = fresh
        return fresh

    def _adopt(self, fingerprint: tuple[int, int] | None) -> OpenIndex | None:
        """A state left by a thread that has ended, for this thread to reuse.

        The app runs each load in a new worker thread: without this, every one of them
        opened the index again (a searcher, a connection) and kept it until the end.
        States of ended threads for an older generation are closed here.
        """
        with self._lock:
            found = None
            for state in list(self._states):
                if state.owner.is_alive():
                    continue
                if state.fingerprint != fingerprint:
                    self._states.remove(state)
                    state.close()
                elif found is None:
                    found = state
            if found is not None:
                found.owner = threading.current_thread()
            return found

    @property
    def _db(self) -> sqlite3.Connection:
        return self._state().catalog.conn

    @property
    def catalog(self) -> Catalog:
        """This thread's connection to the current catalog."""
        return self._state().catalog

    def index_stamp(self) -> tuple[str, str, str]:
        """Which index the library reads now, for what is kept from it: changes with
        every full build (its generation folder) and every update (the Whoosh
        generation its catalog was committed with: the searcher moves on with the
        catalog, not before). The build time, to the second, alone told apart neither
        two commits in one second nor, read with all of meta, came cheap."""
        state = self._state()
        meta = state.catalog.meta("whoosh_generation", "built_at")
        return (state.generation.name, meta.get("whoosh_generation", ""),
                meta.get("built_at", ""))

    @contextmanager
    def _searching(self) -> Iterator[Searcher]:
        """The library's one Whoosh searcher, for one thread at a time.

        A searcher of a large index holds tens of megabytes; one per thread made the
        app (a worker thread per page opened) hold several at once. Whoosh searches
        do not run in parallel under the GIL anyway.
        """
        state = self._state()
        with self._search_lock:
            shared = self._shared
            stale = shared is not None and shared[0] != state.generation
            # A newer commit is used only once the catalog has committed too: between
            # an update's two commits the old searcher still matches the catalog. Not
            # searcher.refresh(): it reuses segment readers by id and so keeps showing
            # documents that an update only deleted.
            if shared is not None and not stale:
                stale = not shared[1].up_to_date() and state.in_step()
            if shared is None or stale:
                if shared is not None:
                    shared[1].close()
                    self._shared = self._event_docs = None
                try:
                    searcher = state.index.searcher()
                except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises means damaged
                    raise IndexDamaged(f"the search index in {state.generation} cannot be "
                                       f"read ({exc})") from None
                self._shared = shared = (state.generation, searcher)
            yield shared[1]

    # overview and timeline --------------------------------------------------

    def stats(self) -> LibraryStats:
        meta = self._state().catalog.meta()
        first, last = self.first_day(), self.last_day()  # one index lookup each
        # Each build records its counts in meta, in the same transaction: counting the
        # files table again took a full scan of it on every start.
        keys = {"event": "events", "article": "articles", "day": "day_pages",
                "skipped": "skipped"}
        if all(meta.get(key, "").isdigit() for key in keys.values()):
            counts = {kind: int(meta[key]) for kind, key in keys.items()}
        else:
            counts = self._state().catalog.counts()
        archive = meta.get("archive", "")
        return LibraryStats(
            name=Path(archive).name if archive else self.index_dir.name,
            events=counts["event"], articles=counts["article"], day_pages=counts["day"],
            first=first, last=last, skipped=counts["skipped"], archive=archive,
        )

    def years(self) -> list[tuple[int, int]]:
        """(year, events) for every year that has events: one indexed count per year
        (half the time of grouping every event's date)."""
        first, last = self.first_day(), self.last_day()
        if first is None or last is None:
            return []
        found = []
        for year in range(first.year, last.year + 1):
            count = self._db.execute(
                "SELECT count(*) FROM events WHERE date >= ? AND date < ?",
                (f"{year:04d}-", f"{year + 1:04d}-"),
            ).fetchone()[0]
            if count:
                found.append((year, count))
        return found

    def months(self, year: int) -> list[tuple[int, int]]:
        rows = self._db.execute(
            "SELECT substr(date, 6, 2) AS m, count(*) FROM events WHERE date >= ? AND date < ? "
            "GROUP BY m ORDER BY m", (f"{year:04d}-", f"{year + 1:04d}-"),
        )
        return [(int(row[0]), row[1]) for row in rows]

    def days(self, year: int, month: int) -> list[tuple[date, int]]:
        prefix = f"{year:04d}-{month:02d}-"
        rows = self._db.execute(
            "SELECT date, count(*) FROM events WHERE date >= ? AND date <= ? "
            "GROUP BY date ORDER BY date", (prefix + "00", prefix + "99"),
        )
        return [(date.fromisoformat(row[0]), row[1]) for row in rows]

    def events_on(self, day: date) -> list[EventSummary]:
        rows = self._db.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM events WHERE date = ? ORDER BY seq, id",
            (day.isoformat(),),
        )
        return [summary_from_row(row) for row in rows]

    def day_view(self, day: date) -> DayView:
        return DayView.grouped(day, self.events_on(day))

    def step_day(self, day: date, step: int) -> date | None:
        """The next (+1) or previous (-1) day that has events."""
        if step >= 0:
            sql = "SELECT min(date) FROM events WHERE date > ?"
        else:
            sql = "SELECT max(date) FROM events WHERE date < ?"
        return day_of(self._db.execute(sql, (day.isoformat(),)).fetchone()[0])

    def nearest_day(self, day: date) -> date | None:
        """``day`` itself if it has events, else the closest day that has (earlier on a tie)."""
        if self._db.execute("SELECT 1 FROM events WHERE date = ?", (day.isoformat(),)).fetchone():
            return day
        after, before = self.step_day(day, +1), self.step_day(day, -1)
        if after is None or before is None:
            return after or before
        return before if (day - before) <= (after - day) else after

    def first_day(self) -> date | None:
        return day_of(self._db.execute("SELECT min(date) FROM events").fetchone()[0])

    def last_day(self) -> date | None:
        return day_of(self._db.execute("SELECT max(date) FROM events").fetchone()[0])

    # documents and links ------------------------------------------------------

    def resolve(self, target: str, title: str = "") -> str | None:
        """An event id, alias, link target (any spelling) or same-date same-title slug -> id."""
        catalog = self._state().catalog
        normal = normalize_target(target)
        found = catalog.resolve_id(normal) or catalog.resolve_id(target.strip())
        if found is None and title:
            day = date_from_id(normal)
            if day is not None:
                found = catalog.resolve_headline(day.isoformat(), title)
        return found

    def document(self, doc_id: str) -> Event | Article | DayPage | None:
        """An event (by id or alias), an article or a day page; None when unknown."""
        catalog = self._state().catalog
        event_id = self.resolve(doc_id)
        raw = catalog.event_json(event_id) if event_id else None
        if raw is None:
            raw = catalog.article_json(doc_id.strip()) or catalog.article_json(
                normalize_target(doc_id))
        if raw is None:
            row = self._db.execute("SELECT json FROM day_pages WHERE id = ?",
                                   (normalize_target(doc_id),)).fetchone()
            raw = row["json"] if row else None
        if raw is None:
            return None
        return document_from_dict(json.loads(raw))

    def summaries(self, ids: list[str]) -> list[EventSummary]:
        """The events ``ids`` names, in that order (unknown ids left out): one query
        per few hundred ids."""
        found = {}
        db = self._db
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = db.execute(f"SELECT {SUMMARY_COLUMNS} FROM events WHERE id IN "
                              f"({','.join('?' * len(chunk))})", chunk)
            for row in rows:
                summary = summary_from_row(row)
                found[summary.id] = summary
        return [found[i] for i in ids if i in found]

    def story_events(self, story: str) -> list[EventSummary]:
        rows = self._db.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM events WHERE story_key = ? ORDER BY date, seq",
            (story_key(story),),
        )
        return [summary_from_row(row) for row in rows]

    def topic_events(self, topic: str) -> list[EventSummary]:
        rows = self._db.execute(
            f"SELECT {', '.join('e.' + c for c in SUMMARY_COLUMNS.split(', '))} FROM topics t "
            "JOIN events e ON e.id = t.event_id WHERE t.topic_key = ? ORDER BY e.date, e.seq",
            (topic_key(topic),),
        )
        return [summary_from_row(row) for row in rows]

    def stories(self) -> list[tuple[str, int]]:
        """Every story with its number of events, most events first."""
        rows = self._db.execute("SELECT story, events FROM stories ORDER BY events DESC, story")
        return [(row[0], row[1]) for row in rows]

    def titles(self, words: str, limit: int = 20) -> list[EventSummary]:
        """Events whose headline holds every word (a headline starting with them first)."""
        parts = [w for w in words.split() if w]
        if not parts:
            return []
        like = " AND ".join("headline LIKE ? ESCAPE '\\'" for _ in parts)
        args: list[object] = [f"%{_escape_like(p)}%" for p in parts]
        rows = self._db.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM events WHERE {like} "
            "ORDER BY (headline LIKE ? ESCAPE '\\') DESC, date DESC LIMIT ?",
            [*args, f"{_escape_like(words.strip())}%", limit],
        )
        return [summary_from_row(row) for row in rows]

    def neighbours(self, doc_id: str) -> Neighbours:
        """Everything one hop from an event or article (see ``tui.neighbours``)."""
        return neighbours_of(self, self.document(doc_id))

    def neighbours_in_stages(
        self, doc: Event | Article | DayPage
    ) -> Iterator[tuple[Neighbours, frozenset[str]]]:
        """A document's neighbours as they are found, quickest first, each with the
        fields still to come (see ``tui.neighbours.neighbours_in_stages``)."""
        return neighbours_in_stages(self, doc)

    def more_like(self, doc_id: str, text: str) -> tuple[EventSummary, ...]:
        """Events whose text is most like ``text`` (the document ``doc_id`` left out)."""
        with self._searching() as searcher:
            docnum = searcher.document_number(id=doc_id)
            if docnum is None or not text.strip():
                return ()
            hits = searcher.more_like(docnum, "body", text=text, top=MORE_LIKE_THIS,
                                      filter=self._events_in(searcher))
            ids = [hit["id"] for hit in hits if hit["id"] != doc_id]
        return tuple(self.summaries(ids))

    def _events_in(self, searcher: Searcher) -> BitSet:
        """The searcher's event documents, kept while the searcher is: as a query
        filter Whoosh rebuilt this set of every event on each call (tenths of a second)."""
        cached = self._event_docs
        if cached is None or cached[0] is not searcher:
            docs = BitSet(searcher.docs_for_query(wq.Term("kind", "event")),
                          size=searcher.doc_count_all())
            self._event_docs = cached = (searcher, docs)
        return cached[1]

    # freshness ----------------------------------------------------------------

    def is_stale(self, archive_dir: Path) -> bool:
        """Whether the archive's files differ (added, removed, touched) from the index's."""
        return archive_changed(self.catalog, archive_dir)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
