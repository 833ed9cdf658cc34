"""A Whoosh TEXT field that turns a text into its postings in one tight loop.

Whoosh indexes a text by passing a token object through a generator per filter
(tokenizer, lower case, stop words, stemming) and then through the format's own
generator: about a third of Whoosh's writing CPU went there. When the analyzer is the
plain chain this project uses (a regex tokenizer followed by a lower-case filter, an
optional stop filter and an optional stem filter), each filter treats each word
alone, so what a word becomes (a term, or nothing) is worked out once per distinct
word and remembered; positions follow the stop filter's renumbering rule. The
postings are exactly those of :class:`whoosh.fields.TEXT` (same terms, frequencies,
weights and encoded positions; tests/test_text_field.py compares them), so an index
written with this field reads as one written with TEXT, and queries, which use the
unchanged analyzer, are parsed as before. (The posting files are a little smaller:
equal encoded positions are one shared object, which Whoosh's pickled blocks hold once.)

The class is pickled into every index's schema: it must stay importable under this
name (rename it only together with a schema version bump).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import pairwise
from pickle import dumps
from typing import Any

from whoosh.analysis import (
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.lang import stemmer_for_language
from whoosh.system import pack_uint

# Distinct words remembered per field and process (a word and its term: a few MB).
WORDS_KEPT = 200_000
# Encoded position lists of one or two positions remembered per field and process.
# Nine postings in ten hold one position or two (at 10,000 events: 620,000 postings
# with 1,300 distinct single positions, 225,000 with 49,000 distinct pairs), so each
# such list is encoded once, and the postings Whoosh holds in memory until its
# commit share one bytes object instead of each having its own. Whoosh pickles a
# block's values, and pickle writes a shared object once: the index gets smaller.
ENCODED_KEPT = 200_000
# The default tokenizer pattern without its capturing group, so ``findall`` returns
# whole matches (a group changes what findall returns, not what matches).
_DEFAULT_WORDS = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", default_pattern.flags)
_UNSEEN = object()


def word_finder(pattern: re.Pattern[str]) -> Callable[[str], list[str]]:
    """A function listing the whole matches of a tokenizer's pattern in a text."""
    if pattern.pattern == default_pattern.pattern and pattern.flags == default_pattern.flags:
        return _DEFAULT_WORDS.findall
    if not pattern.groups:
        return pattern.findall
    finditer = pattern.finditer
    return lambda text: [match.group(0) for match in finditer(text)]


class _Chain:
    """What a recognised analyzer does to one word, and how it numbers positions."""

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        tokenizer, _lower, *rest = analyzer.items
        self.words = word_finder(tokenizer.expression)
        stop = next((f for f in rest if isinstance(f, StopFilter)), None)
        stemmer = next((f for f in rest if isinstance(f, StemFilter)), None)
        self.stops = stop.stops if stop else frozenset()
        self.minsize = stop.min if stop else 0
        self.maxsize = stop.max if stop else None
        self.renumber = bool(stop and stop.renumber)
        self.stem = None
        if stemmer is not None:
            self.stem = stemmer_for_language(stemmer.lang) if stemmer.lang else stemmer.stemfn
        self.ignore = stemmer.ignore if stemmer else frozenset()
        self.terms: dict[str, bytes | None] = {}
        self.encoded: dict[tuple[int, ...], bytes] = {}

    def term(self, word: str) -> bytes | None:
        """The word's term as UTF-8, or None for a stop word."""
        text = word.lower()
        if (len(text) < self.minsize or (self.maxsize is not None and len(text) > self.maxsize)
                or text in self.stops):
            return None
        if self.stem is not None and text not in self.ignore:
            text = self.stem(text)
        return text.encode("utf-8")

    def positions(self, text: str) -> dict[bytes, list[int]]:
        """Each term of the text with its positions, in order of first appearance."""
        terms = self.terms
        found: dict[bytes, list[int]] = {}
        renumber = self.renumber
        pos = -1
        for index, word in enumerate(self.words(text)):
            term = terms.get(word, _UNSEEN)
            if term is _UNSEEN:
                if len(terms) >= WORDS_KEPT:
                    terms.clear()
                term = terms[word] = self.term(word)
            if term is None:
                continue
            # StopFilter(renumber=True): the first kept word keeps its place, each
            # later one follows it; otherwise a word keeps its place among all words.
            pos = (index if pos < 0 else pos + 1) if renumber else index
            plist = found.get(term)
            if plist is None:
                found[term] = [pos]
            else:
                plist.append(pos)
        return found

    def encode(self, plist: list[int]) -> bytes:
        """:meth:`whoosh.formats.Positions.encode` of the list (remembered if short)."""
        if len(plist) > 2:
            deltas = [plist[0], *(b - a for a, b in pairwise(plist))]
            return pack_uint(len(plist)) + dumps(deltas, 2)
        key = tuple(plist)
        value = self.encoded.get(key)
        if value is None:
            if len(self.encoded) >= ENCODED_KEPT:
                self.encoded.clear()
            deltas = [plist[0]] if len(plist) == 1 else [plist[0], plist[1] - plist[0]]
            value = self.encoded[key] = pack_uint(len(plist)) + dumps(deltas, 2)
        return value


def _recognised(analyzer: Any) -> bool:
    """Whether the analyzer is tokenizer, lower case, then stop and/or stem filters."""
    if not isinstance(analyzer, CompositeAnalyzer) or len(analyzer.items) < 2:
        return False
    tokenizer, lower, *rest = analyzer.items
    kinds = [type(item) for item in rest]
    return (type(tokenizer) is RegexTokenizer and not tokenizer.gaps
            and type(lower) is LowercaseFilter
            and kinds in ([], [StopFilter], [StemFilter], [StopFilter, StemFilter]))


class TextField(TEXT):
    """:class:`whoosh.fields.TEXT` with the same postings, made faster (module docstring)."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_chain", None)  # a cache, rebuilt where the schema is unpickled
        return state

    def _fast_chain(self) -> _Chain | None:
        try:
            return self._chain
        except AttributeError:
            fast = (type(self.format) is Positions and _recognised(self.analyzer))
            self._chain: _Chain | None = _Chain(self.analyzer) if fast else None
            return self._chain

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        chain = self._fast_chain()
        if chain is None or not isinstance(value, str) or set(kwargs) - {"mode"}:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        encode = chain.encode
        for term, plist in chain.positions(value).items():
            yield term, len(plist), len(plist) * boost, encode(plist)
