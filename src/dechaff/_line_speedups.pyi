"""Types of the compiled hot loops of plain-text cleaning (``_line_speedups.pyx``)."""

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

def key_columns(
    texts: list[str],
    long_line_chars: int,
    spaced_chars_per_word: int,
    cjk_chars_per_word: int,
    cue_max_words: int,
) -> tuple[
    list[int], list[int], list[bool], list[bool], list[bool], list[bool], list[float],
    list[float], list[float], list[float], list[int], list[str],
]: ...

MATRIX_NAMES: tuple[str, ...]
FEATURE_FIELDS: tuple[str, ...]
LINE_FIELDS: tuple[str, ...]
RAW_ROWS: tuple[str, ...]

def fill_logged_matrix(
    out: npt.NDArray[np.float64],
    raw: npt.NDArray[np.float64],
    features: list[Any],
    named: list[bool],
    hints: list[str],
    regions: list[tuple[int, int]],
    long_line_words: float,
    prose_min_words: float,
    short_line_words: float,
    max_separators: float,
    max_indent: float,
    density_window: int,
    repeat_window: int,
    log1p_table: npt.NDArray[np.float64],
    log_table: npt.NDArray[np.float64],
    doc_log_lines: float,
) -> bool: ...

def split_marked_lines(
    text: str, max_lines: int, tab_width: int, line_type: type, bullets: str
) -> list[Any] | None: ...
def assemble(
    source: str, lines: list[Any], decisions: list[Any], main: object, removed_type: type
) -> tuple[str, list[Any]]: ...
def repeat_columns(
    keys: list[str], numbers: list[int], chars: list[int]
) -> tuple[list[int], list[int], list[float]]: ...
def gated_cue_columns(
    texts: list[str],
    words: list[int],
    digits: list[float],
    date_match: Callable[[str, int], object],
    byline_match: Callable[[str], object],
    opening_match: Callable[[str, int], object],
    closed_match: Callable[[str, int], object],
    cue_max_words: int,
    credit_max_words: int,
    credit_head: int,
    credit_tail: int,
    byline_min: int,
    byline_max: int,
    byline_openers: str,
    credit_firsts: str,
    credit_lasts: str,
    credit_lengths: tuple[int, ...],
) -> tuple[list[bool], list[bool], list[bool]]: ...
def records(cls: type, columns: list[Any]) -> list[Any]: ...
def notice_names(
    features: list[Any],
    hint_tokens: frozenset[str],
    ad_match: Callable[[str], object],
    notice: Callable[[Any], object],
    decisions: tuple[object, object, object],
    nav_max_words: int,
    caption_min_words: int,
    pattern_max_words: int,
    long_line_words: int,
    prose_min_words: int,
    ad_min_chars: int,
    ad_openers: str,
    long_line_chars: int,
) -> list[Any]: ...
def shape_columns(
    features: list[Any],
    long_line_words: int,
    prose_min_words: int,
    headline_min_words: int,
    headline_max_words: int,
) -> tuple[list[bool], list[bool]]: ...
def teaser_pairs(
    features: list[Any],
    named: list[Any],
    hinted: list[Any],
    shaped: list[bool],
    repeated_then_cut: object,
    repeated: object,
    snippet_max_words: int,
) -> list[tuple[int, int]]: ...
def key_headline_again(
    features: list[Any],
    out: list[Any],
    tokens: frozenset[str],
    again_decision: object,
    headline_max_words: int,
    title_overlap: float,
    title_cover: float,
    long_line_chars: int,
) -> None: ...
def scan_comments(
    features: list[Any],
    named: list[Any],
    prose: list[bool],
    header_match: Callable[[str], object],
    time_search: Callable[[str], object],
    body_min_words: int,
    min_lines: int,
    anchor_max_words: int,
    header_max_words: int,
) -> tuple[int, list[int]]: ...
def gated_scan_comments(
    features: list[Any],
    named: list[Any],
    prose: list[bool],
    header_match: Callable[[str], object],
    time_search: Callable[[str], object],
    body_min_words: int,
    min_lines: int,
    anchor_max_words: int,
    header_max_words: int,
    header_openers: str,
) -> tuple[int, list[int]]: ...
def region_scores(
    features: list[Any],
    named: list[bool],
    named_cost: float,
    short_cost: float,
    long_line_words: int,
    prose_min_words: int,
) -> list[float]: ...
def best_run(scores: list[float], lo: int, hi: int) -> tuple[float, int, int]: ...
def decide(
    features: list[Any],
    named: list[Any],
    hinted: list[Any],
    keep: list[bool],
    names: tuple[object, ...],
    limits: tuple[int, ...],
) -> list[Any]: ...
def found_from(match: Callable[[str, int], object], text: str, openers: str) -> bool: ...
def found_paired(
    match: Callable[[str, int], object], text: str, openers: str, seconds: str, solos: str
) -> bool: ...
def open_row_decisions(
    features: npt.NDArray[np.float64],
    named: list[bool],
    node_feature: npt.NDArray[np.intp],
    node_threshold: npt.NDArray[np.float64],
    leaf_value: npt.NDArray[np.float64],
    most_after: npt.NDArray[np.float64],
    least_after: npt.NDArray[np.float64],
    cut: float,
    margin: float,
) -> tuple[list[bool], list[int], list[float]]: ...
