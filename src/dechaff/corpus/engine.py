"""The local engine: one reader in this process, N worker processes, units as they complete.

The reader goes through the inputs in order, cuts each into units (input, shard), passes over
the records of units already done, counts skipped and failed records into their unit and groups
pages into batches for the workers. Batch results come back in any order; a unit is complete
once the reader has passed its last record and every batch of it is back. Whatever happens to a
worker, every record ends up counted once: extracted, empty, skipped or failed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from itertools import count

from dechaff.corpus.records import Failure, Page, Skip
from dechaff.corpus.settings import Settings
from dechaff.corpus.sources import Input, InputReader
from dechaff.corpus.units import Event, InputRead, Tick, UnitBuilder, UnitKey
from dechaff.corpus.workers import Batch, Done, Lost, Outcome, WorkerPool

BATCH_RECORDS = 16
"""Pages sent to a worker at once: ~0.15 s of work, so pipe traffic is a tiny share of the
time and a killed worker costs little to redo."""

BATCH_BYTES = 4 * 1024 * 1024
"""...or fewer when they are large: bounds the payload bytes one batch holds in memory."""

READ_AHEAD_PER_WORKER = 2
"""Batches read ahead for each worker, so a worker never waits for the reader."""

POLL_SECONDS = 0.1
"""How often running records are checked against the time limit (and progress is reported)."""

IsDone = Callable[[UnitKey], bool]


def run_local(inputs: Sequence[Input], settings: Settings, workers: int,
              is_done: IsDone) -> Iterator[Event]:
    """Process ``inputs`` with ``workers`` processes; yields each finished unit, and ticks."""
    feeder = _Feeder(inputs, settings, is_done)
    pool = WorkerPool(settings, workers)
    queue: deque[Batch] = deque()
    try:
        while True:
            while len(queue) < READ_AHEAD_PER_WORKER * workers and not feeder.exhausted:
                batch = feeder.next_batch()
                if batch is not None:
                    queue.append(batch)
            for worker in pool.idle():
                if not queue:
                    break
                pool.submit(worker, queue.popleft())
            yield from feeder.events()
            if feeder.exhausted and not queue and not pool.busy:
                break
            for outcome in pool.collect(POLL_SECONDS):
                _settle(outcome, feeder, queue)
            yield from feeder.events()
            yield feeder.tick(pool.peak_rss_kb)
    finally:
        pool.close()


def _settle(outcome: Outcome, feeder: _Feeder, queue: deque[Batch]) -> None:
    """Account a batch outcome to its unit; requeue the pages that must be tried again."""
    builder = feeder.units[outcome.batch.unit]
    retry: Batch | None = None
    if isinstance(outcome, Done):
        builder.add(outcome.result)
        untried = outcome.batch.pages[outcome.result.tried:]
        if untried:
            retry = Batch(outcome.batch.batch_id, outcome.batch.unit, untried)
    elif isinstance(outcome, Lost):
        builder.outstanding -= 1
        if outcome.failure is not None:
            builder.fail(outcome.failure)
        retry = outcome.retry
    if retry is not None:
        builder.outstanding += 1
        queue.appendleft(retry)
    if builder.complete:
        feeder.finish(builder)


class _Feeder:
    """Reads the inputs in order into batches, and keeps the units being assembled."""

    def __init__(self, inputs: Sequence[Input], settings: Settings, is_done: IsDone) -> None:
        self.inputs = inputs
        self.settings = settings
        self.is_done = is_done
        self.units: dict[UnitKey, UnitBuilder] = {}
        self.exhausted = False
        self._events: list[Event] = []
        self._ids = count()
        self._batches = self._read()
        self._records = 0
        self._location = ""
        self._reader: InputReader | None = None

    def next_batch(self) -> Batch | None:
        try:
            return next(self._batches)
        except StopIteration:
            self.exhausted = True
            return None

    def events(self) -> Iterator[Event]:
        """Units completed and inputs read since the last call."""
        events, self._events = self._events, []
        yield from events

    def tick(self, worker_peak_rss_kb: int) -> Tick:
        records, self._records = self._records, 0
        position = self._reader.position if self._reader is not None else 0
        return Tick(self._location, position, records, worker_peak_rss_kb)

    def finish(self, builder: UnitBuilder) -> None:
        del self.units[builder.key]
        self._events.append(builder.result())

    def _read(self) -> Iterator[Batch]:
        consumed = 0
        limit = self.settings.limit
        for source in self.inputs:
            room = None if limit is None else limit - consumed
            if room is not None and room <= 0:
                return
            reader = self._reader_for(source, room)
            yield from self._cut(reader)
            consumed += reader.count
            self._events.append(InputRead(source.location, reader.count))

    def _reader_for(self, source: Input, room: int | None) -> InputReader:
        shard_records = self.settings.shard_records
        location = source.location

        def wanted(index: int) -> bool:
            return not self.is_done((location, index // shard_records))

        self._location = location
        self._reader = InputReader(source, self.settings, wanted, room)
        return self._reader

    def _cut(self, reader: InputReader) -> Iterator[Batch]:
        """Batches of one input; units are opened and closed as record numbers cross shards."""
        location = reader.input.location
        unit: UnitBuilder | None = None
        pages: list[Page] = []
        size = 0
        for item in reader:
            key = (location, item.index // self.settings.shard_records)
            if unit is None or unit.key != key:
                if pages:
                    yield self._batch(unit, pages)
                    pages, size = [], 0
                self._close(unit)
                unit = self.units[key] = UnitBuilder(key)
            unit.counts.read += 1
            self._records += 1
            if isinstance(item, Page):
                pages.append(item)
                size += len(item.body)
                if len(pages) >= BATCH_RECORDS or size >= BATCH_BYTES:
                    yield self._batch(unit, pages)
                    pages, size = [], 0
            elif isinstance(item, Skip):
                unit.counts.skipped[item.reason] += 1
            elif isinstance(item, Failure):
                unit.fail(item)
        if pages:
            yield self._batch(unit, pages)
        self._close(unit)

    def _batch(self, unit: UnitBuilder | None, pages: list[Page]) -> Batch:
        assert unit is not None
        unit.outstanding += 1
        return Batch(next(self._ids), unit.key, pages)

    def _close(self, unit: UnitBuilder | None) -> None:
        if unit is None:
            return
        unit.closed = True
        if unit.complete:
            self.finish(unit)
