"""Search results: one row per hit in a line-drawn list, and the status, facet and
message lines.

A row is one rich ``Text`` (no widget per result), made by the search worker and drawn
only once it is on screen (``RowPane``), so a search-as-you-type refresh costs about
one screen of rows. Archive text and snippets only ever enter ``Text`` objects;
snippets arrive as ``(text, is_match)`` segments and matches get the same highlight
style the reader uses.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.console import Console
from rich.text import Text
from textual.binding import BindingType
from textual.events import Resize
from textual.message import Message

from tui.app.actions import bindings_for
from tui.app.pages import iso
from tui.app.reader import HIGHLIGHT
from tui.app.row_pane import RowPane

if TYPE_CHECKING:
    from tui.search import Hit, SearchResults

SORT_ORDER = ("relevance", "newest", "oldest")
SORT_LABELS = {
    "relevance": "by relevance",
    "newest": "newest first",
    "oldest": "oldest first",
    "date": "oldest first",
}
KIND_ORDER: tuple[str | None, ...] = (None, "event", "article")
KIND_LABELS = {None: "all kinds", "event": "events only", "article": "articles only"}
KIND_STYLES = {"event": "green", "article": "magenta", "day": "blue"}
MIN_WIDTH = 20
SNIPPET_LINES = 2
HEADLINE_LINES = 3
# Measures text for clipping rows (in any thread: it only counts cells, never prints).
WRAPPING = Console(width=200, color_system=None, force_terminal=False)

# Query words worth highlighting: field values of text fields, bare words, phrase words.
_QUERY_PART = re.compile(r'(?:([A-Za-z_]\w*):)?("[^"]*"?|[^\s()"\[\]{}]+)')
_NOT_TEXT_FIELDS = {"date", "kind", "type", "url", "id"}
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def query_terms(query: str) -> list[str]:
    """The words of a query a reader page should highlight (no operators, dates or kinds)."""
    terms: list[str] = []
    for match in _QUERY_PART.finditer(query):
        field, value = match.group(1), match.group(2)
        if field and field.lower() in _NOT_TEXT_FIELDS:
            continue
        for word in value.strip('"').split():
            word = word.strip("*?+-^~.,;!")
            if len(word) >= 2 and word not in _OPERATORS and word not in terms:
                terms.append(word)
    return terms


def hit_terms(hit: Hit, query: str) -> list[str]:
    """The words Whoosh matched in the hit's snippet, then the query's own words."""
    terms = [text for text, is_match in hit.snippet if is_match and text.strip()]
    for term in query_terms(query):
        if term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    return list(dict.fromkeys(terms))


def _clip(text: Text, limit: int) -> Text:
    if len(text) <= limit:
        return text
    clipped = text[: max(1, limit - 1)]
    clipped.rstrip()
    clipped.append("…")
    return clipped


def _clip_lines(text: Text, width: int, lines: int, console: Console) -> Text:
    """At most ``lines`` lines of ``text`` wrapped at ``width``, the last ending in "…"."""
    wrapped = list(text.wrap(console, width))
    if len(wrapped) <= lines:
        return text
    last = wrapped[lines - 1]
    last.rstrip()
    if len(last) > width - 1:
        last = last[: width - 1]
        last.rstrip()
    last.append("…")
    return Text("\n").join([*wrapped[: lines - 1], last])


def snippet_text(segments: Sequence[tuple[str, bool]], limit: int) -> Text:
    """The snippet as Text with matches highlighted, cut to ``limit`` characters around
    the first match so the match is always in view."""
    text = Text()
    first_match: int | None = None
    for part, is_match in segments:
        if is_match and first_match is None:
            first_match = len(text)
        text.append(part, style=HIGHLIGHT if is_match else "")
    if len(text) <= limit:
        return text
    start = 0
    if first_match is not None and first_match > limit // 3:
        start = text.plain.rfind(" ", 0, first_match - limit // 4) + 1
    clipped = text[start:]
    if start:
        clipped = Text("…") + clipped
    return _clip(clipped, limit)


def hit_prompt(hit: Hit, width: int, console: Console, terms: Iterable[str] = ()) -> Text:
    """Three short parts: date, kind and story; the headline; the snippet."""
    width = max(MIN_WIDTH, width)
    meta = Text.assemble((iso(hit.date), "cyan"), "  ", (hit.kind, KIND_STYLES.get(hit.kind, "")))
    if hit.story:
        meta.append("  ")
        meta.append(hit.story, style="italic magenta")
    meta = _clip(meta, width)
    title = Text(hit.title or hit.id, style="bold")
    words = [t for t in terms if t.strip()]
    if words:
        title.highlight_words(words, HIGHLIGHT, case_sensitive=False)
    parts = [meta, _clip_lines(title, width, HEADLINE_LINES, console)]
    if hit.snippet:
        snippet = snippet_text(hit.snippet, width * (SNIPPET_LINES + 1))
        parts.append(_clip_lines(snippet, width, SNIPPET_LINES, console))
    return Text("\n").join(parts)


def status_line(results: SearchResults, kind: str | None) -> Text:
    """How many matched, how many are shown, the time taken, the order and the filter."""
    text = Text()
    text.append(f"{results.total:,}", style="bold")
    text.append(" matched · ", style="dim")
    text.append(f"{len(results.hits):,}", style="bold")
    text.append(" shown · ", style="dim")
    text.append(f"{results.elapsed * 1000:.0f} ms", style="bold")
    text.append(" · ", style="dim")
    text.append(SORT_LABELS.get(results.sort, results.sort), style="bold cyan")
    text.append(" · ", style="dim")
    text.append(KIND_LABELS.get(kind, kind or ""), style="bold green" if kind else "dim")
    if results.cut_short:
        text.append(" · stopped at the time limit: partial", style="yellow")
    for note in results.notes:
        text.append("\n")
        text.append(note, style="dim italic")
    return text


def facet_line(facets: Sequence[tuple[str, int]], key: str) -> Text:
    """The results' topics with their counts, and the key that narrows to one."""
    if not facets:
        return Text("")
    text = Text("Topics ", style="dim")
    for index, (topic, count) in enumerate(facets):
        if index:
            text.append(" · ", style="dim")
        text.append(topic, style="green")
        text.append(f" {count}", style="dim")
    text.append(f"  ({key} narrows)", style="dim italic")
    return text


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One row of the list: a hit's three parts, or a note (``disabled``)."""

    prompt: Text
    disabled: bool = False
    divider: bool = False


def hit_prompts(hits: Sequence[Hit], terms: Sequence[list[str]], width: int) -> list[Text]:
    """Every hit's row text at ``width`` (the search worker makes them, off the screen's
    thread: wrapping fifty results to clip them took tens of milliseconds)."""
    return [hit_prompt(hit, width, WRAPPING, words) for hit, words in zip(hits, terms, strict=True)]


class Rows(NamedTuple):
    """Result rows made by a search worker: each hit's words, its text, their width."""

    terms: list[list[str]]
    prompts: list[Text]
    width: int


def result_rows(results: SearchResults, width: int) -> Rows:
    terms = [hit_terms(hit, results.query) for hit in results.hits]
    return Rows(terms, hit_prompts(results.hits, terms, width), width)


def completed_rows(first: SearchResults, done: SearchResults, rows: Rows | None,
                   width: int) -> Rows:
    """The rows of a search's complete results (``done``) at ``width``: a row whose hit
    the second step left as the first step listed it (but for its topics, which rows do
    not show) is kept as the first step made it (``rows``)."""
    terms = [hit_terms(hit, done.query) for hit in done.hits]
    reuse = rows is not None and rows.width == width
    prompts = []
    for number, (hit, words) in enumerate(zip(done.hits, terms, strict=True)):
        before = first.hits[number] if number < len(first.hits) else None
        if reuse and rows is not None and dataclasses.replace(hit, topics=()) == before:
            prompts.append(rows.prompts[number])
        else:
            prompts.append(hit_prompt(hit, width, WRAPPING, words))
    return Rows(terms, prompts, width)


class SearchResultsList(RowPane):
    """The hits of the current search; Enter (or a click) opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("search_results")

    class HitChosen(Message):
        """The user chose hit number ``index`` of the list."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.hits: list[Hit] = []
        self.terms: list[list[str]] = []
        self._width = 0

    @property
    def row_width(self) -> int:
        """Characters available to a row's text: the list's width less the row padding
        and room for a scrollbar (so rows keep their cut when one appears)."""
        return max(MIN_WIDTH, self.size.width - 4)

    def show_hits(self, hits: Sequence[Hit], terms: Sequence[list[str]], *,
                  keep: bool = False, prompts: Sequence[Text] | None = None,
                  width: int = 0) -> None:
        """Replace the rows; the first hit is highlighted and the list shown from the top,
        or, with ``keep`` (the same search's complete results), the highlight stays on
        the hit it was on if that is still listed. ``prompts`` are the rows' texts if
        they were made already (at ``width``)."""
        kept = self.highlighted_hit if keep else None
        previous = self.hits[kept].id if kept is not None and kept < len(self.hits) else None
        self.hits = list(hits)
        self.terms = list(terms)
        index = next((i for i, hit in enumerate(self.hits) if hit.id == previous), None)
        made = list(prompts) if prompts is not None and width == self.row_width else None
        self._render_rows(index if index is not None else (0 if self.hits else None),
                          made, top=index is None)

    def show_message(self, message: str) -> None:
        self.hits, self.terms = [], []
        self.set_rows([ResultRow(Text(message, style="dim italic"), disabled=True)], None)

    def _render_rows(self, highlighted: int | None, prompts: list[Text] | None = None,
                     *, top: bool = True) -> None:
        width = self._width = self.row_width
        if prompts is None or len(prompts) != len(self.hits):
            prompts = hit_prompts(self.hits, self.terms, width)
        last = len(prompts) - 1
        rows: list[ResultRow] = [ResultRow(prompt, divider=index < last)
                                 for index, prompt in enumerate(prompts)]
        if not rows:
            rows.append(ResultRow(Text("No results.", style="dim italic"), disabled=True))
        self.set_rows(rows, highlighted, top=top)
        if not top:
            self.scroll_to_highlight()

    def on_resize(self, event: Resize) -> None:
        """Rows are cut to the list's width: re-cut them when it changes."""
        if self.hits and self.row_width != self._width:
            self._render_rows(self.highlighted, top=False)

    @property
    def highlighted_hit(self) -> int | None:
        """The index (into :attr:`hits`) of the highlighted row, if it is a hit."""
        index = self.highlighted
        if index is None or not self.hits or not 0 <= index < len(self.hits):
            return None
        return index

    def highlight_hit(self, index: int) -> None:
        if 0 <= index < len(self.hits):
            self.highlight(index)

    def chosen(self, index: int) -> None:
        if 0 <= index < len(self.hits):
            self.post_message(self.HitChosen(index))
