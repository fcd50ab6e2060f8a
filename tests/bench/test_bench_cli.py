"""``dechaff bench`` end to end on a tiny dataset: outputs, --compare gate, BENCHMARKS.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dechaff.bench import extractors
from dechaff.bench.cli import EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, main, parse_limits
from dechaff.bench.extractors import DEFAULT_EXTRACTORS, Extractor
from dechaff.bench.report import BENCH_END, BENCH_START, write_benchmarks
from dechaff.bench.results import MAX_F1_DROP


def _run(dataset: Path, out: Path, *extra: str) -> int:
    return main(["--dataset", str(dataset), "--extractor", "dechaff", "--out", str(out),
                 "--no-progress", *extra])


def _set_old_f1(out: Path, f1: float) -> None:
    path = out / "results.json"
    results = json.loads(path.read_text())
    results["dechaff"]["tiny"]["f1"] = f1
    path.write_text(json.dumps(results))


def test_outputs_and_results_shape(article_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert _run(article_dataset, out) == EXIT_OK
    results = json.loads((out / "results.json").read_text())
    figures = results["dechaff"]["tiny"]
    for key in ("f1", "f1_std", "precision", "recall", "word_f1", "exact", "n", "ms_median",
                "ms_p95", "ms_mean", "errors", "by_page_type", "metadata"):
        assert key in figures
    meta = results["_meta"]
    assert {"platform", "cpu", "cores"} <= set(meta["machine"])
    assert {"dechaff", "trafilatura", "selectolax"} <= set(meta["versions"])
    assert (out / "predictions/dechaff/tiny.jsonl").is_file()
    report = (out / "report.md").read_text()
    assert "### tiny" in report and "F1 by page type" in report
    assert (out / "quality_speed.png").stat().st_size > 0
    assert (out / "f1_by_dataset.png").stat().st_size > 0


def test_compare_flags_injected_regression_and_passes_unchanged(
    article_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    assert _run(article_dataset, old) == EXIT_OK
    f1 = json.loads((old / "results.json").read_text())["dechaff"]["tiny"]["f1"]
    assert _run(article_dataset, new, "--compare", str(old)) == EXIT_OK  # unchanged rerun
    assert "ok" in capsys.readouterr().out

    _set_old_f1(old, f1 + MAX_F1_DROP * 0.8)  # a drop within tolerance passes
    assert _run(article_dataset, new, "--compare", str(old)) == EXIT_OK
    _set_old_f1(old, f1 + MAX_F1_DROP * 1.2)  # a drop beyond it fails
    assert _run(article_dataset, new, "--compare", str(old)) == EXIT_REGRESSION
    assert "REGRESSION" in capsys.readouterr().out


def test_compare_without_old_results_is_a_usage_error(
    article_dataset: Path, tmp_path: Path
) -> None:
    assert _run(article_dataset, tmp_path / "o", "--compare", str(tmp_path / "nope")) == EXIT_USAGE


def test_write_benchmarks_replaces_only_the_marked_section(
    article_dataset: Path, tmp_path: Path
) -> None:
    bench_md = tmp_path / "BENCHMARKS.md"
    assert _run(article_dataset, tmp_path / "o", "--write-benchmarks", str(bench_md)) == EXIT_OK
    created = bench_md.read_text()
    assert created.startswith("# Benchmarks") and "| dechaff |" in created
    assert created.count(BENCH_START) == created.count(BENCH_END) == 1

    bench_md.write_text(f"intro\n{BENCH_START}\nstale\n{BENCH_END}\noutro\n")
    results = json.loads((tmp_path / "o" / "results.json").read_text())
    write_benchmarks(bench_md, results)
    updated = bench_md.read_text()
    assert updated.startswith("intro\n") and updated.endswith(f"{BENCH_END}\noutro\n")
    assert "stale" not in updated and "| dechaff |" in updated


def test_usage_errors(article_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert main(["--dataset", str(article_dataset), "--extractor", "nope", "--out", str(out)]) \
        == EXIT_USAGE
    assert _run(tmp_path, out) == EXIT_USAGE  # not a dataset folder
    assert _run(article_dataset, article_dataset / "out") == EXIT_USAGE  # would write into data
    assert _run(article_dataset, out, "--limit", "0") == EXIT_USAGE


def test_list_extractors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-extractors"]) == EXIT_OK
    listing = capsys.readouterr().out
    assert "dechaff " in listing and "trafilatura-fast" in listing and "inscriptis" in listing


def test_missing_peer_is_skipped_with_its_pip_command(
    article_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def missing_peer() -> Extractor:
        extractors._require("no_such_peer_module", "no-such-peer")
        raise AssertionError("unreachable: that module does not exist")

    monkeypatch.setitem(extractors.REGISTRY, "no-such-peer", missing_peer)
    out = tmp_path / "o"
    assert _run(article_dataset, out, "--extractor", "no-such-peer") == EXIT_OK
    assert "skipped no-such-peer" in capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    assert set(results) == {"dechaff", "_meta"}
    assert "pip install no-such-peer" in results["_meta"]["skipped"]["no-such-peer"]
    assert "skipped no-such-peer: no-such-peer is not installed: pip install no-such-peer" \
        in (out / "report.md").read_text()
    # nothing left to run is a usage error
    assert main(["--dataset", str(article_dataset), "--extractor", "no-such-peer",
                 "--out", str(out), "--no-progress"]) == EXIT_USAGE


def test_default_is_every_registered_extractor() -> None:
    assert tuple(extractors.REGISTRY) == DEFAULT_EXTRACTORS
    assert {"dechaff", "trafilatura", "goose3", "inscriptis"} <= set(DEFAULT_EXTRACTORS)


def test_jobs_option(article_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert _run(article_dataset, out, "--jobs", "0") == EXIT_USAGE
    assert _run(article_dataset, out, "--jobs", "2") == EXIT_OK
    results = json.loads((out / "results.json").read_text())
    assert results["_meta"]["jobs"] == 2 and results["dechaff"]["tiny"]["n"] == 3
    assert "2 worker processes" in (out / "report.md").read_text()


def test_limit_values() -> None:
    assert parse_limits([]) == (None, {})
    assert parse_limits(["40", "goose3=10", "newspaper4k=5"]) == \
        (40, {"goose3": 10, "newspaper4k": 5})
    for bad in (["0"], ["goose3=0"], ["x"], ["goose3="]):
        assert isinstance(parse_limits(bad), str)


def test_per_extractor_limit_end_to_end(article_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert _run(article_dataset, out, "--limit", "dechaff=2") == EXIT_OK
    results = json.loads((out / "results.json").read_text())
    assert results["dechaff"]["tiny"]["n"] == 2 and results["_meta"]["caps"] == {"dechaff": 2}
    assert "dechaff capped at the first 2 pages" in (out / "report.md").read_text()
    assert _run(article_dataset, out, "--limit", "nope=2") == EXIT_USAGE


@pytest.mark.parametrize("task", ["clean", "corpus"])
def test_other_tasks_are_reached_through_task(
    task: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``dechaff bench --task clean|corpus`` hands the rest of the command line to the task."""
    from dechaff.cli import main as dechaff_main

    assert dechaff_main(["bench", "--task", task, "--help"]) == 0
    assert f"usage: dechaff bench --task {task}" in capsys.readouterr().out


def test_unknown_task_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from dechaff.cli import main as dechaff_main

    assert dechaff_main(["bench", "--task", "nothing"]) == 2
    assert "invalid choice" in capsys.readouterr().err
