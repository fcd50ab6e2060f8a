"""Train the line keeper shipped in ``src/dechaff/models/lines.json``.

Usage::

    .venv/bin/python scripts/train_line_model.py [--data DIR] [--cache DIR] [--folds N]
        [--out PATH] [--no-export]

Training data: the input texts of ``dechaff bench --task clean`` (resiliparse, html-text and
trafilatura output, cached under ``/tmp/dechaff-clean-inputs``) for **wcxb-dev and aeb only**
(dragnet stays held out). Each line is labelled by aligning it to the page's gold text with the
benchmark's own tokens and 4-token shingles: a line of four tokens or more belongs to the article
when at least half of its shingles are gold shingles; a shorter line when the shingle it starts
or ends (with its neighbours' tokens) is a gold shingle. Lines are weighted by their share of
the page's tokens (the score averages pages, not lines). Gradient-boosted trees (LightGBM) are fit
on :func:`dechaff.line_features.line_matrix`, first out of fold (grouped by site) to report
before/after scores and pick the cut-offs per ``favor``, then on everything for export.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from dechaff.bench.clean_task import DEFAULT_CACHE, DEFAULT_DATA, STYLES, load_inputs
from dechaff.bench.datasets import load_dataset
from dechaff.bench.scoring import aggregate_text, score_page_text, tokenize
from dechaff.clean import Cleaned, _assemble
from dechaff.line_features import LINE_FEATURE_NAMES, line_features
from dechaff.line_model import MODEL_FORMAT, first_matrix
from dechaff.line_rules import decide, name_lines
from dechaff.lines import split_lines

TRAIN_SETS = ("wcxb-dev", "aeb")
"""Never dragnet: it is the held-out evaluation set."""
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "dechaff" / "models" / "lines.json"
SHINGLE = 4
LINE_SHARE = 0.5
"""A line of SHINGLE tokens or more is gold when this share of its shingles are."""
GBM_PARAMS: dict[str, Any] = {
    "n_estimators": 150, "num_leaves": 24, "max_depth": 6, "learning_rate": 0.08,
    "min_child_samples": 40, "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8,
    "reg_lambda": 1.0, "verbose": -1, "random_state": 0,
}
SWEEP = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
"""P(keep) cut-offs tried for ``favor="balanced"``."""
RECALL_KEPT = {"resiliparse": 0.97, "html-text": 0.95}
"""Share of each input style's recall the balanced cut-off must keep (issue 4)."""
PRECISION_STEP = 0.2
"""``favor="precision"`` keeps only lines this much more likely than the balanced cut-off."""
RECALL_FACTOR = 0.5
"""``favor="recall"`` keeps lines down to half the balanced cut-off."""


def line_labels(texts: Sequence[str], gold: str) -> list[int]:
    """1 for a line that belongs to the gold text, by shingle alignment (see module doc)."""
    gold_tokens = tokenize(gold)
    gold_set = {tuple(gold_tokens[i : i + SHINGLE]) for i in range(len(gold_tokens) - SHINGLE + 1)}
    vocabulary = set(gold_tokens)
    per_line = [tokenize(text) for text in texts]
    flat = [token for tokens in per_line for token in tokens]
    labels, at = [], 0
    for tokens in per_line:
        k = len(tokens)
        if k >= SHINGLE:
            own = [tuple(tokens[i : i + SHINGLE]) for i in range(k - SHINGLE + 1)]
            labels.append(int(sum(s in gold_set for s in own) >= LINE_SHARE * len(own)))
        elif k:
            starts = tuple(flat[at : at + SHINGLE]) if at + SHINGLE <= len(flat) else None
            ends = tuple(flat[at + k - SHINGLE : at + k]) if at + k >= SHINGLE else None
            if starts is None and ends is None:
                labels.append(int(all(t in vocabulary for t in tokens)))
            else:
                labels.append(int(starts in gold_set or ends in gold_set))
        else:
            labels.append(0)
        at += k
    return labels


def page_rows(dataset: str, style: str, page_id: str, text: str, gold: str, group: str
              ) -> dict[str, Any]:
    lines = split_lines(text)
    features = line_features(lines)
    naming = name_lines(features)
    matrix = first_matrix(features, naming)
    labels = line_labels([line.text for line in lines], gold)
    tokens = np.array([len(tokenize(line.text)) for line in lines], dtype=np.float64)
    weights = tokens / tokens.sum() if tokens.sum() else np.zeros(len(lines))
    return {
        "dataset": dataset, "style": style, "id": page_id, "group": group, "text": text,
        "gold": gold, "lines": lines, "features": features, "naming": naming, "X1": matrix,
        "y": np.array(labels), "w": weights,
    }


def load_rows(data: Path, cache: Path) -> list[dict[str, Any]]:
    rows = []
    for name in TRAIN_SETS:
        dataset = load_dataset(data / name)
        raw = {
            r["id"]: r for r in map(json.loads, (data / name / "gold.jsonl").open(encoding="utf-8"))
        }
        gold = {r.id: r.text for r in dataset.records if r.text is not None}
        for style in STYLES:
            inputs = load_inputs(dataset, style, cache, 2, None)
            for page_id, text in inputs.items():
                record = raw.get(page_id, {})
                group = record.get("domain") or urlsplit(record.get("url") or "").netloc or page_id
                rows.append(page_rows(name, style, page_id, text, gold[page_id] or "", group))
    balance(rows)
    return rows


def balance(rows: Sequence[dict[str, Any]]) -> None:
    """Each training set weighs the same in total (the evaluation averages sets, not pages)."""
    sizes = Counter(row["dataset"] for row in rows)
    for row in rows:
        row["w"] = row["w"] * (len(rows) / len(sizes)) / sizes[row["dataset"]]


def fit(rows: Sequence[dict[str, Any]], key: str) -> Any:
    import lightgbm as lgb

    x = np.vstack([r[key] for r in rows if len(r["y"])])
    y = np.concatenate([r["y"] for r in rows])
    w = np.concatenate([r["w"] for r in rows])
    model = lgb.LGBMClassifier(**GBM_PARAMS)
    model.fit(x, y, sample_weight=w)
    return model


def out_of_fold(
    rows: Sequence[dict[str, Any]], splits: Sequence[tuple[Any, Any]], key: str
) -> list[np.ndarray]:
    """P(keep) of every row's lines from a model that did not see the row's site."""
    out: list[np.ndarray] = [np.zeros(0)] * len(rows)
    for train, test in splits:
        model = fit([rows[i] for i in train], key)
        for i in test:
            x = rows[i][key]
            out[i] = model.predict_proba(x)[:, 1] if len(x) else np.zeros(0)
    return out


def cleaned(row: dict[str, Any], probabilities: np.ndarray, threshold: float) -> Cleaned:
    keep = [bool(p >= threshold) for p in probabilities]
    decisions = decide(row["features"], row["naming"], keep)
    return _assemble(row["text"], row["lines"], decisions)


def report(rows: Sequence[dict[str, Any]], probabilities: Sequence[np.ndarray]) -> float:
    """Print F1/recall before and at each cut-off; return the ``balanced`` cut-off.

    That is the one with the best mean F1 among those keeping, macro over the training sets,
    at least :data:`RECALL_KEPT` of each style's recall (issue 4's acceptance lines).
    """
    f1: dict[float, list[float]] = {t: [] for t in SWEEP}
    kept: dict[tuple[str, float], float] = {}
    for style in STYLES:
        picked = [(r, p) for r, p in zip(rows, probabilities, strict=True) if r["style"] == style]
        line, recall_before = [f"{style:12s}"], 0.0
        recall_after = dict.fromkeys(SWEEP, 0.0)
        for name in TRAIN_SETS:
            subset = [(r, p) for r, p in picked if r["dataset"] == name]
            before = aggregate_text([score_page_text(r["gold"], r["text"]) for r, _ in subset],
                                    bootstrap=False)
            recall_before += before.recall
            line.append(f"{name} before {before.f1:.3f}/{before.recall:.3f}")
            for t in SWEEP:
                after = aggregate_text(
                    [score_page_text(r["gold"], cleaned(r, p, t).text) for r, p in subset],
                    bootstrap=False,
                )
                line.append(f"t{t}: {after.f1:.3f}/{after.recall:.3f}")
                f1[t].append(after.f1)
                recall_after[t] += after.recall
        for t in SWEEP:
            kept[style, t] = recall_after[t] / max(recall_before, 1e-9)
        print("  ".join(line), file=sys.stderr)
    mean = {t: float(np.mean(v)) for t, v in f1.items()}
    allowed = [t for t in SWEEP if all(kept[s, t] >= share for s, share in RECALL_KEPT.items())]
    print(f"mean F1 by cut-off: {mean}", file=sys.stderr)
    print(f"cut-offs keeping the recall targets: {allowed}", file=sys.stderr)
    return max(allowed or [min(SWEEP)], key=lambda t: mean[t])


def export_trees(model: Any) -> dict[str, Any]:
    """The trees as arrays (a leaf points to itself), the format ``classify.Trees`` reads."""
    dump = model.booster_.dump_model()
    arrays: dict[str, list[Any]] = {k: [] for k in ("feature", "threshold", "left", "right",
                                                     "value")}
    roots: list[int] = []

    def add(node: dict[str, Any]) -> int:
        index = len(arrays["feature"])
        for key, default in (("feature", 0), ("threshold", 1e300), ("left", index),
                             ("right", index), ("value", 0.0)):
            arrays[key].append(default)
        if "split_feature" not in node:
            arrays["value"][index] = round(float(node.get("leaf_value", 0.0)), 6)
            return index
        if node["decision_type"] != "<=":
            raise ValueError(f"unexpected split {node['decision_type']}")
        arrays["feature"][index] = int(node["split_feature"])
        arrays["threshold"][index] = float(node["threshold"])
        arrays["left"][index] = add(node["left_child"])
        arrays["right"][index] = add(node["right_child"])
        return index

    for tree in dump["tree_info"]:
        roots.append(add(tree["tree_structure"]))
    return {"depth": GBM_PARAMS["max_depth"], "roots": roots, **arrays}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args(argv)
    from sklearn.model_selection import GroupKFold

    rows = load_rows(args.data, args.cache)
    print(f"{len(rows)} documents, {sum(len(r['y']) for r in rows)} lines", file=sys.stderr)
    groups = [r["group"] for r in rows]
    splits = list(GroupKFold(n_splits=args.folds).split(rows, groups=groups))
    probabilities = out_of_fold(rows, splits, "X1")
    balanced = report(rows, probabilities)
    if args.no_export:
        return 0
    data = {
        "format": MODEL_FORMAT,
        "trained_on": "wcxb-dev (CC-BY-4.0, Murrough Foley) and aeb (MIT, Scrapinghub); "
                      "see NOTICE",
        "features": list(LINE_FEATURE_NAMES),
        "thresholds": {"precision": round(balanced + PRECISION_STEP, 2), "balanced": balanced,
                       "recall": round(balanced * RECALL_FACTOR, 2)},
        "trees": export_trees(fit(rows, "X1")),
    }
    args.out.write_text(json.dumps(data, separators=(",", ":")))
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
