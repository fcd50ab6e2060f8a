"""The learned line keeper: line features in, P(the line belongs to the article) out.

Gradient-boosted trees over :data:`~dechaff.line_features.LINE_FEATURE_NAMES`, shipped as JSON in
``models/lines.json`` (no pickle) and walked by the same :class:`~dechaff.classify.Trees` as the
HTML path's block model. Trained by ``scripts/train_line_model.py`` on lines of extractor output
aligned to the gold text of wcxb-dev and aeb (see NOTICE). It replaces the rules' body-region
keeper (:func:`dechaff.line_rules.rule_keep`) behind the same interface: features in, one
keep/drop per line out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

import numpy as np

from dechaff.classify import Trees, _sigmoid
from dechaff.line_features import LINE_FEATURE_NAMES, FloatArray, LineFeatures, line_matrix
from dechaff.line_rules import Naming, rule_keep
from dechaff.lines import compiled_line

MODEL_FILE = "lines.json"
MODEL_FORMAT = "dechaff-lines-gbm/1"

DEFAULT_THRESHOLDS = {"precision": 0.6, "balanced": 0.5, "recall": 0.35}
"""P(keep) above which a line is kept, per ``favor``, when the model file names none."""
DECISION_MARGIN = 1e-9
"""Log-odds this close to a threshold's are decided by the reference's own sigmoid (a sum of a
few hundred leaves rounds by ~1e-13; P(keep) moves by ~1e-10 over the margin, far above the
sigmoid's rounding): beyond it, comparing log-odds decides as comparing P(keep) does."""


class LineKeeper(Protocol):
    """Decides, for each line the rules did not name, whether it stays in the article (what it
    says for a named line is never read: :class:`LineModel` says False)."""

    def keep(self, features: Sequence[LineFeatures], naming: Naming, favor: str) -> list[bool]: ...


class RuleKeeper:
    """The rules' keeper: the body region(s) of the document."""

    def keep(self, features: Sequence[LineFeatures], naming: Naming, favor: str) -> list[bool]:
        return rule_keep(features, naming)


def first_matrix(
    features: Sequence[LineFeatures], naming: Naming, named: Sequence[bool] | None = None
) -> FloatArray:
    """The first pass's input: :func:`line_matrix` with the rules' names and hints (``named``:
    :func:`named_lines` of ``naming``, when the caller has it)."""
    hints = [hint.kind.value if hint is not None else "" for hint in naming.hinted]
    return line_matrix(features, named_lines(naming) if named is None else named, hints)


def named_lines(naming: Naming) -> list[bool]:
    """Per line, whether a rule named it (the keeper's word on it is never read)."""
    return [decision is not None for decision in naming.named]


@dataclass(frozen=True, slots=True)
class LineModel:
    """Trees giving P(keep) per line from :data:`LINE_FEATURE_NAMES`, and the cut-off per
    ``favor``."""

    trees: Trees
    thresholds: Mapping[str, float]
    most_after: FloatArray = field(init=False, repr=False, compare=False)
    """Per number ``k`` of trees walked: the most the remaining trees can add (the sum of their
    largest leaves; 0 after the last)."""
    least_after: FloatArray = field(init=False, repr=False, compare=False)
    """...and the least (the sum of their smallest leaves)."""

    def __post_init__(self) -> None:
        leaves = self.trees.tree_leaf_value
        object.__setattr__(self, "most_after", _sums_after(leaves.max(axis=1)))
        object.__setattr__(self, "least_after", _sums_after(leaves.min(axis=1)))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LineModel:
        if data.get("format") != MODEL_FORMAT or tuple(data["features"]) != LINE_FEATURE_NAMES:
            raise ValueError("line model was trained on other features; retrain it")
        thresholds = {**DEFAULT_THRESHOLDS, **data.get("thresholds", {})}
        return cls(Trees.from_json(data["trees"]), thresholds)

    def probabilities(self, features: Sequence[LineFeatures], naming: Naming) -> FloatArray:
        """P(keep) for every line."""
        return self.trees.probabilities(first_matrix(features, naming))

    def keep(self, features: Sequence[LineFeatures], naming: Naming, favor: str) -> list[bool]:
        if not features:
            return []
        threshold = self.thresholds.get(favor, self.thresholds["balanced"])
        named = named_lines(naming)
        matrix = first_matrix(features, naming, named)
        if _open_decisions is None or not 0.0 < threshold < 1.0:
            return self.reference_open_decisions(matrix, named, threshold)
        return self._compiled_open_decisions(matrix, named, threshold, _open_decisions)

    def reference_open_decisions(
        self, matrix: FloatArray, named: list[bool], threshold: float
    ) -> list[bool]:
        """Per row of ``matrix``: P(keep) at least ``threshold``; False for a ``named`` row (the
        trees walk only the open rows: each row's sum is its own). The reference for
        ``_line_speedups.open_row_decisions``."""
        if not any(named):
            kept: list[bool] = (self.trees.probabilities(matrix) >= threshold).tolist()
            return kept
        open_rows = ~np.array(named)
        decided = np.zeros(len(named), dtype=np.bool_)
        decided[open_rows] = self.trees.probabilities(matrix[open_rows]) >= threshold
        kept = decided.tolist()
        return kept

    def _compiled_open_decisions(
        self, matrix: FloatArray, named: list[bool], threshold: float, decisions: OpenDecisions
    ) -> list[bool]:
        """:meth:`reference_open_decisions` walked row by row in the extension, comparing
        log-odds; a row within :data:`DECISION_MARGIN` of the cut takes the sigmoid."""
        trees = self.trees
        kept, near, raws = decisions(
            np.ascontiguousarray(matrix), named, trees.node_feature, trees.node_threshold,
            trees.tree_leaf_value, self.most_after, self.least_after,
            math.log(threshold / (1.0 - threshold)), DECISION_MARGIN,
        )
        if near:
            for row, reached in zip(near, (_sigmoid(np.array(raws)) >= threshold).tolist(),
                                    strict=True):
                kept[row] = reached
        return kept


def _sums_after(per_tree: FloatArray) -> FloatArray:
    """``out[k]``: the sum of ``per_tree[k:]`` (``out[-1]`` = 0)."""
    out: FloatArray = np.concatenate((np.cumsum(per_tree[::-1])[::-1], [0.0]))
    return out


OpenDecisions = Callable[..., tuple[list[bool], list[int], list[float]]]
_open_decisions: OpenDecisions | None = compiled_line("open_row_decisions")


@lru_cache(maxsize=1)
def default_keeper() -> LineKeeper:
    """The shipped line model, or the rules' keeper when the model file is absent."""
    try:
        text = resources.files("dechaff.models").joinpath(MODEL_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return RuleKeeper()
    return LineModel.from_json(json.loads(text))
