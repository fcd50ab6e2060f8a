"""Units of exactly-once work: (input, shard), and the results assembled for them.

Records of an input are numbered in file order; record ``i`` belongs to shard
``i // shard_records``. That split depends only on the input and the settings, so a rerun cuts
the same shards, skips those the manifest lists as done and redoes the others whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dechaff.corpus.records import Failure, error_record
from dechaff.corpus.summary import Counts

UnitKey = tuple[str, int]
"""(input location, shard number)."""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a worker returns for a batch of pages of one unit."""

    batch_id: int
    first_index: int
    tried: int
    """Pages of the batch handled; the rest (after one that exhausted memory) must be retried."""
    extracted: int
    empty: int
    failures: tuple[Failure, ...]
    data: bytes = b""
    """jsonl: one gzip member holding the batch's records, in record order."""
    rows: tuple[dict[str, Any], ...] = ()
    """parquet: the batch's records, in record order."""
    peak_rss_kb: int = 0
    """The worker's peak resident set size so far."""


@dataclass(frozen=True, slots=True)
class UnitResult:
    """A finished unit: its counts, its shard content and its error lines, all in record order."""

    location: str
    shard: int
    counts: Counts
    data: bytes = b""
    rows: tuple[dict[str, Any], ...] = ()
    errors: tuple[dict[str, Any], ...] = ()

    @property
    def key(self) -> UnitKey:
        return (self.location, self.shard)


@dataclass(frozen=True, slots=True)
class Tick:
    """Progress: ``records`` more records were read; ``position`` bytes of ``location`` so far;
    the largest peak resident set size of a worker so far."""

    location: str
    position: int
    records: int
    worker_peak_rss_kb: int = 0


@dataclass(frozen=True, slots=True)
class InputRead:
    """An input was read to its end (or to the limit): ``records`` records met in it."""

    location: str
    records: int


Event = UnitResult | Tick | InputRead


@dataclass
class UnitBuilder:
    """Collects a unit's batch results (which arrive in any order) until it is complete."""

    key: UnitKey
    counts: Counts = field(default_factory=Counts)
    parts: list[tuple[int, bytes]] = field(default_factory=list)
    row_parts: list[tuple[int, tuple[dict[str, Any], ...]]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    outstanding: int = 0
    closed: bool = False

    @property
    def complete(self) -> bool:
        return self.closed and self.outstanding == 0

    def fail(self, failure: Failure) -> None:
        self.counts.failed[failure.reason] += 1
        self.failures.append(failure)

    def add(self, result: BatchResult) -> None:
        self.outstanding -= 1
        self.counts.extracted += result.extracted
        self.counts.empty += result.empty
        for failure in result.failures:
            self.fail(failure)
        if result.data:
            self.parts.append((result.first_index, result.data))
        if result.rows:
            self.row_parts.append((result.first_index, result.rows))

    def result(self) -> UnitResult:
        self.parts.sort(key=lambda part: part[0])
        self.row_parts.sort(key=lambda part: part[0])
        self.failures.sort(key=lambda failure: failure.index)
        return UnitResult(
            location=self.key[0],
            shard=self.key[1],
            counts=self.counts,
            data=b"".join(data for _, data in self.parts),
            rows=tuple(row for _, rows in self.row_parts for row in rows),
            errors=tuple(error_record(failure) for failure in self.failures),
        )
