"""``dechaff run``: WARC / JSONL / HTML inputs in, sharded clean records out.

Exit status: 0 when the run completed (records that failed are listed in DIR/errors-*.jsonl and
counted in DIR/summary.json; they do not fail the run), 1 when the run could not go on (workers
cannot start, a Ray task failed), 2 on bad usage or an unusable input or output directory, 130
when interrupted (rerun the same command to resume).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dechaff.api import FAVORS
from dechaff.cli_common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    positive_float,
    positive_int,
)
from dechaff.errors import DechaffError

PROGRESS_REFRESH_SECONDS = 0.5
"""The progress bar is redrawn at most this often: cheap, and still reads as live."""

MEGABYTE = 1024 * 1024

EPILOG = """\
examples:
  dechaff run crawl/*.warc.gz --output out/
  dechaff run 's3://bucket/crawl/*.warc.gz' --output out/ --format parquet
  dechaff run pages/ dump.jsonl.gz --output out/ --html-field raw_html --workers 4
  dechaff run crawl/*.warc.gz --output out/ --engine ray --ray-address auto

output: DIR/*.jsonl.gz (or *.parquet) shards, DIR/errors-*.jsonl, DIR/summary.json,
DIR/manifest.log. Interrupted? Run the same command again: finished shards are kept, the
others redone, every record lands exactly once. --overwrite starts over.
"""


def build_parser() -> argparse.ArgumentParser:
    from dechaff.corpus.settings import (
        DEFAULT_HTML_FIELD,
        DEFAULT_MAX_PAGE_BYTES,
        DEFAULT_MEMORY_LIMIT_MB,
        DEFAULT_SHARD_RECORDS,
        DEFAULT_TIME_LIMIT,
        FORMATS,
    )

    parser = argparse.ArgumentParser(
        prog="dechaff run",
        description="Extract the article of every HTML record of the INPUTs into sharded, "
                    "crash-safe output (exactly once, resumable).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("inputs", nargs="+", metavar="INPUT",
        help="WARC files (.warc, .warc.gz), JSONL files with an HTML field (.jsonl, .jsonl.gz), "
             "directories of HTML files; globs and fsspec URLs (s3://...) are accepted")
    add("-o", "--output", required=True, type=Path, metavar="DIR", help="output directory")
    add("--format", choices=FORMATS, default="jsonl",
        help="shard format: gzipped JSON lines or Parquet (default: jsonl)")
    add("--workers", type=positive_int, metavar="N",
        help="worker processes (local: default one per core; ray: tasks in flight)")
    add("--engine", choices=("local", "ray"), default="local",
        help="run on this machine or on a Ray cluster (default: local)")
    add("--ray-address", metavar="ADDR",
        help="join this Ray cluster ('auto', 'ray://HOST:10001'); default: start a local one")
    add("--limit", type=positive_int, metavar="N",
        help="read at most N records in all (counting every record of every input)")
    add("--overwrite", action="store_true",
        help="delete a previous run's output in DIR and start over")
    add("--favor", choices=FAVORS, default="balanced", help="precision/recall trade-off")
    add("--include-comments", action="store_true", help="keep reader comments")
    add("--no-tables", dest="include_tables", action="store_false", help="drop tables")
    add("--html-field", default=DEFAULT_HTML_FIELD, metavar="NAME",
        help=f"JSONL field holding the page (default: {DEFAULT_HTML_FIELD})")
    add("--shard-records", type=positive_int, default=DEFAULT_SHARD_RECORDS, metavar="N",
        help=f"input records per shard (default: {DEFAULT_SHARD_RECORDS})")
    add("--time-limit", type=positive_float, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
        help=f"wall time one record may take (default: {DEFAULT_TIME_LIMIT:g})")
    add("--memory-limit", type=positive_int, default=DEFAULT_MEMORY_LIMIT_MB, metavar="MB",
        help="memory a worker may take beyond what it holds idle "
             f"(default: {DEFAULT_MEMORY_LIMIT_MB})")
    add("--max-page-mb", type=positive_float, default=DEFAULT_MAX_PAGE_BYTES / MEGABYTE,
        metavar="MB", help="larger payloads are reported as too large "
                           f"(default: {DEFAULT_MAX_PAGE_BYTES / MEGABYTE:g})")
    add("--no-progress", dest="progress", action="store_false", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``dechaff run ...``; returns the exit status, never raises, never prints a traceback."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        if args.ray_address is not None and args.engine != "ray":
            parser.error("--ray-address needs --engine ray")
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("dechaff run: interrupted; run the same command again to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug, not a bad input: one line, with the exception's type
        message = " ".join(f"{type(exc).__name__}: {exc}".split())
        print(f"dechaff run: internal error: {message}; rerun the same command to resume",
              file=sys.stderr)
        return EXIT_SOME_FAILED


def _run(args: argparse.Namespace) -> int:
    try:
        import dechaff.corpus.warc  # noqa: F401  (needs fastwarc)
        from dechaff.corpus.run import run
        from dechaff.corpus.settings import Settings
        from dechaff.corpus.sources import expand_inputs
    except ImportError as exc:
        print(f"dechaff run needs the corpus extra ({exc}): pip install 'dechaff[corpus]'",
              file=sys.stderr)
        return EXIT_USAGE
    settings = Settings(
        format=args.format, favor=args.favor, include_comments=args.include_comments,
        include_tables=args.include_tables, shard_records=args.shard_records,
        max_page_bytes=int(args.max_page_mb * MEGABYTE), limit=args.limit,
        html_field=args.html_field, time_limit=args.time_limit,
        memory_limit_mb=args.memory_limit,
    )
    try:
        inputs = expand_inputs(args.inputs)
        progress = _ProgressBar({i.location: i.size for i in inputs}, enabled=args.progress)
        try:
            result = run(inputs, args.output, settings, workers=args.workers,
                         engine=args.engine, ray_address=args.ray_address,
                         overwrite=args.overwrite, listener=progress)
        finally:
            progress.close()
    except DechaffError as exc:
        print(f"dechaff run: {exc}", file=sys.stderr)
        return EXIT_USAGE if _is_usage(exc) else EXIT_SOME_FAILED
    print(_report(result, args.output), file=sys.stderr)
    return EXIT_OK


def _is_usage(exc: DechaffError) -> bool:
    from dechaff.corpus.shards import OutputError
    from dechaff.errors import InputError

    return isinstance(exc, (InputError, OutputError))


def _report(result: dict[str, Any], output: Path) -> str:
    run = result["this_run"]
    parts = [f"{result['read']:,} records: {result['extracted']:,} extracted",
             f"{result['empty']:,} empty", f"{result['skipped_total']:,} skipped",
             f"{result['failed_total']:,} failed"]
    line = ", ".join(parts)
    if result["failed_total"]:
        line += f" (see {output}/errors-*.jsonl)"
    return (f"{line}\n{run['pages']:,} pages this run in {run['wall_seconds']:.1f} s "
            f"({run['pages_per_second']:.1f} pages/s); summary: {output}/summary.json")


class _ProgressBar:
    """A tqdm bar over input bytes (for the ETA) with records and records/s beside it."""

    def __init__(self, sizes: dict[str, int], *, enabled: bool) -> None:
        self.sizes = sizes
        self.bar: Any = None
        self.positions: dict[str, int] = {}
        self.records = 0
        self.started = time.monotonic()
        self.drawn = 0.0
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self.bar = tqdm(total=sum(sizes.values()) or None, unit="B", unit_scale=True,
                        file=sys.stderr, dynamic_ncols=True, desc="dechaff run")

    def __call__(self, event: object) -> None:
        from dechaff.corpus.units import InputRead, Tick

        if self.bar is None:
            return
        if isinstance(event, Tick):
            self.records += event.records
            if event.location:
                self.positions[event.location] = event.position
        elif isinstance(event, InputRead):
            self.positions[event.location] = self.sizes.get(event.location, 0)
        now = time.monotonic()
        if now - self.drawn < PROGRESS_REFRESH_SECONDS:
            return
        self.drawn = now
        rate = self.records / max(now - self.started, 1e-9)
        self.bar.n = sum(self.positions.values())
        self.bar.set_postfix_str(f"{self.records:,} records, {rate:,.0f} rec/s", refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


