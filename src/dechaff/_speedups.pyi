"""Types of the compiled hot loops (``_speedups.pyx``)."""

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

def bind(
    functions: dict[str, int | None],
    text_offset: int,
    kinds: dict[str | None, int],
    tag_flags: dict[str, int],
    inline_marks: dict[str, str],
    close_mark: Callable[[list[str], str], None],
    squeeze: Callable[[str], str],
    hidden_style: Callable[[str], Any],
    block_type: type,
    in_pre: int,
    max_elements: int,
    max_blocks: int,
) -> None: ...
def walk(body: int, cut: Any, root: int) -> None: ...
def tree_sums(
    features: npt.NDArray[np.float64],
    node_feature: npt.NDArray[np.intp],
    node_threshold: npt.NDArray[np.float64],
    leaf_value: npt.NDArray[np.float64],
    out: npt.NDArray[np.float64],
) -> None: ...
def text_counts(
    texts: list[str],
    classes: npt.NDArray[np.uint8],
    astral_class: Callable[[str], int],
    word_bit: int,
    letter_bit: int,
    digit_bit: int,
    upper_bit: int,
    space_bit: int,
    sentence_bit: int,
    end_bit: int,
    out: npt.NDArray[np.int64],
) -> None: ...
def title_overlaps(
    texts: list[str],
    title_words: list[str],
    classes: npt.NDArray[np.uint8],
    astral_class: Callable[[str], int],
    word_bit: int,
    out: npt.NDArray[np.float64],
) -> None: ...
def element_totals(
    parent: list[int],
    end: list[int],
    block_element: list[int],
    block_chars: list[int],
    block_links: list[int],
    paragraph_min_chars: int,
    paragraph_max_link_density: float,
) -> npt.NDArray[np.int64]: ...
def token_scores(
    elements: list[int],
    names: list[int],
    tags: list[str],
    parents: list[int],
    name_tokens: list[tuple[str, ...]],
    weights: dict[str, float],
    decay: float,
    size: int,
) -> list[float]: ...
