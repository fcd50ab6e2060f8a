"""``report.md``, the two PNG charts and the generated section of ``BENCHMARKS.md``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dechaff.bench.results import META_KEY, Results, extractor_results

REFERENCE_EXTRACTOR = "trafilatura"  # speed ratios are relative to this one
BENCH_START = "<!-- bench:start -->"
BENCH_END = "<!-- bench:end -->"
MISSING = "—"
PLOT_DPI = 110  # enough for the labels to stay crisp when viewed at 100 %
PLOT_MARGIN = 0.2  # vertical room around the points so that their labels are not clipped
X_PAD_LEFT = 1.5  # x-axis starts this factor below the fastest extractor's median ms
X_PAD_RIGHT = 4.0  # ... and ends this factor above the slowest (its label sits to the right)
PANEL_SIZE = (5.2, 4.2)  # inches per dataset panel in quality_speed.png
LABEL_STEP = 11  # points between stacked labels: one 8-pt text line plus spacing
NEAR_DECADES = 0.5  # points closer than this on the log-ms axis may have colliding labels
NEAR_SHARE = 0.06  # ... and closer than this share of the panel's F1 span
LEGEND_COLUMNS = 4  # bar chart legend sits under the axis, this many entries per row

BENCHMARKS_HEADER = """# Benchmarks

Figures below are produced by the benchmark harness, not typed by hand:

    make bench            # = dechaff bench --dataset ... --write-benchmarks BENCHMARKS.md

Text scores follow the Zyte article-extraction-benchmark scorer: `\\w+` tokens (each CJK
character its own token), 4-token shingles, per-page TP/FP/FN normalised, precision and recall
averaged over pages, F1 = harmonic mean of the two averages; ± is the std of F1 over 1,000
seeded bootstrap resamples of pages; "exact" is the share of pages whose token lists equal the
gold. "word F1" is the WCXB bag-of-words F1 (lowercased tokens, averaged per page). Timing: each
page is decoded once, untimed; extractors are interleaved page by page in one process and only
the text call is timed. Everything between the markers is regenerated on every run.
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


def _speed_ratio(figures: dict[str, Any], reference: dict[str, Any] | None) -> str:
    ref_ms = reference.get("ms_median") if reference else None
    ms = figures.get("ms_median")
    if ms is None or not ref_ms:
        return MISSING
    return f"{ms / ref_ms:.2f}x"


def quality_tables(results: Results) -> list[str]:
    runs = extractor_results(results)
    header = ("extractor", "F1", "±", "P", "R", "word F1", "exact", "n",
              "ms median", "ms p95", "× trafilatura", "errors")
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
                _ms(f["ms_median"]), _ms(f["ms_p95"]), _speed_ratio(f, reference),
                str(f["errors"]),
            ))
        lines += [f"### {dataset}", "", *_table(header, rows), ""]
    return lines


def page_type_tables(results: Results) -> list[str]:
    runs = extractor_results(results)
    lines: list[str] = []
    for dataset in _datasets(results):
        types: list[str] = []
        for per_dataset in runs.values():
            types += [t for t in per_dataset.get(dataset, {}).get("by_page_type", {})
                      if t not in types]
        if not types:
            continue
        names = [n for n in runs if dataset in runs[n]]
        rows = []
        for page_type in types:
            cells = [runs[n][dataset]["by_page_type"].get(page_type, {}) for n in names]
            n_pages = next((str(c["n"]) for c in cells if c), MISSING)
            rows.append((page_type, n_pages, *(_num(c.get("f1")) for c in cells)))
        header = ("page type", "n", *(f"{n} F1" for n in names))
        lines += [f"### {dataset}: F1 by page type", "", *_table(header, rows), ""]
    return lines


def metadata_table(results: Results) -> list[str]:
    rows = []
    for name, per_dataset in extractor_results(results).items():
        for dataset, figures in per_dataset.items():
            for field_name, m in figures.get("metadata", {}).items():
                rows.append((name, dataset, field_name, _num(m["accuracy"]), str(m["n"])))
    if not rows:
        return []
    header = ("extractor", "dataset", "field", "accuracy", "n")
    return ["### Metadata accuracy", "", *_table(header, rows), ""]


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
    if meta.get("limit") is not None:
        lines.append(f"- limited to the first {meta['limit']} pages of each dataset")
    if meta.get("interrupted"):
        lines.append("- **interrupted run: partial figures**")
    return lines


def render_tables(results: Results) -> str:
    parts = [*meta_lines(results), "", *quality_tables(results), *page_type_tables(results),
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


# ---------------------------------------------------------------------------------------------
# charts (skipped when matplotlib is absent)


def _label_levels(points: list[tuple[str, float, float]]) -> list[int]:
    """How far down to shift each label so that labels of neighbouring points do not overlap."""
    if not points:
        return []
    f1s = [f1 for _, _, f1 in points]
    y_span = (max(f1s) - min(f1s)) or 1.0
    levels: list[int] = []
    for i, (_, ms, f1) in enumerate(points):
        taken = {
            levels[j] for j, (_, other_ms, other_f1) in enumerate(points[:i])
            if abs(math.log10(ms / other_ms)) < NEAR_DECADES
            and abs(f1 - other_f1) < NEAR_SHARE * y_span
        }
        levels.append(next(level for level in range(len(points)) if level not in taken))
    return levels


def _quality_speed(plt: Any, results: Results, path: Path) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    runs = extractor_results(results)
    datasets = _datasets(results)
    fig, axes = plt.subplots(
        1, len(datasets), figsize=(PANEL_SIZE[0] * len(datasets), PANEL_SIZE[1]), squeeze=False
    )
    for ax, dataset in zip(axes[0], datasets, strict=True):
        points = [
            (name, f["ms_median"], f["f1"])
            for name, per_dataset in runs.items()
            if (f := per_dataset.get(dataset, {})).get("f1") is not None and f.get("ms_median")
        ]
        for (name, ms, f1), level in zip(points, _label_levels(points), strict=True):
            ax.scatter(ms, f1, s=40)
            ax.annotate(name, (ms, f1), textcoords="offset points",
                        xytext=(5, 4 - LABEL_STEP * level), fontsize=8)
        ax.set_xscale("log")
        ax.margins(y=PLOT_MARGIN)
        if points:
            fastest, slowest = min(p[1] for p in points), max(p[1] for p in points)
            ax.set_xlim(fastest / X_PAD_LEFT, slowest * X_PAD_RIGHT)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(dataset)
        ax.set_xlabel("median ms per page (log)")
        ax.set_ylabel("F1 (shingles)")
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle("Quality vs speed (up and left is better)")
    fig.tight_layout()
    fig.savefig(path, dpi=PLOT_DPI)
    plt.close(fig)


def _f1_bars(plt: Any, results: Results, path: Path) -> None:
    runs = extractor_results(results)
    datasets = _datasets(results)
    names = list(runs)
    width = 0.8 / max(len(names), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.8 * len(datasets) * max(len(names), 1) / 2), 4.2))
    for i, name in enumerate(names):
        values = [runs[name].get(d, {}).get("f1") or 0.0 for d in datasets]
        xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(datasets))]
        bars = ax.bar(xs, values, width, label=name)
        ax.bar_label(bars, fmt="%.3f", fontsize=7, padding=2)
    ax.set_xticks(range(len(datasets)), datasets)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("F1 (shingles)")
    ax.set_title("F1 by dataset")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1),
              ncol=min(len(names), LEGEND_COLUMNS), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=PLOT_DPI)
    plt.close(fig)


def write_charts(results: Results, out_dir: Path) -> list[Path]:
    """``quality_speed.png`` and ``f1_by_dataset.png``; nothing if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    if not _datasets(results):
        return []
    paths = [out_dir / "quality_speed.png", out_dir / "f1_by_dataset.png"]
    _quality_speed(plt, results, paths[0])
    _f1_bars(plt, results, paths[1])
    return paths
