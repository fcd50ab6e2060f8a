"""Run extractors over datasets with fair timing, writing predictions as they come.

Fairness rules: every page is read and decoded to ``str`` once, untimed, and every extractor gets
that same string; extractors are interleaved page by page (the order rotates from page to page)
after one untimed warm-up page; only the single text call is inside ``perf_counter()``. With
``jobs > 1`` pages are shared out to that many worker processes, each page handled whole by one
worker (all extractors, interleaved, timed there), so every extractor meets the same machine
load. An exception is recorded for that page (empty prediction) and the run goes on. Predictions
are written page by page as they finish; Ctrl-C stops the workers and keeps every finished page
(pages not finished by every extractor are neither written nor scored).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import signal
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from multiprocessing.pool import Pool
from pathlib import Path
from typing import IO

from dechaff.bench.datasets import Dataset, GoldRecord, load_dataset
from dechaff.bench.extractors import Extractor, Prediction, merge_metadata
from dechaff.bench.scoring import GoldText, PageTextScore

PREDICTIONS_DIR = "predictions"
MS_PER_SECOND = 1000.0
START_METHOD = "fork"
"""Workers inherit the parent's extractors (closures, loaded models) instead of pickling them."""

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """One extractor on one page: the prediction, the timed call's ms, and any error; ``score``
    is the text score against the page's gold (computed in the worker, untimed) if it has one."""

    prediction: Prediction
    ms: float
    error: str | None = None
    meta_error: str | None = None
    score: PageTextScore | None = None


@dataclass(slots=True)
class DatasetRun:
    dataset: Dataset
    selected: list[GoldRecord]
    problems: list[str] = field(default_factory=list)
    # page id -> extractor name -> outcome; only pages every (due) extractor finished
    outcomes: dict[str, dict[str, PageOutcome]] = field(default_factory=dict)

    @property
    def scored_records(self) -> list[GoldRecord]:
        return [r for r in self.selected if r.id in self.outcomes]


@dataclass(slots=True)
class BenchmarkRun:
    extractors: list[Extractor]
    datasets: list[DatasetRun] = field(default_factory=list)
    interrupted: bool = False
    jobs: int = 1
    caps: dict[str, int] = field(default_factory=dict)  # extractor -> first N pages per dataset


@dataclass(frozen=True, slots=True)
class PageTask:
    """One page for a worker: which dataset (index into the run), its id, URL and position."""

    dataset: int
    page_id: str
    url: str | None
    position: int  # rotates the extractor order from page to page
    gold_text: str | None = None  # scored in the worker, after all extractors are done


@dataclass(frozen=True, slots=True)
class PageResult:
    """Every extractor's outcome on one page, or the reason the page could not be read."""

    task: PageTask
    outcomes: dict[str, PageOutcome] | None
    problem: str | None = None


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


class _Progress:
    """A rich progress bar per dataset (pages done by all extractors, ETA), or nothing."""

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


class PageWorker:
    """Runs all extractors on one page at a time, after one untimed warm-up per process; an
    extractor in ``caps`` only runs on the first that many pages of each dataset."""

    def __init__(self, datasets: Sequence[Dataset], extractors: Sequence[Extractor],
                 caps: Mapping[str, int] | None = None) -> None:
        self.datasets = list(datasets)
        self.extractors = list(extractors)
        self.caps = dict(caps or {})
        self.warmed = False

    def __call__(self, task: PageTask) -> PageResult:
        dataset = self.datasets[task.dataset]
        try:
            html = read_html(dataset, task.page_id)
        except OSError as exc:
            return PageResult(task, None, f"{dataset.name}: page {task.page_id}: {_describe(exc)}")
        if not self.warmed:  # the first page this process sees: imports, caches, lazy set-up
            for extractor in self.extractors:
                run_page(extractor, html, task.url)
            self.warmed = True
        due = [e for e in self.extractors
               if e.name not in self.caps or task.position < self.caps[e.name]]
        outcomes = {
            extractor.name: run_page(extractor, html, task.url)
            for extractor in _rotated(due, task.position)
        }
        if task.gold_text is not None:
            gold = GoldText(task.gold_text)
            outcomes = {name: replace(o, score=gold.score(o.prediction.text))
                        for name, o in outcomes.items()}
        return PageResult(task, outcomes)


_worker: PageWorker | None = None  # the worker of this pool process (inherited by fork)


def _init_pool_process() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _pool_call(task: PageTask) -> PageResult:
    assert _worker is not None, "pool process started without a worker"
    try:
        return _worker(task)
    except BaseException as exc:  # a lost task would block the parent forever: report it instead
        name = _worker.datasets[task.dataset].name
        return PageResult(task, None, f"{name}: page {task.page_id}: worker: {_describe(exc)}")


@contextmanager
def _page_results(
    worker: PageWorker, jobs: int
) -> Iterator[Callable[[Sequence[PageTask]], Iterator[PageResult]]]:
    """A function mapping tasks to results in task order: in this process or in a pool."""
    if jobs <= 1:
        yield lambda tasks: (worker(task) for task in tasks)
        return
    global _worker
    _worker = worker
    try:
        pool: Pool = multiprocessing.get_context(START_METHOD).Pool(
            jobs, initializer=_init_pool_process
        )
    finally:
        _worker = None  # the children have their copy; the parent never uses it
    try:
        yield lambda tasks: pool.imap(_pool_call, tasks, chunksize=1)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


@contextmanager
def _quiet_peers() -> Iterator[None]:
    """Peers' log records and Python warnings (nested-link notes, unparsed dates...) silenced,
    here and in the workers forked meanwhile: they would tear the progress display, and a page
    that really fails is recorded with its error anyway."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous)


def _run_dataset(
    run: DatasetRun,
    index: int,
    extractors: Sequence[Extractor],
    out_dir: Path,
    results: Callable[[Sequence[PageTask]], Iterator[PageResult]],
    advance: Callable[[], None],
    warn: Warn,
) -> None:
    tasks = [PageTask(index, r.id, r.url, position, r.text)
             for position, r in enumerate(run.selected)]
    with _prediction_files(out_dir, run.dataset.name, extractors) as files:
        for result in results(tasks):
            advance()
            if result.outcomes is None:
                run.problems.append(result.problem or f"page {result.task.page_id}: unreadable")
                warn(run.problems[-1])
                continue
            for extractor in extractors:  # the same line order in every file
                outcome = result.outcomes.get(extractor.name)
                if outcome is None:  # capped: not run on this page
                    continue
                handle = files[extractor.name]
                handle.write(prediction_line(result.task.page_id, outcome))
                handle.flush()
            run.outcomes[result.task.page_id] = result.outcomes


def run_benchmark(
    dataset_paths: Sequence[Path],
    extractors: Sequence[Extractor],
    out_dir: Path,
    *,
    limit: int | None = None,
    caps: Mapping[str, int] | None = None,
    jobs: int = 1,
    progress: bool = True,
    warn: Warn | None = None,
) -> BenchmarkRun:
    """Run every extractor on every dataset; predictions go to ``out_dir/predictions``.

    ``limit``: the first N pages of each dataset; ``caps``: fewer for some (slow) extractors.
    ``jobs`` worker processes share the pages (1: everything runs in this process).
    """
    display = _Progress(progress)

    def _warn(message: str) -> None:
        display.console.print(f"[yellow]warning:[/] {message}", markup=True, highlight=False)

    warn = warn or _warn
    result = BenchmarkRun(extractors=list(extractors), jobs=max(jobs, 1), caps=dict(caps or {}))
    for path in dataset_paths:
        dataset = load_dataset(path)
        for problem in dataset.problems:
            warn(problem)
        run = DatasetRun(dataset, dataset.select(limit), problems=list(dataset.problems))
        result.datasets.append(run)
    worker = PageWorker([r.dataset for r in result.datasets], extractors, result.caps)
    try:
        # the pool forks before the progress display starts its refresh thread
        with _quiet_peers(), _page_results(worker, result.jobs) as results, display.bar:
            tasks = [display.bar.add_task(r.dataset.name, total=len(r.selected), start=False)
                     for r in result.datasets]
            for index, (run, task) in enumerate(zip(result.datasets, tasks, strict=True)):
                display.bar.start_task(task)
                _run_dataset(run, index, extractors, out_dir, results,
                             partial(display.bar.advance, task), warn)
    except KeyboardInterrupt:
        result.interrupted = True
        warn("interrupted: partial predictions kept; scoring the pages finished so far")
    return result
