"""One run per hostile record kind: it is reported, and every other record is extracted."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import check_output, read_errors, read_records
from warcs import Record, http_response, page_record, write_warc

from dechaff.corpus import Settings, run
from dechaff.corpus.records import BAD_HTTP, BAD_WARC, BINARY, TOO_LARGE, TRUNCATED

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
THIRTY_MB = 30 * 1024 * 1024
DEEP = 100_000


def garbage_http_head() -> Record:
    return Record(b"\x00\x01\x02\xff\xfeGARBAGE HEAD\r\nno: http\r\n\r\n<html><p>x</p>",
                  uri="http://hostile.example/garbage-head")


def binary_labelled_html() -> Record:
    return page_record(PNG, "http://hostile.example/binary")


def thirty_mb_page() -> Record:
    paragraph = b"<p>" + b"Thirty megabytes of words, sentence after sentence. " * 20 + b"</p>\n"
    body = b"<html><body>" + paragraph * (THIRTY_MB // len(paragraph) + 1) + b"</body></html>"
    return page_record(body, "http://hostile.example/30mb")


def deep_nesting(article: bytes) -> Record:
    start = article.find(b"<body")
    body = article[:start] + b"<div>" * DEEP + article[start:] + b"</div>" * DEEP
    return page_record(body, "http://hostile.example/deep")


def non_html() -> Record:
    return page_record(PNG, "http://hostile.example/image.png", content_type="image/png")


def warc_garbage() -> bytes:
    return b"this is not a WARC record\r\n" * 100


HostileCase = tuple[Callable[[bytes], Record | bytes], str, str | None]

CASES: dict[str, HostileCase] = {
    # kind: (make, expected outcome in summary, failure reason in errors-*.jsonl)
    "garbage HTTP head": (lambda _: garbage_http_head(), "failed", BAD_HTTP),
    "binary body labelled text/html": (lambda _: binary_labelled_html(), "failed", BINARY),
    "30 MB page": (lambda _: thirty_mb_page(), "failed", TOO_LARGE),
    "100,000-deep nesting": (deep_nesting, "extracted", None),
    "non-HTML response": (lambda _: non_html(), "skipped", None),
    "garbage between records": (lambda _: warc_garbage(), "failed", BAD_WARC),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_hostile_record_is_reported_and_the_rest_extracted(
        kind: str, tmp_path: Path, good_records: list[Record], good_bodies: list[bytes]) -> None:
    make, outcome, reason = CASES[kind]
    hostile = make(good_bodies[0])
    half = len(good_records) // 2
    path = write_warc(tmp_path / "hostile.warc.gz",
                      [*good_records[:half], hostile, *good_records[half:]])
    out = tmp_path / "out"
    run([str(path)], out, Settings(shard_records=5), workers=1)
    summary = check_output(out)
    extracted = {r["url"] for r in read_records(out)}
    assert {r.uri for r in good_records} <= extracted
    errors = read_errors(out)
    if outcome == "failed":
        assert [e["reason"] for e in errors] == [reason]
        assert summary["failed"] == {reason: 1}
    else:
        assert errors == []
    if outcome == "skipped":
        assert summary["skipped"] == {"not HTML: image/png": 1}
        assert summary["extracted"] == len(good_records)
    if outcome == "extracted":
        assert summary["extracted"] == len(good_records) + 1
        assert isinstance(hostile, Record) and hostile.uri in extracted
    assert summary["read"] == len(good_records) + 1


def test_truncated_record_at_the_end_is_reported(tmp_path: Path,
                                                 good_records: list[Record]) -> None:
    last = gzip.compress(Record(http_response(b"<html><body><p>cut</p>" * 500)).encode())
    path = write_warc(tmp_path / "cut.warc.gz", [*good_records, last[: len(last) // 2]])
    out = tmp_path / "out"
    run([str(path)], out, Settings(shard_records=5), workers=1)
    summary = check_output(out)
    assert [e["reason"] for e in read_errors(out)] == [TRUNCATED]
    assert summary["extracted"] == len(good_records)


def test_truncated_record_in_the_middle_is_reported(tmp_path: Path,
                                                    good_records: list[Record]) -> None:
    cut = gzip.compress(Record(http_response(b"<html><body><p>cut</p>" * 500)).encode())
    path = write_warc(tmp_path / "cut.warc.gz",
                      [*good_records[:3], cut[: len(cut) // 2], *good_records[3:]])
    out = tmp_path / "out"
    run([str(path)], out, Settings(shard_records=5), workers=1)
    summary = check_output(out)
    assert len(read_errors(out)) == 1
    assert summary["extracted"] == len(good_records)
