"""Block features: the numbers a classifier (rules or a learned model) reads for each block.

One row per block, one named column per fact. The same function serves training
(``scripts/train_classifier.py``) and extraction, so the two can never drift apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from dechaff.blocks import (
    IN_ADDRESS,
    IN_ARTICLE,
    IN_ASIDE,
    IN_BLOCKQUOTE,
    IN_CAPTION,
    IN_FIGURE,
    IN_FOOTER,
    IN_FORM,
    IN_HEADER,
    IN_HEADING,
    IN_LIST,
    IN_MAIN,
    IN_NAV,
    IN_PRE,
    IN_TABLE,
    IN_TIME,
    PARAGRAPH_MIN_CHARS,
    Block,
    Page,
)

FloatArray = npt.NDArray[np.float64]

MAIN_SHARE = 0.6
"""The main container is the deepest element holding this share of the page's prose."""
NEIGHBOUR_WINDOW = 3
"""Blocks on each side whose link density describes a block's neighbourhood."""
CONTAINER_LEVELS = 4
"""Ancestor levels (from the block's own element up) described by container features."""
TOKEN_DECAY = 0.8
"""Weight of a class/id token per level above the block: near ancestors say more."""

_END_PUNCT = frozenset(".!?。！？:;\"'”»)…؟।")
_SENTENCE_RE = re.compile(r"[.!?。！？؟](?:\s|$)")
_WORD_RE = re.compile(r"\w+")
_ELLIPSIS_RE = re.compile(r"(?:…|\.\.\.)\s*$")

_TAGS = ("p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "pre", "blockquote", "dd", "dt",
         "figcaption", "span", "section", "article", "a", "header", "footer", "form", "table")
_FLAG_BITS = (
    ("nav", IN_NAV), ("header", IN_HEADER), ("footer", IN_FOOTER), ("aside", IN_ASIDE),
    ("form", IN_FORM), ("figure", IN_FIGURE), ("list", IN_LIST), ("table", IN_TABLE),
    ("article", IN_ARTICLE), ("main", IN_MAIN), ("blockquote", IN_BLOCKQUOTE), ("pre", IN_PRE),
    ("caption", IN_CAPTION), ("heading", IN_HEADING), ("address", IN_ADDRESS), ("time", IN_TIME),
)


def _names() -> tuple[str, ...]:
    names = [
        "log_chars", "link_density", "log_words", "ends_punct", "sentences", "digit_ratio",
        "upper_ratio", "ellipsis", "rel_pos", "rel_index", "all_link", "title_sim",
        "duplicate", "token_score", "token_score_near", "in_main", "main_dist", "before_main",
        "after_main", "main_share", "page_log_chars", "page_link_density", "words_per_comma",
        "heading_level", "prev_link", "next_link", "window_link", "prev_log_chars",
        "next_log_chars", "window_paragraphs", "sibling_share", "same_tag_run",
    ]
    names += [f"tag_{t}" for t in _TAGS]
    names += [f"in_{n}" for n, _ in _FLAG_BITS]
    for level in range(CONTAINER_LEVELS):
        names += [f"c{level}_share", f"c{level}_link", f"c{level}_paras", f"c{level}_para_share"]
    return tuple(names)


FEATURE_NAMES = _names()


def class_tokens(page: Page, block: Block) -> list[tuple[str, float]]:
    """The class/id tokens on the block's path, each weighted by how near it is."""
    out: list[tuple[str, float]] = []
    weight = 1.0
    for index in page.ancestors(block.element):
        el = page.elements[index]
        for tok in el.tokens:
            out.append((tok, weight))
        out.append((f"<{el.tag}>", weight))
        weight *= TOKEN_DECAY
    return out


def token_scores(page: Page, weights: Mapping[str, float]) -> list[float]:
    """Per element: the decayed sum of its path's token weights (computed top-down, once)."""
    scores: list[float] = []
    for el in page.elements:
        own = sum(weights.get(t, 0.0) for t in el.tokens) + weights.get(f"<{el.tag}>", 0.0)
        parent = scores[el.parent] if el.parent >= 0 else 0.0
        scores.append(own + TOKEN_DECAY * parent)
    return scores


def _main_container(page: Page, para_chars: list[int]) -> int:
    """The deepest element that holds ``MAIN_SHARE`` of all prose characters."""
    total = para_chars[0] if para_chars else 0
    if total == 0:
        return 0
    best = 0
    need = MAIN_SHARE * total
    for index, el in enumerate(page.elements):
        if para_chars[index] >= need and el.depth > page.elements[best].depth:
            best = index
    return best


def _prose_chars(page: Page) -> list[int]:
    out = [0] * len(page.elements)
    for block in page.blocks:
        if block.chars >= PARAGRAPH_MIN_CHARS and block.link_density < 0.5:
            index = block.element
            while index >= 0:
                out[index] += block.chars
                index = page.elements[index].parent
    return out


def _title_similarity(text: str, title_words: set[str]) -> float:
    if not title_words:
        return 0.0
    words = set(_WORD_RE.findall(text.lower()))
    if not words:
        return 0.0
    return len(words & title_words) / len(words | title_words)


def _char_ratios(text: str) -> tuple[float, float]:
    digits = upper = letters = 0
    for ch in text:
        if ch.isdigit():
            digits += 1
        elif ch.isalpha():
            letters += 1
            if ch.isupper():
                upper += 1
    n = len(text) or 1
    return digits / n, (upper / letters if letters else 0.0)


def page_features(
    page: Page,
    title: str | None,
    token_weights: Mapping[str, float],
    near_weights: Mapping[str, float],
) -> FloatArray:
    """The feature matrix of a page: one row per block, columns in ``FEATURE_NAMES`` order."""
    blocks = page.blocks
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    elements = page.elements
    total_chars = max(page.total_chars, 1)
    total_links = elements[0].link_chars if elements else 0
    prose = _prose_chars(page)
    main = _main_container(page, prose)
    main_el = elements[main]
    main_share = main_el.chars / total_chars
    scores = token_scores(page, token_weights)
    near = _near_scores(page, near_weights)
    title_words = set(_WORD_RE.findall(title.lower())) if title else set()
    counts = Counter(b.text for b in blocks)
    link_d = [b.link_density for b in blocks]
    log_chars = [math.log1p(b.chars) for b in blocks]
    is_para = [1.0 if b.chars >= PARAGRAPH_MIN_CHARS and b.link_density < 0.5 else 0.0
               for b in blocks]
    page_log = math.log1p(total_chars)
    page_ld = total_links / total_chars
    rows = np.zeros((n, len(FEATURE_NAMES)))
    for i, block in enumerate(blocks):
        rows[i] = _block_row(
            page, block, i, n, total_chars, title_words, counts, scores, near, main, main_el.first_block,
            main_el.last_block, main_share, page_log, page_ld, link_d, log_chars, is_para, prose,
        )
    return rows


def _near_scores(page: Page, weights: Mapping[str, float]) -> list[float]:
    """Token score of the block element and its parent only (no decay beyond them)."""
    out = []
    for el in page.elements:
        own = sum(weights.get(t, 0.0) for t in el.tokens)
        out.append(own)
    return out


def _block_row(
    page: Page, block: Block, i: int, n: int, total_chars: int, title_words: set[str],
    counts: Counter[str], scores: list[float], near: list[float], main: int, main_first: int,
    main_last: int, main_share: float, page_log: float, page_ld: float, link_d: list[float],
    log_chars: list[float], is_para: list[float], prose: list[int],
) -> list[float]:
    text = block.text
    words = len(_WORD_RE.findall(text))
    digit_ratio, upper_ratio = _char_ratios(text)
    el = page.elements[block.element]
    parent = el.parent
    in_main = 1.0 if main_first <= i <= main_last and _inside(page, block.element, main) else 0.0
    if main_first <= i <= main_last:
        main_dist = 0.0
    else:
        main_dist = min(abs(i - main_first), abs(i - main_last)) / n
    lo, hi = max(0, i - NEIGHBOUR_WINDOW), min(n, i + NEIGHBOUR_WINDOW + 1)
    window = hi - lo
    sibling_share = 0.0
    if parent >= 0:
        pel = page.elements[parent]
        sibling_share = block.chars / pel.chars if pel.chars else 0.0
    same_run = 0.0
    if i > 0 and page.blocks[i - 1].tag == block.tag:
        same_run += 0.5
    if i + 1 < n and page.blocks[i + 1].tag == block.tag:
        same_run += 0.5
    near_score = near[block.element] + (near[parent] if parent >= 0 else 0.0)
    row = [
        log_chars[i], link_d[i], math.log1p(words),
        1.0 if text[-1:] in _END_PUNCT else 0.0,
        min(len(_SENTENCE_RE.findall(text)), 10) / 10,
        digit_ratio, upper_ratio,
        1.0 if _ELLIPSIS_RE.search(text) else 0.0,
        block.offset / total_chars, i / n,
        1.0 if link_d[i] > 0.9 else 0.0,
        _title_similarity(text, title_words),
        1.0 if counts[text] > 1 else 0.0,
        scores[block.element], near_score,
        in_main, main_dist,
        1.0 if i < main_first else 0.0, 1.0 if i > main_last else 0.0,
        main_share, page_log, page_ld,
        words / (text.count(",") + 1) / 50,
        float(block.heading_level),
        link_d[i - 1] if i > 0 else 1.0,
        link_d[i + 1] if i + 1 < n else 1.0,
        sum(link_d[lo:hi]) / window,
        log_chars[i - 1] if i > 0 else 0.0,
        log_chars[i + 1] if i + 1 < n else 0.0,
        sum(is_para[lo:hi]) / window,
        sibling_share, same_run,
    ]
    row += [1.0 if block.tag == t else 0.0 for t in _TAGS]
    flags = block.flags
    row += [1.0 if flags & bit else 0.0 for _, bit in _FLAG_BITS]
    row += _container_features(page, block.element, total_chars, prose)
    return row


def _inside(page: Page, element: int, container: int) -> bool:
    elements = page.elements
    while element >= 0:
        if element == container:
            return True
        element = elements[element].parent
    return False


def _container_features(page: Page, element: int, total_chars: int, prose: list[int]) -> list[float]:
    out: list[float] = []
    elements = page.elements
    index = element
    for _ in range(CONTAINER_LEVELS):
        if index < 0:
            out += [1.0, 0.0, 0.0, 0.0]
            continue
        el = elements[index]
        chars = el.chars or 1
        out += [
            el.chars / total_chars,
            el.link_chars / chars,
            math.log1p(el.n_paragraphs),
            prose[index] / chars,
        ]
        index = el.parent
    return out
