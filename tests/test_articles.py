"""Article linking by similar text: the date window, undated articles, no match, and
the shortcuts that keep it fast (posting lists read directly, words analysed once)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

import tui.index.articles as articles
import tui.index.term_counts as term_counts
from tui.index.articles import ArticleLinker, TermCounter
from tui.index.builder import build_index
from tui.index.catalog import CATALOG_NAME, Catalog
from tui.index.schema import stemming
from tui.index.store import WHOOSH_DIR, current_generation
from tui.model import Article, document_from_dict

FLOOD = ("The river Vosso bursts its banks after a week of rain, flooding Voss and Bolstad; "
         "the ferry to Evanger stops and farmers move their sheep to the Raundal hills.")
FLOOD_TEXT = [
    "Rain fell on Voss for a seventh day and the river Vosso burst its banks on Sunday, "
    "flooding the centre of Voss and the farms around Bolstad.",
    "The ferry to Evanger stopped running. Farmers in the Raundal valley moved their sheep "
    "to the hills as the water rose, and the river Vosso kept rising through the night.",
    "Voss council opened the school as a shelter; the flooding in Bolstad and Evanger is the "
    "worst since 1940, the council said.",
]
OTHER = ("A chess club in Tromso wins the national team championship for the first time, "
         "beating Oslo in the final round.")
TROMSO_CHESS = ("The Tromso chess club celebrates after its team beat Oslo in the last round "
                "of the national championship, a first for the northern city.")


def write_event(root: Path, day: str, slug: str, headline: str, summary: str) -> str:
    year, month, number = day.split("-")
    path = root / "news" / year / month / str(int(number)) / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"### [{day}](/news/{year}/{month}/{int(number)}/index.md)\n\n# {headline}\n\n"
        f"{summary}\n\n### Source:\n\n1. [NRK](http://nrk.example/{slug})\n", encoding="utf-8")
    return path.relative_to(root).as_posix()


def flood_archive(root: Path, near_day: str = "2011-11-13",
                  far_day: str = "2011-12-20") -> tuple[str, str]:
    """The same flood reported by two event pages, a day and five weeks after the 12th;
    plus unrelated events, so that the flood's words are rare."""
    near = write_event(root, near_day, "floods-in-voss", "Floods hit Voss.", FLOOD)
    far = write_event(root, far_day, "voss-floods-again", "Voss is flooded.", FLOOD)
    write_event(root, "2011-11-12", "tromso-chess", "Tromso wins at chess.", OTHER)
    for n in range(3):
        write_event(root, f"2011-10-{n + 10}", f"budget-{n}",
                    f"Parliament passes budget number {n}.",
                    "Parliament in Oslo passes the state budget after a long debate.")
    return near, far


@contextmanager
def linker_for(archive: Path, index: Path) -> Iterator[ArticleLinker]:
    build_index(archive, index)
    generation = current_generation(index)
    assert generation is not None
    catalog = Catalog(generation / CATALOG_NAME)
    ix = whoosh_index.open_dir(str(generation / WHOOSH_DIR))
    try:
        with ix.searcher() as searcher:
            yield ArticleLinker(searcher, catalog)
    finally:
        catalog.close()


def write_article(root: Path, name: str, title: str, paragraphs: list[str],
                  day: str | None = None) -> str:
    """An article file, dated in its front matter or not."""
    dated = f"date: {day}\n" if day else ""
    text = f"---\ntitle: {title}\n{dated}---\n\n" + "\n\n".join(paragraphs) + "\n"
    (root / name).write_text(text, encoding="utf-8")
    return name


def write_flood_article(root: Path, name: str, day: str | None) -> str:
    return write_article(root, name, "Voss under water", FLOOD_TEXT, day)


def stored_article(linker: ArticleLinker, article_id: str) -> Article:
    article = document_from_dict(json.loads(linker.catalog.article_json(article_id) or "{}"))
    assert isinstance(article, Article)
    return article


def test_dated_article_prefers_the_event_within_the_window(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    near, far = flood_archive(archive)
    early = write_flood_article(archive, "early.txt", "2011-11-12")
    late = write_flood_article(archive, "late.txt", "2011-12-21")
    with linker_for(archive, tmp_path / "index") as linker:
        links = linker.links(stored_article(linker, early))
        assert [(event, how) for event, how, _ in links] == [(near, "similar text")]
        # the same text dated beside the other report links to that one instead
        links = linker.links(stored_article(linker, late))
        assert [event for event, _, _ in links] == [far]


def test_dated_article_whose_event_is_outside_the_window(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    near, far = flood_archive(archive)
    (archive / near).unlink()
    dated = write_flood_article(archive, "dated.txt", "2011-11-12")
    undated = write_flood_article(archive, "undated.txt", None)
    with linker_for(archive, tmp_path / "index") as linker:
        undated_links = linker.links(stored_article(linker, undated))
        dated_links = linker.links(stored_article(linker, dated))
    assert [event for event, _, _ in undated_links] == [far]
    # still found, far from the article's date, and scored down for it
    assert [event for event, _, _ in dated_links] == [far]
    assert dated_links[0][2] == pytest.approx(undated_links[0][2] * articles.FAR_PENALTY,
                                              abs=1e-3)


def test_dated_article_finds_a_near_event_the_best_overall_would_crowd_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    near, far = flood_archive(archive)
    # with one candidate overall, the near event still comes in through the date window
    monkeypatch.setattr(articles, "CANDIDATES", 1)
    (archive / "news" / "2011" / "12" / "20" / "voss-floods-again.md").write_text(
        (archive / far).read_text(encoding="utf-8").replace(
            FLOOD, FLOOD + " The council opens the school as a shelter."),
        encoding="utf-8")
    write_flood_article(archive, "flood.txt", None)
    with linker_for(archive, tmp_path / "index") as linker:
        text = "\n".join(["Voss under water", *FLOOD_TEXT])
        top = linker.key_terms(linker.vector(text, shared_only=True))
        assert {"council", "school", "shelter"} <= set(top)  # words only the far event has
        ids = {event_id for event_id, _, _ in linker.candidates(top, None)}
        assert ids == {far}
        ids = {event_id for event_id, _, _ in linker.candidates(top, date(2011, 11, 12))}
        assert ids == {far, near}


def test_undated_article_links_by_similarity(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    flood_archive(archive)
    flood = write_flood_article(archive, "flood.txt", None)
    chess = write_article(archive, "chess.txt", "Chess", [TROMSO_CHESS, TROMSO_CHESS])
    with linker_for(archive, tmp_path / "index") as linker:
        links = linker.links(stored_article(linker, flood))
        assert len(links) == 1 and links[0][1] == "similar text"
        assert links[0][0].endswith(("floods-in-voss.md", "voss-floods-again.md"))
        assert links[0][2] >= articles.THRESHOLD
        links = linker.links(stored_article(linker, chess))
        assert [event for event, _, _ in links] == ["news/2011/11/12/tromso-chess.md"]


def test_article_that_matches_nothing_links_to_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    flood_archive(archive)
    soup = write_article(archive, "soup.txt", "Soup", [
        "Chop two onions and a carrot, fry them gently in butter until soft.",
        "Add stock and simmer for twenty minutes, then season with pepper and thyme."])
    with linker_for(archive, tmp_path / "index") as linker:
        assert linker.links(stored_article(linker, soup)) == []
        assert linker.links(Article(id="empty.txt", title="")) == []


def test_key_terms_heaviest_first_and_recorded(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    flood_archive(archive)
    flood = write_flood_article(archive, "flood.txt", None)
    with linker_for(archive, tmp_path / "index") as linker:
        article = stored_article(linker, flood)
        linker.links(article)
        full = linker.vector("\n".join([article.title, *article.paragraphs]), shared_only=True)
        top = linker.key_terms(full)
        assert list(top.values()) == sorted(top.values(), reverse=True)
        assert {"voss", "vosso"} <= set(top)
        # what the link was decided from: each key term's weight as candidates summed it,
        # and no bar (fewer events than candidate places share a key term)
        basis = linker.bases[article.id]
        assert basis.weights == {term: weight * linker.idf(term) for term, weight in top.items()}
        assert list(basis.weights) == list(top)
        assert basis.bar == basis.near_bar == 0.0 and basis.keys == [] and basis.day is None


def test_postings_read_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flood_archive(tmp_path / "archive")
    with linker_for(tmp_path / "archive", tmp_path / "index") as linker:
        top = {"voss": 2.0, "parliament": 1.0}
        assert linker.text_frequency("voss") == 2 and linker.text_frequency("parliament") == 3
        assert len(linker.shared_weight(top)) == 5  # two flood events, three budget ones
        # room for the postings of "voss" only: "parliament" is skipped, not cut short
        monkeypatch.setattr(articles, "POSTINGS_READ", 2)
        scores = linker.shared_weight(top)
        assert len(scores) == 2 and set(scores.values()) == {2.0 * linker.idf("voss")}
        monkeypatch.setattr(articles, "POSTINGS_READ", 0)
        assert linker.shared_weight(top) == {}


def test_only_events_take_candidate_places(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    near, far = flood_archive(archive)
    write_flood_article(archive, "flood.txt", None)
    write_flood_article(archive, "copy.txt", None)  # shares every key term: the best match
    monkeypatch.setattr(articles, "CANDIDATES", 1)
    with linker_for(archive, tmp_path / "index") as linker:
        top = linker.key_terms(linker.vector("\n".join(FLOOD_TEXT), shared_only=True))
        assert [event_id for event_id, _, _ in linker.candidates(top, None)] in ([near], [far])


def test_deleted_events_are_no_candidates(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    near, far = flood_archive(archive)
    flood = write_flood_article(archive, "flood.txt", None)
    with linker_for(archive, tmp_path / "index") as linker:
        top = linker.key_terms(linker.vector("\n".join(FLOOD_TEXT), shared_only=True))
        assert {near, far} <= {event_id for event_id, _, _ in linker.candidates(top, None)}
    (archive / near).unlink()
    (archive / far).unlink()
    with linker_for(archive, tmp_path / "index") as linker:  # an update: deletions, no merge
        assert not {near, far} & {event_id for event_id, _, _ in linker.candidates(top, None)}
        assert linker.links(stored_article(linker, flood)) == []


def test_sample_archive_articles_keep_their_links(sample_archive: Path, seeds_dir: Path,
                                                  tmp_path: Path) -> None:
    archive = tmp_path / "sample"
    shutil.copytree(sample_archive, archive)
    seed = next(seeds_dir.glob("000_*.txt"))
    shutil.copy(seed, archive)
    with linker_for(archive, tmp_path / "index") as linker:
        article = document_from_dict(json.loads(linker.catalog.article_json(seed.name) or "{}"))
        assert isinstance(article, Article) and article.date is None
        links = linker.links(article)
    assert [e for e, _, _ in links] == [
        "news/2011/11/12/a-suspected-islamist-attacker-kills-seven-people-in-the-southern-"
        "kazakh-city-of-taraz-before-blowing-himself-up.md"]


WORDS = st.sampled_from(["U.S.", "e.g.", "the", "Running", "runs", "fa*", "Ærø", "co-op",
                         "2011", "x.y.z", "a", "IT'S", "naïve", "...", "--", "Kazakh's"])


@given(st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=40),
       st.sampled_from([" ", "\n", ". ", ", ", ""]))
def test_term_counter_matches_the_analyzer(words: list[str], separator: str) -> None:
    """Analysing each distinct word once gives exactly the analyzer's terms."""
    analyzer = stemming()
    text = separator.join(words)
    counter = TermCounter(analyzer)
    assert counter.pattern is not None
    assert counter(text) == Counter(token.text for token in analyzer(text))
    assert counter(text) == Counter(token.text for token in analyzer(text))  # remembered words


def test_term_counter_falls_back_for_other_analyzers() -> None:
    from whoosh.analysis import NgramWordAnalyzer

    analyzer = NgramWordAnalyzer(minsize=2, maxsize=3)
    counter = TermCounter(analyzer)
    assert counter.pattern is None
    assert counter("Voss floods") == Counter(token.text for token in analyzer("Voss floods"))


def testcompared_events_survive_a_full_cache(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    near, far = flood_archive(archive)
    monkeypatch.setattr(articles, "EVENTS_KEPT", 1)  # each call overflows it
    with linker_for(archive, tmp_path / "index") as linker:
        numbers = {linker.searcher.document_number(id=event_id): event_id
                   for event_id in (near, far)}
        first = {n for n, event_id in numbers.items() if event_id == near}
        assert [event_id for event_id, _, _ in linker.compared_events(first)] == [near]
        both = linker.compared_events(set(numbers))
        assert sorted(event_id for event_id, _, _ in both) == sorted([near, far])
        assert all(vector for _, _, vector in both)


def test_event_postings_read_once_and_the_same_when_the_cache_overflows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    flood_archive(archive)
    with linker_for(archive, tmp_path / "index") as linker:
        top = {"voss": 2.0, "parliament": 1.0, "chess": 0.5}
        first = dict(linker.shared_weight(top))
        assert len(first) == 6 and set(linker._postings) == set(top)  # noqa: SLF001
        read = []
        monkeypatch.setattr(SegmentReader, "postings",
                            lambda *args, **kwargs: read.append(args) or 1 / 0)
        assert linker.shared_weight(top) == first and not read  # from the cache
        monkeypatch.undo()
        monkeypatch.setattr(articles, "POSTINGS_KEPT", 1)  # each term overflows it
        linker._postings.clear()  # noqa: SLF001
        assert linker.shared_weight(top) == first
        assert list(linker.shared_weight(top)) == list(first)  # same order: same ties


def test_term_counter_gives_up_words_that_analyse_to_several_terms() -> None:
    from whoosh.analysis import LowercaseFilter, RegexTokenizer

    counter = TermCounter(stemming())  # finds "x.y" as one word
    counter.analyzer = RegexTokenizer(r"\w+") | LowercaseFilter()  # which it splits in two
    assert counter("x.y z") == Counter({"x": 1, "y": 1, "z": 1})
    assert counter("x.y z") == Counter({"x": 1, "y": 1, "z": 1})


@pytest.mark.parametrize("small_segment", [0, 4, 10_000])
def test_document_frequencies_are_the_searchers(tmp_path: Path, small_segment: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Read whole for small segments or looked up, a term's count is the searcher's,
    deleted documents included (an update leaves one deleted, and a segment of its own)."""
    monkeypatch.setattr(term_counts, "SMALL_SEGMENT", small_segment)
    archive = tmp_path / "archive"
    near, _ = flood_archive(archive)
    build_index(archive, tmp_path / "index")
    (archive / near).unlink()
    write_event(archive, "2011-11-14", "voss-ferry", "The Voss ferry stops.", OTHER)
    with linker_for(archive, tmp_path / "index") as linker:
        searcher = linker.searcher
        assert len(searcher.reader().leaf_readers()) >= 2
        frequencies = term_counts.DocumentFrequencies(searcher, "body")
        terms = list(searcher.reader().field_terms("body"))
        assert [frequencies(term) for term in [*terms, "zzz-absent"]] == [
            searcher.doc_frequency("body", term) for term in [*terms, "zzz-absent"]]
