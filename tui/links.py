"""Archive ids and the links that point at them.

A document's id is its path relative to the archive root with ``/`` separators. Links
inside the archive spell the same path many ways (leading slash or none, ``../``,
zero-padded days, ``.html``/``.json``/``.xml`` instead of ``.md``, fragments);
:func:`normalize_target` folds them all to the id form, so a link and the page it
names compare equal as plain strings.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from tui.text import strip_controls

_SITE_HOSTS = frozenset({"thecontext.net", "www.thecontext.net"})
_FORMAT_SUFFIXES = (".html", ".htm", ".json", ".xml")
_DATE_IN_ID = re.compile(r"(?:^|/)news/(\d{4})/(\d{1,2})/(\d{1,2})(?:/|$)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PARENS = re.compile(r"[()]")
# A link already in the id form but for an optional leading slash, as nearly every
# event page writes its related links: returned without the general folding below.
_CANONICAL = re.compile(r"/?(news/[0-9]{4}/[0-9]{2}/[1-9][0-9]?/[^/\\#?]+\.md)")


def normalize_target(link: str) -> str:
    """Fold an archive link to the id of the page it names.

    ``/news/2016/06/05/x.md``, ``news/2016/6/5/x.html`` and ``../2016/06/5/x.md#top``
    all become ``news/2016/06/5/x.md``: month zero-padded, day not, no leading slash.
    Links to the site's own host are treated as archive paths; other absolute URLs
    (``https://...``, ``mailto:``) come back unchanged apart from surrounding space
    and control characters, which no link may carry.
    """
    if not link.isprintable():
        link = strip_controls(link).replace("\t", "").replace("\n", "")
    else:
        canonical = _CANONICAL.fullmatch(link)
        if canonical is not None:
            return canonical.group(1)
    link = link.strip().strip("<>").strip()
    if not link:
        return ""
    if _SCHEME.match(link):
        parts = urlsplit(link)
        if parts.hostname not in _SITE_HOSTS:
            return link
        link = parts.path
    for mark in ("#", "?"):
        cut = link.find(mark)
        if cut >= 0:
            link = link[:cut]
    is_dir = link.endswith(("/", "\\"))
    segments = [s for s in link.replace("\\", "/").split("/") if s and s not in (".", "..")]
    if not segments:
        return ""
    if len(segments) >= 3 and _is_year(segments[0]) and segments[1].isdigit():
        segments.insert(0, "news")
    if (
        len(segments) >= 4
        and segments[0] == "news"
        and _is_year(segments[1])
        and segments[2].isdigit()
        and segments[3].isdigit()
    ):
        segments[2] = f"{int(segments[2]):02d}"
        segments[3] = str(int(segments[3]))
    if is_dir:
        segments.append("index.md")
    last = segments[-1]
    lowered = last.lower()
    for suffix in _FORMAT_SUFFIXES:
        if lowered.endswith(suffix):
            segments[-1] = last[: -len(suffix)] + ".md"
            break
    return "/".join(segments)


def date_from_id(doc_id: str) -> date | None:
    """The date named by a ``news/YYYY/MM/D/`` path, or None when there is none or it is invalid."""
    match = _DATE_IN_ID.search(doc_id)
    if match is None:
        return None
    return date_of(*match.groups())


def date_of(year: str, month: str, day: str) -> date | None:
    """``date(year, month, day)`` from matched digits, or None when no such day exists."""
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def day_page_id(day: date) -> str:
    """The id of a day's page: ``news/2011/11/12/index.md``."""
    return f"news/{day.year:04d}/{day.month:02d}/{day.day}/index.md"


def _is_year(segment: str) -> bool:
    return len(segment) == 4 and segment.isdigit()


def split_link(text: str) -> tuple[str, str, str] | None:
    """``[label](target) rest`` -> ``(label, target, rest)``; None if ``text`` is no such link.

    The label may hold brackets of its own (leaked wiki links such as
    ``[http://... (BBC)]``) and the target balanced parentheses (``Foo_(bar)``). One
    left-to-right scan, so a multi-megabyte line costs no more than reading it.
    """
    if not text.startswith("["):
        return None
    middle = text.find("](", 1)
    if middle < 0:
        return None
    start = middle + 2
    end = text.find(")", start)
    if end < 0:
        return None
    if text.find("(", start, end) < 0:  # nearly every link: no parenthesis in its target
        return text[1:middle], text[start:end].strip(), text[end + 1 :]
    depth = 0
    end = -1
    for paren in _PARENS.finditer(text, start):
        if paren.group() == "(":
            depth += 1
        elif depth == 0:
            end = paren.start()
            break
        else:
            depth -= 1
    if end < 0:
        return None
    return text[1:middle], text[start:end].strip(), text[end + 1 :]
