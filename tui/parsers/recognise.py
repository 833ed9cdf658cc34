"""Telling the kinds of document apart by their content, and reading files safely.

The extension says nothing (``.md``, ``.markdown`` and ``.txt`` all occur), so one scan
of the heading lines decides:

- event page: a ``# headline`` plus a ``### [YYYY-MM-D](...)`` date line or a
  ``### Source(s):`` / ``### Related:`` section;
- day page: a ``## [YYYY-MM-D](...)`` heading (its ``### [headline](link)`` entries may
  be none);
- a page of ``### [title](link)`` entries under undated headings (the site's front
  page, ``## [News](...)``, ``## [Yesterday](...)``): navigation, skipped;
- anything else with prose is an article (front matter optional, and front matter
  alone is enough), prose about the archive itself included (the sample's
  ``ABOUT.md``); a page that is mostly link lists (``api/README.md``) is
  navigation, skipped.

:func:`parse_file` never raises: every failure is a :class:`Skip` with a reason a
person can act on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tui.model import Document, Skip
from tui.parsers.article import parse_article, split_front_matter
from tui.parsers.day_page import parse_day_page
from tui.parsers.event_page import parse_event_page
from tui.text import normalize_line_breaks

MAX_BYTES = 20 * 1024 * 1024
CANDIDATE_SUFFIXES = (".md", ".markdown", ".txt")
_MEGABYTE = 1024 * 1024
# At most one undecodable byte in a thousand characters is read as a damaged text
# file (shown with U+FFFD); more than that is not text.
_REPLACEMENT_RATIO = 0.001
# The heading lines that tell the kinds apart (see the module docstring), as
# patterns over the whole text with a newline put in front. A heading's level is its
# run of ``#`` followed by a space, a tab, ``[`` or the end of the line. Each pattern
# starts with a literal ``\n`` rather than ``^``: the regex engine then skips to
# line starts at C speed, where ``^`` would be tried at every character of a
# five-megabyte line.
_HEADLINE_LINE = re.compile(r"\n#[ \t]")
_DATE_LINE = re.compile(r"\n###[ \t]*\[[ \t]*\d{4}-\d{1,2}-\d{1,2}[ \t]*\]\(")
_EVENT_SECTION_LINE = re.compile(
    r"\n###[ \t]+(?:sources?|related)[ \t]*:?[ \t]*(?=\n|\Z)", re.IGNORECASE | re.ASCII
)
_DAY_LINE = re.compile(r"\n##[ \t]*\[[ \t]*\d{4}-\d{1,2}-\d{1,2}[ \t]*\]\(")
_ENTRY_LINE = re.compile(r"\n###[ \t]*\[")
# Lines (leading and trailing white space aside) that are neither prose nor lists:
# headings and rules; then list lines, and prose lines (holding two spaces or more).
_NOT_TEXT = r"#|---|\*\*\*|___"
_LIST_START = r"\[|Formats:|\||(?:\d{1,6}[.)]|[*+-])[ \t]+"
_LIST_LINE = re.compile(rf"\n[^\S\n]*+(?!{_NOT_TEXT})(?:{_LIST_START})")
_PROSE_LINE = re.compile(rf"\n[^\S\n]*+(?!{_NOT_TEXT}|{_LIST_START})[^ \n]*+ [^ \n]*+ [^\n]*?\S")


def document_id(path: Path, root: Path) -> str:
    """The path relative to the archive root with ``/`` separators."""
    text, prefix = str(path), str(root)
    if os.sep == "/" and text.startswith(prefix) and text[len(prefix):len(prefix) + 1] == "/":
        return text[len(prefix) + 1:]  # what relative_to gives, without pathlib's cost
    try:
        relative = path.relative_to(root)
    except ValueError:
        relative = Path(os.path.relpath(path, root))
    return relative.as_posix()


def parse_file(path: Path, root: Path) -> Document | Skip:
    """Read and parse one archive file: a document, or a :class:`Skip` (never an exception).

    Skipped: unreadable paths, files over 20 MB (not read at all), empty files, binary
    files (NUL bytes), text that is not UTF-8 beyond one bad byte per thousand
    characters (fewer are shown as U+FFFD), navigation pages, and event or day pages
    without a headline or date. Broken YAML front matter does not skip an article:
    its ``key: value`` lines are read one by one and the text is kept.
    """
    doc_id = document_id(path, root)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                return Skip(doc_id, f"too large ({size / _MEGABYTE:.0f} MB)")
            data = handle.read()
    except OSError as error:
        return Skip(doc_id, f"cannot be read ({error.strerror or error})")
    try:
        text = decode(data)
        if isinstance(text, Skip):
            return Skip(doc_id, text.reason)
        return parse_text(text, doc_id)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop an archive
        return Skip(doc_id, f"could not be parsed ({type(error).__name__}: {error})")


def decode(data: bytes) -> str | Skip:
    """Bytes to text: UTF-8 (BOM or not), UTF-16 with a BOM; binary and non-text refused."""
    if not data:
        return Skip("", "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return Skip("", "binary or not UTF-8 text (bad UTF-16)")
    if b"\x00" in data:
        return Skip("", "binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    if bad > len(text) * _REPLACEMENT_RATIO:
        return Skip("", f"binary or not UTF-8 text ({bad} undecodable bytes)")
    return text


def parse_text(text: str, doc_id: str) -> Document | Skip:
    """Recognise the kind of ``text`` and parse it; ``doc_id`` becomes the document's id."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return Skip(doc_id, "empty file")
    meta: dict[str, object] = {}
    body = text
    if text.startswith("---"):
        meta, body = split_front_matter(text)
    body = normalize_line_breaks(body)
    kind = recognise_text(body)
    if meta and kind in ("navigation", "front page"):
        kind = "article"
    if kind == "event":
        return parse_event_page(body.split("\n"), doc_id)
    if kind == "day":
        return parse_day_page(body.split("\n"), doc_id)
    if kind == "headless event":
        return Skip(doc_id, "event page without a '# headline' line")
    if kind == "front page":
        return Skip(
            doc_id, "front page of undated link lists (site navigation), not a news document"
        )
    if kind == "navigation":
        return Skip(doc_id, "mostly headings and link lists (site navigation), not a news document")
    return parse_article(text, doc_id)


def recognise(lines: list[str]) -> str:
    """``event``, ``day``, ``article``, ``front page``, ``navigation`` or ``headless event``."""
    return recognise_text("\n".join(lines))


def recognise_text(text: str) -> str:
    """:func:`recognise` for text whose only line break is ``\\n``.

    Whole-text regexes rather than a loop over lines: a five-megabyte file of a
    million short lines, or one five-megabyte line, is decided at the speed of the
    regex engine.
    """
    text = "\n" + text
    headline = _HEADLINE_LINE.search(text) is not None
    event_date = _DATE_LINE.search(text) is not None
    event_sections = _EVENT_SECTION_LINE.search(text) is not None
    if headline and (event_date or event_sections):
        return "event"
    if _DAY_LINE.search(text) is not None:
        return "day"
    if event_date or event_sections:
        return "headless event"
    if _ENTRY_LINE.search(text) is not None:
        return "front page"
    return "article" if _mostly_prose(text) else "navigation"


def _mostly_prose(text: str) -> bool:
    """True when prose lines (three words or more) outnumber half the list and link lines.

    Headings count for neither side: an article may have many, a navigation page
    (``api/README.md``) is told by its link lists.
    """
    prose = sum(1 for _ in _PROSE_LINE.finditer(text))
    lists = sum(1 for _ in _LIST_LINE.finditer(text))
    return prose > 0 and prose * 2 >= lists
