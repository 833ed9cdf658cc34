"""The search panel: box, inline message, status and topic lines, and the results list.

Search runs as you type. Each change of the query (or of the order or kind filter)
takes a new sequence number and, after a short pause in typing, starts a thread
worker; the worker group is exclusive, and a result only reaches the screen when
its number is still the newest, so an older, slower query can never overwrite a
newer one and key handling never waits on Whoosh. A query the query layer rejects
(unbalanced quotes or brackets, unknown field) shows its message under the box and
leaves the last good results in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui.app.actions import bindings_for, key_text
from tui.app.search_box import SearchBox
from tui.app.search_results import (
    KIND_ORDER,
    SORT_ORDER,
    SearchResultsList,
    facet_line,
    hit_terms,
    status_line,
)
from tui.search import SearchResults

if TYPE_CHECKING:
    from tui.search import Hit

RESULT_LIMIT = 50
TYPING_PAUSE = 0.03  # seconds of quiet before a search starts: one search per burst of keys


class SearchPanel(Vertical):
    """Everything the search shows; the app opens and closes it and opens the hits."""

    BINDINGS = bindings_for("search")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sort = "relevance"
        self.kind: str | None = None
        self.seq = 0  # the newest request
        self.shown_seq = 0  # the request whose outcome is on screen (results or an error)
        self.results: SearchResults | None = None  # the last good results
        self.error: str | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield SearchBox(
            self._recent,
            id="search-box",
            placeholder='words, "phrase", topic:x, date:2011…',
        )
        yield Static(id="search-message")
        yield Static(id="search-status")
        yield Static(id="search-facets")
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
        """Whether the newest request has been answered (tests and scripts wait on it)."""
        return self.shown_seq == self.seq

    # -- requests -------------------------------------------------------------------

    @on(Input.Changed, "#search-box")
    def _query_changed(self, event: Input.Changed) -> None:
        self.request()

    def request(self, *, pause: float = TYPING_PAUSE) -> None:
        """Search for the box's text with the current order and filter, superseding
        any search still running."""
        self.seq += 1
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.query_text
        if not text:
            self.shown_seq = self.seq
            self.results, self.error = None, None
            self._show_hint()
            self.app.refresh_bindings()
            return
        seq, sort, kind = self.seq, self.sort, self.kind
        if pause > 0:
            self._timer = self.set_timer(pause, lambda: self._start(seq, text, sort, kind))
        else:
            self._start(seq, text, sort, kind)

    def _start(self, seq: int, text: str, sort: str, kind: str | None) -> None:
        self._timer = None
        if seq == self.seq:
            self._search(seq, text, sort, kind)

    def flush(self) -> None:
        """Start a search that is waiting for the typing pause now (Enter was pressed)."""
        if self._timer is not None:
            self.request(pause=0)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, seq: int, text: str, sort: str, kind: str | None) -> None:
        worker = get_current_worker()
        library = getattr(self.app, "library", None)
        if library is None:
            results = SearchResults(text, sort=sort, error="the archive is still being opened")
        else:
            try:
                results = library.search(text, limit=RESULT_LIMIT, sort=sort, kind=kind)
            except Exception as exc:  # noqa: BLE001 - shown under the box; the app goes on
                results = SearchResults(text, sort=sort, error=f"search failed: {exc}")
        if not worker.is_cancelled:
            self.app.call_from_thread(self._arrived, seq, results)

    def _arrived(self, seq: int, results: SearchResults) -> None:
        if seq != self.seq:
            return  # an older request: a newer one is on its way
        self.shown_seq = seq
        self.app.refresh_bindings()
        if results.error:
            self.error = results.error
            kept = " — showing the last results" if self.results is not None else ""
            self._message(Text.assemble(("⚠ ", "bold red"), (results.error, "red"), (kept, "dim")))
            return
        self.error = None
        self.results = results
        self._show_results(results)

    # -- showing --------------------------------------------------------------------

    def _message(self, text: Text | None) -> None:
        message = self.query_one("#search-message", Static)
        message.update(text or "")
        message.display = text is not None

    def _show_hint(self) -> None:
        hint = Text.assemble(
            ("Type to search", "bold"),
            (" · ↑↓ recent searches · Enter to the results · Esc closes", "dim"),
        )
        self._message(None)
        self.query_one("#search-status", Static).update(hint)
        self.query_one("#search-facets", Static).update("")
        self.results_list.show_message("Same syntax as chronicle search: words, OR, NOT, "
                                       '"phrases", topic:, story:, kind:, date:2011-11.')

    def _show_results(self, results: SearchResults) -> None:
        if results.suggestion:
            self._message(Text.assemble(
                ("Did you mean ", "yellow"), (results.suggestion, "bold yellow"),
                ("?  ", "yellow"), (f"{key_text('sr_suggestion')} runs it", "dim"),
            ))
        else:
            self._message(None)
        self.query_one("#search-status", Static).update(status_line(results, self.kind))
        self.query_one("#search-facets", Static).update(
            facet_line(results.facets, key_text("sr_topic"))
        )
        self.results_list.show_hits(
            results.hits, [hit_terms(hit, results.query) for hit in results.hits]
        )

    def terms_for(self, index: int) -> list[str]:
        return self.results_list.terms[index]

    # -- order, filter, topic, suggestion -------------------------------------------

    def next_sort(self) -> str:
        index = SORT_ORDER.index(self.sort) if self.sort in SORT_ORDER else -1
        self.sort = SORT_ORDER[(index + 1) % len(SORT_ORDER)]
        self.request(pause=0)
        return self.sort

    def next_kind(self) -> str | None:
        self.kind = KIND_ORDER[(KIND_ORDER.index(self.kind) + 1) % len(KIND_ORDER)]
        self.request(pause=0)
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
