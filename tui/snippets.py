"""Search snippets: a hit's running text cut around its matches, as ``(text, is_match)``
segments (never markup).

Whoosh's highlighter finds and scores the fragments; what it is handed is made cheap:
only a window of the text around the first likely match, and words analysed once
each (the field's analyzer per distinct word, remembered) instead of every token
going through the analyzer's whole chain of filters for every hit of every query.
The steps of Whoosh's ``highlight`` are taken one by one so that the tokens come
marked as matched or not (``set_matched_filter``'s work) in the one loop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import Analyzer, Token
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    Formatter,
    top_fragments,
)

Segments = tuple[tuple[str, bool], ...]

SNIPPET_CHARS = 220
# Only this many characters from just before the first place a query word seems to
# occur are highlighted (a snippet shows at most two fragments of SNIPPET_CHARS).
SNIPPET_WINDOW = 360
# Distinct words whose analysis is remembered (a word and its stem: ~100 bytes each).
WORD_CACHE = 50_000

# What the stemming analyzer's tokenizer takes as one word (whoosh RegexTokenizer).
_TOKEN = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)
_SPACE_RUN = re.compile(r"\s+")


class _SegmentFormatter(Formatter):
    """Whoosh fragments -> ``(text, is_match)`` segments, never markup."""

    def format_fragment(self, fragment, replace: bool = False):  # type: ignore[no-untyped-def]
        out: list[tuple[str, bool]] = []
        index = fragment.startchar
        text = fragment.text
        for token in fragment.matches:
            if token.startchar is None or token.startchar < index:
                continue
            if token.startchar > index:
                out.append((text[index:token.startchar], False))
            out.append((text[token.startchar:token.endchar], True))
            index = token.endchar
        out.append((text[index:fragment.endchar], False))
        return out

    def format(self, fragments, replace: bool = False):  # type: ignore[no-untyped-def]
        segments: list[tuple[str, bool]] = []
        for number, fragment in enumerate(fragments):
            if number:
                segments.append((" … ", False))
            segments.extend(self.format_fragment(fragment, replace))
        return tidy_segments(segments)


def tidy_segments(segments: list[tuple[str, bool]]) -> Segments:
    """One line, neighbouring segments of the same kind joined, empty ones dropped."""
    merged: list[tuple[str, bool]] = []
    for text, is_match in segments:
        text = _SPACE_RUN.sub(" ", text)
        if not text:
            continue
        if merged and merged[-1][1] == is_match and not is_match:
            merged[-1] = (merged[-1][0] + text, False)
        else:
            merged.append((text, is_match))
    if merged and not merged[0][1]:
        merged[0] = (merged[0][0].lstrip(), False)
    if merged and not merged[-1][1]:
        merged[-1] = (merged[-1][0].rstrip(), False)
    return tuple(seg for seg in merged if seg[0])


class WordAnalyzer(Analyzer):
    """The tokens of a text with each word as the field's analyzer indexes it.

    Each distinct word goes through the field's analyzer once (then it is looked up),
    so highlighting matches exactly what the index holds without paying the
    analyzer's filter chain for every token of every snippet.
    """

    def __init__(self, field_analyzer: Analyzer) -> None:
        self.field_analyzer = field_analyzer
        self.words: dict[str, str] = {}

    def indexed(self, word: str) -> str:
        found = self.words.get(word)
        if found is None:
            tokens = [t.text for t in self.field_analyzer(word, mode="index", removestops=False)]
            found = tokens[0] if len(tokens) == 1 else ""
            if len(self.words) >= WORD_CACHE:
                self.words.clear()
            self.words[word] = found
        return found

    def __call__(self, value: str, **kwargs: object) -> Iterator[Token]:  # type: ignore[override]
        return self.marked(value, frozenset())

    def marked(self, value: str, terms: frozenset[str]) -> Iterator[Token]:
        """The tokens of ``value``, each ``matched`` when its indexed form is one of
        ``terms`` (as Whoosh's ``set_matched_filter`` marks them)."""
        token = Token(positions=False, chars=True, removestops=False, mode="query")
        words, indexed = self.words, self.indexed
        for match in _TOKEN.finditer(value):
            word = match.group()
            found = words.get(word)
            if found is None:
                found = indexed(word)
            token.text = found
            token.matched = found in terms
            token.startchar, token.endchar = match.span()
            token.boost = 1.0
            yield token


# The only characters that match an ASCII letter when case is ignored but do not lower
# to it (``re`` ignores case by Unicode's simple folding): dotless i, dotted capital I,
# long s.
_CASE_ODD = ("\u0131", "\u0130", "\u017f")


class FirstWord:
    """Where a word that may be one of a query's terms first starts in a text: the first
    match of ``pattern`` (``\\b`` and the stems, ignoring case), found sooner.

    With ``\\b`` in front, Python's regex engine tries the alternation at every position
    (200 µs through a 9,000-character article). With ASCII stems, the lowered text is
    scanned for the stems alone (10 µs) and each place found is checked with the
    pattern itself, so the match is the one ``pattern.search`` gives; a text that holds
    a character lowering otherwise than case is ignored is searched with the pattern.
    """

    def __init__(self, pattern: re.Pattern[str], stems: list[str]) -> None:
        self.pattern = pattern
        self.plain = re.compile("|".join(re.escape(stem.lower()) for stem in stems)) if all(
            stem.isascii() for stem in stems) else None

    def search(self, text: str) -> re.Match[str] | None:
        if self.plain is None or (not text.isascii() and any(c in text for c in _CASE_ODD)):
            return self.pattern.search(text)
        lowered = text.lower()
        if len(lowered) != len(text):
            return self.pattern.search(text)
        place = self.plain.search(lowered)
        while place is not None:
            match = self.pattern.match(text, place.start())
            if match is not None:
                return match
            place = self.plain.search(lowered, place.start() + 1)
        return None


def first_word_pattern(terms: set[str]) -> FirstWord | None:
    """Where an indexed (stemmed) term's word may start in raw text (:class:`FirstWord`).

    A Porter stem is a prefix of its words except for a final ``i`` (``countri``).
    """
    stems = sorted({t[:-1] if t.endswith("i") and len(t) > 3 else t for t in terms if t},
                   key=len, reverse=True)
    if not stems:
        return None
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in stems) + ")", re.IGNORECASE)
    return FirstWord(pattern, stems)


def window(text: str, first_word: FirstWord | re.Pattern[str]) -> str:
    """The part of ``text`` around the first likely match: SNIPPET_WINDOW long, to the
    end of its last word (at most twice that)."""
    if len(text) <= SNIPPET_WINDOW:
        return text
    match = first_word.search(text)
    start = 0 if match is None else max(0, match.start() - 80)
    if start:
        start = text.find(" ", start) + 1
    # End at a space, so the last word is whole (a very long one is cut after all).
    end = text.find(" ", start + SNIPPET_WINDOW, start + 2 * SNIPPET_WINDOW)
    if end < 0:
        end = min(len(text), start + 2 * SNIPPET_WINDOW)
    return text[start:end]


def plain_start(text: str) -> Segments:
    text = " ".join(text.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return ((text, False),) if text else ()


class Snippets:
    """Cuts snippets for one query's terms; one per searcher holds the word cache."""

    def __init__(self, field_analyzer: Analyzer) -> None:
        self.analyzer = WordAnalyzer(field_analyzer)
        self.fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
        self.scorer = BasicFragmentScorer()
        self.formatter = _SegmentFormatter()

    def cut(self, text: str, terms: frozenset[str], first_word: FirstWord | None) -> Segments:
        """The best two fragments of ``text`` around ``terms``; else its start, unmarked.
        What Whoosh's ``highlight(part, terms, analyzer, fragmenter, formatter, top=2)``
        gives."""
        snippet: Segments = ()
        if text and first_word is not None and terms:
            part = window(text, first_word)
            tokens = self.analyzer.marked(part, frozenset(terms))
            fragments = top_fragments(self.fragmenter.fragment_tokens(part, tokens), 2,
                                      self.scorer, FIRST, 1)
            snippet = tuple(self.formatter.format(fragments) or ())
        return snippet or plain_start(text)
