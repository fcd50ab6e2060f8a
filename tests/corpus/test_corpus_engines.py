"""The engines and formats agree: Ray and local give identical records; Parquet holds the same
records as JSON lines; JSONL and HTML-directory inputs run like WARCs; the CLI reports cleanly."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import check_output, read_errors, read_records
from warcs import Record, page_record, write_warc

from dechaff.corpus import Settings, run
from dechaff.corpus.cli import main

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16


def two_warcs(tmp_path: Path, good_records: list[Record]) -> list[str]:
    hostile = [page_record(PNG, "http://hostile.example/binary"),
               page_record(PNG, "http://hostile.example/png", content_type="image/png")]
    half = len(good_records) // 2
    return [str(write_warc(tmp_path / "a.warc.gz", [*good_records[:half], hostile[0]])),
            str(write_warc(tmp_path / "b.warc.gz", [hostile[1], *good_records[half:]]))]


def by_id(records: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {record["id"]: record for record in records}


def test_ray_and_local_engines_give_identical_records(tmp_path: Path,
                                                      good_records: list[Record]) -> None:
    pytest.importorskip("ray")
    inputs = two_warcs(tmp_path, good_records)
    settings = Settings(shard_records=4)
    local = run(inputs, tmp_path / "local", settings, workers=2)
    on_ray = run(inputs, tmp_path / "ray", settings, workers=2, engine="ray")
    check_output(tmp_path / "local")
    check_output(tmp_path / "ray")
    records = read_records(tmp_path / "local")
    assert len(records) == len(good_records)
    assert by_id(read_records(tmp_path / "ray")) == by_id(records)
    assert read_errors(tmp_path / "ray") == read_errors(tmp_path / "local")
    assert sorted(p.name for p in (tmp_path / "ray").glob("*.jsonl*")) == sorted(
        p.name for p in (tmp_path / "local").glob("*.jsonl*"))
    for key in ("read", "extracted", "empty", "skipped", "failed", "shards"):
        assert on_ray[key] == local[key], key


def test_parquet_shards_hold_the_same_records(tmp_path: Path,
                                              good_records: list[Record]) -> None:
    pytest.importorskip("pyarrow")
    inputs = two_warcs(tmp_path, good_records)
    run(inputs, tmp_path / "jsonl", Settings(shard_records=4), workers=1)
    run(inputs, tmp_path / "parquet", Settings(format="parquet", shard_records=4), workers=1)
    check_output(tmp_path / "parquet")
    assert list((tmp_path / "parquet").glob("*.parquet"))
    assert by_id(read_records(tmp_path / "parquet")) == by_id(read_records(tmp_path / "jsonl"))


def test_jsonl_and_html_directory_inputs(tmp_path: Path, good_bodies: list[bytes]) -> None:
    lines = [json.dumps({"id": f"doc-{i}", "url": f"http://j/{i}", "html": body.decode(
        "utf-8", "replace")}) for i, body in enumerate(good_bodies[:3])]
    (tmp_path / "docs.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    site = tmp_path / "site"
    site.mkdir()
    for i, body in enumerate(good_bodies[:2]):
        (site / f"p{i}.html").write_bytes(body)
    out = tmp_path / "out"
    summary = run([str(tmp_path / "docs.jsonl.gz"), str(site)], out, workers=1)
    check_output(out)
    assert sorted(r["id"] for r in read_records(out)) == ["doc-0", "doc-1", "doc-2",
                                                          "p0.html", "p1.html"]
    assert summary["inputs"] == 2


def test_cli_run_reports_and_exits_zero(tmp_path: Path, good_records: list[Record],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    inputs = two_warcs(tmp_path, good_records)
    out = tmp_path / "out"
    status = main([*inputs, "--output", str(out), "--workers", "1", "--no-progress"])
    assert status == 0
    err = capsys.readouterr().err
    assert f"{len(good_records) + 2} records: {len(good_records)} extracted" in err
    assert "1 failed (see" in err
    check_output(out)


@pytest.mark.parametrize(("arguments", "message"), [
    (["missing.warc.gz", "-o", "OUT"], "no such file or directory"),
    (["IN", "-o", "OUT", "--ray-address", "auto"], "--ray-address needs --engine ray"),
    (["IN", "-o", "OUT", "--workers", "0"], "must be at least 1"),
    (["IN"], "required: -o/--output"),
])
def test_cli_usage_errors_are_one_line_and_exit_2(
        tmp_path: Path, good_records: list[Record], capsys: pytest.CaptureFixture[str],
        arguments: list[str], message: str) -> None:
    warc = str(write_warc(tmp_path / "in.warc.gz", good_records[:1]))
    argv = [warc if a == "IN" else str(tmp_path / a) if a in ("OUT", "missing.warc.gz") else a
            for a in arguments]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
