"""Run extractors over datasets with fair timing, writing predictions as they come.

Fairness rules: every page is read and decoded to ``str`` once, untimed, and every extractor gets
that same string; extractors are interleaved page by page (the order rotates from page to page)
after one untimed warm-up page; only the single text call is inside ``perf_counter()``; one
process. An exception is recorded for that page (empty prediction) and the run goes on. Ctrl-C
stops after flushing what was written; pages not finished by every extractor are not scored.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO

from dechaff.bench.datasets import Dataset, GoldRecord, load_dataset
from dechaff.bench.extractors import Extractor, Prediction, merge_metadata

PREDICTIONS_DIR = "predictions"
MS_PER_SECOND = 1000.0

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """One extractor on one page: the prediction, the timed call's ms, and any error."""

    prediction: Prediction
    ms: float
    error: str | None = None
    meta_error: str | None = None


@dataclass(slots=True)
class DatasetRun:
    dataset: Dataset
    selected: list[GoldRecord]
    problems: list[str] = field(default_factory=list)
    # page id -> extractor name -> outcome; only pages every extractor finished
    outcomes: dict[str, dict[str, PageOutcome]] = field(default_factory=dict)

    @property
    def scored_records(self) -> list[GoldRecord]:
        return [r for r in self.selected if r.id in self.outcomes]


@dataclass(slots=True)
class BenchmarkRun:
    extractors: list[Extractor]
    datasets: list[DatasetRun] = field(default_factory=list)
    interrupted: bool = False


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def run_page(extractor: Extractor, html: str, url: str | None) -> PageOutcome:
    """The timed text call, then (untimed) the metadata call if the extractor has one."""
    start = time.perf_counter()
    try:
        prediction = extractor.text(html, url)
    except Exception as exc:  # an extractor failing on one page must not stop the run
        ms = (time.perf_counter() - start) * MS_PER_SECOND
        return PageOutcome(Prediction(), ms, error=_describe(exc))
    ms = (time.perf_counter() - start) * MS_PER_SECOND
    if extractor.metadata is None:
        return PageOutcome(prediction, ms)
    try:
        meta = extractor.metadata(html, url)
    except Exception as exc:  # metadata failure keeps the text prediction
        return PageOutcome(prediction, ms, meta_error=_describe(exc))
    return PageOutcome(merge_metadata(prediction, meta), ms)


def read_html(dataset: Dataset, page_id: str) -> str:
    """Page bytes decoded once with dechaff's decoder (untimed; shared by all extractors)."""
    from dechaff.decode import decode

    return decode(dataset.read_page(page_id)).text


def _rotated(items: Sequence[Extractor], shift: int) -> list[Extractor]:
    shift %= max(len(items), 1)
    return [*items[shift:], *items[:shift]]


def prediction_line(page_id: str, outcome: PageOutcome) -> str:
    record = {
        "id": page_id,
        "text": outcome.prediction.text,
        "ms": round(outcome.ms, 3),
        "error": outcome.error,
        "meta_error": outcome.meta_error,
        "title": outcome.prediction.title,
        "authors": list(outcome.prediction.authors),
        "date": outcome.prediction.date,
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


@contextmanager
def _prediction_files(
    out_dir: Path, dataset: str, extractors: Sequence[Extractor]
) -> Iterator[dict[str, IO[str]]]:
    with ExitStack() as stack:
        files: dict[str, IO[str]] = {}
        for extractor in extractors:
            folder = out_dir / PREDICTIONS_DIR / extractor.name
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{dataset}.jsonl"
            files[extractor.name] = stack.enter_context(path.open("w", encoding="utf-8"))
        yield files


def _warm_up(run: DatasetRun, extractors: Sequence[Extractor]) -> None:
    """Run every extractor once, untimed and unrecorded, on the first readable page."""
    for record in run.selected:
        try:
            html = read_html(run.dataset, record.id)
        except OSError:
            continue
        for extractor in extractors:
            run_page(extractor, html, record.url)
        return


class _Progress:
    """A rich progress bar per dataset (all extractors), or nothing when disabled."""

    def __init__(self, enabled: bool) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            disable=not enabled,
            transient=False,
        )


def _run_dataset(
    run: DatasetRun,
    extractors: Sequence[Extractor],
    out_dir: Path,
    advance: Callable[[], None],
    warn: Warn,
) -> None:
    _warm_up(run, extractors)
    with _prediction_files(out_dir, run.dataset.name, extractors) as files:
        for index, record in enumerate(run.selected):
            try:
                html = read_html(run.dataset, record.id)
            except OSError as exc:
                run.problems.append(f"{run.dataset.name}: page {record.id}: {_describe(exc)}")
                warn(run.problems[-1])
                for _ in extractors:
                    advance()
                continue
            page: dict[str, PageOutcome] = {}
            for extractor in _rotated(extractors, index):
                outcome = run_page(extractor, html, record.url)
                files[extractor.name].write(prediction_line(record.id, outcome))
                files[extractor.name].flush()
                page[extractor.name] = outcome
                advance()
            run.outcomes[record.id] = page


def run_benchmark(
    dataset_paths: Sequence[Path],
    extractors: Sequence[Extractor],
    out_dir: Path,
    *,
    limit: int | None = None,
    progress: bool = True,
    warn: Warn | None = None,
) -> BenchmarkRun:
    """Run every extractor on every dataset; predictions go to ``out_dir/predictions``."""
    display = _Progress(progress)

    def _warn(message: str) -> None:
        display.console.print(f"[yellow]warning:[/] {message}", markup=True, highlight=False)

    warn = warn or _warn
    result = BenchmarkRun(extractors=list(extractors))
    for path in dataset_paths:
        dataset = load_dataset(path)
        for problem in dataset.problems:
            warn(problem)
        run = DatasetRun(dataset, dataset.select(limit), problems=list(dataset.problems))
        result.datasets.append(run)
    with display.bar:
        tasks = [
            display.bar.add_task(r.dataset.name, total=len(r.selected) * len(extractors))
            for r in result.datasets
        ]
        try:
            for run, task in zip(result.datasets, tasks, strict=True):
                _run_dataset(run, extractors, out_dir, partial(display.bar.advance, task), warn)
        except KeyboardInterrupt:
            result.interrupted = True
            warn("interrupted: partial predictions kept; scoring the pages finished so far")
    return result
