"""Which articles an update's changed events could link differently.

An article's link (``articles``) comes from its front matter, from an event sharing
its url, or from similar text: the best cosine among its candidates, the events that
share the most key-term weight with it (the best :data:`~tui.index.articles.CANDIDATES`
overall, and as many again near its date). Each link is stored with its
:class:`LinkBasis`: the keys its front matter and url are found by, the weight each key
term gives an event, the candidates, and the shared weight of the last candidate
overall and near its date (its "bars").

A changed event (added, retexted or removed) can change an article's link only if it
is the linked event (the plan relinks those), if it carries a key of the article's,
if it leaves the candidates (its stored version was one) or enters them (it holds key
terms worth more than a bar), or if it changes the article's key terms: a word of the
article no other document held until the event came (the article's text vector
counts only shared words), or a key term only it shared with the article (the
basis's ``watched`` terms). For every other article the same candidates come back
with the same texts, so the link stays as it is and the article is not linked again.

Two things are left as they are, as for every article an update does not link
again: the idf weights of its last linking (an update moves each word's document
count a little), and which of the events that tie with its last candidate fill the
last places. Many events tie there at 100,000 events (all those holding only the
heaviest key term); the first in document order take the places, and that order is
not the archive's: an update appends its documents, Whoosh's merges reorder
segments, and a full build numbers them afresh.

An article linked before bases were kept (a catalog written by an older Chronicle) is
rechecked as it was then: when unlinked and sharing :data:`OLD_SHARED_TERMS` of the key
terms its similarity search used with a changed event.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from tui.index.catalog_layout import event_num, target_hash, url_hash
from tui.links import normalize_target
from tui.model import Article, Event

if TYPE_CHECKING:
    from tui.index.catalog_reads import CatalogReads

NEAR_DAYS = 3  # events this close to an article's date are near it (``articles``)
OLD_SHARED_TERMS = 2

TermCount = Callable[[str], Counter[str]]


@dataclass(slots=True)
class LinkBasis:
    """What an article's link was decided from, kept to tell which changes concern it.

    ``weights``: key term -> the shared weight it gives an event holding it, in the
    order the weights were summed (empty: no similarity search, or nothing to search
    with). ``candidates``: the candidates' event numbers (``catalog_layout.event_num``).
    ``bar`` and ``near_bar``: the shared weight of the last candidate overall and among
    events near ``day``; 0 when fewer events shared a key term (any that shares one
    comes in). ``day``: the article's date, when candidates near it were sought.
    ``watched``: the article's words no other document holds, and its key terms only
    one other holds (an event adding or removing one changes which words count).
    """

    keys: list[int] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    candidates: set[int] = field(default_factory=set)
    bar: float = 0.0
    near_bar: float = 0.0
    day: date | None = None
    watched: list[str] = field(default_factory=list)

    def terms(self) -> list[str]:
        """The terms an event concerns the article by (``link_terms`` rows)."""
        return sorted(set(self.weights) | set(self.watched))

    def enters(self, terms: set[str], day: date | None) -> bool:
        """Whether an event holding ``terms`` on ``day`` would be a candidate ahead of
        the last, overall or near the article's date.

        Summed as ``ArticleLinker.shared_weight`` sums (same order, same values). An
        event that only ties with the last candidate does not count: see the module's
        docstring.
        """
        shared = 0.0
        held = False
        for term, weight in self.weights.items():
            if term in terms:
                shared += weight
                held = True
        if not held:
            return False
        if shared > self.bar:
            return True
        return (self.day is not None and day is not None
                and abs((day - self.day).days) <= NEAR_DAYS and shared > self.near_bar)


def article_keys(article: Article) -> list[int]:
    """The keys an event would need to link this article without similar text: its
    front matter's event (an event id or alias) and its url (a source's url)."""
    keys = []
    if article.event_ref:
        keys.append(target_hash(normalize_target(article.event_ref)))
    if article.url:
        keys.append(url_hash(article.url))
    return keys


def event_keys(event: Event) -> set[int]:
    """What an article's :func:`article_keys` would meet in this event."""
    keys = {target_hash(name) for name in (event.id, *event.aliases)}
    keys.update(url_hash(source.url) for source in event.sources if source.url)
    return keys


def indexed_terms(count_terms: TermCount, event: Event) -> set[str]:
    """The terms of an event's searched field, as its postings hold them."""
    from tui.index.documents import whoosh_fields  # Whoosh: not for the catalog's readers

    return set(count_terms(whoosh_fields(event)["body"]))


@dataclass(slots=True)
class Recheck:
    """The stored articles an update's changed events concern.

    ``articles`` are linked again. ``entered``: unlinked articles that changed events
    only joined the candidates of (with those events); an article stays unlinked
    unless one of them reaches the threshold (``ArticleLinker.reaches``), as its other
    candidates are those that did not before.
    """

    articles: set[str] = field(default_factory=set)
    entered: dict[str, list[Event]] = field(default_factory=dict)


def articles_to_recheck(
    catalog: CatalogReads,
    count_terms: TermCount,
    changed: list[Event],
    before: list[Event],
) -> Recheck:
    """Articles whose link ``changed`` events (as now) or ``before`` (their stored
    versions, and removed events) could change: see the module's docstring."""
    versions = [*changed, *before]
    found = Recheck()
    if not versions:
        return found
    found.articles = catalog.articles_with_link_keys(
        set().union(*(event_keys(event) for event in versions)))
    terms_of = [indexed_terms(count_terms, event) for event in versions]
    by_term = catalog.articles_with_link_terms(set().union(*terms_of))
    meeting: dict[str, set[int]] = defaultdict(set)  # article -> versions it may meet
    for n, terms in enumerate(terms_of):
        for term in terms & by_term.keys():
            for article_id in by_term[term]:
                meeting[article_id].add(n)
    left = {n: event_num(event.id) for n, event in enumerate(versions) if n >= len(changed)}
    entered: dict[str, list[Event]] = {}
    for article_id, basis in catalog.link_bases(sorted(meeting.keys() - found.articles)).items():
        met = sorted(meeting[article_id])
        watched = set(basis.watched)
        if any(left.get(n) in basis.candidates or watched & terms_of[n] for n in met):
            found.articles.add(article_id)  # a candidate left or changed, or a key term
            continue
        coming = [versions[n] for n in met
                  if n < len(changed) and basis.enters(terms_of[n], versions[n].date)]
        if coming:
            entered[article_id] = coming
    linked = catalog.linked_article_ids(entered)
    found.articles.update(linked)
    found.entered = {a: events for a, events in entered.items() if a not in linked}
    found.articles |= _recheck_as_before(catalog, count_terms, changed)
    return found


def _recheck_as_before(
    catalog: CatalogReads, count_terms: TermCount, changed: list[Event]
) -> set[str]:
    """Unlinked articles without a basis that share key terms with a changed event."""
    unlinked = catalog.unlinked_without_basis() if changed else []
    waiting: dict[str, set[str]] = defaultdict(set)
    for article_id, terms in catalog.article_terms(unlinked).items():
        for term in terms:
            waiting[term].add(article_id)
    found: set[str] = set()
    if not waiting:
        return found
    for event in changed:
        text = "\n".join([event.headline, event.summary, event.story, *event.topics])
        shared = Counter(article_id for term in set(count_terms(text)) & waiting.keys()
                         for article_id in waiting[term])
        found.update(a for a, n in shared.items() if n >= OLD_SHARED_TERMS)
    return found


def basis_row(article_id: str, basis: LinkBasis) -> tuple[object, ...]:
    """The ``link_bases`` row of one article (``catalog_layout``)."""
    return (article_id, basis.day.isoformat() if basis.day else None, basis.bar,
            basis.near_bar, json.dumps(list(basis.weights.items()), ensure_ascii=False),
            json.dumps(basis.keys), json.dumps(basis.watched, ensure_ascii=False),
            _little_endian(array("q", sorted(basis.candidates))).tobytes())


def basis_from_row(day: str | None, bar: float, near_bar: float, weights: str,
                   keys: str, watched: str, candidates: bytes) -> LinkBasis:
    numbers = array("q")
    numbers.frombytes(candidates)
    _little_endian(numbers)
    return LinkBasis(keys=json.loads(keys), weights=dict(json.loads(weights)),
                     candidates=set(numbers), bar=bar, near_bar=near_bar,
                     day=date.fromisoformat(day) if day else None, watched=json.loads(watched))


def _little_endian(numbers: array[int]) -> array[int]:
    """Stored little-endian whatever the machine (a catalog may be copied)."""
    if sys.byteorder != "little":
        numbers.byteswap()
    return numbers
