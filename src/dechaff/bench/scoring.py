"""Scores for extracted text and metadata against gold, as the published benchmarks compute them.

Text (AEB / Zyte ``evaluate.py`` semantics): ``\\w+`` tokens with CJK characters split out one
per token, 4-token shingles as multisets, per-page TP/FP/FN rescaled to sum to 1, precision
averaged over pages with a non-empty prediction, recall over pages with a non-empty gold, F1 the
harmonic mean of the two averages. Word level (WCXB ``evaluate.py``): bag-of-words F1 over
lowercased tokens, averaged over pages. Snippets (WCXB ``with`` / ``without`` lists) and
metadata (title, authors, date) are scored per page and averaged.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

SHINGLE_SIZE = 4
"""Tokens per shingle: the AEB scorer's ``ngram_n``; published tables use 4."""

BOOTSTRAP_ROUNDS = 1000
"""Resamples for the ± on F1: the AEB scorer's default ``--n-bootstrap``."""

BOOTSTRAP_SEED = 20240501
"""Fixed seed so that the ± is the same on every rerun of the same predictions."""

_CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff"  # Katakana
    "\u3130-\u318f"  # Hangul Compatibility Jamo
    "\u31f0-\u31ff"  # Katakana Phonetic Extensions
    "\u3400-\u4dbf"  # CJK Unified Ideographs Extension A
    "\u4e00-\u9fff"  # CJK Unified Ideographs
    "\ua960-\ua97f"  # Hangul Jamo Extended-A
    "\uac00-\ud7af"  # Hangul Syllables
    "\ud7b0-\ud7ff"  # Hangul Jamo Extended-B
    "\uf900-\ufaff"  # CJK Compatibility Ideographs
    "\uff66-\uff9f"  # Halfwidth Katakana
    "\U00020000-\U0003134f"  # CJK Unified Ideographs Extensions B-G + supplement
)
# One CJK word character (the blocks also hold marks and punctuation, which are not \w),
# or a run of word characters that are not CJK.
_TOKEN_RE = re.compile(rf"(?=\w)[{_CJK_RANGES}]|[^\W{_CJK_RANGES}]+")
_WHITESPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+")
_AUTHOR_SEPARATORS_RE = re.compile(r"[,;&]|\s+and\s+", re.IGNORECASE)
_ISO_PREFIX_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")

Shingle = tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Tokens and shingles


def tokenize(text: str | None) -> list[str]:
    """``\\w+`` runs, case kept, each CJK character (Han, kana, Hangul) a token of its own."""
    return _TOKEN_RE.findall(text or "")


def shingles(tokens: Sequence[str], size: int = SHINGLE_SIZE) -> Counter[Shingle]:
    """Multiset of ``size``-token shingles; fewer than ``size`` tokens (≥ 1) make one shingle."""
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    # the i-th shingle is (tokens[i], tokens[i+1], ...): zip stops at the shortest slice
    return Counter(zip(*(tokens[offset:] for offset in range(size)), strict=False))


@dataclass(frozen=True, slots=True)
class ShingleMatch:
    """One page's shingle overlap, rescaled so that ``tp + fp + fn == 1`` (all 0 if both empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """Page precision; ``None`` when the prediction is empty (not averaged)."""
        if self.tp + self.fp == 0:
            return None
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """Page recall; ``None`` when the gold is empty (not averaged)."""
        if self.tp + self.fn == 0:
            return None
        return self.tp / (self.tp + self.fn)


def match_shingles(gold: Sequence[str], pred: Sequence[str]) -> ShingleMatch:
    """TP/FP/FN of two token lists' shingle multisets, rescaled to sum to 1."""
    return _match_shingle_counts(shingles(gold), shingles(pred))


def _match_shingle_counts(
    gold_shingles: Counter[Shingle], pred_shingles: Counter[Shingle]
) -> ShingleMatch:
    tp = sum((gold_shingles & pred_shingles).values())
    fp = sum(pred_shingles.values()) - tp
    fn = sum(gold_shingles.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return ShingleMatch(0.0, 0.0, 0.0)
    return ShingleMatch(tp / total, fp / total, fn / total)


# ---------------------------------------------------------------------------------------------
# Word-level bag-of-words (WCXB)


@dataclass(frozen=True, slots=True)
class WordScore:
    precision: float
    recall: float
    f1: float


def word_score(gold: Sequence[str], pred: Sequence[str]) -> WordScore:
    """Bag-of-words P/R/F1 over lowercased tokens; both empty = 1, one empty = 0."""
    return _word_score_counts(_lower_counts(gold), len(gold), pred)


def _lower_counts(tokens: Sequence[str]) -> Counter[str]:
    return Counter(map(str.lower, tokens))


def _word_score_counts(gold_words: Counter[str], gold_len: int, pred: Sequence[str]) -> WordScore:
    if not gold_len or not pred:
        perfect = float(not gold_len and not pred)
        return WordScore(perfect, perfect, perfect)
    overlap = sum((gold_words & _lower_counts(pred)).values())
    precision, recall = overlap / len(pred), overlap / gold_len
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return WordScore(precision, recall, f1)


# ---------------------------------------------------------------------------------------------
# Per-page record and aggregates


@dataclass(frozen=True, slots=True)
class PageTextScore:
    """Everything the text aggregates need from one page."""

    shingle: ShingleMatch
    word: WordScore
    exact: bool


class GoldText:
    """One page's gold tokens, shingles and word counts, computed once to score many predictions."""

    __slots__ = ("shingles", "tokens", "words")

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.shingles = shingles(self.tokens)
        self.words = _lower_counts(self.tokens)

    def score(self, pred_text: str) -> PageTextScore:
        pred = tokenize(pred_text)
        return PageTextScore(
            _match_shingle_counts(self.shingles, shingles(pred)),
            _word_score_counts(self.words, len(self.tokens), pred),
            self.tokens == pred,
        )


def score_page_text(gold_text: str, pred_text: str) -> PageTextScore:
    return GoldText(gold_text).score(pred_text)


@dataclass(frozen=True, slots=True)
class TextScores:
    f1: float
    precision: float
    recall: float
    f1_std: float
    word_f1: float
    word_precision: float
    word_recall: float
    exact: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "f1": self.f1,
            "f1_std": self.f1_std,
            "precision": self.precision,
            "recall": self.recall,
            "word_f1": self.word_f1,
            "word_precision": self.word_precision,
            "word_recall": self.word_recall,
            "exact": self.exact,
            "n": self.n,
        }


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def _harmonic(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def shingle_prf(matches: Sequence[ShingleMatch]) -> tuple[float, float, float]:
    """(F1, precision, recall): macro P and R over defined pages, F1 from the two means."""
    precision = _mean(p for m in matches if (p := m.precision) is not None)
    recall = _mean(r for m in matches if (r := m.recall) is not None)
    return _harmonic(precision, recall), precision, recall


def bootstrap_f1_std(
    matches: Sequence[ShingleMatch], rounds: int = BOOTSTRAP_ROUNDS, seed: int = BOOTSTRAP_SEED
) -> float:
    """Standard deviation of the shingle F1 over ``rounds`` resamples of the pages (seeded)."""
    if len(matches) < 2 or rounds < 2:
        return 0.0
    p_valid = np.array([m.precision is not None for m in matches])
    r_valid = np.array([m.recall is not None for m in matches])
    p = np.array([m.precision or 0.0 for m in matches])
    r = np.array([m.recall or 0.0 for m in matches])
    idx = np.random.default_rng(seed).integers(0, len(matches), size=(rounds, len(matches)))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_mean = p[idx].sum(axis=1) / p_valid[idx].sum(axis=1)
        r_mean = r[idx].sum(axis=1) / r_valid[idx].sum(axis=1)
        # an empty side means 0 (as in shingle_prf); both 0 means F1 0
        p_mean, r_mean = np.nan_to_num(p_mean), np.nan_to_num(r_mean)
        f1 = np.where(p_mean + r_mean > 0, 2 * p_mean * r_mean / (p_mean + r_mean), 0.0)
    return float(np.std(f1, ddof=1))


def aggregate_text(pages: Sequence[PageTextScore], *, bootstrap: bool = True) -> TextScores:
    matches = [p.shingle for p in pages]
    f1, precision, recall = shingle_prf(matches)
    return TextScores(
        f1=f1,
        precision=precision,
        recall=recall,
        f1_std=bootstrap_f1_std(matches) if bootstrap else 0.0,
        word_f1=_mean(p.word.f1 for p in pages),
        word_precision=_mean(p.word.precision for p in pages),
        word_recall=_mean(p.word.recall for p in pages),
        exact=_mean(float(p.exact) for p in pages),
        n=len(pages),
    )


# ---------------------------------------------------------------------------------------------
# Snippets (WCXB with / without)


def _collapse(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text).strip().lower()


def snippet_shares(
    pred_text: str, with_: Sequence[str], without: Sequence[str]
) -> tuple[float | None, float | None]:
    """(share of ``with`` found, share of ``without`` absent); ``None`` for an empty list."""
    haystack = _collapse(pred_text)
    found = [_collapse(s) in haystack for s in with_]
    leaked = [_collapse(s) in haystack for s in without]
    found_share = sum(found) / len(found) if found else None
    absent_share = 1 - sum(leaked) / len(leaked) if leaked else None
    return found_share, absent_share


@dataclass(frozen=True, slots=True)
class SnippetScores:
    precision: float
    recall: float
    f1: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "snippet_precision": self.precision,
            "snippet_recall": self.recall,
            "snippet_f1": self.f1,
            "n": self.n,
        }


def aggregate_snippets(shares: Sequence[tuple[float | None, float | None]]) -> SnippetScores:
    """Recall = mean share of ``with`` found, precision = mean share of ``without`` absent."""
    recall = _mean(f for f, _ in shares if f is not None)
    precision = _mean(a for _, a in shares if a is not None)
    return SnippetScores(precision, recall, _harmonic(precision, recall), len(shares))


# ---------------------------------------------------------------------------------------------
# Metadata


def _is_edge_junk(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PS"


def normalize_title(title: str) -> str:
    """NFKC, casefold, whitespace collapsed, surrounding punctuation/quotes/symbols stripped."""
    text = _WHITESPACE_RE.sub(" ", unicodedata.normalize("NFKC", title).casefold())
    start, end = 0, len(text)
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while end > start and _is_edge_junk(text[end - 1]):
        end -= 1
    return text[start:end]


def title_matches(predicted: str | None, gold: str) -> bool:
    """Normalised exact match (see :func:`normalize_title`); a missing prediction is wrong."""
    return predicted is not None and normalize_title(predicted) == normalize_title(gold)


def author_names(authors: str | Iterable[str] | None) -> set[str]:
    """Names split on ``, ; & and``, each NFKC + casefold, reduced to its ``\\w`` runs."""
    if authors is None:
        return set()
    items = [authors] if isinstance(authors, str) else list(authors)
    names: set[str] = set()
    for item in items:
        for part in _AUTHOR_SEPARATORS_RE.split(item):
            name = " ".join(_WORD_RE.findall(unicodedata.normalize("NFKC", part).casefold()))
            if name:
                names.add(name)
    return names


def authors_match(predicted: str | Iterable[str] | None, gold: str | Iterable[str]) -> bool:
    """True when at least one predicted name equals a gold name (after normalisation)."""
    return bool(author_names(predicted) & author_names(gold))


def iso_date_prefix(value: str | None) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY`` when that is all there is) of an ISO-ish date."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    found = _ISO_PREFIX_RE.match(text)
    if not found:
        return None
    year, month, day = found.groups()
    try:
        if day is not None:
            return date(int(year), int(month), int(day)).isoformat()
        if month is not None:
            return date(int(year), int(month), 1).isoformat()[:7]
    except ValueError:
        return None
    return year


def date_matches(predicted: str | None, gold: str) -> bool:
    """Same calendar day (to the precision the gold gives); a missing prediction is wrong."""
    gold_prefix, pred_prefix = iso_date_prefix(gold), iso_date_prefix(predicted)
    if gold_prefix is None or pred_prefix is None:
        return False
    return pred_prefix[: len(gold_prefix)] == gold_prefix
