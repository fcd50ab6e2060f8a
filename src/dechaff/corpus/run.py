"""A corpus run from start to end: inputs → engine → committed units → summary.json."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dechaff.corpus.settings import Settings
from dechaff.corpus.shards import OutputDir
from dechaff.corpus.sources import Input, expand_inputs
from dechaff.corpus.summary import RunStats, summary
from dechaff.corpus.units import Event, Tick, UnitResult
from dechaff.errors import InputError

Engine = Literal["local", "ray"]
ENGINES: tuple[Engine, ...] = ("local", "ray")

Listener = Callable[[Event], None]


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class _Tally:
    records: int = 0
    pages: int = 0
    units: int = 0
    peak_rss_kb: int = 0


def run(
    inputs: Sequence[str | Input],
    output: str | os.PathLike[str],
    settings: Settings | None = None,
    *,
    workers: int | None = None,
    engine: Engine = "local",
    ray_address: str | None = None,
    overwrite: bool = False,
    listener: Listener | None = None,
) -> dict[str, Any]:
    """Extract every HTML record of ``inputs`` into sharded files under ``output``.

    ``inputs`` are paths, globs, fsspec URLs or ``Input`` values (see ``expand_inputs``). A run
    into a directory that holds an interrupted run with the same settings resumes it: completed
    units are kept and the others redone, so every record lands exactly once. Returns the
    content of ``output/summary.json``. Raises ``InputError`` / ``OutputError`` (both
    ``DechaffError``) for unusable inputs or output directories.
    """
    settings = settings or Settings()
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    sources = _expand(inputs)
    size = workers if workers is not None else default_workers()
    if workers is not None and workers < 1:
        raise InputError(f"workers must be at least 1, not {workers}")
    out = OutputDir(Path(output), settings, overwrite=overwrite)
    out.open()
    tally = _Tally()
    already = len(out.done)
    started = time.monotonic()
    cpu_before = _cpu_seconds()
    complete = False
    try:
        for event in _events(engine, sources, settings, workers, ray_address, out):
            if isinstance(event, UnitResult) and not out.is_done(event.key):
                out.commit(event)
                tally.units += 1
                tally.pages += event.counts.extracted + event.counts.empty
            elif isinstance(event, Tick):
                tally.records += event.records
                tally.peak_rss_kb = max(tally.peak_rss_kb, event.worker_peak_rss_kb)
            if listener is not None:
                listener(event)
        complete = True
    finally:
        own, children = _cpu_seconds()
        stats = RunStats(engine, size, time.monotonic() - started, tally.records, tally.pages,
                         tally.units, already, tally.peak_rss_kb, own - cpu_before[0],
                         children - cpu_before[1])
        shards = sum(1 for p in out.path.iterdir() if p.name.endswith(out.suffix))
        result = summary(out.totals(), stats, inputs=len({k[0] for k in out.done}),
                         shards=shards, complete=complete)
        out.write_summary(result)
        out.close()
    return result


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _expand(inputs: Sequence[str | Input]) -> list[Input]:
    if not inputs:
        raise InputError("no input given")
    found: list[Input] = []
    for item in inputs:
        found.extend([item] if isinstance(item, Input) else expand_inputs([item]))
    unique: dict[str, Input] = {}
    for source in found:
        unique.setdefault(source.location, source)
    return list(unique.values())


def _events(engine: Engine, sources: list[Input], settings: Settings, workers: int | None,
            ray_address: str | None, out: OutputDir) -> Iterator[Event]:
    if engine == "ray":
        from dechaff.corpus.ray_engine import run_ray

        return run_ray(sources, settings, workers, set(out.done), address=ray_address)
    from dechaff.corpus.engine import run_local

    return run_local(sources, settings, workers or default_workers(), out.is_done)
