"""Block features: the numbers a classifier (rules or a learned model) reads for each block.

One row per block, one named column per fact. The same function serves training
(``scripts/train_classifier.py``) and extraction, so the two can never drift apart.
"""

from __future__ import annotations

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
IntArray = npt.NDArray[np.int64]

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


def _main_container(page: Page, prose: FloatArray) -> int:
    """The deepest element that holds ``MAIN_SHARE`` of all prose characters."""
    total = prose[0] if len(prose) else 0.0
    if total <= 0:
        return 0
    depths = np.fromiter((el.depth for el in page.elements), dtype=np.int64,
                         count=len(page.elements))
    candidates = np.flatnonzero(prose >= MAIN_SHARE * total)
    return int(candidates[np.argmax(depths[candidates])])


def _title_similarity(text: str, title_words: set[str]) -> float:
    if not title_words:
        return 0.0
    words = set(_WORD_RE.findall(text.lower()))
    if not words:
        return 0.0
    return len(words & title_words) / len(words | title_words)


_DIGIT_RE = re.compile(r"\d")
_LETTER_RE = re.compile(r"[^\W\d_]")
_UPPER_RE = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩА-Я]")
_TAG_INDEX = {t: i for i, t in enumerate(_TAGS)}


def _text_columns(blocks: list[Block], title_words: set[str]) -> FloatArray:
    """Per-block facts that need the text itself (regex counts run in C)."""
    counts = Counter(b.text for b in blocks)
    out = np.zeros((len(blocks), 9))
    for i, b in enumerate(blocks):
        text = b.text
        words = len(_WORD_RE.findall(text))
        letters = len(_LETTER_RE.findall(text))
        out[i] = (
            words,
            1.0 if text[-1:] in _END_PUNCT else 0.0,
            min(len(_SENTENCE_RE.findall(text)), 10) / 10,
            len(_DIGIT_RE.findall(text)) / b.chars,
            len(_UPPER_RE.findall(text)) / letters if letters else 0.0,
            1.0 if _ELLIPSIS_RE.search(text) else 0.0,
            _title_similarity(text, title_words) if title_words else 0.0,
            1.0 if counts[text] > 1 else 0.0,
            words / (text.count(",") + 1) / 50,
        )
    return out


def _shift(a: FloatArray, k: int, fill: float) -> FloatArray:
    """``a`` moved ``k`` places (positive: value of the previous block)."""
    out = np.full_like(a, fill)
    if k > 0:
        out[k:] = a[:-k]
    else:
        out[:k] = a[-k:]
    return out


def _window_mean(a: FloatArray, half: int) -> FloatArray:
    padded = np.concatenate(([0.0], np.cumsum(a)))
    n = len(a)
    idx = np.arange(n)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, n)
    out: FloatArray = (padded[hi] - padded[lo]) / (hi - lo)
    return out


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
    els = page.elements
    m = len(els)
    # Element table as arrays.
    el_chars = np.fromiter((e.chars for e in els), dtype=np.float64, count=m)
    el_links = np.fromiter((e.link_chars for e in els), dtype=np.float64, count=m)
    el_paras = np.fromiter((e.n_paragraphs for e in els), dtype=np.float64, count=m)
    parent = np.fromiter((e.parent for e in els), dtype=np.int64, count=m)
    # Block columns.
    chars = np.fromiter((b.chars for b in blocks), dtype=np.float64, count=n)
    links = np.fromiter((b.link_chars for b in blocks), dtype=np.float64, count=n)
    offset = np.fromiter((b.offset for b in blocks), dtype=np.float64, count=n)
    element = np.fromiter((b.element for b in blocks), dtype=np.int64, count=n)
    flags = np.fromiter((b.flags for b in blocks), dtype=np.int64, count=n)
    tags = np.fromiter((_TAG_INDEX.get(b.tag, -1) for b in blocks), dtype=np.int64, count=n)
    level = np.fromiter((b.heading_level for b in blocks), dtype=np.float64, count=n)
    link_d = links / np.maximum(chars, 1.0)
    is_para = ((chars >= PARAGRAPH_MIN_CHARS) & (link_d < 0.5)).astype(np.float64)
    prose = np.zeros(m)
    np.add.at(prose, element, chars * is_para)
    for index in range(m - 1, 0, -1):  # children come after parents: push totals upwards
        prose[parent[index]] += prose[index]
    total_chars = max(el_chars[0], 1.0)
    main = _main_container(page, prose)
    first, last = els[main].first_block, els[main].last_block
    idx = np.arange(n, dtype=np.float64)
    in_main = ((idx >= first) & (idx <= last)).astype(np.float64)
    main_dist = np.where(in_main > 0, 0.0, np.minimum(abs(idx - first), abs(idx - last)) / n)
    scores = np.asarray(token_scores(page, token_weights))
    near = np.asarray(_near_scores(page, near_weights))
    bparent = parent[element]
    near_score = near[element] + np.where(bparent >= 0, near[np.maximum(bparent, 0)], 0.0)
    log_chars = np.log1p(chars)
    title_words = set(_WORD_RE.findall(title.lower())) if title else set()
    tc = _text_columns(blocks, title_words)
    pchars = el_chars[np.maximum(bparent, 0)]
    sibling_share = np.where((bparent >= 0) & (pchars > 0), chars / np.maximum(pchars, 1.0), 0.0)
    same_prev = np.zeros(n)
    same_prev[1:] = tags[1:] == tags[:-1]
    same_next = np.zeros(n)
    same_next[:-1] = tags[:-1] == tags[1:]
    cols: list[FloatArray] = [
        log_chars, link_d, np.log1p(tc[:, 0]), tc[:, 1], tc[:, 2], tc[:, 3], tc[:, 4], tc[:, 5],
        offset / total_chars, idx / n, (link_d > 0.9).astype(np.float64), tc[:, 6], tc[:, 7],
        scores[element], near_score, in_main, main_dist,
        (idx < first).astype(np.float64), (idx > last).astype(np.float64),
        np.full(n, el_chars[main] / total_chars), np.full(n, np.log1p(total_chars)),
        np.full(n, el_links[0] / total_chars), tc[:, 8], level,
        _shift(link_d, 1, 1.0), _shift(link_d, -1, 1.0), _window_mean(link_d, NEIGHBOUR_WINDOW),
        _shift(log_chars, 1, 0.0), _shift(log_chars, -1, 0.0),
        _window_mean(is_para, NEIGHBOUR_WINDOW), sibling_share, (same_prev + same_next) / 2,
    ]
    cols += [(tags == t).astype(np.float64) for t in range(len(_TAGS))]
    cols += [((flags & bit) > 0).astype(np.float64) for _, bit in _FLAG_BITS]
    cols += _container_columns(element, parent, el_chars, el_links, el_paras, prose, total_chars)
    return np.column_stack(cols)


def _near_scores(page: Page, weights: Mapping[str, float]) -> list[float]:
    """Token score of one element's own class/id tokens (no ancestors)."""
    return [sum(weights.get(t, 0.0) for t in el.tokens) if el.tokens else 0.0
            for el in page.elements]


def _container_columns(
    element: IntArray, parent: IntArray, el_chars: FloatArray, el_links: FloatArray,
    el_paras: FloatArray, prose: FloatArray, total_chars: float,
) -> list[FloatArray]:
    out: list[FloatArray] = []
    index = element
    for _ in range(CONTAINER_LEVELS):
        valid = index >= 0
        safe = np.maximum(index, 0)
        chars = np.maximum(el_chars[safe], 1.0)
        out += [
            np.where(valid, el_chars[safe] / total_chars, 1.0),
            np.where(valid, el_links[safe] / chars, 0.0),
            np.where(valid, np.log1p(el_paras[safe]), 0.0),
            np.where(valid, prose[safe] / chars, 0.0),
        ]
        index = np.where(valid, parent[safe], -1)
    return out


CONTEXT_WINDOWS = (1, 3, 8)
"""Half-widths of the windows over which first-pass P(main) is averaged (near, local, section)."""
CONTEXT_LEVELS = 3
"""Ancestor levels whose char-weighted mean P(main) describes a block's container."""
CORE_SHARE = 0.8
"""The core container is the deepest element holding this share of the probable main text."""


def _names_context() -> tuple[str, ...]:
    names = ["p", "p_prev", "p_next"]
    names += [f"p_win{w}" for w in CONTEXT_WINDOWS]
    names += [f"p_c{k}" for k in range(CONTEXT_LEVELS)]
    names += [f"p_c{k}_share" for k in range(CONTEXT_LEVELS)]
    names += ["in_core", "core_dist", "p_rank"]
    return tuple(names)


CONTEXT_NAMES = _names_context()


def context_features(page: Page, p: FloatArray) -> FloatArray:
    """Second-pass features: each block's first-pass P(main) seen in its neighbourhood."""
    blocks = page.blocks
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(CONTEXT_NAMES)))
    els = page.elements
    m = len(els)
    chars = np.fromiter((b.chars for b in blocks), dtype=np.float64, count=n)
    element = np.fromiter((b.element for b in blocks), dtype=np.int64, count=n)
    parent = np.fromiter((e.parent for e in els), dtype=np.int64, count=m)
    first = np.fromiter((e.first_block for e in els), dtype=np.int64, count=m)
    last = np.fromiter((e.last_block for e in els), dtype=np.int64, count=m)
    weighted = p * chars
    cum_w = np.concatenate(([0.0], np.cumsum(weighted)))
    cum_c = np.concatenate(([0.0], np.cumsum(chars)))
    total_w = max(cum_w[-1], 1e-9)
    cols: list[FloatArray] = [p, _shift(p, 1, 0.0), _shift(p, -1, 0.0)]
    cols += [_window_mean(p, w) for w in CONTEXT_WINDOWS]
    index = element
    shares = []
    for _ in range(CONTEXT_LEVELS):
        safe = np.maximum(index, 0)
        lo, hi = np.maximum(first[safe], 0), last[safe] + 1
        w_sum = cum_w[hi] - cum_w[lo]
        c_sum = np.maximum(cum_c[hi] - cum_c[lo], 1.0)
        cols.append(np.where(index >= 0, w_sum / c_sum, 0.0))
        shares.append(np.where(index >= 0, w_sum / total_w, 1.0))
        index = np.where(index >= 0, parent[safe], -1)
    cols += shares
    core = _core_container(page, cum_w, first, last, total_w)
    idx = np.arange(n, dtype=np.float64)
    cf, cl = els[core].first_block, els[core].last_block
    in_core = ((idx >= cf) & (idx <= cl)).astype(np.float64)
    core_dist = np.where(in_core > 0, 0.0, np.minimum(abs(idx - cf), abs(idx - cl)) / n)
    rank = np.argsort(np.argsort(-p)).astype(np.float64) / n
    cols += [in_core, core_dist, rank]
    return np.column_stack(cols)


def _core_container(
    page: Page, cum_w: FloatArray, first: IntArray, last: IntArray, total_w: float
) -> int:
    """Deepest element whose blocks hold ``CORE_SHARE`` of the char-weighted P(main)."""
    valid = first >= 0
    lo = np.maximum(first, 0)
    hi = np.where(valid, last + 1, 0)
    held = np.where(valid, cum_w[hi] - cum_w[lo], 0.0)
    candidates = np.flatnonzero(held >= CORE_SHARE * total_w)
    if len(candidates) == 0:
        return 0
    depths = np.fromiter((page.elements[i].depth for i in candidates), dtype=np.int64,
                         count=len(candidates))
    return int(candidates[np.argmax(depths)])
