"""``dechaff clean``: clean already-extracted text files or JSONL corpora, streaming.

Inputs are plain text files (one document each) or JSONL / JSONL.gz files (one document per
record, the text in ``--field``; recognised by the suffix ``.jsonl``, ``.ndjson``, ``.json`` with
an optional ``.gz``, or any ``.gz``). ``-`` reads stdin (JSONL when its first line is a JSON
object, text otherwise). JSONL is read and written one line at a time, so memory stays flat
whatever the file size; with ``--jobs N`` batches of records are cleaned by N processes (at most
two batches each in flight) and written in input order.

Nothing is lost: a line that is not a JSON object, or a record without a string ``--field``, is
reported on stderr with its line number and written out unchanged (with ``--attributes``, as an
empty attribute record, so the attribute file stays line-aligned with its source).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from dechaff.clean import CLEAN_FAVORS, Cleaned, CleanFavor, clean_text
from dechaff.cli_common import EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, positive_int
from dechaff.fastio import GZIP_READ_ERRORS, JsonReader, gzip_reader, gzip_writer, json_line

BATCH_RECORDS = 256
"""Records sent to a worker at a time: large enough to amortise the hand-off, small in memory."""
BATCHES_PER_JOB = 2
"""Batches in flight per worker: one being cleaned, one waiting, so workers never idle."""
ATTRIBUTE_NAME = "dechaff__removed"
"""Dolma-style attribute key: ``[[start, end, kind], ...]`` of the removed spans."""
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz", ".json.gz", ".gz")
"""Inputs read as JSON lines; every other file is one plain-text document."""
STDIN = "-"
PEEK_BYTES = 1 << 12
"""How much of stdin (after gunzipping) is looked at to tell JSON lines from text."""
GZIP_LEVEL = 1
"""Level 1 writes several times faster than gzip's default 6 (which took as long as cleaning
the text itself on a 1 GB run) for output some 15 % larger; as ``dechaff run``'s shards."""
MAX_REPORTED_PROBLEMS = 20
"""Problems printed per input; the rest are counted in the summary line."""
PROGRESS_SECONDS = 0.2
"""The progress line is redrawn at most five times a second (redrawing costs time too)."""

EPILOG = """\
examples:
  dechaff clean page.txt                          cleaned text to stdout
  dechaff clean crawl.jsonl.gz -o clean.jsonl.gz  'text' of every record cleaned
  dechaff clean data.jsonl --field content --jobs 4 -o out.jsonl
  dechaff clean data.jsonl --attributes -o attributes.jsonl
                                                  Dolma-style spans, text left alone
exit status: 0 all inputs read, 1 some could not be read or had bad lines (reported on
stderr, kept unchanged), 2 bad usage, 130 interrupted.
"""


@dataclass(frozen=True, slots=True)
class Settings:
    """How to clean and what to write; sent to worker processes with each batch."""

    field: str
    title_field: str | None
    favor: CleanFavor
    attributes: bool
    output_format: str


@dataclass(slots=True)
class Counts:
    documents: int = 0
    problems: int = 0
    removed_lines: int = 0


def main(argv: Sequence[str] | None = None) -> int:
    """``dechaff clean ...``; returns the exit status (never raises, no traceback)."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        return run(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_SOME_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dechaff clean",
        description="Clean already-extracted text: keep the article, report what was removed.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("inputs", nargs="+", metavar="INPUT",
        help="a text file, a .jsonl/.jsonl.gz file of records, or '-' for stdin")
    add("-o", "--output", metavar="OUT", type=Path,
        help="write here instead of stdout (gzip-compressed when it ends in .gz)")
    add("--field", default="text", help="the record field holding the text (default: text)")
    add("--title-field", metavar="FIELD", help="a record field holding the headline, if any")
    add("--format", dest="output_format", choices=("txt", "jsonl"),
        help="txt: cleaned text only; jsonl: records with the field cleaned (default: jsonl "
             "for JSONL inputs, txt for text files)")
    add("--attributes", action="store_true",
        help=f'write {{"id", "attributes": {{"{ATTRIBUTE_NAME}": [[start, end, kind], ...]}}}} '
             "per document instead of rewriting the text")
    add("--favor", choices=CLEAN_FAVORS, default="balanced",
        help="trade-off between precision and recall (default: balanced)")
    add("--jobs", type=positive_int, default=1, metavar="N",
        help="clean with N worker processes (default: 1); output keeps input order")
    add("--no-progress", dest="progress", action="store_false",
        help="do not show the progress bar")
    return parser


def run(args: argparse.Namespace) -> int:
    counts = Counts()
    failed = False
    start = time.perf_counter()
    with ExitStack() as stack:
        out = stack.enter_context(_open_output(args.output))
        pool = _pool(args.jobs, stack)
        progress = stack.enter_context(_progress(args.progress))
        for name in args.inputs:
            try:
                failed |= not _clean_input(name, args, out, pool, counts, progress)
            except OSError as exc:
                failed = True
                _warn(f"{name}: {exc.strerror or exc}")
    elapsed = time.perf_counter() - start
    rate = counts.documents / elapsed if elapsed > 0 else 0.0
    _warn(f"cleaned {counts.documents} documents ({counts.removed_lines} lines removed, "
          f"{counts.problems} problems) in {elapsed:.1f} s, {rate:,.0f} documents/s")
    return EXIT_SOME_FAILED if failed or counts.problems else EXIT_OK


# --- inputs ----------------------------------------------------------------------------------


def _is_jsonl(name: str) -> bool:
    return name.lower().endswith(JSONL_SUFFIXES)


def _clean_input(
    name: str,
    args: argparse.Namespace,
    out: BinaryIO,
    pool: ProcessPoolExecutor | None,
    counts: Counts,
    progress: Progress,
) -> bool:
    """Clean one input; ``False`` when it could not be read to its end (what was read before
    the damage is written)."""
    with _open_input(name) as (raw, jsonl):
        settings = Settings(
            field=args.field,
            title_field=args.title_field,
            favor=args.favor,
            attributes=args.attributes,
            output_format=args.output_format or ("jsonl" if jsonl or args.attributes else "txt"),
        )
        if not jsonl:
            try:
                text = raw.read().decode("utf-8", errors="replace")
            except GZIP_READ_ERRORS as exc:
                _warn(f"{name}: damaged gzip data ({_reason(exc)}), nothing read")
                return False
            out.write(_text_document(name, text, settings, counts))
            progress.advance(1)
            return True
        lines = _tracked(raw, progress)  # counts lines read, i.e. documents
        problems = number = 0
        try:
            for number, rendered, problem, removed in _records(lines, settings, pool, args.jobs):
                out.write(rendered)
                counts.documents += 1
                counts.removed_lines += removed
                if problem is not None:
                    counts.problems += 1
                    problems += 1
                    if problems <= MAX_REPORTED_PROBLEMS:
                        _warn(f"{name}:{number}: {problem} (kept unchanged)")
        except GZIP_READ_ERRORS as exc:
            _warn(f"{name}: damaged gzip data after line {number} ({_reason(exc)}); "
                  "the lines before it were cleaned")
            return False
        return True


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


@contextmanager
def _open_input(name: str) -> Iterator[tuple[BinaryIO, bool]]:
    """(binary stream, whether it holds JSON lines); gzip recognised by its magic bytes."""
    if name == STDIN:
        stream = _maybe_gunzip(sys.stdin.buffer, _peek(sys.stdin.buffer))
        yield stream, _peek(stream).lstrip()[:1] == b"{"
        return
    with open(name, "rb") as handle:
        yield _maybe_gunzip(handle, handle.peek(2)[:2]), _is_jsonl(name)


def _peek(stream: Any) -> bytes:
    """The stream's first bytes, left unread (empty when it cannot peek)."""
    return bytes(stream.peek(PEEK_BYTES)[:PEEK_BYTES]) if hasattr(stream, "peek") else b""


def _maybe_gunzip(stream: Any, head: bytes) -> BinaryIO:
    if head[:2] == b"\x1f\x8b":
        return gzip_reader(stream)
    return stream  # type: ignore[no-any-return]


def _tracked(raw: BinaryIO, progress: Progress) -> Iterator[bytes]:
    for line in raw:
        yield line
        progress.advance(1)


def _text_document(name: str, text: str, settings: Settings, counts: Counts) -> bytes:
    cleaned = clean_text(text, favor=settings.favor)
    counts.documents += 1
    counts.removed_lines += len(cleaned.removed)
    if settings.attributes:
        return json_line({"id": name, "attributes": {ATTRIBUTE_NAME: _spans(cleaned)}})
    if settings.output_format == "jsonl":
        return json_line({"id": name, "text": cleaned.text, "removed": _removed_records(cleaned)})
    return _text_bytes(cleaned.text + "\n") if cleaned.text else b""


# --- records ---------------------------------------------------------------------------------

Result = tuple[int, bytes, "str | None", int]
"""(line number, output line, problem or None, lines removed)."""


def _records(
    lines: Iterable[bytes], settings: Settings, pool: ProcessPoolExecutor | None, jobs: int
) -> Iterator[Result]:
    numbered = enumerate(lines, start=1)
    if pool is None:
        for number, line in numbered:
            yield clean_record(number, line, settings)
        return
    pending: deque[Future[list[Result]]] = deque()
    limit = BATCHES_PER_JOB * jobs
    for batch in _batches(numbered, BATCH_RECORDS):
        pending.append(pool.submit(clean_batch, batch, settings))
        if len(pending) >= limit:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _batches(
    items: Iterator[tuple[int, bytes]], size: int
) -> Iterator[list[tuple[int, bytes]]]:
    batch: list[tuple[int, bytes]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_READER = JsonReader()
"""Parses every record of this process (the command cleans in one thread per process)."""


def clean_batch(batch: Sequence[tuple[int, bytes]], settings: Settings) -> list[Result]:
    """Worker entry point: clean a batch of numbered lines."""
    return [clean_record(number, line, settings) for number, line in batch]


def clean_record(number: int, line: bytes, settings: Settings) -> Result:
    """One JSONL line in, one output line out; a bad line comes back unchanged with a reason."""
    line = line.rstrip(b"\r\n")
    raw = line.decode("utf-8", errors="surrogateescape")
    if not raw.strip():
        return number, _passthrough(line, None, number, settings), None, 0
    record, problem = _parse(raw, settings.field)
    if record is None or problem is not None:
        return number, _passthrough(line, record, number, settings), problem, 0
    text = record[settings.field]
    title = record.get(settings.title_field) if settings.title_field else None
    try:
        cleaned = clean_text(text, title=title if isinstance(title, str) else None,
                             favor=settings.favor)
    except Exception as exc:  # a bug, not a bad input: keep the record, say why
        reason = f"cleaning failed: {type(exc).__name__}: {exc}"
        return number, _passthrough(line, record, number, settings), reason, 0
    return number, _render(record, cleaned, settings), None, len(cleaned.removed)


def _parse(raw: str, field: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        record = _READER.loads(raw)
    except (ValueError, RecursionError) as exc:
        return None, f"not valid JSON ({str(exc).split(':')[0]})"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    if not isinstance(record.get(field), str):
        missing = field not in record
        return record, f"no {field!r} field" if missing else f"{field!r} is not a string"
    return record, None


def _passthrough(
    line: bytes, record: dict[str, Any] | None, number: int, settings: Settings
) -> bytes:
    """The input line as it came (its bytes), or an empty attribute record in its place."""
    if not settings.attributes:
        return line + b"\n"
    identifier = record.get("id") if record is not None else None
    empty: dict[str, object] = {ATTRIBUTE_NAME: []}
    return _record_line({"id": identifier, "line": number, "attributes": empty})


def _render(record: dict[str, Any], cleaned: Cleaned, settings: Settings) -> bytes:
    if settings.attributes:
        attributes = {"id": record.get("id"), "attributes": {ATTRIBUTE_NAME: _spans(cleaned)}}
        return _record_line(attributes)
    if settings.output_format == "txt":
        return _text_bytes(cleaned.text + "\n\n") if cleaned.text else b""
    return _record_line({**record, settings.field: cleaned.text})


def _spans(cleaned: Cleaned) -> list[list[int | str]]:
    return [[span.start, span.end, span.kind] for span in cleaned.removed]


def _removed_records(cleaned: Cleaned) -> list[dict[str, int | str]]:
    return [
        {"kind": s.kind, "start": s.start, "end": s.end, "reason": s.reason}
        for s in cleaned.removed
    ]


def _record_line(value: dict[str, Any]) -> bytes:
    """``value`` (built from the record just parsed) as a JSON line, written exactly."""
    return json_line(value, not _READER.non_finite)


def _text_bytes(text: str) -> bytes:
    """UTF-8, undecodable input bytes written back as they came, other surrogates escaped."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace")


# --- output ----------------------------------------------------------------------------------


@contextmanager
def _open_output(path: Path | None) -> Iterator[BinaryIO]:
    """stdout's bytes, or the file (gzip when its name ends in .gz)."""
    if path is None:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if str(path).endswith(".gz"):
        with gzip_writer(path, GZIP_LEVEL) as handle:
            yield handle
        return
    with open(path, "wb") as plain:
        yield plain


def _warn(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


# --- workers and progress --------------------------------------------------------------------


def _pool(jobs: int, stack: ExitStack) -> ProcessPoolExecutor | None:
    if jobs <= 1:
        return None
    pool = ProcessPoolExecutor(max_workers=jobs)
    stack.callback(pool.shutdown, wait=True, cancel_futures=True)
    return pool


class Progress:
    """Counts documents read and shows them with the rate on stderr (or nothing when off)."""

    def __init__(self, show: Callable[[int, float], None] | None = None) -> None:
        self.show = show
        self.done = 0
        self.start = time.perf_counter()
        self.next_update = 0.0

    def advance(self, n: int) -> None:
        self.done += n
        if self.show is None:
            return
        now = time.perf_counter()
        if now >= self.next_update:
            self.next_update = now + PROGRESS_SECONDS
            self.show(self.done, self.done / max(now - self.start, 1e-9))


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress]:
    """A rich status line on a terminal's stderr; nothing when disabled or redirected."""
    if not enabled or not sys.stderr.isatty():
        yield Progress()
        return
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    with Bar(
        SpinnerColumn(),
        TextColumn("{task.completed:,.0f} documents, {task.fields[rate]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("clean", total=None, rate="")

        def show(done: int, rate: float) -> None:
            bar.update(task, completed=done, rate=f"{rate:,.0f}/s")

        yield Progress(show)
