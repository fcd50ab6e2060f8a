"""Fixtures for the corpus tests (WARC writing helpers live in ``warcs``)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from warcs import Record, page_record, sample_pages

from dechaff import extract

GOOD_PAGES = 12
"""Real pages per test WARC: enough to span several batches and shards, quick to extract."""


@pytest.fixture(scope="session")
def good_bodies() -> list[bytes]:
    """Real pages (shared AEB set, else the bundled examples) that extract to some text."""
    bodies = [body for body in sample_pages(GOOD_PAGES * 2) if extract(body).text.strip()]
    unique = list(dict.fromkeys(bodies))
    assert len(unique) >= 4, "no usable sample pages"
    return [unique[i % len(unique)] for i in range(GOOD_PAGES)]


@pytest.fixture
def good_records(good_bodies: list[bytes]) -> list[Record]:
    return [page_record(body, f"http://example.com/good/{i}")
            for i, body in enumerate(good_bodies)]


def record_id(uri: str) -> str:
    return page_record(b"", uri).record_id


def read_records(directory: Path) -> list[dict[str, Any]]:
    """Every output record in DIR's shards, in shard name order."""
    records: list[dict[str, Any]] = []
    for shard in sorted(directory.glob("*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle)
    for shard in sorted(directory.glob("*.parquet")):
        import pyarrow.parquet as pq

        records.extend(pq.read_table(shard).to_pylist())
    return records


def read_errors(directory: Path) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for path in sorted(directory.glob("errors-*.jsonl")):
        errors.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return errors


def check_output(directory: Path) -> dict[str, Any]:
    """The invariants of every finished run; returns summary.json."""
    summary: dict[str, Any] = json.loads((directory / "summary.json").read_text())
    assert summary["complete"] is True
    accounted = (summary["extracted"] + summary["empty"] + summary["skipped_total"]
                 + summary["failed_total"])
    assert summary["read"] == accounted
    assert summary["counts_add_up"] is True
    assert sum(summary["skipped"].values()) == summary["skipped_total"]
    assert sum(summary["failed"].values()) == summary["failed_total"]
    records = read_records(directory)
    assert len(records) == summary["extracted"]
    ids = [(r["source"]["file"], r["source"]["index"]) for r in records]
    assert len(ids) == len(set(ids)), "a record was written twice"
    assert len(read_errors(directory)) == summary["failed_total"]
    stray = [p.name for p in directory.iterdir()
             if p.name.endswith((".jsonl", ".jsonl.gz")) and not _is_output(p.name)]
    assert not stray
    assert not (directory / ".tmp").exists()
    return summary


_SHARD_RE = re.compile(r"^(errors-)?.+-[0-9a-f]{8}-\d{5}\.jsonl(\.gz)?$")


def _is_output(name: str) -> bool:
    """A shard (NAME-HASH-NNNNN.jsonl.gz) or an error file (errors-NAME-HASH-NNNNN.jsonl)."""
    match = _SHARD_RE.match(name)
    return match is not None and (match.group(1) is None) == name.endswith(".gz")
