"""Inputs of a corpus run: WARC files, JSONL files with an HTML field, directories of HTML.

``expand_inputs`` turns command-line arguments (paths, globs, fsspec URLs) into ``Input``
values in a stable order; ``InputReader`` reads one input into ``Page`` / ``Skip`` /
``Failure`` items, one per record, numbered in file order. WARC specifics (HTTP heads,
encodings, resynchronising after garbage) live in ``dechaff.corpus.warc``.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal, cast

from dechaff.corpus.records import TOO_LARGE, UNREADABLE, Failure, Item, Origin, Page
from dechaff.corpus.settings import Settings
from dechaff.corpus.sniff import binary_reason
from dechaff.errors import InputError

Kind = Literal["warc", "jsonl", "html"]

WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.zst", ".warc.lz4")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json.gz")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
"""Input kinds are told by file name (any case)."""

GZIP_MAGIC = b"\x1f\x8b"

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB_CHARS = frozenset("*?[")

Wanted = Callable[[int], bool]
"""Which record numbers to produce (records of completed shards are passed over unread)."""


@dataclass(frozen=True, slots=True)
class Input:
    """One unit of input: a WARC file, a JSONL file, or HTML files (a directory or one file).

    ``location`` (an absolute path or a URL) identifies the input across runs; ``files`` lists
    an HTML input's pages (sorted) and ``root`` is what their ids are relative to.
    """

    location: str
    kind: Kind
    size: int = 0
    files: tuple[str, ...] = ()
    root: str = ""

    @property
    def name(self) -> str:
        return os.path.basename(self.location.rstrip("/")) or self.location


def expand_inputs(arguments: Sequence[str]) -> list[Input]:
    """Inputs for the command-line arguments, in order, without duplicates.

    Raises ``InputError`` naming the argument when one matches nothing or is of unknown kind.
    """
    inputs: dict[str, Input] = {}
    for argument in arguments:
        for found in _expand_one(argument):
            inputs.setdefault(found.location, found)
    return list(inputs.values())


def _expand_one(argument: str) -> list[Input]:
    if _URL_RE.match(argument) and not argument.startswith("file://"):
        return _expand_remote(argument)
    path = argument.removeprefix("file://")
    if _GLOB_CHARS & set(path):
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            raise InputError(f"{argument}: no file matches")
        return [_local_input(match, argument) for match in matches]
    if not os.path.exists(path):
        raise InputError(f"{argument}: no such file or directory")
    return [_local_input(path, argument)]


def _local_input(path: str, argument: str) -> Input:
    location = os.path.abspath(path)
    if os.path.isdir(location):
        files = tuple(_html_files(location))
        if not files:
            raise InputError(f"{argument}: directory holds no HTML files "
                             f"({', '.join('*' + s for s in HTML_SUFFIXES)})")
        size = sum(_file_size(f) for f in files)
        return Input(location, "html", size, files, location)
    kind = kind_of(location)
    if kind is None:
        raise InputError(f"{argument}: unknown input type (expected a WARC, JSONL or HTML file "
                         "or a directory of HTML files)")
    if kind == "html":
        return Input(location, "html", _file_size(location), (location,),
                     os.path.dirname(location))
    return Input(location, kind, _file_size(location))


def kind_of(name: str) -> Kind | None:
    """The input kind a file name says, or None."""
    lowered = name.lower()
    if lowered.endswith(WARC_SUFFIXES):
        return "warc"
    if lowered.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lowered.endswith(HTML_SUFFIXES):
        return "html"
    return None


def _html_files(directory: str) -> Iterator[str]:
    found: list[str] = []
    for parent, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(parent, n) for n in names
                     if n.lower().endswith(HTML_SUFFIXES) and not n.startswith("."))
    return iter(sorted(found))


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _expand_remote(argument: str) -> list[Input]:
    try:
        import fsspec
    except ImportError:
        raise InputError(f"{argument}: reading URLs needs fsspec (pip install fsspec and the "
                         "backend for the scheme, e.g. s3fs)") from None
    try:
        fs, path = fsspec.core.url_to_fs(argument)
        paths = sorted(fs.glob(path)) if _GLOB_CHARS & set(path) else [path]
        inputs = [_remote_input(fs, p) for p in paths if fs.exists(p)]
    except (ImportError, ValueError, OSError) as exc:
        raise InputError(f"{argument}: {exc}") from None
    if not inputs:
        raise InputError(f"{argument}: no file matches")
    return inputs


def _remote_input(fs: Any, path: str) -> Input:
    location = str(fs.unstrip_protocol(path))
    if fs.isdir(path):
        files = tuple(sorted(str(fs.unstrip_protocol(p)) for p in fs.find(path)
                             if str(p).lower().endswith(HTML_SUFFIXES)))
        if not files:
            raise InputError(f"{location}: directory holds no HTML files")
        return Input(location, "html", 0, files, location)
    kind = kind_of(path)
    if kind is None:
        raise InputError(f"{location}: unknown input type")
    size = int(fs.size(path) or 0)
    if kind == "html":
        return Input(location, "html", size, (location,), location.rsplit("/", 1)[0])
    return Input(location, kind, size)


def open_binary(location: str) -> IO[bytes]:
    """Open a local path or an fsspec URL for reading bytes (seekable)."""
    if _URL_RE.match(location) and not location.startswith("file://"):
        import fsspec

        handle: IO[bytes] = fsspec.open(location, "rb").open()
        return handle
    return open(location.removeprefix("file://"), "rb")


@dataclass
class InputReader:
    """Reads one input into items, one per record, numbered in file order.

    ``count`` is the number of records met so far (produced or passed over) and ``position``
    the byte offset reached in the input, for progress. At most ``max_records`` records are met.
    """

    input: Input
    settings: Settings
    wanted: Wanted = field(default=lambda index: True)
    max_records: int | None = None
    count: int = 0
    position: int = 0

    def __iter__(self) -> Iterator[Item]:
        if self.input.kind == "warc":
            from dechaff.corpus.warc import read_warc

            return read_warc(self)
        if self.input.kind == "jsonl":
            return self._read_jsonl()
        return self._read_html()

    def room(self) -> bool:
        """Whether another record may be read under ``max_records``."""
        return self.max_records is None or self.count < self.max_records

    # --- JSONL ----------------------------------------------------------------------------

    def _read_jsonl(self) -> Iterator[Item]:
        name = self.input.location
        with open_binary(name) as raw:
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if _is_gzip(raw) else raw
            for line_number, line in enumerate(stream):
                if not line.strip():
                    continue
                if not self.room():
                    return
                index = self.count
                self.count += 1
                self.position = raw.tell()
                if self.wanted(index):
                    yield self._jsonl_item(line, line_number, index)

    def _jsonl_item(self, line: bytes, line_number: int, index: int) -> Item:
        name = self.input.location
        fallback = Origin(index, name, None, f"{self.input.name}:{line_number + 1}")
        try:
            obj = json.loads(line)
        except ValueError as exc:
            return Failure(fallback, UNREADABLE, f"line {line_number + 1} is not JSON: {exc}")
        if not isinstance(obj, dict):
            return Failure(fallback, UNREADABLE, f"line {line_number + 1} is not an object")
        record_id = obj.get("id")
        url = obj.get("url")
        origin = Origin(index, name, None,
                        str(record_id) if record_id is not None else fallback.id,
                        url if isinstance(url, str) else None)
        html = obj.get(self.settings.html_field)
        if not isinstance(html, str):
            return Failure(origin, UNREADABLE,
                           f"no string field {self.settings.html_field!r} (see --html-field)")
        if len(html) > self.settings.max_page_bytes:
            return Failure(origin, TOO_LARGE, f"{len(html)} characters")
        return Page(origin, html)

    # --- HTML files -----------------------------------------------------------------------

    def _read_html(self) -> Iterator[Item]:
        for path in self.input.files:
            if not self.room():
                return
            index = self.count
            self.count += 1
            if self.wanted(index):
                yield self._html_item(path, index)
            self.position += _file_size(path)

    def _html_item(self, path: str, index: int) -> Item:
        relative = os.path.relpath(path, self.input.root) if self.input.root else path
        origin = Origin(index, self.input.location, None, relative)
        limit = self.settings.max_page_bytes
        try:
            body = _read_page_file(path, limit + 1)
        except (OSError, EOFError, ValueError) as exc:
            return Failure(origin, UNREADABLE, f"{type(exc).__name__}: {exc}")
        if len(body) > limit:
            return Failure(origin, TOO_LARGE, f"over {limit} bytes")
        binary = binary_reason(body)
        if binary is not None:
            return Failure(origin, binary[0], binary[1])
        return Page(origin, body)


def _is_gzip(raw: IO[bytes]) -> bool:
    start = raw.read(2)
    raw.seek(0)
    return start == GZIP_MAGIC


def _read_page_file(path: str, limit: int) -> bytes:
    with open_binary(path) as raw:
        if _is_gzip(raw):
            with gzip.GzipFile(fileobj=raw) as unzipped:
                return unzipped.read(limit)
        return raw.read(limit)
