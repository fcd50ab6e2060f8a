"""A tour of dechaff on the pages bundled in ``dechaff/examples``: ``python -m dechaff.demo``.

For each bundled page the demo runs the command line (``dechaff extract PAGE --format text``,
in this process) and prints the article text under a header; then it prints the full JSON record
(``--format json``) of the featured page, where the separated parts show: title, authors,
captions and related teasers. Exit status: 0 when every run succeeded, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

EXAMPLES = "examples"
MANIFEST = "pages.json"
DEFAULT_PARAGRAPHS = 12
"""Paragraphs shown per page unless ``--full``."""
MAX_WIDTH = 100

CliMain = Callable[[Sequence[str]], int]


@dataclass(frozen=True)
class ExamplePage:
    file: str
    url: str | None
    about: str
    credit: str
    featured: bool = False


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.status == 0


# --------------------------------------------------------------------------- bundled pages


def examples_dir() -> Traversable:
    return resources.files("dechaff").joinpath(EXAMPLES)


def load_manifest(folder: Traversable) -> list[ExamplePage]:
    """The pages listed in ``pages.json``, plus any other bundled page it does not mention."""
    entries: list[dict[str, Any]] = json.loads(folder.joinpath(MANIFEST).read_text("utf-8"))
    pages = [
        ExamplePage(
            file=str(e["file"]),
            url=e.get("url"),
            about=str(e.get("about", "")),
            credit=str(e.get("credit", "")),
            featured=bool(e.get("featured", False)),
        )
        for e in entries
    ]
    listed = {p.file for p in pages}
    extra = sorted(
        item.name
        for item in folder.iterdir()
        if item.name.endswith((".html", ".html.gz", ".htm", ".htm.gz")) and item.name not in listed
    )
    return pages + [ExamplePage(name, None, "", "") for name in extra]


# --------------------------------------------------------------------------- running the CLI


def _cli_main() -> CliMain | None:
    """``dechaff.cli.main`` if the command line is available, else None."""
    try:
        from dechaff import cli
    except ImportError:
        return None
    main = getattr(cli, "main", None)
    return main if callable(main) else None


def run_cli(main: CliMain, argv: Sequence[str]) -> Run:
    """Run the command line in this process, capturing what it writes."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(argv))
    except SystemExit as exc:  # a CLI should return, but be tolerant
        status = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # the demo reports it and goes on with the next page
        err.write(f"{type(exc).__name__}: {exc}\n")
        status = 1
    return Run(int(status), out.getvalue(), err.getvalue())


def run_library(path: Path, url: str | None, output_format: str) -> Run:
    """Fallback when the command line is missing: call ``dechaff.extract`` directly."""
    import gzip

    from dechaff import extract

    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        article = extract(data, url)
    except Exception as exc:
        return Run(1, "", f"{type(exc).__name__}: {exc}\n")
    if output_format == "json":
        return Run(0, json.dumps({"input": str(path), **article.to_dict()}, ensure_ascii=False), "")
    return Run(0, article.text, "")


def extract_page(main: CliMain | None, path: Path, url: str | None, output_format: str) -> Run:
    if main is None:
        return run_library(path, url, output_format)
    argv = ["extract", str(path), "--format", output_format]
    if url:
        argv += ["--url", url]
    return run_cli(main, argv)


@contextlib.contextmanager
def page_path(folder: Traversable, name: str) -> Iterator[Path]:
    """A real file system path for a bundled page (extracted to a temp file if zipped)."""
    with resources.as_file(folder.joinpath(name)) as path:
        yield Path(path)


# --------------------------------------------------------------------------- printing


class Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)


def _use_color(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def header(style: Style, width: int, title: str, subtitle: str = "") -> str:
    rule = "━" * width
    lines = ["", style.bold(rule), style.bold(f" {title}")]
    if subtitle:
        wrapped = textwrap.wrap(subtitle, width=width - 1) or [subtitle]
        lines += [style.dim(f" {line}") for line in wrapped]
    lines.append(style.bold(rule))
    return "\n".join(lines)


def wrap_text(text: str, width: int, max_paragraphs: int | None) -> str:
    """Paragraphs wrapped to ``width``, a blank line between them, cut after ``max_paragraphs``."""
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if not paragraphs:
        return "  (no article text)"
    shown = paragraphs if max_paragraphs is None else paragraphs[:max_paragraphs]
    blocks = [
        textwrap.fill(p, width=width, initial_indent="  ", subsequent_indent="  ") for p in shown
    ]
    hidden = len(paragraphs) - len(shown)
    if hidden:
        blocks.append(f"  … {hidden} more paragraph{'s' * (hidden != 1)} (run with --full)")
    return "\n\n".join(blocks)


def summary(record: dict[str, Any]) -> str:
    """The separated parts of a JSON record, one line each."""
    related = record.get("related") or []
    lines = [
        f"  title:    {record.get('title')!r}",
        f"  authors:  {record.get('authors')!r}",
        f"  date:     {record.get('date')!r}",
        f"  captions: {len(record.get('captions') or [])}",
    ]
    lines += [f"    - {c}" for c in record.get("captions") or []]
    lines.append(f"  related:  {len(related)}")
    lines += [f"    - {r.get('title')}" for r in related]
    lines.append(f"  comments: {len(record.get('comments') or [])}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dechaff.demo",
        description="Run dechaff on the bundled example pages.",
    )
    parser.add_argument("--full", action="store_true", help="print every paragraph")
    parser.add_argument("--no-json", action="store_true", help="skip the JSON record")
    args = parser.parse_args(argv)

    out = sys.stdout
    style = Style(_use_color(out))
    width = min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns) - 2
    limit = None if args.full else DEFAULT_PARAGRAPHS

    folder = examples_dir()
    try:
        pages = load_manifest(folder)
    except (OSError, ValueError, KeyError) as exc:
        print(f"dechaff demo: cannot read the bundled examples: {exc}", file=sys.stderr)
        return 1
    if not pages:
        print("dechaff demo: no bundled example pages found", file=sys.stderr)
        return 1

    cli_main = _cli_main()
    how = "dechaff extract (in-process CLI)" if cli_main else "dechaff.extract (CLI not available)"
    print(style.bold(f"dechaff demo: {len(pages)} bundled pages, via {how}"))

    failures: list[str] = []
    for number, page in enumerate(pages, 1):
        subtitle = " · ".join(x for x in (page.about, page.credit) if x)
        print(header(style, width, f"{number}/{len(pages)}  {page.file}", subtitle))
        try:
            with page_path(folder, page.file) as path:
                run = extract_page(cli_main, path, page.url, "text")
        except OSError as exc:
            run = Run(1, "", f"cannot open {page.file}: {exc}\n")
        if run.ok:
            print(wrap_text(run.stdout, width, limit))
        else:
            failures.append(page.file)
            print(style.red(f"  FAILED (exit {run.status}): {run.stderr.strip() or 'no message'}"))

    featured = next((p for p in pages if p.featured), pages[0])
    if not args.no_json:
        title = f"JSON record of {featured.file}"
        print(header(style, width, title, "dechaff extract --format json"))
        try:
            with page_path(folder, featured.file) as path:
                run = extract_page(cli_main, path, featured.url, "json")
        except OSError as exc:
            run = Run(1, "", f"cannot open {featured.file}: {exc}\n")
        record: dict[str, Any] | None = None
        if run.ok:
            try:
                record = json.loads(run.stdout.strip().splitlines()[0])
            except (ValueError, IndexError) as exc:
                run = Run(1, run.stdout, f"output is not a JSON record: {exc}")
        if record is None:
            failures.append(f"{featured.file} (json)")
            print(style.red(f"  FAILED (exit {run.status}): {run.stderr.strip() or 'no message'}"))
        else:
            print(json.dumps(record, ensure_ascii=False, indent=2))
            print(header(style, width, "What was separated from the body"))
            print(summary(record))

    print()
    if failures:
        print(style.red(f"dechaff demo: {len(failures)} failed: {', '.join(failures)}"))
        return 1
    print(style.bold(f"dechaff demo: all {len(pages)} pages extracted"))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `python -m dechaff.demo | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
