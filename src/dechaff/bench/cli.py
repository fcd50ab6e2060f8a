"""``dechaff bench``: run extractors over benchmark datasets and report scores and timings.

Exit codes: 0 done; 1 ``--compare`` found a regression; 2 usage error (unknown or missing
extractor, no dataset, bad output folder); 130 interrupted (partial outputs kept).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dechaff.bench.extractors import (
    DEFAULT_EXTRACTORS,
    REGISTRY,
    Extractor,
    availability,
    resolve_extractors,
)
from dechaff.bench.report import render_report, write_benchmarks, write_charts
from dechaff.bench.results import GATED_EXTRACTOR, build_results, compare, load_results
from dechaff.bench.runner import run_benchmark

DEFAULT_DATA_DIR = Path("..") / "shared" / "data"
DEFAULT_DATASETS = ("aeb", "wcxb-dev", "dragnet")
DEFAULT_OUT = Path("/tmp/dechaff-bench")
REPO_ROOT = Path(__file__).resolve().parents[3]  # src/dechaff/bench/cli.py -> repo root
RESULTS_FILE = "results.json"
REPORT_FILE = "report.md"

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _task_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dechaff bench", add_help=False)
    parser.add_argument("--task", choices=TASKS, default="extract")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dechaff bench",
        description="Score extractors on benchmark datasets (F1, exact match, speed, metadata).",
    )
    parser.add_argument("--task", choices=TASKS, default="extract",
                        help="extract (default): extractors on pages; clean: dechaff clean on "
                             "peers' extracted text, next to line filters (see --task clean "
                             "--help); corpus: dechaff run on a WARC of the shared pages, next to "
                             "datatrove + trafilatura (see --task corpus --help)")
    parser.add_argument("--dataset", action="append", type=Path, metavar="DIR",
                        help="dataset folder (gold.jsonl + pages/); repeatable; default: "
                             + ", ".join(DEFAULT_DATASETS) + f" under {DEFAULT_DATA_DIR}")
    parser.add_argument("--extractor", action="append", metavar="NAME",
                        help="extractor to run; repeatable; default: every installed one of "
                             + ", ".join(DEFAULT_EXTRACTORS)
                             + " (one not installed is skipped, naming its pip install)")
    parser.add_argument("--limit", action="append", metavar="N|NAME=N",
                        help="only the first N pages (sorted by id) of each dataset; NAME=N "
                             "caps one (slow) extractor at fewer pages; repeatable")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="worker processes sharing the pages, each running every extractor "
                             "on its pages, interleaved and timed there; default 1; more than the "
                             f"cores ({os.cpu_count()} here) only adds noise to the timings")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--compare", type=Path, metavar="OLD_DIR",
                        help=f"compare {GATED_EXTRACTOR} F1 with OLD_DIR/{RESULTS_FILE}; "
                             "exit 1 on a regression")
    parser.add_argument("--write-benchmarks", type=Path, metavar="PATH",
                        help="rewrite the generated section of this BENCHMARKS.md")
    parser.add_argument("--list-extractors", action="store_true",
                        help="list registered extractors and whether they are installed")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def default_datasets() -> list[Path]:
    """The default dataset folders that exist, relative to the CWD or else to the repo root."""
    for base in (DEFAULT_DATA_DIR, REPO_ROOT / DEFAULT_DATA_DIR):
        found = [base / name for name in DEFAULT_DATASETS if (base / name).is_dir()]
        if found:
            return found
    return []


def _list_extractors() -> int:
    for name, problem in availability().items():
        print(f"{name:<24} {'ok' if problem is None else problem}")
    return EXIT_OK


def _resolve_extractors(names: Sequence[str]) -> tuple[list[Extractor], dict[str, str]] | str:
    """The usable extractors and the skipped ones (with the reason), or a usage error."""
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        return f"unknown extractor {unknown[0]!r}; try --list-extractors"
    extractors, skipped = resolve_extractors(names)
    if not extractors:
        return "no extractor available: " + "; ".join(skipped.values())
    return extractors, skipped


def parse_limits(values: Sequence[str]) -> tuple[int | None, dict[str, int]] | str:
    """``--limit`` values (``N`` or ``NAME=N``) to the dataset limit and the per-extractor caps,
    or a usage error."""
    limit: int | None = None
    caps: dict[str, int] = {}
    for value in values:
        name, _, number = value.rpartition("=")
        try:
            count = int(number)
        except ValueError:
            return f"--limit {value!r}: expected N or NAME=N"
        if count < 1:
            return f"--limit {value!r}: must be at least 1"
        if name:
            caps[name] = count
        else:
            limit = count
    return limit, caps


def _check_paths(datasets: Sequence[Path], out: Path) -> str | None:
    if not datasets:
        return f"no dataset given and none of {', '.join(DEFAULT_DATASETS)} found"
    out_resolved = out.resolve()
    for path in datasets:
        if not (path / "gold.jsonl").is_file():
            return f"{path}: not a dataset folder (no gold.jsonl)"
        if out_resolved.is_relative_to(path.resolve()):
            return f"--out {out} is inside dataset {path}; datasets are read-only"
    return None


def _error(message: str) -> int:
    print(f"dechaff bench: error: {message}", file=sys.stderr)
    return EXIT_USAGE


TASKS = ("extract", "clean", "corpus")
"""What a bench run measures: extraction from pages (the default); cleaning peers' extracted
text (``dechaff.bench.clean_task``); a corpus run over a WARC (``dechaff.bench.corpus_task``)."""


def main(argv: list[str] | None = None) -> int:
    task, rest = _task_parser().parse_known_args(argv)
    if task.task == "clean":
        from dechaff.bench.clean_task import main as clean_main

        return clean_main(rest)
    if task.task == "corpus":
        from dechaff.bench.corpus_task import main as corpus_main

        return corpus_main(rest)
    args = build_parser().parse_args(argv)
    if args.list_extractors:
        return _list_extractors()
    limits = parse_limits(args.limit or [])
    if isinstance(limits, str):
        return _error(limits)
    limit, caps = limits
    if args.jobs < 1:
        return _error("--jobs must be at least 1")
    datasets: list[Path] = args.dataset or default_datasets()
    problem = _check_paths(datasets, args.out)
    if problem:
        return _error(problem)
    resolved = _resolve_extractors(args.extractor or list(DEFAULT_EXTRACTORS))
    if isinstance(resolved, str):
        return _error(resolved)
    extractors, skipped = resolved
    for name, reason in skipped.items():
        print(f"dechaff bench: skipped {name}: {reason}", file=sys.stderr)
    old = None
    if args.compare is not None:
        try:
            old = load_results(args.compare / RESULTS_FILE)
        except (OSError, ValueError) as exc:
            return _error(f"--compare: cannot read {args.compare / RESULTS_FILE}: {exc}")

    args.out.mkdir(parents=True, exist_ok=True)
    unknown_cap = next((name for name in caps if name not in REGISTRY), None)
    if unknown_cap is not None:
        return _error(f"--limit {unknown_cap}=...: unknown extractor; try --list-extractors")
    run = run_benchmark(datasets, extractors, args.out, limit=limit, caps=caps, jobs=args.jobs,
                        progress=not args.no_progress)
    results = build_results(run, limit, skipped)
    (args.out / RESULTS_FILE).write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    report = render_report(results)
    (args.out / REPORT_FILE).write_text(report, encoding="utf-8")
    charts = write_charts(results, args.out)
    print(report)
    print(f"outputs: {args.out / RESULTS_FILE}, {args.out / REPORT_FILE}"
          + "".join(f", {c}" for c in charts))
    if args.write_benchmarks is not None and not run.interrupted:
        write_benchmarks(args.write_benchmarks, results)
        print(f"updated {args.write_benchmarks}")
    if run.interrupted:
        return EXIT_INTERRUPTED
    if old is not None:
        lines, regressed = compare(results, old)
        if not lines:
            return _error(f"--compare: no dataset scored for {GATED_EXTRACTOR} in both runs")
        print("\n".join(lines))
        if regressed:
            return EXIT_REGRESSION
    return EXIT_OK
