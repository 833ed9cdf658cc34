"""What every query on one searcher uses and no query changes, made once per searcher.

The query parser, the snippet cutter (with its word cache), the BM25F weighting and
its field lengths, the ``id`` column, the date keys and the distinct stories and
topics: made at the first query of a searcher (or ahead, by :func:`prepare`) and
dropped with it.
"""

from __future__ import annotations

import weakref

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, QueryParser
from whoosh.searching import Searcher

from tui.date_keys import DateKeys
from tui.index.schema import DEFAULT_FIELD, FIELD_ALIASES
from tui.labels import LABEL_FIELDS, Labels
from tui.query_check import QueryError, check_query
from tui.ranking import ArrayBM25F
from tui.snippets import Snippets


class SearchTools:
    """One searcher's parser, snippet cutter, weighting, id column, date keys, labels."""

    def __init__(self, searcher: Searcher) -> None:
        schema = searcher.schema
        self.parser = QueryParser(DEFAULT_FIELD, schema)
        aliases: dict[str, list[str]] = {}
        for alias, name in FIELD_ALIASES.items():
            if alias != name:
                aliases.setdefault(name, []).append(alias)
        self.parser.add_plugin(FieldAliasPlugin(aliases))
        self.snippets = Snippets(schema[DEFAULT_FIELD].analyzer)
        self.weighting = ArrayBM25F()
        reader = searcher.reader()
        self.ids = reader.column_reader("id") if reader.has_column("id") else None
        self._date_keys: DateKeys | None = None
        self._labels: dict[str, Labels] | None = None

    def labels(self, searcher: Searcher) -> dict[str, Labels]:
        """The distinct stories and topics, read at the first ``story:``/``topic:`` query
        (none on an index written before the whole-label fields existed)."""
        if self._labels is None:
            schema = searcher.schema
            self._labels = {text: Labels(searcher, text, keyword)
                            for text, keyword in LABEL_FIELDS.items()
                            if text in schema and keyword in schema}
        return self._labels

    def date_keys(self, searcher: Searcher) -> DateKeys:
        if self._date_keys is None:
            self._date_keys = DateKeys(searcher)
        return self._date_keys

    def doc_id(self, searcher: Searcher, docnum: int) -> str:
        if self.ids is not None:
            value = self.ids[docnum]
            return value.decode("utf-8") if isinstance(value, bytes) else str(value)
        return searcher.stored_fields(docnum)["id"]


_TOOLS: weakref.WeakKeyDictionary[Searcher, SearchTools] = weakref.WeakKeyDictionary()


def tools(searcher: Searcher) -> SearchTools:
    """The searcher's tools, made at its first query."""
    found = _TOOLS.get(searcher)
    if found is None:
        found = _TOOLS[searcher] = SearchTools(searcher)
    return found


# Fields whose lengths every relevance search of a plain word, topic or story uses.
_SCORED_FIELDS = (DEFAULT_FIELD, "topics", "stories")


def prepare(searcher: Searcher) -> None:
    """Do now what the first search on ``searcher`` would otherwise pay for: the
    parser, the date keys in date order (and which segments are numbered newest first),
    the distinct stories and topics, the field lengths and the deleted documents (about
    a second at 100,000 events). The app calls it in a background worker after its
    first paint (``Library.prepare_search``)."""
    found = tools(searcher)
    keys = found.date_keys(searcher)
    keys.sorted()
    for leaf, offset in searcher.leaf_searchers():
        keys.dated_first(offset, leaf.doc_count_all())  # whether it is numbered newest first
    found.labels(searcher)
    fields = [name for name in _SCORED_FIELDS if name in searcher.schema]
    found.weighting.lengths.read_all(searcher, fields)
    for name in fields:
        found.weighting.norms(searcher, name)
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        if reader.has_deletions():
            getattr(reader, "deleted_docs_set", None)


def parse_query(text: str, searcher: Searcher) -> wq.Query:
    """``text`` checked (:func:`tui.query_check.check_query`), then parsed; any fault is
    a :class:`QueryError` naming the query."""
    check_query(text)
    try:
        return tools(searcher).parser.parse(text)
    except Exception as exc:  # noqa: BLE001 - any parser failure is the query's fault
        raise QueryError(f"query {text!r} cannot be read: {exc}") from None
