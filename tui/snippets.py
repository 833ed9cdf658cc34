"""Search snippets: a hit's running text cut around its matches, as ``(text, is_match)``
segments (never markup).

Whoosh's highlighter finds and scores the fragments; what it is handed is made cheap:
only a window of the text around the first likely match, and words analysed once
each (the field's analyzer per distinct word, remembered) instead of every token
going through the analyzer's whole chain of filters for every hit of every query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import Analyzer, Token
from whoosh.highlight import ContextFragmenter, Formatter, highlight

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
        token = Token(positions=False, chars=True, removestops=False, mode="query")
        indexed = self.indexed
        for match in _TOKEN.finditer(value):
            token.text = indexed(match.group())
            token.startchar, token.endchar = match.span()
            token.boost = 1.0
            yield token


def first_word_pattern(terms: set[str]) -> re.Pattern[str] | None:
    """A pattern for where an indexed (stemmed) term's word may start in raw text.

    A Porter stem is a prefix of its words except for a final ``i`` (``countri``).
    """
    stems = sorted({t[:-1] if t.endswith("i") and len(t) > 3 else t for t in terms if t},
                   key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in stems) + ")", re.IGNORECASE)


def window(text: str, first_word: re.Pattern[str]) -> str:
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
        self.formatter = _SegmentFormatter()

    def cut(self, text: str, terms: frozenset[str], first_word: re.Pattern[str] | None) -> Segments:
        """The best two fragments of ``text`` around ``terms``; else its start, unmarked."""
        snippet: Segments = ()
        if text and first_word is not None and terms:
            part = window(text, first_word)
            snippet = tuple(highlight(part, terms, self.analyzer, self.fragmenter,
                                      self.formatter, top=2) or ())
        return snippet or plain_start(text)
