"""The query layer's searches, in two steps (part of :class:`tui.library.Library`).

``search(..., first_screen=N)`` returns what a person reads first: the ranked hits, the
total, any suggestion and the snippets of the first N hits (``tui.search.FIRST_SCREEN``
is the usual screenful). :meth:`LibrarySearch.complete_search` then counts the facets
and cuts the remaining snippets (the app runs it in a worker once the hits are on
screen). Without ``first_screen`` a search runs both steps at once.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tui.facets import complete, completed, sample_ids
from tui.search import (
    FACET_SAMPLE,
    TIME_LIMIT,
    SearchResults,
    Vocabulary,
    prepare,
    run_search,
)
from tui.search_sources import hit_fields, hit_topics, running_texts
from tui.search_tools import tools
from tui.snippets import Snippets

if TYPE_CHECKING:
    from tui.library import Library

    _Base = Library
else:
    _Base = object


class LibrarySearch(_Base):
    """Library mixin: searches over the library's one searcher and this thread's catalog."""

    def _init_search(self) -> None:
        self._time_limit = TIME_LIMIT
        self._vocabulary_lock = threading.Lock()
        self._words: tuple[tuple[str, str, str], Vocabulary] | None = None

    @property
    def time_limit(self) -> float:
        """Seconds a search may collect for: this thread's own limit inside
        ``searches_limited``, else the library's."""
        limit = getattr(self._local, "time_limit", None)
        return self._time_limit if limit is None else limit

    @time_limit.setter
    def time_limit(self, seconds: float) -> None:
        self._time_limit = seconds

    @contextmanager
    def searches_limited(self, seconds: float) -> Iterator[None]:
        """Searches this thread makes inside the block are quick ones (search as you
        type: the app runs the complete search when typing pauses): they stop
        collecting after ``seconds`` and count the topics of the hits they list only
        for the facets, not those of the best ``FACET_SAMPLE`` matches."""
        before = getattr(self._local, "time_limit", None)
        self._local.time_limit = seconds
        try:
            yield
        finally:
            self._local.time_limit = before

    def search(self, query: str, limit: int = 50, sort: str = "relevance",
               kind: str | None = None, first_screen: int | None = None) -> SearchResults:
        """A search of at most ``limit`` hits: both steps, every hit with its snippet and
        topics and the facets; or, given ``first_screen``, its first step alone: the
        hits ranked, the total and any suggestion, with the snippets of the first
        ``first_screen`` hits and no topics or facets yet (``facets_pending``), which
        :meth:`complete_search` adds."""
        quick = getattr(self._local, "time_limit", None) is not None
        with self._searching() as searcher:
            first = run_search(searcher, self._texts, query, limit=limit, sort=sort, kind=kind,
                               time_limit=self.time_limit, vocabulary=self._vocabulary,
                               facet_sample=limit if quick else FACET_SAMPLE,
                               snippets=limit if first_screen is None else first_screen,
                               fields=self._hit_fields)
            if first_screen is not None:
                return first
            return complete(searcher, first, self._texts, self._topics)

    def complete_search(self, results: SearchResults) -> SearchResults:
        """The second step of a search begun with ``first_screen``: its facets, and
        the snippets and topics of its hits (``results`` itself when complete already).
        Should a build have committed between the steps, the search is run again whole
        on the new index."""
        step = results.second_step
        if step is None:
            return results
        # The searcher is held only to map the sample's document numbers to ids: the
        # catalog reads and the snippets that follow took most of the step, and a new
        # search's first step waited behind them for the searcher.
        with self._searching() as searcher:
            if step.searcher is not searcher:
                results = run_search(searcher, self._texts, results.query, limit=step.limit,
                                     sort=results.sort, kind=step.kind,
                                     time_limit=step.time_limit, vocabulary=self._vocabulary,
                                     facet_sample=step.facet_sample, snippets=step.limit,
                                     fields=self._hit_fields)
            ids = sample_ids(searcher, results)
            cutter = own_cutter(tools(searcher).snippets)
        return completed(results, ids, self._texts, self._topics, cutter.cut)

    def prepare_search(self) -> None:
        """Read now what the first search would otherwise read (date keys, field
        lengths, stories and topics, the did-you-mean words): for a background worker
        after the first paint. Safe to call again; searches wait while it runs."""
        with self._searching() as searcher:
            prepare(searcher)
        self._vocabulary()

    def _vocabulary(self) -> Vocabulary:
        """The catalog's words, read at the first "did you mean" and after each update;
        one copy for every thread (it is only read once built)."""
        stamp = self.index_stamp()
        with self._vocabulary_lock:
            if self._words is None or self._words[0] != stamp:
                self._words = (stamp, Vocabulary(self.catalog.vocabulary()))
            return self._words[1]

    def _hit_fields(self, ids: list[str]) -> dict[str, tuple[str, str | None, str, str]]:
        return hit_fields(self._db, ids)

    def _texts(self, ids: list[str]) -> dict[str, str]:
        return running_texts(self._db, ids)

    def _topics(self, ids: list[str]) -> dict[str, list[str]]:
        return hit_topics(self._db, ids)


def own_cutter(shared: Snippets) -> Snippets:
    """A snippet cutter for one second step, which cuts outside the search lock while
    another thread may be cutting too: the field analyzer's stemmer keeps a cache
    whose eviction is not safe across threads, so each step has its own copy of the
    analyzer (tens of microseconds to make); the words already analysed (a dict, each
    of whose operations is atomic) are shared."""
    own = Snippets(copy.deepcopy(shared.analyzer.field_analyzer))
    own.analyzer.words = shared.analyzer.words
    return own
