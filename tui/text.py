"""Turning archive text into clean, inert text.

Archive text carries HTML entities, wiki markup that leaked through the mirror and,
in archives from anywhere, control sequences. Everything a parser stores goes
through :func:`clean_text`, so no later layer has to think about it again.
"""

from __future__ import annotations

import html
import re
import unicodedata

# C0 controls, DEL, C1 controls; lone surrogates and the non-characters U+FFFE/U+FFFF;
# bidi marks, embeddings, overrides and isolates; zero-width and invisible format
# characters other than ZWJ (used inside emoji and Indic text). Whitespace controls
# (tab, line breaks, form feed, NEL) become spaces or newlines before these go.
_FORMAT_CHARACTERS = (
    "\x7f-\x9f\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff"
)
_UNSAFE = re.compile(f"[\x00-\x1f{_FORMAT_CHARACTERS}]")
_UNSAFE_IN_BLOCK = re.compile(f"[\x00-\x08\x0b-\x1f{_FORMAT_CHARACTERS}]")
_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|.)"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
_WIKI_EMPHASIS = re.compile(r"'{2,5}")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
# Every kind of space and line break; a run of them becomes one space. Matching only
# runs that need changing (two or more, or anything but a plain space) keeps the
# substitution off the single spaces that make up a fifth of ordinary text.
_SPACE_CLASS = "\t\n\x0b\x0c\r\x1c-\x1f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_SPACE_CLASS}]")
_SPACES = re.compile(f"[{_SPACE_CLASS}][ {_SPACE_CLASS}]*| [ {_SPACE_CLASS}]+")
# Line breaks other than ``\\n`` (``\\r\\n`` is folded first): a character class alone,
# which the regex engine scans for far faster than an alternation.
_BREAK_CHARACTER = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Entities decoded with ``str.replace`` when a text holds many (see ``_unescape``).
_MANY_ENTITIES = 64
_PLAIN_ENTITIES = {
    "&quot;": '"',
    "&#39;": "'",
    "&#039;": "'",
    "&#x27;": "'",
    "&apos;": "'",
    "&nbsp;": "\u00a0",
    "&ndash;": "\u2013",
    "&mdash;": "\u2014",
    "&lsquo;": "\u2018",
    "&rsquo;": "\u2019",
    "&#8217;": "\u2019",
    "&ldquo;": "\u201c",
    "&rdquo;": "\u201d",
    "&hellip;": "\u2026",
    "&lt;": "<",
    "&gt;": ">",
}
# Headlines, titles, topics and publishers longer than this are clipped with an ellipsis.
LABEL_LIMIT = 2000
TOPIC_PARTS_LIMIT = 1000
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
# The ASCII characters :data:`_NOT_ALPHANUMERIC` matches, for ASCII text.
_ASCII_NOT_ALPHANUMERIC = bytes(c for c in range(128) if not chr(c).isalnum())
# How much raw text a label may need: entities and markup shrink when cleaned.
_RAW_LABEL_FACTOR = 8


def strip_controls(text: str) -> str:
    """Drop escape sequences and control characters, keeping tabs and newlines.

    Other line breaks (CR LF, CR, form feed, NEL, U+2028/U+2029) become newlines.
    """
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ANSI.sub("", text)
    text = normalize_line_breaks(text)
    if _UNSAFE_IN_BLOCK.search(text) is None:
        return text
    return _UNSAFE_IN_BLOCK.sub("", text)


def is_inert(text: str) -> bool:
    """True when ``text`` holds no control, escape, invisible format or surrogate character."""
    return _UNSAFE.search(text) is None


def shown_safely(text: str) -> str:
    """``text`` with every unsafe character written as an escape (``\\x1b``, ``\\u202e``).

    For text that must be shown exactly but cannot be cleaned, such as a file name;
    undecodable bytes of a file name (surrogate escapes) show as ``\\xe9``.
    """
    if is_inert(text):
        return text
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if _UNSAFE.match(ch) else ch for ch in text
    )


def decode_entities(text: str) -> str:
    """Decode HTML entities, twice at most (``&amp;quot;`` occurs in the archive)."""
    for _ in range(2):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = _unescape(text)
    return text


def _unescape(text: str) -> str:
    """Exactly ``html.unescape(text)``, without a Python call per entity in entity-heavy text.

    ``html.unescape`` starts a match at every ``&`` and a match never holds another
    ``&``, so the text splits at ``&amp;`` without changing any other match; the
    :data:`_PLAIN_ENTITIES` decode to characters that cannot start or extend an entity.
    """
    if text.count("&") < _MANY_ENTITIES:
        return html.unescape(text)
    for entity, character in _PLAIN_ENTITIES.items():
        if entity in text:
            text = text.replace(entity, character)
    return "&".join(html.unescape(part) if "&" in part else part for part in text.split("&amp;"))


def normalize_line_breaks(text: str) -> str:
    """Every line break ``str.splitlines`` knows (CR LF, CR, form feed, U+2028, ...) as ``\\n``."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _BREAK_CHARACTER.search(text) is not None:
        text = _BREAK_CHARACTER.sub("\n", text)
    return text


def clean_text(text: str) -> str:
    """Entities decoded, wiki ``''emphasis''`` removed, controls dropped, one line."""
    if "&" in text:
        text = decode_entities(text)
    if "''" in text:
        text = _WIKI_EMPHASIS.sub("", text)
    # Every control, format character and space other than U+0020 is unprintable:
    # printable text (nearly all of it) needs only its double spaces folded.
    if not text.isprintable():
        if "\x1b" in text or "\x9b" in text or "\x9d" in text:
            text = _ANSI.sub("", text)
        if _ODD_SPACE.search(text) is not None:
            text = _SPACES.sub(" ", text)
        if _UNSAFE.search(text) is not None:
            text = _UNSAFE.sub("", text)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip(" ")


def clean_block(text: str) -> str:
    """Like :func:`clean_text` but keeps line breaks (for multi-line paragraphs)."""
    lines = [clean_text(line) for line in normalize_line_breaks(text).split("\n")]
    return "\n".join(lines).strip()


def clip(text: str, limit: int = LABEL_LIMIT) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(" ,;:") + "\u2026"


def clean_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """:func:`clean_wiki_text` for one-line labels (headlines, titles, topics), clipped.

    A label longer than ``limit`` is no label: only its start is cleaned, so a
    five-megabyte "headline" costs no more than a long one.
    """
    return clip(clean_wiki_text(text[: limit * _RAW_LABEL_FACTOR]), limit)


def headline_key(text: str) -> str:
    """A comparison key for headlines: letters and digits only, lower case, no accents."""
    folded = text.casefold()
    if folded.isascii():  # nearly every headline: bytes.translate, far quicker than re.sub
        return folded.encode("ascii").translate(None, _ASCII_NOT_ALPHANUMERIC).decode("ascii")
    return _NOT_ALPHANUMERIC.sub("", unicodedata.normalize("NFKD", folded))


def split_topics(text: str) -> list[str]:
    """``Islamic terrorism, Kazakhstan`` -> the distinct topics in their order.

    Only the first :data:`TOPIC_PARTS_LIMIT` comma-separated parts are read: a context
    line of a million commas is damage, not a million topics.
    """
    seen: set[str] = set()
    topics: list[str] = []
    for part in text.split(",", TOPIC_PARTS_LIMIT)[:TOPIC_PARTS_LIMIT]:
        topic = clean_label(part).strip(" ._")
        if topic and topic.casefold() not in seen:
            seen.add(topic.casefold())
            topics.append(topic)
    return topics


# Wiki markup that leaked into link texts: external links such as
# ``[http://... (Reuters)]`` or ``([http:--... Daily Mail])``, templates such as
# ``{{es icon}}``, and the remains of ``{{convert|8|tonne|lb}}``. Bounded repeats keep
# every pattern linear on hostile input.
_WIKI_EXTERNAL_LINK = re.compile(r"\(?\[(?:https?|ftp):[^\[\]\n]{0,2000}\]\)?")
_WIKI_TEMPLATE = re.compile(r"\{\{[^{}\n]{0,200}\}\}")
_WIKI_CONVERT = re.compile(r"(\d[\d.,]{0,20})\|([A-Za-z]{1,20})\|[A-Za-z|]{1,40}")
# ``Story:. Headline`` or ``Story:Headline`` (no space after the colon): the archive's
# way of folding a story name into a headline. ``Hong Kong: 10 people`` has a space and
# is an ordinary headline; ``11:30`` is a time.
_STORY_PREFIX = re.compile(r"(?P<story>[^\W_][^:\n]{0,119}?):(?:\.\s*|(?=[^\s.:/]))")


def clean_wiki_text(text: str) -> str:
    """:func:`clean_text` after removing leaked wiki links and templates."""
    text = decode_entities(text)
    if "[" in text:
        text = _WIKI_EXTERNAL_LINK.sub(" ", text)
    if "{{" in text:
        text = _WIKI_TEMPLATE.sub(" ", text)
    if "|" in text:
        text = _WIKI_CONVERT.sub(r"\1 \2", text)
    return clean_text(text)


def split_story_prefix(headline: str) -> tuple[str, str]:
    """``2011 Syrian uprising:. Opposition ...`` -> ``("2011 Syrian uprising", "Opposition ...")``.

    Returns ``("", headline)`` when the headline carries no story prefix. The text
    should already be clean (see :func:`clean_text`).
    """
    # The story is one to 120 characters before the colon: most headlines hold none.
    match = _STORY_PREFIX.match(headline) if headline.find(":", 1, 121) > 0 else None
    if match is None:
        return "", headline
    story = match.group("story").strip()
    rest = headline[match.end() :].strip()
    before, after = story[-1:], rest[:1]
    if not rest or not story or (before.isdigit() and after.isdigit()) or "http" in story:
        return "", headline
    return story, rest
