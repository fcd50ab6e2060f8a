"""Crash safety: a run killed at any moment (SIGKILL included) and rerun gives every record
exactly once, and no partial shard is ever visible; the output directory is guarded."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import check_output, read_records
from warcs import Record, page_record, write_warc

from dechaff.corpus import OutputError, Settings, run
from dechaff.corpus.shards import MANIFEST

SHARD_RECORDS = 6
RECORDS = 120
"""20 shards: the run takes several seconds, so the kill lands in the middle of it."""

WAIT_SECONDS = 120.0
"""Upper bound for the first shard to land on a loaded machine."""

RUN_CODE = "import sys; from dechaff.cli import main; sys.exit(main())"


def command(warc: Path, out: Path) -> list[str]:
    return [sys.executable, "-c", RUN_CODE, "run", str(warc), "--output", str(out),
            "--workers", "1", "--shard-records", str(SHARD_RECORDS), "--no-progress"]


@pytest.fixture
def big_warc(tmp_path: Path, good_bodies: list[bytes]) -> tuple[Path, list[Record]]:
    records = [page_record(good_bodies[i % len(good_bodies)], f"http://example.com/r/{i}")
               for i in range(RECORDS)]
    return write_warc(tmp_path / "crawl.warc.gz", records), records


def shards(out: Path) -> list[Path]:
    return sorted(out.glob("*.jsonl.gz")) if out.exists() else []


def test_sigkill_after_the_first_shard_then_rerun_gives_every_record_once(
        tmp_path: Path, big_warc: tuple[Path, list[Record]]) -> None:
    warc, records = big_warc
    out = tmp_path / "out"
    process = subprocess.Popen(command(warc, out), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + WAIT_SECONDS
    while not shards(out) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)  # the run and its workers, as a power cut would
    process.wait()
    landed = shards(out)
    assert landed, "no shard landed before the kill"
    for shard in landed:  # every visible shard is whole
        with gzip.open(shard, "rt") as handle:
            assert all(json.loads(line) for line in handle)
    manifest = out / MANIFEST  # absent when the kill fell between rename and manifest line
    committed = manifest.read_text().splitlines() if manifest.exists() else []
    assert len(committed) < RECORDS // SHARD_RECORDS, "the run finished before the kill"

    rerun = subprocess.run(command(warc, out), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    summary = check_output(out)
    urls = [r["url"] for r in read_records(out)]
    assert sorted(urls) == sorted(r.uri for r in records)
    assert summary["read"] == RECORDS and summary["extracted"] == RECORDS
    assert summary["this_run"]["units_already_done"] == len(committed)


def test_a_finished_run_rerun_does_nothing_again(tmp_path: Path,
                                                 good_records: list[Record]) -> None:
    warc = write_warc(tmp_path / "a.warc.gz", good_records)
    out = tmp_path / "out"
    first = run([str(warc)], out, Settings(shard_records=5), workers=1)
    before = {p.name: p.stat().st_mtime_ns for p in shards(out)}
    second = run([str(warc)], out, Settings(shard_records=5), workers=1)
    assert {p.name: p.stat().st_mtime_ns for p in shards(out)} == before
    assert second["this_run"]["pages"] == 0
    assert first["extracted"] == second["extracted"] == len(good_records)
    check_output(out)


def test_other_settings_are_refused_and_overwrite_starts_over(
        tmp_path: Path, good_records: list[Record]) -> None:
    warc = write_warc(tmp_path / "a.warc.gz", good_records)
    out = tmp_path / "out"
    run([str(warc)], out, Settings(shard_records=5), workers=1)
    with pytest.raises(OutputError, match="shard_records: 5 → 4"):
        run([str(warc)], out, Settings(shard_records=4), workers=1)
    result = run([str(warc)], out, Settings(shard_records=4), workers=1, overwrite=True)
    assert result["shards"] == 3
    assert len(shards(out)) == 3
    check_output(out)


def test_a_directory_that_holds_other_files_is_refused(tmp_path: Path,
                                                       good_records: list[Record]) -> None:
    warc = write_warc(tmp_path / "a.warc.gz", good_records[:2])
    out = tmp_path / "elsewhere"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(OutputError, match="holds no dechaff run"):
        run([str(warc)], out, workers=1)
    with pytest.raises(OutputError, match="holds no dechaff run"):
        run([str(warc)], out, workers=1, overwrite=True)
    assert (out / "thesis.tex").read_text() == "precious"


def test_limit_cuts_the_run_at_n_records(tmp_path: Path, good_records: list[Record]) -> None:
    first = write_warc(tmp_path / "1.warc.gz", good_records[:5])
    second = write_warc(tmp_path / "2.warc.gz", good_records[5:])
    out = tmp_path / "out"
    summary = run([str(first), str(second)], out, Settings(limit=7, shard_records=3), workers=1)
    assert summary["read"] == 7
    assert len(read_records(out)) == 7
    check_output(out)
