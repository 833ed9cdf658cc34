"""Which event an article reports: front matter, a shared source url, or similar text.

An article rarely says which event it belongs to. When neither its front matter nor
its url ties it to an event, its most distinctive words (tf-idf over the index) are
searched among events; a candidate is accepted only when the cosine similarity of
the two texts passes :data:`THRESHOLD`, so an unrelated article links to nothing.
Words found in no other document cannot match anything and are left out; rare
shared words (a town's name) weigh most (idf to the power :data:`IDF_POWER`).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date, datetime, time, timedelta

from whoosh import query as wq
from whoosh.searching import Searcher

from tui.index.catalog import Catalog
from tui.index.documents import body_text
from tui.links import date_from_id, normalize_target
from tui.model import Article, Event, document_from_dict

THRESHOLD = 0.25
IDF_POWER = 1.5
KEY_TERMS = 12
CANDIDATES = 10
# A word in more than this share of documents says nothing about which event an
# article reports, and its long posting list is what made linking slow.
COMMON_SHARE = 0.005
COMMON_FLOOR = 100  # in a small archive every word is rare enough
NEAR_DAYS = 3
FAR_PENALTY = 0.75

Link = tuple[str, str, float]


def resolve_event(catalog: Catalog, target: str, title: str = "") -> str | None:
    """An event id, alias or differently-slugged target (same date and headline) -> event id."""
    target = normalize_target(target)
    found = catalog.resolve_id(target)
    if found is None and title:
        day = date_from_id(target)
        if day is not None:
            found = catalog.resolve_headline(day.isoformat(), title)
    return found


class ArticleLinker:
    """Finds each article's event(s); one per build, sharing the searcher's statistics."""

    def __init__(self, searcher: Searcher, catalog: Catalog) -> None:
        self.searcher = searcher
        self.catalog = catalog
        self.analyzer = searcher.schema["body"].analyzer
        self.docs = max(searcher.doc_count(), 1)
        # Frequencies count deleted documents until a merge drops them: so does this.
        self.common = max(COMMON_FLOOR, int(searcher.doc_count_all() * COMMON_SHARE))
        self._idf: dict[str, float] = {}
        self._df: dict[str, int] = {}
        self._events: set[int] | None = None
        # article id -> the key terms its similarity search used (kept in the catalog,
        # so a later update can tell which unlinked articles a changed event concerns)
        self.searched_terms: dict[str, list[str]] = {}

    def links(self, article: Article) -> list[Link]:
        if article.event_ref:
            found = resolve_event(self.catalog, article.event_ref)
            if found:
                return [(found, "front matter", 1.0)]
        if article.url:
            ids = self.catalog.event_ids_with_source_url(article.url)
            if ids:
                return [(event_id, "source url", 1.0) for event_id in sorted(ids)]
        best = self.most_similar(article)
        return [(best[0], "similar text", round(best[1], 4))] if best else []

    def body_frequency(self, term: str) -> int:
        df = self._df.get(term)
        if df is None:
            df = self._df[term] = self.searcher.doc_frequency("body", term)
        return df

    def key_terms(self, vector: dict[str, float]) -> dict[str, float]:
        """The heaviest terms that are not common: what a candidate search looks for."""
        rare = [(t, w) for t, w in vector.items() if self.body_frequency(t) <= self.common]
        return dict(sorted(rare, key=lambda item: -item[1])[:KEY_TERMS])

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            df = self.body_frequency(term) or self.searcher.doc_frequency("headline", term)
            value = (math.log((self.docs + 1) / (df + 1)) + 1.0) ** IDF_POWER if df else 0.0
            self._idf[term] = value
        return value

    def vector(self, text: str, shared_only: bool = False) -> dict[str, float]:
        """tf-idf weights; ``shared_only`` drops words no other indexed document has."""
        counts = Counter(token.text for token in self.analyzer(text))
        vector = {}
        for term, n in counts.items():
            if shared_only and self.body_frequency(term) < 2:
                continue
            weight = (1 + math.log(n)) * self.idf(term)
            if weight:
                vector[term] = weight
        return vector

    def most_similar(self, article: Article) -> tuple[str, float] | None:
        """The best event above the threshold, preferring events near the article's date."""
        text = "\n".join([article.title, body_text(article)])
        full = self.vector(text, shared_only=True)
        if not full:
            return None
        top = self.key_terms(full)
        self.searched_terms[article.id] = sorted(top)
        if not top:
            return None
        terms = wq.Or([wq.Term("body", t, boost=w) for t, w in top.items()])
        candidates = self._candidates(terms)
        if article.date is not None:
            start = article.date - timedelta(days=NEAR_DAYS)
            end = article.date + timedelta(days=NEAR_DAYS)
            near = wq.DateRange("date", _midnight(start), _midnight(end))
            candidates |= self._candidates(wq.And([terms, near]))
        best: tuple[str, float] | None = None
        for event_id in sorted(candidates):
            raw = self.catalog.event_json(event_id)
            if raw is None:
                continue
            event = document_from_dict(json.loads(raw))
            assert isinstance(event, Event)
            score = _cosine(full, self.vector(_event_text(event)))
            if article.date is not None and not _near(event.date, article.date):
                score *= FAR_PENALTY
            if score >= THRESHOLD and (best is None or score > best[1]):
                best = (event_id, score)
        return best

    def event_terms(self, event: Event) -> set[str]:
        """The event's indexed words: an unlinked article sharing one of its key terms
        with them is worth linking again."""
        return set(self.vector(_event_text(event)))

    def _candidates(self, q: wq.Query) -> set[str]:
        """The best events for ``q``; events are a filter (a set of document numbers,
        found once), which Whoosh applies far more cheaply than ``AND kind:event``."""
        if self._events is None:
            self._events = set(self.searcher.docs_for_query(wq.Term("kind", "event")))
        hits = self.searcher.search(q, limit=CANDIDATES, filter=self._events)
        return {hit["id"] for hit in hits}


def _event_text(event: Event) -> str:
    return "\n".join([event.headline, event.summary, event.story, *event.topics])


def _near(event_day: date | None, article_day: date) -> bool:
    return event_day is not None and abs((event_day - article_day).days) <= NEAR_DAYS


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
