"""The Whoosh side of a build: documents deleted, written and committed.

A fresh build and a large update write their documents as new segments straight
through Whoosh's codec (:mod:`tui.index.segments`), in forked children when the CLI
asks for more than one process, while this process fills the catalog. A small
update goes through Whoosh's own writer, document by document, which also merges the
index's small segments as it commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from whoosh.codec.base import Segment
from whoosh.index import Index

from tui.index.documents import spelling_words, whoosh_fields
from tui.index.report import Progress
from tui.index.segments import commit_segments, write_segment, write_shares
from tui.index.update_plan import Change, Plan
from tui.model import Document

# The label the progress bar shows while documents are written.
WRITING = "search index"


def write_search_index(
    ix: Index,
    change: Change,
    plan: Plan,
    writer_args: dict[str, Any],
    progress: Progress | None,
    parsed: int,
    steps: Iterator[None] | None,
) -> tuple[int, Counter[str]]:
    """Write and commit the Whoosh side, running the catalog's ``steps`` meanwhile;
    the new Whoosh generation and the written documents' words, counted."""
    procs = int(writer_args.get("procs", 1))
    if change.fresh or procs > 1:
        return _write_segments(ix, change, plan, procs, progress, parsed, steps)
    total = parsed + len(plan.writes)
    words: Counter[str] = Counter()
    writer = ix.writer(**writer_args)
    try:
        for doc_id in plan.search_deletes:
            writer.delete_by_term("id", doc_id)
        new = _without_older_copy(change, plan)
        for done, doc in enumerate(plan.writes, parsed + 1):
            if doc.id in new:
                writer.add_document(**whoosh_fields(doc))
            else:
                writer.update_document(**whoosh_fields(doc))
            words.update(spelling_words(doc))
            if progress is not None:
                progress(done, total, doc.id)
        for _ in steps or ():
            pass
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return ix.latest_generation(), words


def _without_older_copy(change: Change, plan: Plan) -> set[str]:
    """The written documents no segment can hold an older copy of: those the catalog
    did not hold, when it is in step with Whoosh. Looking for an older copy (deleting by
    id) reads every segment's ids, so it is skipped for them."""
    return plan.new_ids if change.in_step else set()


def _write_segments(
    ix: Index,
    change: Change,
    plan: Plan,
    procs: int,
    progress: Progress | None,
    parsed: int,
    steps: Iterator[None] | None,
) -> tuple[int, Counter[str]]:
    """The documents written as new segments, one per process, and committed with the
    update's deletions (an older copy of each rewritten document among them)."""
    writes = plan.writes
    total = parsed + len(writes)

    def analysed(count: int) -> None:
        if progress is not None:
            progress(parsed + count, total, WRITING)

    writer = ix.writer()  # holds Whoosh's lock while the segments are written
    try:
        if not change.fresh:
            new = _without_older_copy(change, plan)
            for doc_id in [*plan.search_deletes,
                           *(doc.id for doc in writes if doc.id not in new)]:
                writer.delete_by_term("id", doc_id)
        work = partial(_share_segment, ix, writes)
        if procs > 1:
            found = write_shares(work, len(writes), procs, steps, analysed)
        else:
            found = [work(list(range(len(writes))), analysed)]
            for _ in steps or ():
                pass
        words: Counter[str] = Counter()
        for _, share_words in found:
            words.update(share_words)
        commit_segments(writer, [segment for segment, _ in found if segment is not None])
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    return ix.latest_generation(), words


def _share_segment(ix: Index, writes: list[Document], positions: list[int],
                   counted: Callable[[int], None] | None) -> tuple[Segment | None, Counter[str]]:
    """The documents at ``positions`` as one new segment, and their words, counted."""
    words: Counter[str] = Counter()

    def field_sets() -> Iterator[dict[str, Any]]:
        for position in positions:
            doc = writes[position]
            words.update(spelling_words(doc))
            yield whoosh_fields(doc)

    return write_segment(ix, field_sets(), counted), words
