"""report.md tables: summary, page types per extractor, metadata only where extracted."""

from __future__ import annotations

from typing import Any

from dechaff.bench.report import render_report


def _figures(f1: float, ms: float, **extra: Any) -> dict[str, Any]:
    figures: dict[str, Any] = dict.fromkeys(
        ("f1_std", "precision", "recall", "word_f1", "exact", "ms_p95", "pages_per_s"), 0.5)
    figures.update(f1=f1, ms_median=ms, n=2, errors=0, by_page_type={}, metadata={},
                   snippets=None)
    figures.update(extra)
    return figures


def test_report_tables() -> None:
    title = {"title": {"accuracy": 0.5, "n": 2, "predicted": 2}}
    no_title = {"title": {"accuracy": 0.0, "n": 2, "predicted": 0}}
    types = {"article": {"f1": 0.9, "n": 2}}
    results = {
        "dechaff": {"s": _figures(0.9, 10.0, metadata=title, by_page_type=types)},
        "trafilatura": {"s": _figures(0.8, 20.0, metadata=title, by_page_type=types)},
        "html-text": {"s": _figures(0.5, 5.0, metadata=no_title, by_page_type=types)},
        "_meta": {"jobs": 2, "skipped": {"goose3": "goose3 is not installed: pip install goose3"}},
    }
    report = render_report(results)
    assert "| dechaff | 0.900 | 10.0 |" in report  # summary row: F1 and median ms
    assert "0.50x" in report  # dechaff's median against trafilatura's
    assert "| extractor | article (2) |" in report
    assert "| html-text | 0.500 |" in report  # its page-type row
    assert "| dechaff | 0.500 |" in report.split("Metadata accuracy")[1]
    assert "| html-text |" not in report.split("Metadata accuracy")[1]  # extracts no metadata
    assert "skipped goose3: goose3 is not installed: pip install goose3" in report
    assert "2 worker processes" in report
