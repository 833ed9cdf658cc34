"""Ranked keyword search over the Whoosh index, bounded so no query can run away.

A query is checked before Whoosh sees it (unknown fields, unbalanced quotes or
brackets, impossible dates give one clear :class:`QueryError`), prefix wildcards
expand to at most :data:`MAX_EXPANSION` of their most frequent words, collection
stops after a time limit (partial results, ``cut_short``), snippets come back as
``(text, is_match)`` segments, and "did you mean" draws on the unstemmed words.
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

from tui.config import ChronicleError
from tui.index.schema import DEFAULT_FIELDS, FIELD_ALIASES

SORTS = ("relevance", "newest", "oldest", "date")
KINDS = ("event", "article", "day")
MAX_EXPANSION = 50
TIME_LIMIT = 3.0
SUGGEST_BELOW = 3
FACET_SAMPLE = 200
SNIPPET_CHARS = 220

Segments = tuple[tuple[str, bool], ...]
# id -> (snippet source text, topics); the query layer reads these from the catalog.
TextLookup = Callable[[list[str]], dict[str, tuple[str, list[str]]]]


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
    """Replace each prefix/wildcard by its :data:`MAX_EXPANSION` most frequent words."""
    reader = searcher.reader()

    def rewrite(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Prefix | wq.Wildcard):
            if isinstance(node, wq.Prefix):
                words = list(reader.expand_prefix(node.fieldname, node.text))
            else:
                words = [text for _, text in node.expanded_terms(reader)]
            if len(words) > MAX_EXPANSION:
                shown = f"{node.text}*" if isinstance(node, wq.Prefix) else node.text
                note = (f"{shown} matches {len(words)} words in {node.fieldname}; "
                        f"searched the {MAX_EXPANSION} most frequent")
                notes.append(note)
                words = heapq.nlargest(
                    MAX_EXPANSION, words, key=lambda w: reader.doc_frequency(node.fieldname, w)
                )
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


def _plain_start(text: str) -> Segments:
    text = " ".join(text.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return ((text, False),) if text else ()


def suggest(text: str, searcher: Searcher) -> str | None:
    """The query with each unknown word replaced by the closest indexed word, if any."""
    reader = searcher.reader()
    corrector = searcher.corrector("spell")
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(1)
        if _LITERAL_FIELD.search(text, 0, match.start()):  # kind:event is no misspelling
            return word
        if word in _OPERATORS or reader.doc_frequency("spell", word.lower()):
            return word
        found: list[str] = []
        for distance in (1, 2):  # Whoosh ranks by frequency alone: nearest distance first
            found = corrector.suggest(word.lower(), limit=1, maxdist=distance)
            if found:
                break
        if found and found[0] != word.lower():
            changed = True
            return found[0]
        return word

    fixed = _WORD.sub(fix, text)
    return fixed if changed else None


def run_search(
    searcher: Searcher,
    texts: TextLookup,
    text: str,
    limit: int = 50,
    sort: str = "relevance",
    kind: str | None = None,
    time_limit: float = TIME_LIMIT,
) -> SearchResults:
    """Run one query; every problem comes back in ``error``, never as an exception."""
    started = time.perf_counter()
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
    collector = searcher.collector(limit=max(limit, FACET_SAMPLE), sortedby=sortedby, terms=True)
    # No SIGALRM: it only works in the main thread and would disturb the app's loop.
    timed = TimeLimitCollector(collector, timelimit=time_limit, use_alarm=False)
    cut_short = False
    try:
        searcher.search_with_collector(q, timed)
    except TimeLimit:
        cut_short = True
    results = timed.results()
    results.fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    results.formatter = _SegmentFormatter()
    ranked = list(results)
    shown = ranked[:limit]
    lookup = texts([hit["id"] for hit in ranked])
    facet_counts: dict[str, tuple[str, int]] = {}
    for hit in ranked:
        for topic in lookup.get(hit["id"], ("", []))[1]:
            name, n = facet_counts.get(topic.casefold(), (topic, 0))
            facet_counts[topic.casefold()] = (name, n + 1)
    highlighter = Highlighter(fragmenter=results.fragmenter, formatter=results.formatter)
    hits = []
    for hit in shown:
        body, topics = lookup.get(hit["id"], ("", []))
        snippet: Segments = ()
        if body:
            snippet = tuple(highlighter.highlight_hit(hit, "body", text=body, top=2) or ())
        if not snippet:
            snippet = _plain_start(body)
        stamp = hit.get("date")
        hits.append(Hit(
            id=hit["id"], kind=hit["kind"],
            date=stamp.date() if isinstance(stamp, datetime) else None,
            title=hit.get("headline", ""), story=hit.get("story", ""), topics=tuple(topics),
            snippet=snippet, score=float(hit.score or 0.0),
        ))
    total = len(ranked) if cut_short else len(results)
    suggestion = suggest(text, searcher) if total < SUGGEST_BELOW else None
    facets = sorted(facet_counts.values(), key=lambda item: (-item[1], item[0].casefold()))
    return SearchResults(
        query=text, total=total, hits=tuple(hits), elapsed=time.perf_counter() - started,
        suggestion=suggestion, cut_short=cut_short, facets=tuple(facets[:20]), sort=sort,
        notes=tuple(notes),
    )
