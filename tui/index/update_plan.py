"""What an update writes: the dates it reassembles, and the rows and documents that change.

Only the dates that added, changed and removed files touch are reassembled, from the
stored parse results of their other files; an event reassembled exactly as stored is
left alone. Decoding a date's stored pages and assembling them is most of the cost
(about 3 ms a date at 100,000 events, and adding 1,000 pages touches 900 dates): a
large update in the CLI does half of its dates in a forked child.
"""

from __future__ import annotations

import json
import marshal
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from tui.assembly import assemble_day
from tui.index import forked
from tui.index.catalog import Catalog, story_key
from tui.index.catalog_events import event_digest
from tui.index.catalog_layout import to_json
from tui.index.documents import day_document
from tui.model import Article, DayPage, Document, Event, Skip, document_from_dict

# Dates an update reassembles before half of them go to a child process.
PARALLEL_DATES = 200


@dataclass(slots=True)
class Change:
    """The archive as scanned now (``files``) against what the catalog knows (``known``).

    An update may hold only some folders' files in both (those whose digests differ,
    see ``archive_scan``); ``folders`` are then the digests to store with it, and
    ``gone_folders`` the folders no longer there (``all_folders``: replace them all).
    """

    archive: Path
    files: dict[str, tuple[int, int]]
    known: dict[str, tuple[int, int]]
    fresh: bool
    procs: int = 1  # parse in this many processes (forks: never from inside the app)
    # The search index holds exactly the documents the catalog does (its last update
    # finished): a document the catalog lacks can be added without looking for it.
    in_step: bool = False
    folders: dict[str, bytes] | None = None
    gone_folders: list[str] = field(default_factory=list)
    all_folders: bool = False

    def diff(self) -> tuple[list[str], list[str], list[str]]:
        known = self.known
        added: list[str] = []
        changed: list[str] = []
        for path, state in self.files.items():
            before = known.get(path)
            if before is None:
                added.append(path)
            elif before != state:
                changed.append(path)
        removed = [path for path in known if path not in self.files]
        return sorted(added), sorted(changed), sorted(removed)


def date_key(doc: Event | DayPage) -> str | None:
    return doc.date.isoformat() if doc.date is not None else None


@dataclass(slots=True)
class Plan:
    """What one update writes: documents for Whoosh, rows for the catalog."""

    results: dict[str, Document | Skip]
    stored: dict[str, bytes | None]
    old_rows: dict[str, Any]
    events: list[tuple[Event, int, str]]  # catalog rows to write: event, place in its day, JSON
    retexted: list[Event]  # events whose text changed: written to Whoosh, relinked
    gone_events: set[str]
    relink: set[str]
    story_keys: set[str]
    fresh_docs: list[Article | DayPage]
    writes: list[Document]
    search_deletes: list[str]
    new_events: set[str]  # ids of written events the catalog did not hold
    new_ids: set[str]  # ids of written documents the catalog did not hold


@dataclass(slots=True)
class _Assembled:
    """One event as reassembled and compared with its stored row (found by id)."""

    day: str | None
    seq: int
    id: str
    data: str | None  # its JSON, unless stored exactly so (same text, same place)
    same_text: bool
    stored_story: str | None  # the story stored for it, if it was stored
    event: Event | None = None  # the event itself, unless stored exactly so

    def order(self) -> tuple[str, int]:
        return (self.day or "", self.seq)


def _newest_first(doc: Document) -> date:
    return doc.date or date.min


def make_plan(
    catalog: Catalog,
    change: Change,
    results: dict[str, Document | Skip],
    stored: dict[str, bytes | None],
    removed: list[str],
) -> Plan:
    """Reassemble the touched dates and decide what to write and delete."""
    changed = [path for path in results if path in change.known]
    old_rows = {} if change.fresh else catalog.file_rows(changed + removed)
    touched = set(changed) | set(removed)
    dates: set[str | None] = set()
    for row in old_rows.values():
        if row["kind"] in ("event", "day"):
            dates.add(row["date"])
    pages_by_date: dict[str | None, list[Event | DayPage]] = defaultdict(list)
    for result in results.values():
        if isinstance(result, Event | DayPage):
            dates.add(date_key(result))
            pages_by_date[date_key(result)].append(result)
    # One search document per date for its day pages (index.md and README.md alike);
    # every other day page id of such a date leaves the search index. Only dates whose
    # day pages changed get theirs again: an event page added to a date leaves it as it was.
    day_dates = {row["date"] for row in old_rows.values() if row["kind"] == "day"}
    day_dates.update(date_key(doc) for doc in results.values() if isinstance(doc, DayPage))

    parsed = _parsed_events(results, stored)
    if change.fresh:
        assembled = _assemble(None, sorted(dates, key=lambda d: d or ""), pages_by_date, touched,
                              parsed)
        stored_on_dates: dict[str, str] = {}
    else:
        assembled = _assemble_all(catalog, change, dates, day_dates, pages_by_date, touched,
                                  parsed)
        stored_on_dates = catalog.event_stories_on_days(dates)
    assembled.sort(key=_Assembled.order)
    # The last of an id's events (in date order) is the one the catalog keeps, as a
    # fresh build's writes leave it.
    last = {item.id: item for item in assembled}
    gone_events = set(stored_on_dates) - set(last)
    # A fresh build writes every event it assembled; an update, of each id's events,
    # the one kept, unless it is stored exactly so.
    events: list[tuple[Event, int, str]] = []
    retexted: list[Event] = []
    kept: list[_Assembled] = []
    for item in assembled:
        if item.event is None or item.data is None:  # stored exactly so
            continue
        if change.fresh or last[item.id] is item:
            kept.append(item)
            events.append((item.event, item.seq, item.data))
            if change.fresh or not item.same_text:
                retexted.append(item.event)
    story_keys: set[str] = set()
    if not change.fresh:  # only a deleted or changed event can change a story's count or name
        story_keys = {event.story for event in retexted}
        story_keys.update(item.stored_story for item in kept
                          if not item.same_text and item.stored_story is not None)
        story_keys.update(stored_on_dates[event_id] for event_id in gone_events)
    # Events the catalog did not hold: nothing to find of them, nor to delete.
    new_events = {item.id for item in kept if item.stored_story is None}
    retexted_ids = {event.id for event in retexted} - new_events
    relink = set() if change.fresh else catalog.articles_linked_to(gone_events | retexted_ids)

    day_docs: list[DayPage] = []
    day_ids = {row["doc_id"] for row in old_rows.values() if row["kind"] == "day" and row["doc_id"]}
    for day in day_dates:
        of_day = [d for d in pages_by_date.get(day, []) if isinstance(d, DayPage)]
        day_ids.update(page.id for page in of_day)
        if of_day:
            day_docs.append(day_document(of_day))
    gone_docs = {row["doc_id"] for row in old_rows.values()
                 if row["kind"] == "article" and row["doc_id"]}
    fresh_docs = [r for r in results.values() if isinstance(r, Article | DayPage)]
    fresh_articles = [doc for doc in fresh_docs if isinstance(doc, Article)]
    gone_docs -= {doc.id for doc in fresh_articles}
    gone_docs |= day_ids - {doc.id for doc in day_docs}

    # Newest first: a segment's document numbers then follow the dates backwards, so
    # the newest matches a search ranks or lists first lead every posting list.
    writes: list[Document] = sorted([*retexted, *fresh_articles, *day_docs],
                                    key=_newest_first, reverse=True)
    return Plan(
        results=results, stored=stored, old_rows=old_rows, events=events,
        retexted=retexted, gone_events=gone_events, relink=relink,
        story_keys={story_key(story) for story in story_keys}, fresh_docs=fresh_docs,
        writes=writes,
        search_deletes=[] if change.fresh else sorted(gone_events | gone_docs),
        new_events=new_events,
        new_ids=new_events | {doc.id for path, doc in results.items()
                              if isinstance(doc, Article) and path not in change.known},
    )


def _parsed_events(results: dict[str, Document | Skip],
                   stored: dict[str, bytes | None]) -> dict[str, tuple[Event, bytes]]:
    """This update's event pages with their stored form, by id (when the parse made one)."""
    found = {}
    for path, doc in results.items():
        if isinstance(doc, Event) and doc.id == path:
            blob = stored.get(path)
            if blob is not None:
                found[path] = (doc, blob)
    return found


def event_json(event: Event, parsed: dict[str, tuple[Event, bytes]]) -> str:
    """The event's JSON: its page's stored form when assembly left the page as parsed
    (most events; the stored form is exactly this JSON, compressed), else made anew."""
    page = parsed.get(event.id)
    if page is not None and page[0] == event:
        return zlib.decompress(page[1]).decode("utf-8")
    return to_json(event.to_dict())


def _assemble(
    catalog: Catalog | None,
    dates: list[str | None],
    pages_by_date: dict[str | None, list[Event | DayPage]],
    touched: set[str],
    parsed: dict[str, tuple[Event, bytes]],
) -> list[_Assembled]:
    """Reassemble ``dates`` (with their stored pages, when there is a ``catalog``) and
    compare each event with its stored row."""
    if catalog is not None:
        for day, docs in catalog.parsed_on_days(dates).items():
            pages_by_date[day] += [doc for doc in docs if doc.id not in touched]
    made: list[tuple[str | None, int, Event, str]] = []
    for day in dates:
        docs = pages_by_date.get(day, [])
        if not docs:
            continue
        pages = sorted((d for d in docs if isinstance(d, Event)), key=lambda d: d.id)
        day_pages = sorted((d for d in docs if isinstance(d, DayPage)), key=lambda d: d.id)
        for seq, event in enumerate(assemble_day(pages, day_pages)):
            made.append((day, seq, event, event_json(event, parsed)))
    # Compared by digest with the stored states (see ``catalog_events``).
    stored = catalog.event_states([event.id for _, _, event, _ in made]) if catalog else {}
    found = []
    for day, seq, event, data in made:
        before = stored.get(event.id)
        same_text = before is not None and before[1] == event_digest(data)
        if same_text and before is not None and before[0] == seq:
            found.append(_Assembled(day, seq, event.id, None, True, before[2]))
        else:
            found.append(_Assembled(day, seq, event.id, data, same_text,
                                    before[2] if before is not None else None, event))
    return found


def _assemble_all(
    catalog: Catalog,
    change: Change,
    dates: set[str | None],
    day_dates: set[str | None],
    pages_by_date: dict[str | None, list[Event | DayPage]],
    touched: set[str],
    parsed: dict[str, tuple[Event, bytes]],
) -> list[_Assembled]:
    """:func:`_assemble` of an update's dates, half of them in a child when it pays.

    Dates whose day pages changed stay here: their stored day pages are needed again.
    """
    ordered = sorted(dates, key=lambda d: d or "")
    if change.procs <= 1 or len(ordered) < PARALLEL_DATES:
        return _assemble(catalog, ordered, pages_by_date, touched, parsed)
    theirs = [day for day in ordered if day not in day_dates][1::2]
    given = set(theirs)
    mine = [day for day in ordered if day not in given]
    child = forked.start(partial(_child_assemble, catalog.path, theirs, pages_by_date, touched,
                                 parsed))
    try:
        found = _assemble(catalog, mine, pages_by_date, touched, parsed)
    finally:
        other = _child_result(forked.finish(child))
    if other is None:
        return found + _assemble(catalog, theirs, pages_by_date, touched, parsed)
    return found + other


def _child_assemble(
    path: Path,
    dates: list[str | None],
    pages_by_date: dict[str | None, list[Event | DayPage]],
    touched: set[str],
    parsed: dict[str, tuple[Event, bytes]],
) -> bytes:
    """Reassemble ``dates`` in a child, with a catalog connection of its own (one is
    never shared across a fork): its events, marshalled for the parent."""
    catalog = Catalog(path)
    try:
        found = _assemble(catalog, dates, pages_by_date, touched, parsed)
    finally:
        catalog.close()
    return marshal.dumps([(item.day, item.seq, item.id, item.data, item.same_text,
                           item.stored_story) for item in found])


def _child_result(data: bytes | None) -> list[_Assembled] | None:
    """The child's events (rebuilt from their JSON), or None when it failed."""
    if data is None:
        return None
    try:
        items = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    found = []
    for day, seq, event_id, text, same_text, stored_story in items:
        event = None if text is None else document_from_dict(json.loads(text))
        if event is not None and not isinstance(event, Event):
            return None
        found.append(_Assembled(day, seq, event_id, text, same_text, stored_story, event))
    return found


def meta_counts(meta: dict[str, str]) -> dict[str, int] | None:
    """The counts the last build wrote to the meta table (in its transaction, so they
    are the catalog's own), or None when it holds none."""
    try:
        return {"event": int(meta["events"]), "article": int(meta["articles"]),
                "day": int(meta["day_pages"]), "skipped": int(meta["skipped"])}
    except (KeyError, ValueError):
        return None


def stored_counts(catalog: Catalog) -> dict[str, int]:
    """:func:`meta_counts`, without counting 100,000 rows again when it can."""
    return meta_counts(catalog.meta()) or catalog.counts()


def skipped_after(catalog: Catalog, plan: Plan) -> int | None:
    """Skipped files after an update: the stored count, less the skipped files this
    update removed or parsed again, plus those it skipped (None when not stored)."""
    stored = catalog.meta().get("skipped", "")
    if not stored.isdigit():
        return None
    gone = sum(row["kind"] == "skip" for row in plan.old_rows.values())
    return int(stored) - gone + sum(isinstance(r, Skip) for r in plan.results.values())
