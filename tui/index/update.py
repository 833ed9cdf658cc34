"""Applying a set of file changes to one generation's Whoosh index and catalog.

Only added and changed files are parsed; only the dates they (and removed files)
touch are reassembled, from the stored parse results of that date's other files.
Whoosh is committed first, then the catalog in one transaction (see ``builder``); the
catalog records the Whoosh generation it matches (``whoosh_generation``), so readers and
the next build can tell an update caught between its two commits.

A fresh build fills the catalog of its new generation while Whoosh indexes: the
catalog's rows are written in the gaps while the multiprocessing writer's workers are
busy, in a transaction committed only after Whoosh, so nothing changes for a reader.
"""

from __future__ import annotations

import gc
import json
import pickle
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from tui.index import forked
from tui.index.articles import ArticleLinker, TermCounter
from tui.index.catalog import Catalog, stored_result
from tui.index.catalog_events import EVENT_STATES_AT, stored_event
from tui.index.catalog_reads import LINK_BASES_AT
from tui.index.relinking import Recheck, articles_to_recheck
from tui.index.report import CATALOG_INDEXES, LINKING, BuildReport, Progress, after_documents
from tui.index.schema import DEFAULT_FIELD, SCHEMA_VERSION
from tui.index.search_writing import write_search_index
from tui.index.update_plan import Change, make_plan, meta_counts, skipped_after, stored_counts
from tui.index.update_plan import Plan as _Plan
from tui.model import Article, Document, Event, Skip, document_from_dict
from tui.parsers import parse_file

Parsed = tuple[Document | Skip, bytes | None]
__all__ = ["BuildReport", "Progress", "apply_changes"]

PARALLEL_PARSE_MIN = 2_000
# Files an update parses at or above which a forked child parses half of them.
FORKED_PARSE_MIN = 200
_CATALOG_BATCH = 500
# Articles an update links at or above which it searches a memory-mapped
# index: mapping copies the term files once (0.2-0.3 s at 100,000 events), then reads
# posting lists faster than files do (about 3 ms an article).
MAPPED_LINKING = 100


def _parse_one(archive: Path, path: str) -> Parsed:
    """Parse one file and make the catalog's stored form of it (in a worker process)."""
    result = parse_file(archive / path, archive)
    return result, stored_result(result)


def _parsed(change: Change, paths: list[str]) -> Iterator[tuple[str, Parsed]]:
    """Each path with its parse result, in order; in a process pool when it pays, and
    for a middling update half of them in a forked child."""
    if change.procs <= 1 or len(paths) < FORKED_PARSE_MIN:
        for path in paths:
            yield path, (parse_file(change.archive / path, change.archive), None)
        return
    if len(paths) < PARALLEL_PARSE_MIN:
        yield from _parsed_with_child(change.archive, paths)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Parsing makes next to no reference cycles, but millions of objects that Python's
    # collector would walk again and again: about 10% of the workers' CPU and half of
    # this process's while results arrive (100,000 events). Collection is off in the
    # workers and here until the last result is in; the results then live to the end of
    # the build, so they are frozen (left out of later collections: 1.4 s less
    # planning at 100,000 events) until ``apply_changes`` ends. Only the CLI parses in
    # a pool, never the app.
    collecting = gc.isenabled()
    gc.disable()
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=change.procs, mp_context=context,
                                 initializer=gc.disable) as pool:
            results = pool.map(partial(_parse_one, change.archive), paths, chunksize=200)
            yield from zip(paths, results, strict=True)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _parsed_with_child(archive: Path, paths: list[str]) -> Iterator[tuple[str, Parsed]]:
    """:func:`_parsed` with the second half of ``paths`` parsed in a forked child (or
    here, should it fail)."""
    half = len(paths) // 2
    theirs = paths[half:]
    child = forked.start(partial(_child_parse, archive, theirs))
    try:
        for path in paths[:half]:
            yield path, _parse_one(archive, path)
    except BaseException:  # a cancelled build (or Ctrl-C) does not wait for the child
        forked.stop(child)
        raise
    found = _child_parsed(forked.finish(child), len(theirs))
    if found is None:
        found = [_parse_one(archive, path) for path in theirs]
    yield from zip(theirs, found, strict=True)


def _child_parse(archive: Path, paths: list[str]) -> bytes:
    return pickle.dumps([_parse_one(archive, path) for path in paths],
                        protocol=pickle.HIGHEST_PROTOCOL)


def _child_parsed(data: bytes | None, count: int) -> list[Parsed] | None:
    """The child's parse results, or None when it failed or they are not all there."""
    found = forked.unpickled(data)
    return found if isinstance(found, list) and len(found) == count else None


def apply_changes(
    ix: Index,
    catalog: Catalog,
    change: Change,
    writer_args: dict[str, Any],
    progress: Progress | None,
) -> BuildReport:
    """Parse the added and changed files, and write the change to Whoosh and the
    catalog; what a pool's parse froze out of the collector is handed back at the end."""
    frozen = gc.get_freeze_count()
    try:
        return _apply(ix, catalog, change, writer_args, progress)
    finally:
        if gc.get_freeze_count() > frozen:  # only the CLI's pool freezes (``_parsed``)
            gc.unfreeze()


def _apply(
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
    stored: dict[str, bytes | None] = {}
    estimate = len(to_parse) * 2
    for done, (path, (result, blob)) in enumerate(_parsed(change, to_parse), 1):
        if isinstance(result, Skip):
            result = Skip(path, result.reason)
            report.skips.append(result)
        results[path] = result
        stored[path] = blob
        if progress is not None:
            progress(done, estimate, path)
    report.parsed = to_parse
    if not (added or changed or removed) and not change.fresh:
        report.counts = stored_counts(catalog)
        return report

    plan = make_plan(catalog, change, results, stored, removed)
    # The stored versions of the events this update rewrites or removes, read before
    # the catalog is written: whether they were an article's candidates.
    before = [] if change.fresh else _stored_events(
        catalog, {event.id for event in plan.retexted} - plan.new_events | plan.gone_events)
    relink = _Relink(ix.schema, before)
    # As the writing of documents counts; a fresh build's steps after them are named
    # too (an update's are short, and come after Whoosh's commit, where a cancel would
    # leave the catalog behind until the next run).
    total = len(to_parse) + len(plan.writes)
    if change.fresh or writer_args.get("procs", 1) > 1:
        # The catalog's rows are written while Whoosh indexes (in its writer processes,
        # for a large update), in a transaction committed after Whoosh's. A new
        # generation is nobody's until it is switched in; it gets its indexes last.
        with catalog.transaction():
            steps = _catalog_steps(catalog, change, plan, removed, relink)
            whoosh_generation, words = write_search_index(ix, change, plan, writer_args,
                                                           progress, len(to_parse), steps)
            if change.fresh:  # a cancel here leaves a generation nobody reads: removed
                after_documents(progress, total, CATALOG_INDEXES)
                catalog.create_indexes()
                after_documents(progress, total, LINKING)
            _finish_catalog(ix, catalog, change, plan, relink, words, whoosh_generation,
                            report)
        return report
    whoosh_generation, words = write_search_index(ix, change, plan, writer_args, progress,
                                                   len(to_parse), None)
    with catalog.transaction():
        for _ in _catalog_steps(catalog, change, plan, removed, relink):
            pass
        _finish_catalog(ix, catalog, change, plan, relink, words, whoosh_generation, report)
    return report


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CATALOG_BATCH):
        yield items[start:start + _CATALOG_BATCH]


@dataclass(slots=True)
class _Relink:
    """Stored articles an update links again (besides those linked to a changed event),
    found among the catalog steps: while Whoosh's sub-writers index, for a large update."""

    schema: Schema
    before: list[Event]  # the stored versions of rewritten and removed events
    found: Recheck = field(default_factory=Recheck)
    terms: TermCounter | None = None  # the words analysed meanwhile, for linking

    def find(self, catalog: Catalog, changed: list[Event]) -> None:
        self.terms = TermCounter(self.schema[DEFAULT_FIELD].analyzer)
        self.found = articles_to_recheck(catalog, self.terms, changed, self.before)


def _catalog_steps(
    catalog: Catalog, change: Change, plan: _Plan, removed: list[str], relink: _Relink
) -> Iterator[None]:
    """The catalog's share of an update, a batch of rows per step (same order as ever:
    removed files, parse results, events, then articles and day pages; last, for an
    update, the articles its changed events concern)."""
    for path in removed:
        catalog.delete_file(path)
    files = [(path, *change.files[path], result, plan.stored.get(path))
             for path, result in plan.results.items()]
    for batch in _batches(files):
        catalog.put_files(batch)
        yield
    catalog.delete_events(sorted(plan.gone_events))
    events = plan.events
    if not change.fresh:
        # An event whose text is as stored moved within its date: only its place changes.
        retexted = {event.id for event in plan.retexted}
        catalog.set_event_places([(event.id, seq) for event, seq, _ in events
                                  if event.id not in retexted])
        events = [row for row in events if row[0].id in retexted]
    for batch in _batches(events):
        catalog.put_events(batch, new=plan.new_events)
        yield
    for row in plan.old_rows.values():
        if row["kind"] == "article" and row["doc_id"]:
            catalog.delete_article(row["doc_id"])
        elif row["kind"] == "day" and row["doc_id"]:
            catalog.delete_day_page(row["doc_id"])
    for batch in _batches(plan.fresh_docs):
        for doc in batch:
            if isinstance(doc, Article):
                catalog.put_article(doc)
            else:
                catalog.put_day_page(doc)
        yield
    if not change.fresh:
        relink.find(catalog, plan.retexted)
        yield


def _stored_events(catalog: Catalog, event_ids: set[str]) -> list[Event]:
    """The stored versions of these events (those that can be read back)."""
    found = []
    for _, data, _ in catalog.events_stored(event_ids).values():
        event = stored_event(data)
        if event is not None:
            found.append(event)
    return found


def _finish_catalog(
    ix: Index,
    catalog: Catalog,
    change: Change,
    plan: _Plan,
    relink: _Relink,
    words: Counter[str],
    whoosh_generation: int,
    report: BuildReport,
) -> None:
    """Article links, stories, vocabulary and meta: the last of the catalog transaction."""
    articles = {doc.id: doc for doc in plan.fresh_docs if isinstance(doc, Article)}
    todo = set(articles) | plan.relink | relink.found.articles
    entered = {a: events for a, events in relink.found.entered.items() if a not in todo}
    many = len(todo) + len(entered) >= MAPPED_LINKING
    if change.fresh or not many or not isinstance(ix.storage, FileStorage):
        _link_articles(ix, catalog, articles, todo, entered, relink.terms)
    else:
        mapped = FileStorage(ix.storage.folder).open_index(ix.indexname)
        try:
            _link_articles(mapped, catalog, articles, todo, entered, relink.terms)
        finally:
            mapped.close()
    catalog.refresh_stories(None if change.fresh else plan.story_keys)
    catalog.add_words(words)
    # Every article a build adds or unlinks is linked with a basis: a full build's
    # catalog has one for each, and an update keeps it so.
    bases_complete = change.fresh or not catalog.unlinked_without_basis()
    if change.fresh:
        report.counts = catalog.counts()
    else:
        skipped = skipped_after(catalog, plan)
        stored = meta_counts(catalog.meta())
        report.counts = (catalog.counts(skipped) if stored is None or skipped is None
                         else catalog.counts_after(stored, skipped))
    if bases_complete:
        catalog.set_meta(**{LINK_BASES_AT: whoosh_generation})
    else:
        catalog.drop_meta(LINK_BASES_AT)
    # The event states were made current before the update (``refresh_event_states``)
    # and written with each event since.
    catalog.set_meta(**{EVENT_STATES_AT: whoosh_generation})
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
    if change.folders is not None:
        catalog.put_folder_digests(change.folders, change.gone_folders, whoosh_generation,
                                   replace=change.all_folders)


def _link_articles(ix: Index, catalog: Catalog, fresh: dict[str, Article], todo: set[str],
                   entered: dict[str, list[Event]], terms: TermCounter | None = None) -> None:
    """Link the new and changed articles and those ``todo`` (stored ones), and those
    ``entered`` that one of their new candidates reaches (see ``relinking.Recheck``)."""
    if not (todo or entered):
        return
    with ix.searcher() as searcher:
        linker = ArticleLinker(searcher, catalog, terms)
        for article_id in sorted(todo | entered.keys()):
            article = fresh.get(article_id)
            if article is None:
                raw = catalog.article_json(article_id)
                if raw is None:
                    continue
                doc = document_from_dict(json.loads(raw))
                assert isinstance(doc, Article)
                article = doc
            if article_id in todo or linker.reaches(article, entered[article_id]):
                catalog.set_article_links(article_id, linker.links(article))
        catalog.put_link_bases(linker.bases)
