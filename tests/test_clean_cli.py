"""``dechaff clean``: text files and JSONL corpora, streaming; nothing lost, problems reported."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from dechaff import clean_text
from dechaff.cli import main
from test_clean import BODY, BYLINE, TEASERS, record

Capture = pytest.CaptureFixture[str]


def write_jsonl(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def read_jsonl(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8").splitlines()


def test_a_text_file_to_stdout(tmp_path: Path, capsys: Capture) -> None:
    source = tmp_path / "story.txt"
    source.write_text(record(), encoding="utf-8")
    assert main(["clean", str(source), "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert out == clean_text(record()).text + "\n"
    assert "cleaned 1 documents" in err


def test_jsonl_records_are_cleaned_and_other_fields_kept(tmp_path: Path, capsys: Capture) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [
        json.dumps({"id": "a", "text": record(), "url": "https://example.com/a", "n": 1}),
        json.dumps({"id": "b", "text": "", "meta": {"x": [1, 2]}}),
    ])
    out_path = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out_path), "--no-progress"]) == 0
    first, second = (json.loads(line) for line in read_jsonl(out_path))
    assert first == {"id": "a", "text": clean_text(record()).text,
                     "url": "https://example.com/a", "n": 1}
    assert second == {"id": "b", "text": "", "meta": {"x": [1, 2]}}


def test_bad_lines_are_reported_and_kept_unchanged(tmp_path: Path, capsys: Capture) -> None:
    lines = [
        json.dumps({"id": 1, "text": record()}),
        '{"id": 2, "text": "unterminated',
        json.dumps({"id": 3, "body": "no text field"}),
        json.dumps({"id": 4, "text": 42}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"id": 7, "text": "\n".join(BODY)}),
    ]
    source = write_jsonl(tmp_path / "in.jsonl.gz", lines)
    out_path = tmp_path / "out.jsonl.gz"
    assert main(["clean", str(source), "-o", str(out_path), "--no-progress"]) == 1
    written = read_jsonl(out_path)
    assert len(written) == len(lines)
    for number in (2, 3, 4, 5, 6):
        assert written[number - 1] == lines[number - 1]
    assert json.loads(written[0])["text"] == clean_text(record()).text
    assert json.loads(written[6]) == {"id": 7, "text": "\n".join(BODY)}
    err = capsys.readouterr().err
    for number in (2, 3, 4, 5):
        assert f"in.jsonl.gz:{number}:" in err
    assert "in.jsonl.gz:6:" not in err  # a blank line is passed through without a complaint
    assert "kept unchanged" in err


def test_attributes_are_dolma_style_and_line_aligned(tmp_path: Path) -> None:
    text = record()
    source = write_jsonl(tmp_path / "in.jsonl", [
        json.dumps({"id": "doc-1", "text": text}),
        "not json",
        json.dumps({"id": "doc-3", "title": "no text"}),
    ])
    out_path = tmp_path / "attributes.jsonl"
    assert main(["clean", str(source), "--attributes", "-o", str(out_path), "--no-progress"]) == 1
    first, second, third = (json.loads(line) for line in read_jsonl(out_path))
    assert set(first) == {"id", "attributes"}
    assert first["id"] == "doc-1"
    spans = first["attributes"]["dechaff__removed"]
    assert spans == [[s.start, s.end, s.kind] for s in clean_text(text).removed]
    assert any(text[start:end] == BYLINE and kind == "byline" for start, end, kind in spans)
    assert second == {"id": None, "line": 2, "attributes": {"dechaff__removed": []}}
    assert third == {"id": "doc-3", "line": 3, "attributes": {"dechaff__removed": []}}


def test_binary_junk_in_a_text_field(tmp_path: Path) -> None:
    good = json.dumps({"id": "ok", "text": "\n".join(BODY)}).encode()
    junk = b'{"id": "junk", "text": "\xff\xfe\x00\x81 bytes \\u0000 \\ud800 and \xc3\x28"}'
    escaped = json.dumps({"id": "escaped", "text": "\udcff\ud800\x00" + "\n".join(BODY)}).encode()
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join([good, junk, escaped, b"\xff\xff\xff"]) + b"\n")
    out_path = tmp_path / "out.jsonl"
    status = main(["clean", str(source), "-o", str(out_path), "--no-progress"])
    assert status == 1  # the last line is not JSON: reported, kept
    written = out_path.read_bytes().split(b"\n")[:-1]
    assert len(written) == 4
    assert json.loads(written[0])["text"] == "\n".join(BODY)
    assert json.loads(written[1].decode("utf-8", "surrogateescape"))["id"] == "junk"
    assert "\n".join(BODY) in json.loads(written[2])["text"]
    assert written[3] == b"\xff\xff\xff"


def test_a_ten_megabyte_line_in_a_record(tmp_path: Path) -> None:
    long_text = "The tide came in slowly over the flats. " * 250_000
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "big", "text": long_text})])
    out_path = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out_path), "--no-progress"]) == 0
    (line,) = read_jsonl(out_path)
    assert json.loads(line)["id"] == "big"


def test_parallel_jobs_keep_input_order(tmp_path: Path) -> None:
    texts = [f"{BODY[i % len(BODY)]} Record number {i}." for i in range(600)]
    lines = [json.dumps({"id": i, "text": text}) for i, text in enumerate(texts)]
    lines[300] = "{broken"
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    out_path = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "--jobs", "2", "-o", str(out_path), "--no-progress"]) == 1
    written = read_jsonl(out_path)
    assert len(written) == 600
    assert written[300] == "{broken"
    ids = [json.loads(line)["id"] for i, line in enumerate(written) if i != 300]
    assert ids == [i for i in range(600) if i != 300]


def test_field_and_title_field(tmp_path: Path) -> None:
    title = "Harbour Council Approves Plan to Rebuild the Old Eastern Pier"
    source = write_jsonl(tmp_path / "in.jsonl", [
        json.dumps({"id": "a", "content": record(), "headline": title}),
    ])
    out_path = tmp_path / "out.jsonl"
    arguments = ["clean", str(source), "--field", "content", "--title-field", "headline",
                 "-o", str(out_path), "--no-progress"]
    assert main(arguments) == 0
    (line,) = read_jsonl(out_path)
    assert json.loads(line)["content"] == "\n\n".join(BODY)


def test_txt_format_for_jsonl(tmp_path: Path, capsys: Capture) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"text": record()})] * 2)
    assert main(["clean", str(source), "--format", "txt", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.count(TEASERS[0][0]) == 0
    assert out.count(BODY[0]) == 2


def test_missing_input_is_reported(tmp_path: Path, capsys: Capture) -> None:
    assert main(["clean", str(tmp_path / "missing.jsonl"), "--no-progress"]) == 1
    assert "missing.jsonl" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: Capture) -> None:
    assert main(["clean"]) == 2
    assert main(["clean", "x.txt", "--jobs", "0"]) == 2
    assert main(["clean", "--help"]) == 0
    assert "dechaff clean" in capsys.readouterr().out


def test_values_are_written_back_exactly(tmp_path: Path) -> None:
    """Numbers orjson would round or null (big integers, NaN) and nested values survive."""
    lines = [
        '{"id": 123456789012345678901234567890, "text": "One line.", "x": 1.5e300}',
        '{"id": "nan", "text": "One line.", "score": NaN, "inf": -Infinity}',
        '{"id": "nested", "text": "One line.", "meta": {"a": [1, null, true, "é"]}}',
    ]
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    out_path = tmp_path / "out.jsonl.gz"
    assert main(["clean", str(source), "-o", str(out_path), "--no-progress"]) == 0
    written = read_jsonl(out_path)
    for before, after in zip(lines, written, strict=True):
        kept, given = json.loads(after), json.loads(before)
        assert kept.pop("text") == clean_text(given.pop("text")).text
        assert repr(kept) == repr(given)


def test_a_truncated_gzip_input_keeps_what_was_read(tmp_path: Path, capsys: Capture) -> None:
    lines = [json.dumps({"id": i, "text": f"{BODY[i % len(BODY)]} {i}."}) for i in range(2000)]
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"))
    source = tmp_path / "in.jsonl.gz"
    source.write_bytes(data[: len(data) // 2])
    out_path = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out_path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "damaged gzip data after line" in err
    written = read_jsonl(out_path)
    assert 0 < len(written) < len(lines)
    assert [json.loads(line)["id"] for line in written] == list(range(len(written)))


def test_a_corrupt_gzip_text_file_is_reported(tmp_path: Path, capsys: Capture) -> None:
    source = tmp_path / "story.txt"
    source.write_bytes(b"\x1f\x8b\x08\x00" + b"not deflate at all" * 10)
    assert main(["clean", str(source), "--no-progress"]) == 1
    assert "damaged gzip data" in capsys.readouterr().err


@pytest.mark.parametrize("compress", [False, True])
def test_jsonl_on_stdin_plain_or_gzipped(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, compress: bool
) -> None:
    lines = [json.dumps({"id": i, "text": record()}) for i in range(3)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    stdin = io.BufferedReader(io.BytesIO(gzip.compress(data) if compress else data))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin))
    assert main(["clean", "-", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    written = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in written] == [0, 1, 2]
    assert written[0]["text"] == clean_text(record()).text
    assert "cleaned 3 documents" in err
