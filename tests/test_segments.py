"""Segments written straight through Whoosh's codec hold what Whoosh's writer writes.

The files are compared byte for byte, so every term, posting, block statistic, field
length, column and stored field of the two is the same.
"""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.fields import TEXT, Schema
from whoosh.index import Index
from whoosh.qparser import QueryParser

import tui.index.segments as segments
from tui.index.schema import build_schema
from tui.index.segments import commit_segments, shares, write_segment, write_shares

WORDS = [f"w{n}" for n in range(300)] + ["Zürich", "naïve", "EU", "UN", "the", "of"]


def field_sets(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """Documents as ``add_document`` gets them: common words in more than one block
    (over 128 postings), missing and empty-valued fields, repeated keywords, dates."""
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        body = " ".join(rng.choice(WORDS[: rng.randint(5, len(WORDS))])
                        for _ in range(rng.randint(1, 80)))
        doc: dict[str, Any] = {
            "kind": rng.choice(["event", "article", "day"]),
            "id": f"news/{n}.md",
            "headline": " ".join(rng.sample(WORDS, 4)),
            "body": body,
            "story": f"Story {rng.choice(WORDS)}",
            "topic_text": "Armed conflicts\nPolitics",
            "stories": "Arab Spring,2011 Syrian uprising",
            "topics": rng.choice(["politics,conflict", "politics", "sport,politics"]),
            "publisher": rng.choice(["AFP", "BBC News", "Reuters"]),
            "url": f"http://example.org/{n}",
            "date": datetime(2000 + n % 20, 1 + n % 12, 1 + n % 28),
        }
        if n % 7 == 0:
            del doc["story"], doc["stories"]
        if n % 11 == 0:
            doc["date"] = None
        docs.append(doc)
    return docs


def segment_files(ix: Index) -> list[dict[str, bytes]]:
    """Each segment's files by extension (segment ids are random)."""
    found = []
    for segment in ix._segments():
        storage = segment.open_compound_file(ix.storage)
        found.append({name.replace(segment.segment_id(), ""): storage.open_file(name).read()
                      for name in storage.list()})
    return found


def whoosh_written(folder: Path, docs: list[dict[str, Any]]) -> Index:
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ix.writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return ix


def new_index(folder: Path, schema: Schema | None = None) -> Index:
    folder.mkdir()
    return whoosh_index.create_in(str(folder), schema or build_schema())


def without_terms(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents with fields that have a value but no term in any of them (stop
    words only, or empty): Whoosh's writer never starts such a field."""
    return [{**doc, "publisher": "the of", "story": "and", "topic_text": ""} for doc in docs]


@pytest.mark.parametrize("shape", ["usual", "fields without terms"])
def test_segment_files_match_whoosh_writer_byte_for_byte(tmp_path: Path, shape: str) -> None:
    docs = field_sets(400) if shape == "usual" else without_terms(field_sets(150))
    (tmp_path / "whoosh").mkdir()
    expected = segment_files(whoosh_written(tmp_path / "whoosh", docs))
    ix = new_index(tmp_path / "direct")
    commit_segments(ix.writer(), [write_segment(ix, docs)])
    found = segment_files(ix)
    assert len(found) == 1 and sorted(found[0]) == sorted(expected[0])
    assert {".pst", ".trm", "._body_len.col", "._stored.col", ".date.col"} <= set(found[0])
    with ix.reader() as reader:
        assert ("publisher" in reader.indexed_field_names()) == (shape == "usual")
    for name, data in expected[0].items():
        assert found[0][name] == data, name


def test_segments_join_an_index_with_deletions(tmp_path: Path) -> None:
    docs = field_sets(60)
    ix = new_index(tmp_path / "index")
    commit_segments(ix.writer(), [write_segment(ix, docs[:30])])
    writer = ix.writer()
    writer.delete_by_term("id", "news/3.md")
    commit_segments(writer, [write_segment(ix, docs[30:45]), write_segment(ix, docs[45:])])
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 59
        ids = {fields["id"] for fields in searcher.all_stored_fields()}
        assert ids == {doc["id"] for doc in docs} - {"news/3.md"}
        query = QueryParser("body", ix.schema).parse(docs[50]["headline"].split()[0])
        assert searcher.search(query, limit=None).scored_length() >= 1
        assert searcher.document(id="news/50.md")["headline"] == docs[50]["headline"]


def test_no_documents_make_no_segment(tmp_path: Path) -> None:
    ix = new_index(tmp_path / "index")
    counted: list[int] = []
    assert write_segment(ix, [], counted.append) is None
    assert counted == [0]


def test_fields_written_otherwise_are_refused(tmp_path: Path) -> None:
    ix = new_index(tmp_path / "index", Schema(text=TEXT(vector=True)))
    with pytest.raises(ValueError, match="'text'"):
        write_segment(ix, [{"text": "hello"}])


def test_documents_are_dealt_a_chunk_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segments, "SHARE_CHUNK", 3)
    assert shares(10, 2) == [[0, 1, 2, 6, 7, 8], [3, 4, 5, 9]]
    assert shares(4, 3) == [[0, 1, 2], [3]]
    assert shares(0, 2) == []


def _share_docs(tmp_path: Path) -> tuple[Index, list[dict[str, Any]]]:
    return new_index(tmp_path / "index"), field_sets(250)


def test_shares_are_written_in_children(tmp_path: Path) -> None:
    ix, docs = _share_docs(tmp_path)
    parent = os.getpid()
    steps_run: list[int] = []
    progress: list[int] = []

    def work(positions: list[int], counted: Any) -> tuple[Segment | None, Any]:
        return write_segment(ix, [docs[p] for p in positions], counted), os.getpid()

    def steps() -> Any:
        for step in range(3):
            steps_run.append(step)
            yield

    found = write_shares(work, len(docs), 2, steps(), progress.append)
    assert [pid != parent for _, pid in found] == [True, True]
    assert steps_run == [0, 1, 2] and progress[-1] == len(docs)
    commit_segments(ix.writer(), [segment for segment, _ in found])
    with ix.searcher() as searcher:
        ids = [fields["id"] for fields in searcher.all_stored_fields()]
    dealt = shares(len(docs), 2)
    assert ids == [docs[p]["id"] for share in dealt for p in share]


def test_a_failed_child_share_is_written_by_the_parent(tmp_path: Path) -> None:
    ix, docs = _share_docs(tmp_path)
    parent = os.getpid()

    def work(positions: list[int], counted: Any) -> tuple[Segment | None, Any]:
        if os.getpid() != parent and positions[0] == 0:
            raise RuntimeError("child failed")
        return write_segment(ix, [docs[p] for p in positions], counted), os.getpid()

    found = write_shares(work, len(docs), 2, None, None)
    assert found[0][1] == parent and found[1][1] != parent
    commit_segments(ix.writer(), [segment for segment, _ in found])
    with ix.searcher() as searcher:
        assert searcher.doc_count() == len(docs)


def test_cancelling_stops_the_children(tmp_path: Path) -> None:
    ix, docs = _share_docs(tmp_path)
    pids: list[int] = []
    finished = tmp_path / "finished"

    def work(positions: list[int], counted: Any) -> tuple[Segment | None, Any]:
        counted(1)
        time.sleep(30)
        finished.touch()  # only a child left running gets here
        return None, None

    def cancel(done: int) -> None:
        pids.extend(_children())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_shares(work, len(docs), 2, None, cancel)
    assert len(pids) == 2
    assert not any(os.path.exists(f"/proc/{pid}") for pid in pids)  # stopped and reaped
    assert not finished.exists()


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _interrupt_after(seconds: float) -> None:
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def test_an_interrupted_finish_stops_its_child() -> None:
    from tui.index import forked

    child = forked.start(lambda: time.sleep(30) or b"late")
    assert child is not None
    previous = signal.getsignal(signal.SIGALRM)
    try:
        _interrupt_after(0.3)
        with pytest.raises(KeyboardInterrupt):  # the interruption, not a closed-pipe error
            forked.finish(child)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not os.path.exists(f"/proc/{child[0]}")  # killed and reaped
    forked.stop(child)  # a second stop of the same child is harmless


def test_an_interrupted_write_stops_every_child(tmp_path: Path) -> None:
    ix, docs = _share_docs(tmp_path)
    pids: list[int] = []

    def work(positions: list[int], counted: Any) -> tuple[Segment | None, Any]:
        time.sleep(30)
        return None, None

    def note_children(done: int) -> None:
        pids.extend(pid for pid in _children() if pid not in pids)

    previous = signal.getsignal(signal.SIGALRM)
    try:
        _interrupt_after(0.5)
        with pytest.raises(KeyboardInterrupt):
            write_shares(work, len(docs), 2, None, note_children)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert len(pids) == 2
    assert not any(os.path.exists(f"/proc/{pid}") for pid in pids)


def _children() -> list[int]:
    return [int(name) for name in os.listdir("/proc")
            if name.isdigit() and _parent_of(int(name)) == os.getpid()]
