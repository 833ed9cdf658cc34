"""New documents written as Whoosh segments straight through Whoosh's codec.

Whoosh's own writer puts every posting through a pool (sized and checked as it enters,
sorted as whole tuples, pickled to disk when the pool is full) and, as it flushes,
reads each posting's field length back from the segment it has just written: most of
a full build's time at 100,000 events. A build has its documents at hand, so this
module gathers each term's postings in a dict as it analyses them, sorts each field's
terms once and hands the postings to the codec's field writer with the lengths read
once per document. It uses the codec API Whoosh documents (``Codec``,
``PerDocumentWriter``, ``FieldWriter``, ``PerDocumentReader``, ``Segment``), and the
segments join the index through the writer's documented ``commit(mergetype=...)``.
The segment holds what Whoosh's writer writes for the same documents
(tests/test_segments.py compares every term, posting, length, column and stored field).

The CLI's builds write their documents in shares, each a segment written by a forked
child (:func:`write_shares`); the app writes in its own process.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import select
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from whoosh.codec import default_codec
from whoosh.codec.base import Segment
from whoosh.fields import Schema
from whoosh.index import Index
from whoosh.writing import MERGE_SMALL, IndexWriter

from tui.index import forked

# Documents dealt to each share in turn, as Whoosh's multiprocessing writer deals them:
# every share holds the newest and the oldest documents alike (in the order given).
SHARE_CHUNK = 100
# How often a child counts the documents it has analysed, for the progress bar.
COUNT_EVERY = 64
# How long the parent waits on its children between two progress reports (seconds).
POLL_SECONDS = 0.2

FieldSets = Iterable[dict[str, Any]]
# A term's postings, gathered: document numbers, weights and encoded values (about 20
# bytes a posting, where a tuple each took over 120).
TermPostings = tuple[array, array, list[bytes]]


def _check_fields(schema: Schema) -> None:
    """Refuse fields this writer would not write as Whoosh does: term vectors and
    separate spelling fields (this project's schema has neither)."""
    for name, field in schema.items():
        if field.vector or field.separate_spelling():
            raise ValueError(f"field {name!r} has term vectors or a spelling field: "
                             "write it with Whoosh's own writer")


def write_segment(ix: Index, field_sets: FieldSets,
                  counted: Callable[[int], None] | None = None) -> Segment | None:
    """Write the documents (each the keyword arguments ``add_document`` would get) as a
    new segment of ``ix``, numbered in the order given; None when there are none.

    ``counted(n)`` is told every :data:`COUNT_EVERY` documents how many are analysed.
    The segment is not part of the index until :func:`commit_segments` adds it.
    """
    codec = default_codec()
    storage, schema = ix.storage, ix.schema
    _check_fields(schema)
    segment = codec.new_segment(storage, ix.indexname)
    perdoc = codec.per_document_writer(storage, segment)
    postings: dict[str, dict[bytes, TermPostings]] = {}
    docnum = 0
    try:
        for fields in field_sets:
            _add_document(perdoc, schema, postings, docnum, fields)
            docnum += 1
            if counted is not None and docnum % COUNT_EVERY == 0:
                counted(docnum)
    finally:
        perdoc.close()
    if counted is not None:
        counted(docnum)
    if not docnum:
        return None
    segment.set_doc_count(docnum)
    _write_postings(codec, storage, schema, segment, postings, docnum)
    if segment.should_assemble():
        segment.create_compound_file(storage)
    return segment


def _add_document(perdoc: Any, schema: Schema, postings: dict[str, dict[bytes, TermPostings]],
                  docnum: int, fields: dict[str, Any]) -> None:
    """What ``SegmentWriter.add_document`` does for one document, the postings kept by
    term instead of pooled."""
    names = sorted(name for name in fields if not name.startswith("_"))
    perdoc.start_doc(docnum)
    for name in names:
        value = fields[name]
        if value is None:
            continue
        field = schema[name]  # an unknown field raises KeyError, as Whoosh's does
        length = 0
        if field.indexed:
            # A field is started in the segment only once it has a term, as Whoosh's
            # writer starts only fields with postings.
            terms = postings.get(name) or {}
            scorable = field.scorable
            for tbytes, freq, weight, vbytes in field.index(value):
                if not terms:
                    terms = postings.setdefault(name, terms)
                plist = terms.get(tbytes)
                if plist is None:
                    plist = terms[tbytes] = (array("I"), array("d"), [])
                plist[0].append(docnum)
                plist[1].append(weight)
                plist[2].append(vbytes or b"")
                if scorable:
                    length += freq
        perdoc.add_field(name, field, value if field.stored else None, length)
        column = field.column_type
        if column:
            perdoc.add_column_value(name, column, field.to_column_value(value))
    perdoc.finish_doc()


def _write_postings(codec: Any, storage: Any, schema: Schema, segment: Segment,
                    postings: dict[str, dict[bytes, TermPostings]], doccount: int) -> None:
    """Every field's terms in order, each posting with its document's length in that
    field as the segment stores it (so block statistics match Whoosh's)."""
    lengths = codec.per_document_reader(storage, segment)
    try:
        stored_lengths = {
            name: [lengths.doc_field_length(docnum, name) or 0 for docnum in range(doccount)]
            for name in postings if schema[name].scorable
        }
    finally:
        lengths.close()
    writer = codec.field_writer(storage, segment)
    try:
        for name in sorted(postings):
            terms = postings[name]
            writer.start_field(name, schema[name])
            lens = stored_lengths.get(name)
            add = writer.add
            for tbytes in sorted(terms):
                writer.start_term(tbytes)
                docnums, weights, values = terms[tbytes]
                if lens is None:
                    for docnum, weight, vbytes in zip(docnums, weights, values, strict=True):
                        add(docnum, weight, vbytes, 0)
                else:
                    for docnum, weight, vbytes in zip(docnums, weights, values, strict=True):
                        add(docnum, weight, vbytes, lens[docnum])
                writer.finish_term()
            writer.finish_field()
    finally:
        writer.close()


def commit_segments(writer: IndexWriter, segments: Sequence[Segment]) -> None:
    """Commit ``writer`` (its deletions) with ``segments`` added to the index; small
    older segments are merged as Whoosh's default commit merges them."""
    added = [segment for segment in segments if segment is not None]
    writer.commit(mergetype=partial(_merged_with, added))


def _merged_with(added: list[Segment], writer: IndexWriter,
                 segments: list[Segment]) -> list[Segment]:
    return [*MERGE_SMALL(writer, segments), *added]


def shares(count: int, procs: int) -> list[list[int]]:
    """The positions ``0..count-1`` dealt into ``procs`` shares, :data:`SHARE_CHUNK` at
    a time (only non-empty shares)."""
    dealt: list[list[int]] = [[] for _ in range(max(procs, 1))]
    for start in range(0, count, SHARE_CHUNK):
        dealt[(start // SHARE_CHUNK) % len(dealt)].extend(
            range(start, min(start + SHARE_CHUNK, count)))
    return [share for share in dealt if share]


ShareWork = Callable[[list[int], Callable[[int], None] | None], tuple[Segment | None, Any]]


def write_shares(
    work: ShareWork,
    count: int,
    procs: int,
    meanwhile: Iterator[None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[Segment | None, Any]]:
    """Run ``work(positions, counted)`` for each share of ``count`` documents, in a
    forked child each (the CLI only), and return what each returned, in share order.

    While the children work, the parent runs ``meanwhile`` step by step and reports the
    documents analysed so far to ``progress``. A share whose child could not start,
    failed or died is written here instead (its files, if any, are left for the
    commit to clean up). Should the parent be interrupted (``progress`` may raise to
    cancel), every child is stopped first.
    """
    dealt = shares(count, procs)
    done = multiprocessing.RawArray("q", len(dealt))
    children: list[forked.Child | None] = []
    try:
        for slot, positions in enumerate(dealt):
            children.append(forked.start(partial(_child_share, work, positions, done, slot)))
        for _ in meanwhile or ():
            if progress is not None:
                progress(sum(done))
        results = []
        for slot, child in enumerate(children):
            while child is not None and not select.select([child[1]], [], [], POLL_SECONDS)[0]:
                if progress is not None:
                    progress(sum(done))
            children[slot] = None  # finished or stopped by ``finish``, either way
            found = _share_result(forked.finish(child))
            if found is None:
                found = work(dealt[slot], None)
            results.append(found)
            if progress is not None:
                progress(sum(done))
        return results
    except BaseException:
        for child in children:
            forked.stop(child)
        raise


def _child_share(work: ShareWork, positions: list[int], done: Any, slot: int) -> bytes:
    # Millions of postings but no reference cycles: the collector would walk them again
    # and again (about a tenth of the CPU) and touch, so copy, the parent's pages. The
    # child ends when its share is written; a process writing in its own (the app) keeps
    # its collector as it is.
    gc.disable()

    def counted(n: int) -> None:
        done[slot] = n

    return pickle.dumps(work(positions, counted), protocol=pickle.HIGHEST_PROTOCOL)


def _share_result(data: bytes | None) -> tuple[Segment | None, Any] | None:
    """A child's (segment, extra), or None when it failed or its answer is broken."""
    found = forked.unpickled(data)
    if not (isinstance(found, tuple) and len(found) == 2
            and (found[0] is None or isinstance(found[0], Segment))):
        return None
    return found

