"""Line features: the facts a line classifier (rules or a learned model) reads for each line.

The text-side counterpart of ``features``: one :class:`LineFeatures` per
:class:`~dechaff.lines.Line`, every fact structural and language-neutral where possible (length,
ending, truncation, case and digit shares, repetition inside the document, overlap with the
headline, position, the stretch of the document dense in prose). :func:`line_matrix` lays them
out as one row per line and one named column per fact (:data:`LINE_FEATURE_NAMES`), with the
neighbours' and the document's facts beside each line's own, for a learned model. Everything is
linear in the length of the text: one pass, one hash table, one best-run scan.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import accumulate, pairwise
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from dechaff.lines import Line, compiled_line

FloatArray = npt.NDArray[np.float64]

CJK_CHARS_PER_WORD = 2
"""Chinese/Japanese/Korean text has no spaces: about two characters make one word."""
SPACED_CHARS_PER_WORD = 12
"""Lines with a space every dozen characters or more often are spaced scripts: no CJK count."""
LONG_LINE_CHARS = 400
"""A line this long is a paragraph: its key keeps punctuation (exact repeats only) and it is
not compared with the headline, which saves the per-token work."""
PROSE_MIN_WORDS = 8
"""A line ending like a sentence with this many words is prose (one real sentence)."""
LONG_LINE_WORDS = 25
"""A line this long is prose even without a sentence ending (cut paragraphs, no punctuation)."""
SHORT_LINE_WORDS = 4
"""Menu entries, labels and tags have at most this many words."""
CUE_MAX_WORDS = 15
"""Byline and date cues, character shares, capitals and separators only decide about short
lines (a paragraph may quote a date); longer ones skip those per-character counts."""
SHORT_COST = 3.0
"""Body-region score of a line that is not prose: three short lines cost about a word of prose."""
NAMED_COST = 6.0
"""Body-region score of a line a rule already named as chaff: twice a short line's."""
REGION_MIN_WORDS = 40
"""A body region needs this many prose words; below, there is no article to cut around."""
SECONDARY_REGION_SHARE = 0.3
"""Another dense stretch at least this large relative to the best one is body too."""
DENSITY_WINDOW = 3
"""Lines on each side over which the local share of prose is taken."""
MAX_INDENT = 16
"""Indentation beyond this many columns says nothing more (deep nesting is rare)."""
MAX_SEPARATORS = 5
"""Five separators already make a breadcrumb or a menu strip."""

_TERMINALS = frozenset(".!?。！？؟।॥።;…")
"""Characters that end a sentence in the scripts we meet."""
_CLOSERS = "\"'”’»›)]}」』）】"
"""Closing quotes and brackets that may follow a sentence's final punctuation."""
_ELLIPSES = ("…", "...", "[…]", "[...]", "(…)", "(...)")
_SEPARATOR_RE = re.compile(r"[|»›]| [>/·•–] ")
"""Separators of breadcrumbs, menus and byline/date strips."""
_CJK_RE = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_WORD_RE = re.compile(r"\w+")

# Secondary cues (a few languages; structure decides first).
_BYLINE_RE = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|przez|od|от|автор|bởi|oleh|written by|posted by"
    r"|author|autor|auteur|autore|redakcja|text|texto|texte|testo)\b[\s:]",
    re.IGNORECASE,
)
BYLINE_CUE_MIN_CHARS = 2
"""The shortest cue word of ``_BYLINE_RE`` ("by", "di"): a space or colon comes after it..."""
BYLINE_CUE_MAX_CHARS = 10
"""...or after the longest ("written by"), so a line with none in between is not tried."""
_BYLINE_OPENERS = "ABDOPRTVWabdoprtvwАОаоᲂ"
"""The characters a match of ``_BYLINE_RE`` may start with (its cue words' first letters and
their case-insensitive equivalents, as ``re`` has them; checked by the tests)."""
_CREDIT_WORDS = (
    "photo", "foto", "image", "imagen", "immagine", "bild", "picture", "pic", "credit", "crédit",
    "crédito", "фото", "getty", "afp", "reuters", "epa", "shutterstock", "istock", "dpa",
    "xinhua", "anadolu", "ap",
)
_CREDIT_FIRSTS = "ABCDEFGIPRSXabcdefgiprsxİıſФф"
"""The characters a credit word may start with (any case, as ``re`` matches them)..."""
_CREDIT_LASTS = "ACDEKNOPSTUYacdeknopstuyſОоᲂ\u212a"
"""...and end with (both checked by the tests)."""
_CREDIT_LENGTHS = tuple(sorted({len(word) for word in _CREDIT_WORDS}))
"""The credit words' lengths (a case-insensitive match is as long as the word)."""
_CREDIT_RE = re.compile(
    rf"\b(?:{'|'.join(_CREDIT_WORDS)})\b\s*[:/|)]"
    rf"|/\s*(?:{'|'.join(_CREDIT_WORDS)})\b|\(photo\b|\bgetty images\b",
    re.IGNORECASE,
)
"""A photo credit: ``Photo:``, ``AFP)``, ``/ Reuters``, ``(photo``, ``Getty Images``."""
_CREDIT_OPENING_RE = re.compile(
    rf"/\s*(?:{'|'.join(_CREDIT_WORDS)})\b|\(photo\b|\bgetty images\b", re.IGNORECASE
)
_CREDIT_CLOSED_REVERSED_RE = re.compile(
    rf"[:/|)]\s*\b(?:{'|'.join(word[::-1] for word in _CREDIT_WORDS)})\b", re.IGNORECASE
)
"""``_CREDIT_RE`` found = ``_CREDIT_OPENING_RE`` found in a text or this in the text reversed
(the first alternative read backwards: it starts with a delimiter, which the regex engine finds
fast, instead of a word boundary and twenty-odd words tried at every position)."""
_DATE_RE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b(?:19|20)\d{2}\b|\b\d{1,2}:\d{2}\b")


class LineFeatures(NamedTuple):
    """What the classifier knows about one line (and its place in the document)."""

    line: Line
    words: int
    """Whitespace-separated words (CJK characters counted as half a word each)."""
    chars: int
    terminal: bool
    """Ends like a sentence: ``. ! ? 。 ؟ …`` (closing quotes and brackets skipped)."""
    ellipsis: bool
    """Ends with an ellipsis: ``…``, ``...``, ``[…]``."""
    cut_word: bool
    """The ellipsis is glued to a letter: the text was cut in the middle of a word."""
    colon: bool
    """Ends with a colon: a label or a lead-in to what follows."""
    digit_share: float
    """Digits among the non-space characters."""
    letter_share: float
    """Letters among the non-space characters."""
    upper_share: float
    """Upper-case letters among the letters (0 for scripts without case)."""
    capital_words: float
    """Words that start with a capital letter, among the words that start with a letter."""
    separators: int
    """Breadcrumb/menu separators (``|``, ``»``, `` > ``, `` · ``...) in the line."""
    key: str
    """The line's ``\\w`` tokens, case-folded, joined by spaces: equal keys are repeats (over
    :data:`LONG_LINE_CHARS`: the case-folded text, its whitespace runs made single spaces)."""
    repeats: int
    """Lines in the document with the same (non-empty) key, this one included."""
    first: int
    """Index of the first line with the same key (``line.number`` when this is the first)."""
    title_overlap: float
    """Share of this line's tokens that are tokens of the headline (0 without a headline)."""
    title_cover: float
    """Share of the headline's tokens found in this line (0 without a headline)."""
    position: float
    """Characters of text before this line, as a share of all the document's line characters."""
    dated: bool
    """A short line holding a date or a time."""
    byline_cue: bool
    """A short line opening like a byline (``By``, ``Von``, ``Par``, ``Por``...)."""
    credit_cue: bool
    """A line opening or closing with a photo credit (``Photo:``, ``/AFP``, ``Getty Images``)."""

    @property
    def prose(self) -> bool:
        """Reads as running text: a sentence of some length, or a long line."""
        return self.words >= LONG_LINE_WORDS or (self.words >= PROSE_MIN_WORDS and self.terminal)

    @property
    def short(self) -> bool:
        return self.words <= SHORT_LINE_WORDS

    @property
    def tokens(self) -> list[str]:
        """The key's tokens (none for a line over :data:`LONG_LINE_CHARS`)."""
        return key_tokens(self.key, self.chars)


def key_tokens(key: str, chars: int) -> list[str]:
    """The tokens of a line's ``key`` (a line of ``chars`` characters): ``key.split()``, as no
    ``\\w`` character is a space; none for a line over :data:`LONG_LINE_CHARS`, whose key
    keeps punctuation. Made only when read (most lines are never compared token by token)."""
    return key.split() if chars <= LONG_LINE_CHARS else []


def _ending(text: str) -> tuple[bool, bool, bool]:
    """(terminal, ellipsis, cut_word) for a stripped line."""
    if text.endswith(_ELLIPSES):
        core = text.rstrip(".…[]() ")
        cut = bool(core) and core[-1].isalpha() and not text.endswith((" …", " ..."))
        return True, True, cut
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINALS, False, False


def _shares(text: str) -> tuple[float, float, float]:
    """(digit share, letter share, upper share of letters)."""
    total = len(text) - text.count(" ")
    if total <= 0:
        return 0.0, 0.0, 0.0
    letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text)) if letters else 0
    digits = sum(map(str.isdigit, text))
    return digits / total, letters / total, upper / letters if letters else 0.0


def _capital_words(parts: Sequence[str]) -> float:
    initials = "".join([part[0] for part in parts])
    alpha = sum(map(str.isalpha, initials))
    return sum(map(str.isupper, initials)) / alpha if alpha else 0.0


def _word_count(text: str, parts: Sequence[str]) -> int:
    """Words, plus half the CJK characters of a line with few spaces for its length."""
    if len(parts) * SPACED_CHARS_PER_WORD >= len(text) or text.isascii():
        return len(parts)
    cjk = len(_CJK_RE.findall(text))
    return len(parts) + cjk // CJK_CHARS_PER_WORD if cjk else len(parts)


def _credit(text: str) -> bool:
    """A photo credit at either end of the line (every credit form has ``:/(|`` or Getty)."""
    ends = text[:CREDIT_HEAD_CHARS] + " … " + text[-CREDIT_TAIL_CHARS:]
    if not (":" in ends or "/" in ends or "(" in ends or "|" in ends or "etty" in ends):
        return False
    return (
        _CREDIT_OPENING_RE.search(ends) is not None
        or _CREDIT_CLOSED_REVERSED_RE.search(ends[::-1]) is not None
    )


def normalise(text: str) -> str:
    """The key under which two lines count as the same: case-folded ``\\w`` tokens."""
    return " ".join(_WORD_RE.findall(text.casefold()))


def _overlap(tokens: Sequence[str], title: frozenset[str]) -> tuple[float, float]:
    if not tokens or not title:
        return 0.0, 0.0
    shared = set(tokens) & title
    inside = sum(token in title for token in tokens) / len(tokens)
    return inside, len(shared) / len(title)


def _key_and_words(text: str) -> tuple[str, list[str], int]:
    """(key, whitespace parts, word count); a long line takes cheap approximations (no parts:
    no capitals counted)."""
    if len(text) > LONG_LINE_CHARS:
        key = " ".join(text.casefold().split())
        return key, [], _word_count(text, key.split())
    parts = text.split()
    return normalise(text), parts, _word_count(text, parts)


def _separators(text: str) -> int:
    return len(_SEPARATOR_RE.findall(text))


LineColumns = tuple[
    list[int], list[int], list[bool], list[bool], list[bool], list[bool], list[float],
    list[float], list[float], list[float], list[int], list[str],
]
"""The facts of each line that need only its own text, one list per field of
:class:`LineFeatures` from ``words`` to ``key`` (in that order)."""


def reference_line_columns(texts: Sequence[str]) -> LineColumns:
    """The line-local facts of ``texts`` as columns (the reference for the compiled pass)."""
    columns: LineColumns = ([], [], [], [], [], [], [], [], [], [], [], [])
    for text in texts:
        key, parts, words = _key_and_words(text)
        terminal, ellipsis, cut = _ending(text)
        cue = words <= CUE_MAX_WORDS
        digits, letters, upper = _shares(text) if cue else (0.0, 1.0, 0.0)
        row = (
            words, len(text), terminal, ellipsis, cut, text.endswith(":"), digits, letters,
            upper, _capital_words(parts) if cue else 0.0, _separators(text) if cue else 0, key,
        )
        for column, value in zip(columns, row, strict=True):
            column.append(value)  # type: ignore[attr-defined]
    return columns


_compiled_columns: Callable[..., LineColumns] | None = compiled_line("key_columns")


def line_columns(texts: Sequence[str]) -> LineColumns:
    """:func:`reference_line_columns`, compiled when the extension is there."""
    if _compiled_columns is None:
        return reference_line_columns(texts)
    return _compiled_columns(
        list(texts), LONG_LINE_CHARS, SPACED_CHARS_PER_WORD, CJK_CHARS_PER_WORD, CUE_MAX_WORDS
    )


def reference_repeat_columns(
    keys: Sequence[str], numbers: Sequence[int], chars: Sequence[int]
) -> tuple[list[int], list[int], list[float]]:
    """(repeats, first line with the same key, position) per line (the reference for the
    compiled pass)."""
    counts = Counter(keys)
    first = dict(zip(reversed(keys), reversed(numbers), strict=True))  # the earliest wins
    repeats = [counts[key] if key else 1 for key in keys]
    firsts = [first[key] if key else number for key, number in zip(keys, numbers, strict=True)]
    total = sum(chars) or 1
    positions = [before / total for before in accumulate(chars[:-1], initial=0)] if chars else []
    return repeats, firsts, positions


def reference_cue_columns(
    texts: Sequence[str], words: Sequence[int], digits: Sequence[float]
) -> tuple[list[bool], list[bool], list[bool]]:
    """(dated, byline cue, credit cue) per line (the reference for the compiled pass)."""
    dated = [
        share > 0 and _DATE_RE.search(text) is not None
        for text, share in zip(texts, digits, strict=True)
    ]
    byline = [
        count <= CUE_MAX_WORDS and _BYLINE_RE.match(text) is not None
        for text, count in zip(texts, words, strict=True)
    ]
    credit = [
        count <= CREDIT_MAX_WORDS and _credit(text)
        for text, count in zip(texts, words, strict=True)
    ]
    return dated, byline, credit


def reference_records(columns: Sequence[Sequence[Any]]) -> list[LineFeatures]:
    """One :class:`LineFeatures` per row of ``columns`` (one column per field)."""
    return list(map(LineFeatures._make, zip(*columns, strict=True)))


_compiled_repeats: Callable[..., tuple[list[int], list[int], list[float]]] | None = (
    compiled_line("repeat_columns")
)
_compiled_cues: Callable[..., tuple[list[bool], list[bool], list[bool]]] | None = (
    compiled_line("gated_cue_columns")
)
_compiled_records: Callable[..., list[LineFeatures]] | None = compiled_line("records")


def _document_columns(
    texts: list[str], numbers: list[int], columns: LineColumns
) -> tuple[list[int], list[int], list[float], list[bool], list[bool], list[bool]]:
    """(repeats, firsts, positions, dated, byline cue, credit cue): compiled when the extension
    is there, else the references."""
    words, chars, digits, keys = columns[0], columns[1], columns[6], columns[11]
    if _compiled_repeats is None or _compiled_cues is None:
        return (*reference_repeat_columns(keys, numbers, chars),
                *reference_cue_columns(texts, words, digits))
    return (
        *_compiled_repeats(keys, numbers, chars),
        *_compiled_cues(
            texts, words, digits, _DATE_RE.match, _BYLINE_RE.match, _CREDIT_OPENING_RE.match,
            _CREDIT_CLOSED_REVERSED_RE.match, CUE_MAX_WORDS, CREDIT_MAX_WORDS,
            CREDIT_HEAD_CHARS, CREDIT_TAIL_CHARS, BYLINE_CUE_MIN_CHARS, BYLINE_CUE_MAX_CHARS,
            _BYLINE_OPENERS, _CREDIT_FIRSTS, _CREDIT_LASTS, _CREDIT_LENGTHS,
        ),
    )


def line_features(lines: Sequence[Line], title: str | None = None) -> list[LineFeatures]:
    """One :class:`LineFeatures` per line; ``title`` is the headline when known.

    Built column by column: the line-local facts in one (compiled) pass, the document's facts
    (repeats, position, headline overlap) and the cue patterns on the lines short enough.
    """
    lines = list(lines)
    texts = [line.text for line in lines]
    columns = line_columns(texts)
    numbers = [line.number for line in lines]
    repeats, firsts, positions, dated, byline, credit = _document_columns(texts, numbers, columns)
    title_tokens = frozenset(normalise(title).split()) if title else frozenset()
    if title_tokens:
        overlaps = [
            _overlap(key_tokens(key, count), title_tokens)
            for key, count in zip(columns[11], columns[1], strict=True)
        ]
        inside, cover = [a for a, _ in overlaps], [b for _, b in overlaps]
    else:
        inside = cover = [0.0] * len(lines)
    rows: list[Sequence[Any]] = [
        lines, *columns, repeats, firsts, inside, cover, positions, dated, byline, credit
    ]
    if _compiled_records is None:
        return reference_records(rows)
    return _compiled_records(LineFeatures, rows)


# --- the body region -------------------------------------------------------------------------


def region_scores(features: Sequence[LineFeatures], named: Sequence[bool]) -> list[float]:
    """Per line: + its words when prose, a small cost when not, a larger one when named chaff.

    :func:`reference_region_scores`, compiled when the extension is there.
    """
    if _compiled_scores is None:
        return reference_region_scores(features, named)
    return _compiled_scores(
        list(features), list(named), NAMED_COST, SHORT_COST, LONG_LINE_WORDS, PROSE_MIN_WORDS
    )


def reference_region_scores(
    features: Sequence[LineFeatures], named: Sequence[bool]
) -> list[float]:
    """:func:`region_scores` in Python alone (the reference for the compiled pass)."""
    return [
        -NAMED_COST if is_named else float(item.words) if item.prose else -SHORT_COST
        for item, is_named in zip(features, named, strict=True)
    ]


_compiled_scores: Callable[..., list[float]] | None = compiled_line("region_scores")
_compiled_best_run: Callable[..., tuple[float, int, int]] | None = compiled_line("best_run")


def _best_run(scores: Sequence[float], lo: int, hi: int) -> tuple[float, int, int]:
    """:func:`reference_best_run`, compiled when the extension is there."""
    if _compiled_best_run is None:
        return reference_best_run(scores, lo, hi)
    return _compiled_best_run(scores, lo, hi)


def reference_best_run(scores: Sequence[float], lo: int, hi: int) -> tuple[float, int, int]:
    """(sum, start, end) of the best-scoring run of ``scores[lo:hi]`` (Kadane)."""
    best, best_start, best_end = 0.0, lo, lo
    total, start = 0.0, lo
    for index in range(lo, hi):
        if total <= 0:
            total, start = 0.0, index
        total += scores[index]
        if total > best:
            best, best_start, best_end = total, start, index + 1
    return best, best_start, best_end


def body_regions(scores: Sequence[float]) -> list[tuple[int, int]]:
    """Index ranges of the body: the best run, plus runs beside it at least a share as good."""
    scores = list(scores)
    best, start, end = _best_run(scores, 0, len(scores))
    if best < REGION_MIN_WORDS:
        return []
    regions = [(start, end)]
    pending = [(0, start), (end, len(scores))]
    while pending:
        lo, hi = pending.pop()
        total, run_start, run_end = _best_run(scores, lo, hi)
        if run_end > run_start and total >= SECONDARY_REGION_SHARE * best:
            regions.append((run_start, run_end))
            pending += [(lo, run_start), (run_end, hi)]
    return sorted(regions)


# --- the matrix for a learned model ----------------------------------------------------------

LINE_OWN_NAMES = (
    "log_words", "log_chars", "terminal", "ellipsis", "cut_word", "colon", "digit_share",
    "letter_share", "upper_share", "capital_words", "separators", "bullet", "numbered",
    "heading", "quote", "indent", "blank_before", "log_repeats", "first_of_repeats",
    "title_overlap", "title_cover", "position", "prose", "short", "dated", "byline_cue",
    "credit_cue", "named", "teaser_hint", "title_hint",
)
"""The line's own facts (``named``: a rule already named it as chaff; ``*_hint``: a rule says
what it would be if dropped)."""
LINE_CONTEXT_NAMES = (
    "same_as_previous", "same_as_next", "in_body", "before_body", "after_body", "body_distance",
    "run_length", "prose_before", "prose_after", "prose_density", "previous_log_words",
    "next_log_words", "previous_prose", "next_prose", "previous_named", "next_named",
    "previous_credit", "next_credit", "previous_terminal", "next_terminal", "previous_ellipsis",
    "next_ellipsis", "dated_density", "repeated_density", "since_prose", "until_prose",
    "second_previous_prose", "second_next_prose", "relative_length",
)
"""The line among its neighbours and relative to the body region."""
LINE_DOCUMENT_NAMES = (
    "doc_log_lines", "doc_prose_share", "doc_short_share", "doc_body_share", "doc_blank_share",
    "doc_bullet_share",
)
"""The whole document: how much of it is prose, short lines, body, paragraph breaks, bullets."""
LINE_FEATURE_NAMES = LINE_OWN_NAMES + LINE_CONTEXT_NAMES + LINE_DOCUMENT_NAMES
"""Columns of :func:`line_matrix`, in order (a shipped model records the names it expects)."""
REPEAT_WINDOW = 6
"""Lines on each side over which dated lines and repeated short lines are counted (comment
threads and menus repeat "Reply", dates and labels every few lines)."""
CREDIT_HEAD_CHARS = 40
"""A photo credit opens a caption ("Photo: ...")..."""
CREDIT_TAIL_CHARS = 60
"""...or closes it ("... Name / Getty Images"): only both ends of a line are searched."""
CREDIT_MAX_WORDS = 80
"""Captions are at most a few sentences."""


def _window_mean(column: FloatArray, half: int) -> FloatArray:
    """Mean of ``column`` over ``half`` lines on each side (the window cut at the edges)."""
    padded = np.concatenate(([0.0], np.cumsum(column)))
    index = np.arange(len(column))
    lo = np.maximum(index - half, 0)
    hi = np.minimum(index + half + 1, len(column))
    out: FloatArray = (padded[hi] - padded[lo]) / (hi - lo)
    return out


def _median(values: list[float]) -> float:
    """The median (numpy's costs more than sorting a document's few lines)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _prose_distances(prose: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log(1 + lines since the last prose line), log(1 + lines to the next one); a document
    without prose counts from its edges."""
    n = len(prose)
    index = np.arange(n)
    last = np.maximum.accumulate(np.where(prose > 0, index, -1))
    following = np.minimum.accumulate(np.where(prose > 0, index, n)[::-1])[::-1]
    return np.log1p(index - last).astype(np.float64), np.log1p(following - index).astype(
        np.float64
    )


def _run_lengths(prose: FloatArray) -> FloatArray:
    """For each line not prose, the length of the run of non-prose lines it is in (0 for prose)."""
    out = np.zeros_like(prose)
    n = len(prose)
    index = 0
    while index < n:
        if prose[index]:
            index += 1
            continue
        end = index
        while end < n and not prose[end]:
            end += 1
        out[index:end] = end - index
        index = end
    return out


def _region_columns(
    n: int, regions: Sequence[tuple[int, int]]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(in body, before body, after body, log distance to the body) per line."""
    inside = np.zeros(n)
    if not regions:
        zeros = np.zeros(n)
        return inside, zeros, zeros, zeros
    for start, end in regions:
        inside[start:end] = 1.0
    first, last = regions[0][0], regions[-1][1]
    index = np.arange(n, dtype=np.float64)
    before = (index < first).astype(np.float64)
    after = (index >= last).astype(np.float64)
    distance = np.where(before > 0, first - index, np.where(after > 0, index - last + 1, 0.0))
    return inside, before, after, np.log1p(distance)


_COPIED = (
    "terminal", "ellipsis", "cut_word", "colon", "digit_share", "letter_share", "upper_share",
    "capital_words", "title_overlap", "title_cover", "position", "dated", "byline_cue",
    "credit_cue",
)
"""Features that go into the matrix as they are."""
_NEIGHBOURS = (
    ("log_words", "log_words"), ("prose", "prose"), ("named", "named"), ("credit", "credit_cue"),
    ("terminal", "terminal"), ("ellipsis", "ellipsis"),
)
"""(name, column) of the facts also given for the previous and the next line."""


def _float(values: Sequence[object] | npt.NDArray[Any]) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _shifted(out: FloatArray, column: int, values: FloatArray, by: int) -> None:
    """Write ``values`` moved ``by`` lines down (positive: the previous line's value) or up."""
    if by > 0:
        out[by:, column] = values[:-by]
        out[:by, column] = 0.0
    else:
        out[:by, column] = values[-by:]
        out[by:, column] = 0.0


def _matrix_filler(name: str) -> Callable[..., Any] | None:
    """The compiled filler ``name`` when it writes the columns and reads the fields we have."""
    fill = compiled_line(name)
    if fill is None:
        return None
    from dechaff import _line_speedups

    if (
        LINE_FEATURE_NAMES != _line_speedups.MATRIX_NAMES
        or LineFeatures._fields != _line_speedups.FEATURE_FIELDS
        or Line._fields != _line_speedups.LINE_FIELDS
        or _RAW_ROWS != _line_speedups.RAW_ROWS
    ):
        return None
    return fill  # type: ignore[no-any-return]


_RAW_ROWS = (
    "words", "chars", "body_distance", "run_length", "since_prose", "until_prose", "repeats"
)
"""What the compiled filler leaves for numpy's logarithms, one row each (log1p; log for the
repeats), so the values are numpy's as in the reference."""
_LOG1P_COLUMNS = ("log_words", "log_chars", "body_distance", "run_length", "since_prose",
                  "until_prose")
"""The columns that take the log1p of the first rows of ``_RAW_ROWS``, in that order."""
LOG_TABLE_SIZE = 1 << 16
"""Whole numbers below this take their logarithms from tables numpy filled (512 KiB each;
a document with a larger count, such as a line of more characters, takes numpy's on its rows)."""


def _log_tables() -> tuple[FloatArray, FloatArray]:
    """(log1p, log) of every whole number below :data:`LOG_TABLE_SIZE`, by numpy (whose value
    for a number is the same wherever it stands in an array: checked by the tests); log(0),
    never looked up, is -inf."""
    counts = np.arange(LOG_TABLE_SIZE, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.log1p(counts), np.log(counts)


_fill_logged_matrix = _matrix_filler("fill_logged_matrix")
_LOG1P_TABLE, _LOG_TABLE = _log_tables() if _fill_logged_matrix is not None else (None, None)


def line_matrix(
    features: Sequence[LineFeatures], named: Sequence[bool], hints: Sequence[str]
) -> FloatArray:
    """One row per line, one column per name in :data:`LINE_FEATURE_NAMES`.

    ``named``: whether a rule removes the line; ``hints``: the kind a rule suggests ("" if none).
    :func:`reference_line_matrix`, the per-line work compiled when the extension is there (the
    logarithms too, from tables of numpy's values, when every count is in them).
    """
    n = len(features)
    if _fill_logged_matrix is None or n == 0:
        return reference_line_matrix(features, named, hints)
    out = np.empty((n, len(LINE_FEATURE_NAMES)))
    raw = np.empty((len(_RAW_ROWS), n))
    regions = body_regions(region_scores(features, named))
    arguments = (
        out, raw, list(features), list(named), list(hints), regions, LONG_LINE_WORDS,
        PROSE_MIN_WORDS, SHORT_LINE_WORDS, MAX_SEPARATORS, MAX_INDENT, DENSITY_WINDOW,
        REPEAT_WINDOW,
    )
    if _fill_logged_matrix(*arguments, _LOG1P_TABLE, _LOG_TABLE, math.log1p(n)):
        return out
    logs = np.log1p(raw[: len(_LOG1P_COLUMNS)])
    out[:, _LOG1P_INDEX] = logs.T
    out[:, _COLUMN["log_repeats"]] = np.log(raw[-1])
    log_words = logs[0]
    _shifted(out, _COLUMN["previous_log_words"], log_words, 1)
    _shifted(out, _COLUMN["next_log_words"], log_words, -1)
    out[:, _COLUMN["relative_length"]] = log_words - _median(log_words.tolist())
    out[:, _COLUMN["doc_log_lines"]] = math.log1p(n)
    return out


_COLUMN = {name: i for i, name in enumerate(LINE_FEATURE_NAMES)}
_LOG1P_INDEX = [_COLUMN[name] for name in _LOG1P_COLUMNS]


def reference_line_matrix(
    features: Sequence[LineFeatures], named: Sequence[bool], hints: Sequence[str]
) -> FloatArray:
    """:func:`line_matrix` in numpy alone (the reference for the compiled filler).

    Built column by column (the records transposed once), so the cost per line stays small.
    """
    n = len(features)
    out = np.empty((n, len(LINE_FEATURE_NAMES)))
    if n == 0:
        return out
    fields = dict(zip(LineFeatures._fields, zip(*features, strict=True), strict=True))
    line_fields = dict(zip(Line._fields, zip(*fields["line"], strict=True), strict=True))
    column = {name: i for i, name in enumerate(LINE_FEATURE_NAMES)}

    def put(name: str, values: npt.NDArray[Any] | float) -> None:
        out[:, column[name]] = values

    words = _float(fields["words"])
    terminal = _float(fields["terminal"])
    prose = _float((words >= LONG_LINE_WORDS) | ((words >= PROSE_MIN_WORDS) & (terminal > 0)))
    short = _float(words <= SHORT_LINE_WORDS)
    log_words = np.log1p(words)
    is_named = _float(named)
    markers = line_fields["marker"]
    put("log_words", log_words)
    put("log_chars", np.log1p(_float(fields["chars"])))
    copied = [column[name] for name in _COPIED]
    out[:, copied] = np.array([fields[name] for name in _COPIED], dtype=np.float64).T
    put("separators", np.minimum(_float(fields["separators"]), MAX_SEPARATORS))
    for name, marker in (("bullet", "bullet"), ("numbered", "number"), ("heading", "heading"),
                         ("quote", "quote")):
        put(name, _float([m == marker for m in markers]))
    put("indent", np.minimum(_float(line_fields["indent"]), MAX_INDENT) / 4)
    put("blank_before", _float(line_fields["blank_before"]))
    put("log_repeats", np.log(_float(fields["repeats"])))
    put("first_of_repeats", _float(fields["first"]) == _float(line_fields["number"]))
    put("prose", prose)
    put("short", short)
    put("named", is_named)
    put("teaser_hint", _float([hint == "teaser" for hint in hints]))
    put("title_hint", _float([hint == "title" for hint in hints]))
    _context(out, column, features, fields, prose, words, named)
    total_words = words.sum() or 1.0
    prose_words = words * prose
    put("doc_log_lines", math.log1p(n))
    put("doc_prose_share", prose_words.sum() / total_words)
    put("doc_short_share", short.mean())
    put("doc_body_share", (words * out[:, column["in_body"]]).sum() / total_words)
    put("doc_blank_share", out[:, column["blank_before"]].mean())
    put("doc_bullet_share", out[:, column["bullet"]].mean())
    return out


def _context(
    out: FloatArray,
    column: dict[str, int],
    features: Sequence[LineFeatures],
    fields: dict[str, tuple[object, ...]],
    prose: FloatArray,
    words: FloatArray,
    named: Sequence[bool],
) -> None:
    """The line among its neighbours, relative to the body region, and its neighbourhood."""
    n = len(prose)
    keys = fields["key"]
    same = _float([False] + [a == b and a != "" for a, b in pairwise(keys)])
    out[:, column["same_as_previous"]] = same
    _shifted(out, column["same_as_next"], same, -1)
    sources = [column[source] for _, source in _NEIGHBOURS]
    previous = [column[f"previous_{name}"] for name, _ in _NEIGHBOURS]
    following = [column[f"next_{name}"] for name, _ in _NEIGHBOURS]
    values = out[:, sources]
    out[1:, previous] = values[:-1]
    out[:1, previous] = 0.0
    out[:-1, following] = values[1:]
    out[-1:, following] = 0.0
    regions = body_regions(region_scores(features, named))
    inside, before, after, distance = _region_columns(n, regions)
    out[:, column["in_body"]] = inside
    out[:, column["before_body"]] = before
    out[:, column["after_body"]] = after
    out[:, column["body_distance"]] = distance
    prose_words = words * prose
    total_prose = prose_words.sum() or 1.0
    cumulative = np.cumsum(prose_words)
    out[:, column["run_length"]] = np.log1p(_run_lengths(prose))
    out[:, column["prose_before"]] = (cumulative - prose_words) / total_prose
    out[:, column["prose_after"]] = (total_prose - cumulative) / total_prose
    out[:, column["prose_density"]] = _window_mean(prose, DENSITY_WINDOW)
    repeated = (out[:, column["log_repeats"]] > 0) * out[:, column["short"]]
    out[:, column["dated_density"]] = _window_mean(out[:, column["dated"]], REPEAT_WINDOW)
    out[:, column["repeated_density"]] = _window_mean(repeated, REPEAT_WINDOW)
    since, until = _prose_distances(prose)
    out[:, column["since_prose"]] = since
    out[:, column["until_prose"]] = until
    _shifted(out, column["second_previous_prose"], prose, 2)
    _shifted(out, column["second_next_prose"], prose, -2)
    log_words = out[:, column["log_words"]]
    out[:, column["relative_length"]] = log_words - _median(log_words.tolist())
