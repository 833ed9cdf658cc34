"""What the search keys do in the app: open and close the panel, open hits, step through them.

While the search is open its results replace the timeline in the left pane (the
timeline is only hidden, so Esc brings it back exactly where it was) and ``n`` /
``N`` open the next or previous result; with the search closed ``n`` is the next
day again. A search the user commits to (Enter in the box, or opening a result)
becomes a history entry and a recent search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import Input

from tui.app.history import Location
from tui.app.search_panel import SearchPanel
from tui.app.search_results import KIND_LABELS, SORT_LABELS, SearchResultsList
from tui.app.story_screen import ChoiceScreen

if TYPE_CHECKING:
    from tui.app.chronicle_app import ChronicleApp

    _Base = ChronicleApp
else:
    _Base = object

# Actions that only mean something while the search is open.
SEARCH_ONLY = {
    "next_result",
    "previous_result",
    "search_sort",
    "search_kind",
    "search_topic",
    "search_suggestion",
    "close_search",
}
TIMELINE_TITLE = "Timeline [1]"
SEARCH_TITLE = "Search [1]"


class SearchActionsMixin(_Base):
    """App mixin: the search panel's place in the layout, history and keys.

    Focus moves with ``screen.set_focus`` (at once), not ``focus()`` (after the
    message queue): keys typed right after ``/`` or Enter must land in the new place.
    """

    _focus_before_search: Widget | None = None

    @property
    def search_panel(self) -> SearchPanel:
        return self.query_one(SearchPanel)

    @property
    def search_open(self) -> bool:
        return bool(self.search_panel.display)

    def search_allows(self, action: str) -> bool:
        """Search keys are live only while the search is open (else ``n`` is next day);
        the topic and suggestion keys only when the results offer one."""
        if action in ("search", "jump"):  # priority keys: in a text box, / and g are letters
            return not isinstance(self.focused, Input)
        if action not in SEARCH_ONLY:
            return True
        if not self.search_open:
            return False
        results = self.search_panel.results
        if action == "search_suggestion":
            return results is not None and bool(results.suggestion)
        if action == "search_topic":  # also while its topics are being counted
            return results is not None and bool(results.facets or results.facets_pending)
        return True

    # -- opening and closing --------------------------------------------------------

    def action_search(self) -> None:
        """Show the search box above the results, in place of the timeline."""
        panel = self.search_panel
        if not panel.display:
            focused = self.focused
            self._focus_before_search = focused if focused is not panel.box else None
            panel.display = True
            self.screen.set_focus(panel.box)  # before the timeline hides, or layout moves it
            self.timeline.display = False
            left = self.query_one("#left")
            left.add_class("-searching")
            left.border_title = SEARCH_TITLE
        self.screen.set_focus(panel.box)
        self._reveal("left")
        panel.box.select_all()

    def action_close_search(self) -> None:
        """Hide the search; the timeline comes back with its cursor where it was."""
        panel = self.search_panel
        if not panel.display:
            return
        self.timeline.display = True
        self.screen.set_focus(self.timeline)  # before the panel hides, or layout moves it
        panel.display = False
        left = self.query_one("#left")
        left.remove_class("-searching")
        left.border_title = TIMELINE_TITLE
        self.apply_layout()
        before = self._focus_before_search
        self._focus_before_search = None
        if before is not None and before.is_attached and all(
            w.display for w in before.ancestors_with_self if isinstance(w, Widget)
        ):
            self.screen.set_focus(before)

    def show_search(self, query: str) -> None:
        """Open the search on ``query`` (Back to a search entry lands here)."""
        self.action_search()
        panel = self.search_panel
        if panel.query_text != query.strip():
            panel.set_query(query)
        panel.flush()
        self.screen.set_focus(panel.results_list)

    def action_focus_timeline(self) -> None:
        """``1`` focuses the search results while they stand in for the timeline."""
        if self.search_open:
            self._reveal("left")
            self.screen.set_focus(self.search_panel.results_list)
            return
        super().action_focus_timeline()

    # -- committing and opening -----------------------------------------------------

    def remember_search(self, query: str) -> None:
        """A recent search (kept between runs) and a history entry Back returns to."""
        query = query.strip()
        if not query:
            return
        self.user_data.add_search(query)
        self.history.visit(Location("search", query, f"search: {query}"))
        self.user_data.save_history()
        self._update_breadcrumb()

    def action_submit_search(self) -> None:
        """Enter in the box (a priority key, so the keys after it reach the results)."""
        panel = self.search_panel
        panel.flush()
        self.remember_search(panel.query_text)
        self.screen.set_focus(panel.results_list)

    def on_search_results_list_hit_chosen(self, message: SearchResultsList.HitChosen) -> None:
        message.stop()
        self.remember_search(self.search_panel.query_text)
        self.open_hit(message.index)

    def open_hit(self, index: int) -> None:
        """Open result ``index`` in the reader with its matched words highlighted."""
        panel = self.search_panel
        hits = panel.hits
        if not 0 <= index < len(hits):
            return
        hit = hits[index]
        panel.results_list.highlight_hit(index)
        if hit.kind == "day" and hit.date is not None:
            location = Location("day", hit.date.isoformat(), hit.date.isoformat())
        else:
            location = Location(hit.kind, hit.id, hit.title)
        self.open_location(location, reveal=False, terms=panel.terms_for(index))

    def _step_result(self, step: int) -> None:
        panel = self.search_panel
        if not panel.hits:
            self.notify("No search results to step through.")
            return
        current = panel.results_list.highlighted_hit
        index = (step if step > 0 else len(panel.hits) - 1) if current is None else current + step
        if not 0 <= index < len(panel.hits):
            self.notify("This is the last result." if step > 0 else "This is the first result.")
            return
        self.open_hit(index)

    def action_next_result(self) -> None:
        self._step_result(+1)

    def action_previous_result(self) -> None:
        self._step_result(-1)

    # -- order, filter, topic, suggestion -------------------------------------------

    def action_search_sort(self) -> None:
        sort = self.search_panel.next_sort()
        self.notify(f"Search results {SORT_LABELS[sort]}", timeout=2)

    def action_search_kind(self) -> None:
        kind = self.search_panel.next_kind()
        self.notify(f"Search: {KIND_LABELS[kind]}", timeout=2)

    def action_search_suggestion(self) -> None:
        panel = self.search_panel
        results = panel.results
        if results is None or not results.suggestion or results.query != panel.query_text:
            self.notify("No spelling suggestion for this search.")
            return
        panel.set_query(results.suggestion)

    def action_search_topic(self) -> None:
        panel = self.search_panel
        if panel.results is not None and panel.results.facets_pending:
            self.notify("The topics of these results are still being counted.", timeout=2)
            return
        facets = list(panel.results.facets) if panel.results is not None else []
        if not facets:
            self.notify("These results have no topics to narrow to.")
            return
        labels = [f"{topic}  ({count})" for topic, count in facets]
        self.push_screen(
            ChoiceScreen("Narrow the search to a topic", labels),
            lambda label: panel.narrow_to_topic(facets[labels.index(label)][0])
            if label in labels
            else None,
        )
