"""Which event an article reports: front matter, a shared source url, or similar text.

An article rarely says which event it belongs to. When neither its front matter nor
its url ties it to an event, its most distinctive words (tf-idf over the index) are
looked up among events; a candidate is accepted only when the cosine similarity of
the two texts passes :data:`THRESHOLD`, so an unrelated article links to nothing.
Words found in no other document cannot match anything and are left out; rare
shared words (a town's name) weigh most (idf to the power :data:`IDF_POWER`).

Candidates come without a Whoosh search: the key terms are rare, so their posting
lists are short, and adding up their weights per event in Python costs far less than
the scored, filtered Whoosh query it replaces (~13 ms CPU an article at 10,000 events,
~90 ms at 100,000). At most :data:`POSTINGS_READ` postings are read per article, so the cost
stays flat as the archive grows. A dated article also gets the best candidates within
:data:`NEAR_DAYS` of its date (read from the index's date column); events further
away score :data:`FAR_PENALTY` times less.
"""

from __future__ import annotations

import heapq
import json
import math
from array import array
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from itertools import repeat
from operator import mul
from typing import Any

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from tui.index.catalog import Catalog, event_num
from tui.index.documents import body_text
from tui.index.relinking import NEAR_DAYS, LinkBasis, article_keys
from tui.index.schema import DEFAULT_FIELD
from tui.index.term_counts import DocumentFrequencies, TermCounter
from tui.links import date_from_id, normalize_target
from tui.model import Article, Event

THRESHOLD = 0.25
IDF_POWER = 1.5
# Twelve were too few once headlines and topics joined the searched field: in a small
# archive plain words ("he", "said") are rare enough to crowd out the place names.
KEY_TERMS = 24
CANDIDATES = 20  # the cosine decides among them; 10 missed many a true event
# A word in more than this share of documents says nothing about which event an
# article reports, and its long posting list is what made linking slow.
COMMON_SHARE = 0.005
COMMON_FLOOR = 100  # in a small archive every word is rare enough
# Postings read per article to find candidates, heaviest key terms first: a term
# whose list would overflow this is left to the cosine. At 10,000 events it seldom
# binds; at 100,000 the key terms have several thousand postings, and the heaviest
# few find as many true events as all of them (measured on the benchmark archives).
POSTINGS_READ = 1_500
FAR_PENALTY = 0.75
EVENTS_KEPT = 20_000  # compared events kept analysed: a build meets many again
POSTINGS_KEPT = 4_000_000  # event numbers of key terms kept read (4 bytes each)

Link = tuple[str, str, float]
# An event as compared: its id, date and text vector.
Compared = tuple[str, date | None, dict[str, float]]


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

    def __init__(self, searcher: Searcher, catalog: Catalog,
                 terms: TermCounter | None = None) -> None:
        self.searcher = searcher
        self.catalog = catalog
        self.field = DEFAULT_FIELD
        # ``terms``: a counter of the same analyzer's, with the words it already knows
        self.terms = terms or TermCounter(searcher.schema[self.field].analyzer)
        self._frequencies = DocumentFrequencies(searcher, self.field)
        self.docs = max(searcher.doc_count(), 1)
        # Frequencies count deleted documents until a merge drops them: so does this.
        self.common = max(COMMON_FLOOR, int(searcher.doc_count_all() * COMMON_SHARE))
        self._idf: dict[str, float] = {}
        self._df: dict[str, int] = {}
        self._others: set[int] | None = None  # documents that are not events
        self._leaves: list[tuple[Any, int]] | None = None
        # term -> its event document numbers per segment (see event_postings)
        self._postings: dict[str, list[array[int]]] = {}
        self._postings_kept = 0
        self._dates: Any = None
        self._compared: dict[int, Compared] = {}  # by document number
        self._nums: dict[str, int] = {}  # event id -> its number in the catalog
        # article id -> what its link was decided from (kept in the catalog, so a later
        # update can tell which articles a changed event concerns: ``relinking``)
        self.bases: dict[str, LinkBasis] = {}

    def links(self, article: Article) -> list[Link]:
        self.bases[article.id] = LinkBasis(keys=article_keys(article))
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

    def text_frequency(self, term: str) -> int:
        df = self._df.get(term)
        if df is None:
            df = self._df[term] = self._frequencies(term)
        return df

    def key_terms(self, vector: dict[str, float]) -> dict[str, float]:
        """The heaviest terms that are not common, heaviest first: what candidates share."""
        rare = [(t, w) for t, w in vector.items() if self.text_frequency(t) <= self.common]
        return dict(sorted(rare, key=lambda item: -item[1])[:KEY_TERMS])

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            df = self.text_frequency(term)
            if not df and "headline" in self.searcher.schema:  # a headline-only word
                df = self.searcher.doc_frequency("headline", term)
            value = (math.log((self.docs + 1) / (df + 1)) + 1.0) ** IDF_POWER if df else 0.0
            self._idf[term] = value
        return value

    def vector(self, text: str, shared_only: bool = False) -> dict[str, float]:
        """tf-idf weights; ``shared_only`` drops words no other indexed document has."""
        return self.weighed(self.terms(text), shared_only)

    def weighed(self, counts: Counter[str], shared_only: bool = False) -> dict[str, float]:
        """:meth:`vector` of a text's term counts."""
        vector = {}
        known_df, known_idf = self._df, self._idf  # read inline: a build weighs millions
        for term, n in counts.items():
            if shared_only:
                df = known_df.get(term)
                if (self.text_frequency(term) if df is None else df) < 2:
                    continue
            idf = known_idf.get(term)
            if idf is None:
                idf = self.idf(term)
            # (1 + log 1) * idf is idf exactly: most words occur once in a text
            weight = idf if n == 1 else (1 + math.log(n)) * idf
            if weight:
                vector[term] = weight
        return vector

    def most_similar(self, article: Article) -> tuple[str, float] | None:
        """The best event above the threshold, preferring events near the article's date."""
        counts = self.terms("\n".join([article.title, body_text(article)]))
        full = self.weighed(counts, shared_only=True)
        top = self.key_terms(full)
        basis = self.bases.setdefault(article.id, LinkBasis())
        # Words only this article holds, and key terms only one other document shares:
        # an event that adds or removes one changes which words count (``relinking``).
        basis.watched = sorted({term for term in counts if term not in full}
                               | {term for term in top if self.text_frequency(term) <= 2})
        if not top:
            return None
        weights = self.search_weights(top)
        chosen, bar, near_bar = self.chosen(self._shared(weights), article.date)
        basis.weights, basis.bar, basis.near_bar = weights, bar, near_bar
        basis.day = article.date if self._dated() else None
        compared = sorted(self.compared_events(chosen))
        basis.candidates = {self._event_num(event_id) for event_id, _, _ in compared}
        best: tuple[str, float] | None = None
        norm = _norm(full)
        for event_id, day, vector in compared:
            score = _cosine(full, norm, vector)
            if article.date is not None and not _near(day, article.date):
                score *= FAR_PENALTY
            if score >= THRESHOLD and (best is None or score > best[1]):
                best = (event_id, score)
        return best

    def reaches(self, article: Article, events: list[Event]) -> bool:
        """Whether one of these events scores at least :data:`THRESHOLD` against the
        article, as :meth:`most_similar` would score it among its candidates."""
        full = self.vector("\n".join([article.title, body_text(article)]), shared_only=True)
        norm = _norm(full)
        for event in events:
            vector = self.vector(_event_text(event.headline, event.summary, event.story,
                                             event.topics))
            score = _cosine(full, norm, vector) if full else 0.0
            if article.date is not None and not _near(event.date, article.date):
                score *= FAR_PENALTY
            if score >= THRESHOLD:
                return True
        return False

    def candidates(self, top: dict[str, float], day: date | None) -> list[Compared]:
        """The events sharing the most key-term weight with an article, and for a
        dated article also those of them nearest its date."""
        return self.compared_events(self.chosen(self.shared_weight(top), day)[0])

    def chosen(self, scores: dict[int, float], day: date | None) -> tuple[set[int], float, float]:
        """The candidates' document numbers, and the shared weight of the last one
        overall and of the last one near ``day`` (0 when all that share any are in)."""
        chosen = heapq.nlargest(CANDIDATES, scores, key=scores.__getitem__)
        bar = scores[chosen[-1]] if len(scores) >= CANDIDATES else 0.0
        near_bar = 0.0
        found = set(chosen)
        if day is not None and self._dated():
            dates = self._date_column()
            column = self.searcher.schema["date"]
            low = column.to_column_value(_midnight(day - timedelta(days=NEAR_DAYS)))
            high = column.to_column_value(_midnight(day + timedelta(days=NEAR_DAYS)))
            near = [docnum for docnum in scores if low <= dates[docnum] <= high]
            nearest = heapq.nlargest(CANDIDATES, near, key=scores.__getitem__)
            if len(near) >= CANDIDATES:
                near_bar = scores[nearest[-1]]
            found.update(nearest)
        return found, bar, near_bar

    def _event_num(self, event_id: str) -> int:
        found = self._nums.get(event_id)
        if found is None:
            if len(self._nums) >= EVENTS_KEPT:
                self._nums.clear()
            found = self._nums[event_id] = event_num(event_id)
        return found

    def _dated(self) -> bool:
        return bool(self.searcher.reader().has_column("date"))

    def shared_weight(self, top: dict[str, float]) -> dict[int, float]:
        """Event document number -> the summed weight (article weight x idf) of the
        key terms it holds, read from each segment's posting lists."""
        return self._shared(self.search_weights(top))

    def search_weights(self, top: dict[str, float]) -> dict[str, float]:
        """Key term -> the weight (article weight x idf) it gives an event holding it,
        in the key terms' order; terms whose postings would overflow the budget left out."""
        weights: dict[str, float] = {}
        budget = POSTINGS_READ
        for term, weight in top.items():
            postings = self.text_frequency(term)
            if postings <= budget:
                budget -= postings
                weights[term] = weight * self.idf(term)
        return weights

    def _shared(self, weights: dict[str, float]) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        segments = self._segments()
        postings = {term: self.event_postings(term) for term in weights}
        for segment in range(len(segments)):
            for term, weight in weights.items():
                for docnum in postings[term][segment]:
                    scores[docnum] += weight
        return scores

    def _segments(self) -> list[tuple[Any, int]]:
        if self._leaves is None:
            self._leaves = [(reader, offset) for reader, offset
                            in self.searcher.reader().leaf_readers()
                            if reader.doc_count()]  # not every document in it deleted
        return self._leaves

    def event_postings(self, term: str) -> list[array[int]]:
        """The term's event document numbers, one array per segment: read once per
        build (articles share many a key term), up to :data:`POSTINGS_KEPT` in all."""
        found = self._postings.get(term)
        if found is not None:
            return found
        if self._others is None:  # a fifth of the documents: far quicker to collect
            self._others = set()
            for kind in list(self.searcher.reader().field_terms("kind")):
                if kind != "event":
                    self._others.update(self.searcher.docs_for_query(wq.Term("kind", kind)))
        others = self._others
        found = []
        for reader, offset in self._segments():
            numbers: array[int] = array("I")
            try:
                ids = reader.postings(self.field, term).all_ids()
            except TermNotFound:  # not in this segment
                ids = ()
            numbers.extend(docnum + offset for docnum in ids if docnum + offset not in others)
            found.append(numbers)
        size = sum(len(numbers) for numbers in found)
        if self._postings_kept + size > POSTINGS_KEPT:
            self._postings.clear()
            self._postings_kept = 0
        self._postings[term] = found
        self._postings_kept += size
        return found

    def _date_column(self) -> Any:
        if self._dates is None:
            self._dates = self.searcher.reader().column_reader("date", translate=False)
        return self._dates

    def compared_events(self, docnums: set[int]) -> list[Compared]:
        """These events' ids, dates and vectors: analysed once, their text read from
        the catalog's columns (not by rebuilding each whole event)."""
        kept = self._compared
        if len(kept) + len(docnums) > EVENTS_KEPT:
            kept.clear()
        missing = {self.searcher.stored_fields(d)["id"]: d for d in docnums if d not in kept}
        if missing:
            marks = ",".join("?" * len(missing))
            rows = self.catalog.conn.execute(
                "SELECT id, date, headline, json_extract(json, '$.summary'), story, topics "
                f"FROM events WHERE id IN ({marks})", sorted(missing))
            for event_id, day, headline, summary, story, topics in rows:
                text = _event_text(headline, summary or "", story, json.loads(topics))
                kept[missing[event_id]] = (event_id, _day(day), self.vector(text))
        return [kept[docnum] for docnum in docnums if docnum in kept]


def _event_text(headline: str, summary: str, story: str, topics: list[str]) -> str:
    return "\n".join([headline, summary, story, *topics])


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _near(event_day: date | None, article_day: date) -> bool:
    return event_day is not None and abs((event_day - article_day).days) <= NEAR_DAYS


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _norm(vector: dict[str, float]) -> float:
    weights = vector.values()
    return math.sqrt(sum(map(mul, weights, weights)))


def _cosine(article: dict[str, float], article_norm: float, event: dict[str, float]) -> float:
    """Cosine similarity with the article's norm computed once: an event's text is short."""
    dot = sum(map(mul, event.values(), map(article.get, event, repeat(0.0))))
    norm = article_norm * _norm(event)
    return dot / norm if norm else 0.0
