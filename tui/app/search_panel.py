"""The search panel: box, inline message, status and topic lines, and the results list.

Search runs as you type. Each change of the query (or of the order or kind filter)
takes a new sequence number and starts a thread worker: at once, or, while an earlier
search is still running, after a short pause in typing. The worker group is exclusive,
and a result only reaches the screen when its number is still the newest, so an older,
slower query can never overwrite a newer one and key handling never waits on Whoosh.
As-you-type results are quick (a short time limit, one screen of hits) and completed
when typing pauses. A complete search comes in two steps: its hits, with the snippets
of the rows on screen, are shown first; a second worker, started once they are
painted, brings the facets (the topic line) and the other rows' snippets, which fill
in the rows where they are, the highlight and scroll position kept; a new request
cancels it. Enter again leaves a complete search of the same request running. A query
the query layer rejects (unbalanced quotes or brackets, unknown field) shows its
message under the box and leaves the last good results in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker

from tui.app.actions import bindings_for, key_text
from tui.app.search_box import SearchBox
from tui.app.search_results import (
    KIND_ORDER,
    SORT_ORDER,
    Rows,
    SearchResultsList,
    facet_line,
    hit_terms,
    status_line,
)
from tui.app.search_steps import SearchSteps
from tui.search import SearchResults

if TYPE_CHECKING:
    from tui.search import Hit

RESULT_LIMIT = 50
# An as-you-type search lists only the hits the list shows at once (a hit takes at least
# this many lines: date, headline, rule): snippets, stored fields and rows are made for
# those alone, and the complete search lists the rest when typing pauses.
LINES_PER_HIT = 3
FEWEST_TYPING_HITS = 10
# Seconds of quiet before a search starts while an earlier one is still running: one
# search per burst of keys. With none running it starts at once (waiting for a pause
# had been a third of the time from a key to its results).
TYPING_PAUSE = 0.03
# Seconds an as-you-type search may collect for: a typed prefix found in most of a large
# archive's documents must not hold the results up (they are marked partial). Collecting
# was most of the time from a key to its results at 100,000 events ...
TYPING_TIME_LIMIT = 0.025
# ... and seconds of quiet after which such partial results are completed.
COMPLETE_PAUSE = 0.5
# Seconds of quiet before the footer shows the results' keys: when typing pauses, as
# rebuilding the footer takes tens of milliseconds, which with a shorter pause fell
# between two letters and held up the next one's results.
FOOTER_PAUSE = COMPLETE_PAUSE


class PanelLine(Static):
    """One of the panel's lines of text (message, status, topics). Its height follows
    its text, and the panel asks for a layout when that changes (``_set_line``). After
    that layout Textual gives the line its new ``virtual_size``, which asked for a
    second layout and a second frame (tens of milliseconds more before the results of
    a key were on screen). A line never scrolls, and the frame of that layout already
    drew it at its new size: its virtual size asks for nothing."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)


class SearchPanel(SearchSteps, Vertical):
    """Everything the search shows; the app opens and closes it and opens the hits
    (its searches' workers: ``tui.app.search_steps``)."""

    BINDINGS = bindings_for("search")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sort = "relevance"
        self.kind: str | None = None
        self.seq = 0  # the newest request
        self.shown_seq = 0  # the request whose outcome is on screen (results or an error)
        self.results: SearchResults | None = None  # the last good results
        self.error: str | None = None
        self._timer: Timer | None = None  # the typing pause before a search starts
        self._worker: Worker[None] | None = None  # the newest search started
        self._complete_seq: int | None = None  # the request it is a complete search of
        self._completion: Timer | None = None  # the pause before partial results complete
        self._partial_of: int | None = None  # the request whose results are incomplete
        self._filling: int | None = None  # the request whose facets are still to come
        self._offers: tuple[bool, bool] = (False, False)  # the footer's: spelling, topics
        self._footer_timer: Timer | None = None
        self._rows: dict[str, int] = {}  # rows each line of the panel takes

    def compose(self) -> ComposeResult:
        yield SearchBox(
            self._recent,
            id="search-box",
            placeholder='words, "phrase", topic:x, date:2011…',
        )
        yield PanelLine(id="search-message")
        yield PanelLine(id="search-status")
        yield PanelLine(id="search-facets")
        yield SearchResultsList(id="search-results")

    def on_mount(self) -> None:
        self._show_hint()

    def _recent(self) -> list[str]:
        user_data = getattr(self.app, "user_data", None)
        return list(user_data.searches) if user_data is not None else []

    @property
    def box(self) -> SearchBox:
        return self.query_one(SearchBox)

    @property
    def results_list(self) -> SearchResultsList:
        return self.query_one(SearchResultsList)

    @property
    def query_text(self) -> str:
        """The query the box holds now (what the results on screen should answer)."""
        return self.box.value.strip()

    @property
    def hits(self) -> list[Hit]:
        return self.results_list.hits

    @property
    def settled(self) -> bool:
        """Whether the newest request has been answered, its facets too (tests and
        scripts wait on it)."""
        return self.shown_seq == self.seq and self._filling != self.seq

    @property
    def answered(self) -> bool:
        """Whether the newest request's hits (or its error) are on screen."""
        return self.shown_seq == self.seq

    # -- requests -------------------------------------------------------------------

    @on(Input.Changed, "#search-box")
    def _query_changed(self, event: Input.Changed) -> None:
        collection = getattr(self.app, "idle_collection", None)
        if collection is not None:  # typing is input, however the text got there
            collection.input_seen()
        self.request()

    def request(self, *, pause: float | None = None, complete: bool = False) -> None:
        """Search for the box's text with the current order and filter, superseding
        any search still running. As you type (``complete`` False) a search collects
        for ``TYPING_TIME_LIMIT`` at most and lists the hits that fit on screen; results
        cut short, or with more hits to list, are completed once typing pauses for
        ``COMPLETE_PAUSE``, or at once on Enter."""
        self.seq += 1
        self._stop_timers()
        self.stop_second_step()  # the older search's: it can no longer land
        self._stop_footer_timer()  # set again when the answer comes
        self._partial_of = None
        text = self.query_text
        if not text:
            self.shown_seq = self.seq
            self.results, self.error = None, None
            self._show_hint()
            self._offers_changed()
            return
        seq, sort, kind = self.seq, self.sort, self.kind
        limit = None if complete else TYPING_TIME_LIMIT
        pause = TYPING_PAUSE if pause is None else pause
        if pause > 0 and self._worker is not None and not self._worker.is_finished:
            self._timer = self.set_timer(pause, lambda: self._start(seq, text, sort, kind, limit))
        else:
            self._start(seq, text, sort, kind, limit)

    def _stop_timers(self) -> None:
        for timer in (self._timer, self._completion):
            if timer is not None:
                timer.stop()
        self._timer = self._completion = None

    def _start(self, seq: int, text: str, sort: str, kind: str | None,
               limit: float | None) -> None:
        self._timer = None
        if seq == self.seq:
            count = RESULT_LIMIT if limit is None else self.typing_hits
            self._worker = self._search(seq, text, sort, kind, limit, count,
                                        self.results_list.row_width, self.typing_hits)
            self._complete_seq = seq if limit is None else None

    @property
    def typing_hits(self) -> int:
        """Hits an as-you-type search lists: as many as the results list shows at once
        (also the rows whose snippets the first step of a complete search cuts)."""
        shown = self.results_list.size.height // LINES_PER_HIT + 1
        return min(RESULT_LIMIT, max(FEWEST_TYPING_HITS, shown))

    def flush(self) -> None:
        """Enter: a search waiting for the typing pause, or one still running as you
        type, starts again now as a complete one, and as-you-type results still to be
        completed are completed now. A complete search for the request already running
        is left to run (a second Enter had started it again)."""
        if self._completing:
            return
        if self._timer is not None or not self.answered:
            self.request(pause=0, complete=True)
        elif self._partial_of == self.seq:
            self._complete(self.seq)

    def _complete(self, seq: int) -> None:
        """Search again, with the full time limit and every hit listed, for results
        shown incomplete."""
        self._stop_timers()
        if seq == self.seq and self._partial_of == seq:
            self._worker = self._search(seq, self.query_text, self.sort, self.kind, None,
                                        RESULT_LIMIT, self.results_list.row_width,
                                        self.typing_hits)
            self._complete_seq = seq

    @property
    def _completing(self) -> bool:
        """Whether a complete search for the newest request (its query, order and
        filter: changing any is a new request) is running its first step."""
        worker = self._worker
        return (self._timer is None and self._complete_seq == self.seq
                and worker is not None and not worker.is_finished)

    @property
    def complete(self) -> bool:
        """Whether the newest request has its final answer: not as-you-type results,
        cut short or listing fewer hits than there are, still to be completed."""
        return self.settled and self._partial_of != self.seq

    def _arrived(self, seq: int, results: SearchResults, quick: bool = False,
                 rows: Rows | None = None) -> None:
        if seq != self.seq:
            return  # an older request: a newer one is on its way
        completing = self.shown_seq == seq and self._partial_of == seq
        self.shown_seq = seq
        # As-you-type results list one screen of hits and count their topics alone:
        # complete only when they list every match.
        incomplete = results.cut_short or len(results.hits) < results.total
        self._partial_of = seq if quick and incomplete and not results.error else None
        if self._partial_of is not None:
            self._completion = self.set_timer(COMPLETE_PAUSE, lambda: self._complete(seq))
        if results.error:
            self.error = results.error
            kept = " — showing the last results" if self.results is not None else ""
            self._message(Text.assemble(("⚠ ", "bold red"), (results.error, "red"), (kept, "dim")))
            return
        self.error = None
        same_query = self.results is not None and self.results.query == results.query
        self.results = results
        self._filling = seq if results.facets_pending else None
        self._offers_changed(wait=quick)
        self._show_results(results, keep=completing, rows=rows, facets_kept=same_query)
        if self._filling == seq:
            # the second step once these hits are on screen
            self.call_after_refresh(self._fill_in, seq, results, rows)

    def _offers_changed(self, *, wait: bool = True) -> None:
        """The footer shows the spelling and topic keys only while the results offer
        them; after as-you-type results it is brought up to date once typing pauses for
        ``FOOTER_PAUSE``, as updating it rebuilds the whole footer (tens of milliseconds,
        which had been spent on every letter typed). The keys themselves work as soon as
        the results do."""
        self._stop_footer_timer()
        offers = self._offered()
        if offers != self._offers:
            if wait:
                self._footer_timer = self.set_timer(FOOTER_PAUSE, self._update_footer)
            else:
                self._update_footer()

    def _offered(self) -> tuple[bool, bool]:
        """Whether the results offer a spelling and topics (facets still being counted
        count as offered: the footer is not rebuilt twice for one search)."""
        results = self.results
        return (bool(results and results.suggestion),
                bool(results and (results.facets or results.facets_pending)))

    def _stop_footer_timer(self) -> None:
        if self._footer_timer is not None:
            self._footer_timer.stop()
            self._footer_timer = None

    def _update_footer(self) -> None:
        self._footer_timer = None
        offers = self._offered()
        if offers != self._offers:
            self._offers = offers
            self.app.refresh_bindings()

    # -- showing --------------------------------------------------------------------

    def _message(self, text: Text | None) -> None:
        message = self.query_one("#search-message", Static)
        if text is None and not message.display:
            return
        self._set_line("#search-message", text or Text(""))
        message.display = text is not None

    def _set_line(self, selector: str, text: Text) -> None:
        """Show ``text`` in one of the panel's lines, laying the panel out again only
        when it takes another number of rows (a layout on every letter typed cost a
        frame of its own)."""
        line = self.query_one(selector, Static)
        width = max(1, line.content_region.width)
        rows = len(text.wrap(self.app.console, width)) if text.plain else 0
        line.update(text, layout=rows != self._rows.get(selector))
        self._rows[selector] = rows

    def _show_hint(self) -> None:
        hint = Text.assemble(
            ("Type to search", "bold"),
            (" · ↑↓ recent searches · Enter to the results · Esc closes", "dim"),
        )
        self._message(None)
        self._set_line("#search-status", hint)
        self._set_line("#search-facets", Text(""))
        self.results_list.show_message("Same syntax as chronicle search: words, OR, NOT, "
                                       '"phrases", topic:, story:, kind:, date:2011-11.')

    def _show_results(self, results: SearchResults, *, keep: bool = False,
                      rows: Rows | None = None, facets_kept: bool = False) -> None:
        """The results on screen; with their facets still to come, the topic line keeps
        what it shows if it was for the same query (the as-you-type results' topics),
        else says they are being counted."""
        if results.suggestion:
            self._message(Text.assemble(
                ("Did you mean ", "yellow"), (results.suggestion, "bold yellow"),
                ("?  ", "yellow"), (f"{key_text('sr_suggestion')} runs it", "dim"),
            ))
        else:
            self._message(None)
        self._set_line("#search-status", status_line(results, self.kind))
        if not results.facets_pending:
            self._set_line("#search-facets", facet_line(results.facets, key_text("sr_topic")))
        elif not facets_kept:
            self._set_line("#search-facets", Text("Topics …", style="dim"))
        if rows is None:
            terms = [hit_terms(hit, results.query) for hit in results.hits]
            self.results_list.show_hits(results.hits, terms, keep=keep)
        else:
            self.results_list.show_hits(results.hits, rows.terms, keep=keep,
                                        prompts=rows.prompts, width=rows.width)

    def terms_for(self, index: int) -> list[str]:
        return self.results_list.terms[index]

    # -- order, filter, topic, suggestion -------------------------------------------

    def next_sort(self) -> str:
        index = SORT_ORDER.index(self.sort) if self.sort in SORT_ORDER else -1
        self.sort = SORT_ORDER[(index + 1) % len(SORT_ORDER)]
        self.request(pause=0, complete=True)
        return self.sort

    def next_kind(self) -> str | None:
        self.kind = KIND_ORDER[(KIND_ORDER.index(self.kind) + 1) % len(KIND_ORDER)]
        self.request(pause=0, complete=True)
        return self.kind

    def set_query(self, text: str) -> None:
        """Replace the box's text (the Changed message runs the search)."""
        self.box.value = text
        self.box.cursor_position = len(text)

    def narrow_to_topic(self, topic: str) -> None:
        """Add ``topic:"X"`` to the query, as a user would type it."""
        clean = " ".join(topic.replace('"', " ").split())
        if clean:
            self.set_query(f'{self.query_text} topic:"{clean}"'.strip())
