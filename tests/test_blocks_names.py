"""Class/id names: the batched lowercasing and tokenising, and the joined pattern scan, give
what one name at a time gives."""

from __future__ import annotations

import re

import pytest

from dechaff.blocks import _name_entries, _name_entry, cut_blocks, starting_words
from dechaff.parse import parse

ODD_NAMES = [
    [],
    [""],
    ["A B", "Σ", "ΣΑΣ x", "  Foo-Bar_baz  ", "é-à", "\ud800x", "İstanbul", "ǅ", "a\nb", "c\td"],
]


@pytest.mark.parametrize("raws", ODD_NAMES)
def test_batched_names_match_one_at_a_time(raws: list[str]) -> None:
    batch = _name_entries(raws)
    assert batch is not None
    assert batch == ([_name_entry(r)[0] for r in raws], [_name_entry(r)[1] for r in raws])


def test_a_name_holding_the_separator_falls_back() -> None:
    assert _name_entries(["a\x00b", "c"]) is None


PAGE = (
    "<body><div class='main'><p class='x sidebar'>one two three</p>"
    "<div class='sidebar'><p>four five</p></div><div id='comments'><p class='reply'>six</p>"
    "</div><p class='sidebar-left'>seven</p><p class='xcomment'>eight</p></div></body>"
)


@pytest.mark.parametrize(
    "pattern",
    [re.compile(r"(?<!\S)sidebars?(?!\S)"), re.compile(r"(?<![a-z])(?:comment|repl(?:y|ies))")],
)
def test_joined_scan_matches_each_name(pattern: re.Pattern[str]) -> None:
    page = cut_blocks(parse(PAGE))
    names = page.table.names
    want = [bool(name and pattern.search(name)) for name in names]
    got = page.names_matching(pattern)
    live = {page.table.name[i] for i in range(len(page.table.tag)) if page.table.arrays.n_blocks[i]}
    assert [got[k] for k in sorted(live)] == [want[k] for k in sorted(live)]
    assert any(got)


def test_starting_words_match_as_a_leading_lookbehind_would() -> None:
    words = ("sidebar", "robots-nocontent", "nocontent")
    fast = re.compile(starting_words(words) + r"(?!\S)")
    slow = re.compile(r"(?<!\S)(?:sidebar|robots-nocontent|nocontent)(?!\S)")
    names = ["sidebar", "a sidebar", "xsidebar", "sidebar-x", "nocontent", "x robots-nocontent",
             "robots-nocontentx", "no-sidebar nocontent", "", "s", "n"]
    for name in names:
        assert [m.span() for m in fast.finditer(name)] == [m.span() for m in slow.finditer(name)]
    letters = re.compile(starting_words(("comment", "reply"), "[a-z]"))
    assert letters.search("post-comment") and letters.search("replyform")
    assert not letters.search("nocomment") and not letters.search("xreply")
