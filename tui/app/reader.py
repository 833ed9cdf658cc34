"""The reader pane: an event, an article or a day page as one scrolling Rich Text.

The page is a list of text blocks rendered into one Static, not one widget per
item, so long articles and busy days cost one widget. Archive text only ever enters
``rich.text.Text`` objects, so brackets in a headline can never become markup.
Links (sources, related events, linked articles, a day's events) can be selected
with the keyboard or clicked; the app decides what following one means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from tui.app.actions import bindings_for

HIGHLIGHT = "bold black on yellow"
SELECTED = "reverse"


@dataclass(frozen=True, slots=True)
class ReaderLink:
    """Something on the page that can be followed.

    ``kind`` is ``url`` (a source or article address: opens in the browser),
    ``event`` or ``article`` (opens in the reader); ``number`` is a source's number.
    """

    kind: str
    target: str
    title: str
    number: int | None = None


class Page:
    """Builds a reader page block by block, remembering where each link sits."""

    def __init__(self) -> None:
        self.blocks: list[Text] = []
        self.links: list[ReaderLink] = []
        self.link_spans: list[tuple[int, int, int]] = []  # block, start, end

    def add(self, *parts: str | Text | tuple[str, str | Style], style: str = "") -> Text:
        text = Text.assemble(*parts, style=style)
        self.blocks.append(text)
        return text

    def blank(self) -> None:
        self.blocks.append(Text(""))

    def heading(self, title: str) -> None:
        self.blank()
        self.add((title, "bold underline"))

    def link(
        self, link: ReaderLink, prefix: Text | str, label: Text | str, suffix: Text | str = ""
    ) -> None:
        """A line holding one followable link; the label is clickable."""
        index = len(self.links)
        self.links.append(link)
        text = Text.assemble(prefix)
        start = len(text)
        label_text = label if isinstance(label, Text) else Text(label)
        label_text = label_text.copy()
        label_text.stylize(Style(meta={"@click": f"app.reader_link({index})"}, underline=True))
        text.append_text(label_text)
        end = len(text)
        text.append_text(suffix if isinstance(suffix, Text) else Text(suffix))
        self.link_spans.append((len(self.blocks), start, end))
        self.blocks.append(text)


class Reader(VerticalScroll):
    """Shows one page and keeps a selected link for Enter, ``y`` and ``o``."""

    BINDINGS = bindings_for("reader")

    class LinkActivated(Message):
        """The user followed a link on the page."""

        def __init__(self, link: ReaderLink) -> None:
            self.link = link
            super().__init__()

    class LinkSelected(Message):
        """The selected link changed (the footer and status line show it)."""

        def __init__(self, link: ReaderLink | None) -> None:
            self.link = link
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.page = Page()
        self.terms: list[str] = []
        self.selected: int | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="reader-body")

    @property
    def links(self) -> list[ReaderLink]:
        return self.page.links

    def show_page(
        self, page: Page, terms: Iterable[str] = (), *, keep_scroll: bool = False
    ) -> None:
        """Replace the page; ``terms`` (from a search) are highlighted."""
        self.page = page
        self.terms = [t for t in terms if t.strip()]
        if self.selected is not None and (not keep_scroll or self.selected >= len(page.links)):
            self.selected = None
        self._render_page()
        if not keep_scroll:
            self.scroll_home(animate=False)

    def _render_page(self) -> None:
        blocks = [b.copy() for b in self.page.blocks]
        if self.selected is not None:
            block, start, end = self.page.link_spans[self.selected]
            blocks[block].stylize(SELECTED, start, end)
        body = Text("\n").join(blocks)
        if self.terms:
            body.highlight_words(self.terms, HIGHLIGHT, case_sensitive=False)
        self.query_one("#reader-body", Static).update(body)

    @property
    def plain_text(self) -> str:
        """The page as plain text (what tests and screen readers can check)."""
        return "\n".join(b.plain for b in self.page.blocks)

    # -- links ----------------------------------------------------------------------

    def select_link(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self.page.links):
            return
        self.selected = index
        self._render_page()
        self.post_message(self.LinkSelected(self.selected_link))
        if index is not None:
            self.call_after_refresh(self._scroll_to_link, index)

    @property
    def selected_link(self) -> ReaderLink | None:
        return None if self.selected is None else self.page.links[self.selected]

    def _scroll_to_link(self, index: int) -> None:
        block = self.page.link_spans[index][0]
        width = max(1, self.scrollable_content_region.width)
        console = self.app.console
        line = sum(len(b.wrap(console, width)) for b in self.page.blocks[:block])
        height = self.scrollable_content_region.height
        if not self.scroll_y <= line < self.scroll_y + height:
            self.scroll_to(y=max(0, line - height // 3), animate=False)

    def action_next_link(self) -> None:
        if self.page.links:
            nxt = 0 if self.selected is None else (self.selected + 1) % len(self.page.links)
            self.select_link(nxt)

    def action_previous_link(self) -> None:
        if self.page.links:
            count = len(self.page.links)
            prev = count - 1 if self.selected is None else (self.selected - 1) % count
            self.select_link(prev)

    def action_activate_link(self) -> None:
        link = self.selected_link
        if link is None:
            self.notify("No link selected: press l to select one.", severity="warning")
            return
        self.post_message(self.LinkActivated(link))

    def activate_index(self, index: int) -> None:
        """A click on link ``index``: select it and follow it."""
        if 0 <= index < len(self.page.links):
            self.select_link(index)
            self.post_message(self.LinkActivated(self.page.links[index]))

    def source(self, number: int) -> ReaderLink | None:
        """The source numbered ``number`` on the shown event, if any."""
        for link in self.page.links:
            if link.number == number:
                return link
        return None

    @property
    def source_count(self) -> int:
        return sum(1 for link in self.page.links if link.number is not None)
