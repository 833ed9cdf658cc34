"""The SQLite catalog: what it stores and how it resolves links."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tui.index.catalog import Catalog, event_headline_keys
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
    for table in ("events", "aliases", "headline_keys", "related", "topics", "source_urls"):
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
