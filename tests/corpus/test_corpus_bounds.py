"""Per-record bounds: a record over the time or memory limit, or one that crashes its worker,
is reported; the worker is replaced and the other records are extracted."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from conftest import check_output, read_errors, read_records
from warcs import Record, page_record, write_warc

from dechaff.corpus import Origin, Page, Settings, run
from dechaff.corpus.records import CRASH, MEMORY, TIMEOUT
from dechaff.corpus.workers import Batch, Done, Lost, Outcome, WorkerPool

HEAVY = b"<html><body>" + b"<div><span>a b c d e</span></div>" * 150_000 + b"</body></html>"
"""5 MB of 150,000 elements: ~0.7 s and ~175 MB of address space to extract."""

WAIT_SECONDS = 60.0
"""Upper bound for a worker to start and reach its first record on a loaded machine."""


def pages(bodies: list[bytes]) -> list[Page]:
    return [Page(Origin(i, "test", None, f"page-{i}"), body) for i, body in enumerate(bodies)]


def collect_until_settled(pool: WorkerPool) -> list[Outcome]:
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + WAIT_SECONDS
    while pool.busy and time.monotonic() < deadline:
        outcomes.extend(pool.collect(0.05))
    return outcomes


def start_on_first_record(pool: WorkerPool, batch: Batch) -> int:
    """Submit ``batch`` to the pool's only worker once it is ready; wait until its first
    record has started; return the worker's pid."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not pool.idle() and time.monotonic() < deadline:
        pool.collect(0.05)
    [worker] = pool.idle()
    pool.submit(worker, batch)
    while worker.progress.read()[1] == 0.0 and time.monotonic() < deadline:
        time.sleep(0.005)
    return worker.process.pid


@pytest.mark.parametrize(("signal_number", "reason"),
                         [(signal.SIGSEGV, CRASH), (signal.SIGSTOP, TIMEOUT)])
def test_the_record_a_worker_dies_or_hangs_on_is_failed_and_the_rest_retried(
        signal_number: int, reason: str, good_bodies: list[bytes]) -> None:
    pool = WorkerPool(Settings(time_limit=0.5), 1)
    try:
        batch = Batch(0, ("test", 0), pages([HEAVY, *good_bodies[:2]]))
        pid = start_on_first_record(pool, batch)
        os.kill(pid, signal_number)
        outcomes = collect_until_settled(pool)
    finally:
        pool.close()
    [lost] = outcomes
    assert isinstance(lost, Lost) and lost.failure is not None
    assert lost.failure.reason == reason
    assert lost.failure.origin.id == "page-0"
    assert lost.retry is not None and [p.origin.id for p in lost.retry.pages] == [
        "page-1", "page-2"]


def test_a_replaced_worker_goes_on_with_the_next_batch(good_bodies: list[bytes]) -> None:
    pool = WorkerPool(Settings(), 1)
    try:
        pid = start_on_first_record(pool, Batch(0, ("test", 0), pages([HEAVY])))
        os.kill(pid, signal.SIGSEGV)
        collect_until_settled(pool)
        start_on_first_record(pool, Batch(1, ("test", 0), pages(good_bodies[:2])))
        outcomes = collect_until_settled(pool)
    finally:
        pool.close()
    [done] = outcomes
    assert isinstance(done, Done) and done.result.extracted == 2


def test_a_record_over_the_time_limit_is_reported(tmp_path: Path,
                                                  good_records: list[Record]) -> None:
    slow = page_record(HEAVY, "http://hostile.example/slow")
    path = write_warc(tmp_path / "slow.warc.gz", [*good_records[:4], slow, *good_records[4:]])
    out = tmp_path / "out"
    run([str(path)], out, Settings(time_limit=0.25), workers=1)
    summary = check_output(out)
    assert [(e["url"], e["reason"]) for e in read_errors(out)] == [(slow.uri, TIMEOUT)]
    assert {r["url"] for r in read_records(out)} == {r.uri for r in good_records}
    assert summary["failed"] == {TIMEOUT: 1}


def test_a_record_over_the_memory_limit_is_reported(tmp_path: Path,
                                                    good_records: list[Record]) -> None:
    hungry = page_record(HEAVY, "http://hostile.example/hungry")
    path = write_warc(tmp_path / "mem.warc.gz", [*good_records[:4], hungry, *good_records[4:]])
    out = tmp_path / "out"
    run([str(path)], out, Settings(memory_limit_mb=80), workers=2)
    summary = check_output(out)
    assert [(e["url"], e["reason"]) for e in read_errors(out)] == [(hungry.uri, MEMORY)]
    assert {r["url"] for r in read_records(out)} == {r.uri for r in good_records}
    assert summary["extracted"] == len(good_records)
