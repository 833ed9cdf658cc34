"""A query checked before Whoosh sees it: what Whoosh would silently misread (unknown
fields, unbalanced quotes or brackets, impossible dates, unknown kinds) is one clear
:class:`QueryError` naming the query and the fault."""

from __future__ import annotations

import re
from datetime import date

from tui.config import ChronicleError
from tui.index.schema import FIELD_ALIASES

KINDS = ("event", "article", "day")


class QueryError(ChronicleError):
    """A query that cannot be run as written; the message names the query and the fault."""


_FIELD = re.compile(r"(?:^|[\s(+\-])([A-Za-z_]\w*):")
_DATE_VALUE = re.compile(r"date:(\[[^\]]*\]?|\{[^}]*\}?|\"[^\"]*\"|\S*)", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_KIND_VALUE = re.compile(r"(?:kind|type):(\S*)", re.IGNORECASE)


def _outside_quotes(text: str) -> str:
    """The query with quoted parts blanked, so their content is never read as syntax."""
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group()), text)


def check_query(text: str) -> None:
    """Raise :class:`QueryError` for what Whoosh would silently misread."""
    shown = text if len(text) <= 80 else text[:77] + "..."
    if not text.strip():
        raise QueryError("empty query: type one or more words")
    if text.count('"') % 2:
        raise QueryError(f"query {shown!r}: unbalanced quote (\")")
    bare = _outside_quotes(text)
    stack: list[str] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    for char in bare:
        if char in "([{":
            stack.append(char)
        elif char in pairs:
            if not stack or stack[-1] != pairs[char]:
                raise QueryError(f"query {shown!r}: unbalanced bracket {char!r}")
            stack.pop()
    if stack:
        raise QueryError(f"query {shown!r}: bracket {stack[-1]!r} is never closed")
    for match in _FIELD.finditer(bare):
        name = match.group(1).lower()
        if name not in FIELD_ALIASES:
            known = ", ".join(sorted({"headline", "title", "story", "topic", "publisher", "kind",
                                      "date", "url"}))
            raise QueryError(f"query {shown!r}: unknown field {match.group(1)!r} (fields: {known})")
    for match in _DATE_VALUE.finditer(text):
        _check_date(match.group(1), shown)
    for match in _KIND_VALUE.finditer(bare):
        if match.group(1).lower().strip("()") not in KINDS:
            raise QueryError(f"query {shown!r}: kind must be event, article or day")


def _check_date(value: str, shown: str) -> None:
    hint = "use 2011, 2011-11, 2011-11-12 or [2011-11-01 to 2011-11-30]"
    value = value.strip('"')
    if value[:1] in "[{":
        inner = value[1:-1]
        parts = re.split(r"\s+to\s+", inner.strip(), flags=re.IGNORECASE)
        if len(parts) != 2 or not any(p.strip() for p in parts):
            raise QueryError(f"query {shown!r}: date range {value!r} needs 'A to B' ({hint})")
        values = [p.strip() for p in parts if p.strip()]
    else:
        values = [value]
    for one in values:
        match = _DAY.match(one)
        ok = match is not None
        if match:
            year, month, day = (int(g) if g else 1 for g in match.groups())
            try:
                date(year, month, day)
            except ValueError:
                ok = False
        if not ok:
            raise QueryError(f"query {shown!r}: {one!r} is not a date ({hint})")
