"""Time each extraction stage on real pages: ``python scripts/profile_stages.py [DATASET] [N]``.

Stages as in ``dechaff.extract``: parse, metadata, blocks, features (stage 1), trees (stage 1),
context features, trees (stage 2), assemble, render. Each page is run ``REPEATS`` times and its
fastest run counts (timer noise only ever adds time); the medians over pages are printed.
"""

from __future__ import annotations

import glob
import gzip
import statistics
import sys
import time
from itertools import pairwise

import numpy as np

import dechaff
from dechaff.assemble import assemble
from dechaff.blocks import cut_blocks
from dechaff.classify import THRESHOLDS, default_model
from dechaff.decode import decode
from dechaff.features import context_features, page_features
from dechaff.metadata import extract_metadata
from dechaff.parse import parse
from dechaff.render import render_html, render_markdown, render_text

REPEATS = 3
CLOCK = time.thread_time
"""CPU time of this thread: steadier than wall time when other processes share the cores."""
STAGES = ("parse", "meta", "blocks", "feat1", "tree1", "ctx", "tree2", "assemble", "render")


def time_page(html: str) -> list[float]:
    """Milliseconds per stage for one page."""
    model = default_model()
    marks = [CLOCK()]
    tree = parse(html)
    marks.append(CLOCK())
    meta = extract_metadata(tree)
    marks.append(CLOCK())
    page = cut_blocks(tree)
    marks.append(CLOCK())
    x1 = page_features(page, meta.title, model.token_weights, model.near_weights)
    marks.append(CLOCK())
    p1 = model.stage1.probabilities(x1)
    marks.append(CLOCK())
    x2 = np.vstack([x1.T, context_features(page, p1).T]).T if len(x1) else x1
    marks.append(CLOCK())
    p2 = model.stage2.probabilities(x2) if len(x1) else p1
    marks.append(CLOCK())
    parts = assemble(page, p2.tolist(), meta, THRESHOLDS["balanced"])
    marks.append(CLOCK())
    render_text(page, parts.body)
    render_markdown(page, parts.body, meta.title)
    render_html(page, parts.body, meta.title)
    marks.append(CLOCK())
    return [(b - a) * 1000 for a, b in pairwise(marks)]


def main(dataset: str, n_pages: int) -> None:
    files = sorted(glob.glob(f"/work/shared/data/{dataset}/pages/*.html.gz"))[:n_pages]
    docs = []
    for f in files:
        with gzip.open(f) as fh:
            docs.append(decode(fh.read()).text)
    dechaff.extract(docs[0])  # load the model, build lazy tables
    per_page = []
    for html in docs:
        runs = [time_page(html) for _ in range(REPEATS)]
        best = min(runs, key=sum)
        per_page.append([*best, sum(best)])
    for i, name in enumerate((*STAGES, "total")):
        column = [row[i] for row in per_page]
        print(f"{name:9s} median {statistics.median(column):6.2f} ms  "
              f"mean {statistics.mean(column):6.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "aeb", int(sys.argv[2]) if len(sys.argv) > 2 else 80)
