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

from dechaff import clean, line_features, line_model, line_rules, lines
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
from dechaff.line_model import LineModel, default_keeper, first_matrix, named_lines
from dechaff.line_rules import name_lines
from dechaff.lines import reference_split_lines, split_lines

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
     "Share on Facebook", "• ", "- ", "1. ", "## ", "> ", "Read more", "Cookies help us",
     "getty images", "Von ", "Автор: ", "written by ", "10.05.2020", "x/AFP", "Mainos", "ſ",
     "© 2020 all rights reserved", "Subscribe", "AP Photo/", "ᲂт "]
)
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=40).map("".join)


def _compiled_columns(texts: list[str]) -> LineColumns:
    return line_speedups.key_columns(  # type: ignore[no-any-return]
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
    assert got.tobytes() == expected.tobytes()
    if features:
        assert np.array_equal(first_matrix(features, naming), expected)


def _assert_same_lines_to_result(text: str, title: str | None = None) -> None:
    """Every other compiled step (lines, the document's columns, the records, the pattern names,
    the result) gives what its reference gives on ``text``."""
    got_lines = split_lines(text)
    expected_lines = reference_split_lines(text)
    assert got_lines == expected_lines
    assert all(type(line) is lines.Line for line in got_lines)
    assert [[type(v) for v in line] for line in got_lines] == [
        [type(v) for v in line] for line in expected_lines
    ]
    texts = [line.text for line in got_lines]
    columns = line_features.line_columns(texts)
    numbers = [line.number for line in got_lines]
    words, chars, digits, keys = columns[0], columns[1], columns[6], columns[11]
    for got, expected in (
        (
            line_speedups.repeat_columns(keys, numbers, chars),
            line_features.reference_repeat_columns(keys, numbers, chars),
        ),
        (
            line_features._document_columns(texts, numbers, columns)[3:],
            line_features.reference_cue_columns(texts, words, digits),
        ),
    ):
        assert got == expected
        assert [[type(v) for v in c] for c in got] == [[type(v) for v in c] for c in expected]
    features = line_features.line_features(got_lines, title)
    assert all(type(item) is line_features.LineFeatures for item in features)
    assert features == line_features.reference_records(list(zip(*features, strict=True)))
    assert line_rules._pattern_names(features) == line_rules.reference_pattern_names(features)
    _assert_same_rules(features)
    naming = name_lines(features, has_title=bool(title and title.strip()))
    keep = default_keeper().keep(features, naming, "")
    decisions = line_rules.decide(features, naming, keep)
    assert decisions == line_rules.reference_decide(features, naming, keep)
    for flip in (True, False):
        assert line_rules.decide(features, naming, [flip] * len(features)) == (
            line_rules.reference_decide(features, naming, [flip] * len(features))
        )
    got = clean._assemble(text, got_lines, decisions)
    expected = clean.reference_assemble(text, got_lines, decisions)
    assert got == expected
    assert all(type(item) is clean.Removed for item in got.removed)
    assert [[type(v) for v in (r.kind, r.start, r.end, r.text, r.reason)] for r in got.removed] == [
        [type(v) for v in (r.kind, r.start, r.end, r.text, r.reason)] for r in expected.removed
    ]


def _assert_same_rules(features: list[line_features.LineFeatures]) -> None:
    """The compiled rule passes give what their references give."""
    shapes = line_speedups.shape_columns(
        features, line_features.LONG_LINE_WORDS, line_features.PROSE_MIN_WORDS,
        line_rules.HEADLINE_MIN_WORDS, line_rules.HEADLINE_MAX_WORDS,
    )
    assert shapes == line_rules.reference_shape_columns(features)
    assert [[type(v) for v in c] for c in shapes] == [[bool] * len(features)] * 2
    prose = shapes[0]
    named = line_rules.reference_pattern_names(features)
    scan = line_speedups.scan_comments(
        features, named, prose, line_rules._COMMENT_HEADER_RE.match, line_rules._TIME_RE.search,
        line_rules.COMMENT_BODY_MIN_WORDS, line_rules.COMMENT_MIN_LINES,
        line_rules.COMMENT_ANCHOR_MAX_WORDS, line_rules.COMMENT_HEADER_MAX_WORDS,
    )
    assert scan == line_rules.reference_comment_scan(features, named, prose)
    gated = line_speedups.gated_scan_comments(
        features, named, prose, line_rules._COMMENT_HEADER_RE.match, line_rules._TIME_RE.search,
        line_rules.COMMENT_BODY_MIN_WORDS, line_rules.COMMENT_MIN_LINES,
        line_rules.COMMENT_ANCHOR_MAX_WORDS, line_rules.COMMENT_HEADER_MAX_WORDS,
        line_rules._COMMENT_HEADER_OPENERS,
    )
    assert gated == scan
    shaped = shapes[1]
    for start in (list(named), [None] * len(features)):
        got_named, got_hinted = list(start), [None] * len(features)
        expected_named, expected_hinted = list(start), [None] * len(features)
        got_pairs = line_speedups.teaser_pairs(
            features, got_named, got_hinted, shaped, line_rules._REPEATED_THEN_CUT,
            line_rules._REPEATED, line_rules.SNIPPET_MAX_WORDS,
        )
        expected_pairs = line_rules.reference_teaser_pairs(
            features, expected_named, expected_hinted, shaped
        )
        assert (got_pairs, got_named, got_hinted) == (
            expected_pairs, expected_named, expected_hinted
        )
    for tokens in {frozenset(item.tokens) for item in features[:3]} | {frozenset({"the"})}:
        got, expected = list(named), list(named)
        line_speedups.key_headline_again(
            features, got, tokens, line_rules._HEADLINE_AGAIN, line_rules.HEADLINE_MAX_WORDS,
            line_rules.TITLE_OVERLAP, line_rules.TITLE_COVER, line_features.LONG_LINE_CHARS,
        )
        line_rules.reference_headline_again(features, expected, tokens)
        assert got == expected
    flags = [decision is not None for decision in named]
    scores = line_speedups.region_scores(
        features, flags, line_features.NAMED_COST, line_features.SHORT_COST,
        line_features.LONG_LINE_WORDS, line_features.PROSE_MIN_WORDS,
    )
    assert scores == line_features.reference_region_scores(features, flags)
    assert all(type(score) is float for score in scores)
    n = len(scores)
    for lo, hi in ((0, n), (n // 3, n), (0, n // 2), (n, n)):
        got_run = line_speedups.best_run(scores, lo, hi)
        assert got_run == line_features.reference_best_run(scores, lo, hi)
        assert [type(v) for v in got_run] == [float, int, int]


def test_the_compiled_loops_are_in_use() -> None:
    assert line_features._compiled_columns is not None
    assert line_features._compiled_repeats is not None
    assert line_features._compiled_cues is not None
    assert line_features._compiled_records is not None
    assert lines._compiled_split is not None
    assert line_rules._compiled_patterns is not None
    assert clean._compiled_assemble is not None
    assert line_rules._compiled_shapes is not None
    assert line_rules._compiled_again is not None
    assert line_rules._compiled_scan is not None
    assert line_features._compiled_scores is not None
    assert line_features._compiled_best_run is not None
    assert line_rules._compiled_decide is not None
    assert line_rules._compiled_found is not None
    assert line_rules._compiled_paired is not None
    assert line_rules._compiled_teasers is not None
    assert line_model._open_decisions is not None
    assert line_features._fill_logged_matrix is not None


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.parent.name + "/" + path.name)
def test_columns_and_matrix_match_the_reference_on_real_pages(path: Path) -> None:
    for text in _page_texts(path):
        _assert_same_columns([line.text for line in split_lines(text)])
        _assert_same_matrix(text)
        first = next((line.text for line in split_lines(text)), None)
        _assert_same_matrix(text, title=first)
        _assert_same_lines_to_result(text)
        _assert_same_lines_to_result(text, title=first)


def _line_model() -> LineModel:
    model = default_keeper()
    assert isinstance(model, LineModel)
    return model


def _assert_same_decisions(
    model: LineModel, matrix: np.ndarray, named: list[bool], threshold: float
) -> None:
    expected = model.reference_open_decisions(matrix, named, threshold)
    assert line_model._open_decisions is not None
    got = model._compiled_open_decisions(matrix, named, threshold, line_model._open_decisions)
    assert got == expected
    assert all(type(value) is bool for value in got)


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.parent.name + "/" + path.name)
def test_open_decisions_match_the_reference_on_real_pages(path: Path) -> None:
    """The compiled walk (early exits, log-odds compared) decides every row as the reference
    does, at every shipped threshold and at thresholds between."""
    model = _line_model()
    for text in _page_texts(path):
        features = line_features.line_features(split_lines(text))
        if not features:
            continue
        naming = name_lines(features)
        named = named_lines(naming)
        matrix = first_matrix(features, naming, named)
        for threshold in (*model.thresholds.values(), 0.01, 0.3, 0.5, 0.77, 0.99):
            _assert_same_decisions(model, matrix, named, threshold)
            _assert_same_decisions(model, matrix, [False] * len(named), threshold)


def test_open_decisions_near_the_cut_take_the_sigmoid() -> None:
    """A threshold equal to a row's own P(keep) puts that row within the margin: it is decided
    by the reference's sigmoid, as the reference decides it."""
    model = _line_model()
    text = _page_texts(PAGES[0])[0]
    features = line_features.line_features(split_lines(text))
    naming = name_lines(features)
    matrix = first_matrix(features, naming)
    named = [False] * len(features)
    probabilities = model.trees.probabilities(matrix)
    for row in range(0, len(features), max(1, len(features) // 40)):
        threshold = float(probabilities[row])
        if not 0.0 < threshold < 1.0:
            continue
        for nearby in (threshold, np.nextafter(threshold, 0.0), np.nextafter(threshold, 1.0)):
            _assert_same_decisions(model, matrix, named, float(nearby))


@FUZZ
@given(st.integers(0, 2**32 - 1), st.floats(0.001, 0.999), st.integers(1, 40))
def test_open_decisions_match_the_reference_on_random_rows(
    seed: int, threshold: float, rows: int
) -> None:
    model = _line_model()
    generator = np.random.default_rng(seed)
    matrix = generator.normal(0.0, 2.0, (rows, len(line_features.LINE_FEATURE_NAMES)))
    matrix[generator.random(matrix.shape) < 0.4] = 0.0
    named = (generator.random(rows) < 0.3).tolist()
    _assert_same_decisions(model, matrix, named, threshold)


@FUZZ
@given(st.lists(TEXTS, max_size=30))
def test_columns_match_the_reference_on_generated_lines(texts: list[str]) -> None:
    _assert_same_columns(texts)


@FUZZ
@given(TEXTS, st.one_of(st.none(), PIECES))
def test_matrix_matches_the_reference_on_generated_text(text: str, title: str | None) -> None:
    _assert_same_matrix(text, title)


@FUZZ
@given(TEXTS, st.one_of(st.none(), PIECES))
def test_lines_to_result_match_the_references_on_generated_text(
    text: str, title: str | None
) -> None:
    _assert_same_lines_to_result(text, title)


MARKED = st.lists(
    st.sampled_from(["#", "##", "#######", ">", ">>", "(", "1", "12", "1234", "١٢", "²", ".", ")",
                     " ", "\t", "\u00a0", "\u3000", "\n", "•", "-", "*", "x", "Word"]),
    max_size=12,
).map("".join)


@FUZZ
@given(st.lists(MARKED, max_size=10).map("\n".join))
def test_list_markers_are_the_regex_s(text: str) -> None:
    """The compiled marker scan finds what ``lines._MARKER_RE`` finds (kind and content)."""
    assert split_lines(text) == reference_split_lines(text)


def test_lines_break_where_splitlines_breaks_for_every_character() -> None:
    """The compiled split cuts at exactly the characters ``str.splitlines`` cuts at, in texts
    of every kind (ASCII, Latin-1, two and four bytes per character)."""
    for code in [*range(0x3000), 0x2028, 0x2029, 0xFEFF, 0x1F600]:
        char = chr(code)
        for text in (f"a{char}b\r\nc", f"é{char}{char}x", f"中 {char} y", f"😀{char}z"):
            assert split_lines(text) == reference_split_lines(text)


@FUZZ
@given(st.lists(st.sampled_from([
    "Big news from the city today", "Big news from the city today", "It all began when …",
    "It all began when", "Another headline here now", "Short", "A full sentence that ends here.",
    "Read the rest of it...", "© 2020", "- A list item headline today",
]), max_size=25))
def test_teaser_signatures_match_the_reference(chosen: list[str]) -> None:
    """Headlines repeated, cut snippets and their pairs, in every order."""
    _assert_same_lines_to_result("\n".join(chosen))


def test_lines_beyond_the_cap_take_the_reference() -> None:
    text = "one\n\n  two\r\nthree\n" * 5
    assert split_lines(text, max_lines=4) == reference_split_lines(text, max_lines=4)
    assert split_lines(text, max_lines=15) == reference_split_lines(text, max_lines=15)
    assert split_lines(text, max_lines=16) == reference_split_lines(text, max_lines=16)


def test_log_tables_are_numpy_s_wherever_a_count_stands() -> None:
    """Each table entry is what numpy gives for that number, alone or anywhere in arrays of
    many lengths and offsets (its vector loops and their tails agree)."""
    size = line_features.LOG_TABLE_SIZE
    log1p, log = line_features._log_tables()
    generator = np.random.default_rng(7)
    counts = np.arange(size, dtype=np.float64)
    for length in [*range(1, 70), 127, 128, 129, 1000, 4097]:
        for offset in range(3):
            picked = generator.integers(1, size, length)
            rows = np.full((6, length + offset), 3.0)
            rows[:, offset:] = counts[picked]
            assert np.array_equal(np.log1p(rows[:, offset:]), np.broadcast_to(log1p[picked],
                                                                             (6, length)))
            assert np.array_equal(np.log(rows[-1, offset:]), log[picked])
    assert all(np.log1p(np.float64(v)) == log1p[v] for v in range(0, size, 97))
    assert all(np.log(np.float64(v)) == log[v] for v in range(1, size, 97))


def test_counts_beyond_the_log_tables_take_numpy() -> None:
    """A document with a count past the tables (a line of more characters) takes numpy's
    logarithms, as the reference does."""
    long_line = "word " * (line_features.LOG_TABLE_SIZE // 5 + 10)
    for text in (f"Title\n\n{long_line}\nShort line.", "x\n" * 3 + "y " * 30):
        _assert_same_matrix(text)
        features = line_features.line_features(split_lines(text))
        named = [False] * len(features)
        hints = [""] * len(features)
        assert (
            line_features.line_matrix(features, named, hints).tobytes()
            == reference_line_matrix(features, named, hints).tobytes()
        )


def test_records_of_atoms_are_not_tracked_by_the_collector() -> None:
    """Lines and their records hold no container: the collector does not track them (what it
    would decide itself at its first pass); a record holding a container stays tracked."""
    import gc

    got_lines = split_lines("Title\n\n- item one\n3. two\n> quote")
    features = line_features.line_features(got_lines, "Title")
    assert got_lines and not any(gc.is_tracked(line) for line in got_lines)
    assert features and not any(gc.is_tracked(item) for item in features)
    mixed = line_speedups.records(tuple, [[1, [2]], ["a", "b"]])
    assert [gc.is_tracked(record) for record in mixed] == [False, True]


def test_the_pattern_gates_hold_for_every_cue() -> None:
    """The lengths the compiled passes gate the patterns with are the patterns' own."""
    ads = line_rules._AD_RE.pattern.removeprefix("^(?:").removesuffix(")$").split("|")
    assert min(map(len, ads)) == line_rules.AD_MIN_CHARS
    bylines = line_features._BYLINE_RE.pattern.removeprefix("^(?:")
    words = bylines[: bylines.index(")")].split("|")
    assert min(map(len, words)) == line_features.BYLINE_CUE_MIN_CHARS
    assert max(map(len, words)) == line_features.BYLINE_CUE_MAX_CHARS


ALL_CHARACTERS = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)


def _first_literals(pattern: re.Pattern[str]) -> list[str]:
    """The first character of each alternative of ``pattern`` (past any ``\\b``)."""
    from re import _parser  # type: ignore[attr-defined]

    (op, av), *_ = [item for item in _parser.parse(pattern.pattern, pattern.flags)
                    if item[0] is not _parser.AT]
    assert op is _parser.BRANCH
    firsts = []
    for alternative in av[1]:
        items = [(o, a) for o, a in alternative if o is not _parser.AT]
        assert items[0][0] is _parser.LITERAL
        firsts.append(chr(items[0][1]))
    return firsts


@pytest.mark.parametrize(
    ("pattern", "openers"),
    [
        (line_rules._COPYRIGHT_RE, line_rules._COPYRIGHT_OPENERS),
        (line_rules._COOKIE_RE, line_rules._COOKIE_OPENERS),
        (line_rules._CONSENT_RE, line_rules._CONSENT_OPENERS),
        (line_rules._NEWSLETTER_RE, line_rules._NEWSLETTER_OPENERS),
        (line_features._BYLINE_RE, line_features._BYLINE_OPENERS),
        (line_rules._AD_RE, line_rules._AD_OPENERS),
    ],
)
def test_openers_are_every_character_a_match_may_start_with(
    pattern: re.Pattern[str], openers: str
) -> None:
    firsts = re.compile("|".join(map(re.escape, _first_literals(pattern))), pattern.flags)
    assert set(firsts.findall(ALL_CHARACTERS)) == set(openers)


def _first_characters(items: list[tuple[object, object]]) -> tuple[list[str], list[object]]:
    """(the literal first characters, the character categories) a parsed pattern's matches may
    open with (zero-width items skipped; a repeat must match at least once)."""
    from re import _parser  # type: ignore[attr-defined]

    literals: list[str] = []
    categories: list[object] = []
    for op, av in items:
        if op in (_parser.AT, _parser.ASSERT_NOT, _parser.ASSERT):
            continue
        if op is _parser.LITERAL:
            return [*literals, chr(av)], categories  # type: ignore[arg-type]
        if op is _parser.IN:
            for kind, value in av:  # type: ignore[attr-defined]
                assert kind in (_parser.LITERAL, _parser.CATEGORY)
                if kind is _parser.LITERAL:
                    literals.append(chr(value))
                else:
                    categories.append(value)
            return literals, categories
        if op is _parser.SUBPATTERN:
            return _first_characters(av[-1])  # type: ignore[index]
        if op is _parser.BRANCH:
            for alternative in av[1]:  # type: ignore[index]
                more, kinds = _first_characters(alternative)
                literals += more
                categories += kinds
            return literals, categories
        assert op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT)
        least, _, repeated = av  # type: ignore[misc]
        assert least >= 1
        return _first_characters(repeated)
    raise AssertionError("the pattern may match nothing")


def test_comment_heading_openers_are_every_character_a_heading_may_start_with() -> None:
    """Besides a decimal digit (``\\d``, what the gate checks apart), a heading opens with one
    of the openers: every character ``re`` matches with an alternative's first letter."""
    from re import _parser  # type: ignore[attr-defined]

    pattern = line_rules._COMMENT_HEADER_RE
    literals, categories = _first_characters(_parser.parse(pattern.pattern, pattern.flags))
    assert categories == [_parser.CATEGORY_DIGIT]
    firsts = re.compile("|".join(map(re.escape, literals)), pattern.flags)
    assert set(firsts.findall(ALL_CHARACTERS)) == set(line_rules._COMMENT_HEADER_OPENERS)


@FUZZ
@given(st.lists(st.one_of(
    st.sampled_from(["1", "19", "20", "2019", "20201", "12345", "٣", "۱۹", ".", "/", "-", ":", " ",
                     "a", "_", "x1", "10:45", "1.2.3", "2020-01-01", "12/31/99", "199", "1:2"]),
    st.text(alphabet="0123456789./-: a_٣", max_size=6),
), max_size=12).map("".join))
def test_date_cues_are_the_pattern_s(text: str) -> None:
    """The date scan tries the pattern only where a run of digits may open a date; it finds
    what ``_DATE_RE.search`` finds."""
    for sample in (text, "x" + text, text + " y"):
        columns = line_features.line_columns([sample])
        dated = line_features._document_columns([sample], [0], columns)[3]
        reference = line_features.reference_cue_columns([sample], columns[0], columns[6])[0]
        assert dated == reference
        assert dated[0] == (columns[6][0] > 0 and line_features._DATE_RE.search(sample) is not None)


def test_credit_cues_at_every_place_of_both_ends() -> None:
    """The credit gate looks at the two ends once: a mark (``:/(|``, ``etty``) at any place of
    lines whose ends overlap, touch or stand apart is seen as the reference sees it."""
    texts = []
    for length in range(CREDIT_HEAD_CHARS - 2, CREDIT_HEAD_CHARS + CREDIT_TAIL_CHARS + 8):
        for mark in ("Getty Images", "etty", "/AFP", "(c", "|", "Photo:", "ett y"):
            for place in range(0, length - len(mark) + 1):
                text = ("x" * place + mark).ljust(length, "z")
                texts += [text, text.replace("z", "é"), text.replace("x", "中")]
    words = [len(text.split()) for text in texts]
    digits = [0.0] * len(texts)
    reference = line_features.reference_cue_columns(texts, words, digits)
    columns = line_features.line_columns(texts)
    got = line_features._document_columns(texts, list(range(len(texts))), columns)[3:]
    assert list(got) == list(reference)


def test_keys_fold_every_character_as_casefold_does() -> None:
    """The compiled keys fold characters one at a time: every character, in short lines and in
    long ones (each script's runs of letters, spaces and marks between)."""
    for width in (50, 450):
        texts = [ALL_CHARACTERS[i : i + width] for i in range(0, len(ALL_CHARACTERS), width)]
        texts += [" ".join(text) for text in texts[::7]]
        _assert_same_columns(texts)


def test_shares_and_capitals_classify_every_character_as_str_does() -> None:
    """The compiled pass classifies each character once (space, letter, upper case, digit,
    ``\\w``): every character, in short lines whose shares and capitals are counted."""
    step = 5
    groups = [ALL_CHARACTERS[i : i + step] for i in range(0, len(ALL_CHARACTERS), step)]
    texts = [f"Ab {group} x{group[::-1]}:" for group in groups]
    texts += [f"{group}é {group.upper()}" for group in groups[::3]]
    _assert_same_columns(texts)


def _any_case(chars: str) -> set[str]:
    """``chars`` and every character ``re`` matches with one of them, case ignored."""
    pattern = re.compile("|".join(map(re.escape, sorted(set(chars)))), re.IGNORECASE)
    return set(pattern.findall(ALL_CHARACTERS))


def test_credit_letters_are_every_case_of_the_credit_words() -> None:
    words = line_features._CREDIT_WORDS
    assert _any_case("".join(word[0] for word in words)) == set(line_features._CREDIT_FIRSTS)
    assert _any_case("".join(word[-1] for word in words)) == set(line_features._CREDIT_LASTS)
    assert _any_case("pe") == set("pPeE")  # ("(photo", "getty": the letters checked inline)


@FUZZ
@given(TEXTS)
def test_found_from_is_search(text: str) -> None:
    for pattern, openers in (
        (line_rules._COPYRIGHT_RE, line_rules._COPYRIGHT_OPENERS),
        (line_rules._CONSENT_RE, line_rules._CONSENT_OPENERS),
        (line_rules._NEWSLETTER_RE, line_rules._NEWSLETTER_OPENERS),
    ):
        for sample in (text, text + " all rights reserved", "© " + text, text + " ſubscribe"):
            found = line_speedups.found_from(pattern.match, sample, openers)
            assert found == (pattern.search(sample) is not None)


_STARTS = (
    line_rules._COPYRIGHT_STARTS, line_rules._COOKIE_STARTS, line_rules._CONSENT_STARTS,
    line_rules._NEWSLETTER_STARTS,
)


def _second_literals(pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """(the second character of each alternative of ``pattern`` longer than one, past any
    ``\\b``; the one-character alternatives)."""
    from re import _parser  # type: ignore[attr-defined]

    (op, av), *_ = [item for item in _parser.parse(pattern.pattern, pattern.flags)
                    if item[0] is not _parser.AT]
    assert op is _parser.BRANCH
    seconds, solos = [], []
    for alternative in av[1]:
        items = [(o, a) for o, a in alternative if o is not _parser.AT]
        assert items[0][0] is _parser.LITERAL
        if len(items) == 1:
            solos.append(chr(items[0][1]))
            continue
        assert items[1][0] is _parser.LITERAL
        seconds.append(chr(items[1][1]))
    return seconds, solos


@pytest.mark.parametrize("starts", _STARTS, ids=lambda starts: starts.pattern.pattern[:12])
def test_seconds_and_solos_are_every_character_a_match_may_go_on_with(
    starts: line_rules._Starts,
) -> None:
    """Each match of a pattern is one of its one-character alternatives, or its first
    character (an opener) followed by an alternative's second character: the gates hold every
    character ``re`` matches with those, any case."""
    seconds, solos = _second_literals(starts.pattern)

    def matched(chars: list[str]) -> set[str]:
        if not chars:
            return set()
        any_case = re.compile("|".join(map(re.escape, chars)), starts.pattern.flags)
        return set(any_case.findall(ALL_CHARACTERS))

    assert matched(seconds) == set(starts.seconds)
    assert matched(solos) == set(starts.solos)
    assert set(starts.solos) <= set(starts.openers)


@FUZZ
@given(TEXTS)
def test_found_paired_is_search(text: str) -> None:
    for starts in _STARTS:
        for sample in (text, text + " all rights reserved", "© " + text, text + " ſubscribe",
                       "(C) 2020 " + text, text + " Cookies: we ACCEPT", "ВСЕ ПРАВА " + text):
            found = line_speedups.found_paired(
                starts.pattern.match, sample, starts.openers, starts.seconds, starts.solos
            )
            assert found == (starts.pattern.search(sample) is not None)
            assert line_rules._found(starts, sample) == found


@FUZZ
@given(st.lists(TEXTS, max_size=30))
def test_a_lines_tokens_are_its_case_folded_words(texts: list[str]) -> None:
    """``LineFeatures.tokens``, split from the key, are the line's ``\\w`` runs case-folded
    (none for a long line), whichever pass made the key."""
    for columns in (line_features.line_columns(texts), reference_line_columns(texts)):
        for text, chars, key in zip(texts, columns[1], columns[11], strict=True):
            expected = (
                line_features._WORD_RE.findall(text.casefold())
                if len(text) <= line_features.LONG_LINE_CHARS
                else []
            )
            assert line_features.key_tokens(key, chars) == expected


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
        "from dechaff import lines, line_rules, clean; "
        "print(f._compiled_columns is None and f._fill_logged_matrix is None "
        "and f._compiled_repeats is None and f._compiled_cues is None "
        "and f._compiled_records is None and lines._compiled_split is None "
        "and line_rules._compiled_patterns is None and clean._compiled_assemble is None "
        "and line_rules._compiled_shapes is None and line_rules._compiled_again is None "
        "and line_rules._compiled_scan is None and f._compiled_scores is None "
        "and f._compiled_best_run is None and line_rules._compiled_decide is None "
        "and line_rules._compiled_found is None)"
    )
    env = {"DECHAFF_PURE_PYTHON": "1", "PATH": "", "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
