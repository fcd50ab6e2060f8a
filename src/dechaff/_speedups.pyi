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
def block_text_counts(
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
def title_similarities(
    texts: list[str],
    title_words: list[str],
    classes: npt.NDArray[np.uint8],
    lower: npt.NDArray[np.uint32],
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
def path_scores(
    elements: npt.NDArray[np.intp],
    names: npt.NDArray[np.int64],
    tags: list[str],
    parents: npt.NDArray[np.int64],
    name_tokens: list[tuple[str, ...]],
    weights: dict[str, float],
    decay: float,
    out: npt.NDArray[np.float64],
) -> None: ...
def own_scores(
    elements: npt.NDArray[np.int64],
    names: npt.NDArray[np.int64],
    name_tokens: list[tuple[str, ...]],
    weights: dict[str, float],
    out: npt.NDArray[np.float64],
) -> None: ...
def block_codes(
    blocks: list[Any],
    tag_index: dict[str, int],
    heading_level: dict[str, int],
    out: npt.NDArray[np.int64],
) -> list[str]: ...
def block_columns(
    out: npt.NDArray[np.float64],
    block: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    parent: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    el_chars: npt.NDArray[np.int64],
    el_links: npt.NDArray[np.int64],
    first_block: npt.NDArray[np.int64],
    last_block: npt.NDArray[np.int64],
    el_log_paras: npt.NDArray[np.float64],
    inside: list[bool],
    flag_bits: npt.NDArray[np.int64],
    page_log_chars: float,
    n_tags: int,
    h1_tag: int,
    paragraph_min_chars: float,
    paragraph_max_link_density: float,
    main_share: float,
    all_link_density: float,
    sentence_cap: int,
    comma_words_scale: float,
    window: int,
    levels: int,
    headline_similarity: float,
    teaser_link_density: float,
    teaser_words: float,
) -> None: ...
def context_columns(
    out: npt.NDArray[np.float64],
    column: int,
    p: npt.NDArray[np.float64],
    chars: npt.NDArray[np.int64],
    element: npt.NDArray[np.int64],
    parent: npt.NDArray[np.int64],
    first_block: npt.NDArray[np.int64],
    last_block: npt.NDArray[np.int64],
    order: npt.NDArray[np.intp],
    windows: tuple[int, ...],
    levels: int,
    core_share: float,
) -> None: ...
