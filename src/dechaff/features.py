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
    starting_words,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

HEADLINE_SIMILARITY = 0.8
"""Word overlap with the page title above which a block is the headline itself."""
TEASER_HEAD_LINK_DENSITY = 0.6
"""A block mostly made of link text..."""
TEASER_HEAD_WORDS = 4
"""...with this many words reads as a linked headline (a teaser), not a menu entry."""
COMMENT_NAME_RE = re.compile(
    starting_words(("comment", "reply", "replies", "disqus", "respond"), "[a-z]")
)
"""Class/id names of comment sections and their parts (a word start: not after a letter)."""

MAIN_SHARE = 0.6
"""The main container is the deepest element holding this share of the page's prose."""
NEIGHBOUR_WINDOW = 3
"""Blocks on each side whose link density describes a block's neighbourhood."""
CONTAINER_LEVELS = 4
"""Ancestor levels (from the block's own element up) described by container features."""
TOKEN_DECAY = 0.8
"""Weight of a class/id token per level above the block: near ancestors say more."""
ALL_LINK_DENSITY = 0.9
"""Link density above which a block counts as all link (``all_link``)."""
SENTENCE_CAP = 10
"""Sentences counted up to this many: ``sentences`` is the share of the cap (more say no more)."""
COMMA_WORDS_SCALE = 50
"""Words per comma divided by this: a long comma-free run is near 1, a list of names near 0."""

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


_compiled_token_scores: Callable[..., None] | None = compiled("path_scores")
_compiled_own_scores: Callable[..., None] | None = compiled("own_scores")


def token_scores(page: Page, weights: Mapping[str, float]) -> FloatArray:
    """Per element: the decayed sum of its path's token weights (computed top-down, once).

    Only elements with some block below them are scored (no feature reads the others: 0.0).
    """
    table = page.table
    if _compiled_token_scores is not None and isinstance(weights, dict):
        out = np.zeros(len(table))
        arrays = table.arrays
        _compiled_token_scores(
            np.flatnonzero(arrays.n_blocks), arrays.name, table.tag, arrays.parent,
            table.name_tokens, weights, TOKEN_DECAY, out,
        )
        return out
    return reference_token_scores(page, weights)


def reference_token_scores(page: Page, weights: Mapping[str, float]) -> FloatArray:
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
    return floats(scores)


def _near_scores(page: Page, weights: Mapping[str, float], elements: IntArray) -> FloatArray:
    """Token score of each given element's own class/id tokens (no ancestors; -1: none)."""
    table = page.table
    if _compiled_own_scores is not None and isinstance(weights, dict):
        out = np.empty(len(elements))
        _compiled_own_scores(elements, table.arrays.name, table.name_tokens, weights, out)
        return out
    return reference_near_scores(page, weights, elements)


def reference_near_scores(
    page: Page, weights: Mapping[str, float], elements: IntArray
) -> FloatArray:
    """``_near_scores`` in Python alone (the reference for the compiled scores)."""
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


_NO_SIMPLE_LOWER = 0xFFFFFFFF
"""In ``_bmp_lower``: ``str.lower`` does not map the character to one character on its own."""


@lru_cache(maxsize=1)
def _bmp_lower() -> npt.NDArray[np.uint32]:
    """The lower case of every character below U+10000, as ``str.lower`` gives it, where that
    is one character whatever its neighbours (else ``_NO_SIMPLE_LOWER``; built once)."""
    table = np.empty(_BMP, dtype=np.uint32)
    for code in range(_BMP):
        lowered = chr(code).lower()
        table[code] = ord(lowered) if len(lowered) == 1 else _NO_SIMPLE_LOWER
    table[ord("Σ")] = _NO_SIMPLE_LOWER  # (final sigma: "σ" or "ς", as its neighbours say)
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


_compiled_counts: Callable[..., None] | None = compiled("block_text_counts")


def _text_counts(texts: list[str], lengths: IntArray, out: IntArray) -> None:
    """Per text (columns of ``out``): words, letters, digits, upper-case letters, sentence
    ends, commas, whether it ends in an end mark, whether it trails off (an ellipsis before
    trailing spaces) and whether another text is the same (rows)."""
    if _compiled_counts is not None:
        _compiled_counts(
            texts, _bmp_classes(), _char_class, _WORD_CHAR, _LETTER, _DIGIT, _UPPER, _SPACE,
            _SENTENCE_MARK, _END_MARK, out,
        )
    else:
        out[:] = reference_text_counts(texts, lengths)


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
    repeated = Counter(texts)
    return np.vstack([
        counts,
        end_mark[None, :],
        ints([text.rstrip().endswith(_ELLIPSES) for text in texts])[None, :],
        ints([repeated[text] > 1 for text in texts])[None, :],
    ])


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


_compiled_overlaps: Callable[..., None] | None = compiled("title_similarities")


def _title_similarities(page: Page, title_words: set[str]) -> FloatArray:
    """Per block: Jaccard overlap of its (lowercased) words with the title's."""
    if _compiled_overlaps is not None:
        out = np.empty(len(page.blocks))
        _compiled_overlaps(
            [b.text for b in page.blocks], list(title_words), _bmp_classes(), _bmp_lower(),
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


_BLOCK_ROWS = ("element", "chars", "links", "tag", "flags", "heading", "words", "letters",
               "digits", "upper", "sentences", "commas", "end_mark", "ellipsis", "duplicate")
"""Rows of ``_block_table``: the whole numbers of each block that its features come from."""
(
    _B_ELEMENT, _B_CHARS, _B_LINKS, _B_TAG, _B_FLAGS, _B_HEADING, _B_WORDS, _B_LETTERS,
    _B_DIGITS, _B_UPPER, _B_SENTENCES, _B_COMMAS, _B_END_MARK, _B_ELLIPSIS, _B_DUPLICATE,
) = range(len(_BLOCK_ROWS))
_VALUE_ROWS = ("log_chars", "log_words", "title_sim", "token_score", "near_score")
"""Rows of ``_block_values``: the other numbers of each block that its features come from."""
_V_LOG_CHARS, _V_LOG_WORDS, _V_TITLE_SIM, _V_TOKEN, _V_NEAR = range(len(_VALUE_ROWS))

_compiled_columns: Callable[..., None] | None = compiled("block_columns")


def page_features(
    page: Page,
    title: str | None,
    token_weights: Mapping[str, float],
    near_weights: Mapping[str, float],
) -> FloatArray:
    """The feature matrix of a page: one row per block, columns in ``FEATURE_NAMES`` order."""
    if not page.blocks:
        return np.zeros((0, len(FEATURE_NAMES)))
    title_words = set(_WORD_RE.findall(title.lower())) if title else set()
    block = _block_table(page)
    values = _block_values(page, block, title_words, token_weights, near_weights)
    return _block_columns(page, block, values)


def _block_columns(page: Page, block: IntArray, values: FloatArray) -> FloatArray:
    """The feature matrix from the per-block numbers and the element table (compiled: in C
    order; ``reference_block_columns`` otherwise)."""
    inside = page.inside_named(COMMENT_NAME_RE)
    arrays = page.table.arrays
    el_log_paras = np.log1p(arrays.n_paragraphs.astype(np.float64))
    page_log_chars = float(np.log1p(max(float(arrays.chars[0]), 1.0)))
    if _compiled_columns is None:
        return reference_block_columns(page, block, values, el_log_paras, inside, page_log_chars)
    out = np.empty((len(page.blocks), len(FEATURE_NAMES)))
    _compiled_columns(
        out, block, values, arrays.parent, arrays.end, arrays.chars, arrays.link_chars,
        arrays.first_block, arrays.last_block, el_log_paras, inside, _FLAG_VALUES,
        page_log_chars, len(_TAGS), _TAG_INDEX["h1"], PARAGRAPH_MIN_CHARS,
        PARAGRAPH_MAX_LINK_DENSITY, MAIN_SHARE, ALL_LINK_DENSITY, SENTENCE_CAP,
        COMMA_WORDS_SCALE, NEIGHBOUR_WINDOW, CONTAINER_LEVELS, HEADLINE_SIMILARITY,
        TEASER_HEAD_LINK_DENSITY, TEASER_HEAD_WORDS,
    )
    return out


def _block_table(page: Page) -> IntArray:
    """The whole numbers per block (rows: ``_BLOCK_ROWS``), the text counted once."""
    blocks = page.blocks
    out = np.empty((len(_BLOCK_ROWS), len(blocks)), dtype=np.int64)
    out[_B_ELEMENT] = page.block_element
    out[_B_CHARS] = page.block_chars
    out[_B_LINKS] = page.block_links
    texts = _block_codes(blocks, out[_B_TAG : _B_HEADING + 1])
    _text_counts(texts, page.block_chars, out[_B_WORDS:])
    page.word_counts = out[_B_WORDS].tolist()
    return out


_compiled_codes: Callable[..., list[str]] | None = compiled("block_codes")


def _block_codes(blocks: list[Block], out: IntArray) -> list[str]:
    """Per block (columns of ``out``): its tag's index in ``_TAGS`` (-1: another tag), its
    flags and its heading level (rows); returns the blocks' texts."""
    if _compiled_codes is not None:
        return _compiled_codes(blocks, _TAG_INDEX, _HEADING_LEVEL, out)
    out[:] = reference_block_codes(blocks)
    return [b.text for b in blocks]


def reference_block_codes(blocks: list[Block]) -> IntArray:
    """``_block_codes``' rows in Python alone (the reference for the compiled codes)."""
    n = len(blocks)
    tags = [b.tag for b in blocks]
    return np.vstack([
        np.fromiter(map(_TAG_INDEX.get, tags, repeat(-1)), np.int64, n),
        np.fromiter([b.flags for b in blocks], np.int64, n),
        np.fromiter(map(_HEADING_LEVEL.get, tags, repeat(0)), np.int64, n),
    ])


def _block_values(
    page: Page,
    block: IntArray,
    title_words: set[str],
    token_weights: Mapping[str, float],
    near_weights: Mapping[str, float],
) -> FloatArray:
    """The other numbers per block (rows: ``_VALUE_ROWS``)."""
    n = len(page.blocks)
    element = page.block_element
    out = np.empty((len(_VALUE_ROWS), n))
    out[_V_LOG_CHARS] = np.log1p(page.block_chars.astype(np.float64))
    out[_V_LOG_WORDS] = np.log1p(block[_B_WORDS].astype(np.float64))
    out[_V_TITLE_SIM] = _title_similarities(page, title_words) if title_words else 0.0
    out[_V_TOKEN] = token_scores(page, token_weights)[element]
    # The block's element's own tokens and its parent's (-1, no parent: 0.0).
    near = _near_scores(
        page, near_weights, np.concatenate((element, page.table.arrays.parent[element]))
    )
    out[_V_NEAR] = near[:n] + near[n:]
    return out


def reference_block_columns(
    page: Page,
    block: IntArray,
    values: FloatArray,
    el_log_paras: FloatArray,
    inside: list[bool],
    page_log_chars: float,
) -> FloatArray:
    """``page_features``' columns in numpy alone (the reference for the compiled columns), from
    the per-block numbers (``_block_table``, ``_block_values``), each element's log(1 +
    paragraphs) and whether it is in a comment-named container, and log(1 + page characters).

    (Built column by column: the result is a Fortran-ordered array.)
    """
    n = len(page.blocks)
    table = page.table
    el_chars = table.arrays.chars.astype(np.float64)
    el_links = table.arrays.link_chars.astype(np.float64)
    parent = table.arrays.parent
    element = block[_B_ELEMENT]
    chars = block[_B_CHARS].astype(np.float64)
    link_d = block[_B_LINKS] / np.maximum(chars, 1.0)
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
    letters = block[_B_LETTERS]
    log_chars = values[_V_LOG_CHARS]
    out = np.empty((len(FEATURE_NAMES), n))
    base = [
        log_chars, link_d, values[_V_LOG_WORDS], block[_B_END_MARK],
        np.minimum(block[_B_SENTENCES], SENTENCE_CAP) / SENTENCE_CAP,
        block[_B_DIGITS] / block[_B_CHARS],
        np.where(letters > 0, block[_B_UPPER] / np.maximum(letters, 1), 0.0),
        block[_B_ELLIPSIS], (np.cumsum(chars) - chars) / total_chars, idx / n,
        (link_d > ALL_LINK_DENSITY).astype(np.float64), values[_V_TITLE_SIM],
        block[_B_DUPLICATE], values[_V_TOKEN], values[_V_NEAR], in_main, main_dist,
        (idx < first).astype(np.float64), (idx > last).astype(np.float64),
        np.full(n, el_chars[main] / total_chars), np.full(n, page_log_chars),
        np.full(n, el_links[0] / total_chars),
        block[_B_WORDS] / (block[_B_COMMAS] + 1) / COMMA_WORDS_SCALE, block[_B_HEADING],
        _shift(link_d, 1, 1.0), _shift(link_d, -1, 1.0), _window_mean(link_d, NEIGHBOUR_WINDOW),
        _shift(log_chars, 1, 0.0), _shift(log_chars, -1, 0.0),
        _window_mean(is_para, NEIGHBOUR_WINDOW), _sibling_share(block, parent, el_chars),
        _same_tag_run(block[_B_TAG]),
    ]
    for row, column in enumerate(base):
        out[row] = column
    row = _N_BASE
    out[row : row + len(_TAGS)] = block[_B_TAG] == np.arange(len(_TAGS))[:, None]
    row += len(_TAGS)
    out[row : row + len(_FLAG_BITS)] = (block[_B_FLAGS] & _FLAG_VALUES[:, None]) > 0
    row += len(_FLAG_BITS)
    row_end = row + 4 * CONTAINER_LEVELS
    out[row:row_end] = _container_columns(
        element, parent, el_chars, el_links, el_log_paras, prose, total_chars
    )
    comment = floats([inside[e] for e in element.tolist()])
    out[row_end:] = _headline_columns(block, values[_V_TITLE_SIM], link_d, comment)
    features: FloatArray = out.T
    return features


def _sibling_share(block: IntArray, parent: IntArray, el_chars: FloatArray) -> FloatArray:
    """The block's share of its element's parent's characters (0: no parent, or it is empty)."""
    bparent = parent[block[_B_ELEMENT]]
    pchars = el_chars[np.maximum(bparent, 0)]
    chars = block[_B_CHARS].astype(np.float64)
    out: FloatArray = np.where(
        (bparent >= 0) & (pchars > 0), chars / np.maximum(pchars, 1.0), 0.0
    )
    return out


def _same_tag_run(tags: IntArray) -> FloatArray:
    """Half for each neighbour with the same tag."""
    n = len(tags)
    same_prev = np.zeros(n)
    same_prev[1:] = tags[1:] == tags[:-1]
    same_next = np.zeros(n)
    same_next[:-1] = tags[:-1] == tags[1:]
    out: FloatArray = (same_prev + same_next) / 2
    return out


def _headline_columns(
    block: IntArray, title_sim: FloatArray, link_d: FloatArray, comment: FloatArray
) -> FloatArray:
    """Where each block sits relative to the headline, and two structural hints: inside a
    comment-named container, and shaped like a linked teaser headline."""
    n = len(title_sim)
    idx = np.arange(n, dtype=np.float64)
    hits = np.flatnonzero(title_sim >= HEADLINE_SIMILARITY)
    if len(hits) == 0:
        hits = np.flatnonzero(block[_B_TAG] == _TAG_INDEX["h1"])
    has = len(hits) > 0
    at = float(hits[0]) if has else 0.0
    teaser = (
        (link_d >= TEASER_HEAD_LINK_DENSITY) & (block[_B_WORDS] >= TEASER_HEAD_WORDS)
    ).astype(np.float64)
    return np.vstack([
        (idx - at) / n if has else np.zeros(n),
        (idx > at).astype(np.float64) if has else np.zeros(n),
        np.full(n, 1.0 if has else 0.0),
        comment,
        teaser,
    ])


def _container_columns(
    element: IntArray, parent: IntArray, el_chars: FloatArray, el_links: FloatArray,
    el_log_paras: FloatArray, prose: FloatArray, total_chars: float,
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
    out[:, 2] = np.where(valid, el_log_paras[safe], 0.0)
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


_compiled_context: Callable[..., None] | None = compiled("context_columns")


def context_features(page: Page, p: FloatArray) -> FloatArray:
    """Second-pass features: each block's first-pass P(main) seen in its neighbourhood."""
    out = np.empty((len(page.blocks), len(CONTEXT_NAMES)))
    _context_into(page, p, out, 0)
    return out


def with_context(page: Page, features: FloatArray, p: FloatArray) -> FloatArray:
    """``features`` and then ``context_features(page, p)`` as further columns (C order)."""
    n, width = features.shape
    out = np.empty((n, width + len(CONTEXT_NAMES)))
    out[:, :width] = features
    _context_into(page, p, out, width)
    return out


def _context_into(page: Page, p: FloatArray, out: FloatArray, column: int) -> None:
    """Write the context features into ``out``'s columns from ``column`` on."""
    if not page.blocks:
        return
    if _compiled_context is None:
        out[:, column : column + len(CONTEXT_NAMES)] = reference_context_features(page, p)
        return
    arrays = page.table.arrays
    _compiled_context(
        out, column, np.ascontiguousarray(p, dtype=np.float64), page.block_chars,
        page.block_element, arrays.parent, arrays.first_block, arrays.last_block,
        np.argsort(-p), CONTEXT_WINDOWS, CONTEXT_LEVELS, CORE_SHARE,
    )


def reference_context_features(page: Page, p: FloatArray) -> FloatArray:
    """``context_features`` in numpy alone (the reference for the compiled columns)."""
    n = len(page.blocks)
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
