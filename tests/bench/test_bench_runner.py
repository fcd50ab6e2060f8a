"""Runner and results: errors are reported and the run goes on; timing; partial runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchdata import PARAGRAPHS, DatasetFactory, article_html

from dechaff.bench import runner
from dechaff.bench.extractors import Extractor, Prediction
from dechaff.bench.results import build_results, score_extractor
from dechaff.bench.runner import PageOutcome, prediction_line, run_benchmark


def _paragraph_text(html: str, url: str | None) -> Prediction:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title = tree.css_first("title")
    return Prediction(
        text="\n".join(p.text() for p in tree.css("p")),
        title=title.text() if title else None,
        authors=("Jane Doe",),
        date="2024-05-01T10:00:00",
    )


PERFECT = Extractor("perfect", _paragraph_text)


def _fail_on_a2(html: str, url: str | None) -> Prediction:
    if url and url.endswith("a2"):
        raise ValueError("boom")
    return Prediction(text="something else entirely here")


def test_perfect_extractor_scores_one(article_dataset: Path, tmp_path: Path) -> None:
    run = run_benchmark([article_dataset], [PERFECT], tmp_path / "out", progress=False)
    figures = score_extractor(run.datasets[0], "perfect")
    assert figures["f1"] == 1.0 and figures["exact"] == 1.0 and figures["n"] == 3
    assert figures["errors"] == 0
    assert figures["metadata"] == {
        "title": {"accuracy": 1.0, "n": 3, "predicted": 3},
        "author": {"accuracy": 1.0, "n": 3, "predicted": 3},
        "date": {"accuracy": 1.0, "n": 3, "predicted": 3},
    }
    assert set(figures["by_page_type"]) == {"article", "forum"}
    assert figures["by_page_type"]["article"]["n"] == 2
    assert figures["ms_median"] is not None and figures["ms_p95"] >= figures["ms_median"]
    assert figures["snippets"] is None


def test_extractor_exception_is_recorded_and_run_continues(
    article_dataset: Path, tmp_path: Path
) -> None:
    flaky = Extractor("flaky", _fail_on_a2)
    out = tmp_path / "out"
    run = run_benchmark([article_dataset], [PERFECT, flaky], out, progress=False)
    figures = score_extractor(run.datasets[0], "flaky")
    assert figures["extractor_errors"] == 1 and figures["errors"] == 1
    assert figures["n"] == 3  # the failing page is scored as an empty prediction
    lines = [json.loads(x) for x in (out / "predictions/flaky/tiny.jsonl").read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a1", "a2", "a3"]
    assert lines[1]["error"] == "ValueError: boom" and lines[1]["text"] == ""
    assert score_extractor(run.datasets[0], "perfect")["errors"] == 0


def test_missing_page_and_bad_gold_line_are_reported(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    pages = {"a1": article_html("T", PARAGRAPHS["a1"]), "a3": article_html("T", PARAGRAPHS["a3"])}
    gold = [
        {"id": "a1", "text": "\n".join(PARAGRAPHS["a1"])},
        "{broken json",
        {"id": "a2", "text": "page file is missing"},
        {"id": "a3", "text": "\n".join(PARAGRAPHS["a3"])},
    ]
    root = make_dataset("holes", pages, gold)
    warnings: list[str] = []
    run = run_benchmark([root], [PERFECT], tmp_path / "out", progress=False, warn=warnings.append)
    assert len(warnings) == 2
    assert any("line 2" in w for w in warnings) and any("a2" in w for w in warnings)
    figures = score_extractor(run.datasets[0], "perfect")
    assert figures["errors"] == 2 and figures["dataset_errors"] == 2
    assert figures["n"] == 2 and figures["f1"] == 1.0  # the other pages were still scored


def test_null_text_pages_only_count_for_snippets_and_metadata(
    make_dataset: DatasetFactory, tmp_path: Path
) -> None:
    html = article_html("Only snippets", ["Protein keeps you full and fuels busy days."])
    gold = [{"id": "s1", "text": None, "title": "Only snippets",
             "with": ["keeps you FULL"], "without": ["Login"]}]
    root = make_dataset("snips", {"s1": html}, gold)
    run = run_benchmark([root], [PERFECT], tmp_path / "out", progress=False)
    figures = score_extractor(run.datasets[0], "perfect")
    assert figures["n"] == 0 and figures["f1"] is None
    assert figures["snippets"]["snippet_recall"] == 1.0
    assert figures["snippets"]["snippet_precision"] == 1.0  # <nav> is not in <p> text
    assert figures["metadata"]["title"] == {"accuracy": 1.0, "n": 1, "predicted": 1}


def test_limit_and_interleaving_share_one_decoded_string(
    article_dataset: Path, tmp_path: Path
) -> None:
    seen: list[tuple[str, str]] = []

    def recorder(name: str) -> Extractor:
        def call(html: str, url: str | None) -> Prediction:
            seen.append((name, url or ""))
            return Prediction(text=html)

        return Extractor(name, call)

    run = run_benchmark([article_dataset], [recorder("x"), recorder("y")], tmp_path / "o",
                        limit=2, progress=False)
    assert [r.id for r in run.datasets[0].scored_records] == ["a1", "a2"]
    timed = seen[2:]  # the first two calls are the untimed warm-up
    assert [u.rsplit("/", 1)[1] for _, u in timed] == ["a1", "a1", "a2", "a2"]
    assert [n for n, _ in timed] == ["x", "y", "y", "x"]  # order rotates page by page


def test_interrupt_keeps_partial_predictions(article_dataset: Path, tmp_path: Path) -> None:
    calls = {"n": 0}

    def interrupting(html: str, url: str | None) -> Prediction:
        calls["n"] += 1
        if calls["n"] == 3:  # warm-up, a1, then Ctrl-C on a2
            raise KeyboardInterrupt
        return Prediction(text="text")

    out = tmp_path / "out"
    run = run_benchmark([article_dataset], [Extractor("ctrlc", interrupting)], out,
                        progress=False, warn=lambda _: None)
    assert run.interrupted
    results = build_results(run)
    assert results["_meta"]["interrupted"] is True
    assert results["ctrlc"]["tiny"]["n"] == 1
    written = (out / "predictions/ctrlc/tiny.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in written] == ["a1"]


def _timing_free(figures: dict[str, object]) -> dict[str, object]:
    timing = {"ms_median", "ms_p95", "ms_mean", "pages_per_s"}
    return {k: v for k, v in figures.items() if k not in timing}


def test_jobs_give_the_same_scores_and_files_as_one_process(
    article_dataset: Path, tmp_path: Path
) -> None:
    flaky = Extractor("flaky", _fail_on_a2)
    runs = {
        jobs: run_benchmark([article_dataset], [PERFECT, flaky], tmp_path / f"j{jobs}",
                            jobs=jobs, progress=False)
        for jobs in (1, 2)
    }
    assert runs[2].jobs == 2
    for name in ("perfect", "flaky"):
        one, two = (score_extractor(runs[j].datasets[0], name) for j in (1, 2))
        assert _timing_free(one) == _timing_free(two)
        assert two["ms_median"] is not None
        lines = {
            j: [json.loads(x) for x in (tmp_path / f"j{j}/predictions/{name}/tiny.jsonl")
                .read_text().splitlines()]
            for j in (1, 2)
        }
        assert [(x["id"], x["text"], x["error"]) for x in lines[1]] == \
            [(x["id"], x["text"], x["error"]) for x in lines[2]]


def test_interrupt_with_workers_keeps_finished_pages(
    article_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []

    def interrupt_on_second_page(page_id: str, outcome: PageOutcome) -> str:
        if written:
            raise KeyboardInterrupt
        written.append(page_id)
        return prediction_line(page_id, outcome)

    monkeypatch.setattr(runner, "prediction_line", interrupt_on_second_page)
    out = tmp_path / "out"
    run = run_benchmark([article_dataset], [PERFECT], out, jobs=2, progress=False,
                        warn=lambda _: None)
    assert run.interrupted
    assert build_results(run)["perfect"]["tiny"]["n"] == 1
    written_ids = [json.loads(x)["id"] for x in
                   (out / "predictions/perfect/tiny.jsonl").read_text().splitlines()]
    assert written_ids == ["a1"]


def test_capped_extractor_runs_on_the_first_pages_only(
    article_dataset: Path, tmp_path: Path
) -> None:
    slow = Extractor("slow", _paragraph_text)
    out = tmp_path / "out"
    run = run_benchmark([article_dataset], [PERFECT, slow], out, caps={"slow": 2},
                        jobs=2, progress=False)
    assert score_extractor(run.datasets[0], "perfect")["n"] == 3
    capped = score_extractor(run.datasets[0], "slow")
    assert capped["n"] == 2 and capped["f1"] == 1.0
    lines = (out / "predictions/slow/tiny.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["a1", "a2"]
    assert build_results(run)["_meta"]["caps"] == {"slow": 2}
