"""An update links again only the articles its changed events could link differently,
and leaves every article linked as a full build of the same archive links it.

Each case builds an archive, changes it, updates the index and builds a fresh index
of the changed archive: the links must agree, and the update must have linked again
exactly the articles the change concerns (recorded from ``ArticleLinker.links``).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

import tui.index.articles as articles
from tui.index.articles import ArticleLinker, TermCounter
from tui.index.builder import build_index
from tui.index.catalog import CATALOG_NAME, Catalog, event_num
from tui.index.catalog_reads import LINK_BASES_AT
from tui.index.relinking import LinkBasis, indexed_terms
from tui.index.schema import stemming
from tui.index.store import current_generation
from tui.model import Event
from tui.parsers import parse_file

FLOOD = ("The river Vosso bursts its banks after a week of rain, flooding Voss and Bolstad; "
         "the ferry to Evanger stops and farmers move their sheep to the Raundal hills.")
FLOOD_TEXT = [
    "Rain fell on Voss for a seventh day and the river Vosso burst its banks on Sunday, "
    "flooding the centre of Voss and the farms around Bolstad.",
    "The ferry to Evanger stopped running. Farmers in the Raundal valley moved their sheep "
    "to the hills as the water rose, and the river Vosso kept rising through the night.",
]
CHESS = ("A chess club in Tromso wins the national team championship for the first time, "
         "beating Oslo in the final round.")
CHESS_TEXT = ("The Tromso chess club celebrates after its team beat Oslo in the last round "
              "of the national championship, a first for the northern city.")
BRIDGE_TEXT = ["Engineers finished the Hardanger suspension span between Ulvik and Eidfjord, "
               "and the ferry queues at Brimnes are over, the road office said."]
NOISE = " ".join(f"zq{n}x" for n in range(1500))

Links = set[tuple[str, str, str]]


def write_event(root: Path, day: str, slug: str, headline: str, summary: str,
                url: str | None = None) -> str:
    year, month, number = day.split("-")
    path = root / "news" / year / month / str(int(number)) / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"### [{day}](/news/{year}/{month}/{int(number)}/index.md)\n\n# {headline}\n\n"
        f"{summary}\n\n### Source:\n\n1. [NRK]({url or f'http://nrk.example/{slug}'})\n",
        encoding="utf-8")
    return path.relative_to(root).as_posix()


def write_article(root: Path, name: str, title: str, paragraphs: list[str],
                  **meta: str) -> str:
    fields = "".join(f"{key}: {value}\n" for key, value in {"title": title, **meta}.items())
    (root / name).write_text(f"---\n{fields}---\n\n" + "\n\n".join(paragraphs) + "\n",
                             encoding="utf-8")
    return name


def flood_copies(root: Path, count: int = 3) -> list[str]:
    """The flood article several times over: every word of it is then in three
    documents, so no event changes which of its words count (none is ``watched``)."""
    return [write_article(root, f"flood-{n}.txt", "Voss under water", FLOOD_TEXT)
            for n in range(count)]


def write_flood_event(root: Path) -> str:
    return write_event(root, "2011-11-13", "floods-in-voss", "Floods hit Voss.", FLOOD)


def base_archive(root: Path, flood: bool = True) -> dict[str, str]:
    """Events about a flood (unless not ``flood``), chess and budgets; articles about
    chess and a bridge no event reports."""
    found = {
        "flood": write_flood_event(root) if flood else "",
        "chess": write_event(root, "2011-11-12", "tromso-chess", "Tromso wins at chess.",
                             CHESS),
        "chess_article": write_article(root, "chess.txt", "Chess", [CHESS_TEXT, CHESS_TEXT]),
        "bridge_article": write_article(root, "bridge.txt", "A span for Hardanger",
                                        BRIDGE_TEXT),
    }
    for n in range(3):
        write_event(root, f"2011-10-{n + 10}", f"budget-{n}", f"Parliament passes budget {n}.",
                    "Parliament in Oslo passes the state budget after a long debate.")
    return found


def built_with_flood_copies(tmp_path: Path, flood: bool = True,
                            ) -> tuple[Path, dict[str, str], list[str]]:
    """The base archive (its flood event left out unless ``flood``) with the flood
    article's copies, built: the archive, the base's ids and the copies' ids."""
    archive = tmp_path / "archive"
    ids = base_archive(archive, flood=flood)
    copies = flood_copies(archive)
    build_index(archive, tmp_path / "index")
    return archive, ids, copies


def links(index: Path) -> Links:
    db = sqlite3.connect(current_generation(index) / CATALOG_NAME)
    try:
        return set(db.execute("SELECT article_id, event_id, how FROM article_events"))
    finally:
        db.close()


LinksMethod = Callable[[ArticleLinker, articles.Article], list[articles.Link]]


def recording_links(seen: list[str]) -> LinksMethod:
    original = ArticleLinker.links

    def recording(self: ArticleLinker, article: articles.Article) -> list[articles.Link]:
        seen.append(article.id)
        return original(self, article)

    return recording


@pytest.fixture()
def linked_again(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The articles each build links (a full build: all of them)."""
    seen: list[str] = []
    monkeypatch.setattr(ArticleLinker, "links", recording_links(seen))
    yield seen


@pytest.fixture()
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The unlinked articles an update compares with their new candidates only."""
    seen: list[str] = []
    reaches = ArticleLinker.reaches

    def recording(self: ArticleLinker, article: articles.Article,
                  events: list[articles.Event]) -> bool:
        seen.append(article.id)
        return reaches(self, article, events)

    monkeypatch.setattr(ArticleLinker, "reaches", recording)
    yield seen


def update_and_compare(archive: Path, tmp_path: Path, seen: list[str]) -> Links:
    """Update the index of ``archive`` (built before the change), then check its links
    against a fresh build's; the links, with ``seen`` left holding the update's."""
    seen.clear()
    report = build_index(archive, tmp_path / "index")
    assert not report.full
    updated = set(seen)
    found = links(tmp_path / "index")
    build_index(archive, tmp_path / "fresh")
    assert found == links(tmp_path / "fresh")
    seen[:] = sorted(updated)
    return found


def test_an_unrelated_event_links_no_article_again(tmp_path: Path,
                                                   linked_again: list[str]) -> None:
    archive, ids, flood = built_with_flood_copies(tmp_path)
    before = links(tmp_path / "index")
    assert {(a, ids["flood"], "similar text") for a in flood} <= before
    write_event(archive, "2011-11-14", "moose-in-lillehammer", "A moose visits a shop.",
                "Shoppers in Lillehammer watched a moose stroll past the shelves.")
    assert update_and_compare(archive, tmp_path, linked_again) == before
    assert linked_again == []


def test_an_event_sharing_an_articles_own_words_links_it(tmp_path: Path,
                                                         linked_again: list[str]) -> None:
    archive = tmp_path / "archive"
    ids = base_archive(archive)
    build_index(archive, tmp_path / "index")
    assert not any(a == ids["bridge_article"] for a, _, _ in links(tmp_path / "index"))
    bridge = write_event(archive, "2011-11-14", "hardanger-bridge-opens",
                         "The Hardanger suspension bridge opens.",
                         "The span between Ulvik and Eidfjord ends the queues at Brimnes.")
    found = update_and_compare(archive, tmp_path, linked_again)
    assert (ids["bridge_article"], bridge, "similar text") in found
    assert linked_again == [ids["bridge_article"]]


def test_a_new_event_links_the_unlinked_articles_it_reaches(
        tmp_path: Path, linked_again: list[str], compared: list[str]) -> None:
    archive, _, flood = built_with_flood_copies(tmp_path, flood=False)
    assert not any(a in flood for a, _, _ in links(tmp_path / "index"))
    event = write_flood_event(archive)
    found = update_and_compare(archive, tmp_path, linked_again)
    assert {(a, event, "similar text") for a in flood} <= found
    assert set(flood) <= set(compared) and set(flood) <= set(linked_again)


def test_a_new_candidate_below_the_threshold_is_only_compared(
        tmp_path: Path, linked_again: list[str], compared: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(articles, "THRESHOLD", 0.99)  # nothing links by similar text
    archive, _, flood = built_with_flood_copies(tmp_path)
    write_event(archive, "2011-11-20", "voss-floods-again", "Voss is flooded.", FLOOD)
    found = update_and_compare(archive, tmp_path, linked_again)
    assert not any(a in flood for a, _, _ in found)
    # compared with the new event, not linked again
    assert set(flood) <= set(compared)
    assert not set(flood) & set(linked_again)


def test_a_better_event_takes_a_linked_article(tmp_path: Path,
                                              linked_again: list[str]) -> None:
    archive, ids, flood = built_with_flood_copies(tmp_path)
    better = write_event(archive, "2011-11-14", "voss-under-water", "Voss under water.",
                         " ".join(FLOOD_TEXT))
    found = update_and_compare(archive, tmp_path, linked_again)
    assert {(a, better, "similar text") for a in flood} <= found
    assert not any(event == ids["flood"] for _, event, _ in found)
    assert set(flood) <= set(linked_again)


def test_an_event_crowding_out_the_linked_one(tmp_path: Path, linked_again: list[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With one candidate place, an event sharing more key terms but scoring low takes
    the place of the linked event: the articles are unlinked, as a full build finds."""
    monkeypatch.setattr(articles, "CANDIDATES", 1)
    archive, ids, flood = built_with_flood_copies(tmp_path)
    assert {(a, ids["flood"], "similar text") for a in flood} <= links(tmp_path / "index")
    write_event(archive, "2011-12-24", "voss-noise", "Voss under water.",
                " ".join([*FLOOD_TEXT, NOISE]))
    found = update_and_compare(archive, tmp_path, linked_again)
    assert not any(a in flood for a, _, _ in found)
    assert linked_again == flood


def test_a_removed_candidate_lets_the_next_one_in(tmp_path: Path, linked_again: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(articles, "CANDIDATES", 1)
    archive = tmp_path / "archive"
    ids = base_archive(archive)
    flood = flood_copies(archive)
    noise = write_event(archive, "2011-12-24", "voss-noise", "Voss under water.",
                        " ".join([*FLOOD_TEXT, NOISE]))
    build_index(archive, tmp_path / "index")
    assert not any(a in flood for a, _, _ in links(tmp_path / "index"))
    (archive / noise).unlink()
    found = update_and_compare(archive, tmp_path, linked_again)
    assert {(a, ids["flood"], "similar text") for a in flood} <= found
    assert set(flood) <= set(linked_again)


def test_a_near_event_that_only_wins_a_place_near_the_articles_date(
        tmp_path: Path, linked_again: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Dated articles get the best candidates near their date too: an event that would
    not be the best overall but is the best near the date is a candidate."""
    monkeypatch.setattr(articles, "CANDIDATES", 1)
    archive = tmp_path / "archive"
    base_archive(archive)
    flood = [write_article(archive, f"flood-{n}.txt", "Voss under water", FLOOD_TEXT,
                           date="2011-12-01") for n in range(3)]
    build_index(archive, tmp_path / "index")
    near = write_event(archive, "2011-12-02", "a-wet-sunday", "A wet Sunday in Voss.",
                       "Voss had rain all Sunday.")
    # it shares less with the articles than the flood event, their one candidate
    # overall, but is the only event near their date
    catalog = Catalog(current_generation(tmp_path / "index") / CATALOG_NAME)
    try:
        basis = catalog.link_bases([flood[0]])[flood[0]]
    finally:
        catalog.close()
    event = parse_file(archive / near, archive)
    assert isinstance(event, Event)
    terms = indexed_terms(TermCounter(stemming()), event)
    assert not basis.enters(terms, None) and basis.enters(terms, date(2011, 12, 2))
    update_and_compare(archive, tmp_path, linked_again)
    assert linked_again == flood


def test_front_matter_and_url_find_an_event_that_comes_later(
        tmp_path: Path, linked_again: list[str]) -> None:
    archive = tmp_path / "archive"
    base_archive(archive)
    # no word in common with the events that come
    named = write_article(archive, "named.txt", "Seen today",
                          ["A large animal was seen near the harbour."],
                          event="/news/2011/11/15/an-elk-in-bergen.md")
    sourced = write_article(archive, "sourced.txt", "Seen again",
                            ["A small animal was spotted near the harbour."],
                            url="http://nrk.example/fox")
    build_index(archive, tmp_path / "index")
    elk = write_event(archive, "2011-11-15", "an-elk-in-bergen", "An elk in Bergen.",
                      "An elk walks through Bergen.")
    fox = write_event(archive, "2011-11-16", "a-fox-in-molde", "A fox in Molde.",
                      "A fox walks through Molde.", url="http://nrk.example/fox")
    found = update_and_compare(archive, tmp_path, linked_again)
    assert {(named, elk, "front matter"), (sourced, fox, "source url")} <= found
    assert linked_again == [named, sourced]


def strip_link_bases(index: Path) -> None:
    """Make a catalog as an older Chronicle left it: key terms of each article's last
    similarity search in ``article_terms``, no link bases."""
    catalog = Catalog(current_generation(index) / CATALOG_NAME)
    try:
        rows = catalog.conn.execute("SELECT article_id, weights FROM link_bases").fetchall()
        with catalog.transaction():
            for article_id, weights in rows:
                terms = sorted(term for term, _ in json.loads(weights))
                catalog.conn.execute("INSERT INTO article_terms VALUES (?, ?)",
                                     (article_id, json.dumps(terms)))
            for table in ("link_bases", "link_terms", "link_keys"):
                catalog.conn.execute(f"DROP TABLE {table}")
            catalog.drop_meta(LINK_BASES_AT)  # an older Chronicle kept no such mark
    finally:
        catalog.close()


def test_a_catalog_without_link_bases_is_updated_as_before(
        tmp_path: Path, linked_again: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(articles, "THRESHOLD", 0.99)  # the flood articles stay unlinked
    archive, _, flood = built_with_flood_copies(tmp_path)
    strip_link_bases(tmp_path / "index")
    monkeypatch.undo()
    monkeypatch.setattr(ArticleLinker, "links", recording_links(linked_again))
    linked_again.clear()
    # unrelated: nothing is linked again, and the catalog gets its new tables
    write_event(archive, "2011-11-14", "moose-in-lillehammer", "A moose visits a shop.",
                "Shoppers in Lillehammer watched a moose stroll past the shelves.")
    build_index(archive, tmp_path / "index")
    assert linked_again == []
    # an event sharing key terms with the unlinked flood articles: linked as before,
    # and given a basis from now on
    flooded = write_event(archive, "2011-11-20", "voss-floods-again", "Voss is flooded.",
                          FLOOD)
    found = update_and_compare(archive, tmp_path, linked_again)
    assert {(a, flooded, "similar text") for a in flood} <= found
    assert set(flood) <= set(linked_again)
    catalog = Catalog(current_generation(tmp_path / "index") / CATALOG_NAME)
    try:
        assert sorted(catalog.link_bases(flood)) == flood
        assert catalog.article_terms(flood) == {}
    finally:
        catalog.close()


def test_link_bases_are_stored_replaced_and_dropped(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / CATALOG_NAME, create=True)
    try:
        basis = LinkBasis(keys=[7, 9], weights={"voss": 2.5, "vosso": 1.25},
                          candidates={event_num("news/a.md"), -3}, bar=1.25, near_bar=0.5,
                          day=date(2011, 11, 12), watched=["bolstad"])
        catalog.put_link_bases({"a.txt": basis, "b.txt": LinkBasis()})
        assert catalog.link_bases(["a.txt", "b.txt", "c.txt"]) == {
            "a.txt": basis, "b.txt": LinkBasis()}
        assert catalog.articles_with_link_terms(["voss", "bolstad", "oslo"]) == {
            "voss": ["a.txt"], "bolstad": ["a.txt"]}
        assert catalog.articles_with_link_keys([9, 8]) == {"a.txt"}
        catalog.put_link_bases({"a.txt": LinkBasis(weights={"oslo": 1.0})})
        assert catalog.articles_with_link_terms(["voss", "bolstad", "oslo"]) == {
            "oslo": ["a.txt"]}
        assert catalog.articles_with_link_keys([7, 9]) == set()
        catalog.delete_article("a.txt")
        assert catalog.link_bases(["a.txt"]) == {}
        assert catalog.articles_with_link_terms(["oslo"]) == {}
    finally:
        catalog.close()


def test_an_event_enters_only_ahead_of_the_last_candidate() -> None:
    basis = LinkBasis(weights={"voss": 2.0, "vosso": 1.0, "ferry": 0.5}, bar=2.0,
                      near_bar=1.0, day=date(2011, 11, 12))
    assert basis.enters({"voss", "ferry"}, None)
    assert not basis.enters({"voss"}, None)  # a tie with the last candidate
    assert not basis.enters({"oslo"}, date(2011, 11, 12))
    # near the article's date the near bar counts, at most three days away
    assert basis.enters({"vosso", "ferry"}, date(2011, 11, 15))
    assert not basis.enters({"vosso", "ferry"}, date(2011, 11, 16))
    assert not basis.enters({"vosso"}, date(2011, 11, 12))
    assert not LinkBasis(weights={"voss": 1.0}, day=None).enters({"vosso"}, None)
    assert LinkBasis(weights={"voss": 1.0}).enters({"voss"}, None)  # no bar: any share


def test_a_full_build_keeps_a_basis_per_article(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    ids = base_archive(archive)
    build_index(archive, tmp_path / "index")
    catalog = Catalog(current_generation(tmp_path / "index") / CATALOG_NAME)
    try:
        bases = catalog.link_bases(catalog.article_ids())
        assert sorted(bases) == sorted(catalog.article_ids())
        chess = bases[ids["chess_article"]]
        assert chess.weights and event_num(ids["chess"]) in chess.candidates
        # the bridge's own words (no other document has them) are watched
        assert {"hardang", "ulvik"} <= set(bases[ids["bridge_article"]].watched)
    finally:
        catalog.close()


def test_sample_archive_update_links_as_a_full_build(sample_archive: Path, seeds_dir: Path,
                                                    tmp_path: Path,
                                                    linked_again: list[str]) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(sample_archive, archive)
    seed = next(seeds_dir.glob("000_*.txt"))
    shutil.copy(seed, archive)
    build_index(archive, tmp_path / "index")
    taraz = ("news/2011/11/12/a-suspected-islamist-attacker-kills-seven-people-in-the-"
             "southern-kazakh-city-of-taraz-before-blowing-himself-up.md")
    assert (seed.name, taraz, "similar text") in links(tmp_path / "index")
    (archive / taraz).unlink()  # the day page still lists it: a shorter event
    update_and_compare(archive, tmp_path, linked_again)
    assert linked_again == [seed.name]
