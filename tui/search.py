"""Ranked keyword search over the Whoosh index, bounded so no query can run away.

A query is checked before Whoosh sees it (unknown fields, unbalanced quotes or
brackets, impossible dates give one clear :class:`QueryError`), prefix wildcards
expand to at most :data:`MAX_EXPANSION` of their most frequent words (and at most
:data:`MAX_PREFIX_POSTINGS` postings in all), collection stops after a time limit
(partial results, ``cut_short``), snippets come back as ``(text, is_match)`` segments,
and "did you mean" draws on the unstemmed words.

For speed the collector is a plain top-N one (``terms=True`` made every match pay
for a walk over all term matchers), the total is exact only when the collector
counted it anyway or the estimate is small, and otherwise Whoosh's estimate
(``total_exact`` False, with a note), and only the shown hits are highlighted, each
within a window around its first match. Whoosh still scores every matching document
(its block-quality skipping seldom applies to a multi-field union), so a query of
very common words is what the time limit is for.
"""

from __future__ import annotations

import heapq
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from whoosh import query as wq
from whoosh import sorting
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.highlight import ContextFragmenter, Formatter, Highlighter
from whoosh.qparser import FieldAliasPlugin, MultifieldParser
from whoosh.searching import Searcher
from whoosh.spelling import ListCorrector

from tui.config import ChronicleError
from tui.index.schema import DEFAULT_FIELDS, FIELD_ALIASES
from tui.text import strip_controls

SORTS = ("relevance", "newest", "oldest", "date")
KINDS = ("event", "article", "day")
MAX_EXPANSION = 50
# Summed document frequency a prefix may expand to: `go*` must not become a union of
# fifty words that between them are in every document twice over.
MAX_PREFIX_POSTINGS = 10_000
# Seconds the collector may run; a search stopped there keeps its best hits so far.
TIME_LIMIT = 0.15
SUGGEST_BELOW = 3
# Whoosh's query parser slows down with the square of a long word; no real query is
# longer than this.
MAX_QUERY_CHARS = 1000
# "Did you mean" looks at this many words at most, none longer than this: a pasted page
# of text or a 10,000-letter "word" must not keep the corrector busy for seconds.
SUGGEST_WORDS = 12
SUGGEST_WORD_CHARS = 40
FACET_SAMPLE = 200
# Below this estimated number of matches the total is counted exactly.
EXACT_COUNT_BELOW = 2_000
SNIPPET_CHARS = 220
# Highlighting re-analyses the text it is given: only this many characters around
# the first place a query word seems to occur are handed to it.
SNIPPET_WINDOW = 700

Segments = tuple[tuple[str, bool], ...]
# id -> snippet source text, and id -> topics; the query layer reads them from the catalog.
TextLookup = Callable[[list[str]], dict[str, str]]
TopicLookup = Callable[[list[str]], dict[str, list[str]]]


class QueryError(ChronicleError):
    """A query that cannot be run as written; the message names the query and the fault."""


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    kind: str
    date: date | None
    title: str
    story: str
    topics: tuple[str, ...]
    snippet: Segments
    score: float


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    total: int = 0
    hits: tuple[Hit, ...] = ()
    elapsed: float = 0.0
    suggestion: str | None = None
    error: str | None = None
    cut_short: bool = False
    facets: tuple[tuple[str, int], ...] = ()
    sort: str = "relevance"
    notes: tuple[str, ...] = field(default_factory=tuple)
    total_exact: bool = True


_FIELD = re.compile(r"(?:^|[\s(+\-])([A-Za-z_]\w*):")
_DATE_VALUE = re.compile(r"date:(\[[^\]]*\]?|\{[^}]*\}?|\"[^\"]*\"|\S*)", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_KIND_VALUE = re.compile(r"(?:kind|type):(\S*)", re.IGNORECASE)
_WORD = re.compile(r"(?<![\w*?])([^\W\d_]{3,})(?![\w:*?])")
_LITERAL_FIELD = re.compile(r"(?:kind|type|url|id|date):$", re.IGNORECASE)
_SPACE_RUN = re.compile(r"\s+")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def _outside_quotes(text: str) -> str:
    """The query with quoted parts blanked, so their content is never read as syntax."""
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group()), text)


def check_query(text: str) -> None:
    """Raise :class:`QueryError` for what Whoosh would silently misread."""
    shown = text if len(text) <= 80 else text[:77] + "..."
    if not text.strip():
        raise QueryError("empty query: type one or more words")
    if text.count('"') % 2:
        raise QueryError(f"query {shown!r}: unbalanced quote (\")")
    bare = _outside_quotes(text)
    stack: list[str] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    for char in bare:
        if char in "([{":
            stack.append(char)
        elif char in pairs:
            if not stack or stack[-1] != pairs[char]:
                raise QueryError(f"query {shown!r}: unbalanced bracket {char!r}")
            stack.pop()
    if stack:
        raise QueryError(f"query {shown!r}: bracket {stack[-1]!r} is never closed")
    for match in _FIELD.finditer(bare):
        name = match.group(1).lower()
        if name not in FIELD_ALIASES:
            known = ", ".join(sorted({"headline", "title", "story", "topic", "publisher", "kind",
                                      "date", "url"}))
            raise QueryError(f"query {shown!r}: unknown field {match.group(1)!r} (fields: {known})")
    for match in _DATE_VALUE.finditer(text):
        _check_date(match.group(1), shown)
    for match in _KIND_VALUE.finditer(bare):
        if match.group(1).lower().strip("()") not in KINDS:
            raise QueryError(f"query {shown!r}: kind must be event, article or day")


def _check_date(value: str, shown: str) -> None:
    hint = "use 2011, 2011-11, 2011-11-12 or [2011-11-01 to 2011-11-30]"
    value = value.strip('"')
    if value[:1] in "[{":
        inner = value[1:-1]
        parts = re.split(r"\s+to\s+", inner.strip(), flags=re.IGNORECASE)
        if len(parts) != 2 or not any(p.strip() for p in parts):
            raise QueryError(f"query {shown!r}: date range {value!r} needs 'A to B' ({hint})")
        values = [p.strip() for p in parts if p.strip()]
    else:
        values = [value]
    for one in values:
        match = _DAY.match(one)
        ok = match is not None
        if match:
            year, month, day = (int(g) if g else 1 for g in match.groups())
            try:
                date(year, month, day)
            except ValueError:
                ok = False
        if not ok:
            raise QueryError(f"query {shown!r}: {one!r} is not a date ({hint})")


def parse_query(text: str, searcher: Searcher) -> wq.Query:
    check_query(text)
    parser = MultifieldParser(list(DEFAULT_FIELDS), searcher.schema, fieldboosts=DEFAULT_FIELDS)
    aliases: dict[str, list[str]] = {}
    for alias, name in FIELD_ALIASES.items():
        if alias != name:
            aliases.setdefault(name, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    try:
        return parser.parse(text)
    except Exception as exc:  # noqa: BLE001 - any parser failure is the query's fault
        raise QueryError(f"query {text!r} cannot be read: {exc}") from None


def bound_expansion(q: wq.Query, searcher: Searcher, notes: list[str]) -> wq.Query:
    """Replace each prefix/wildcard by its most frequent words: at most
    :data:`MAX_EXPANSION` of them, holding at most :data:`MAX_PREFIX_POSTINGS` postings
    together (the most frequent word always counts)."""
    reader = searcher.reader()

    def rewrite(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Prefix | wq.Wildcard):
            if isinstance(node, wq.Prefix):
                words = list(reader.expand_prefix(node.fieldname, node.text))
            else:
                words = [text for _, text in node.expanded_terms(reader)]
            frequency = {w: reader.doc_frequency(node.fieldname, w) for w in words}
            ranked = heapq.nlargest(MAX_EXPANSION, words, key=frequency.__getitem__)
            kept: list[str] = []
            postings = 0
            for word in ranked:
                if kept and postings + frequency[word] > MAX_PREFIX_POSTINGS:
                    break
                kept.append(word)
                postings += frequency[word]
            if len(kept) < len(words):
                shown = f"{node.text}*" if isinstance(node, wq.Prefix) else node.text
                note = (f"{shown} matches {len(words)} words in {node.fieldname}; "
                        f"searched the {len(kept)} most frequent")
                notes.append(note)
            words = kept
            if not words:
                return wq.NullQuery
            return wq.Or([wq.Term(node.fieldname, w, boost=node.boost) for w in words])
        if node.is_leaf():
            return node
        return node.apply(rewrite)

    return rewrite(q)


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


def _first_word_pattern(terms: set[str]) -> re.Pattern[str] | None:
    """A pattern for where an indexed (stemmed) term's word may start in raw text.

    A Porter stem is a prefix of its words except for a final ``i`` (``countri``).
    """
    stems = sorted({t[:-1] if t.endswith("i") and len(t) > 3 else t for t in terms if t},
                   key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in stems) + ")", re.IGNORECASE)


def _window(text: str, first_word: re.Pattern[str]) -> str:
    """The part of ``text`` around the first likely match, at most SNIPPET_WINDOW long."""
    if len(text) <= SNIPPET_WINDOW:
        return text
    match = first_word.search(text)
    start = 0 if match is None else max(0, match.start() - SNIPPET_WINDOW // 3)
    if start:
        start = text.find(" ", start) + 1
    return text[start:start + SNIPPET_WINDOW]


def _plain_start(text: str) -> Segments:
    text = " ".join(text.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return ((text, False),) if text else ()


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


def run_search(
    searcher: Searcher,
    texts: TextLookup,
    topics: TopicLookup,
    text: str,
    limit: int = 50,
    sort: str = "relevance",
    kind: str | None = None,
    time_limit: float = TIME_LIMIT,
    vocabulary: Callable[[], Vocabulary] | None = None,
) -> SearchResults:
    """Run one query; every problem comes back in ``error``, never as an exception.

    Control and invisible format characters in the typed text mean nothing to a search
    and must not be echoed back to a terminal: they are dropped first.
    """
    started = time.perf_counter()
    text = " ".join(strip_controls(text).split())
    if len(text) > MAX_QUERY_CHARS:
        error = f"the query is too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})"
        return SearchResults(text[:MAX_QUERY_CHARS] + "…", sort=sort, error=error)
    if sort not in SORTS:
        error = f"unknown sort {sort!r} (use {', '.join(SORTS)})"
        return SearchResults(text, sort=sort, error=error)
    if kind is not None and kind not in KINDS:
        error = f"unknown kind {kind!r} (use event, article or day)"
        return SearchResults(text, sort=sort, error=error)
    notes: list[str] = []
    try:
        q = bound_expansion(parse_query(text, searcher), searcher, notes)
    except QueryError as exc:
        return SearchResults(text, sort=sort, error=str(exc))
    sortedby = None
    if sort in ("newest", "oldest", "date"):
        sortedby = sorting.FieldFacet("date", reverse=(sort == "newest"))
    if kind:
        # In the query, not a collector filter: TimeLimitCollector bypasses filters.
        q = wq.And([q, wq.Term("kind", kind, boost=0.0)])
    collector = searcher.collector(limit=max(limit, FACET_SAMPLE), sortedby=sortedby)
    # No SIGALRM: it only works in the main thread and would disturb the app's loop.
    timed = TimeLimitCollector(collector, timelimit=time_limit, use_alarm=False)
    cut_short = False
    try:
        searcher.search_with_collector(q, timed)
    except TimeLimit:
        cut_short = True
    results = timed.results()
    # Not list(results): list() asks len() first, and that counts every match.
    ranked = [results[n] for n in range(results.scored_length())]
    shown = ranked[:limit]
    ranked_ids = [hit["id"] for hit in ranked]
    topics_by_id = topics(ranked_ids)
    bodies = texts(ranked_ids[:limit])
    facet_counts: dict[str, tuple[str, int]] = {}
    for doc_id in ranked_ids:
        for topic in topics_by_id.get(doc_id, ()):
            name, n = facet_counts.get(topic.casefold(), (topic, 0))
            facet_counts[topic.casefold()] = (name, n + 1)
    fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    highlighter = Highlighter(fragmenter=fragmenter, formatter=_SegmentFormatter())
    words = {term.decode("utf-8", "replace") if isinstance(term, bytes) else str(term)
             for field_name, term in q.iter_all_terms() if field_name == "body"}
    first_word = _first_word_pattern(words)
    hits = []
    for hit in shown:
        body = bodies.get(hit["id"], "")
        snippet: Segments = ()
        if body and first_word is not None:
            window = _window(body, first_word)
            snippet = tuple(highlighter.highlight_hit(hit, "body", text=window, top=2) or ())
        if not snippet:
            snippet = _plain_start(body)
        stamp = hit.get("date")
        hits.append(Hit(
            id=hit["id"], kind=hit["kind"],
            date=stamp.date() if isinstance(stamp, datetime) else None,
            title=hit.get("headline", ""), story=hit.get("story", ""),
            topics=tuple(topics_by_id.get(hit["id"], ())),
            snippet=snippet, score=float(hit.score or 0.0),
        ))
    total_exact = not cut_short and results.has_exact_length()
    if cut_short:
        total = len(ranked)
    elif total_exact:
        total = len(results)
    else:
        # Counting every match means running the query a second time; Whoosh's
        # estimate from the terms' frequencies stands in, unless it is small enough
        # to count exactly in a few milliseconds.
        total = max(results.estimated_length(), len(ranked))
        if total <= EXACT_COUNT_BELOW:
            total, total_exact = len(results), True
        else:
            notes.append(f"about {total:,} matches (estimated)")
    suggestion = None
    if total < SUGGEST_BELOW and vocabulary is not None:
        suggestion = suggest(text, vocabulary())
    facets = sorted(facet_counts.values(), key=lambda item: (-item[1], item[0].casefold()))
    return SearchResults(
        query=text, total=total, hits=tuple(hits), elapsed=time.perf_counter() - started,
        suggestion=suggestion, cut_short=cut_short, facets=tuple(facets[:20]), sort=sort,
        notes=tuple(notes), total_exact=total_exact,
    )
