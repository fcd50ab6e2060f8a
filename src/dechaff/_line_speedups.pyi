"""Types of the compiled hot loops of plain-text cleaning (``_line_speedups.pyx``)."""

from typing import Any

import numpy as np
import numpy.typing as npt

def line_columns(
    texts: list[str],
    long_line_chars: int,
    spaced_chars_per_word: int,
    cjk_chars_per_word: int,
    cue_max_words: int,
) -> tuple[
    list[int], list[int], list[bool], list[bool], list[bool], list[bool], list[float],
    list[float], list[float], list[float], list[int], list[str], list[list[str]],
]: ...

MATRIX_NAMES: tuple[str, ...]
FEATURE_FIELDS: tuple[str, ...]
LINE_FIELDS: tuple[str, ...]
RAW_ROWS: tuple[str, ...]

def fill_matrix(
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
) -> None: ...
