"""The fast text field writes exactly the postings Whoosh's TEXT field writes.

An index written with it must read as one written with TEXT (same terms, frequencies,
weights and encoded positions), and queries, parsed with the field's analyzer, must
not change: otherwise phrase searches, scoring and highlights would drift.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.analysis import (
    LowercaseFilter,
    NgramWordAnalyzer,
    RegexTokenizer,
    StandardAnalyzer,
    StemFilter,
    StemmingAnalyzer,
    StopFilter,
)
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

import tui.index.text_field as text_field
from tui.index.schema import build_schema, stemming
from tui.index.text_field import TextField

WORDS = st.sampled_from([
    "U.S.", "e.g.", "the", "The", "a", "A", "Running", "runs", "ran", "fa*", "*", "Ærø",
    "co-op", "2011", "x.y.z", "IT'S", "naïve", "...", "--", "Kazakh's", "İstanbul", "ß",
    "ΣΊΣΥΦΟΣ", "of", "and", "to", "in", "EU", "UN", "i", "meeting", "meetings", "met",
    "caresses", "ponies", "generalizations", "_", "under_score", "3.141", "1,000",
    "&amp;", "\u00a0", "\t", "x" * 40,
])
SEPARATORS = st.sampled_from([" ", "\n", ". ", ", ", "", " - ", "\n\n", "/"])
TEXTS = st.builds(lambda words, sep: sep.join(words),
                  st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60), SEPARATORS)

ANALYZERS = {
    "stemming": stemming,
    "standard": lambda: StandardAnalyzer(minsize=1),
    "standard, two letters": StandardAnalyzer,
    "stemming, stop words kept": lambda: StemmingAnalyzer(stoplist=None),
    "no renumbering": lambda: RegexTokenizer() | LowercaseFilter()
    | StopFilter(renumber=False) | StemFilter(),
    "longest word 6": lambda: StemmingAnalyzer(minsize=1, maxsize=6),
    "pattern with a group": lambda: RegexTokenizer(r"(\w)+") | LowercaseFilter()
    | StopFilter(minsize=1),
    "pattern without a group": lambda: RegexTokenizer(r"[a-z]+") | LowercaseFilter()
    | StemFilter(ignore=["runs"]),
}


def postings(field: TEXT, text: str) -> list[tuple[bytes, int, float, bytes]]:
    return list(field.index(text))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_same_postings_as_whoosh_text(text: str) -> None:
    for name, make in ANALYZERS.items():
        fast, plain = TextField(analyzer=make()), TEXT(analyzer=make())
        assert fast._fast_chain() is not None, name  # noqa: SLF001 - the fast path is taken
        assert postings(fast, text) == postings(plain, text), name
        assert postings(fast, text) == postings(plain, text), name  # words remembered


@given(TEXTS)
def test_same_postings_with_a_field_boost(text: str) -> None:
    fast = TextField(analyzer=stemming(), field_boost=2.5)
    assert postings(fast, text) == postings(TEXT(analyzer=stemming(), field_boost=2.5), text)


@given(TEXTS)
def test_other_analyzers_and_formats_fall_back_to_whoosh(text: str) -> None:
    for fast, plain in [
        (TextField(analyzer=NgramWordAnalyzer(2, 3)), TEXT(analyzer=NgramWordAnalyzer(2, 3))),
        (TextField(analyzer=RegexTokenizer(r"\s+", gaps=True) | LowercaseFilter()),
         TEXT(analyzer=RegexTokenizer(r"\s+", gaps=True) | LowercaseFilter())),
        (TextField(analyzer=stemming(), chars=True), TEXT(analyzer=stemming(), chars=True)),
        (TextField(analyzer=stemming(), phrase=False), TEXT(analyzer=stemming(), phrase=False)),
    ]:
        assert fast._fast_chain() is None  # noqa: SLF001
        assert postings(fast, text) == postings(plain, text)


def test_lists_of_values_fall_back_to_whoosh() -> None:
    fast, plain = TextField(analyzer=stemming()), TEXT(analyzer=stemming())
    assert postings(fast, ["Floods in Voss", "the floods"]) == postings(
        plain, ["Floods in Voss", "the floods"])


def test_full_caches_still_give_the_same_postings(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(text_field, "WORDS_KEPT", 2)
    monkeypatch.setattr(text_field, "ENCODED_KEPT", 2)
    text = "The river Vosso bursts its banks; Voss floods, and the ferry to Evanger stops. " * 3
    fast, plain = TextField(analyzer=stemming()), TEXT(analyzer=stemming())
    for _ in range(3):
        assert postings(fast, text) == postings(plain, text)


@given(TEXTS)
def test_queries_parse_as_before(text: str) -> None:
    fast = QueryParser("body", Schema(body=TextField(analyzer=stemming()))).parse(text)
    plain = QueryParser("body", Schema(body=TEXT(analyzer=stemming()))).parse(text)
    assert fast == plain


def test_schema_pickles_without_its_caches() -> None:
    schema = build_schema()
    schema["body"].index("Floods hit Voss and Bolstad")  # fills the word cache
    copy = pickle.loads(pickle.dumps(schema))
    assert isinstance(copy["body"], TextField) and "_chain" not in copy["body"].__dict__
    assert postings(copy["body"], "Floods hit Voss") == postings(
        TEXT(analyzer=stemming()), "Floods hit Voss")


DOCS = [
    {"id": "a", "body": "The river Vosso bursts its banks after a week of rain in Voss."},
    {"id": "b", "body": "Floods hit Voss; the ferry to Evanger stops. Voss floods again."},
    {"id": "c", "body": "A chess club in Tromso wins the national team championship."},
]


def written(tmp_path: Path, name: str, field: TEXT) -> list[tuple[object, ...]]:
    """Every posting of an index of :data:`DOCS` whose body field is ``field``."""
    folder = tmp_path / name
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), Schema(id=ID(stored=True), body=field))
    with ix.writer() as writer:
        for doc in DOCS:
            writer.add_document(**doc)
    found: list[tuple[object, ...]] = []
    with ix.reader() as reader:
        for fieldname, term in reader.all_terms():
            matcher = reader.postings(fieldname, term)
            while matcher.is_active():
                found.append((fieldname, term, matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
        found += [("length", n, reader.doc_field_length(n, "body")) for n in range(len(DOCS))]
    ix.close()
    return found


def test_index_reads_as_one_written_with_text(tmp_path: Path) -> None:
    assert written(tmp_path, "fast", TextField(analyzer=stemming())) == written(
        tmp_path, "plain", TEXT(analyzer=stemming()))


def test_phrase_search_on_an_index_written_with_the_fast_field(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True),
                                                      body=TextField(analyzer=stemming())))
    with ix.writer() as writer:
        for doc in DOCS:
            writer.add_document(**doc)
    with ix.searcher() as searcher:
        parser = QueryParser("body", ix.schema)
        assert [hit["id"] for hit in searcher.search(parser.parse('"voss floods"'))] == ["b"]
        assert [hit["id"] for hit in searcher.search(parser.parse('"floods voss"'))] == []
