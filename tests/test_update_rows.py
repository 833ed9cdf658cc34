"""An update's catalog writes: an event's rows found again by its stored version, the
states updates compare events with, counts kept without counting, and catalogs an
older Chronicle left (other indexes, no event states) brought up to date.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest
from test_build_equivalence import catalog_rows

import tui.index.update as update
from tui.index.builder import build_index
from tui.index.catalog import CATALOG_NAME, Catalog
from tui.index.catalog_events import EVENT_STATES_AT, event_digest
from tui.index.catalog_layout import RETIRED_INDEXES
from tui.index.catalog_reads import LINK_BASES_AT
from tui.index.store import current_generation

PAGE = """### [2011-11-{day}](/news/2011/11/{day}/index.md)

# {headline}

{headline} More words about it.

### Source:

{sources}

### Related:

{related}

### Changes:

{changes}
"""


def write_event(root: Path, day: str, slug: str, headline: str, sources: list[str],
                related: list[tuple[str, str]], changes: list[str]) -> str:
    rel = f"news/2011/11/{day}/{slug}.md"
    text = PAGE.format(
        day=day, headline=headline,
        sources="\n".join(f"{n}. [Paper {n}]({url})" for n, url in enumerate(sources, 1)),
        related="\n".join(f"{n}. [ {title} ](/{target}) _Context: {title.split()[0]}, Norway_"
                          for n, (title, target) in enumerate(related, 1)),
        changes="\n".join(f"{n}. [Earlier]({'/' + alias})" for n, alias in enumerate(changes, 1)))
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return rel


def archive_v1(root: Path) -> None:
    write_event(root, "12", "ferry-sinks", "A ferry sinks off Bergen.",
                ["http://a.example/ferry", "http://b.example/ferry"],
                [("Storm hits Bergen.", "news/2011/11/11/storm-hits-bergen.md"),
                 ("Rescue boats called.", "news/2011/11/12/rescue.md")],
                ["news/2011/11/12/ferry-sinks-off-bergen.md"])
    write_event(root, "11", "storm-hits-bergen", "Storm hits Bergen.",
                ["http://a.example/storm"], [], [])
    write_event(root, "13", "roads-close", "Roads close in Voss.",
                ["http://c.example/roads"],
                [("Storm hits Bergen.", "news/2011/11/11/storm-hits-bergen.md")], [])


def catalog_at(index: Path) -> Catalog:
    generation = current_generation(index)
    assert generation is not None
    return Catalog(generation / CATALOG_NAME)


def test_an_events_old_rows_go_when_it_changes(tmp_path: Path) -> None:
    """Every lookup row of an event's old version (sources, related links, topics,
    aliases, headline keys) leaves with it: the catalog is a full build's."""
    archive = tmp_path / "archive"
    archive_v1(archive)
    build_index(archive, tmp_path / "updated")
    write_event(archive, "12", "ferry-sinks", "A ferry capsizes near Bergen.",
                ["http://d.example/ferry"],
                [("Roads close in Voss.", "news/2011/11/13/roads-close.md")],
                ["news/2011/11/12/ferry-capsizes.md"])
    (archive / "news/2011/11/13/roads-close.md").unlink()
    report = build_index(archive, tmp_path / "updated")
    assert not report.full and report.changed and report.removed
    fresh = build_index(archive, tmp_path / "fresh")
    assert report.counts == fresh.counts
    assert catalog_rows(tmp_path / "updated") == catalog_rows(tmp_path / "fresh")


def test_an_unreadable_stored_event_still_loses_its_rows(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive_v1(archive)
    build_index(archive, tmp_path / "updated")
    catalog = catalog_at(tmp_path / "updated")
    try:
        catalog.conn.execute("UPDATE events SET json = '{not json' WHERE id = ?",
                             ("news/2011/11/12/ferry-sinks.md",))
    finally:
        catalog.close()
    write_event(archive, "12", "ferry-sinks", "A ferry capsizes near Bergen.",
                ["http://d.example/ferry"], [], [])
    build_index(archive, tmp_path / "updated")
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(tmp_path / "updated") == catalog_rows(tmp_path / "fresh")


def test_event_states_follow_the_events(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive_v1(archive)
    index = tmp_path / "index"
    build_index(archive, index)
    write_event(archive, "12", "a-bridge-opens", "A bridge opens in Bergen.",
                ["http://e.example/bridge"], [], [])  # moves the ferry within its day
    build_index(archive, index)
    catalog = catalog_at(index)
    try:
        events = catalog.conn.execute("SELECT id, seq, json, story FROM events").fetchall()
        states = catalog.event_states(row[0] for row in events)
        assert states == {event_id: (seq, event_digest(data), story)
                          for event_id, seq, data, story in events}
        assert catalog.event_states_current()
    finally:
        catalog.close()


def make_older(index: Path) -> None:
    """The catalog as an older Chronicle left it: indexes by event, no event states,
    none of this Chronicle's meta marks."""
    catalog = catalog_at(index)
    try:
        db = catalog.conn
        db.execute("DROP TABLE event_states")
        db.execute("DELETE FROM meta WHERE key IN (?, ?)", (EVENT_STATES_AT, LINK_BASES_AT))
        db.execute("CREATE INDEX aliases_event ON aliases (event_id)")
        db.execute("CREATE INDEX topics_event ON topics (event_id)")
        for table in ("headline_keys", "related_keys", "source_urls"):
            db.execute(f"CREATE INDEX {table}_event ON {table} (num)")
    finally:
        catalog.close()


def test_an_older_catalog_is_brought_up_to_date(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive_v1(archive)
    index = tmp_path / "index"
    build_index(archive, index)
    make_older(index)
    write_event(archive, "12", "ferry-sinks", "A ferry capsizes near Bergen.",
                ["http://d.example/ferry"], [], [])
    report = build_index(archive, index)
    assert not report.full
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(index) == catalog_rows(tmp_path / "fresh")
    catalog = catalog_at(index)
    try:
        names = {row[0] for row in catalog.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert not names & set(RETIRED_INDEXES)
        assert catalog.event_states_current() and catalog.link_bases_complete()
    finally:
        catalog.close()


def test_states_an_older_chronicle_left_behind_are_made_again(tmp_path: Path) -> None:
    """An update by a Chronicle that does not keep event states leaves them stale: the
    next update makes them again before comparing, and the catalog is a full build's."""
    archive = tmp_path / "archive"
    archive_v1(archive)
    index = tmp_path / "index"
    build_index(archive, index)
    catalog = catalog_at(index)
    try:  # what such an update does: the event changes, its state stays
        with catalog.transaction():
            catalog.conn.execute("UPDATE events SET json = replace(json, 'Bergen', 'Molde')")
            catalog.set_meta(whoosh_generation=int(catalog.meta()["whoosh_generation"]) + 1)
        assert not catalog.event_states_current()
        catalog.refresh_event_states()
        assert catalog.event_states_current()
        events = catalog.conn.execute("SELECT id, json FROM events").fetchall()
        states = catalog.event_states(row[0] for row in events)
        assert all(states[event_id][1] == event_digest(data) for event_id, data in events)
    finally:
        catalog.close()


@pytest.mark.parametrize("extra", [0, 3])
def test_counts_after_an_update_are_counted_ones(tmp_path: Path, extra: int) -> None:
    archive = tmp_path / "archive"
    archive_v1(archive)
    index = tmp_path / "index"
    build_index(archive, index)
    for n in range(extra):
        write_event(archive, "14", f"event-{n}", f"Event number {n} happens.",
                    [f"http://x.example/{n}"], [], [])
    (archive / "news/2011/11/11/storm-hits-bergen.md").unlink()
    report = build_index(archive, index)
    catalog = catalog_at(index)
    try:
        assert report.counts == catalog.counts()
    finally:
        catalog.close()


def test_a_fresh_catalog_keeps_no_index_by_event(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive_v1(archive)
    build_index(archive, tmp_path / "index")
    generation = current_generation(tmp_path / "index")
    assert generation is not None
    db = sqlite3.connect(generation / CATALOG_NAME)
    try:
        names = {row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        meta = dict(db.execute("SELECT key, value FROM meta"))
    finally:
        db.close()
    assert not names & set(RETIRED_INDEXES)
    assert meta[EVENT_STATES_AT] == meta[LINK_BASES_AT] == meta["whoosh_generation"]


class _BrokenPickle:
    """Stands in for ``pickle`` in ``update``: the forked child cannot send its files."""

    loads = staticmethod(pickle.loads)
    HIGHEST_PROTOCOL = pickle.HIGHEST_PROTOCOL

    @staticmethod
    def dumps(value: object, protocol: int | None = None) -> bytes:
        raise ValueError("the child cannot write")


@pytest.mark.parametrize("child_fails", [False, True])
def test_files_parsed_half_in_a_child_give_the_same_catalog(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_fails: bool) -> None:
    archive = tmp_path / "archive"
    archive_v1(archive)
    build_index(archive, tmp_path / "updated", procs=2)
    for n in range(6):
        write_event(archive, "14", f"event-{n}", f"Event number {n} happens in Oslo.",
                    [f"http://x.example/{n}"],
                    [("Storm hits Bergen.", "news/2011/11/11/storm-hits-bergen.md")], [])
    monkeypatch.setattr(update, "FORKED_PARSE_MIN", 2)
    if child_fails:
        monkeypatch.setattr(update, "pickle", _BrokenPickle)
    report = build_index(archive, tmp_path / "updated", procs=2)
    assert len(report.parsed) == 6 and not report.full
    monkeypatch.undo()
    build_index(archive, tmp_path / "fresh")
    assert catalog_rows(tmp_path / "updated") == catalog_rows(tmp_path / "fresh")


def test_a_cancelled_parse_stops_its_child_instead_of_waiting(tmp_path: Path, seeds_dir: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """Closing the parse early (a cancelled build, Ctrl-C) kills the child parsing the
    second half: its result is not wanted, and the cancel must not wait for it."""
    import tui.index.forked as forked

    archive = tmp_path / "archive"
    archive.mkdir()
    for number in range(4):
        (archive / f"{number}.txt").write_text((seeds_dir / "000_ff699fc5e1eaf1b9.txt")
                                               .read_text(encoding="utf-8"), encoding="utf-8")
    stopped: list[object] = []
    real_stop = forked.stop
    monkeypatch.setattr(forked, "stop", lambda child: (stopped.append(child), real_stop(child)))
    monkeypatch.setattr(forked, "finish", lambda child: pytest.fail("waited for the child"))
    parsed = update._parsed_with_child(archive, [f"{n}.txt" for n in range(4)])
    assert next(parsed)[0] == "0.txt"
    parsed.close()
    assert len(stopped) == 1 and stopped[0] is not None
