"""The benchmark's published query set, and one drawn from any archive's own words.

Each query is written three ways: Chronicle's syntax (``Library.search``), an SQLite
FTS5 ``MATCH`` expression, and the grep passes a person would run over the files
(every ``grep_all`` pattern, any ``grep_any`` pattern, no ``grep_none`` pattern).
The fixed set names words, topics and stories of the fixed synthetic vocabulary
(``tui.bench.vocabulary``), so it means the same in every generated archive.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.model import Article, DayPage, Document, Event


@dataclass(frozen=True, slots=True)
class BenchQuery:
    """One query of the set; ``years`` limits dates, ``sort`` orders the results."""

    name: str
    text: str
    fts: str
    grep_all: tuple[str, ...] = ()
    grep_any: tuple[str, ...] = ()
    grep_none: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    sort: str = "relevance"
    notes: tuple[str, ...] = field(default=())


_META = re.compile(r"([\\.^$|?*+()\[\]{}])")


def _escape(text: str) -> str:
    """Escape regex metacharacters only: ripgrep refuses escapes such as ``\\ ``."""
    return _META.sub(r"\\\1", text)


def _word(word: str) -> str:
    return rf"\b{_escape(word)}\b"


def term(name: str, word: str, sort: str = "relevance") -> BenchQuery:
    return BenchQuery(name, word, word, grep_all=(_word(word),), sort=sort)


def all_of(name: str, *words: str) -> BenchQuery:
    return BenchQuery(name, " ".join(words), " AND ".join(words),
                      grep_all=tuple(_word(w) for w in words))


def any_of(name: str, *words: str) -> BenchQuery:
    return BenchQuery(name, " OR ".join(words), " OR ".join(words),
                      grep_any=tuple(_word(w) for w in words))


def but_not(name: str, word: str, unwanted: str) -> BenchQuery:
    return BenchQuery(name, f"{word} NOT {unwanted}", f"{word} NOT {unwanted}",
                      grep_all=(_word(word),), grep_none=(_word(unwanted),))


def phrase(name: str, words: str) -> BenchQuery:
    return BenchQuery(name, f'"{words}"', f'"{words}"', grep_all=(_word(words),))


def field_query(name: str, field_name: str, value: str, sort: str = "relevance") -> BenchQuery:
    column = {"topic": "topics", "story": "story"}[field_name]
    return BenchQuery(name, f'{field_name}:"{value}"', f'{column} : "{value}"',
                      grep_all=(_word(value),), sort=sort)


def prefix(name: str, start: str) -> BenchQuery:
    return BenchQuery(name, f"{start}*", f"{start}*", grep_all=(rf"\b{_escape(start)}\w*",))


def dated(name: str, words: str, first: int, last: int, sort: str = "relevance") -> BenchQuery:
    text = f"{words} date:[{first} to {last}]".strip()
    grep = tuple(_word(w) for w in words.split())
    return BenchQuery(name, text, " AND ".join(words.split()), grep_all=grep,
                      years=(first, last), sort=sort)


def fixed_queries() -> list[BenchQuery]:
    """The published set for synthetic archives (words from the fixed vocabulary)."""
    return [
        term("word in almost every document", "people"),
        term("word in most documents", "said"),
        all_of("two very common words (AND)", "people", "government"),
        all_of("two mid-frequency words (AND)", "police", "killed"),
        all_of("three words (AND)", "people", "police", "election"),
        any_of("two words (OR)", "police", "election"),
        any_of("three words (OR)", "referendum", "parliament", "earthquake"),
        but_not("word NOT common word", "police", "people"),
        phrase("phrase", "prime minister"),
        phrase("phrase of rarer words", "death toll"),
        phrase("phrase of very common words", "people said"),
        field_query("topic field", "topic", "South Sudan"),
        field_query("topic field, newest first", "topic", "Chile", sort="newest"),
        field_query("story field", "story", "2009 Portugal floods"),
        field_query("story field, oldest first", "story", "Pakistan-Morocco relations",
                    sort="oldest"),
        dated("date range only", "", 2011, 2012),
        dated("word in a date range", "police", 2011, 2011),
        dated("common word in a date range, newest first", "people", 2015, 2018, "newest"),
        prefix("prefix wildcard, short", "go"),
        prefix("prefix wildcard, longer", "elect"),
        prefix("prefix of made-up words", "pri"),
        term("common word, newest first", "government", sort="newest"),
        term("mid-frequency word, oldest first", "earthquake", sort="oldest"),
        term("rare made-up word", "keprekak"),
        term("misspelt word (did you mean)", "goverment"),
    ]


_TOKEN = re.compile(r"[a-z]{3,}")
_STOP = frozenset((
    "the", "and", "for", "are", "was", "with", "that", "this", "from", "have", "has", "been",
    "were", "which", "into", "than", "their", "his", "its", "not", "but", "who", "they",
    "will", "would", "about", "after", "over", "said", "says",
))


def archive_queries(documents: Iterable[Document]) -> list[BenchQuery]:
    """A query set of the same shapes drawn from an archive's own words, topics, stories."""
    df: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    stories: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    years: Counter[int] = Counter()
    for doc in documents:
        if isinstance(doc, Event):
            text = f"{doc.headline} {doc.summary}"
            topics.update(doc.topics)
            if doc.story:
                stories[doc.story] += 1
        elif isinstance(doc, Article):
            text = f"{doc.title} {' '.join(doc.paragraphs[:3])}"
        elif isinstance(doc, DayPage):
            text = " ".join(e.headline for e in doc.entries)
        else:
            continue
        if doc.date is not None:
            years[doc.date.year] += 1
        words = _TOKEN.findall(text.lower())
        df.update(set(words))
        pairs.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)
                     if a not in _STOP and b not in _STOP)
    ranked = [w for w, _ in df.most_common() if w not in _STOP]
    if len(ranked) < 12:
        raise ValueError("the archive has too few distinct words to draw a query set from")
    common, second, third = ranked[0], ranked[1], ranked[2]
    mid = ranked[len(ranked) // 50 or 3]
    mid2 = ranked[len(ranked) // 40 or 4]
    rare = ranked[len(ranked) * 3 // 4]
    bigram = pairs.most_common(1)[0][0] if pairs else f"{common} {second}"
    busiest = max(years, key=lambda y: (years[y], y)) if years else 2011
    queries = [
        term("most common word", common),
        term("second most common word", second),
        all_of("two common words (AND)", common, second),
        all_of("three words (AND)", common, second, mid),
        any_of("two words (OR)", mid, mid2),
        but_not("word NOT common word", mid, common),
        phrase("most common word pair (phrase)", bigram),
        dated("date range only", "", busiest, busiest),
        dated("word in a date range", mid, busiest, busiest, sort="newest"),
        prefix("prefix wildcard", common[:2]),
        prefix("prefix wildcard, longer", third[:4]),
        term("common word, newest first", third, sort="newest"),
        term("rare word", rare),
        term("misspelt word (did you mean)", common[:-1] + common[-1] * 2),
    ]
    for topic, _ in topics.most_common(2):
        queries.append(field_query(f"topic field ({topic})", "topic", topic.replace('"', "")))
    for story, _ in stories.most_common(1):
        queries.append(field_query(f"story field ({story})", "story", story.replace('"', "")))
    return queries
