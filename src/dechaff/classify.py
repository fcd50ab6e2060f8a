"""Stage 5 — classify: block features in, one label per block out.

Two classifiers share one interface (``Classifier.probabilities(features) -> P(main)``): the
learned block model shipped in ``models/blocks.json`` (a small MLP over ``FEATURE_NAMES``, trained
on wcxb-dev, see NOTICE) and the rules in ``label_blocks`` that name the non-main parts
(caption, teaser, comment, navigation, boilerplate). Plain-text lines use the same labels.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from dechaff.blocks import IN_CAPTION, IN_FIGURE, Block, Page, compiled
from dechaff.features import (
    COMMENT_NAME_RE,
    CONTEXT_NAMES,
    FEATURE_NAMES,
    FloatArray,
    IntArray,
    page_features,
    with_context,
)

TreeSums = Callable[..., None]


_tree_sums: TreeSums | None = compiled("tree_sums")


class Label(str, Enum):
    """What a block is. Only ``MAIN`` goes into ``Article.text``."""

    MAIN = "main"
    TITLE = "title"
    BYLINE = "byline"
    CAPTION = "caption"
    TEASER = "teaser"
    COMMENT = "comment"
    NAVIGATION = "navigation"
    BOILERPLATE = "boilerplate"


THRESHOLDS = {"precision": 0.6, "balanced": 0.5, "recall": 0.25}
"""P(main) above which a block is kept, per ``favor``. Balanced: 0.5 maximises the whole
pipeline's F1 on wcxb-dev (0.4: .851, 0.45: .852, 0.5: .854, 0.55: .853, 0.6: .851); the
assemble rules already drop much of what a lower cut lets through."""


@dataclass(frozen=True, slots=True)
class Trees:
    """Gradient-boosted trees flattened into arrays.

    In ``models/blocks.json`` each tree is a root plus ``left``/``right`` child arrays, a leaf
    pointing to itself. For walking, the trees are laid out again level by level, as if each
    were a perfect binary tree of ``depth`` levels (a leaf copied into every place below it):
    the node of a tree at one level is ``h``, its children at the next are ``2h - 1`` (left)
    and ``2h`` (right), so every tree is walked for every block at once with arithmetic and a
    few gathers per level.
    """

    roots: IntArray
    feature: IntArray
    threshold: FloatArray
    left: IntArray
    right: IntArray
    value: FloatArray
    depth: int
    level_feature: tuple[IntArray, ...]
    """Per level: the feature each node tests, indexed by ``h`` (tree ``t``'s root is ``t + 1``)."""
    level_threshold: tuple[FloatArray, ...]
    """Per level: the threshold (a block with ``x <= threshold`` goes left)."""
    leaf_value: FloatArray
    """The value of the leaf reached, indexed by ``h`` after ``depth`` levels."""
    node_feature: IntArray
    """Per tree (rows), for the compiled walk: the feature each node tests, the tree laid out
    as a perfect binary tree in heap order (node ``j``'s children: ``2j + 1``, ``2j + 2``)."""
    node_threshold: FloatArray
    """Per tree, heap order: the thresholds."""
    tree_leaf_value: FloatArray
    """Per tree: its leaves' values, left to right."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trees:
        roots = np.asarray(data["roots"], dtype=np.intp)
        feature = np.asarray(data["feature"], dtype=np.intp)
        threshold = np.asarray(data["threshold"], dtype=np.float64)
        left = np.asarray(data["left"], dtype=np.intp)
        right = np.asarray(data["right"], dtype=np.intp)
        value = np.asarray(data["value"], dtype=np.float64)
        depth = int(data["depth"])
        levels = [roots]
        for _ in range(depth):
            levels.append(np.stack([left[levels[-1]], right[levels[-1]]], axis=1).ravel())
        if np.any(left[levels[-1]] != levels[-1]):
            raise ValueError("a tree is deeper than the model's depth")
        level_feature = tuple(_by_h(feature[nodes]) for nodes in levels[:-1])
        level_threshold = tuple(_by_h(threshold[nodes]) for nodes in levels[:-1])
        n_trees = len(roots)
        by_tree = [
            (feature[nodes].reshape(n_trees, -1), threshold[nodes].reshape(n_trees, -1))
            for nodes in levels[:-1]
        ]
        return cls(
            roots, feature, threshold, left, right, value, depth,
            level_feature=level_feature,
            level_threshold=level_threshold,
            leaf_value=_by_h(value[levels[-1]]),
            node_feature=np.hstack([f for f, _ in by_tree]).astype(np.intp),
            node_threshold=np.hstack([t for _, t in by_tree]).astype(np.float64),
            tree_leaf_value=value[levels[-1]].reshape(n_trees, -1).astype(np.float64),
        )

    def probabilities(self, features: FloatArray) -> FloatArray:
        """P(main) for each row of ``features`` (in any memory order)."""
        n = features.shape[0]
        if n == 0:
            return np.zeros(0)
        if _tree_sums is not None:
            return self._compiled(features, _tree_sums)
        return self.reference_probabilities(features)

    def reference_probabilities(self, features: FloatArray) -> FloatArray:
        """``probabilities`` in numpy alone (the reference for the compiled walk)."""
        n = features.shape[0]
        if n == 0:
            return np.zeros(0)
        if features.flags.f_contiguous:
            flat, row_stride, feature_stride = features.T.ravel(), 1, n
        else:
            flat = np.ascontiguousarray(features).ravel()
            row_stride, feature_stride = features.shape[1], 1
        shape = (n, len(self.roots))
        rows = np.empty(shape, dtype=np.intp)
        rows[:] = np.arange(0, n * row_stride, row_stride, dtype=np.intp)[:, None]
        h = np.empty(shape, dtype=np.intp)
        h[:] = np.arange(1, shape[1] + 1, dtype=np.intp)
        at = np.empty(shape, dtype=np.intp)
        x = np.empty(shape)
        threshold = np.empty(shape)
        go_left = np.empty(shape, dtype=np.bool_)
        for level_feature, level_threshold in zip(
            self.level_feature, self.level_threshold, strict=True
        ):
            (level_feature * feature_stride).take(h, out=at, mode="clip")
            at += rows
            flat.take(at, out=x, mode="clip")
            level_threshold.take(h, out=threshold, mode="clip")
            np.less_equal(x, threshold, out=go_left)
            h += h
            h -= go_left
        raw = self.leaf_value.take(h).sum(axis=1)
        return _sigmoid(raw)

    def _compiled(self, features: FloatArray, tree_sums: TreeSums) -> FloatArray:
        raw = np.empty(features.shape[0])
        tree_sums(
            np.ascontiguousarray(features), self.node_feature, self.node_threshold,
            self.tree_leaf_value, raw,
        )
        return _sigmoid(raw)


def _sigmoid(raw: FloatArray) -> FloatArray:
    """P(main) from the trees' summed log-odds."""
    out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(raw, -50.0, 50.0)))
    return out


def _by_h(level: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A level's values indexed by ``h`` (which starts at 1: a dummy in front)."""
    return np.concatenate((level[:1], level))


@dataclass(frozen=True, slots=True)
class BlockModel:
    """Two passes of trees: block features, then the first pass's P(main) in context."""

    stage1: Trees
    stage2: Trees
    token_weights: dict[str, float]
    near_weights: dict[str, float]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BlockModel:
        if tuple(data["features"]) != FEATURE_NAMES or tuple(
            data["context_features"]
        ) != CONTEXT_NAMES:
            raise ValueError("block model was trained on other features; retrain it")
        return cls(
            stage1=Trees.from_json(data["stage1"]),
            stage2=Trees.from_json(data["stage2"]),
            token_weights=dict(data["token_weights"]),
            near_weights=dict(data["near_weights"]),
        )

    def classify(self, page: Page, title: str | None) -> FloatArray:
        """P(main) for every block of ``page``."""
        features = page_features(page, title, self.token_weights, self.near_weights)
        first = self.stage1.probabilities(features)
        if features.shape[0] == 0:
            return first
        return self.stage2.probabilities(with_context(page, features, first))


@lru_cache(maxsize=1)
def default_model() -> BlockModel:
    """The shipped block model (loaded once per process; read-only afterwards)."""
    text = resources.files("dechaff.models").joinpath("blocks.json").read_text("utf-8")
    return BlockModel.from_json(json.loads(text))


_CAPTION_TOKENS = frozenset({"caption", "figcaption", "credit", "credits", "wp-caption-text"})
CAPTION_NAME_DEPTH = 3
"""Caption class names count on the block's element and its two nearest ancestors."""


def captions_of(page: Page) -> list[bool]:
    """Per block, whether it is a caption: inside ``<figure>``/``<figcaption>``, or in an
    element named as a caption."""
    near = page.named_near(_CAPTION_TOKENS, CAPTION_NAME_DEPTH)
    return [bool(b.flags & (IN_CAPTION | IN_FIGURE)) or near[b.element] for b in page.blocks]


def comment_containers(page: Page, block: Block) -> list[int]:
    """The ancestors whose class/id names comments, innermost first."""
    if not page.inside_named(COMMENT_NAME_RE)[block.element]:
        return []
    named, name = page.names_matching(COMMENT_NAME_RE), page.table.name
    return [index for index in page.ancestors(block.element) if named[name[index]]]
