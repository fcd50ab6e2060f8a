"""Block features: the numbers a classifier (rules or a learned model) reads for each block.

One row per block, one named column per fact. The same function serves training
(``scripts/train_classifier.py``) and extraction, so the two can never drift apart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from itertools import repeat

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
    PARAGRAPH_MAX_LINK_DENSITY,
    PARAGRAPH_MIN_CHARS,
    Block,
    Page,
    compiled,
    floats,
    ints,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

HEADLINE_SIMILARITY = 0.8
"""Word overlap with the page title above which a block is the headline itself."""
TEASER_HEAD_LINK_DENSITY = 0.6
"""A block mostly made of link text..."""
TEASER_HEAD_WORDS = 4
"""...with this many words reads as a linked headline (a teaser), not a menu entry."""
COMMENT_NAME_RE = re.compile(r"(?<![a-z])(?:comment|repl(?:y|ies)|disqus|respond)")
"""Class/id names of comment sections and their parts (a word start: not after a letter)."""

MAIN_SHARE = 0.6
"""The main container is the deepest element holding this share of the page's prose."""
NEIGHBOUR_WINDOW = 3
"""Blocks on each side whose link density describes a block's neighbourhood."""
CONTAINER_LEVELS = 4
"""Ancestor levels (from the block's own element up) described by container features."""
TOKEN_DECAY = 0.8
"""Weight of a class/id token per level above the block: near ancestors say more."""

_END_PUNCT = frozenset(".!?。！？:;\"'”»)…؟।")
_WORD_RE = re.compile(r"\w+")

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
    names += ["title_dist", "after_title", "has_title", "comment_named", "teaser_head"]
    return tuple(names)


FEATURE_NAMES = _names()
_N_BASE = FEATURE_NAMES.index(f"tag_{_TAGS[0]}")
"""Columns before the one-hot tag columns."""
_FLAG_VALUES = np.array([bit for _, bit in _FLAG_BITS], dtype=np.int64)


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


_compiled_token_scores: Callable[..., list[float]] | None = compiled("token_scores")


def token_scores(page: Page, weights: Mapping[str, float]) -> list[float]:
    """Per element: the decayed sum of its path's token weights (computed top-down, once).

    Only elements with some block below them are scored (no feature reads the others: 0.0).
    """
    table = page.table
    if _compiled_token_scores is not None and isinstance(weights, dict):
        return _compiled_token_scores(
            np.flatnonzero(table.arrays.n_blocks).tolist(), table.name, table.tag,
            table.parent, table.name_tokens, weights, TOKEN_DECAY, len(table),
        )
    return reference_token_scores(page, weights)


def reference_token_scores(page: Page, weights: Mapping[str, float]) -> list[float]:
    """``token_scores`` in Python alone (the reference for the compiled scores)."""
    table = page.table
    names, tags, parents, tokens = table.name, table.tag, table.parent, table.name_tokens
    get = weights.get
    by_name: dict[int, float] = {}
    by_tag: dict[str, float] = {}
    scores = [0.0] * (len(table) + 1)  # (the last one stands for the root's parent, -1)
    for index in np.flatnonzero(table.arrays.n_blocks).tolist():
        name, tag = names[index], tags[index]
        name_score = by_name.get(name)
        if name_score is None:
            name_score = by_name[name] = sum(map(get, tokens[name], repeat(0.0)))
        tag_score = by_tag.get(tag)
        if tag_score is None:
            tag_score = by_tag[tag] = get(f"<{tag}>", 0.0)
        scores[index] = name_score + tag_score + TOKEN_DECAY * scores[parents[index]]
    del scores[-1]
    return scores


def _near_scores(page: Page, weights: Mapping[str, float], elements: IntArray) -> FloatArray:
    """Token score of each given element's own class/id tokens (no ancestors; -1: none)."""
    table = page.table
    names = [table.name[i] if i >= 0 else 0 for i in elements.tolist()]
    get = weights.get
    by_name = {
        k: sum(map(get, table.name_tokens[k], repeat(0.0))) if table.name_tokens[k] else 0.0
        for k in set(names)
    }
    return floats([by_name[k] for k in names])


def _main_container(page: Page, prose: FloatArray) -> int:
    """The deepest element that holds ``MAIN_SHARE`` of all prose characters."""
    total = prose[0] if len(prose) else 0.0
    if total <= 0:
        return 0
    candidates = np.flatnonzero(prose >= MAIN_SHARE * total)
    return int(candidates[np.argmax([page.table.depth[i] for i in candidates.tolist()])])


_DIGIT_RE = re.compile(r"\d")
_LETTER_RE = re.compile(r"[^\W\d_]")
_UPPER_RE = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩА-Я]")
_TAG_INDEX = {t: i for i, t in enumerate(_TAGS)}
_HEADING_LEVEL = {f"h{level}": level for level in range(1, 7)}
_ELLIPSES = ("…", "...")
"""A block ending in one of these (before trailing spaces) trails off."""

# Character classes, as bits: each is one regex character class, counted per block below.
# A sentence end is a mark followed by whitespace or the end of the text (``[.!?](?:\s|$)``).
_WORD_CHAR, _LETTER, _DIGIT, _UPPER, _SPACE, _SENTENCE_MARK, _END_MARK = (1 << i for i in range(7))
_CHAR_CLASSES = (
    (_WORD_CHAR, _WORD_RE.pattern[:-1]),
    (_LETTER, _LETTER_RE.pattern),
    (_DIGIT, _DIGIT_RE.pattern),
    (_UPPER, _UPPER_RE.pattern),
    (_SPACE, r"\s"),
    (_SENTENCE_MARK, "[.!?。！？؟]"),
    (_END_MARK, f"[{re.escape(''.join(sorted(_END_PUNCT)))}]"),
)
_BMP = 0x10000
_SEPARATOR = "\n"
"""Between block texts when they are scanned together: whitespace, so no word crosses it."""
_ASCII_WORD_BYTES = bytes(
    c if chr(c) == "_" or chr(c).isalnum() else ord(" ") for c in range(128)
) + b" " * 128
"""``bytes.translate`` table for ASCII text: ``\\w`` characters stay, all else is a space."""


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _char_class(char: str) -> int:
    return sum(bit for bit, pattern in _CHAR_CLASSES if re.match(pattern, char))


@lru_cache(maxsize=1)
def _bmp_classes() -> npt.NDArray[np.uint8]:
    """Class bits of every character below U+10000, from the regexes themselves (built once)."""
    chars = "".join(map(chr, range(_BMP)))
    table = np.zeros(_BMP, dtype=np.uint8)
    for bit, pattern in _CHAR_CLASSES:
        hit = _code_points(re.sub(pattern, "\0", chars)) == 0  # one character per match
        hit[0] = re.match(pattern, "\0") is not None
        table[hit] |= bit
    table.flags.writeable = False
    return table


def _classes(text: str) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint8]]:
    """The code points of ``text`` and their class bits."""
    points = _code_points(text)
    table = _bmp_classes()
    if not len(points) or points.max() < _BMP:
        return points, table[points]
    classes = table[np.minimum(points, _BMP - 1)]
    for i in np.flatnonzero(points >= _BMP).tolist():
        classes[i] = _char_class(text[i])
    return points, classes


def _segment_counts(marks: npt.NDArray[np.bool_], starts: IntArray) -> IntArray:
    """Per block (text from each start to the next): how many of ``marks`` (rows) are set."""
    out: IntArray = np.add.reduceat(marks, starts, axis=1, dtype=np.int64)
    return out


_compiled_counts: Callable[..., None] | None = compiled("text_counts")


def _text_counts(texts: list[str], lengths: IntArray) -> IntArray:
    """Per text: words, letters, digits, upper-case letters, sentence ends, commas, and
    whether it ends in an end mark (rows), counted over all texts at once."""
    if _compiled_counts is not None:
        out = np.empty((7, len(texts)), dtype=np.int64)
        _compiled_counts(
            texts, _bmp_classes(), _char_class, _WORD_CHAR, _LETTER, _DIGIT, _UPPER, _SPACE,
            _SENTENCE_MARK, _END_MARK, out,
        )
        return out
    return reference_text_counts(texts, lengths)


def reference_text_counts(texts: list[str], lengths: IntArray) -> IntArray:
    """``_text_counts`` in numpy alone (the reference for the compiled count)."""
    joined = _SEPARATOR.join(texts) + _SEPARATOR
    points, classes = _classes(joined)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    word = (classes & _WORD_CHAR) != 0
    sentence = np.zeros(len(classes), dtype=np.bool_)
    sentence[:-1] = ((classes[:-1] & _SENTENCE_MARK) != 0) & ((classes[1:] & _SPACE) != 0)
    marks = np.stack([
        word & ~np.concatenate(([False], word[:-1])),
        (classes & _LETTER) != 0,
        (classes & _DIGIT) != 0,
        (classes & _UPPER) != 0,
        sentence,
        points == ord(","),
    ])
    counts = _segment_counts(marks, starts)
    end_mark = ((classes[starts + lengths - 1] & _END_MARK) != 0).astype(np.int64)
    return np.vstack([counts, end_mark[None, :]])


def _text_columns(page: Page, title_words: set[str]) -> FloatArray:
    """Per-block facts that need the text itself, counted over all block texts at once.

    Rows: words, ends in punctuation, sentences, digit share, upper-case share of letters,
    trails off, title similarity, duplicate, words per comma.
    """
    texts = [b.text for b in page.blocks]
    lengths = page.block_chars
    words, letters, digits, upper, sentences, commas, end_mark = _text_counts(texts, lengths)
    page.word_counts = words.tolist()
    counts = Counter(texts)
    out = np.empty((9, len(texts)))
    out[0] = words
    out[1] = end_mark
    out[2] = np.minimum(sentences, 10) / 10
    out[3] = digits / lengths
    out[4] = np.where(letters > 0, upper / np.maximum(letters, 1), 0.0)
    out[5] = floats([1.0 if text.rstrip().endswith(_ELLIPSES) else 0.0 for text in texts])
    out[6] = _title_similarities(page, title_words) if title_words else 0.0
    out[7] = floats([1.0 if counts[text] > 1 else 0.0 for text in texts])
    out[8] = words / (commas + 1) / 50
    return out


def word_lists(texts: list[str]) -> list[list[str]]:
    """The words (``\\w+`` runs) of each text.

    ASCII text is split at C speed (everything but word characters blanked); other text goes
    through the regex.
    """
    blank, find = _ASCII_WORD_BYTES, _WORD_RE.findall
    return [
        text.encode("ascii").translate(blank).decode("ascii").split()
        if text.isascii()
        else find(text)
        for text in texts
    ]


def word_count(page: Page, block: Block) -> int:
    """``len(re.findall(r"\\w+", block.text))``, counted once per page by the features."""
    if page.word_counts is None:
        return len(_WORD_RE.findall(block.text))
    return page.word_counts[block.index]


def block_words(page: Page) -> list[list[str]]:
    """The words of each block's lowercased text (found once per page)."""
    if page.words is None:
        page.words = word_lists([b.text.lower() for b in page.blocks])
    return page.words


_compiled_overlaps: Callable[..., None] | None = compiled("title_overlaps")


def _title_similarities(page: Page, title_words: set[str]) -> FloatArray:
    """Per block: Jaccard overlap of its (lowercased) words with the title's."""
    if _compiled_overlaps is not None:
        out = np.empty(len(page.blocks))
        _compiled_overlaps(
            [b.text.lower() for b in page.blocks], list(title_words), _bmp_classes(),
            _char_class, _WORD_CHAR, out,
        )
    else:
        out = reference_title_similarities(page, title_words)
    page.title_similarity = (frozenset(title_words), out.tolist())
    return out


def reference_title_similarities(page: Page, title_words: set[str]) -> FloatArray:
    """``_title_similarities`` from the blocks' word lists (the reference for the compiled
    overlap, which compares words by hash)."""
    n_title = len(title_words)
    out = []
    for words in block_words(page):
        shared = len(title_words.intersection(words))
        out.append(shared / (len(set(words)) + n_title - shared) if shared else 0.0)
    return floats(out)


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
    """The feature matrix of a page: one row per block, columns in ``FEATURE_NAMES`` order.

    (Built column by column: the result is a Fortran-ordered array.)
    """
    blocks = page.blocks
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    table = page.table
    el_chars = table.arrays.chars.astype(np.float64)
    el_links = table.arrays.link_chars.astype(np.float64)
    parent = table.arrays.parent
    element = page.block_element
    chars = page.block_chars.astype(np.float64)
    links = page.block_links.astype(np.float64)
    offset = np.cumsum(chars) - chars
    tag_names = [b.tag for b in blocks]
    tags = ints([_TAG_INDEX.get(t, -1) for t in tag_names])
    flags = ints([b.flags for b in blocks])
    link_d = links / np.maximum(chars, 1.0)
    is_para = ((chars >= PARAGRAPH_MIN_CHARS) & (link_d < PARAGRAPH_MAX_LINK_DENSITY)).astype(
        np.float64
    )
    prose = page.subtree_sum(chars * is_para)
    total_chars = max(el_chars[0], 1.0)
    main = _main_container(page, prose)
    first, last = table.first_block[main], table.last_block[main]
    idx = np.arange(n, dtype=np.float64)
    in_main = ((idx >= first) & (idx <= last)).astype(np.float64)
    main_dist = np.where(in_main > 0, 0.0, np.minimum(abs(idx - first), abs(idx - last)) / n)
    scores = np.asarray(token_scores(page, token_weights))
    bparent = parent[element]
    near = _near_scores(page, near_weights, np.concatenate((element, bparent)))
    near_score = near[:n] + np.where(bparent >= 0, near[n:], 0.0)
    log_chars = np.log1p(chars)
    title_words = set(_WORD_RE.findall(title.lower())) if title else set()
    tc = _text_columns(page, title_words)
    pchars = el_chars[np.maximum(bparent, 0)]
    sibling_share = np.where((bparent >= 0) & (pchars > 0), chars / np.maximum(pchars, 1.0), 0.0)
    same_prev = np.zeros(n)
    same_prev[1:] = tags[1:] == tags[:-1]
    same_next = np.zeros(n)
    same_next[:-1] = tags[:-1] == tags[1:]
    out = np.empty((len(FEATURE_NAMES), n))
    base = [
        log_chars, link_d, np.log1p(tc[0]), tc[1], tc[2], tc[3], tc[4], tc[5],
        offset / total_chars, idx / n, (link_d > 0.9).astype(np.float64), tc[6], tc[7],
        scores[element], near_score, in_main, main_dist,
        (idx < first).astype(np.float64), (idx > last).astype(np.float64),
        np.full(n, el_chars[main] / total_chars), np.full(n, np.log1p(total_chars)),
        np.full(n, el_links[0] / total_chars), tc[8],
        floats([_HEADING_LEVEL.get(t, 0) for t in tag_names]),
        _shift(link_d, 1, 1.0), _shift(link_d, -1, 1.0), _window_mean(link_d, NEIGHBOUR_WINDOW),
        _shift(log_chars, 1, 0.0), _shift(log_chars, -1, 0.0),
        _window_mean(is_para, NEIGHBOUR_WINDOW), sibling_share, (same_prev + same_next) / 2,
    ]
    for row, column in enumerate(base):
        out[row] = column
    row = _N_BASE
    out[row : row + len(_TAGS)] = tags == np.arange(len(_TAGS))[:, None]
    row += len(_TAGS)
    out[row : row + len(_FLAG_BITS)] = (flags & _FLAG_VALUES[:, None]) > 0
    row += len(_FLAG_BITS)
    row_end = row + 4 * CONTAINER_LEVELS
    out[row:row_end] = _container_columns(
        element, parent, el_chars, el_links, table.arrays.n_paragraphs.astype(np.float64), prose,
        total_chars,
    )
    out[row_end:] = _headline_columns(page, tag_names, tc[6], tc[0], link_d)
    features: FloatArray = out.T
    return features


def _headline_columns(
    page: Page, tags: list[str], title_sim: FloatArray, words: FloatArray, link_d: FloatArray
) -> FloatArray:
    """Where each block sits relative to the headline, and two structural hints: inside a
    comment-named container, and shaped like a linked teaser headline."""
    n = len(tags)
    idx = np.arange(n, dtype=np.float64)
    hits = np.flatnonzero(title_sim >= HEADLINE_SIMILARITY)
    if len(hits) == 0:
        hits = np.array([i for i, t in enumerate(tags) if t == "h1"], dtype=np.int64)
    has = len(hits) > 0
    at = float(hits[0]) if has else 0.0
    inside = page.inside_named(COMMENT_NAME_RE)
    comment = floats([inside[e] for e in page.block_element.tolist()])
    teaser = ((link_d >= TEASER_HEAD_LINK_DENSITY) & (words >= TEASER_HEAD_WORDS)).astype(
        np.float64
    )
    return np.vstack([
        (idx - at) / n if has else np.zeros(n),
        (idx > at).astype(np.float64) if has else np.zeros(n),
        np.full(n, 1.0 if has else 0.0),
        comment,
        teaser,
    ])


def _container_columns(
    element: IntArray, parent: IntArray, el_chars: FloatArray, el_links: FloatArray,
    el_paras: FloatArray, prose: FloatArray, total_chars: float,
) -> FloatArray:
    """Rows ``c{level}_share, c{level}_link, c{level}_paras, c{level}_para_share`` per level."""
    levels = np.empty((CONTAINER_LEVELS, len(element)), dtype=np.int64)
    levels[0] = element
    for level in range(1, CONTAINER_LEVELS):
        above = levels[level - 1]
        levels[level] = np.where(above >= 0, parent[np.maximum(above, 0)], -1)
    valid = levels >= 0
    safe = np.maximum(levels, 0)
    chars = np.maximum(el_chars[safe], 1.0)
    out = np.empty((CONTAINER_LEVELS, 4, len(element)))
    out[:, 0] = np.where(valid, el_chars[safe] / total_chars, 1.0)
    out[:, 1] = np.where(valid, el_links[safe] / chars, 0.0)
    out[:, 2] = np.where(valid, np.log1p(el_paras[safe]), 0.0)
    out[:, 3] = np.where(valid, prose[safe] / chars, 0.0)
    return out.reshape(4 * CONTAINER_LEVELS, len(element))


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
    table = page.table
    chars = page.block_chars.astype(np.float64)
    element = page.block_element
    parent = table.arrays.parent
    first = table.arrays.first_block
    last = table.arrays.last_block
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
    cf, cl = int(first[core]), int(last[core])
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
    return int(candidates[np.argmax([page.table.depth[i] for i in candidates.tolist()])])
