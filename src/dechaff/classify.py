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
from dechaff.features import FEATURE_NAMES, FloatArray


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


THRESHOLDS = {"precision": 0.65, "balanced": 0.5, "recall": 0.3}
"""P(main) above which a block is kept, per ``favor``: the balanced value is the trained optimum."""


@dataclass(frozen=True, slots=True)
class BlockModel:
    """A small MLP (ReLU hidden layers, sigmoid output) over standardised block features."""

    mean: FloatArray
    scale: FloatArray
    layers: tuple[tuple[FloatArray, FloatArray], ...]
    token_weights: dict[str, float]
    near_weights: dict[str, float]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BlockModel:
        if tuple(data["features"]) != FEATURE_NAMES:
            raise ValueError("block model was trained on other features; retrain it")
        layers = tuple(
            (np.asarray(layer["W"], dtype=np.float64), np.asarray(layer["b"], dtype=np.float64))
            for layer in data["layers"]
        )
        return cls(
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            layers=layers,
            token_weights=dict(data["token_weights"]),
            near_weights=dict(data["near_weights"]),
        )

    def probabilities(self, features: FloatArray) -> FloatArray:
        """P(main) for each row of ``features``."""
        if features.shape[0] == 0:
            return np.zeros(0)
        x = (features - self.mean) / self.scale
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < last:
                np.maximum(x, 0.0, out=x)
        out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(x[:, 0], -50, 50)))
        return out


@lru_cache(maxsize=1)
def default_model() -> BlockModel:
    """The shipped block model (loaded once per process; read-only afterwards)."""
    text = resources.files("dechaff.models").joinpath("blocks.json").read_text("utf-8")
    return BlockModel.from_json(json.loads(text))


_CAPTION_TOKENS = frozenset({"caption", "figcaption", "credit", "credits", "wp-caption-text"})
_COMMENT_RE = re.compile(r"(?:^|[^a-z])(comment|comments|reply|replies|disqus|respond)(?:[^a-z]|$)")


def is_caption(page: Page, block: Block) -> bool:
    """A caption: inside ``<figure>``/``<figcaption>``, or in an element named as a caption."""
    if block.flags & (IN_CAPTION | IN_FIGURE):
        return True
    for index in page.ancestors(block.element)[:3]:
        if _CAPTION_TOKENS.intersection(page.elements[index].tokens):
            return True
    return False


def in_comments(page: Page, block: Block) -> bool:
    """Inside an element whose class/id names comments."""
    for index in page.ancestors(block.element):
        classid = page.elements[index].classid
        if classid and _COMMENT_RE.search(classid):
            return True
    return False
