"""Did you mean: each unknown word of a query replaced by the nearest indexed word.

The words and their document counts come from the catalog's vocabulary table
(unstemmed, so a suggestion is a word a person types, not a stem).
"""

from __future__ import annotations

import re

from whoosh.spelling import ListCorrector

# "Did you mean" looks at this many words at most, none longer than this: a pasted page
# of text or a 10,000-letter "word" must not keep the corrector busy for seconds.
SUGGEST_WORDS = 12
SUGGEST_WORD_CHARS = 40

_WORD = re.compile(r"(?<![\w*?])([^\W\d_]{3,})(?![\w:*?])")
_LITERAL_FIELD = re.compile(r"(?:kind|type|url|id|date):$", re.IGNORECASE)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


class Vocabulary:
    """The archive's unstemmed words with their document counts, for "did you mean"."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.corrector = ListCorrector(sorted(counts))

    def nearest(self, word: str) -> str | None:
        """The most frequent word at the smallest edit distance (1, then 2), if any."""
        for distance in (1, 2):
            found = self.corrector.suggest(word, limit=50, maxdist=distance)
            if found:
                return max(found, key=lambda w: (self.counts.get(w, 0), w))
        return None


def suggest(text: str, vocabulary: Vocabulary) -> str | None:
    """The query with each unknown word replaced by the closest indexed word, if any."""
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(1)
        if _LITERAL_FIELD.search(text, 0, match.start()):  # kind:event is no misspelling
            return word
        if word in _OPERATORS or word.lower() in vocabulary.counts:
            return word
        found = vocabulary.nearest(word.lower())
        if found and found != word.lower():
            changed = True
            return found
        return word

    checked = 0

    def fix_some(match: re.Match[str]) -> str:
        nonlocal checked
        word = match.group(1)
        if len(word) > SUGGEST_WORD_CHARS or checked >= SUGGEST_WORDS:
            return word
        checked += 1
        return fix(match)

    fixed = _WORD.sub(fix_some, text)
    return fixed if changed else None
