"""The compiled hot loops (``dechaff._speedups``) give what their pure-Python references give.

``blocks._walk`` and ``classify.Trees.reference_probabilities`` are the references; the compiled
walk and tree sums must match them on real pages and on generated ones. Skipped when the
extension was not built (an install without a C compiler).
"""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dechaff import blocks, features
from dechaff.blocks import Page, _Cutter, _walk, cut_blocks
from dechaff.classify import Trees, _tree_sums, default_model
from dechaff.decode import decode
from dechaff.features import page_features, with_context
from dechaff.parse import parse

speedups = pytest.importorskip("dechaff._speedups")

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(
    [*ROOT.joinpath("src/dechaff/examples").glob("*.html.gz"),
     *ROOT.joinpath("tests/pages").glob("*/page.html*")]
)
PROBABILITY_TOLERANCE = 1e-12
"""The compiled trees add leaf values in another order than numpy's pairwise sum."""


def _read(path: Path) -> str:
    raw = path.read_bytes()
    return decode(gzip.decompress(raw) if path.suffix == ".gz" else raw).text


def _reference_cut(html: str, include_links: bool) -> Page:
    """``cut_blocks`` with the pure-Python walk (links and images as asked)."""
    saved = blocks._fast_walk, blocks._compiled_totals
    blocks._fast_walk = blocks._compiled_totals = None
    try:
        return cut_blocks(parse(html), include_links=include_links, include_images=include_links)
    finally:
        blocks._fast_walk, blocks._compiled_totals = saved


def _columns(page: Page) -> tuple[object, ...]:
    table = page.table
    return (
        page.blocks, page.truncated, table.tag, table.parent, table.depth, table.flags,
        table.name, table.end, table.hrefs, table.names, table.chars, table.link_chars,
        table.first_block, table.last_block, page.images,
        *(getattr(table.arrays, name).tolist() for name in _ARRAYS),
        *(getattr(table.arrays, name).dtype for name in _ARRAYS),
        page.block_element.tolist(), page.block_chars.tolist(), page.block_links.tolist(),
    )


_ARRAYS = ("parent", "name", "end", "chars", "link_chars", "n_blocks", "n_paragraphs",
           "first_block", "last_block")


def test_the_compiled_walk_is_in_use() -> None:
    assert blocks._fast_walk is not None
    assert blocks._compiled_totals is not None
    assert _tree_sums is not None


def test_the_compiled_features_are_in_use() -> None:
    """(An extension built from an older version lacks some: rebuild it.)"""
    assert None not in (
        features._compiled_counts, features._compiled_overlaps, features._compiled_token_scores,
        features._compiled_own_scores, features._compiled_codes, features._compiled_columns,
        features._compiled_context,
    )


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.parent.name + "/" + path.name)
@pytest.mark.parametrize("include_links", [False, True])
def test_walk_matches_the_reference_on_real_pages(path: Path, include_links: bool) -> None:
    html = _read(path)
    fast = cut_blocks(parse(html), include_links=include_links, include_images=include_links)
    assert _columns(fast) == _columns(_reference_cut(html, include_links))


def test_walk_stops_where_the_reference_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    """The element cap ends both walks at the same node."""
    monkeypatch.setattr(blocks, "MAX_ELEMENTS", 40)
    html = "<div>" + "<p class='c'>text <a href='/x'>link</a></p>" * 60 + "</div>"
    # (the compiled walk reads the cap from ``bind``: rebind with the patched value)
    blocks._bind_fast_walk()
    try:
        fast = cut_blocks(parse(html))
        assert fast.truncated
        assert _columns(fast) == _columns(_reference_cut(html, False))
    finally:
        monkeypatch.undo()
        blocks._bind_fast_walk()


_TAGS = ["div", "p", "span", "a", "b", "em", "code", "pre", "br", "ul", "li", "h2", "table",
         "td", "script", "svg", "my-card", "figure", "figcaption", "nav", "time", "img"]
_ATTRIBUTES = ["", " class='a b'", " id='X'", " hidden", " aria-hidden='true'",
               " style='display:none'", " href='/h'", " href", " class=''", " data-x='1'",
               " src='/i.png' alt='a  b'", " data-src='/l.jpg' src='data:,'"]
_TEXTS = ["", " ", "word", "two  spaces", "tab\there", "é中", "\u00a0", "\n\n", "&amp;", "x\x00"]


@st.composite
def _pages(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 40))):
        tag = draw(st.sampled_from(_TAGS))
        attribute = draw(st.sampled_from(_ATTRIBUTES))
        text = draw(st.sampled_from(_TEXTS))
        closing = draw(st.booleans())
        parts.append(f"<{tag}{attribute}>{text}" + (f"</{tag}>" if closing else ""))
    return "<html><body>" + "".join(parts) + "</body></html>"


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(html=_pages(), include_links=st.booleans())
def test_walk_matches_the_reference_on_generated_pages(html: str, include_links: bool) -> None:
    fast = cut_blocks(parse(html), include_links=include_links, include_images=include_links)
    assert _columns(fast) == _columns(_reference_cut(html, include_links))


def test_walk_of_an_empty_body() -> None:
    tree = parse("<html><body></body></html>")
    cutter = _Cutter(include_links=False)
    body = tree.body
    assert body is not None
    speedups.walk(body.mem_id, cutter, cutter.open_root(body))
    reference = _Cutter(include_links=False)
    _walk(body, reference)
    assert cutter.blocks == reference.blocks == []
    assert cutter.table.tag == reference.table.tag


def _features(path: Path) -> tuple[Page, np.ndarray]:
    model = default_model()
    page = cut_blocks(parse(_read(path)))
    return page, page_features(page, _TITLE, model.token_weights, model.near_weights)


_TITLE = "The News of the Day: Comments and Replies"
"""A title for the real pages (any: some blocks share its words)."""


@pytest.mark.parametrize("path", PAGES[:6], ids=lambda path: path.parent.name)
def test_trees_match_the_reference(path: Path) -> None:
    model = default_model()
    page, first = _features(path)
    second = with_context(page, first, model.stage1.probabilities(first))
    for trees, x in ((model.stage1, first), (model.stage2, second)):
        for rows in (x, x[:1], x[:9], x[:17]):  # (every remainder of the rows walked together)
            compiled = trees.probabilities(rows)
            reference = trees.reference_probabilities(rows)
            np.testing.assert_allclose(compiled, reference, rtol=0, atol=PROBABILITY_TOLERANCE)


def test_trees_of_an_odd_count_match_the_reference() -> None:
    """The compiled walk takes the trees two at a time: the last one of an odd count alone."""
    text = resources.files("dechaff.models").joinpath("blocks.json").read_text("utf-8")
    data = json.loads(text)["stage1"]
    trees = Trees.from_json({**data, "roots": data["roots"][:-1]})
    assert len(trees.roots) % 2 == 1
    _, x = _features(PAGES[0])
    np.testing.assert_allclose(
        trees.probabilities(x), trees.reference_probabilities(x), rtol=0,
        atol=PROBABILITY_TOLERANCE,
    )


_COUNT_TEXTS = st.lists(
    st.text(
        alphabet=st.sampled_from(list("aZé5_ ,.!?。\n\t\u00a0…Ω日😀𝐀-'\"")), min_size=1
    ),
    min_size=1, max_size=20,
)


@settings(max_examples=200, deadline=None, database=None)
@given(texts=_COUNT_TEXTS)
def test_text_counts_match_the_reference(texts: list[str]) -> None:
    _check_text_counts(texts)


@pytest.mark.parametrize("texts", [
    ["a...", "a. . .", "a.. .", "a… ", "...\n", "x", "x", "…a", "a.... ", "a\u00a0...\u2003"],
    ["same", "Same", "same ", "same"],
])
def test_text_counts_of_ellipses_and_repeats(texts: list[str]) -> None:
    _check_text_counts(texts)


def _check_text_counts(texts: list[str]) -> None:
    lengths = np.array([len(text) for text in texts], dtype=np.int64)
    out = np.empty((9, len(texts)), dtype=np.int64)
    speedups.block_text_counts(
        texts, features._bmp_classes(), features._char_class, features._WORD_CHAR,
        features._LETTER, features._DIGIT, features._UPPER, features._SPACE,
        features._SENTENCE_MARK, features._END_MARK, out,
    )
    np.testing.assert_array_equal(out, features.reference_text_counts(texts, lengths))


_TITLE_CHARACTERS = list("aAZzéÉ5_ ΩΣσςİıßẞǅ日😀𝐀𐐀-")


@settings(max_examples=200, deadline=None, database=None)
@given(texts=st.lists(st.text(alphabet=st.sampled_from([*_TITLE_CHARACTERS, ".", "\n"]),
                              min_size=1), min_size=1, max_size=20),
       title=st.text(alphabet=st.sampled_from(_TITLE_CHARACTERS), max_size=12))
def test_title_overlaps_match_the_reference(texts: list[str], title: str) -> None:
    page = cut_blocks(parse("<body>" + "".join(f"<p>{t}</p>" for t in texts) + "</body>"))
    title_words = set(features._WORD_RE.findall(title.lower()))
    out = np.empty(len(page.blocks))
    speedups.title_similarities(
        [b.text for b in page.blocks], list(title_words), features._bmp_classes(),
        features._bmp_lower(), features._char_class, features._WORD_CHAR, out,
    )
    reference = features.reference_title_similarities(page, title_words)
    np.testing.assert_array_equal(out, reference)


def test_the_lower_case_table_lowers_as_str_lower_does() -> None:
    """Characters lowered one at a time by the table give what ``str.lower`` gives the text."""
    table = features._bmp_lower()
    simple = [chr(code) for code in range(features._BMP)
              if table[code] != features._NO_SIMPLE_LOWER]
    text = "".join(simple)
    assert "".join(chr(table[ord(ch)]) for ch in text) == text.lower()
    assert len(simple) == features._BMP - 2  # (only İ and Σ have no entry)


@pytest.mark.parametrize("path", PAGES[:8], ids=lambda path: path.parent.name)
def test_token_scores_match_the_reference(path: Path) -> None:
    model = default_model()
    page = cut_blocks(parse(_read(path)))
    weights = dict(model.token_weights)
    np.testing.assert_array_equal(
        features.token_scores(page, weights), features.reference_token_scores(page, weights)
    )


@pytest.mark.parametrize("path", PAGES[:8], ids=lambda path: path.parent.name)
def test_near_scores_match_the_reference(path: Path) -> None:
    model = default_model()
    page = cut_blocks(parse(_read(path)))
    weights = dict(model.near_weights)
    element = page.block_element
    elements = np.concatenate((element, page.table.arrays.parent[element]))
    np.testing.assert_array_equal(
        features._near_scores(page, weights, elements),
        features.reference_near_scores(page, weights, elements),
    )


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(html=_pages())
def test_block_codes_match_the_reference(html: str) -> None:
    page = cut_blocks(parse(html + "<h5>five</h5><th>cell</th><p>para</p><h1>one</h1>"))
    out = np.empty((3, len(page.blocks)), dtype=np.int64)
    texts = speedups.block_codes(page.blocks, features._TAG_INDEX, features._HEADING_LEVEL, out)
    np.testing.assert_array_equal(out, features.reference_block_codes(page.blocks))
    assert texts == [b.text for b in page.blocks]


def _reference_features(page: Page, title: str | None) -> np.ndarray:
    """``page_features`` with the numpy columns (the compiled counts and scores as inputs)."""
    saved = features._compiled_columns
    features._compiled_columns = None
    try:
        model = default_model()
        return page_features(page, title, model.token_weights, model.near_weights)
    finally:
        features._compiled_columns = saved


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.parent.name + "/" + path.name)
def test_feature_columns_match_the_reference(path: Path) -> None:
    page, compiled = _features(path)
    np.testing.assert_array_equal(compiled, _reference_features(page, _TITLE))
    # Without a title: the headline is the first <h1>, if any.
    model = default_model()
    np.testing.assert_array_equal(
        page_features(page, None, model.token_weights, model.near_weights),
        _reference_features(page, None),
    )


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(html=_pages(), title=st.sampled_from([None, "word", "two spaces"]))
def test_feature_columns_match_the_reference_on_generated_pages(
    html: str, title: str | None
) -> None:
    page = cut_blocks(parse(html))
    model = default_model()
    compiled = page_features(page, title, model.token_weights, model.near_weights)
    np.testing.assert_array_equal(compiled, _reference_features(page, title))


def _context_pairs(page: Page, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return features.context_features(page, p), features.reference_context_features(page, p)


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.parent.name + "/" + path.name)
def test_context_columns_match_the_reference(path: Path) -> None:
    page, first = _features(path)
    p = default_model().stage1.probabilities(first)
    compiled, reference = _context_pairs(page, p)
    np.testing.assert_array_equal(compiled, reference)
    # Ties in P(main) (ranked as numpy's argsort ranks them), and none above the core share.
    for tied in (np.round(p, 1), np.zeros_like(p), np.full_like(p, 0.5)):
        compiled, reference = _context_pairs(page, tied)
        np.testing.assert_array_equal(compiled, reference)


def test_context_columns_fill_their_place_among_others() -> None:
    page, first = _features(PAGES[0])
    p = default_model().stage1.probabilities(first)
    both = with_context(page, first, p)
    np.testing.assert_array_equal(both[:, : first.shape[1]], first)
    np.testing.assert_array_equal(both[:, first.shape[1] :], _context_pairs(page, p)[1])


def test_the_compiled_columns_refuse_a_matrix_of_another_width() -> None:
    page = cut_blocks(parse(_read(PAGES[0])))
    block = features._block_table(page)
    values = np.zeros((len(features._VALUE_ROWS), len(page.blocks)))
    saved = features.FEATURE_NAMES
    features.FEATURE_NAMES = (*saved, "one_more")
    try:
        with pytest.raises(ValueError, match="feature names"):
            features._block_columns(page, block, values)
    finally:
        features.FEATURE_NAMES = saved
    with pytest.raises(ValueError, match="no room"):
        features._context_into(page, np.zeros(len(page.blocks)), np.empty((len(page.blocks), 3)), 0)
