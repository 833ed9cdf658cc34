"""Counting terms: those a field's analyzer makes of a text, and the documents of the
index that hold a term.

Article linking counts both for every article and every event it compares, so each
is made cheap: a word is analysed once, and a small segment's term counts (an
update's, or one an update left all but deleted) are read whole instead of being
looked up term by term.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import cast

from whoosh.analysis import (
    Analyzer,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from tui.index.text_field import word_finder

WORDS_KEPT = 200_000  # analysed words remembered (a few tens of MB at most)
# Filters that turn one token into at most one term, whatever its neighbours.
_ONE_TOKEN_FILTERS = (LowercaseFilter, StopFilter, StemFilter)
# Segments of at most this many documents (an update's: a few thousand terms) have
# their term counts read whole: a term looked up costs several small reads in every
# segment, and linking a few dozen articles looks up thousands.
SMALL_SEGMENT = 2_000


class TermCounter:
    """The terms a field's analyzer makes of a text, counted.

    Stemming each token anew was most of the cost of comparing texts, and the same
    words recur in every article: when the analyzer is a tokenizer followed by
    filters that treat each token alone, each distinct word is analysed only once
    (to one term, or to none for a stop word).
    """

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.words: dict[str, str | None] = {}
        self.pattern = None
        self._find: Callable[[str], list[str]] | None = None
        if isinstance(analyzer, CompositeAnalyzer) and analyzer.items:
            tokenizer, *filters = analyzer.items
            if (isinstance(tokenizer, RegexTokenizer) and not tokenizer.gaps
                    and all(isinstance(f, _ONE_TOKEN_FILTERS) for f in filters)):
                self.pattern = tokenizer.expression
                self._find = word_finder(tokenizer.expression)

    def __call__(self, text: str) -> Counter[str]:
        if self._find is None:
            return Counter(token.text for token in self.analyzer(text))
        found = self._find(text)
        words = self.words
        missing = set(found).difference(words)
        if missing:
            if len(words) + len(missing) > WORDS_KEPT:
                words.clear()
                missing = set(found)
            for word in missing:
                terms = [token.text for token in self.analyzer(word)]
                if len(terms) > 1:  # not a one-word analyzer after all: analyse whole texts
                    self._find = None
                    return self(text)
                words[word] = terms[0] if terms else None
        counts: Counter[str | None] = Counter(map(words.__getitem__, found))
        counts.pop(None, None)
        return cast("Counter[str]", counts)


class DocumentFrequencies:
    """The documents holding a term in one field, as ``Searcher.doc_frequency`` counts
    them (deleted ones too, until a merge drops them), segment by segment."""

    def __init__(self, searcher: Searcher, field: str) -> None:
        self.searcher = searcher
        self.field = field
        self._large: list[IndexReader] | None = None
        self._small: list[dict[str, int]] = []

    def __call__(self, term: str) -> int:
        if self._large is None:
            self._read_small_segments()
        assert self._large is not None
        field = self.field
        return (sum(reader.doc_frequency(field, term) for reader in self._large)
                + sum(counts.get(term, 0) for counts in self._small))

    def _read_small_segments(self) -> None:
        self._large = []
        decode = self.searcher.schema[self.field].from_bytes
        for reader, _ in self.searcher.reader().leaf_readers():
            if reader.doc_count_all() <= SMALL_SEGMENT:
                self._small.append({decode(term): info.doc_frequency()
                                    for term, info in reader.iter_field(self.field)})
            else:
                self._large.append(reader)
