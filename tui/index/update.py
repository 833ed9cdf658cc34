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

from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from tui.index.articles import ArticleLinker
from tui.index.catalog import Catalog, stored_result
from tui.index.documents import spelling_words, whoosh_fields
from tui.index.schema import SCHEMA_VERSION
from tui.index.update_plan import Change, make_plan, skipped_after, stored_counts
from tui.index.update_plan import Plan as _Plan
from tui.model import Article, Document, Event, Skip, document_from_dict
from tui.parsers import parse_file

Progress = Callable[[int, int, str], None]
Parsed = tuple[Document | Skip, bytes | None]


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


PARALLEL_PARSE_MIN = 2_000
RELINK_SHARED_TERMS = 2
# Documents handed to Whoosh between two steps of catalog work in a fresh build.
CATALOG_STEP_DOCS = 64
_CATALOG_BATCH = 500
# Articles and events an update links at or above which it searches a memory-mapped
# index: mapping copies the term files once (0.2-0.3 s at 100,000 events), then reads
# posting lists faster than files do (about 3 ms an article).
MAPPED_LINKING = 100


def _parse_one(archive: Path, path: str) -> Parsed:
    """Parse one file and make the catalog's stored form of it (in a worker process)."""
    result = parse_file(archive / path, archive)
    return result, stored_result(result)


def _parsed(change: Change, paths: list[str]) -> Iterator[tuple[str, Parsed]]:
    """Each path with its parse result, in order; in a process pool when it pays."""
    if change.procs <= 1 or len(paths) < PARALLEL_PARSE_MIN:
        for path in paths:
            yield path, (parse_file(change.archive / path, change.archive), None)
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
    if change.fresh or writer_args.get("procs", 1) > 1:
        # The catalog's rows are written while Whoosh indexes (in its writer processes,
        # for a large update), in a transaction committed after Whoosh's. A new
        # generation is nobody's until it is switched in; it gets its indexes last.
        with catalog.transaction():
            steps = _catalog_steps(catalog, change, plan, removed)
            whoosh_generation, words = _write_search_index(ix, change, plan, writer_args,
                                                           progress, len(to_parse), steps)
            for _ in steps:
                pass
            if change.fresh:
                catalog.create_indexes()
            _finish_catalog(ix, catalog, change, plan, words, whoosh_generation, report)
        return report
    whoosh_generation, words = _write_search_index(ix, change, plan, writer_args, progress,
                                                   len(to_parse), None)
    with catalog.transaction():
        for _ in _catalog_steps(catalog, change, plan, removed):
            pass
        _finish_catalog(ix, catalog, change, plan, words, whoosh_generation, report)
    return report


def _write_search_index(
    ix: Index,
    change: Change,
    plan: _Plan,
    writer_args: dict[str, Any],
    progress: Progress | None,
    parsed: int,
    steps: Iterator[None] | None,
) -> tuple[int, Counter[str]]:
    """Write and commit the Whoosh side; between documents, advance ``steps``."""
    total = parsed + len(plan.writes)
    words: Counter[str] = Counter()
    writer = ix.writer(**writer_args)
    try:
        for doc_id in plan.search_deletes:
            writer.delete_by_term("id", doc_id)
        add = writer.add_document if change.fresh else writer.update_document
        for done, doc in enumerate(plan.writes, parsed + 1):
            add(**whoosh_fields(doc))
            words.update(spelling_words(doc))
            if steps is not None and done % CATALOG_STEP_DOCS == 0:
                next(steps, None)
            if progress is not None:
                progress(done, total, doc.id)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return ix.latest_generation(), words


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CATALOG_BATCH):
        yield items[start:start + _CATALOG_BATCH]


def _catalog_steps(
    catalog: Catalog, change: Change, plan: _Plan, removed: list[str]
) -> Iterator[None]:
    """The catalog's share of an update, a batch of rows per step (same order as ever:
    removed files, parse results, events, then articles and day pages)."""
    for path in removed:
        catalog.delete_file(path)
    files = [(path, *change.files[path], result, plan.stored.get(path))
             for path, result in plan.results.items()]
    for batch in _batches(files):
        catalog.put_files(batch)
        yield
    catalog.delete_events(sorted(plan.gone_events))
    for batch in _batches(plan.events):
        catalog.put_events(batch)
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


def _finish_catalog(
    ix: Index,
    catalog: Catalog,
    change: Change,
    plan: _Plan,
    words: Counter[str],
    whoosh_generation: int,
    report: BuildReport,
) -> None:
    """Article links, stories, vocabulary and meta: the last of the catalog transaction."""
    articles = {doc.id: doc for doc in plan.fresh_docs if isinstance(doc, Article)}
    changed_events = [] if change.fresh else plan.retexted
    many = len(articles) + len(plan.relink) + len(changed_events) >= MAPPED_LINKING
    if change.fresh or not many or not isinstance(ix.storage, FileStorage):
        _link_articles(ix, catalog, articles, plan.relink, changed_events)
    else:
        mapped = FileStorage(ix.storage.folder).open_index(ix.indexname)
        try:
            _link_articles(mapped, catalog, articles, plan.relink, changed_events)
        finally:
            mapped.close()
    catalog.refresh_stories(None if change.fresh else plan.story_keys)
    catalog.add_words(words)
    report.counts = catalog.counts(None if change.fresh else skipped_after(catalog, plan))
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
