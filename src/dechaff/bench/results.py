"""Turn a finished run into ``results.json`` (scores, timings, errors, ``_meta``) and compare runs.

Shape: ``{extractor: {dataset: {"f1", "f1_std", "precision", "recall", "word_f1", "exact", "n",
"ms_median", "ms_p95", "ms_mean", "errors", "by_page_type", "metadata", "snippets", ...}},
"_meta": {...}}``. Text figures are ``None`` for a dataset without text gold.
"""

from __future__ import annotations

import os
import platform
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from dechaff.bench.datasets import GoldRecord
from dechaff.bench.extractors import Prediction
from dechaff.bench.runner import MS_PER_SECOND, BenchmarkRun, DatasetRun, PageOutcome
from dechaff.bench.scoring import (
    BOOTSTRAP_ROUNDS,
    BOOTSTRAP_SEED,
    PageTextScore,
    aggregate_snippets,
    aggregate_text,
    authors_match,
    date_matches,
    score_page_text,
    snippet_shares,
    title_matches,
)

META_KEY = "_meta"
GATED_EXTRACTOR = "dechaff"
MAX_F1_DROP = 0.005
"""Largest F1 loss on a dataset that --compare lets pass: scores are deterministic, so any drop
is real; half a point is below one bootstrap std on AEB yet catches a lost page or two."""
P95 = 95  # percentile reported as the tail latency
VERSIONED_PACKAGES = ("dechaff", "trafilatura", "selectolax")

Results = dict[str, Any]
MetadataCheck = Callable[[Prediction, GoldRecord], "bool | None"]


def _check_title(pred: Prediction, gold: GoldRecord) -> bool | None:
    return title_matches(pred.title, gold.title) if gold.title else None


def _check_author(pred: Prediction, gold: GoldRecord) -> bool | None:
    return authors_match(pred.authors, gold.author) if gold.author else None


def _check_date(pred: Prediction, gold: GoldRecord) -> bool | None:
    return date_matches(pred.date, gold.date) if gold.date else None


METADATA_CHECKS: dict[str, MetadataCheck] = {
    "title": _check_title,
    "author": _check_author,
    "date": _check_date,
}


def _timing(outcomes: Sequence[PageOutcome]) -> dict[str, float | None]:
    """Median / p95 / mean ms and pages/s per core over pages whose text call did not raise."""
    ms = np.array([o.ms for o in outcomes if o.error is None])
    if ms.size == 0:
        return {"ms_median": None, "ms_p95": None, "ms_mean": None, "pages_per_s": None}
    mean = float(ms.mean())
    return {
        "ms_median": float(np.median(ms)),
        "ms_p95": float(np.percentile(ms, P95)),
        "ms_mean": mean,
        "pages_per_s": MS_PER_SECOND / mean if mean > 0 else None,  # one core: 1 s / mean time
    }


def _text_figures(pages: Sequence[PageTextScore], *, bootstrap: bool) -> dict[str, Any]:
    if not pages:
        keys = ("f1", "f1_std", "precision", "recall", "word_f1", "word_precision")
        return {**dict.fromkeys((*keys, "word_recall", "exact")), "n": 0}
    return dict(aggregate_text(pages, bootstrap=bootstrap).as_dict())


def _groups(
    scored: Sequence[tuple[GoldRecord, PageTextScore]], key: Callable[[GoldRecord], str | None]
) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[PageTextScore]] = defaultdict(list)
    for record, page in scored:
        group = key(record)
        if group:
            grouped[group].append(page)
    wanted = ("f1", "precision", "recall", "word_f1", "n")
    return {
        name: {k: v for k, v in _text_figures(pages, bootstrap=False).items() if k in wanted}
        for name, pages in sorted(grouped.items())
    }


METADATA_FIELDS: dict[str, Callable[[Prediction], object]] = {
    "title": lambda p: p.title,
    "author": lambda p: p.authors,
    "date": lambda p: p.date,
}


def _metadata(pairs: Sequence[tuple[GoldRecord, Prediction]]) -> dict[str, dict[str, Any]]:
    """Per field: accuracy over pages with gold, ``n`` such pages, and ``predicted``, the pages
    where the extractor gave a value at all (0: it does not extract that field)."""
    report: dict[str, dict[str, Any]] = {}
    for field_name, check in METADATA_CHECKS.items():
        judged = [(pred, v) for gold, pred in pairs if (v := check(pred, gold)) is not None]
        if judged:
            report[field_name] = {
                "accuracy": sum(v for _, v in judged) / len(judged),
                "n": len(judged),
                "predicted": sum(bool(METADATA_FIELDS[field_name](p)) for p, _ in judged),
            }
    return report


def _snippets(pairs: Sequence[tuple[GoldRecord, Prediction]]) -> dict[str, Any] | None:
    shares = [
        snippet_shares(pred.text, gold.with_, gold.without)
        for gold, pred in pairs
        if gold.has_snippets
    ]
    return aggregate_snippets(shares).as_dict() if shares else None


def score_extractor(run: DatasetRun, extractor: str) -> dict[str, Any]:
    """All figures for one extractor on one dataset."""
    records = [r for r in run.scored_records if extractor in run.outcomes[r.id]]  # caps
    outcomes = [run.outcomes[r.id][extractor] for r in records]
    pairs = [(r, o.prediction) for r, o in zip(records, outcomes, strict=True)]
    scored = [
        (r, o.score if o.score is not None else score_page_text(r.text, o.prediction.text))
        for r, o in zip(records, outcomes, strict=True)
        if r.text is not None
    ]
    extractor_errors = sum(o.error is not None for o in outcomes)
    figures: dict[str, Any] = _text_figures([s for _, s in scored], bootstrap=True)
    figures.update(_timing(outcomes))
    figures.update(
        pages=len(records),
        errors=len(run.problems) + extractor_errors,
        dataset_errors=len(run.problems),
        extractor_errors=extractor_errors,
        by_page_type=_groups(scored, lambda r: r.page_type),
        metadata=_metadata(pairs),
        snippets=_snippets(pairs),
    )
    by_language = _groups(scored, lambda r: r.language)
    if by_language:
        figures["by_language"] = by_language
    return figures


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def build_meta(
    run: BenchmarkRun, limit: int | None, skipped: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpu": _cpu_model(),
            "cores": os.cpu_count(),
        },
        "python": sys.version.split()[0],
        "versions": {name: _package_version(name) for name in VERSIONED_PACKAGES},
        "extractor_versions": {e.name: e.version for e in run.extractors},
        "datasets": {
            d.dataset.name: {
                "path": str(d.dataset.path),
                "pages": len(d.dataset.records),
                "selected": len(d.selected),
                "scored": len(d.outcomes),
                "problems": d.problems,
            }
            for d in run.datasets
        },
        "limit": limit,
        "jobs": run.jobs,
        "caps": run.caps,
        "skipped": dict(skipped or {}),
        "bootstrap": {"rounds": BOOTSTRAP_ROUNDS, "seed": BOOTSTRAP_SEED, "statistic": "std"},
        "interrupted": run.interrupted,
    }


def build_results(
    run: BenchmarkRun, limit: int | None = None, skipped: Mapping[str, str] | None = None
) -> Results:
    results: Results = {}
    for extractor in run.extractors:
        results[extractor.name] = {
            d.dataset.name: score_extractor(d, extractor.name)
            for d in run.datasets
            if d.outcomes or not run.interrupted
        }
    results[META_KEY] = build_meta(run, limit, skipped)
    return results


def extractor_results(results: Results) -> dict[str, dict[str, dict[str, Any]]]:
    """The results without ``_meta``."""
    return {k: v for k, v in results.items() if k != META_KEY}


def compare(
    new: Results, old: Results, extractor: str = GATED_EXTRACTOR
) -> tuple[list[str], bool]:
    """Per-dataset F1 deltas of ``extractor``; the flag is True if any drop exceeds the limit."""
    new_sets, old_sets = new.get(extractor, {}), old.get(extractor, {})
    lines: list[str] = []
    regressed = False
    for dataset in sorted(set(new_sets) & set(old_sets)):
        new_f1, old_f1 = new_sets[dataset].get("f1"), old_sets[dataset].get("f1")
        if new_f1 is None or old_f1 is None:
            lines.append(f"{extractor} {dataset}: no text F1 to compare")
            continue
        delta = new_f1 - old_f1
        failed = delta < -MAX_F1_DROP
        regressed |= failed
        verdict = f"REGRESSION (> {MAX_F1_DROP} drop)" if failed else "ok"
        old_n, new_n = old_sets[dataset].get("n"), new_sets[dataset].get("n")
        pages = f" [n {old_n} -> {new_n}: not the same pages]" if old_n != new_n else ""
        lines.append(
            f"{extractor} {dataset}: F1 {old_f1:.4f} -> {new_f1:.4f} ({delta:+.4f}) {verdict}"
            + pages
        )
    for dataset in sorted(set(old_sets) - set(new_sets)):
        lines.append(f"{extractor} {dataset}: in the old results only (not compared)")
    return lines, regressed


def load_results(path: Path) -> Results:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a results object")
    return data
