"""Counting every record read, and ``DIR/summary.json``.

Each record read is counted exactly once, as ``extracted`` (written to a shard), ``empty``
(extracted to no text, not written), ``skipped`` (not an HTML page, by reason) or ``failed``
(reported in errors-*.jsonl, by reason), so ``read`` is always the sum of the four.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Counts:
    read: int = 0
    extracted: int = 0
    empty: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Counts) -> None:
        self.read += other.read
        self.extracted += other.extracted
        self.empty += other.empty
        self.skipped.update(other.skipped)
        self.failed.update(other.failed)

    @property
    def accounted(self) -> int:
        """extracted + empty + skipped + failed: equals ``read`` when nothing is lost."""
        return (self.extracted + self.empty + sum(self.skipped.values())
                + sum(self.failed.values()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "extracted": self.extracted,
            "empty": self.empty,
            "skipped": dict(sorted(self.skipped.items())),
            "failed": dict(sorted(self.failed.items())),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counts:
        return cls(
            read=int(data.get("read", 0)),
            extracted=int(data.get("extracted", 0)),
            empty=int(data.get("empty", 0)),
            skipped=Counter({str(k): int(v) for k, v in data.get("skipped", {}).items()}),
            failed=Counter({str(k): int(v) for k, v in data.get("failed", {}).items()}),
        )


@dataclass(frozen=True, slots=True)
class RunStats:
    """What this invocation did (as opposed to the totals over every run into DIR)."""

    engine: str
    workers: int
    wall_seconds: float
    records: int
    pages: int
    units: int
    units_resumed: int
    worker_peak_rss_kb: int = 0
    reader_cpu_seconds: float = 0.0
    workers_cpu_seconds: float = 0.0
    """CPU time of this process (reading, writing) and of its worker processes (local engine:
    with Ray, the work happens outside this process tree)."""


def summary(total: Counts, run: RunStats, *, inputs: int, shards: int,
            complete: bool) -> dict[str, Any]:
    """The content of summary.json.

    ``total`` covers every record of the inputs (this run and earlier interrupted ones);
    ``this_run`` says what this invocation did and how fast: ``pages_per_second`` counts pages
    extracted (extracted + empty) per wall-clock second. ``complete`` is false when the run was
    interrupted: rerun the same command to finish it.
    """
    counts = total.to_dict()
    return {
        "complete": complete,
        **counts,
        "skipped_total": sum(total.skipped.values()),
        "failed_total": sum(total.failed.values()),
        "counts_add_up": total.accounted == total.read,
        "inputs": inputs,
        "shards": shards,
        "this_run": {
            "engine": run.engine,
            "workers": run.workers,
            "wall_seconds": round(run.wall_seconds, 3),
            "records_read": run.records,
            "pages": run.pages,
            "pages_per_second": round(run.pages / run.wall_seconds, 1)
            if run.wall_seconds > 0 else 0.0,
            "units_done": run.units,
            "units_already_done": run.units_resumed,
            "worker_peak_rss_mb": round(run.worker_peak_rss_kb / 1024, 1),
            "cpu_seconds": {"reader": round(run.reader_cpu_seconds, 1),
                            "workers": round(run.workers_cpu_seconds, 1)},
        },
    }
