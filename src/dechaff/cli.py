"""The ``dechaff`` command: ``extract`` pages to text/markdown/html/json, ``bench`` extractors.

Exit status: 0 when every input succeeded, 1 when some failed (one ``INPUT: reason`` line each
on stderr), 2 on bad usage, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, cast

from dechaff import __version__, extract
from dechaff.api import FAVORS, FORMATS, Favor, Format
from dechaff.article import Article
from dechaff.cli_common import EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, positive_int
from dechaff.errors import DechaffError
from dechaff.inputs import Page, Source, expand, load, output_stem

"""128 + SIGINT, as shells report a command stopped by Ctrl-C."""

MAX_REASON_CHARS = 500
"""A failure reason is cut to this length so each failure stays one readable line."""
WORKER_DIED = "the worker process died on this input (a crash or out of memory)"

FORMAT_SUFFIXES = {"text": ".txt", "markdown": ".md", "html": ".html", "json": ".json"}

EPILOG = """\
examples:
  dechaff extract page.html                     article text of one page
  dechaff extract page.html.gz --format markdown
  dechaff extract --format json crawl/ > articles.jsonl
                                                one JSON object per page, per line
  dechaff extract -o out/ --format markdown --jobs 4 crawl/
                                                crawl/a/b.html.gz -> out/a/b.md
  curl -s https://example.com/post | dechaff extract - --url https://example.com/post
  dechaff extract https://example.com/post --include-links --favor recall
  dechaff bench --help                          compare extractors on gold datasets

exit status: 0 all inputs succeeded, 1 some failed (one 'INPUT: reason' line each on
stderr), 2 bad usage, 130 interrupted.
"""


@dataclass(frozen=True, slots=True)
class Options:
    """What to extract and how to render it; sent to worker processes with each task."""

    format: str
    favor: Favor
    include_comments: bool
    include_links: bool
    include_images: bool
    include_tables: bool
    url: str | None


@dataclass(frozen=True, slots=True)
class Task:
    """One input to process; stdin is loaded by the parent (workers get an empty stdin)."""

    source: Source
    options: Options
    page: Page | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    rendered: str | None = None
    error: str | None = None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (never raises, never prints a traceback)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments[:1] == ["bench"]:
            return _bench(arguments[1:])
        if arguments[:1] == ["clean"]:
            return _clean(arguments[1:])
        if arguments[:1] == ["run"]:
            return _run(arguments[1:])
        parser = build_parser()
        args = parser.parse_args(arguments)
        if args.command != "extract":
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return _extract_command(parser, args)
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `dechaff extract ... | head`: stop quietly
        _silence_stdout()
        return EXIT_SOME_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dechaff",
        description="Extract clean articles from web pages.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_extract_parser(commands)
    commands.add_parser(
        "bench",
        help="score extractors on gold datasets (see: dechaff bench --help)",
        add_help=False,
    )
    commands.add_parser(
        "clean",
        help="clean already-extracted text or JSONL corpora (see: dechaff clean --help)",
        add_help=False,
    )
    commands.add_parser(
        "run",
        help="extract WARC/JSONL/HTML corpora into sharded records (see: dechaff run --help)",
        add_help=False,
    )
    return parser


def _add_extract_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    extract_parser = commands.add_parser(
        "extract",
        help="extract the article from pages, directories, stdin or URLs",
        description="Extract the article from each INPUT.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = extract_parser.add_argument
    add("inputs", nargs="+", metavar="INPUT",
        help="a .html/.htm file (optionally .gz), a directory (recursive: *.html, *.htm, "
             "*.html.gz, *.htm.gz), '-' for stdin, or an http(s):// URL")
    add("--format", choices=tuple(FORMAT_SUFFIXES), default="text",
        help="output format (default: text); json is one object per line with an 'input' key")
    add("-o", "--output-dir", metavar="DIR", type=Path,
        help="write one file per input under DIR, mirroring paths relative to each directory")
    add("--jobs", type=positive_int, default=1, metavar="N",
        help="extract with N worker processes (default: 1); output keeps input order")
    add("--favor", choices=FAVORS, default="balanced",
        help="trade-off between precision and recall (default: balanced)")
    add("--include-comments", action="store_true", help="keep reader comments")
    add("--include-links", action="store_true", help="keep links (markdown/html output)")
    add("--include-images", action="store_true", help="keep images (markdown/html output)")
    add("--no-tables", dest="include_tables", action="store_false", help="drop tables")
    add("--url", help="the page's URL, for metadata and resolving links (one INPUT only)")


# --- extract ---------------------------------------------------------------------------------


def _extract_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.url is not None and len(args.inputs) > 1:
        parser.error("--url can only be used with a single INPUT")
    out_dir: Path | None = args.output_dir
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        parser.error(f"-o/--output-dir: {out_dir} exists and is not a directory")
    options = _options(args)
    sources = expand(args.inputs)
    tasks = [_task(source, options) for source in sources]
    sink = _sink(out_dir, sources, options.format)
    failed = 0
    with _outcomes(tasks, args.jobs) as outcomes:
        for index, outcome in enumerate(outcomes):
            if outcome.error is None and outcome.rendered is not None:
                outcome = sink.write(index, sources[index], outcome.rendered)
            if outcome.error is not None:
                failed += 1
                _write(sys.stderr, f"{outcome.name}: {outcome.error}\n")
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _options(args: argparse.Namespace) -> Options:
    return Options(
        format=args.format,
        favor=args.favor,
        include_comments=args.include_comments,
        include_links=args.include_links,
        include_images=args.include_images,
        include_tables=args.include_tables,
        url=args.url,
    )


def _task(source: Source, options: Options) -> Task:
    if source.kind != "stdin":
        return Task(source, options)
    try:
        return Task(source, options, page=load(source))
    except Exception as exc:
        return Task(source, options, error=_reason(exc))


@contextmanager
def _outcomes(tasks: list[Task], jobs: int) -> Iterator[Iterator[Outcome]]:
    """Outcomes in task order: in this process, or from a pool of ``jobs`` processes.

    On any exit (Ctrl-C included) queued tasks are cancelled and the pool is shut down, waiting
    only for the pages being processed.
    """
    if jobs <= 1 or len(tasks) <= 1:
        yield map(process, tasks)
        return
    outcomes = _pooled(tasks, min(jobs, len(tasks)))
    try:
        yield outcomes
    finally:
        outcomes.close()


def _pooled(tasks: list[Task], workers: int) -> Generator[Outcome, None, None]:
    """``process`` over ``tasks`` in a pool, surviving dead workers.

    A worker that dies (a crash, the out-of-memory killer) breaks the whole pool and fails
    every unfinished task with it. The first unfinished task is then run alone in a fresh
    process: if that one dies too, it is the input to blame and is reported as failed; either
    way the rest go on in a new pool.
    """
    start = 0
    while start < len(tasks):
        broken_at = None
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint)
        try:
            pending = tasks[start:]
            futures = [pool.submit(process, task) for task in pending]
            for offset, (task, future) in enumerate(zip(pending, futures, strict=True)):
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken_at = start + offset
                    break
                except Exception as exc:
                    yield Outcome(task.source.name, error=_reason(exc) or WORKER_DIED)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if broken_at is None:
            return
        yield _alone(tasks[broken_at])
        start = broken_at + 1


def _alone(task: Task) -> Outcome:
    """``process`` in a process of its own (to learn whether this input kills its worker)."""
    with ProcessPoolExecutor(max_workers=1, initializer=_ignore_sigint) as pool:
        try:
            return pool.submit(process, task).result()
        except Exception as exc:
            reason = WORKER_DIED if isinstance(exc, BrokenProcessPool) else _reason(exc)
            return Outcome(task.source.name, error=reason or WORKER_DIED)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops the pool and exits 130."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process(task: Task) -> Outcome:
    """Load, extract and render one input; every failure becomes the outcome's reason."""
    name = task.source.name
    if task.error is not None:
        return Outcome(name, error=task.error)
    try:
        page = task.page if task.page is not None else load(task.source)
    except Exception as exc:
        return Outcome(name, error=_reason(exc))
    try:
        article = _extract(page, task.options)
        return Outcome(name, rendered=render(article, task.options.format, name))
    except DechaffError as exc:
        return Outcome(name, error=_reason(exc))
    except Exception as exc:  # a bug, not a bad input: say so, with the exception's type
        return Outcome(name, error="extraction failed: " + _reason(exc, internal=True))


def _extract(page: Page, options: Options) -> Article:
    return extract(
        page.content,
        options.url or page.url,
        favor=options.favor,
        include_comments=options.include_comments,
        include_tables=options.include_tables,
        include_links=options.include_links,
        include_images=options.include_images,
        http_charset=page.charset,
        formats=FORMATS if options.format == "json" else (cast(Format, options.format),),
    )


def render(article: Article, output_format: str, name: str) -> str:
    """The article in ``output_format``; json carries the input's name under ``"input"``."""
    if output_format == "json":
        record = {"input": name, **json.loads(article.to_json())}
        return json.dumps(record, ensure_ascii=False)
    if output_format == "markdown":
        return article.markdown
    if output_format == "html":
        return article.html
    return article.text


def _reason(exc: BaseException, *, internal: bool = False) -> str:
    """One line saying why an input failed.

    Reading errors are the OS's words ("No such file or directory"); an ``internal`` error (one
    raised by the extraction, not by reading the input) keeps its type and full message.
    """
    if isinstance(exc, OSError) and exc.strerror and not internal:
        message = exc.strerror
    elif isinstance(exc, DechaffError):
        message = str(exc) or type(exc).__name__
    else:
        message = f"{type(exc).__name__}: {exc}".rstrip(": ")
    message = " ".join(message.split())
    if len(message) > MAX_REASON_CHARS:
        message = message[: MAX_REASON_CHARS - 1] + "…"
    return message


# --- output ----------------------------------------------------------------------------------


class _Sink:
    def write(self, index: int, source: Source, rendered: str) -> Outcome:
        raise NotImplementedError


def _sink(out_dir: Path | None, sources: Sequence[Source], output_format: str) -> _Sink:
    if out_dir is not None:
        return _DirectorySink(out_dir, sources, FORMAT_SUFFIXES[output_format])
    return _StdoutSink(json_lines=output_format == "json", headers=len(sources) > 1)


class _StdoutSink(_Sink):
    """Text formats: the article, with ``==> name <==`` headers when there are several inputs;
    json: one line per input."""

    def __init__(self, *, json_lines: bool, headers: bool) -> None:
        self.json_lines = json_lines
        self.headers = headers and not json_lines
        self.first = True

    def write(self, index: int, source: Source, rendered: str) -> Outcome:
        parts = []
        if self.headers:
            parts.append(("" if self.first else "\n") + f"==> {source.name} <==\n")
        body = rendered.rstrip("\n")
        if body or self.json_lines:
            parts.append(body + "\n")
        self.first = False
        _write(sys.stdout, "".join(parts))
        sys.stdout.flush()
        return Outcome(source.name)


class _DirectorySink(_Sink):
    """One file per input under the output directory; clashing names get ``-2``, ``-3``..."""

    def __init__(self, out_dir: Path, sources: Sequence[Source], suffix: str) -> None:
        self.paths = _output_paths(out_dir, sources, suffix)

    def write(self, index: int, source: Source, rendered: str) -> Outcome:
        path = self.paths[index]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = rendered if rendered.endswith("\n") or not rendered else rendered + "\n"
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            return Outcome(source.name, error=f"cannot write {path}: {_reason(exc)}")
        return Outcome(source.name)


def _output_paths(out_dir: Path, sources: Sequence[Source], suffix: str) -> list[Path]:
    """Where each input's output goes (compared case-insensitively, for such file systems)."""
    paths: list[Path] = []
    taken: set[str] = set()
    for source in sources:
        stem = output_stem(source.relative or source.name)
        candidate, number = stem + suffix, 1
        while candidate.lower() in taken:
            number += 1
            candidate = f"{stem}-{number}{suffix}"
        taken.add(candidate.lower())
        paths.append(out_dir / candidate)
    return paths


def _write(stream: TextIO, text: str) -> None:
    """Write text, replacing what the stream's encoding cannot hold instead of failing."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = stream.encoding or "utf-8"
        stream.write(text.encode(encoding, "replace").decode(encoding))


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# --- bench -----------------------------------------------------------------------------------


def _bench(argv: list[str]) -> int:
    """``dechaff bench ...``: everything after ``bench`` goes to ``dechaff.bench.cli.main``."""
    try:
        module = importlib.import_module("dechaff.bench.cli")
    except ImportError as exc:
        _write(sys.stderr, f"dechaff bench is not available ({exc}); "
                           "install the bench extra: pip install 'dechaff[bench]'\n")
        return EXIT_USAGE
    bench_main = getattr(module, "main", None)
    if not callable(bench_main):
        _write(sys.stderr, "dechaff bench is not available (dechaff.bench.cli has no main)\n")
        return EXIT_USAGE
    status = cast(Callable[[list[str]], object], bench_main)(argv)
    return status if isinstance(status, int) else EXIT_OK


# --- run -------------------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    """``dechaff run ...``: everything after ``run`` goes to ``dechaff.corpus.cli.main``."""
    from dechaff.corpus.cli import main as run_main

    return run_main(argv)


# --- clean -----------------------------------------------------------------------------------


def _clean(argv: list[str]) -> int:
    """``dechaff clean ...``: everything after ``clean`` goes to ``dechaff.clean_cli.main``."""
    from dechaff.clean_cli import main as clean_main

    return clean_main(argv)


if __name__ == "__main__":
    sys.exit(main())
