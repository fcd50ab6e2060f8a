"""Benchmark of corpus runs: `dechaff run` on a WARC of the shared pages, 1 and 2 workers, next to
a datatrove pipeline with its Trafilatura extractor on the same WARC.

    dechaff bench --task corpus [--records 10000] [--out /tmp/dechaff-corpus-bench]

Builds OUT/pages.warc.gz (response records, one gzip member each, like Common Crawl) from the
pages of ../shared/data/{aeb,wcxb-dev,dragnet}, repeated to --records; then reports, per run,
wall time, pages/s, pages/s per worker, pages per CPU-second (all processes of the run, so the
figure holds on a busy machine), peak RSS of a worker, and the scaling from 1 to 2 workers.
datatrove (pip install datatrove warcio faust-cchardet python-magic) runs as one task on the
first --datatrove-records records: it is several times slower, and the rate is what is
compared. Results go to OUT/results.json too.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

SHARED_DATA = Path("..") / "shared" / "data"
"""The shared data sets, beside the checkout (as ``dechaff bench`` finds them)."""
DATASETS = ("aeb", "wcxb-dev", "dragnet")

DEFAULT_RECORDS = 10_000
"""The issue's size: large enough that worker start-up (~1 s) is a small share of the run."""

DEFAULT_DATATROVE_RECORDS = 2_000
"""datatrove + trafilatura is several times slower: 2,000 pages keep it to minutes."""

DATATROVE_TIMEOUT = 5.0
"""Per-document timeout for datatrove's extractor: the same bound dechaff run uses."""

RUN_CODE = "import sys; from dechaff.cli import main; sys.exit(main())"

DATATROVE_CODE = """
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.readers import WarcReader
from datatrove.pipeline.writers import JsonlWriter
warc, out, limit, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
LocalPipelineExecutor(
    pipeline=[WarcReader(str(__import__("pathlib").Path(warc).parent),
                         glob_pattern=__import__("pathlib").Path(warc).name, limit=limit),
              Trafilatura(timeout=timeout), JsonlWriter(out + "/output")],
    tasks=1, workers=1, logging_dir=out + "/logs", skip_completed=False,
).run()
"""


def page_bodies() -> list[bytes]:
    bodies = []
    for name in DATASETS:
        for path in sorted((SHARED_DATA / name / "pages").glob("*.html.gz")):
            bodies.append(gzip.decompress(path.read_bytes()))
    if not bodies:
        sys.exit(f"no pages under {SHARED_DATA}/{{{','.join(DATASETS)}}}/pages")
    return bodies


def warc_records(bodies: list[bytes], count: int) -> Iterator[bytes]:
    for index in range(count):
        body = bodies[index % len(bodies)]
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body)) + body
        head = (
            "WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=index)}>\r\n"
            "WARC-Date: 2024-05-01T12:00:00Z\r\n"
            f"WARC-Target-URI: https://bench.example/{index}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n"
        ).encode()
        yield gzip.compress(head + http + b"\r\n\r\n", mtime=0)


def build_warc(path: Path, count: int) -> None:
    stamp = path.with_suffix(".count")
    if path.exists() and stamp.exists() and stamp.read_text() == str(count):
        return
    bodies = page_bodies()
    with open(path, "wb") as handle:
        for member in warc_records(bodies, count):
            handle.write(member)
    stamp.write_text(str(count))


class RunFailed(Exception):
    """A benchmarked command exited with an error."""


def measured(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds of the command and all its descendants, the process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RunFailed(done.stderr[-2000:])
    return wall, cpu, done


def run_dechaff(warc: Path, out: Path, workers: int, limit: int | None = None) -> dict[str, Any]:
    command = [sys.executable, "-c", RUN_CODE, "run", str(warc), "--output", str(out),
               "--overwrite", "--workers", str(workers), "--no-progress"]
    if limit is not None:
        command += ["--limit", str(limit)]
    wall, cpu, _ = measured(command)
    summary = json.loads((out / "summary.json").read_text())
    pages = summary["this_run"]["pages"]
    name = f"dechaff run --workers {workers}" + (f" --limit {limit}" if limit else "")
    return {
        "tool": name, "workers": workers, "pages": pages,
        "records": summary["read"], "extracted": summary["extracted"], "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1), "pages_per_s": round(pages / wall, 1),
        "pages_per_s_per_worker": round(pages / wall / workers, 1),
        "pages_per_cpu_s": round(pages / cpu, 1),
        "worker_peak_rss_mb": summary["this_run"]["worker_peak_rss_mb"],
    }


def run_datatrove(warc: Path, out: Path, limit: int) -> dict[str, Any] | None:
    command = [sys.executable, "-c", DATATROVE_CODE, str(warc), str(out), str(limit),
               str(DATATROVE_TIMEOUT)]
    try:
        wall, cpu, _ = measured(command)
    except RunFailed as exc:
        print(f"datatrove run failed, left out (pip install datatrove warcio faust-cchardet "
              f"python-magic):\n{exc}", file=sys.stderr)
        return None
    stats = json.loads(next((out / "logs" / "stats").glob("*.json")).read_text())
    extractor = next(s for s in stats if "Trafilatura" in s["name"])
    pages = int(extractor["stats"].get("total", limit))
    return {
        "tool": "datatrove WarcReader + Trafilatura (1 task)", "workers": 1, "pages": pages,
        "records": pages, "extracted": int(extractor["stats"].get("forwarded", 0)),
        "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "pages_per_s": round(pages / wall, 1),
        "pages_per_s_per_worker": round(pages / wall, 1),
        "pages_per_cpu_s": round(pages / cpu, 1), "worker_peak_rss_mb": None,
    }


def report(rows: list[dict[str, Any]]) -> str:
    header = ("| run | pages | wall s | pages/s | pages/s per worker | pages per CPU-s "
              "| worker peak RSS MB |\n|---|---|---|---|---|---|---|")
    lines = [f"| {r['tool']} | {r['pages']:,} | {r['wall_s']} | {r['pages_per_s']} | "
             f"{r['pages_per_s_per_worker']} | {r['pages_per_cpu_s']} | "
             f"{r['worker_peak_rss_mb'] if r['worker_peak_rss_mb'] is not None else '-'} |"
             for r in rows]
    return "\n".join([header, *lines])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dechaff bench --task corpus",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--datatrove-records", type=int, default=DEFAULT_DATATROVE_RECORDS)
    parser.add_argument("--skip-datatrove", action="store_true")
    parser.add_argument("--skip-dechaff", action="store_true",
                        help="reuse the dechaff rows of OUT/results.json")
    parser.add_argument("--out", type=Path, default=Path("/tmp/dechaff-corpus-bench"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    warc = args.out / "pages.warc.gz"
    build_warc(warc, args.records)
    previous = args.out / "results.json"
    if args.skip_dechaff and previous.exists():  # keep the 1- and 2-worker rows
        rows = json.loads(previous.read_text())["rows"][:2]
    else:
        rows = [run_dechaff(warc, args.out / f"dechaff-{n}", n) for n in (1, 2)]
    if not args.skip_datatrove:
        row = run_datatrove(warc, args.out / "datatrove", args.datatrove_records)
        if row is not None:  # dechaff on exactly the records datatrove read, for the ratio
            rows.append(row)
            rows.append(run_dechaff(warc, args.out / "dechaff-same", 1, args.datatrove_records))
    one, two = rows[0], rows[1]
    results = {
        "rows": rows,
        "scaling_1_to_2_wall": round(two["pages_per_s"] / one["pages_per_s"], 2),
        "scaling_1_to_2_cpu_normalised": round(
            2 * two["pages_per_cpu_s"] / one["pages_per_cpu_s"], 2),
    }
    if len(rows) > 2:
        datatrove, same = rows[2], rows[3]
        results["dechaff_vs_datatrove_per_cpu_s"] = round(
            same["pages_per_cpu_s"] / datatrove["pages_per_cpu_s"], 1)
        results["dechaff_vs_datatrove_wall"] = round(
            same["pages_per_s"] / datatrove["pages_per_s"], 1)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(report(rows))
    print({k: v for k, v in results.items() if k != "rows"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
