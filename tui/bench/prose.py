"""Synthetic news prose: headlines, summaries and article bodies from the fixed vocabulary.

Words are drawn Zipf-like (``random.choices`` with cumulative weights, a whole
sentence per call, which keeps 100,000 events to seconds), names of the event's
topics are woven in so topic and keyword searches agree, and the text carries the
HTML entities the real archive leaves in (``&quot;`` ``&#039;`` ``&rsquo;`` ``&hellip;``).
"""

from __future__ import annotations

import random
import re

from tui.bench.vocabulary import Vocabulary

# Fixed phrases woven into sentences so phrase queries have something real to find.
PHRASES = (
    "prime minister", "supreme court", "human rights", "security council", "civil war",
    "united nations", "state media", "opposition leader", "death toll", "peace talks",
    "armed forces", "general election", "central bank", "interior ministry",
)
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 140


def slugify(text: str, length: int = SLUG_LENGTH) -> str:
    """The archive's slug rule: lower case, runs of anything else to ``-``, cut at 140."""
    slug = _SLUG_JUNK.sub("-", text.lower().replace("''", "")).strip("-")
    return slug[:length].rstrip("-")


def encode_entities(text: str, rng: random.Random) -> str:
    """Write quotes and apostrophes the way the archive's summaries do, as entities."""
    if "'" in text:
        text = text.replace("'", rng.choice(("&#039;", "&#039;", "&rsquo;", "&#39;")))
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


class Prose:
    """Writes sentences for one archive from its random stream."""

    def __init__(self, rng: random.Random, vocab: Vocabulary) -> None:
        self.rng = rng
        self.vocab = vocab

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocab.words, cum_weights=self.vocab.word_weights, k=count)

    def _weave(self, words: list[str], topics: list[str], names: int) -> list[str]:
        rng = self.rng
        for _ in range(names):
            name = rng.choice(topics) if topics and rng.random() < 0.8 else rng.choice(
                self.vocab.places
            )
            if rng.random() < 0.08:
                name += "'s"
            words.insert(rng.randrange(len(words) + 1), name)
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(PHRASES))
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words) + 1), f"at least {rng.randint(2, 400)}")
        if rng.random() < 0.05 and len(words) > 4:
            at = rng.randrange(len(words) - 2)
            words[at] = '"' + words[at]
            words[at + 1] = words[at + 1] + '"'
        if rng.random() < 0.15 and len(words) > 6:
            at = rng.randrange(2, len(words) - 2)
            words[at] = words[at] + ","
        return words

    def sentence(self, topics: list[str], low: int = 8, high: int = 30, mode: int = 16) -> str:
        count = int(self.rng.triangular(low, high, mode))
        names = 1 + (self.rng.random() < 0.5) + (count > 22)
        words = self._weave(self.words(max(count - names, 3)), topics, names)
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def headline(self, topics: list[str]) -> str:
        """10 to 40 words, most near 18; topic names in it; sometimes wiki ''italics''."""
        text = self.sentence(topics, 10, 40, 18)
        if self.rng.random() < 0.02:
            words = text.split(" ")
            at = self.rng.randrange(1, len(words))
            words[at] = f"''{words[at]}''"
            text = " ".join(words)
        return text

    def summary(self, topics: list[str]) -> str:
        """One to three sentences with entities, sometimes an ellipsis or a dash."""
        rng = self.rng
        sentences = [self.sentence(topics) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        text = encode_entities(" ".join(sentences), rng)
        if rng.random() < 0.05:
            text = text[:-1] + " &hellip;"
        if rng.random() < 0.03:
            text = text.replace(", ", " &ndash; ", 1)
        return text

    def paragraph(self, topics: list[str], count: int) -> str:
        """About ``count`` words cut into sentences of 8 to 30 (one draw per paragraph)."""
        rng = self.rng
        words = self._weave(self.words(count), topics, count // 14 + 1)
        sentences = []
        at = 0
        while at < len(words):
            size = rng.randint(8, 30)
            text = " ".join(words[at : at + size])
            sentences.append(text[0].upper() + text[1:] + ".")
            at += size
        return " ".join(sentences)

    def article_paragraphs(self, topics: list[str], place: str) -> list[str]:
        """400 to 1,500 words in paragraphs, a dateline, curly-quote entities."""
        rng = self.rng
        remaining = rng.randint(400, 1500)
        paragraphs: list[str] = []
        while remaining > 0:
            count = min(remaining, rng.randint(30, 130))
            remaining -= count
            paragraph = self.paragraph(topics, count).replace("'", "&rsquo;")
            if '"' in paragraph:
                parts = paragraph.split('"')
                paragraph = "".join(
                    part + ("&ldquo;" if i % 2 == 0 else "&rdquo;")
                    for i, part in enumerate(parts[:-1])
                ) + parts[-1]
            paragraphs.append(paragraph)
        paragraphs[0] = f"{place.upper()} &mdash; {paragraphs[0]}"
        return paragraphs

    def title(self, topics: list[str]) -> str:
        """An article's own title: shorter than an event headline, no final stop."""
        return self.sentence(topics, 5, 14, 8).rstrip(".")
