"""The CLI's inputs: page files (plain or gzip), directories of them, stdin and URLs.

``expand`` turns command-line arguments into ``Source`` records in a stable order without
reading anything; ``load`` reads one source into a ``Page``. Problems with one input are raised
by ``load`` (or recorded in ``Source.error``) so the CLI can report them and go on.
"""

from __future__ import annotations

import os
import re
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Literal
from urllib.parse import unquote, urlsplit

from dechaff.decode import DEFAULT_MAX_BYTES
from dechaff.errors import InputError

STDIN = "-"
"""The argument that means: read the page from standard input."""

PAGE_SUFFIXES = (".html.gz", ".htm.gz", ".html", ".htm")
"""Files taken from a directory (any case); a file named on the command line is always read."""

MAX_READ_BYTES = DEFAULT_MAX_BYTES + 1
"""Read one byte past extract's cap, so it can flag truncation, and no more (gzip bombs)."""

READ_CHUNK_BYTES = 1 << 16
"""Compressed bytes fed to zlib at a time while gunzipping."""

GZIP_MAGIC = b"\x1f\x8b"
"""gzip streams are recognised by content, whatever the file is called."""

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_UNSAFE_NAME_CHARS_RE = re.compile(r"[^\w.-]+")
_PAGE_EXTENSION_RE = re.compile(r"(\.x?html?)?(\.gz)?$", re.I)

Kind = Literal["file", "stdin", "url", "invalid"]


@dataclass(frozen=True, slots=True)
class Source:
    """One input: ``name`` is shown to the user, ``relative`` places its output under ``-o``."""

    name: str
    kind: Kind
    location: str
    relative: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A loaded input: raw bytes, the page's URL if known, the HTTP charset if fetched."""

    content: bytes
    url: str | None = None
    charset: str | None = None


def expand(arguments: Sequence[str]) -> list[Source]:
    """Sources for the CLI arguments, in order; directories are walked recursively and sorted."""
    sources: list[Source] = []
    for argument in arguments:
        sources.extend(_expand_one(argument))
    return sources


def _expand_one(argument: str) -> list[Source]:
    if argument == STDIN:
        return [Source(STDIN, "stdin", STDIN, "stdin")]
    if _URL_RE.match(argument):
        return [Source(argument, "url", argument, url_relative_path(argument))]
    if os.path.isdir(argument):
        found = [_file_source(argument, path) for path in _walk(argument)]
        if not found:
            suffixes = ", ".join(f"*{suffix}" for suffix in PAGE_SUFFIXES)
            return [Source(argument, "invalid", argument, "", f"no {suffixes} files found")]
        return found
    return [Source(argument, "file", argument, os.path.basename(argument) or "page")]


def _walk(directory: str) -> Iterable[str]:
    """Page files under ``directory``, depth-first in sorted order; symlinked dirs not followed."""
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(PAGE_SUFFIXES):
                yield os.path.join(root, name)


def _file_source(directory: str, path: str) -> Source:
    relative = os.path.relpath(path, directory).replace(os.sep, "/")
    return Source(path, "file", path, relative)


def url_relative_path(url: str) -> str:
    """A safe relative path for a URL's output: host, then the path's segments."""
    parts = urlsplit(url)
    segments = [parts.hostname or "url", *unquote(parts.path).split("/")]
    safe = [_UNSAFE_NAME_CHARS_RE.sub("_", segment) for segment in segments]
    safe = [segment for segment in safe if segment.strip(".")]
    if parts.path.endswith("/") or len(safe) == 1:
        safe.append("index")
    if parts.query:
        safe[-1] += "_" + _UNSAFE_NAME_CHARS_RE.sub("_", parts.query)
    return "/".join(safe)


def output_stem(relative: str) -> str:
    """``a/b.html.gz`` → ``a/b``: the relative path without its page extensions."""
    stem = _PAGE_EXTENSION_RE.sub("", relative)
    return stem if stem and not stem.endswith("/") else stem + "page"


def load(source: Source, *, max_bytes: int = MAX_READ_BYTES, timeout: float = 30.0) -> Page:
    """Read one source (gunzipping gzip content); raises OSError or a DechaffError."""
    if source.kind == "invalid":
        raise InputError(source.error or "unreadable input")
    if source.kind == "url":
        from dechaff.fetch import fetch

        fetched = fetch(source.location, timeout=timeout)
        return Page(_maybe_gunzip(fetched.content, max_bytes), fetched.url, fetched.charset)
    if source.kind == "stdin":
        return Page(read_stream(sys.stdin.buffer, max_bytes))
    with open(source.location, "rb") as stream:
        return Page(read_stream(stream, max_bytes))


def read_stream(stream: BinaryIO, max_bytes: int = MAX_READ_BYTES) -> bytes:
    """At most ``max_bytes`` of the stream's content, gunzipped when it starts as gzip."""
    head = stream.read(len(GZIP_MAGIC))
    if head != GZIP_MAGIC:
        return head + stream.read(max(max_bytes - len(head), 0))
    return _gunzip(_chunks(stream, head), max_bytes)


def _maybe_gunzip(content: bytes, max_bytes: int) -> bytes:
    """A fetched body that is still gzip (served as a file, not as Content-Encoding)."""
    if not content.startswith(GZIP_MAGIC):
        return content
    chunks = (content[i : i + READ_CHUNK_BYTES] for i in range(0, len(content), READ_CHUNK_BYTES))
    return _gunzip(chunks, max_bytes)


def _chunks(stream: BinaryIO, first: bytes) -> Iterable[bytes]:
    yield first
    while chunk := stream.read(READ_CHUNK_BYTES):
        yield chunk


def _gunzip(chunks: Iterable[bytes], max_bytes: int) -> bytes:
    """Decompress gzip members up to ``max_bytes``.

    A stream cut short keeps what it had; bytes after a member that do not start another member
    (padding, junk) end the stream, as with gzip(1).
    """
    out: list[bytes] = []
    size = 0
    inflater = zlib.decompressobj(wbits=31)
    member_start = True
    for chunk in chunks:
        pending = chunk
        while pending and size < max_bytes:
            if member_start and not pending.startswith(GZIP_MAGIC):
                return b"".join(out)
            member_start = False
            try:
                data = inflater.decompress(pending, max_bytes - size)
            except zlib.error as exc:
                raise InputError(f"corrupt gzip data ({exc})") from None
            out.append(data)
            size += len(data)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                pending = inflater.unused_data
                inflater = zlib.decompressobj(wbits=31)
                member_start = True
        if size >= max_bytes:
            break
    return b"".join(out)
