"""``--engine ray``: the same job on a Ray cluster.

Each input file is one Ray task, which runs the local engine on that file with one worker
process (the same reading, bounds and encoding, so records are identical to a local run) and
streams its finished units back; this process (the driver) commits them to the output directory
exactly as the local engine's are. Inputs must be readable from every node (a shared file
system or an fsspec URL such as ``s3://``) and dechaff must be installed on every node; the
output directory is written by the driver only.

Without ``--ray-address`` a local cluster is started for the run and stopped after it;
``--ray-address auto`` (or ``ray://HOST:10001``) joins a running cluster.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence, Set
from dataclasses import replace
from typing import Any

from dechaff.corpus.engine import run_local
from dechaff.corpus.settings import Settings
from dechaff.corpus.sources import Input
from dechaff.corpus.units import Event, InputRead, UnitKey
from dechaff.errors import DechaffError

TASK_CPUS = 1
"""A task reads and encodes while its one worker process extracts: about one core's work."""

TASKS_PER_CPU = 2
"""Tasks in flight per cluster CPU: enough to keep every core busy, few enough to bound memory."""

POLL_SECONDS = 0.5
"""How long the driver waits for any task's next unit before checking the others."""


class RayEngineError(DechaffError):
    """Ray is missing, cannot start or cannot be reached, or a task failed."""


def run_ray(inputs: Sequence[Input], settings: Settings, workers: int | None,
            done: Set[UnitKey], *, address: str | None = None) -> Iterator[Event]:
    """Process ``inputs`` on Ray; yields each finished unit (and progress) as it arrives."""
    ray = _import_ray()
    started_here = not ray.is_initialized()
    if started_here:
        _init(ray, address, workers)
    try:
        task = ray.remote(num_cpus=TASK_CPUS, max_retries=0)(process_input)
        in_flight = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        if settings.limit is None:
            yield from _concurrent(ray, task, inputs, settings, done,
                                   in_flight * TASKS_PER_CPU)
        else:
            yield from _limited(ray, task, inputs, settings, done)
    finally:
        if started_here:
            ray.shutdown()


def process_input(source: Input, settings: Settings, done: frozenset[int]) -> Iterator[Event]:
    """The Ray task: the local engine on one input, with one worker process."""

    def shard_done(key: tuple[str, int]) -> bool:
        return key[1] in done

    # Not "yield from": Ray sends values into the generator it drives, which a delegated-to
    # iterator of the local engine does not accept.
    for event in run_local([source], settings, 1, shard_done):  # noqa: UP028
        yield event


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RayEngineError("--engine ray needs Ray: pip install 'dechaff[ray]'") from None
    return ray


def _init(ray: Any, address: str | None, workers: int | None) -> None:
    options: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.ERROR,
    }
    if address is None and workers is not None:
        options["num_cpus"] = workers
    try:
        ray.init(address=address, **options)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError...
        where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
        raise RayEngineError(f"cannot start or reach {where}: {exc}") from None


def _done_shards(source: Input, done: Set[UnitKey]) -> frozenset[int]:
    return frozenset(shard for location, shard in done if location == source.location)


def _concurrent(ray: Any, task: Any, inputs: Sequence[Input], settings: Settings,
                done: Set[UnitKey], in_flight: int) -> Iterator[Event]:
    waiting = list(reversed(inputs))
    pending: dict[Any, str] = {}
    while waiting or pending:
        while waiting and len(pending) < in_flight:
            source = waiting.pop()
            generator = task.remote(source, settings, _done_shards(source, done))
            pending[generator] = source.location
        yield from _next_events(ray, pending)


def _limited(ray: Any, task: Any, inputs: Sequence[Input], settings: Settings,
             done: Set[UnitKey]) -> Iterator[Event]:
    """With --limit, inputs run one after another: each may read what the others left."""
    room = settings.limit or 0
    for source in inputs:
        if room <= 0:
            return
        shards = _done_shards(source, done)
        pending = {task.remote(source, replace(settings, limit=room), shards): source.location}
        while pending:
            for event in _next_events(ray, pending):
                if isinstance(event, InputRead):
                    room -= event.records
                yield event


def _next_events(ray: Any, pending: dict[Any, str]) -> Iterator[Event]:
    """The next event of each task that has one ready (finished tasks leave ``pending``)."""
    ready, _ = ray.wait(list(pending), num_returns=1, timeout=POLL_SECONDS)
    for generator in ready:
        try:
            reference = next(generator)
        except StopIteration:
            del pending[generator]
            continue
        try:
            event: Event = ray.get(reference)
        except Exception as exc:
            location = pending.pop(generator)
            raise RayEngineError(f"{location}: the Ray task failed: {_first_line(exc)}") from None
        yield event


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__

