"""The SQLite catalog: what it stores and how it resolves links."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tui.index.catalog import Catalog, event_headline_keys, event_num
from tui.index.catalog_layout import target_hash, title_hash, url_hash
from tui.model import Article, DayPage, Event, RelatedLink, Skip, Source


def make_event(**changes: object) -> Event:
    values: dict[str, object] = {
        "id": "news/2011/11/12/kazakh-attack.md",
        "date": date(2011, 11, 12),
        "headline": "A suspected Islamist attacker kills seven people in Taraz.",
        "summary": "Seven people are killed.",
        "sources": [Source("AFP", "http://afp.example/1")],
        "related": [RelatedLink("Peace talks in Astana.", "news/2017/01/23/peace.md",
                                ["Kazakhstan"])],
        "story": "Islamic terrorism",
        "topics": ["Kazakhstan", "Islamists"],
        "aliases": ["news/2011/11/12/kazakh-pattack.md"],
    }
    values.update(changes)
    return Event(**values)  # type: ignore[arg-type]


@pytest.fixture()
def catalog(tmp_path: Path) -> Catalog:
    cat = Catalog(tmp_path / "catalog.sqlite", create=True)
    yield cat
    cat.close()


def test_missing_catalog_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Catalog(tmp_path / "nothing.sqlite")


def test_event_round_trip_and_resolution(catalog: Catalog) -> None:
    event = make_event()
    with catalog.transaction():
        catalog.put_event(event, 0)
    assert catalog.resolve_id(event.id) == event.id
    assert catalog.resolve_id("news/2011/11/12/kazakh-pattack.md") == event.id
    assert catalog.resolve_id("news/2011/11/12/other.md") is None
    assert catalog.resolve_headline("2011-11-12", "A suspected Islamist attacker kills "
                                    "seven people in Taraz ") == event.id
    assert catalog.resolve_headline("2011-11-13", event.headline) is None
    assert catalog.event_ids_with_source_url("http://afp.example/1") == [event.id]
    assert catalog.event_ids_on("2011-11-12") == [event.id]
    assert '"Taraz' not in (catalog.event_json(event.id) or "") and event.id in (
        catalog.event_json(event.id) or "")


def test_headline_keys_include_story_prefixed_form() -> None:
    keys = event_headline_keys(make_event(story="Syrian uprising", headline="Opposition gains."))
    assert "oppositiongains" in keys and "syrianuprisingoppositiongains" in keys


def test_put_event_replaces_and_delete_removes_everything(catalog: Catalog) -> None:
    with catalog.transaction():
        catalog.put_event(make_event(), 0)
        catalog.put_event(make_event(topics=["Taraz"], aliases=[]), 0)
    rows = catalog.conn.execute("SELECT topic FROM topics").fetchall()
    assert [row[0] for row in rows] == ["Taraz"]
    assert catalog.resolve_id("news/2011/11/12/kazakh-pattack.md") is None
    with catalog.transaction():
        catalog.delete_event(make_event().id)
    for table in ("events", "event_nums", "aliases", "headline_keys", "related_keys", "topics",
                  "source_urls"):
        assert catalog.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_transaction_rolls_back_on_error(catalog: Catalog) -> None:
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.put_event(make_event(), 0)
        raise RuntimeError("crash")
    assert catalog.event_ids_on("2011-11-12") == []


def test_files_parse_results_and_counts(catalog: Catalog) -> None:
    page = DayPage("news/2011/11/12/index.md", date(2011, 11, 12))
    article = Article("a.txt", "Title", ["One."], url="http://x")
    with catalog.transaction():
        catalog.put_file(make_event().id, 5, 10, make_event())
        catalog.put_file(page.id, 6, 11, page)
        catalog.put_file("bad.md", 7, 0, Skip("bad.md", "empty file"))
        catalog.put_file("a.txt", 8, 12, article)
        catalog.put_article(article)
        catalog.put_day_page(page)
        catalog.put_event(make_event(), 0)
        catalog.set_article_links("a.txt", [(make_event().id, "similar text", 0.5)])
        catalog.refresh_stories()
    assert catalog.file_states()["bad.md"] == (7, 0)
    parsed = catalog.parsed_on("2011-11-12")
    assert {doc.kind for doc in parsed} == {"event", "day"}
    assert catalog.skips() == [Skip("bad.md", "empty file")]
    assert catalog.counts() == {"event": 1, "article": 1, "day": 1, "skipped": 1}
    assert catalog.articles_linked_to([make_event().id]) == {"a.txt"}
    assert catalog.unlinked_article_ids() == []
    assert catalog.conn.execute("SELECT story, events FROM stories").fetchall()[0][1] == 1
    with catalog.transaction():
        catalog.delete_article("a.txt")
        catalog.delete_day_page(page.id)
        catalog.delete_file("bad.md")
    assert catalog.counts() == {"event": 1, "article": 0, "day": 0, "skipped": 0}


def test_stored_parse_results_are_compressed_and_round_trip(catalog: Catalog) -> None:
    event = make_event(summary="Seven people are killed. " * 40)
    with catalog.transaction():
        catalog.put_file(event.id, 5, 10, event)
    blob = catalog.conn.execute("SELECT result FROM parse_results").fetchone()[0]
    assert isinstance(blob, bytes) and len(blob) < len(json.dumps(event.to_dict()))
    assert catalog.parsed_on("2011-11-12") == [event]


def test_linked_from_by_id_alias_and_dated_title(catalog: Catalog) -> None:
    target = make_event()
    by_id = make_event(id="news/2011/11/20/a.md", date=date(2011, 11, 20), aliases=[],
                       related=[RelatedLink("x", target.id)])
    by_alias = make_event(id="news/2011/11/21/b.md", date=date(2011, 11, 21), aliases=[],
                          related=[RelatedLink("x", "news/2011/11/12/kazakh-pattack.md")])
    by_title = make_event(id="news/2011/11/22/c.md", date=date(2011, 11, 22), aliases=[],
                          related=[RelatedLink("Islamic terrorism: " + target.headline,
                                               "news/2011/11/12/other-slug.md")])
    wrong_day = make_event(id="news/2011/11/23/d.md", date=date(2011, 11, 23), aliases=[],
                           related=[RelatedLink(target.headline, "news/2011/11/13/x.md")])
    with catalog.transaction():
        catalog.put_events([(e, 0, None) for e in (target, by_id, by_alias, by_title, wrong_day)])
    assert catalog.linking_to(target) == [by_id.id, by_alias.id, by_title.id]


def test_hash_collisions_never_answer_wrongly(catalog: Catalog) -> None:
    """A lookup table row naming the wrong event (as a 64-bit collision would) is ignored."""
    target = make_event()
    other = make_event(id="news/2011/11/20/other.md", date=date(2011, 11, 20), aliases=[],
                       headline="Unrelated.", sources=[], related=[])
    with catalog.transaction():
        catalog.put_events([(target, 0, None), (other, 0, None)])
    num = event_num(other.id)
    for table, key in (("related_keys", target_hash(target.id)),
                       ("headline_keys", title_hash("2011-11-12", "peacetalks")),
                       ("source_urls", url_hash("http://afp.example/1"))):
        catalog.conn.execute(f"INSERT INTO {table} VALUES (?, ?)", (key, num))
    assert catalog.linking_to(target) == []
    assert catalog.resolve_headline("2011-11-12", "Peace talks") is None
    assert catalog.event_ids_with_source_url("http://afp.example/1") == [target.id]


def test_repeated_event_id_in_a_fresh_catalog_keeps_the_last(catalog: Catalog) -> None:
    with catalog.transaction():
        catalog.put_events([(make_event(), 0, None)])
        catalog.put_events([(make_event(topics=["Taraz"], aliases=[]), 1, None)])
    assert [r[0] for r in catalog.conn.execute("SELECT topic FROM topics")] == ["Taraz"]
    assert catalog.resolve_id("news/2011/11/12/kazakh-pattack.md") is None
    assert catalog.conn.execute("SELECT seq FROM events").fetchall()[0][0] == 1


def test_refreshing_some_stories_matches_a_full_recount(catalog: Catalog) -> None:
    events = [make_event(id=f"news/2011/11/12/{n}.md", story=story, aliases=[])
              for n, story in enumerate(["War", "war ", "Peace", "Floods"])]
    with catalog.transaction():
        catalog.put_events([(e, n, None) for n, e in enumerate(events)])
        catalog.refresh_stories()
        catalog.delete_event(events[3].id)
        catalog.put_event(make_event(id=events[2].id, story="Floods", aliases=[]), 2)
        catalog.refresh_stories(["peace", "floods"])
    partial = sorted(tuple(row) for row in catalog.conn.execute("SELECT * FROM stories"))
    with catalog.transaction():
        catalog.refresh_stories()
    assert partial == sorted(tuple(row) for row in catalog.conn.execute("SELECT * FROM stories"))
    assert partial == [("floods", "Floods", 1), ("war", "War", 2)]


def test_to_json_is_json_dumps_without_ascii_escapes() -> None:
    from tui.index.catalog_layout import to_json

    data = {"id": "é\u2028\"x\"", "n": [1, None, True, {"k": "\ud83d"}], "kind": "event"}
    assert to_json(data) == json.dumps(data, ensure_ascii=False)


def test_meta_reads_all_or_only_the_keys_asked(catalog: Catalog) -> None:
    catalog.set_meta(built_at="1", whoosh_generation="7", archive="/a")
    assert catalog.meta("whoosh_generation", "built_at", "absent") == {
        "whoosh_generation": "7", "built_at": "1"}
    assert {"built_at", "whoosh_generation", "archive"} <= set(catalog.meta())
