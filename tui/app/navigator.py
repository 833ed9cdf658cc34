"""The related navigator: what the shown document leads to, section by section.

One OptionList (fast at hundreds of rows) with disabled heading rows; related
events that are not in the archive are listed greyed, marked, and cannot be opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.app.actions import bindings_for
from tui.app.pages import MISSING, iso

if TYPE_CHECKING:
    from tui.library import Neighbours

DAY_ROWS = 100


@dataclass(frozen=True, slots=True)
class NavItem:
    """One openable row: an event or article id, plus a topic for shared-topic rows."""

    kind: str
    target: str
    title: str
    topic: str = ""


def _heading(title: str, count: int | None = None) -> Option:
    text = Text.assemble((title, "bold underline"))
    if count is not None:
        text.append(f" {count}", style="dim")
    return Option(text, disabled=True)


def _event_row(summary: Any, note: str = "") -> Text:
    text = Text.assemble(("• ", "dim"))
    text.append(iso(getattr(summary, "date", None)) + " ", style="cyan")
    text.append(summary.headline or summary.id)
    if note:
        text.append("  ")
        text.append(note, style="green")
    return text


class Navigator(OptionList):
    """Sections of related things; Enter or a click opens the highlighted one."""

    BINDINGS = bindings_for("navigator")

    class ItemChosen(Message):
        def __init__(self, item: NavItem) -> None:
            self.item = item
            super().__init__()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: dict[str, NavItem] = {}

    def _add(self, options: list[Option], item: NavItem, prompt: Text) -> None:
        key = f"nav-{len(self.items)}"
        self.items[key] = item
        options.append(Option(prompt, id=key))

    def show_message(self, message: str) -> None:
        self.items = {}
        self.set_options([Option(Text(message, style="dim italic"), disabled=True)])

    def show_event(self, neighbours: Neighbours) -> None:
        """Related, linked articles, same story, shared topics, more like this."""
        self.items = {}
        options: list[Option] = []
        options.append(_heading("Related events", len(neighbours.related)))
        for rel in neighbours.related:
            topics = f"  ({', '.join(rel.topics)})" if rel.topics else ""
            if rel.resolved:
                prompt = Text.assemble(("• ", "dim"))
                prompt.append(rel.title or rel.target)
                prompt.append(topics, style="green")
                self._add(options, NavItem("event", rel.resolved, rel.title), prompt)
            else:
                prompt = Text("• " + (rel.title or rel.target), style="dim")
                prompt.append(MISSING, style="dim red")
                prompt.append(topics, style="dim")
                options.append(Option(prompt, disabled=True))
        options.append(_heading("Linked articles", len(neighbours.articles)))
        for art in neighbours.articles:
            title = getattr(art, "title", "") or art.id
            prompt = Text.assemble(("• ", "dim"))
            prompt.append(title)
            publisher = getattr(art, "publisher", "")
            if publisher:
                prompt.append(f"  ({publisher})", style="dim")
            self._add(options, NavItem("article", art.id, title), prompt)
        self._section(options, "Same story", [(s, "") for s in neighbours.same_story])
        self._section(
            options,
            "Shared topics",
            [(s, topic) for topic, s in neighbours.shared_topics],
            topic_rows=True,
        )
        self._section(options, "More like this", [(s, "") for s in neighbours.more_like_this])
        if neighbours.linked_from:
            self._section(options, "Linked from", [(s, "") for s in neighbours.linked_from])
        self.set_options(options)
        self._highlight_first()

    def show_article(self, events: list[Any], more_like_this: list[Any]) -> None:
        """An article's own event(s), then similar events."""
        self.items = {}
        options: list[Option] = [_heading("Its event", len(events))]
        for event in events:
            self._add(options, NavItem("event", event.id, event.headline), _event_row(event))
        if not events:
            options.append(
                Option(Text("  no event found for this article", style="dim"), disabled=True)
            )
        self._section(options, "More like this", [(s, "") for s in more_like_this])
        self.set_options(options)
        self._highlight_first()

    def show_day(self, summaries: list[Any]) -> None:
        """A day page: its events, one row each (the first ``DAY_ROWS`` of a busy day:
        the list measures every row it holds, and the reader lists them all anyway)."""
        self.items = {}
        options: list[Option] = [_heading("Events on this day", len(summaries))]
        for summary in summaries[:DAY_ROWS]:
            self._add(options, NavItem("event", summary.id, summary.headline), _event_row(summary))
        if len(summaries) > DAY_ROWS:
            more = f"  {len(summaries) - DAY_ROWS:,} more: the reader lists them all"
            options.append(Option(Text(more, style="dim italic"), disabled=True))
        self.set_options(options)
        self._highlight_first()

    def _section(
        self,
        options: list[Option],
        title: str,
        rows: list[tuple[Any, str]],
        topic_rows: bool = False,
    ) -> None:
        options.append(_heading(title, len(rows)))
        if not rows:
            options.append(Option(Text("  none", style="dim"), disabled=True))
        for summary, topic in rows:
            item = NavItem("event", summary.id, summary.headline, topic if topic_rows else "")
            self._add(options, item, _event_row(summary, topic))

    def _highlight_first(self) -> None:
        """Highlight the first openable row but show the list from its top heading."""
        self.highlighted = next(
            (index for index, option in enumerate(self.options) if not option.disabled), None
        )
        self.call_after_refresh(self.scroll_home, animate=False, immediate=True)

    def on_focus(self) -> None:
        """Coming into the pane, show where the cursor is."""
        self.call_after_refresh(self.scroll_to_highlight)

    @property
    def highlighted_item(self) -> NavItem | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self.items.get(option.id or "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.items.get(event.option.id or "")
        if item is not None:
            self.post_message(self.ItemChosen(item))
