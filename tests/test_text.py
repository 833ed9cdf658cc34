"""Clean text: entities, wiki leftovers, story prefixes."""

from __future__ import annotations

import html
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.text import (
    _ENTITY,
    clean_block,
    clean_text,
    clean_wiki_text,
    decode_entities,
    headline_key,
    split_story_prefix,
    split_topics,
    strip_controls,
)


def test_clean_text_decodes_entities_and_drops_wiki_emphasis() -> None:
    assert clean_text("Saturday&rsquo;s ''Fitzgerald'' &amp;quot;x&amp;quot;") == (
        'Saturday\u2019s Fitzgerald "x"'
    )
    assert clean_text("MV ''ACX Crysta''l  \t off\r\nJapan ") == "MV ACX Crystal off Japan"


def test_strip_controls_removes_escape_sequences() -> None:
    assert strip_controls("a\x1b[31mred\x1b[0m\x07b\u202e") == "aredb"
    assert decode_entities("&#x27;&#039;&hellip;") == "''\u2026"


def test_clean_block_keeps_lines() -> None:
    assert clean_block("one &amp; two\r\nthree  ") == "one & two\nthree"


def test_headline_key_ignores_punctuation_case_and_accents() -> None:
    assert headline_key("Champs-Élysées, ''Paris''!") == headline_key("champs elysees paris")


def test_split_topics() -> None:
    assert split_topics("Islamic terrorism, Kazakhstan, kazakhstan, ,") == [
        "Islamic terrorism",
        "Kazakhstan",
    ]


def test_clean_wiki_text_removes_leaked_external_links_and_templates() -> None:
    text = (
        "Sirte, Libya. [http://www.bbc.co.uk/news/world-africa-15389550 (BBC)]The siege ends. "
        "Mutassim is killed. ([http://www.dailymail.co.uk/a.html?ITO=x Daily Mail])"
    )
    assert clean_wiki_text(text) == "Sirte, Libya. The siege ends. Mutassim is killed."
    glas = (
        'appealed. [http:--www.bbc.com-news-42346881 ("BBC News")] '
        '[https:--www.eluniverso.com-noticias ("El Universo")] {{es icon}}'
    )
    assert clean_wiki_text(glas) == "appealed."
    assert clean_wiki_text("about 8|tonne|lb of cocaine") == "about 8 tonne of cocaine"


def test_clean_wiki_text_is_linear_on_unclosed_brackets() -> None:
    text = "[http:" * 200_000
    assert clean_wiki_text(text).startswith("[http:")


@pytest.mark.parametrize(
    ("headline", "story", "rest"),
    [
        (
            "2011 Syrian uprising:. Opposition activists claim",
            "2011 Syrian uprising",
            "Opposition activists claim",
        ),
        (
            "2011 Syrian uprising:Opposition activists claim",
            "2011 Syrian uprising",
            "Opposition activists claim",
        ),
        (
            "Arab Spring:2011 Syrian uprising: 250 Syrians",
            "Arab Spring",
            "2011 Syrian uprising: 250 Syrians",
        ),
        (
            "Frisking of A. P. J. Abdul Kalam by the United States:. Former President",
            "Frisking of A. P. J. Abdul Kalam by the United States",
            "Former President",
        ),
        ("Hong Kong: 10 people are hurt", "", "Hong Kong: 10 people are hurt"),
        ("APEC United States 2011: The summit", "", "APEC United States 2011: The summit"),
        ("11:30 news", "", "11:30 news"),
        ("Ratio 3:1 wins", "", "Ratio 3:1 wins"),
        ("See http://example.com/x", "", "See http://example.com/x"),
        ("Story:.", "", "Story:."),
        (":Headline", "", ":Headline"),
    ],
)
def test_split_story_prefix(headline: str, story: str, rest: str) -> None:
    assert split_story_prefix(headline) == (story, rest)


ENTITY_PIECES = st.sampled_from(
    [
        "&amp;",
        "&",
        "&lt;",
        "&lt",
        "&quot;",
        "&#39;",
        "&#039;",
        "&#x27;",
        "&nbsp;",
        "&amp",
        "&#",
        "&#3",
        "&#34",
        "4;",
        ";",
        "x",
        "amp;",
        "&not",
        "in;",
        "&notin;",
        " ",
        "&hellip;",
        "&rsquo;",
        "&#8217;",
        "&apos;",
        "&gt;",
        "&#x1b;",
    ]
)


@given(st.lists(ENTITY_PIECES, max_size=300).map("".join), st.integers(0, 100))
def test_entity_heavy_text_decodes_exactly_like_html_unescape(text: str, ampersands: int) -> None:
    text += "&amp;" * ampersands
    once = html.unescape(text)
    expected = html.unescape(once) if _ENTITY.search(once) else once
    if not _ENTITY.search(text):
        expected = text
    assert decode_entities(text) == expected


@given(st.text())
def test_headline_key_is_the_alphanumerics_of_the_folded_text(text: str) -> None:
    folded = unicodedata.normalize("NFKD", text.casefold())
    assert headline_key(text) == "".join(ch for ch in folded if ch.isalnum())
