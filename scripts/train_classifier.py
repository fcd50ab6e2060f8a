"""Train dechaff's block classifier on wcxb-dev (CC-BY-4.0); writes src/dechaff/models/blocks.json.

Labels come from aligning each block's text with the gold main content: a block is ``main``
when most of its word 4-grams (or, for short blocks, its whole word sequence) occur in the gold.
Never train on dragnet (evaluation only). aeb is held out for evaluation too.

Usage: .venv/bin/python scripts/train_classifier.py [--data ../shared/data] [--jobs 2]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from dechaff.bench.scoring import score_page_text
from dechaff.blocks import cut_blocks
from dechaff.decode import decode
from dechaff.features import (
    CONTEXT_NAMES,
    FEATURE_NAMES,
    class_tokens,
    context_features,
    page_features,
)
from dechaff.metadata import extract_metadata
from dechaff.parse import parse

WORD = re.compile(r"\w+")
LABEL_SHARE = 0.5
MODEL_PATH = Path(__file__).resolve().parent.parent / "src" / "dechaff" / "models" / "blocks.json"


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def label_blocks(block_texts: list[str], gold: str) -> list[int]:
    gtoks = tokens(gold)
    shingles = {tuple(gtoks[i : i + 4]) for i in range(max(len(gtoks) - 3, 0))}
    joined = " " + " ".join(gtoks) + " "
    out = []
    for text in block_texts:
        toks = tokens(text)
        if not toks:
            out.append(0)
        elif len(toks) < 4:
            out.append(1 if " " + " ".join(toks) + " " in joined else 0)
        else:
            sh = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
            hit = sum(1 for s in sh if s in shingles)
            out.append(1 if hit / len(sh) >= LABEL_SHARE else 0)
    return out


def page_rows(args: tuple[str, str, dict[str, Any]]) -> dict[str, Any] | None:
    path, dataset, gold = args
    with gzip.open(path) as fh:
        raw = fh.read()
    html = decode(raw).text
    tree = parse(html)
    meta = extract_metadata(tree, gold.get("url"))
    page = cut_blocks(tree)
    if not page.blocks:
        return None
    texts = [b.text for b in page.blocks]
    labels = label_blocks(texts, gold["text"] or "")
    toks = [dict(_merge(class_tokens(page, b))) for b in page.blocks]
    near = [_near_tokens(page, b.element) for b in page.blocks]
    words = [len(WORD.findall(t)) + 1 for t in texts]
    return {
        "id": gold["id"], "dataset": dataset, "domain": gold.get("domain") or gold["id"],
        "title": meta.title, "labels": labels, "tokens": toks, "near": near, "words": words,
        "texts": texts, "gold": gold["text"] or "", "page_type": gold.get("page_type", ""),
        "page": page,
    }


def _near_tokens(page: Any, element: int) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    el = page.elements[element]
    for tok in el.tokens:
        out[tok] += 1.0
    if el.parent >= 0:
        for tok in page.elements[el.parent].tokens:
            out[tok] += 1.0
    return dict(out)


def _merge(pairs: list[tuple[str, float]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for tok, w in pairs:
        out[tok] += w
    return out


def load(data: Path, dataset: str, jobs: int) -> list[dict[str, Any]]:
    golds = [json.loads(line) for line in (data / dataset / "gold.jsonl").open()]
    work = []
    for g in golds:
        if g.get("text") is None:
            continue
        p = data / dataset / "pages" / f"{g['id']}.html.gz"
        if p.exists():
            work.append((str(p), dataset, g))
    with ProcessPoolExecutor(jobs) as pool:
        rows = [r for r in pool.map(page_rows, work, chunksize=8) if r is not None]
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--folds", type=int, default=4)
    args = ap.parse_args()
    rows = load(Path(args.data), "wcxb-dev", args.jobs)
    print(f"{len(rows)} pages, {sum(len(r['labels']) for r in rows)} blocks", file=sys.stderr)
    fit_and_export(rows, MODEL_PATH, folds=args.folds)
    return 0


def fit_tokens(rows: list[dict[str, Any]], key: str, c: float) -> dict[str, float]:
    """Logistic regression on class/id tokens; returns token -> weight (bias folded away)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X_dicts = [d for r in rows for d in r[key]]
    y = np.array([label for r in rows for label in r["labels"]])
    w = np.concatenate([np.array(r["words"], float) / sum(r["words"]) for r in rows])
    vec = DictVectorizer()
    X = vec.fit_transform(X_dicts)
    df = np.asarray((X != 0).sum(axis=0)).ravel()
    keep = df >= MIN_TOKEN_BLOCKS
    X = X[:, keep]
    names = np.array(vec.get_feature_names_out())[keep]
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(X, y, sample_weight=w * len(rows))
    return {str(n): float(v) for n, v in zip(names, clf.coef_[0], strict=True) if abs(v) > 1e-3}


MIN_TOKEN_BLOCKS = 30
TOKEN_C = 0.5


def features_for(rows: list[dict[str, Any]], tw: dict[str, float], nw: dict[str, float]) -> None:
    for r in rows:
        r["X"] = page_features(r["page"], r["title"], tw, nw)


def stack(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.vstack([r["X"] for r in rows])
    y = np.array([label for r in rows for label in r["labels"]])
    w = np.concatenate([np.array(r["words"], float) / sum(r["words"]) for r in rows])
    return X, y, w * len(rows)


GBM_PARAMS = {
    "n_estimators": 120, "num_leaves": 24, "max_depth": 6, "learning_rate": 0.08,
    "min_child_samples": 40, "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8,
    "reg_lambda": 1.0, "verbose": -1, "random_state": 0,
}


def fit_gbm(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> Any:
    import lightgbm as lgb

    clf = lgb.LGBMClassifier(**GBM_PARAMS)
    clf.fit(X, y, sample_weight=w)
    return clf


def predict(model: Any, X: np.ndarray) -> np.ndarray:
    return model.predict_proba(X)[:, 1]


def shingle_f1(pred: str, gold: str) -> tuple[float | None, float | None]:
    """Page precision and recall with the benchmark's own scoring."""
    match = score_page_text(gold, pred).shingle
    return match.precision, match.recall


def evaluate(
    rows: list[dict[str, Any]], probs: list[np.ndarray], threshold: float
) -> dict[str, float]:
    ps, rs = [], []
    by_type: dict[str, list[float]] = defaultdict(list)
    for r, pr in zip(rows, probs, strict=True):
        text = "\n".join(t for t, p in zip(r["texts"], pr, strict=True) if p >= threshold)
        p, rc = shingle_f1(text, r["gold"])
        if p is not None:
            ps.append(p)
        if rc is not None:
            rs.append(rc)
        if p is not None and rc is not None and p + rc > 0:
            by_type[r["page_type"]].append(2 * p * rc / (p + rc))
    P, R = float(np.mean(ps)), float(np.mean(rs))
    out = {"P": P, "R": R, "F1": 2 * P * R / (P + R)}
    out.update({k: float(np.mean(v)) for k, v in by_type.items()})
    return out


def fit_and_export(rows: list[dict[str, Any]], path: Path, folds: int) -> None:
    from sklearn.model_selection import GroupKFold

    groups = [r["domain"] for r in rows]
    splits = list(GroupKFold(n_splits=folds).split(rows, groups=groups))
    # Token weights out of fold, so the trees do not learn to trust memorised class names.
    for tr, te in splits:
        train = [rows[i] for i in tr]
        tw, nw = fit_tokens(train, "tokens", TOKEN_C), fit_tokens(train, "near", TOKEN_C)
        features_for([rows[i] for i in te], tw, nw)
    # Stage 1 out of fold, then context features from its P(main).
    p1: list[np.ndarray] = [np.zeros(0)] * len(rows)
    for tr, te in splits:
        model = fit_gbm(*stack([rows[i] for i in tr]))
        for i in te:
            p1[i] = predict(model, rows[i]["X"])
    print(f"stage1 OOF: {evaluate(rows, p1, 0.5)}", file=sys.stderr)
    for r, p in zip(rows, p1, strict=True):
        r["X1"] = r["X"]
        r["X"] = np.hstack([r["X1"], context_features(r["page"], p)])
    p2: list[np.ndarray] = [np.zeros(0)] * len(rows)
    for tr, te in splits:
        model = fit_gbm(*stack([rows[i] for i in tr]))
        for i in te:
            p2[i] = predict(model, rows[i]["X"])
    for t in (0.3, 0.4, 0.5, 0.6):
        print(f"stage2 OOF t={t}: {evaluate(rows, p2, t)}", file=sys.stderr)
    final2 = fit_gbm(*stack(rows))
    for r in rows:
        r["X"] = r["X1"]
    final1 = fit_gbm(*stack(rows))
    tw, nw = fit_tokens(rows, "tokens", TOKEN_C), fit_tokens(rows, "near", TOKEN_C)
    export(final1, final2, tw, nw, path)


def _trees(model: Any) -> dict[str, Any]:
    """Flatten the trees into arrays (leaves loop to themselves) for numpy evaluation."""
    dump = model.booster_.dump_model()
    feat: list[int] = []
    thr: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []

    def add(node: dict[str, Any]) -> int:
        i = len(feat)
        feat.append(0)
        thr.append(1e300)
        left.append(i)
        right.append(i)
        value.append(0.0)
        if "split_feature" not in node:
            value[i] = float(node.get("leaf_value", 0.0))
            return i
        assert node["decision_type"] == "<="
        feat[i] = int(node["split_feature"])
        thr[i] = float(node["threshold"])
        left[i] = add(node["left_child"])
        right[i] = add(node["right_child"])
        return i

    for tree in dump["tree_info"]:
        roots.append(add(tree["tree_structure"]))
    return {"depth": GBM_PARAMS["max_depth"], "roots": roots, "feature": feat, "threshold": thr,
            "left": left, "right": right, "value": value}


def export(m1: Any, m2: Any, tw: dict[str, float], nw: dict[str, float], path: Path) -> None:
    data = {
        "format": "dechaff-blocks-gbm/2",
        "trained_on": "wcxb-dev (CC-BY-4.0, Murrough Foley); see NOTICE",
        "features": list(FEATURE_NAMES),
        "context_features": list(CONTEXT_NAMES),
        "stage1": _trees(m1),
        "stage2": _trees(m2),
        "token_weights": {k: round(v, 5) for k, v in sorted(tw.items())},
        "near_weights": {k: round(v, 5) for k, v in sorted(nw.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, separators=(",", ":")))
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
