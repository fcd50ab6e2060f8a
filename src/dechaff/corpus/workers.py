"""Worker processes that extract batches of pages, each record under a time and memory bound.

A worker is a fresh interpreter (``python -c``; nothing inherited from the parent, a Ray worker
or a user's script) connected by a socket pair. It gets the settings once, then batches of
pages, and answers with one ``BatchResult`` per batch (records already encoded: a gzip member of
JSON lines, or rows for Parquet), so the parent does little per record. Before each record it
writes the record's position in the batch and its start time into a small shared memory map;
the parent reads that to kill a worker whose record is over the time limit, and to know which
record a dead worker was on. A worker's address space is capped with RLIMIT_AS, so a runaway
page raises MemoryError (or kills the worker) instead of the machine.

``WorkerPool`` is the parent's side: it starts, feeds, watches and replaces workers.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, Any

import dechaff
from dechaff.api import extract
from dechaff.corpus.records import (
    CRASH,
    EXTRACTION_ERROR,
    MEMORY,
    RECORD_FORMATS,
    TIMEOUT,
    Failure,
    Page,
    output_record,
)
from dechaff.corpus.settings import Settings
from dechaff.corpus.units import BatchResult, UnitKey
from dechaff.errors import DechaffError
from dechaff.fastio import gzip_compress, json_line

GZIP_LEVEL = 1
"""3.7× smaller JSON lines for ~0.11 ms a record (level 3: 4.0× for ~0.16 ms; level 6: 4.4×
for ~0.44 ms, 7 % of the extraction time)."""

WARMUP_PAGE = "<html><head><title>t</title></head><body><p>warm up</p></body></html>"
"""Extracted once at worker start, so the model load is not charged to the first record."""

SINGLE_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""numpy's BLAS threads buy nothing on dechaff's small matrices and cost address space."""

MAX_BATCH_ATTEMPTS = 3
"""A batch whose worker dies outside any record is retried this often, then failed whole."""

MAX_START_FAILURES = 3
"""Workers that die before they are ready, in a row: more means they cannot start at all."""

STOP_GRACE_SECONDS = 2.0
"""How long stopping workers may take to exit on their own before they are killed."""

NEAR_CEILING = 0.9
"""An error raised after the address space peaked this close to its cap is a memory failure."""

_IDLE = 0.0
_ceiling = 0
_PROGRESS = struct.Struct("dd")
_CHILD_CODE = "from dechaff.corpus.workers import child_main; child_main()"


class WorkerError(DechaffError):
    """Worker processes cannot be started."""


class Progress:
    """Two doubles shared with a worker: the record's position in its batch, its start time."""

    def __init__(self, fd: int) -> None:
        self.map = mmap.mmap(fd, _PROGRESS.size)

    def start(self, position: int) -> None:
        _PROGRESS.pack_into(self.map, 0, float(position), time.monotonic())

    def idle(self) -> None:
        _PROGRESS.pack_into(self.map, 0, 0.0, _IDLE)

    def read(self) -> tuple[int, float]:
        position, started = _PROGRESS.unpack_from(self.map, 0)
        return int(position), started


# --- the worker process ----------------------------------------------------------------------


def child_main() -> None:
    """Entry point of a worker process: ``python -c ... SOCKET_FD PROGRESS_FD``."""
    conn = Connection(int(sys.argv[1]))
    progress = Progress(int(sys.argv[2]))
    try:
        settings = conn.recv()
    except (EOFError, OSError):
        return
    worker_main(conn, progress, settings)


def worker_main(conn: Connection, progress: Progress | None, settings: Settings) -> None:
    """A worker's life: limit memory, warm up, say ready, then extract batches until told."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    extract(WARMUP_PAGE)
    _limit_memory(settings.memory_limit_mb)
    try:
        conn.send("ready")
        while True:
            message = conn.recv()
            if message is None:
                return
            batch_id, pages = message
            result, out_of_memory = extract_batch(batch_id, pages, settings, progress)
            conn.send(result)
            if out_of_memory:  # the heap may be in a bad state: let a fresh worker go on
                return
    except (EOFError, OSError):  # the parent is gone
        return


def _limit_memory(megabytes: int) -> None:
    """Cap the address space at what the warmed-up worker holds plus ``megabytes``."""
    global _ceiling
    if megabytes <= 0:
        return
    limit = _address_space("VmSize") + megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _ceiling = limit


def _address_space(field: str) -> int:
    """``VmSize`` (now) or ``VmPeak`` of this process in bytes; 0 where /proc is missing."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(field.encode() + b":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _hit_ceiling() -> bool:
    """Whether this worker's address space reached its cap: then a failing allocation, however
    the library reports it ("Can't parse HTML"), was the memory limit."""
    return _ceiling > 0 and _address_space("VmPeak") >= NEAR_CEILING * _ceiling


def extract_batch(batch_id: int, pages: Sequence[Page], settings: Settings,
                  progress: Progress | None = None) -> tuple[BatchResult, bool]:
    """Extract and encode a batch; (result, whether memory ran out)."""
    lines: list[bytes] = []
    rows: list[dict[str, Any]] = []
    failures: list[Failure] = []
    empty = 0
    out_of_memory = False
    position = 0
    for position, page in enumerate(pages):
        if progress is not None:
            progress.start(position)
        try:
            record = extract_page(page, settings)
            if record is None:
                empty += 1
            elif settings.format == "parquet":
                rows.append(record)
            else:
                lines.append(json_line(record))
        except Exception as exc:  # one page must not lose the batch
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
            if isinstance(exc, MemoryError) or _hit_ceiling():
                failures.append(Failure(page.origin, MEMORY, detail))
                out_of_memory = True
                break
            failures.append(Failure(page.origin, EXTRACTION_ERROR, detail))
    if progress is not None:
        progress.idle()
    tried = position + 1 if pages else 0  # pages after one that ran out go to a fresh worker
    data = gzip_compress(b"".join(lines), GZIP_LEVEL) if lines else b""
    first = pages[0].index if pages else 0
    peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = BatchResult(batch_id, first, tried, len(lines) + len(rows), empty,
                         tuple(failures), data, tuple(rows), peak_rss_kb)
    return result, out_of_memory


def extract_page(page: Page, settings: Settings) -> dict[str, Any] | None:
    """The output record for a page, or None when it has no text."""
    article = extract(
        page.body,
        page.origin.url,
        favor=settings.favor,
        include_comments=settings.include_comments,
        include_tables=settings.include_tables,
        max_bytes=settings.max_page_bytes,
        http_charset=page.charset,
        formats=RECORD_FORMATS,
    )
    if not article.text.strip():
        return None
    return output_record(page.origin, article, truncated=page.truncated)


# --- the parent's side -----------------------------------------------------------------------


@dataclass
class Batch:
    """Pages of one unit, consecutive in record order, sent to one worker at once."""

    batch_id: int
    unit: UnitKey
    pages: list[Page]
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Done:
    batch: Batch
    result: BatchResult


@dataclass(frozen=True, slots=True)
class Lost:
    """A worker was killed or died on a batch: ``failure`` for the record it was on (if known),
    ``retry`` for the batch's other pages (their results died with the worker)."""

    batch: Batch
    failure: Failure | None
    retry: Batch | None


Outcome = Done | Lost


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    progress: Progress
    progress_file: IO[bytes]
    ready: bool = False
    batch: Batch | None = None
    assigned: float = 0.0


class WorkerPool:
    """``size`` worker processes; ``submit`` batches to idle ones, ``collect`` outcomes."""

    def __init__(self, settings: Settings, size: int) -> None:
        self.settings = settings
        self.start_failures = 0
        self.peak_rss_kb = 0
        """The largest peak resident set size any worker reported."""
        self.workers: list[_Worker] = []
        try:
            for _ in range(size):
                self.workers.append(self._start())
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        parent_end, child_end = socket.socketpair()
        progress_file = tempfile.TemporaryFile()  # noqa: SIM115  (lives as long as the worker)
        progress_file.truncate(_PROGRESS.size)
        fds = (child_end.fileno(), progress_file.fileno())
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _CHILD_CODE, *map(str, fds)],
                pass_fds=fds, stdin=subprocess.DEVNULL, env=_child_environment(),
            )
        except OSError as exc:
            parent_end.close()
            progress_file.close()
            raise WorkerError(f"cannot start a worker process: {exc}") from None
        finally:
            child_end.close()
        conn = Connection(parent_end.detach())
        worker = _Worker(process, conn, Progress(progress_file.fileno()), progress_file)
        with contextlib.suppress(OSError):  # died at once: seen as a start failure by collect
            conn.send(self.settings)
        return worker

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers if w.ready and w.batch is None]

    @property
    def busy(self) -> bool:
        return any(w.batch is not None for w in self.workers)

    def submit(self, worker: _Worker, batch: Batch) -> None:
        batch.attempts += 1
        worker.batch = batch
        worker.assigned = time.monotonic()
        with contextlib.suppress(OSError):  # died meanwhile: collect retries the batch
            worker.conn.send((batch.batch_id, batch.pages))

    def collect(self, timeout: float) -> list[Outcome]:
        """Outcomes that arrive within ``timeout`` s, plus records over the time limit.

        A worker that died (its socket reads as closed) or was killed is replaced.
        """
        wait([w.conn for w in self.workers], timeout)
        outcomes: list[Outcome] = []
        for index, worker in enumerate(self.workers):
            outcome, alive = self._check(worker)
            if outcome is not None:
                outcomes.append(outcome)
            if not alive:
                self._stop(worker, force=True)
                self._count_start_failure(worker)
                self.workers[index] = self._start()
        return outcomes

    def _check(self, worker: _Worker) -> tuple[Outcome | None, bool]:
        """(outcome, whether the worker lives on) for one worker."""
        try:
            if worker.conn.poll():
                message = worker.conn.recv()
                if message == "ready":
                    worker.ready = True
                    self.start_failures = 0
                    return None, True
                batch, worker.batch = worker.batch, None
                if batch is not None and isinstance(message, BatchResult):
                    self.peak_rss_kb = max(self.peak_rss_kb, message.peak_rss_kb)
                    return Done(batch, message), True
        except (EOFError, OSError):  # the worker is gone
            worker.process.wait()
            return self._lost(worker, _death(worker.process.returncode)), False
        if worker.batch is not None and self._overdue(worker, worker.batch):
            worker.process.kill()
            detail = f"over {self.settings.time_limit:g} s"
            return self._lost(worker, (TIMEOUT, detail)), False
        return None, True

    def _overdue(self, worker: _Worker, batch: Batch) -> bool:
        """A record over the time limit, or a batch over the limit of all its records (a
        worker stuck outside any record, e.g. stopped, never reports a record start)."""
        now = time.monotonic()
        limit = self.settings.time_limit
        _, started = worker.progress.read()
        if started != _IDLE:
            return now - started > limit
        return now - worker.assigned > limit * (len(batch.pages) + 1)

    def _lost(self, worker: _Worker, why: tuple[str, str]) -> Lost | None:
        batch, worker.batch = worker.batch, None
        if batch is None:
            return None
        position, started = worker.progress.read()
        if started == _IDLE:  # died between records: retry the batch, a few times
            if batch.attempts < MAX_BATCH_ATTEMPTS:
                return Lost(batch, None, batch)
            position = 0
        page = batch.pages[position]
        rest = batch.pages[:position] + batch.pages[position + 1:]
        retry = Batch(batch.batch_id, batch.unit, rest) if rest else None
        return Lost(batch, Failure(page.origin, why[0], why[1]), retry)

    def _count_start_failure(self, worker: _Worker) -> None:
        if worker.ready:
            return
        self.start_failures += 1
        if self.start_failures >= MAX_START_FAILURES:
            why = _death(worker.process.returncode)[1]
            raise WorkerError(f"worker processes exit before they are ready ({why}); run "
                              f"'{sys.executable} -c \"import dechaff\"' to see why")

    def _stop(self, worker: _Worker, *, force: bool) -> None:
        if force:
            worker.process.kill()
        try:
            worker.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
        worker.conn.close()
        worker.progress.map.close()
        worker.progress_file.close()

    def close(self) -> None:
        """Stop every worker: politely first, then by force."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self.workers:
            self._stop(worker, force=False)
        self.workers = []


def _child_environment() -> dict[str, str]:
    """The parent's environment, single-threaded BLAS, and dechaff importable as it is here."""
    env = dict(os.environ)
    for name in SINGLE_THREAD_ENV:
        env.setdefault(name, "1")
    package_root = str(Path(dechaff.__file__).resolve().parents[1])
    paths = [package_root, *env.get("PYTHONPATH", "").split(os.pathsep)]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def _death(returncode: int | None) -> tuple[str, str]:
    """(reason, detail) for a worker that died on its own."""
    if returncode is not None and returncode < 0:
        name = signal.Signals(-returncode).name
        if -returncode == signal.SIGKILL:  # not ours: the kernel's OOM killer
            return MEMORY, f"worker killed by {name} (out of memory)"
        return CRASH, f"worker died by {name}"
    return CRASH, f"worker exited with status {returncode}"
