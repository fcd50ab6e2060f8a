"""``report.md`` and the generated section of ``BENCHMARKS.md`` (charts: :mod:`.charts`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dechaff.bench.charts import write_charts
from dechaff.bench.results import META_KEY, Results, extractor_results

__all__ = ["render_report", "render_tables", "write_benchmarks", "write_charts"]

REFERENCE_EXTRACTOR = "trafilatura"  # speed ratios are relative to this one
BENCH_START = "<!-- bench:start -->"
BENCH_END = "<!-- bench:end -->"
MISSING = "—"

BENCHMARKS_HEADER = """# Benchmarks

Figures below are produced by the benchmark harness, not typed by hand:

    make bench            # = dechaff bench --dataset ... --write-benchmarks BENCHMARKS.md

Text scores follow the Zyte article-extraction-benchmark scorer: `\\w+` tokens (each CJK
character its own token), 4-token shingles, per-page TP/FP/FN normalised, precision and recall
averaged over pages, F1 = harmonic mean of the two averages; ± is the std of F1 over 1,000
seeded bootstrap resamples of pages; "exact" is the share of pages whose token lists equal the
gold. "word F1" is the WCXB bag-of-words F1 (lowercased tokens, averaged per page). Timing: each
page is decoded once, untimed; extractors are interleaved page by page (each page handled whole
by one worker process when `--jobs` > 1) and only the text call is timed; pages/s is per core
(1 s / mean ms). Everything between the markers is regenerated on every run.
"""


def _num(value: Any, digits: int = 3) -> str:
    return MISSING if value is None else f"{value:.{digits}f}"


def _ms(value: Any) -> str:
    return MISSING if value is None else f"{value:.1f}"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _datasets(results: Results) -> list[str]:
    names: list[str] = []
    for per_dataset in extractor_results(results).values():
        names += [d for d in per_dataset if d not in names]
    return names


def _rate(value: Any) -> str:
    return MISSING if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _speed_ratio(figures: dict[str, Any], reference: dict[str, Any] | None) -> str:
    ref_ms = reference.get("ms_median") if reference else None
    ms = figures.get("ms_median")
    if ms is None or not ref_ms:
        return MISSING
    return f"{ms / ref_ms:.2f}x"


def quality_tables(results: Results) -> list[str]:
    runs = extractor_results(results)
    header = ("extractor", "F1", "±", "P", "R", "word F1", "exact", "n",
              "ms median", "ms p95", "pages/s/core", "× trafilatura", "errors")
    lines: list[str] = []
    for dataset in _datasets(results):
        reference = runs.get(REFERENCE_EXTRACTOR, {}).get(dataset)
        rows = []
        for name, per_dataset in runs.items():
            f = per_dataset.get(dataset)
            if f is None:
                continue
            rows.append((
                name, _num(f["f1"]), _num(f["f1_std"]), _num(f["precision"]),
                _num(f["recall"]), _num(f["word_f1"]), _num(f["exact"]), str(f["n"]),
                _ms(f["ms_median"]), _ms(f["ms_p95"]), _rate(f.get("pages_per_s")),
                _speed_ratio(f, reference),
                str(f["errors"]),
            ))
        lines += [f"### {dataset}", "", *_table(header, rows), ""]
    return lines


def summary_table(results: Results) -> list[str]:
    """One row per extractor: F1 and median ms on every dataset, side by side."""
    datasets = _datasets(results)
    rows = []
    for name, per_dataset in extractor_results(results).items():
        cells: list[str] = []
        for dataset in datasets:
            f = per_dataset.get(dataset, {})
            cells += [_num(f.get("f1")), _ms(f.get("ms_median"))]
        rows.append((name, *cells))
    if not rows:
        return []
    header = ("extractor", *(f"{d} {col}" for d in datasets for col in ("F1", "ms")))
    return ["### Summary: F1 and median ms per page", "", *_table(header, rows), ""]


def page_type_tables(results: Results) -> list[str]:
    """Per dataset with page types: a row per extractor, a column per type (n in the header)."""
    runs = extractor_results(results)
    lines: list[str] = []
    for dataset in _datasets(results):
        counts: dict[str, int] = {}
        for per_dataset in runs.values():
            for page_type, cell in per_dataset.get(dataset, {}).get("by_page_type", {}).items():
                counts.setdefault(page_type, cell.get("n", 0))
        if not counts:
            continue
        types = sorted(counts, key=lambda t: (-counts[t], t))  # the commonest type first
        rows = [
            (name, *(_num(per[dataset]["by_page_type"].get(t, {}).get("f1")) for t in types))
            for name, per in runs.items() if dataset in per
        ]
        header = ("extractor", *(f"{t} ({counts[t]})" for t in types))
        lines += [f"### {dataset}: F1 by page type (pages)", "", *_table(header, rows), ""]
    return lines


def metadata_table(results: Results) -> list[str]:
    """Accuracy per extractor and dataset field; "—" where the extractor gives no such field."""
    runs = extractor_results(results)
    columns: dict[tuple[str, str], int] = {}
    for per_dataset in runs.values():
        for dataset, figures in per_dataset.items():
            for field_name, m in figures.get("metadata", {}).items():
                columns.setdefault((dataset, field_name), m["n"])
    rows = []
    for name, per_dataset in runs.items():
        cells = []
        for dataset, field_name in columns:
            m = per_dataset.get(dataset, {}).get("metadata", {}).get(field_name)
            extracted = m is not None and m.get("predicted", 1) > 0
            cells.append(_num(m["accuracy"]) if extracted else MISSING)
        if any(cell != MISSING for cell in cells):
            rows.append((name, *cells))
    if not rows:
        return []
    header = ("extractor", *(f"{d} {f} ({n})" for (d, f), n in columns.items()))
    return ["### Metadata accuracy (pages with gold; — = not extracted)", "",
            *_table(header, rows), ""]


def snippet_table(results: Results) -> list[str]:
    rows = []
    for name, per_dataset in extractor_results(results).items():
        for dataset, figures in per_dataset.items():
            s = figures.get("snippets")
            if s:
                rows.append((name, dataset, _num(s["snippet_precision"]),
                             _num(s["snippet_recall"]), _num(s["snippet_f1"]), str(s["n"])))
    if not rows:
        return []
    header = ("extractor", "dataset", "without absent (P)", "with found (R)", "snippet F1", "n")
    return ["### Snippets (`with` / `without`)", "", *_table(header, rows), ""]


def meta_lines(results: Results) -> list[str]:
    meta = results.get(META_KEY, {})
    machine = meta.get("machine", {})
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items() if v)
    lines = [
        f"- date: {meta.get('date', MISSING)}",
        f"- machine: {machine.get('cpu', MISSING)}, {machine.get('cores', MISSING)} cores, "
        f"{machine.get('platform', MISSING)}",
        f"- python {meta.get('python', MISSING)}; {versions}",
    ]
    if meta.get("jobs", 1) > 1:
        lines.append(f"- {meta['jobs']} worker processes (each page timed within one worker)")
    if meta.get("limit") is not None:
        lines.append(f"- limited to the first {meta['limit']} pages of each dataset")
    for name, cap in meta.get("caps", {}).items():
        lines.append(f"- {name} capped at the first {cap} pages of each dataset (see n)")
    for name, reason in meta.get("skipped", {}).items():
        lines.append(f"- skipped {name}: {reason}")
    if meta.get("interrupted"):
        lines.append("- **interrupted run: partial figures**")
    return lines


def render_tables(results: Results) -> str:
    parts = [*meta_lines(results), "", *summary_table(results), *quality_tables(results),
             *page_type_tables(results),
             *metadata_table(results), *snippet_table(results)]
    return "\n".join(parts).rstrip() + "\n"


def render_report(results: Results) -> str:
    return "# dechaff benchmark report\n\n" + render_tables(results)


def write_benchmarks(path: Path, results: Results) -> None:
    """Replace the text between the bench markers (creating the file or markers if absent)."""
    section = f"{BENCH_START}\n{render_tables(results)}{BENCH_END}"
    current = path.read_text(encoding="utf-8") if path.exists() else BENCHMARKS_HEADER
    start, end = current.find(BENCH_START), current.find(BENCH_END)
    if start == -1 or end < start:
        updated = current.rstrip() + "\n\n" + section + "\n"
    else:
        updated = current[:start] + section + current[end + len(BENCH_END):]
    path.write_text(updated, encoding="utf-8")
