"""Quality floor: dechaff on fixed samples of aeb and wcxb-dev stays at or above the F1 floors
recorded in ``tests/quality/floors.json`` (the benchmark's scoring, a few seconds in all).

The samples are deterministic: the first ``AEB_SAMPLE`` aeb pages and every ``WCXB_STRIDE``-th
wcxb-dev page (ids in sorted order, gold text present). The data sets live beside the checkout
(``../shared/data``), as in CI; without them the test is skipped with that reason.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import dechaff
from dechaff.bench.scoring import score_page_text, shingle_prf
from dechaff.decode import decode

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
FLOORS = json.loads((Path(__file__).parent / "quality" / "floors.json").read_text("utf-8"))
AEB_SAMPLE = 40
"""Enough aeb pages to notice a regression of a point, small enough to run in a second."""
WCXB_STRIDE = 10
"""Every tenth wcxb-dev page: ~135 pages over all seven page types."""


def _sample(name: str) -> list[dict[str, str]]:
    gold = DATA / name / "gold.jsonl"
    if not gold.exists():
        pytest.skip(f"{gold} not found: the shared data sets sit beside the checkout in CI")
    rows = [json.loads(line) for line in gold.read_text("utf-8").splitlines() if line.strip()]
    rows = sorted((r for r in rows if r.get("text")), key=lambda r: r["id"])
    return rows[:AEB_SAMPLE] if name == "aeb" else rows[::WCXB_STRIDE]


def _f1(name: str) -> float:
    scores = []
    for row in _sample(name):
        raw = gzip.decompress((DATA / name / "pages" / f"{row['id']}.html.gz").read_bytes())
        article = dechaff.extract(decode(raw).text, row.get("url"))
        scores.append(score_page_text(row["text"], article.text).shingle)
    return shingle_prf(scores)[0]


@pytest.mark.parametrize("name", ["aeb", "wcxb-dev"])
def test_quality_floor(name: str) -> None:
    f1 = _f1(name)
    assert f1 >= FLOORS[name], f"{name}: F1 {f1:.4f} fell below the recorded floor {FLOORS[name]}"
