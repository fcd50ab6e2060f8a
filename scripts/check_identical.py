"""Check that an optimisation changed nothing: blocks, features, probabilities and articles.

``python scripts/check_identical.py dump REF [N]`` writes the reference for N pages (default 50)
from each of aeb, wcxb-dev and dragnet; ``python scripts/check_identical.py compare REF [N]``
recomputes everything with the current code and reports every difference. ``REF`` is a path
prefix: the JSON part goes to ``REF.json`` and the feature matrices to ``REF.npz``.

The reference must come from the code before the change being checked, with everything else
equal: e.g. run ``dump`` with ``PYTHONPATH`` pointing at a copy of ``src`` where only that change
is undone. When the model is retrained or assemble rules change, make a new reference.
"""

from __future__ import annotations

import dataclasses
import glob
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

import dechaff
from dechaff.blocks import cut_blocks
from dechaff.classify import default_model
from dechaff.decode import decode
from dechaff.features import context_features, page_features
from dechaff.metadata import extract_metadata
from dechaff.parse import parse

DATASETS = ("aeb", "wcxb-dev", "dragnet")
PAGES_PER_DATASET = 50
TOLERANCE = 1e-9
"""Largest difference allowed between a feature or probability and its reference."""
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "all-on": {"include_links": True, "include_comments": True, "favor": "recall"},
    "no-tables": {"include_tables": False, "favor": "precision"},
}
"""``extract`` options compared for every page (covering links, comments and tables)."""


def _pages(per_dataset: int) -> list[tuple[str, str]]:
    out = []
    for ds in DATASETS:
        files = sorted(glob.glob(f"/work/shared/data/{ds}/pages/*.html.gz"))[:per_dataset]
        for f in files:
            with gzip.open(f) as fh:
                out.append((f"{ds}/{Path(f).name}", decode(fh.read()).text))
    return out


def _one(html: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    model = default_model()
    tree = parse(html)
    meta = extract_metadata(tree)
    page = cut_blocks(tree)
    x1 = page_features(page, meta.title, model.token_weights, model.near_weights)
    p1 = model.stage1.probabilities(x1)
    x2 = context_features(page, p1) if len(x1) else np.zeros((0, 0))
    p2 = model.stage2.probabilities(np.hstack([x1, x2])) if len(x1) else p1
    linked = cut_blocks(parse(html), include_links=True)
    record = {
        "meta": dataclasses.asdict(meta),
        "blocks": [
            [b.index, b.text, b.markdown, b.tag, b.flags, b.element, b.chars, b.link_chars,
             b.links, b.offset]
            for b in page.blocks
        ],
        "linked_markdown": [b.markdown for b in linked.blocks],
        "elements": [
            [e.tag, e.parent, e.depth, e.flags, e.classid, list(e.tokens), e.href, e.chars,
             e.link_chars, e.n_blocks, e.n_paragraphs, e.first_block, e.last_block]
            for e in page.elements
        ],
        "articles": {
            name: dechaff.extract(html, **opts).to_dict() for name, opts in VARIANTS.items()
        },
    }
    arrays = {"x1": x1, "x2": x2, "p1": p1, "p2": p2}
    return record, arrays


def dump(ref: str, per_dataset: int = PAGES_PER_DATASET) -> None:
    records: dict[str, Any] = {}
    arrays: dict[str, np.ndarray] = {}
    for key, html in _pages(per_dataset):
        record, arr = _one(html)
        records[key] = record
        for name, a in arr.items():
            arrays[f"{key}|{name}"] = a
    Path(f"{ref}.json").write_text(json.dumps(records, ensure_ascii=False))
    np.savez_compressed(f"{ref}.npz", **arrays)  # type: ignore[arg-type]
    print(f"wrote {len(records)} pages to {ref}.json / {ref}.npz")


def compare(ref: str, per_dataset: int = PAGES_PER_DATASET) -> int:
    records = json.loads(Path(f"{ref}.json").read_text())
    arrays = np.load(f"{ref}.npz")
    bad = 0
    worst = 0.0
    for key, html in _pages(per_dataset):
        record, arr = _one(html)
        record = json.loads(json.dumps(record, ensure_ascii=False))
        want = records[key]
        for part in want:
            if record[part] != want[part]:
                bad += 1
                print(f"DIFF {key}: {part}")
        for name, a in arr.items():
            b = arrays[f"{key}|{name}"]
            if a.shape != b.shape:
                bad += 1
                print(f"DIFF {key}: {name} shape {a.shape} != {b.shape}")
                continue
            diff = float(np.max(np.abs(a - b))) if a.size else 0.0
            worst = max(worst, diff)
            if diff > TOLERANCE:
                bad += 1
                print(f"DIFF {key}: {name} max |diff| {diff:.3g}")
    print(f"{len(records)} pages, {bad} differences, largest numeric difference {worst:.3g}")
    return 1 if bad else 0


if __name__ == "__main__":
    mode, ref_path = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else PAGES_PER_DATASET
    if mode == "dump":
        dump(ref_path, count)
    else:
        sys.exit(compare(ref_path, count))
