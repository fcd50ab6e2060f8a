"""Scoring: hand-computed cases and agreement with an independent reference implementation."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dechaff.bench.scoring import (
    ShingleMatch,
    aggregate_snippets,
    aggregate_text,
    author_names,
    authors_match,
    bootstrap_f1_std,
    date_matches,
    match_shingles,
    normalize_title,
    score_page_text,
    shingle_prf,
    shingles,
    snippet_shares,
    title_matches,
    tokenize,
    word_score,
)

# ---------------------------------------------------------------------------------------------
# Reference implementation, written independently: plain loops and dicts, CJK by code point.

REF_CJK_BLOCKS = [
    (0x1100, 0x11FF), (0x3040, 0x309F), (0x30A0, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF),
    (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3134F),
]


def ref_is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in REF_CJK_BLOCKS)


def ref_tokenize(text: str) -> list[str]:
    out: list[str] = []
    for run in re.findall(r"\w+", text):
        buf = ""
        for ch in run:
            if ref_is_cjk(ch):
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(ch)
            else:
                buf += ch
        if buf:
            out.append(buf)
    return out


def ref_shingle_counts(tokens: list[str]) -> dict[tuple[str, ...], int]:
    counts: dict[tuple[str, ...], int] = {}
    if not tokens:
        return counts
    windows = [tuple(tokens)] if len(tokens) < 4 else [
        tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3)
    ]
    for w in windows:
        counts[w] = counts.get(w, 0) + 1
    return counts


def ref_page(gold: str, pred: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page, None where the published scorer skips the page."""
    g, p = ref_shingle_counts(ref_tokenize(gold)), ref_shingle_counts(ref_tokenize(pred))
    tp = 0
    for key in set(g) | set(p):
        tp += min(g.get(key, 0), p.get(key, 0))
    n_pred, n_gold = sum(p.values()), sum(g.values())
    precision = tp / n_pred if n_pred else None
    recall = tp / n_gold if n_gold else None
    return precision, recall


def ref_corpus(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    ps, rs = [], []
    for gold, pred in pairs:
        p, r = ref_page(gold, pred)
        if p is not None:
            ps.append(p)
        if r is not None:
            rs.append(r)
    precision = sum(ps) / len(ps) if ps else 0.0
    recall = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


# ---------------------------------------------------------------------------------------------
# Random texts with a small vocabulary (so shingles overlap) and mixed separators and scripts.

WORDS = ["the", "fox", "The", "river", "a", "été", "中文", "日本語", "한국어", "x1", "ſ", "42"]
SEPARATORS = [" ", "  ", "\n", ", ", ". ", "—", "", "!?"]
texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=25
).map(lambda parts: "".join(w + s for w, s in parts))


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_tokenize_agrees_with_reference(text: str) -> None:
    assert tokenize(text) == ref_tokenize(text)


# any characters, weighted towards the CJK blocks (which also hold marks and punctuation)
cjk_heavy_text = st.text(
    st.one_of(
        st.characters(min_codepoint=0x3000, max_codepoint=0x31FF),
        st.characters(min_codepoint=0xFF00, max_codepoint=0xFFEF),
        st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),
        st.characters(),
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(cjk_heavy_text)
def test_tokenize_agrees_with_reference_on_any_text(text: str) -> None:
    assert tokenize(text) == ref_tokenize(text)


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_page_scores_agree_with_reference(gold: str, pred: str) -> None:
    match = match_shingles(tokenize(gold), tokenize(pred))
    ref_p, ref_r = ref_page(gold, pred)
    assert _close(match.precision, ref_p)
    assert _close(match.recall, ref_r)
    total = match.tp + match.fp + match.fn
    assert math.isclose(total, 1.0) or total == 0.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=8))
def test_corpus_scores_agree_with_reference(pairs: list[tuple[str, str]]) -> None:
    matches = [match_shingles(tokenize(g), tokenize(p)) for g, p in pairs]
    ours = shingle_prf(matches)
    ref = ref_corpus(pairs)
    for a, b in zip(ours, ref, strict=True):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# ---------------------------------------------------------------------------------------------
# Hand-computed cases


def test_cjk_characters_are_tokens_of_their_own() -> None:
    assert tokenize("中文abc 日本語です한국 e2e") == [
        "中", "文", "abc", "日", "本", "語", "で", "す", "한", "국", "e2e"
    ]
    assert tokenize("Hello, World!") == ["Hello", "World"]  # case kept
    assert tokenize("ナカ・グロ゠") == ["ナ", "カ", "グ", "ロ"]  # kana punctuation is no token


def test_short_text_is_one_shingle_and_empty_has_none() -> None:
    assert shingles(["a", "b", "c"]) == {("a", "b", "c"): 1}
    assert shingles([]) == {}
    assert sum(shingles(list("abcde")).values()) == 2


def test_identical_short_texts_score_one() -> None:
    m = match_shingles(["a", "b", "c"], ["a", "b", "c"])
    assert (m.tp, m.fp, m.fn) == (1.0, 0.0, 0.0)
    assert m.precision == m.recall == 1.0


def test_partial_overlap_is_rescaled() -> None:
    # gold has 2 shingles (abcd, bcde), prediction 1 (abcd): TP 1, FP 0, FN 1 -> 0.5 / 0 / 0.5
    m = match_shingles(list("abcde"), list("abcd"))
    assert (m.tp, m.fp, m.fn) == (0.5, 0.0, 0.5)
    assert m.precision == 1.0
    assert m.recall == 0.5


def test_empty_sides_follow_published_scorer() -> None:
    empty_pred = match_shingles(["a", "b"], [])
    assert empty_pred.precision is None and empty_pred.recall == 0.0
    empty_gold = match_shingles([], ["a", "b"])
    assert empty_gold.precision == 0.0 and empty_gold.recall is None
    both = match_shingles([], [])
    assert both.precision is None and both.recall is None


def test_corpus_averages_skip_undefined_pages() -> None:
    pages = [ShingleMatch(0.5, 0.0, 0.5), ShingleMatch(0.0, 1.0, 0.0), ShingleMatch(0, 0, 0)]
    f1, precision, recall = shingle_prf(pages)
    assert precision == pytest.approx(0.5)  # mean(1.0, 0.0)
    assert recall == pytest.approx(0.5)  # only the first page has gold
    assert f1 == pytest.approx(0.5)


def test_exact_and_word_scores() -> None:
    page = score_page_text("Hello world, again", "hello world again")
    assert not page.exact  # case differs
    assert page.word.f1 == 1.0  # word level is lowercased
    assert score_page_text("a b", "a  b!").exact
    assert word_score([], []).f1 == 1.0
    assert word_score(["a"], []).f1 == 0.0
    assert word_score([], ["a"]).precision == 0.0
    ws = word_score(["a", "a", "b"], ["a", "c"])  # overlap 1
    assert (ws.precision, ws.recall) == (0.5, pytest.approx(1 / 3))


def test_aggregate_text_figures() -> None:
    pages = [score_page_text("a b c d e", "a b c d"), score_page_text("x y", "x y")]
    scores = aggregate_text(pages)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(0.75)
    assert scores.exact == 0.5
    assert scores.n == 2


def test_bootstrap_is_seeded_and_zero_for_uniform_pages() -> None:
    pages = [match_shingles(list("abcdef"), list("abcdxy")), match_shingles(list("ab"), list("ab"))]
    pages = pages * 10
    assert bootstrap_f1_std(pages) == bootstrap_f1_std(pages) > 0
    assert bootstrap_f1_std([ShingleMatch(1.0, 0.0, 0.0)] * 20) == 0.0
    assert bootstrap_f1_std(pages[:1]) == 0.0


# ---------------------------------------------------------------------------------------------
# Snippets and metadata


def test_snippets_are_case_and_whitespace_insensitive() -> None:
    text = "The  Quick\nbrown fox. Login"
    found, absent = snippet_shares(text, ["quick brown", "missing words"], ["Login", "Sign up"])
    assert (found, absent) == (0.5, 0.5)
    assert snippet_shares(text, [], []) == (None, None)
    scores = aggregate_snippets([(0.5, 0.5), (None, 1.0), (1.0, None)])
    assert scores.recall == 0.75 and scores.precision == 0.75 and scores.f1 == 0.75


def test_title_normalisation() -> None:
    assert normalize_title("  “Ｈello   World!” ") == "hello world"
    assert title_matches("'Hello World'", "hello world.")
    assert not title_matches("Hello World | Site", "Hello World")
    assert not title_matches(None, "Hello")


def test_author_overlap() -> None:
    assert author_names("Danielle DeSiato, Donna Enzmann, and Natalie Nguyen") == {
        "danielle desiato", "donna enzmann", "natalie nguyen"
    }
    assert authors_match(("Maria",), "Maria & Katerina")
    assert authors_match(["Dr. Jane  O'Neil"], "dr jane o neil")
    assert authors_match("A. Smith; B. Jones", "b jones")
    assert not authors_match((), "Jane Doe")
    assert not authors_match(None, "Jane Doe")
    assert not authors_match(["Jane Roe"], "Jane Doe")


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("2024-05-01", "2024-05-01", True),
        ("2024-05-01T23:10:00+02:00", "2024-05-01", True),
        ("2024-05-01T10:00:00Z", "2024-05-01T08:00:00", True),
        ("2024-05-02", "2024-05-01", False),
        (None, "2024-05-01", False),
        ("yesterday", "2024-05-01", False),
        ("2024-05-17", "2024-05", True),  # gold only gives the month
        ("2024-05", "2024-05-17", False),
        ("2024-5-1", "2024-05-01", True),
    ],
)
def test_date_matches(predicted: str | None, gold: str, expected: bool) -> None:
    assert date_matches(predicted, gold) is expected
