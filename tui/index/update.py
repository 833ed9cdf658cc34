"""Applying a set of file changes to one generation's Whoosh index and catalog.

Only added and changed files are parsed; only the dates they (and removed files)
touch are reassembled, from the stored parse results of that date's other files.
Whoosh is committed first, then the catalog in one transaction (see ``builder``); the
catalog records the Whoosh generation it matches (``whoosh_generation``), so readers and
the next build can tell an update caught between its two commits.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from whoosh.index import Index

from tui.assembly import assemble_day
from tui.index.articles import ArticleLinker
from tui.index.catalog import Catalog
from tui.index.documents import day_document, spelling_words, whoosh_fields
from tui.index.schema import SCHEMA_VERSION
from tui.model import Article, DayPage, Document, Event, Skip, document_from_dict
from tui.parsers import parse_file

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class BuildReport:
    """What a build did: documents by kind now in the index, skipped files, timing."""

    counts: dict[str, int] = field(default_factory=dict)
    skips: list[Skip] = field(default_factory=list)
    seconds: float = 0.0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)
    full: bool = False
    reason: str = ""


@dataclass(slots=True)
class Change:
    """The archive as scanned now (``files``) against what the catalog knows (``known``)."""

    archive: Path
    files: dict[str, tuple[int, int]]
    known: dict[str, tuple[int, int]]
    fresh: bool
    procs: int = 1  # parse in this many processes (forks: never from inside the app)

    def diff(self) -> tuple[list[str], list[str], list[str]]:
        added = sorted(set(self.files) - set(self.known))
        removed = sorted(set(self.known) - set(self.files))
        changed = sorted(p for p in set(self.files) & set(self.known)
                         if self.files[p] != self.known[p])
        return added, changed, removed


def _date_key(doc: Event | DayPage) -> str | None:
    return doc.date.isoformat() if doc.date is not None else None


PARALLEL_PARSE_MIN = 2_000
RELINK_SHARED_TERMS = 2


def _parse_one(archive: Path, path: str) -> Document | Skip:
    return parse_file(archive / path, archive)


def _parsed(change: Change, paths: list[str]) -> Iterator[tuple[str, Document | Skip]]:
    """Each path with its parse result, in order; in a process pool when it pays."""
    if change.procs <= 1 or len(paths) < PARALLEL_PARSE_MIN:
        for path in paths:
            yield path, parse_file(change.archive / path, change.archive)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=change.procs, mp_context=context) as pool:
        results = pool.map(partial(_parse_one, change.archive), paths, chunksize=200)
        yield from zip(paths, results, strict=True)


def apply_changes(
    ix: Index,
    catalog: Catalog,
    change: Change,
    writer_args: dict[str, Any],
    progress: Progress | None,
) -> BuildReport:
    added, changed, removed = change.diff()
    report = BuildReport(added=added, changed=changed, removed=removed)
    to_parse = added + changed
    results: dict[str, Document | Skip] = {}
    estimate = len(to_parse) * 2
    for done, (path, result) in enumerate(_parsed(change, to_parse), 1):
        if isinstance(result, Skip):
            result = Skip(path, result.reason)
            report.skips.append(result)
        results[path] = result
        if progress is not None:
            progress(done, estimate, path)
    report.parsed = to_parse
    if not (added or changed or removed) and not change.fresh:
        report.counts = catalog.counts()
        return report

    old_rows = catalog.file_rows(changed + removed)
    touched = set(changed) | set(removed)
    dates: set[str | None] = set()
    for row in old_rows.values():
        if row["kind"] in ("event", "day"):
            dates.add(row["date"])
    pages_by_date: dict[str | None, list[Event | DayPage]] = defaultdict(list)
    for result in results.values():
        if isinstance(result, Event | DayPage):
            dates.add(_date_key(result))
            pages_by_date[_date_key(result)].append(result)
    for day in dates:
        for doc in catalog.parsed_on(day):
            if doc.id not in touched:
                pages_by_date[day].append(doc)

    stored: dict[str, tuple[int, str]] = {}
    for day in dates:
        stored.update(catalog.events_stored_on(day))
    old_event_ids = set(stored)
    new_events: dict[str | None, list[Event]] = {}
    for day in sorted(dates, key=lambda d: d or ""):
        docs = pages_by_date.get(day, [])
        pages = sorted((d for d in docs if isinstance(d, Event)), key=lambda d: d.id)
        day_pages = sorted((d for d in docs if isinstance(d, DayPage)), key=lambda d: d.id)
        new_events[day] = assemble_day(pages, day_pages) if docs else []
    new_event_ids = {e.id for events in new_events.values() for e in events}
    # An event reassembled exactly as stored (same text, same place in its day) is
    # neither rewritten nor relinked: a 1,000-file update touches about 1,000 dates
    # and so reassembles ten times as many events as it changes.
    rewritten = {event.id for events in new_events.values()
               for seq, event in enumerate(events)
               if stored.get(event.id) != (seq, json.dumps(event.to_dict(), ensure_ascii=False))}
    relink = catalog.articles_linked_to((old_event_ids - new_event_ids) | rewritten)
    # One search document per date for its day pages (index.md and README.md alike);
    # every other day page id of a touched date leaves the search index.
    day_docs: list[DayPage] = []
    day_ids = {row["doc_id"] for row in old_rows.values() if row["kind"] == "day" and row["doc_id"]}
    for day in dates:
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

    writes: list[Document] = [e for events in new_events.values() for e in events
                              if e.id in rewritten]
    writes += fresh_articles + day_docs
    total = len(to_parse) + len(writes)
    words: Counter[str] = Counter()
    writer = ix.writer(**writer_args)
    try:
        for doc_id in [] if change.fresh else sorted((old_event_ids - new_event_ids) | gone_docs):
            writer.delete_by_term("id", doc_id)
        for done, doc in enumerate(writes, len(to_parse) + 1):
            fields = whoosh_fields(doc)
            words.update(spelling_words(doc))
            if change.fresh:
                writer.add_document(**fields)
            else:
                writer.update_document(**fields)
            if progress is not None:
                progress(done, total, doc.id)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    whoosh_generation = ix.latest_generation()

    with catalog.transaction():
        for path in removed:
            catalog.delete_file(path)
        for path, result in results.items():
            mtime_ns, size = change.files[path]
            catalog.put_file(path, mtime_ns, size, result)
        for event_id in old_event_ids - new_event_ids:
            catalog.delete_event(event_id)
        for events in new_events.values():
            for seq, event in enumerate(events):
                if event.id in rewritten:
                    catalog.put_event(event, seq)
        for row in old_rows.values():
            if row["kind"] == "article" and row["doc_id"]:
                catalog.delete_article(row["doc_id"])
            elif row["kind"] == "day" and row["doc_id"]:
                catalog.delete_day_page(row["doc_id"])
        articles: dict[str, Article] = {}
        for doc in fresh_docs:
            if isinstance(doc, Article):
                catalog.put_article(doc)
                articles[doc.id] = doc
            else:
                catalog.put_day_page(doc)
        changed_events = [] if change.fresh else [
            e for v in new_events.values() for e in v if e.id in rewritten]
        _link_articles(ix, catalog, articles, relink, changed_events)
        catalog.refresh_stories()
        catalog.add_words(words)
        report.counts = catalog.counts()
        catalog.set_meta(
            schema_version=SCHEMA_VERSION,
            archive=str(change.archive),
            complete=1,
            events=report.counts["event"],
            articles=report.counts["article"],
            day_pages=report.counts["day"],
            skipped=report.counts["skipped"],
            built_at=f"{time.time():.0f}",
            whoosh_generation=whoosh_generation,
        )
    return report


def _link_articles(
    ix: Index,
    catalog: Catalog,
    fresh: dict[str, Article],
    relink: set[str],
    changed_events: list[Event],
) -> None:
    """Link new and changed articles; recheck those near events that were reassembled."""
    with ix.searcher() as searcher:
        linker = ArticleLinker(searcher, catalog)
        todo = set(fresh) | relink
        unlinked = set(catalog.unlinked_article_ids()) - todo if changed_events else set()
        # Only an unlinked article can gain a link from a changed event, and only if the
        # event holds some of the key terms its last similarity search looked for.
        waiting: dict[str, set[str]] = defaultdict(set)
        for article_id, terms in catalog.article_terms(unlinked).items():
            for term in terms:
                waiting[term].add(article_id)
        if waiting:
            for event in changed_events:
                shared = Counter(article_id for term in linker.event_terms(event) & waiting.keys()
                                 for article_id in waiting[term])
                todo.update(a for a, n in shared.items() if n >= RELINK_SHARED_TERMS)
        for article_id in sorted(todo):
            article = fresh.get(article_id)
            if article is None:
                raw = catalog.article_json(article_id)
                if raw is None:
                    continue
                doc = document_from_dict(json.loads(raw))
                assert isinstance(doc, Article)
                article = doc
            catalog.set_article_links(article_id, linker.links(article))
            catalog.set_article_terms(article_id, linker.searched_terms.get(article_id, []))
