"""Archive ids: every spelling of a link folds to the id of the page it names."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.links import date_from_id, day_page_id, normalize_target, split_link

ID = "news/2016/06/5/x.md"


@pytest.mark.parametrize(
    "link",
    [
        "/news/2016/06/05/x.md",
        "news/2016/6/5/x.md",
        "../2016/06/5/x.md",
        "./news/2016/06/5/x.md",
        "/news/2016/06/5/x.html",
        "/news/2016/06/5/x.json",
        "/news/2016/06/5/x.XML",
        "/news/2016/06/5/x.md#sources",
        "/news/2016/06/5/x.md?page=2",
        "  </news/2016/06/5/x.md>  ",
        "http://thecontext.net/news/2016/06/5/x.html",
        "https://www.thecontext.net/news/2016/6/05/x.md#top",
        "news\\2016\\06\\5\\x.md",
        "//news//2016/06/5/x.md",
    ],
)
def test_spellings_of_one_link_fold_to_one_id(link: str) -> None:
    assert normalize_target(link) == ID


def test_day_links_without_news_prefix_are_archive_paths() -> None:
    assert normalize_target("2011/11/10/index.html") == "news/2011/11/10/index.md"


def test_directory_links_name_their_index_page() -> None:
    assert normalize_target("/news/2011/11/12/") == "news/2011/11/12/index.md"


def test_paths_outside_news_keep_their_shape() -> None:
    assert normalize_target("/opinion/2017/04/4/post/index.md") == "opinion/2017/04/4/post/index.md"
    assert normalize_target("faq/index.html") == "faq/index.md"


def test_external_urls_are_left_alone() -> None:
    url = "https://en.wikipedia.org/wiki/Foo_(bar)#x"
    assert normalize_target(url) == url
    assert normalize_target(" mailto:editor@thecontext.net ") == "mailto:editor@thecontext.net"


def test_empty_and_degenerate_links() -> None:
    assert normalize_target("") == ""
    assert normalize_target("   ") == ""
    assert normalize_target("#top") == ""
    assert normalize_target("../..") == ""


def test_date_from_id() -> None:
    assert date_from_id("news/2016/06/5/x.md") == date(2016, 6, 5)
    assert date_from_id("archive/news/2011/11/12/index.md") == date(2011, 11, 12)
    assert date_from_id("news/2011/02/30/x.md") is None
    assert date_from_id("opinion/2017/04/4/x/README.md") is None
    assert date_from_id("001_6bffd24d702e132c.txt") is None
    assert date_from_id("mynews/2011/11/12/x.md") is None


def test_day_page_id_pads_the_month_not_the_day() -> None:
    assert day_page_id(date(2011, 11, 12)) == "news/2011/11/12/index.md"
    assert day_page_id(date(2016, 6, 5)) == "news/2016/06/5/index.md"


def test_split_link_keeps_nested_brackets_in_the_label() -> None:
    line = (
        "[Killed. [http://bbc.co.uk/x (BBC)]Then ([http://d.co/y Daily Mail])](/news/a.md) "
        "_Context: L_"
    )
    assert split_link(line) == (
        "Killed. [http://bbc.co.uk/x (BBC)]Then ([http://d.co/y Daily Mail])",
        "/news/a.md",
        " _Context: L_",
    )


def test_split_link_balances_parentheses_in_the_target() -> None:
    assert split_link("[W](https://en.wikipedia.org/wiki/Foo_(bar)) rest") == (
        "W",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        " rest",
    )


@pytest.mark.parametrize("text", ["", "plain", "[no target]", "[open](never closed", "x [a](b)"])
def test_split_link_refuses_what_is_not_a_link(text: str) -> None:
    assert split_link(text) is None


def test_split_link_is_linear_on_a_huge_unclosed_target() -> None:
    assert split_link("[a](" + "(" * 2_000_000) is None


@pytest.mark.parametrize(
    "link",
    ["/news/2019/07/9/x.md", "news/2019/07/31/a:b c.md", "/news/2019/07/09/x.md",
     "/news/2019/7/9/x.md", "/news/2019/07/9/x.md#top", "news/٢٠١٩/07/9/x.md",
     "/news/2019/07/9/x\\y.md", "//news/2019/07/9/x.md", "/news/2019/07/9/..md",
     "/news/2019/07/9/x.MD", "/news/2019/07/45/x.md"],
)
def test_canonical_links_fold_as_any_other(link: str) -> None:
    """The shortcut for links already in id form gives what the general folding gives
    (surrounding spaces send a link down the general path, which strips them)."""
    assert normalize_target(link) == normalize_target(f" {link} ")


@given(st.text(alphabet="/news2019079x.md#?\\ :٠<>", max_size=30))
def test_canonical_shortcut_agrees_with_general_folding(tail: str) -> None:
    for link in (tail, f"/news/2019/0{tail}.md", f"news/2019/07/{tail}"):
        if link.isprintable():
            assert normalize_target(link) == normalize_target(f" {link} ")


def _split_link_by_scan(text: str) -> tuple[str, str, str] | None:
    """``split_link`` as a plain scan over every parenthesis (what its shortcut must give)."""
    if not text.startswith("["):
        return None
    middle = text.find("](", 1)
    if middle < 0:
        return None
    depth = 0
    for position in range(middle + 2, len(text)):
        if text[position] == "(":
            depth += 1
        elif text[position] == ")":
            if depth == 0:
                return text[1:middle], text[middle + 2:position].strip(), text[position + 1:]
            depth -= 1
    return None


@given(st.text(alphabet="[]() ab", max_size=20))
def test_split_link_shortcut_agrees_with_the_balanced_scan(tail: str) -> None:
    for text in (tail, f"[{tail}", f"[a]({tail}", f"[a](b{tail}) c"):
        assert split_link(text) == _split_link_by_scan(text)
