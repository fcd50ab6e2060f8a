"""Dataset loading: page files, malformed gold lines, deterministic selection."""

from __future__ import annotations

import json

import pytest
from benchdata import DatasetFactory

from dechaff.bench.datasets import GoldLineError, load_dataset, parse_gold_line


def test_loads_gz_and_plain_pages(make_dataset: DatasetFactory) -> None:
    root = make_dataset("plain", {"p1": "<p>one</p>"}, [{"id": "p1", "text": "one"}], gz=False)
    dataset = load_dataset(root)
    assert dataset.name == "plain"
    assert dataset.read_page("p1") == b"<p>one</p>"
    gz_root = make_dataset("gz", {"p1": "<p>één</p>"}, [{"id": "p1", "text": "één"}])
    assert load_dataset(gz_root).read_page("p1") == "<p>één</p>".encode()


def test_missing_page_raises_file_not_found(make_dataset: DatasetFactory) -> None:
    dataset = load_dataset(make_dataset("m", {}, [{"id": "gone", "text": "x"}]))
    assert dataset.page_path("gone") is None
    with pytest.raises(FileNotFoundError, match="gone"):
        dataset.read_page("gone")


def test_malformed_lines_are_reported_and_skipped(make_dataset: DatasetFactory) -> None:
    gold = [
        {"id": "ok1", "text": "fine", "with": ["a b"], "without": []},
        "{not json",
        json.dumps(["a", "list"]),
        {"text": "no id"},
        {"id": "../escape", "text": "path traversal"},
        {"id": "bad-with", "text": "x", "with": "not a list"},
        {"id": "ok1", "text": "duplicate"},
        {"id": 7, "text": None},
    ]
    dataset = load_dataset(make_dataset("bad", {}, gold))
    assert [r.id for r in dataset.records] == ["ok1", "7"]
    assert len(dataset.problems) == 6
    assert all("gold.jsonl line" in p for p in dataset.problems)
    assert dataset.records[1].text is None
    assert dataset.records[0].has_snippets


def test_select_takes_first_n_sorted_ids(make_dataset: DatasetFactory) -> None:
    gold = [{"id": i, "text": "t"} for i in ("c", "a", "b")]
    dataset = load_dataset(make_dataset("s", {}, gold))
    assert [r.id for r in dataset.select(2)] == ["a", "b"]
    assert [r.id for r in dataset.select(None)] == ["a", "b", "c"]


def test_parse_gold_line_fields() -> None:
    record = parse_gold_line(json.dumps({
        "id": "0001", "url": "", "text": "", "title": "T", "author": "A", "date": "2020-01-02",
        "page_type": "forum", "language": "de", "with": ["x", "  "], "without": None,
    }))
    assert record.url is None  # empty url means no url
    assert record.text == ""  # empty text gold is kept (scored), unlike null
    assert record.with_ == ("x",)
    assert (record.page_type, record.language) == ("forum", "de")
    with pytest.raises(GoldLineError):
        parse_gold_line(json.dumps({"id": "x", "text": 3}))
