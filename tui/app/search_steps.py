"""The search panel's searches, each in a thread worker: a search's first step (or an
as-you-type search) and, once its hits are painted, its second step.

The first step of a complete search lists the hits with the snippets of the rows on
screen; the second (``Library.complete_search``) counts the facets and cuts the other
rows' snippets. Its answer reaches the screen only while its request is the newest and
its results are the ones shown; the rows it fills in keep their place, and so do the
highlighted hit and the scroll position.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.worker import get_current_worker

from tui.app.actions import key_text
from tui.app.search_results import Rows, completed_rows, facet_line, result_rows
from tui.search import SearchResults

if TYPE_CHECKING:
    from tui.app.search_panel import SearchPanel

    _Base = SearchPanel
else:
    _Base = object

# The worker group of a complete search's second step.
SECOND_STEP = "search-facets"


class SearchSteps(_Base):
    """Search panel mixin: the workers of its searches and what they hand back."""

    _filling: int | None = None  # the request whose facets are still to come

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, seq: int, text: str, sort: str, kind: str | None,
                limit: float | None, count: int, width: int, screen: int) -> None:
        """Search (for at most ``count`` hits), and make the result rows at ``width``
        here rather than on the screen's thread. As you type (``limit`` seconds) a
        search is made whole at once; a complete one is its first step, with the
        snippets of the first ``screen`` hits (the second step follows, ``_fill_in``)."""
        worker = get_current_worker()
        rows: Rows | None = None
        library = getattr(self.app, "library", None)
        if library is None:
            results = SearchResults(text, sort=sort, error="the archive is still being opened")
        else:
            try:
                if limit is not None:
                    with library.searches_limited(limit):
                        results = library.search(text, limit=count, sort=sort, kind=kind)
                else:
                    results = library.search(text, limit=count, sort=sort, kind=kind,
                                             first_screen=screen)
                if not worker.is_cancelled:
                    rows = result_rows(results, width)
            except Exception as exc:  # noqa: BLE001 - shown under the box; the app goes on
                results = SearchResults(text, sort=sort, error=f"search failed: {exc}")
        if not worker.is_cancelled:
            self.app.call_from_thread(self._arrived, seq, results, limit is not None, rows)

    def _fill_in(self, seq: int, results: SearchResults, rows: Rows | None) -> None:
        """Start the second step of the results on screen (after they were painted)."""
        if seq == self.seq and self._filling == seq and self.results is results:
            self._filler(seq, results, rows, self.results_list.row_width)

    @work(thread=True, exclusive=True, group=SECOND_STEP, exit_on_error=False)
    def _filler(self, seq: int, first: SearchResults, rows: Rows | None, width: int) -> None:
        """The second step of a complete search: its facets and every row's snippet
        (the rows the first step made, kept where their hits did not change)."""
        worker = get_current_worker()
        library = getattr(self.app, "library", None)
        filled: tuple[SearchResults, Rows] | None = None
        try:
            # A new request cancels this step (``stop_second_step``): it stops at the
            # next of these checks.
            if library is not None and seq == self.seq and not worker.is_cancelled:
                done = library.complete_search(first)
                if not worker.is_cancelled:
                    filled = (done, completed_rows(first, done, rows, width))
        except Exception:  # noqa: BLE001 - the hits stay as they are, without facets
            filled = None
        if not worker.is_cancelled:
            self.app.call_from_thread(self._filled, seq, first, filled)

    def stop_second_step(self) -> None:
        """Cancel a second step still running: its answer can no longer land, and a
        search started now does not wait behind it for the library's searcher."""
        self.workers.cancel_group(self, SECOND_STEP)
        self._filling = None

    def _filled(self, seq: int, first: SearchResults,
                filled: tuple[SearchResults, Rows] | None) -> None:
        """The facets and the remaining snippets arrived: the topic line and the rows
        are updated where they are (the highlighted hit and the scroll position kept)."""
        if seq != self.seq or self._filling != seq or self.results is not first:
            return  # a newer request, or these results were replaced meanwhile
        self._filling = None
        if filled is None:  # the hits stay as they are, with no topics to offer
            self.results = dataclasses.replace(first, second_step=None)
            self._set_line("#search-facets", Text(""))
            self._offers_changed(wait=False)
            return
        done, rows = filled
        self.results = done
        self._offers_changed(wait=False)
        self._set_line("#search-facets", facet_line(done.facets, key_text("sr_topic")))
        self.results_list.show_hits(done.hits, rows.terms, keep=True, prompts=rows.prompts,
                                    width=rows.width)
