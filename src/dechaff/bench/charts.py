"""``quality_speed.png`` and ``f1_by_dataset.png`` (matplotlib; nothing is drawn without it).

Extractors keep one colour and marker in every panel of both charts: a colour per family
(``dechaff``, ``dechaff-precision`` and ``dechaff-recall`` share one) and a marker per variant.
Point labels are placed by :func:`place_labels`, which tries positions around each point, nearest
first, and takes the first one that overlaps no other label, no marker and stays in the panel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dechaff.bench.results import Results, extractor_results

QUALITY_SPEED_FILE = "quality_speed.png"
F1_BARS_FILE = "f1_by_dataset.png"
HIGHLIGHT = "dechaff"  # its labels are bold: the chart is about where dechaff stands
PLOT_DPI = 110  # enough for 8-pt labels to stay crisp when viewed at 100 %
PANEL_SIZE = (5.6, 5.0)  # inches per dataset panel in quality_speed.png
LABEL_FONT = 8  # points: small enough for 14 labels per panel, large enough to read
MARKER_SIZE = 45  # scatter marker area in points²
MARKER_RADIUS = 5.0  # pixels a marker covers around its centre (labels keep off it)
LABEL_GAP = 4.0  # pixels between a point and the nearest edge of its label, first ring
RING_STEP = 9.0  # pixels further out for each further ring of candidate positions
RINGS = 10  # candidate rings: beyond this a label takes the least bad spot seen
LEADER_FROM_RING = 1  # labels beyond the nearest ring get a thin line to their point
LEADER_CLEARANCE = 14.0  # pixels a label at the end of a leader keeps from other points
NEARER_BY = 10.0  # pixels: a label must be this much nearer to its point than to any other
LABEL_PAD = 3.0  # pixels two labels keep apart, so that stacked labels read as two
LEADER_SAMPLES = 12  # points checked along a leader line for crossing a label or a marker
LABEL_CLASH_WEIGHT = 10.0  # a label covering a label (or cut by the frame) is the worst outcome
FLAT = 0.3  # a direction whose |cos| (|sin|) is below this centres the label on that axis
Y_MARGIN = 0.12  # share of the F1 span added above and below the points
MIN_Y_SPAN = 0.05  # F1 span of a panel whose points (nearly) coincide
X_PAD_LEFT = 2.0  # x-axis starts this factor below the fastest extractor's median ms
X_PAD_RIGHT = 3.0  # ... and ends this factor above the slowest (room for its label)
BAR_HEIGHT_IN = 0.26  # inches per extractor row in f1_by_dataset.png
BAR_PANEL_WIDTH = 4.6  # inches per dataset panel in f1_by_dataset.png
BAR_EXTRA_HEIGHT = 1.2  # inches for title and axis labels
BAR_X_MAX = 1.12  # F1 axis end: room for the value printed after the longest bar
PALETTE = "tab10"  # ten clearly distinct colours, one per extractor family
VARIANT_MARKERS = ("o", "^", "s", "D", "v", "P")  # family base first, then its variants


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in display pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box, pad: float = 0.0) -> float:
        """Area shared with ``other`` grown by ``pad`` on every side (0 if apart)."""
        width = min(self.x1, other.x1 + pad) - max(self.x0, other.x0 - pad)
        height = min(self.y1, other.y1 + pad) - max(self.y0, other.y0 - pad)
        return width * height if width > 0 and height > 0 else 0.0

    def inside(self, bounds: Box) -> bool:
        return (self.x0 >= bounds.x0 and self.y0 >= bounds.y0
                and self.x1 <= bounds.x1 and self.y1 <= bounds.y1)

    def nearest(self, point: tuple[float, float]) -> tuple[float, float]:
        """The point of the box closest to ``point``."""
        return min(max(point[0], self.x0), self.x1), min(max(point[1], self.y0), self.y1)

    def contains(self, point: tuple[float, float]) -> bool:
        return self.x0 <= point[0] <= self.x1 and self.y0 <= point[1] <= self.y1


# Candidate directions in degrees: right first (labels read left to right), then left, the
# diagonals, straight up and down, and the in-between angles.
_ANGLES = (0, 180, 30, -30, 150, -150, 60, -60, 120, -120, 90, -90)


def _candidate(anchor: tuple[float, float], size: tuple[float, float],
               angle: float, distance: float) -> Box:
    """The label box whose nearest edge or corner is ``distance`` from ``anchor`` at ``angle``."""
    (x, y), (width, height) = anchor, size
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    px, py = x + distance * dx, y + distance * dy
    x0 = px if dx > FLAT else px - width if dx < -FLAT else px - width / 2
    y0 = py if dy > FLAT else py - height if dy < -FLAT else py - height / 2
    return Box(x0, y0, x0 + width, y0 + height)


Point = tuple[float, float]
Segment = tuple[Point, Point]


def _near(a: Point, b: Point, limit: float) -> bool:
    return math.hypot(a[0] - b[0], a[1] - b[1]) < limit


def _samples(segment: Segment) -> list[Point]:
    """Points along a segment, its ends excluded."""
    (ax, ay), (bx, by) = segment
    return [(ax + t * (bx - ax), ay + t * (by - ay))
            for t in (step / LEADER_SAMPLES for step in range(1, LEADER_SAMPLES))]


def _crosses(first: Segment, second: Segment) -> bool:
    """Whether two segments properly intersect (orientation test)."""
    def turn(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    (a, b), (c, d) = first, second
    return (turn(a, b, c) * turn(a, b, d) < 0) and (turn(c, d, a) * turn(c, d, b) < 0)


@dataclass(slots=True)
class _Layout:
    """What is already on a panel: every marker, and the labels and leader lines placed so far."""

    anchors: Sequence[Point]
    bounds: Box
    labels: list[Box]
    leaders: list[Segment]

    def cost(self, box: Box, anchor: Point, leader: bool) -> float:
        """0 for a label that hides nothing and names only its point; more the worse it is."""
        full = (box.x1 - box.x0) * (box.y1 - box.y0)  # the cost of a label hidden outright
        others = [a for a in self.anchors if a != anchor]
        cost = LABEL_CLASH_WEIGHT * sum(box.overlap(o, LABEL_PAD) for o in self.labels)
        cost += sum(box.overlap(Box(x - MARKER_RADIUS, y - MARKER_RADIUS, x + MARKER_RADIUS,
                                    y + MARKER_RADIUS)) for x, y in others)
        if not box.inside(self.bounds):
            cost += LABEL_CLASH_WEIGHT * full
        if any(box.contains(p) for line in self.leaders for p in _samples(line)):
            cost += full  # covers another label's leader line
        own = box.nearest(anchor)
        if not leader:  # the label must be nearer to its point than to any other
            distance = math.hypot(own[0] - anchor[0], own[1] - anchor[1])
            if any(_near(box.nearest(o), o, distance + NEARER_BY) for o in others):
                cost += full
            return cost
        if any(_near(box.nearest(o), o, LEADER_CLEARANCE) for o in others):
            cost += full  # right beside another point, a label reads as that point's
        line = (anchor, own)  # the leader must run clear of markers, labels and other leaders
        if any(_near(p, o, MARKER_RADIUS + 1) for p in _samples(line) for o in others):
            cost += full
        if any(label.contains(p) for p in _samples(line) for label in self.labels):
            cost += full
        if any(_crosses(line, other) for other in self.leaders):
            cost += full
        return cost


def _crowding_order(anchors: Sequence[Point]) -> list[int]:
    """Indexes of the points, those with the most close neighbours first (they get first pick)."""
    reach = MARKER_RADIUS + LABEL_GAP + RINGS * RING_STEP

    def neighbours(i: int) -> int:
        return sum(_near(anchors[i], other, reach) for other in anchors) - 1

    return sorted(range(len(anchors)), key=lambda i: (-neighbours(i), i))


def place_labels(
    anchors: Sequence[Point], sizes: Sequence[tuple[float, float]], bounds: Box
) -> list[tuple[Box, int]]:
    """A label box and its ring (0 = nearest, leader line from LEADER_FROM_RING) per point.
    Crowded points choose first; each takes the nearest candidate of cost 0 (see
    :meth:`_Layout.cost`), else the cheapest seen."""
    layout = _Layout(anchors, bounds, [], [])
    chosen: dict[int, tuple[Box, int]] = {}
    for index in _crowding_order(anchors):
        anchor, size = anchors[index], sizes[index]
        best: tuple[float, Box, int] | None = None
        for ring in range(RINGS):
            distance = MARKER_RADIUS + LABEL_GAP + ring * RING_STEP
            for angle in _ANGLES:
                box = _candidate(anchor, size, angle, distance)
                cost = layout.cost(box, anchor, leader=ring >= LEADER_FROM_RING)
                if best is None or cost < best[0]:
                    best = (cost, box, ring)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        _, box, ring = best
        layout.labels.append(box)
        if ring >= LEADER_FROM_RING:
            layout.leaders.append((anchor, box.nearest(anchor)))
        chosen[index] = (box, ring)
    return [chosen[i] for i in range(len(anchors))]


def family(name: str, names: Sequence[str]) -> str:
    """``dechaff-recall`` belongs to ``dechaff`` when that is charted too; others to themselves."""
    head = name.split("-", 1)[0]
    return head if head != name and head in names else name


def styles(names: Sequence[str]) -> dict[str, tuple[Any, str]]:
    """(colour, marker) per extractor: a colour per family, a marker per variant within it."""
    from matplotlib import colormaps

    palette = colormaps[PALETTE]
    colours = [palette(index) for index in range(palette.N)]  # integer index: the listed colour
    families: dict[str, list[str]] = {}
    for name in names:
        families.setdefault(family(name, names), []).append(name)
    result: dict[str, tuple[Any, str]] = {}
    for index, members in enumerate(families.values()):
        for variant, name in enumerate(members):
            marker = VARIANT_MARKERS[variant % len(VARIANT_MARKERS)]
            result[name] = (colours[index % len(colours)], marker)
    return result


def _datasets(results: Results) -> list[str]:
    names: list[str] = []
    for per_dataset in extractor_results(results).values():
        names += [d for d in per_dataset if d not in names]
    return names


def _weight(name: str) -> str:
    return "bold" if family(name, [HIGHLIGHT]) == HIGHLIGHT else "normal"


def _limits(points: Sequence[tuple[str, float, float]]) -> tuple[tuple[float, float], ...]:
    times, f1s = [p[1] for p in points], [p[2] for p in points]
    low, high = min(f1s), max(f1s)
    span = max(high - low, MIN_Y_SPAN)
    middle = (low + high) / 2
    half = span * (0.5 + Y_MARGIN)
    return (min(times) / X_PAD_LEFT, max(times) * X_PAD_RIGHT), (middle - half, middle + half)


def _label_panel(fig: Any, ax: Any, points: Sequence[tuple[str, float, float]],
                 style: dict[str, tuple[Any, str]]) -> None:
    renderer = fig.canvas.get_renderer()
    anchors, sizes = [], []
    for name, ms, f1 in points:
        x, y = ax.transData.transform((ms, f1))
        anchors.append((float(x), float(y)))
        probe = ax.text(0, 0, name, fontsize=LABEL_FONT, fontweight=_weight(name))
        extent = probe.get_window_extent(renderer)
        probe.remove()
        sizes.append((float(extent.width), float(extent.height)))
    frame = ax.get_window_extent(renderer)
    bounds = Box(frame.x0 + 2, frame.y0 + 2, frame.x1 - 2, frame.y1 - 2)
    for (name, ms, f1), anchor, (box, ring) in zip(
        points, anchors, place_labels(anchors, sizes, bounds), strict=True
    ):
        leader = None
        if ring >= LEADER_FROM_RING:
            leader = {"arrowstyle": "-", "color": style[name][0], "lw": 0.6, "shrinkA": 0,
                      "shrinkB": MARKER_RADIUS * 0.8}
        ax.annotate(name, (ms, f1), xytext=(box.x0 - anchor[0], box.y0 - anchor[1]),
                    textcoords="offset pixels", ha="left", va="bottom", fontsize=LABEL_FONT,
                    fontweight=_weight(name), arrowprops=leader, annotation_clip=False)


def quality_speed_chart(plt: Any, results: Results, path: Path) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    runs = extractor_results(results)
    datasets = _datasets(results)
    style = styles(list(runs))
    fig, axes = plt.subplots(1, len(datasets), squeeze=False, dpi=PLOT_DPI,
                             figsize=(PANEL_SIZE[0] * len(datasets), PANEL_SIZE[1]))
    panels: list[tuple[Any, list[tuple[str, float, float]]]] = []
    for ax, dataset in zip(axes[0], datasets, strict=True):
        points = [
            (name, float(f["ms_median"]), float(f["f1"]))
            for name, per_dataset in runs.items()
            if (f := per_dataset.get(dataset, {})).get("f1") is not None and f.get("ms_median")
        ]
        for name, ms, f1 in points:
            colour, marker = style[name]
            ax.scatter(ms, f1, s=MARKER_SIZE, color=colour, marker=marker, zorder=3,
                       edgecolors="black" if _weight(name) == "bold" else "none",
                       linewidths=0.8)
        ax.set_xscale("log")
        if points:
            x_limits, y_limits = _limits(points)
            ax.set_xlim(*x_limits)
            ax.set_ylim(*y_limits)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        n = max((runs[p[0]][dataset].get("n") or 0 for p in points), default=0)
        ax.set_title(f"{dataset} ({n} pages)")
        ax.set_xlabel("median ms per page (log scale)")
        ax.set_ylabel("F1 (4-token shingles)")
        ax.grid(True, which="major", alpha=0.3)
        panels.append((ax, points))
    fig.suptitle("Quality vs speed: up and to the left is better")
    fig.tight_layout()  # final axes positions before the labels are placed in pixels
    for ax, points in panels:
        _label_panel(fig, ax, points, style)
    fig.savefig(path)
    plt.close(fig)


def f1_bars_chart(plt: Any, results: Results, path: Path) -> None:
    """One panel per dataset: a horizontal bar per extractor, best on top, F1 ± bootstrap std."""
    runs = extractor_results(results)
    datasets = _datasets(results)
    style = styles(list(runs))
    rows = max(len(runs), 1)
    fig, axes = plt.subplots(
        1, len(datasets), squeeze=False, dpi=PLOT_DPI,
        figsize=(BAR_PANEL_WIDTH * len(datasets), BAR_HEIGHT_IN * rows + BAR_EXTRA_HEIGHT),
    )
    for ax, dataset in zip(axes[0], datasets, strict=True):
        bars = sorted(
            ((name, f["f1"], f.get("f1_std") or 0.0) for name, per in runs.items()
             if (f := per.get(dataset, {})).get("f1") is not None),
            key=lambda bar: bar[1],
        )  # barh draws bottom-up: the best ends on top
        positions = range(len(bars))
        ax.barh(positions, [b[1] for b in bars], xerr=[b[2] for b in bars],
                color=[style[b[0]][0] for b in bars], height=0.7,
                error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "0.3"})
        for position, (name, f1, std) in zip(positions, bars, strict=True):
            ax.text(f1 + std + 0.01, position, f"{f1:.3f}", va="center", fontsize=LABEL_FONT,
                    fontweight=_weight(name))
        ax.set_yticks(list(positions), [b[0] for b in bars], fontsize=LABEL_FONT)
        for tick, (name, _, _) in zip(ax.get_yticklabels(), bars, strict=True):
            tick.set_fontweight(_weight(name))
        ax.set_xlim(0, BAR_X_MAX)
        ax.set_xlabel("F1 (4-token shingles), ± bootstrap std")
        n = max((runs[name][dataset].get("n") or 0 for name, _, _ in bars), default=0)
        ax.set_title(f"{dataset} ({n} pages)")
        ax.grid(True, axis="x", alpha=0.3)
    fig.suptitle("F1 by dataset")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_charts(results: Results, out_dir: Path) -> list[Path]:
    """Both charts into ``out_dir``; nothing if matplotlib is missing or no dataset was run."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    if not _datasets(results):
        return []
    paths = [out_dir / QUALITY_SPEED_FILE, out_dir / F1_BARS_FILE]
    quality_speed_chart(plt, results, paths[0])
    f1_bars_chart(plt, results, paths[1])
    return paths
