"""Measure ``dechaff.clean_text`` on already-extracted text, against line-filter baselines.

Usage::

    dechaff bench --task clean [--data DIR] [--dataset NAME ...] [--style NAME ...]
        [--limit N] [--cache DIR] [--jobs N] [--json OUT]

For each dataset (``DIR/<name>/pages/<id>.html.gz`` + ``gold.jsonl``) the script makes the input
texts users actually hold, in three styles:

- ``resiliparse``: ``extract_plain_text(html, main_content=True)`` (DCLM-style main content);
- ``html-text``: ``html_text.extract_text(html)`` (full-page text dump);
- ``trafilatura``: ``trafilatura.extract(html)`` (as the project's bench calls it).

Inputs are cached as JSONL under ``--cache`` (default ``/tmp/dechaff-clean-inputs``), so reruns
only clean and score. Each input is then scored against gold with the project's scorer
(``dechaff.bench.scoring``: 4-gram shingle F1, macro P and R over pages) unchanged ("before"),
after ``clean_text`` ("dechaff"), and after three line-filter baselines written here from their
published descriptions: C4's line rules, Gopher-style line rules and RefinedWeb-style line
corrections. The table gives F1 / P / R per style and dataset, the macro over datasets, and the
clean_text throughput on aeb's documents (per second of CPU time, one process).

dragnet is evaluation only: clean_text is developed on wcxb-dev and aeb.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dechaff import clean_text
from dechaff.bench.datasets import Dataset, load_dataset
from dechaff.bench.extractors import get_extractor
from dechaff.bench.runner import read_html
from dechaff.bench.scoring import aggregate_text, score_page_text

DEFAULT_DATA = Path("..") / "shared" / "data"
"""The shared data sets, beside the checkout (as ``dechaff bench`` finds them)."""
DEFAULT_CACHE = Path("/tmp/dechaff-clean-inputs")
DATASETS = ("aeb", "wcxb-dev", "dragnet")
STYLES = ("resiliparse", "html-text", "trafilatura")

Method = Callable[[str], str]


# ---------------------------------------------------------------------------------------------
# Input texts, cached


@lru_cache(maxsize=4)
def _dataset(data_dir: str) -> Dataset:
    return load_dataset(Path(data_dir))


def _extract_one(job: tuple[str, str, str]) -> tuple[str, str]:
    """(id, text) of one page in one style; a failing extractor gives an empty text."""
    data_dir, style, page_id = job
    dataset = _dataset(data_dir)
    try:
        html = read_html(dataset, page_id)
        return page_id, get_extractor(style).text(html, None).text
    except Exception as exc:  # one page failing must not stop the run
        print(f"{dataset.name}/{page_id} ({style}): {type(exc).__name__}: {exc}", file=sys.stderr)
        return page_id, ""


def load_inputs(
    dataset: Dataset, style: str, cache: Path, jobs: int, limit: int | None
) -> dict[str, str]:
    """Input texts of ``style`` for the dataset's pages, from the cache or made now."""
    path = cache / dataset.name / f"{style}.jsonl"
    texts: dict[str, str] = {}
    if path.is_file():
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                texts[record["id"]] = record["text"]
    wanted = [r.id for r in dataset.select(limit) if r.text is not None]
    missing = [page_id for page_id in wanted if page_id not in texts]
    if missing:
        print(f"making {len(missing)} {style} inputs for {dataset.name}...", file=sys.stderr)
        path.parent.mkdir(parents=True, exist_ok=True)
        jobs_list = [(str(dataset.path), style, page_id) for page_id in missing]
        with path.open("a", encoding="utf-8") as out, ProcessPoolExecutor(jobs) as pool:
            for page_id, text in pool.map(_extract_one, jobs_list, chunksize=4):
                texts[page_id] = text
                out.write(json.dumps({"id": page_id, "text": text}, ensure_ascii=False) + "\n")
    return {page_id: texts[page_id] for page_id in wanted}


# ---------------------------------------------------------------------------------------------
# Line-filter baselines (simple versions written from the papers' descriptions)

C4_MIN_WORDS = 3
"""C4 drops lines with fewer than 3 words."""
C4_ENDINGS = (".", "?", "!", '"', "'", "”", "’")
"""C4 keeps only lines ending in terminal punctuation (or a closing quote)."""
C4_BAD_PHRASES = (
    "javascript",
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
"""C4 drops lines mentioning JavaScript or a policy/cookie notice."""
_C4_CITATION_RE = re.compile(r"\[\d+\]|\[edit\]|\[citation needed\]", re.IGNORECASE)

GOPHER_BULLETS = ("•", "●", "◦", "‣", "-", "*", "·", "–", "—")
"""Gopher counts lines starting with a bullet as list noise."""
GOPHER_ELLIPSES = ("...", "…")
"""Gopher counts lines ending in an ellipsis as truncated."""

REFINEDWEB_UPPER_RATIO = 0.5
"""RefinedWeb drops lines more than half upper case."""
REFINEDWEB_MIN_WORDS = 2
"""RefinedWeb drops lines of fewer than 2 words."""
_COUNTER_RE = re.compile(
    r"^\s*\d[\d.,]*\s*[kKmM]?\s*(likes?|shares?|comments?|retweets?|views?|followers?)\s*$",
    re.IGNORECASE,
)
_NUMERIC_RE = re.compile(r"^[\W\d_]+$")


def _filter_lines(text: str, keep: Callable[[str], bool]) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip() and keep(line.strip()))


def c4_lines(text: str) -> str:
    """C4's line rules: terminal punctuation, ≥ 3 words, no javascript / policy lines."""

    def keep(line: str) -> bool:
        lowered = line.lower()
        if not line.endswith(C4_ENDINGS) or line.endswith(GOPHER_ELLIPSES):
            return False
        if len(line.split()) < C4_MIN_WORDS:
            return False
        return not any(phrase in lowered for phrase in C4_BAD_PHRASES)

    return _C4_CITATION_RE.sub("", _filter_lines(text, keep))


def gopher_lines(text: str) -> str:
    """Gopher-style line rules: drop bullet lines, ellipsis-ended lines and repeated lines."""
    seen: set[str] = set()

    def keep(line: str) -> bool:
        if line.startswith(GOPHER_BULLETS) or line.endswith(GOPHER_ELLIPSES):
            return False
        if line in seen:
            return False
        seen.add(line)
        return True

    return _filter_lines(text, keep)


def refinedweb_lines(text: str) -> str:
    """RefinedWeb-style line corrections: upper-case, numeric, counter and one-word lines."""

    def keep(line: str) -> bool:
        letters = [c for c in line if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) / len(letters) > REFINEDWEB_UPPER_RATIO:
            return False
        if _NUMERIC_RE.match(line) or _COUNTER_RE.match(line):
            return False
        return len(line.split()) >= REFINEDWEB_MIN_WORDS

    return _filter_lines(text, keep)


def dechaff_clean(text: str) -> str:
    return clean_text(text).text


METHODS: dict[str, Method] = {
    "before": lambda text: text,
    "dechaff": dechaff_clean,
    "c4-lines": c4_lines,
    "gopher-lines": gopher_lines,
    "refinedweb-lines": refinedweb_lines,
}


# ---------------------------------------------------------------------------------------------
# Scoring and the table


@dataclass(frozen=True, slots=True)
class Cell:
    f1: float
    precision: float
    recall: float


def score(gold: dict[str, str], outputs: dict[str, str]) -> Cell:
    pages = [score_page_text(gold[page_id], outputs[page_id]) for page_id in outputs]
    scores = aggregate_text(pages, bootstrap=False)
    return Cell(scores.f1, scores.precision, scores.recall)


def _macro(cells: Sequence[Cell]) -> Cell:
    n = len(cells)
    return Cell(
        sum(c.f1 for c in cells) / n,
        sum(c.precision for c in cells) / n,
        sum(c.recall for c in cells) / n,
    )


def _fmt(cell: Cell) -> str:
    return f"{cell.f1:.3f} / {cell.precision:.3f} / {cell.recall:.3f}"


def table(results: dict[str, dict[str, dict[str, Cell]]], datasets: Sequence[str]) -> str:
    """Markdown: one block per style, a row per dataset plus the macro, a column per method."""
    out = ["| style | dataset | " + " | ".join(METHODS) + " |",
           "|---|---|" + "---|" * len(METHODS)]
    for style, by_dataset in results.items():
        rows = [(name, by_dataset[name]) for name in datasets if name in by_dataset]
        macro = {m: _macro([cells[m] for _, cells in rows]) for m in METHODS}
        for name, cells in [*rows, ("**macro**", macro)]:
            scores = " | ".join(_fmt(cells[m]) for m in METHODS)
            out.append(f"| {style} | {name} | {scores} |")
    return "\n".join(out)


def acceptance(results: dict[str, dict[str, dict[str, Cell]]]) -> list[str]:
    """The issue's targets on the macro rows: F1 gain, recall kept, every baseline beaten."""
    targets = {"resiliparse": (0.04, 0.97), "html-text": (0.10, 0.95)}
    lines = []
    for style, (gain, kept) in targets.items():
        if style not in results:
            continue
        by_dataset = results[style]
        macro = {m: _macro([cells[m] for cells in by_dataset.values()]) for m in METHODS}
        before, after = macro["before"], macro["dechaff"]
        baselines = [m for m in METHODS if m not in ("before", "dechaff")]
        best = max(macro[m].f1 for m in baselines)
        lines.append(
            f"{style}: F1 {before.f1:.3f} -> {after.f1:.3f} (gain {after.f1 - before.f1:+.3f}, "
            f"target {gain:+.2f}: {'ok' if after.f1 - before.f1 >= gain else 'MISSED'}); "
            f"recall kept {after.recall / max(before.recall, 1e-9):.3f} (target {kept}: "
            f"{'ok' if after.recall >= kept * before.recall else 'MISSED'}); best baseline "
            f"F1 {best:.3f} ({'beaten' if after.f1 > best else 'NOT beaten'})"
        )
    return lines


# ---------------------------------------------------------------------------------------------


THROUGHPUT_ROUNDS = 3
"""Passes over the texts; the fastest is reported (the others pay for other processes' load)."""


def throughput(texts: Sequence[str]) -> float:
    """Documents per second of CPU time, one process, best of a few passes."""
    best = float("inf")
    for _ in range(THROUGHPUT_ROUNDS):
        start = time.process_time()
        for text in texts:
            clean_text(text)
        best = min(best, time.process_time() - start)
    return len(texts) / best if best > 0 else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dechaff bench --task clean",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dataset", action="append", choices=DATASETS)
    parser.add_argument("--style", action="append", choices=STYLES)
    parser.add_argument("--limit", type=int, help="first N pages (sorted ids) of each dataset")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--jobs", type=int, default=2, help="processes making missing inputs")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    parser.add_argument("--inputs-only", action="store_true", help="make the cache, score nothing")
    args = parser.parse_args(argv)
    datasets = args.dataset or list(DATASETS)
    styles = args.style or list(STYLES)
    if args.inputs_only:
        for name in datasets:
            dataset = load_dataset(args.data / name)
            for style in styles:
                load_inputs(dataset, style, args.cache, args.jobs, args.limit)
        return 0

    results: dict[str, dict[str, dict[str, Cell]]] = {style: {} for style in styles}
    rates: dict[str, float] = {}
    for name in datasets:
        dataset = load_dataset(args.data / name)
        gold = {r.id: r.text or "" for r in dataset.select(args.limit) if r.text is not None}
        for style in styles:
            inputs = load_inputs(dataset, style, args.cache, args.jobs, args.limit)
            if name == "aeb":
                rates[style] = throughput(list(inputs.values()))
            results[style][name] = {
                method: score(gold, {k: fn(v) for k, v in inputs.items()})
                for method, fn in METHODS.items()
            }
            summary = ", ".join(f"{m} {c.f1:.3f}" for m, c in results[style][name].items())
            print(f"{name} / {style}: {summary}", file=sys.stderr)

    print("Shingle F1 / precision / recall, before and after cleaning (macro over pages).\n")
    print(table(results, datasets))
    print()
    for line in acceptance(results):
        print("- " + line)
    if rates:
        listed = ", ".join(f"{style} {rate:,.0f} docs/s" for style, rate in rates.items())
        print(f"\nclean_text throughput on aeb documents (CPU time, one process): {listed}")
    if args.json is not None:
        payload = {
            "scores": {
                style: {n: {m: as_dict(c) for m, c in cells.items()} for n, cells in by.items()}
                for style, by in results.items()
            },
            "docs_per_second_aeb": rates,
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


def as_dict(cell: Cell) -> dict[str, float]:
    return {"f1": cell.f1, "precision": cell.precision, "recall": cell.recall}


if __name__ == "__main__":
    sys.exit(main())
