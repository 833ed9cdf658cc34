"""The query layer: timeline, documents, links and search over one built index.

Used by the CLI and the app alike. Thread-safe: each thread gets its own SQLite
connection and Whoosh searcher, reused while the index is unchanged and reopened
when a build commits or switches generation. Returns model
documents and small frozen dataclasses, never Whoosh objects.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher

from tui.index.catalog import CATALOG_NAME, Catalog, story_key, topic_key
from tui.index.lock import writer_active
from tui.index.schema import SCHEMA_VERSION
from tui.index.store import (
    WHOOSH_DIR,
    IndexDamaged,
    IndexMissing,
    IndexOutdated,
    current_generation,
    pointer_state,
    whoosh_step,
)
from tui.links import date_from_id, normalize_target
from tui.model import Article, DayPage, Event, document_from_dict
from tui.search import TIME_LIMIT, SearchResults, Vocabulary, run_search
from tui.summaries import (
    ArticleSummary,
    DayView,
    EventSummary,
    LibraryStats,
    Neighbours,
    RelatedItem,
)

__all__ = [
    "ArticleSummary", "DayView", "EventSummary", "Library", "LibraryStats", "Neighbours",
    "RelatedItem",
]

SHARED_TOPIC_CAP = 8
SAME_STORY_CAP = 100
MORE_LIKE_THIS = 8
# How long opening the index waits for a running update to commit its catalog.
CATCH_UP_WAIT = 10.0


_SUMMARY_COLUMNS = "id, date, headline, story, topics"


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _summary(row: sqlite3.Row) -> EventSummary:
    return EventSummary(row["id"], _day(row["date"]), row["headline"], row["story"],
                        tuple(json.loads(row["topics"])))


class _ThreadState:
    """One thread's catalog connection and handle on the Whoosh index (not a searcher:
    the library shares one, see ``Library._searching``)."""

    def __init__(self, generation: Path, fingerprint: tuple[int, int] | None) -> None:
        self.generation = generation
        self.fingerprint = fingerprint
        self.vocabulary: tuple[str, Vocabulary] | None = None
        self.owner = threading.current_thread()
        try:
            self.catalog = Catalog(generation / CATALOG_NAME)
            meta = self.catalog.meta()
        except (OSError, sqlite3.Error) as exc:
            raise IndexDamaged(f"the catalog in {generation} cannot be read ({exc})") from None
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            self.catalog.close()
            raise IndexOutdated(
                f"the index in {generation.parent} has schema version "
                f"{meta.get('schema_version')}, this Chronicle needs {SCHEMA_VERSION}; rebuild it"
            )
        self.meta = meta
        try:
            self.index = whoosh_index.open_dir(str(generation / WHOOSH_DIR))
        except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises means damaged
            self.catalog.close()
            raise IndexDamaged(f"the search index in {generation} cannot be read ({exc})") from None
        if not self._catalog_caught_up():
            self.close()
            raise IndexDamaged(
                f"the last update of the index in {generation.parent} was interrupted "
                "between the search index and the catalog; `chronicle index` finishes it"
            )

    def in_step(self) -> bool:
        """Whether the catalog matches the newest Whoosh commit (see ``whoosh_step``)."""
        return whoosh_step(self.catalog.meta(), self.index.latest_generation()) == "same"

    def _catalog_caught_up(self) -> bool:
        """True when the catalog matches Whoosh, waiting while a writer finishes its update."""
        deadline = time.monotonic() + CATCH_UP_WAIT
        while not self.in_step():
            if not writer_active(self.generation.parent) or time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def close(self) -> None:
        self.catalog.close()


class Library:
    """One built index, read by any number of threads."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.time_limit = TIME_LIMIT
        self._local = threading.local()
        self._states: list[_ThreadState] = []
        self._lock = threading.Lock()
        self._search_lock = threading.Lock()
        self._shared: tuple[Path, Searcher] | None = None

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
        with self._lock:
            for state in self._states:
                state.close()
            self._states.clear()
        self._local = threading.local()

    # per-thread state -------------------------------------------------------

    def _state(self) -> _ThreadState:
        state: _ThreadState | None = getattr(self._local, "state", None)
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
        fresh = _ThreadState(generation, fingerprint)
        fresh.owner = threading.current_thread()
        with self._lock:
            # The replaced state may still be in use by the call that noticed the
            # switch (a search half done): it is closed at the next switch, not now.
            retired: _ThreadState | None = getattr(self._local, "retired", None)
            if retired is not None and state is not None:
                self._states.remove(retired)
                retired.close()
            self._states.append(fresh)
        self._local.retired = state
        self._local.state = fresh
        return fresh

    def _adopt(self, fingerprint: tuple[int, int] | None) -> _ThreadState | None:
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
                    self._shared = None
                try:
                    searcher = state.index.searcher()
                except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises means damaged
                    raise IndexDamaged(f"the search index in {state.generation} cannot be "
                                       f"read ({exc})") from None
                self._shared = shared = (state.generation, searcher)
            yield shared[1]

    # overview and timeline --------------------------------------------------

    def stats(self) -> LibraryStats:
        db = self._db
        meta = self._state().catalog.meta()
        one = db.execute("SELECT min(date), max(date) FROM events").fetchone()
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
            first=_day(one[0]), last=_day(one[1]), skipped=counts["skipped"], archive=archive,
        )

    def years(self) -> list[tuple[int, int]]:
        rows = self._db.execute(
            "SELECT substr(date, 1, 4) AS y, count(*) FROM events WHERE date IS NOT NULL "
            "GROUP BY y ORDER BY y"
        )
        return [(int(row[0]), row[1]) for row in rows]

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
            f"SELECT {_SUMMARY_COLUMNS} FROM events WHERE date = ? ORDER BY seq, id",
            (day.isoformat(),),
        )
        return [_summary(row) for row in rows]

    def day_view(self, day: date) -> DayView:
        groups: dict[str, list[EventSummary]] = {}
        for event in self.events_on(day):
            groups.setdefault(event.story, []).append(event)
        return DayView(day, tuple((story, tuple(items)) for story, items in groups.items()))

    def step_day(self, day: date, step: int) -> date | None:
        """The next (+1) or previous (-1) day that has events."""
        if step >= 0:
            sql = "SELECT min(date) FROM events WHERE date > ?"
        else:
            sql = "SELECT max(date) FROM events WHERE date < ?"
        return _day(self._db.execute(sql, (day.isoformat(),)).fetchone()[0])

    def nearest_day(self, day: date) -> date | None:
        """``day`` itself if it has events, else the closest day that has (earlier on a tie)."""
        if self._db.execute("SELECT 1 FROM events WHERE date = ?", (day.isoformat(),)).fetchone():
            return day
        after, before = self.step_day(day, +1), self.step_day(day, -1)
        if after is None or before is None:
            return after or before
        return before if (day - before) <= (after - day) else after

    def first_day(self) -> date | None:
        return _day(self._db.execute("SELECT min(date) FROM events").fetchone()[0])

    def last_day(self) -> date | None:
        return _day(self._db.execute("SELECT max(date) FROM events").fetchone()[0])

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
        found = {}
        for event_id in ids:
            row = self._db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM events WHERE id = ?",
                                   (event_id,)).fetchone()
            if row is not None:
                found[event_id] = _summary(row)
        return [found[i] for i in ids if i in found]

    def story_events(self, story: str) -> list[EventSummary]:
        rows = self._db.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM events WHERE story_key = ? ORDER BY date, seq",
            (story_key(story),),
        )
        return [_summary(row) for row in rows]

    def topic_events(self, topic: str) -> list[EventSummary]:
        rows = self._db.execute(
            f"SELECT {', '.join('e.' + c for c in _SUMMARY_COLUMNS.split(', '))} FROM topics t "
            "JOIN events e ON e.id = t.event_id WHERE t.topic_key = ? ORDER BY e.date, e.seq",
            (topic_key(topic),),
        )
        return [_summary(row) for row in rows]

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
            f"SELECT {_SUMMARY_COLUMNS} FROM events WHERE {like} "
            "ORDER BY (headline LIKE ? ESCAPE '\\') DESC, date DESC LIMIT ?",
            [*args, f"{_escape_like(words.strip())}%", limit],
        )
        return [_summary(row) for row in rows]

    def neighbours(self, doc_id: str) -> Neighbours:
        doc = self.document(doc_id)
        if isinstance(doc, Event):
            return self._event_neighbours(doc)
        if isinstance(doc, Article):
            rows = self._db.execute(
                "SELECT event_id FROM article_events WHERE article_id = ? ORDER BY score DESC",
                (doc.id,),
            )
            events = self.summaries([row[0] for row in rows])
            text = "\n".join([doc.title, *doc.paragraphs])
            return Neighbours(events=tuple(events), more_like_this=self._more_like(doc.id, text))
        return Neighbours()

    def _event_neighbours(self, event: Event) -> Neighbours:
        db = self._db
        related = tuple(
            RelatedItem(link.title, link.target, tuple(link.topics),
                        self.resolve(link.target, link.title))
            for link in event.related
        )
        articles = tuple(
            ArticleSummary(row["id"], row["title"], row["publisher"], _day(row["date"]),
                           row["how"])
            for row in db.execute(
                "SELECT a.id, a.title, a.publisher, a.date, l.how FROM article_events l "
                "JOIN articles a ON a.id = l.article_id WHERE l.event_id = ? "
                "ORDER BY l.score DESC, a.id", (event.id,))
        )
        same_story: tuple[EventSummary, ...] = ()
        if event.story:
            same_story = tuple(
                _summary(row) for row in db.execute(
                    f"SELECT {_SUMMARY_COLUMNS} FROM events WHERE story_key = ? AND id != ? "
                    "ORDER BY date, seq LIMIT ?", (story_key(event.story), event.id,
                                                   SAME_STORY_CAP))
            )
        shared: list[tuple[str, EventSummary]] = []
        anchor = event.date.isoformat() if event.date else "0001-01-01"
        for topic in event.topics:
            rows = db.execute(
                f"SELECT {', '.join('e.' + c for c in _SUMMARY_COLUMNS.split(', '))} "
                "FROM topics t JOIN events e ON e.id = t.event_id "
                "WHERE t.topic_key = ? AND e.id != ? "
                "ORDER BY abs(julianday(e.date) - julianday(?)), e.date LIMIT ?",
                (topic_key(topic), event.id, anchor, SHARED_TOPIC_CAP),
            )
            shared.extend((topic, _summary(row)) for row in rows)
        linked_from = self.summaries(self._state().catalog.linking_to(event))
        text = "\n".join([event.headline, event.summary])
        return Neighbours(
            related=related, articles=articles, same_story=same_story,
            shared_topics=tuple(shared), more_like_this=self._more_like(event.id, text),
            linked_from=tuple(linked_from),
        )

    def _more_like(self, doc_id: str, text: str) -> tuple[EventSummary, ...]:
        with self._searching() as searcher:
            docnum = searcher.document_number(id=doc_id)
            if docnum is None or not text.strip():
                return ()
            hits = searcher.more_like(docnum, "body", text=text, top=MORE_LIKE_THIS,
                                      filter=wq.Term("kind", "event"))
            ids = [hit["id"] for hit in hits if hit["id"] != doc_id]
        return tuple(self.summaries(ids))

    # search and freshness --------------------------------------------------------

    def search(self, query: str, limit: int = 50, sort: str = "relevance",
               kind: str | None = None) -> SearchResults:
        with self._searching() as searcher:
            return run_search(searcher, self._texts, self._topics, query, limit=limit,
                              sort=sort, kind=kind, time_limit=self.time_limit,
                              vocabulary=self._vocabulary)

    def _vocabulary(self) -> Vocabulary:
        """The catalog's words, read at the first "did you mean" and after each update."""
        state = self._state()
        stamp = state.catalog.meta().get("built_at", "")
        if state.vocabulary is None or state.vocabulary[0] != stamp:
            state.vocabulary = (stamp, Vocabulary(state.catalog.vocabulary()))
        return state.vocabulary[1]

    def _texts(self, ids: list[str]) -> dict[str, str]:
        """The running text of each document (what its snippet is cut from)."""
        from tui.index.documents import body_text

        found: dict[str, str] = {}
        db = self._db
        for doc_id in ids:
            row = db.execute("SELECT json FROM events WHERE id = ?", (doc_id,)).fetchone()
            if row is not None:  # an event's running text is its summary alone
                found[doc_id] = json.loads(row[0]).get("summary", "")
                continue
            row = (db.execute("SELECT json FROM articles WHERE id = ?", (doc_id,)).fetchone()
                   or db.execute("SELECT json FROM day_pages WHERE id = ?", (doc_id,)).fetchone())
            if row is not None:
                found[doc_id] = body_text(document_from_dict(json.loads(row[0])))
        return found

    def _topics(self, ids: list[str]) -> dict[str, list[str]]:
        """Each event's and day page's topics: events in one query, day pages from JSON."""
        from tui.index.documents import topics_of

        found: dict[str, list[str]] = {}
        db = self._db
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in db.execute(f"SELECT id, topics FROM events WHERE id IN ({marks})", chunk):
                found[row[0]] = json.loads(row[1])
            rest = [doc_id for doc_id in chunk if doc_id not in found]
            if rest:
                marks = ",".join("?" * len(rest))
                for row in db.execute(f"SELECT id, json FROM day_pages WHERE id IN ({marks})",
                                      rest):
                    found[row[0]] = topics_of(document_from_dict(json.loads(row[1])))
        return found

    def is_stale(self, archive_dir: Path) -> bool:
        """Whether the archive's files differ (added, removed, touched) from the index's."""
        from tui.index.builder import scan_archive  # the builder and parsers load only here

        catalog = self._state().catalog
        if catalog.meta().get("archive") != str(Path(archive_dir).expanduser().resolve()):
            return True
        return scan_archive(Path(archive_dir)) != catalog.file_states()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
