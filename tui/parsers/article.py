"""Articles: the full text of a news story, with or without YAML front matter.

Front matter keys read: ``title``, ``publisher`` (or ``source``), ``url`` (or ``link``),
``date``, ``event`` (an event id, path or URL). Broken front matter does not lose the
article: a reader would rather see the text than a refusal, so the block is read
line by line as ``key: value`` pairs instead, and the text after it is the article.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from tui.links import normalize_target
from tui.model import Article, Skip
from tui.parsers.day_page import heading_level
from tui.text import clean_text, clean_wiki_text, clip

TITLE_LIMIT = 120
YAML_LIMIT = 100_000
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r*$", re.MULTILINE)
_KEY_VALUE = re.compile(r"([A-Za-z_][\w-]{0,40})[ \t]*:[ \t]*(.*)$")
_MD_LINK = re.compile(r"!?\[([^\[\]\n]{0,500})\]\(([^()\n]{0,2000})\)")
_MD_EMPHASIS = re.compile(r"(\*\*?|__)(?=\S)([^*\n]{1,500}?)(?<=\S)\1")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "sr",
        "jr",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "rev",
        "prof",
        "inc",
        "co",
        "corp",
        "ltd",
        "no",
        "vs",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.n",
        "u.k",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """``(metadata, body)`` of a text that may open with a ``---`` front matter block."""
    if not text.startswith("---"):
        return {}, text
    first_end = text.find("\n")
    if first_end < 0 or text[3:first_end].strip():
        return {}, text
    fence = _CLOSING_FENCE.search(text, first_end + 1)
    if fence is None:
        return {}, text
    block = text[first_end + 1 : fence.start()]
    line_end = text.find("\n", fence.end())
    body = text[line_end + 1 :] if line_end >= 0 else ""
    return _metadata(block), body


def _yaml(block: str) -> Any:
    """The YAML of a front matter block, or None; PyYAML is imported by the first
    article with front matter, not by every CLI run and app start (15-20 ms)."""
    import yaml

    try:
        return yaml.load(block, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return None


def _metadata(block: str) -> dict[str, Any]:
    data = _yaml(block) if len(block) <= YAML_LIMIT else None  # bigger: damage
    if isinstance(data, dict):
        return {str(key).lower(): value for key, value in data.items()}
    meta: dict[str, Any] = {}
    for line in block.splitlines():
        match = _KEY_VALUE.match(line.strip())
        if match is not None:
            meta.setdefault(match.group(1).lower(), match.group(2).strip().strip("\"'"))
    return meta


def parse_article(text: str, doc_id: str) -> Article | Skip:
    """Build an :class:`Article` from a text (front matter optional)."""
    meta, body = split_front_matter(text)
    heading_title = ""
    paragraphs: list[str] = []
    current: list[str] = []

    def finish() -> None:
        if current:
            paragraph = clean_wiki_text(inline_text(" ".join(current)))
            if paragraph:
                paragraphs.append(paragraph)
            current.clear()

    for line in body.splitlines():
        stripped = line.strip()
        level = heading_level(stripped) if stripped.startswith("#") else 0
        if level:
            finish()
            heading = clean_wiki_text(inline_text(stripped[level:]))
            if level == 1 and not heading_title and not paragraphs:
                heading_title = heading
            elif heading:
                paragraphs.append(heading)
        elif not stripped or _is_rule(stripped):
            finish()
        else:
            current.append(stripped)
    finish()

    title = clip(_text(meta.get("title"))) or clip(heading_title)
    if not title and paragraphs:
        title = first_sentence(paragraphs[0])
    if not title:
        return Skip(doc_id, "no text")
    return Article(
        id=doc_id,
        title=title,
        paragraphs=paragraphs,
        publisher=clip(_text(meta.get("publisher") or meta.get("source"))),
        url=_text(meta.get("url") or meta.get("link")).replace(" ", "%20"),
        date=_date(meta.get("date")),
        event_ref=_event_ref(meta.get("event")),
    )


def inline_text(text: str) -> str:
    """Markdown links to their label and ``*emphasis*`` to its words."""
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "*" in text or "__" in text:
        text = _MD_EMPHASIS.sub(r"\2", text)
    return text


def first_sentence(paragraph: str, limit: int = TITLE_LIMIT) -> str:
    """The paragraph's first sentence, cut at a word boundary with an ellipsis past ``limit``."""
    sentence = paragraph
    for match in _SENTENCE_END.finditer(paragraph, 0, min(len(paragraph), limit * 4)):
        words = paragraph[: match.start() + 1].rsplit(None, 1)
        word = words[-1].rstrip(".").lower() if words else ""
        if len(word) <= 1 or word in _ABBREVIATIONS:
            continue
        sentence = paragraph[: match.start() + 1]
        break
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit
    return sentence[:cut].rstrip(" ,;:—–-") + "…"


def _is_rule(line: str) -> bool:
    """``---``, ``***`` or ``___``: a horizontal rule, not text."""
    return len(line) >= 3 and line[0] in "-*_" and not line.replace(" ", "").strip(line[0])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return clean_text(str(value))


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _event_ref(value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    if "/" in text or text.endswith((".md", ".html")):
        return normalize_target(text)
    return text
