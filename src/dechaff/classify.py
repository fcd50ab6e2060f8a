"""Stage 5 — classify: block features in, one label per block out.

Two classifiers share one interface (``Classifier.probabilities(features) -> P(main)``): the
learned block model shipped in ``models/blocks.json`` (a small MLP over ``FEATURE_NAMES``, trained
on wcxb-dev, see NOTICE) and the rules in ``label_blocks`` that name the non-main parts
(caption, teaser, comment, navigation, boilerplate). Plain-text lines use the same labels.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from dechaff.blocks import IN_CAPTION, IN_FIGURE, Block, Page
from dechaff.features import (
    CONTEXT_NAMES,
    FEATURE_NAMES,
    FloatArray,
    IntArray,
    context_features,
    page_features,
)


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


THRESHOLDS = {"precision": 0.6, "balanced": 0.4, "recall": 0.25}
"""P(main) above which a block is kept, per ``favor``; 0.4 maximised out-of-fold F1 on wcxb-dev."""


@dataclass(frozen=True, slots=True)
class Trees:
    """Gradient-boosted trees flattened into arrays.

    Every tree is walked for every block at once, one level per step: a leaf points to itself
    (with an infinite threshold), so ``depth`` steps reach every leaf.
    """

    roots: IntArray
    feature: IntArray
    threshold: FloatArray
    left: IntArray
    right: IntArray
    value: FloatArray
    depth: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trees:
        return cls(
            roots=np.asarray(data["roots"], dtype=np.int64),
            feature=np.asarray(data["feature"], dtype=np.int64),
            threshold=np.asarray(data["threshold"], dtype=np.float64),
            left=np.asarray(data["left"], dtype=np.int64),
            right=np.asarray(data["right"], dtype=np.int64),
            value=np.asarray(data["value"], dtype=np.float64),
            depth=int(data["depth"]),
        )

    def probabilities(self, features: FloatArray) -> FloatArray:
        """P(main) for each row of ``features``."""
        n = features.shape[0]
        if n == 0:
            return np.zeros(0)
        nodes = np.broadcast_to(self.roots, (n, self.roots.shape[0]))
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            x = features[rows, self.feature[nodes]]
            nodes = np.where(x <= self.threshold[nodes], self.left[nodes], self.right[nodes])
        raw = self.value[nodes].sum(axis=1)
        out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(raw, -50.0, 50.0)))
        return out


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
        second = np.hstack([features, context_features(page, first)])
        return self.stage2.probabilities(second)


@lru_cache(maxsize=1)
def default_model() -> BlockModel:
    """The shipped block model (loaded once per process; read-only afterwards)."""
    text = resources.files("dechaff.models").joinpath("blocks.json").read_text("utf-8")
    return BlockModel.from_json(json.loads(text))


_CAPTION_TOKENS = frozenset({"caption", "figcaption", "credit", "credits", "wp-caption-text"})
_COMMENT_RE = re.compile(r"(?:^|[^a-z])(?:comment|repl(?:y|ies)|disqus|respond)")


def is_caption(page: Page, block: Block) -> bool:
    """A caption: inside ``<figure>``/``<figcaption>``, or in an element named as a caption."""
    if block.flags & (IN_CAPTION | IN_FIGURE):
        return True
    for index in page.ancestors(block.element)[:3]:
        if _CAPTION_TOKENS.intersection(page.elements[index].tokens):
            return True
    return False


def comment_containers(page: Page, block: Block) -> list[int]:
    """The ancestors whose class/id names comments, innermost first."""
    found = []
    for index in page.ancestors(block.element):
        classid = page.elements[index].classid
        if classid and _COMMENT_RE.search(classid):
            found.append(index)
    return found
