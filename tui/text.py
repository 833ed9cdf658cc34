"""Turning archive text into clean, inert text.

Archive text carries HTML entities, wiki markup that leaked through the mirror and,
in archives from anywhere, control sequences. Everything a parser stores goes
through :func:`clean_text`, so no later layer has to think about it again.
"""

from __future__ import annotations

import html
import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls; bidi embeddings, overrides
# and isolates; zero-width characters other than ZWJ (used inside emoji and Indic text).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|.)"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
_WIKI_EMPHASIS = re.compile(r"'{2,5}")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def strip_controls(text: str) -> str:
    """Drop escape sequences and control characters, keeping tabs and newlines."""
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI.sub("", text)
    return _UNSAFE.sub("", text)


def decode_entities(text: str) -> str:
    """Decode HTML entities, twice at most (``&amp;quot;`` occurs in the archive)."""
    for _ in range(2):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def clean_text(text: str) -> str:
    """Entities decoded, wiki ``''emphasis''`` removed, controls dropped, one line."""
    text = decode_entities(text)
    text = _WIKI_EMPHASIS.sub("", text)
    text = strip_controls(text)
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return _SPACES.sub(" ", text).strip()


def clean_block(text: str) -> str:
    """Like :func:`clean_text` but keeps line breaks (for multi-line paragraphs)."""
    lines = [clean_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


def headline_key(text: str) -> str:
    """A comparison key for headlines: letters and digits only, lower case, no accents."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def split_topics(text: str) -> list[str]:
    """``Islamic terrorism, Kazakhstan`` -> the distinct topics in their order."""
    seen: set[str] = set()
    topics: list[str] = []
    for part in text.split(","):
        topic = clean_text(part).strip(" ._")
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
    match = _STORY_PREFIX.match(headline)
    if match is None:
        return "", headline
    story = match.group("story").strip()
    rest = headline[match.end() :].strip()
    before, after = story[-1:], rest[:1]
    if not rest or not story or (before.isdigit() and after.isdigit()) or "http" in story:
        return "", headline
    return story, rest
