"""The compiled loops of plain-text cleaning (``dechaff._line_speedups``) give what their
pure-Python references give, value for value and type for type.

``line_features.reference_line_columns`` and ``line_features.reference_line_matrix`` are the
references; the compiled pass and matrix filler must match them on text cut from real pages and
on generated text (every script, every kind of space and line ending). Skipped when the
extension was not built (an install without a C compiler).
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dechaff import line_features
from dechaff.decode import decode
from dechaff.line_features import (
    _CREDIT_RE,
    CREDIT_HEAD_CHARS,
    CREDIT_TAIL_CHARS,
    LineColumns,
    _credit,
    reference_line_columns,
    reference_line_matrix,
)
from dechaff.line_model import first_matrix
from dechaff.line_rules import name_lines
from dechaff.lines import split_lines

line_speedups = pytest.importorskip("dechaff._line_speedups")

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(
    [*ROOT.joinpath("src/dechaff/examples").glob("*.html.gz"),
     *ROOT.joinpath("tests/pages").glob("*/page.html*")]
)
_TAG_RE = re.compile(r"<[^>]*>")

FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PIECES = st.sampled_from(
    ["", " ", "  ", "\t", "\u00a0", "\u3000", "\u2028", "\r\n", "\n", "\n\n", "…", "...",
     "[…]", "(...)", " …", " ...", "|", " > ", " / ", "»", "›", " · ", " – ", ":", "?", "!",
     "”", "»", ")", "。", "؟", "©", "(c)", "Photo: AFP", "/ Getty Images", "(photo", "AP)",
     "By Ann Lee", "May 2, 2019", "10:45", "2020", "ß", "İstanbul", "ǅ", "ﬁ", "K", "ſ",
     "中文字符", "한국어", "カタカナ", "Ελληνικά", "١٢٣", "x" * 420, "word " * 90, "_", "\udc80",
     "Share on Facebook", "• ", "- ", "1. ", "## ", "> ", "Read more", "Cookies help us"]
)
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=40).map("".join)


def _compiled_columns(texts: list[str]) -> LineColumns:
    return line_speedups.line_columns(  # type: ignore[no-any-return]
        texts, line_features.LONG_LINE_CHARS, line_features.SPACED_CHARS_PER_WORD,
        line_features.CJK_CHARS_PER_WORD, line_features.CUE_MAX_WORDS,
    )


def _page_texts(path: Path) -> list[str]:
    """A page as the texts users hold: its markup stripped to a full-page dump."""
    raw = path.read_bytes()
    html = decode(gzip.decompress(raw) if path.suffix == ".gz" else raw).text
    return [_TAG_RE.sub("\n", html), _TAG_RE.sub(" ", html)]


def _assert_same_columns(texts: list[str]) -> None:
    reference = reference_line_columns(texts)
    compiled = _compiled_columns(texts)
    for expected, got in zip(reference, compiled, strict=True):
        assert got == expected
        assert [type(value) for value in got] == [type(value) for value in expected]


def _assert_same_matrix(text: str, title: str | None = None) -> None:
    features = line_features.line_features(split_lines(text), title)
    naming = name_lines(features, has_title=bool(title))
    named = [decision is not None for decision in naming.named]
    hints = [hint.kind.value if hint is not None else "" for hint in naming.hinted]
    expected = reference_line_matrix(features, named, hints)
    got = line_features.line_matrix(features, named, hints)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)
    if features:
        assert np.array_equal(first_matrix(features, naming), expected)


def test_the_compiled_loops_are_in_use() -> None:
    assert line_features._compiled_columns is not None
    assert line_features._fill_matrix is not None


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.parent.name + "/" + path.name)
def test_columns_and_matrix_match_the_reference_on_real_pages(path: Path) -> None:
    for text in _page_texts(path):
        _assert_same_columns([line.text for line in split_lines(text)])
        _assert_same_matrix(text)
        first = next((line.text for line in split_lines(text)), None)
        _assert_same_matrix(text, title=first)


@FUZZ
@given(st.lists(TEXTS, max_size=30))
def test_columns_match_the_reference_on_generated_lines(texts: list[str]) -> None:
    _assert_same_columns(texts)


@FUZZ
@given(TEXTS, st.one_of(st.none(), PIECES))
def test_matrix_matches_the_reference_on_generated_text(text: str, title: str | None) -> None:
    _assert_same_matrix(text, title)


def test_columns_of_no_lines() -> None:
    _assert_same_columns([])
    assert all(column == [] for column in _compiled_columns([]))


@FUZZ
@given(TEXTS)
def test_credit_search_is_the_one_regex(text: str) -> None:
    """The credit regex split in two (one half read backwards) finds what the whole finds."""
    ends = text[:CREDIT_HEAD_CHARS] + " … " + text[-CREDIT_TAIL_CHARS:]
    gate = ":" in ends or "/" in ends or "(" in ends or "|" in ends or "etty" in ends
    assert _credit(text) == (gate and _CREDIT_RE.search(ends) is not None)


def test_pure_python_switch_turns_the_loops_off() -> None:
    code = (
        "from dechaff import line_features as f; "
        "print(f._compiled_columns is None and f._fill_matrix is None)"
    )
    env = {"DECHAFF_PURE_PYTHON": "1", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
