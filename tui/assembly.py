"""One day's documents -> that day's events.

The archive keeps several pages for one event (old and new slug spellings, ``-p``
artefacts, truncated slugs, ``Story:. Headline`` prefixes, version histories) and one
or two day pages listing the day in different formats. Assembly merges the pages of
one event, attaches what the day pages know (stories, topics, excerpts) and turns
day-page entries that have no page into short events, so every layer above sees each
event once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import TypeVar

from tui.model import Article, DayEntry, DayPage, Document, Event
from tui.text import headline_key, split_story_prefix

T = TypeVar("T")

# A headline whose key is a prefix of another's, at least this long, is a truncated
# copy of it (slugs and some headlines were cut at a fixed length).
MIN_PREFIX_KEY = 40
# A key that is another with at most this share of its letters left out is the same
# headline after the mirror dropped characters (``Champs-lyses``).
NEAR_RATIO = 0.95
# Candidates compared per bucket: bounds the work on a pathological day.
_BUCKET_LIMIT = 64
# ``Story: Headline`` and ``Story. Headline``: a story name of at most this many
# characters folded in front of the headline.
_STORY_SEPARATOR = re.compile(r"[.:] ")
_STORY_LIMIT = 120
_SLUG_SEPARATORS = re.compile(r"[^a-z0-9]+")
HEADLINES_CACHED = 8192


def assemble(documents: Iterable[Document]) -> tuple[list[Event], list[DayPage], list[Article]]:
    """Group a whole archive by date and assemble each day (events in date order)."""
    pages: dict[date, list[Event]] = defaultdict(list)
    day_pages: dict[date, list[DayPage]] = defaultdict(list)
    articles: list[Article] = []
    for document in documents:
        if isinstance(document, Event) and document.date is not None:
            pages[document.date].append(document)
        elif isinstance(document, DayPage):
            day_pages[document.date].append(document)
        elif isinstance(document, Article):
            articles.append(document)
    events: list[Event] = []
    for day in sorted(set(pages) | set(day_pages)):
        events.extend(assemble_day(pages.get(day, []), day_pages.get(day, [])))
    all_day_pages = sorted((p for group in day_pages.values() for p in group), key=_day_page_order)
    return events, all_day_pages, sorted(articles, key=lambda a: a.id)


def assemble_day(pages: list[Event], day_pages: list[DayPage]) -> list[Event]:
    """All documents of one date -> its events, duplicates merged, day-page facts attached."""
    events = _merge_duplicates(sorted(pages, key=lambda e: e.id))
    index = _EventIndex(events)
    order: dict[int, int] = {}
    for page in sorted(day_pages, key=_listing_priority):
        for entry in page.entries:
            position = index.find(entry.target, entry.headline)
            if position is None:
                events.append(_short_event(entry, page))
                position = len(events) - 1
                index.add(position, events[position])
            else:
                _attach(events[position], entry)
            order.setdefault(position, len(order))
    ranked = sorted(
        range(len(events)),
        key=lambda i: (order.get(i, len(order)), events[i].headline.casefold(), events[i].id),
    )
    return [events[i] for i in ranked]


def _merge_duplicates(pages: list[Event]) -> list[Event]:
    parent = list(range(len(pages)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    headlines = _HeadlineIndex()
    texts: dict[str, int] = {}
    for i, page in enumerate(pages):
        texts.setdefault(_folded(page.headline), i)
    for i, page in enumerate(pages):
        others = [owner[name] for name in (page.id, *page.aliases) if name in owner]
        keys = _keys(page.headline)
        for key in keys:
            others.extend(headlines.matches(key))
        others.extend(texts[rest] for rest in _unprefixed(page.headline) if rest in texts)
        for j in others:
            ri, rj = root(i), root(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
        for name in (page.id, *page.aliases):
            owner.setdefault(name, i)
        for key in keys:
            headlines.add(key, i)
    groups: dict[int, list[Event]] = defaultdict(list)
    for i, page in enumerate(pages):
        groups[root(i)].append(page)
    return [_merge(group) for _, group in sorted(groups.items())]


def _merge(group: list[Event]) -> Event:
    """The fullest page of ``group`` with what the others add; the others' ids become aliases."""
    if len(group) == 1:
        return copy_event(group[0])
    keys = [headline_key(page.headline) for page in group]
    prefixed = [_is_prefixed(key, keys) for key in keys]
    truncated = [_is_truncated(key, keys) for key in keys]
    order = sorted(
        range(len(group)),
        key=lambda i: _fullness(group[i], prefixed[i], truncated[i]),
        reverse=True,
    )
    ranked = [group[i] for i in order]
    kept = ranked[0]
    clean = [group[i] for i in order if not prefixed[i] and not truncated[i]]
    headline = clean[0].headline if clean else kept.headline
    story = kept.story or next((p.story for p in ranked if p.story), "")
    if not story:
        story = next(
            (
                p.headline[: -len(headline)].strip(" .:;-—")
                for p in ranked
                if len(p.headline) > len(headline) and p.headline.endswith(headline)
            ),
            "",
        )
    return replace(
        kept,
        headline=headline,
        summary=kept.summary or max((p.summary for p in ranked), key=len),
        sources=_distinct_by(
            (s for p in ranked for s in p.sources), lambda s: s.url.casefold() or s.publisher
        ),
        related=_distinct_by((r for p in ranked for r in p.related), lambda r: r.target),
        story=story,
        topics=_union(p.topics for p in ranked),
        aliases=_distinct(
            name for page in ranked for name in (page.id, *page.aliases) if name != kept.id
        ),
        day_link=kept.day_link or next((p.day_link for p in ranked if p.day_link), None),
    )


def copy_event(event: Event) -> Event:
    """``dataclasses.replace(event)`` (a shallow copy) without its per-field reflection:
    a build copies nearly every event."""
    return Event(event.id, event.date, event.headline, event.summary, event.sources,
                 event.related, event.day_link, event.story, event.topics, event.aliases,
                 event.from_day_page, event.kind)


def _is_prefixed(key: str, keys: list[str]) -> bool:
    """``key`` is another key of the group with a story folded in front."""
    return any(MIN_PREFIX_KEY <= len(o) < len(key) and key.endswith(o) for o in keys)


def _is_truncated(key: str, keys: list[str]) -> bool:
    """``key`` is the start of a longer key of the group."""
    return len(key) >= MIN_PREFIX_KEY and any(len(o) > len(key) and o.startswith(key) for o in keys)


def _fullness(
    page: Event, prefixed: bool, truncated: bool
) -> tuple[bool, int, bool, bool, bool, int, str]:
    """Rank: summary, most sources and related links, then clean headline and slug, short id."""
    return (
        bool(page.summary),
        len(page.sources) + len(page.related),
        not prefixed,
        not _story_prefixed_slug(page),
        not truncated,
        -len(page.id),
        page.id,
    )


def _story_prefixed_slug(page: Event) -> bool:
    """True for ``2011-syrian-uprising-popposition-...``: the story folded into the slug."""
    if not page.story:
        return False
    story_slug = _SLUG_SEPARATORS.sub("-", page.story.casefold()).strip("-")
    slug = page.id.rsplit("/", 1)[-1]
    return bool(story_slug) and slug.startswith(story_slug + "-")


def same_headline(first: str, second: str) -> bool:
    """Two headline keys of one day name one event.

    Equal; one a truncation of the other or the other with a story folded in front
    (sharing at least :data:`MIN_PREFIX_KEY` characters); or nearly equal, as when the
    mirror dropped accented letters (``Champs-lyses`` for ``Champs-Elysees``).
    """
    if first == second:
        return True
    if min(len(first), len(second)) < MIN_PREFIX_KEY:
        return False
    if first.startswith(second) or second.startswith(first):
        return True
    if first.endswith(second) or second.endswith(first):
        return True
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    return _dropped_characters(longer, shorter)


def _dropped_characters(longer: str, shorter: str) -> bool:
    """``shorter`` is ``longer`` with a few letters (never digits) left out."""
    dropped = len(longer) - len(shorter)
    if dropped <= 0 or dropped > len(longer) * (1 - NEAR_RATIO):
        return False
    start = _common_prefix(longer, shorter)
    end = _common_prefix(longer[start:][::-1], shorter[start:][::-1])
    middle_long = longer[start : len(longer) - end]
    middle_short = shorter[start : len(shorter) - end]
    position = 0
    for char in middle_short:
        found = middle_long.find(char, position)
        if found < 0 or any(c.isdigit() for c in middle_long[position:found]):
            return False
        position = found + 1
    return not any(c.isdigit() for c in middle_long[position:])


def _common_prefix(first: str, second: str) -> int:
    """Length of the common prefix, by bisection on slice comparisons (C speed)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


class _HeadlineIndex:
    """Headline keys of a day, found again by :func:`same_headline`.

    Keys are bucketed by their first and last :data:`MIN_PREFIX_KEY` characters, so a
    lookup compares against a handful of candidates, not the whole day.
    """

    def __init__(self) -> None:
        self._exact: dict[str, int] = {}
        self._heads: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._tails: dict[str, list[tuple[str, int]]] = defaultdict(list)

    def add(self, key: str, position: int) -> None:
        if not key:
            return
        self._exact.setdefault(key, position)
        if len(key) >= MIN_PREFIX_KEY:
            self._heads[key[:MIN_PREFIX_KEY]].append((key, position))
            self._tails[key[-MIN_PREFIX_KEY:]].append((key, position))

    def matches(self, key: str) -> list[int]:
        if not key:
            return []
        found = [self._exact[key]] if key in self._exact else []
        if len(key) >= MIN_PREFIX_KEY:
            for bucket in (
                self._heads.get(key[:MIN_PREFIX_KEY]),
                self._tails.get(key[-MIN_PREFIX_KEY:]),
            ):
                for other, position in (bucket or [])[:_BUCKET_LIMIT]:
                    if position not in found and same_headline(key, other):
                        found.append(position)
        return found


class _EventIndex:
    """Finds a day's event by link target or alias, else by headline."""

    def __init__(self, events: list[Event]) -> None:
        self._names: dict[str, int] = {}
        self._texts: dict[str, int] = {}
        self._headlines = _HeadlineIndex()
        for position, event in enumerate(events):
            self.add(position, event)

    def add(self, position: int, event: Event) -> None:
        for name in (event.id, *event.aliases):
            self._names.setdefault(name, position)
        self._texts.setdefault(_folded(event.headline), position)
        for key in _keys(event.headline):
            self._headlines.add(key, position)

    def find(self, target: str, headline: str) -> int | None:
        if target in self._names:
            return self._names[target]
        for rest in [_folded(headline), *_unprefixed(headline)]:
            if rest in self._texts:
                return self._texts[rest]
        for key in _keys(headline):
            found = self._headlines.matches(key)
            if found:
                return found[0]
        return None


# A headline is keyed when its pages merge, when its event is indexed and when a day
# page's entry looks for it: each is worked out once (for the days nearby).
@lru_cache(maxsize=HEADLINES_CACHED)
def _folded(headline: str) -> str:
    return " ".join(headline.casefold().split())


def _unprefixed(headline: str) -> list[str]:
    """``Story: Headline`` or ``Story. Headline`` -> the folded headlines it may be hiding."""
    folded = _folded(headline)
    found: list[str] = []
    start = folded[:_STORY_LIMIT]
    if ". " not in start and ": " not in start:  # most headlines: one sentence, no story
        return found
    for match in _STORY_SEPARATOR.finditer(folded, 0, _STORY_LIMIT):
        rest = folded[match.end() :]
        if rest.count(" ") >= 2:
            found.append(rest)
    return found


@lru_cache(maxsize=HEADLINES_CACHED)
def _keys(headline: str) -> tuple[str, ...]:
    """The headline's key, and its key without a ``Story:`` prefix when it has one."""
    story, rest = split_story_prefix(headline)
    if story:
        return headline_key(rest), headline_key(headline)
    return (headline_key(headline),)


def _attach(event: Event, entry: DayEntry) -> None:
    if not event.story and entry.story:
        event.story = entry.story
    event.topics = _union([event.topics, entry.topics])
    if not event.summary and entry.excerpt:
        event.summary = entry.excerpt


def _short_event(entry: DayEntry, page: DayPage) -> Event:
    return Event(
        id=entry.target,
        date=page.date,
        headline=entry.headline,
        summary=entry.excerpt,
        day_link=page.id,
        story=entry.story,
        topics=list(entry.topics),
        from_day_page=True,
    )


def _listing_priority(page: DayPage) -> tuple[int, int, str]:
    """The day page whose order wins: most entries, then most stories, then ``index.md``."""
    stories = sum(1 for entry in page.entries if entry.story)
    return (-len(page.entries), -stories, page.id.rsplit("/", 1)[-1] != "index.md", page.id)


def _day_page_order(page: DayPage) -> tuple[date, str]:
    return page.date, page.id


def _distinct(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def _distinct_by(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    seen: set[str] = set()
    kept: list[T] = []
    for item in items:
        mark = key(item)
        if mark not in seen:
            seen.add(mark)
            kept.append(item)
    return kept


def _union(lists: Iterable[list[str]]) -> list[str]:
    seen: set[str] = set()
    merged: list[str] = []
    for topics in lists:
        for topic in topics:
            if topic.casefold() not in seen:
                seen.add(topic.casefold())
                merged.append(topic)
    return merged
