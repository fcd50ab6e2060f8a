"""WARC records to items, with fastwarc.

Only ``response`` (and ``resource``) records whose payload is HTML are pages: HTML by the HTTP
Content-Type, or by sniffing when there is none. The HTTP head is parsed here (so a garbage head
is reported, not fatal); chunked transfer encoding and gzip / deflate / br / zstd content
encodings are undone, bounded by the page-size cap; the HTTP charset goes with the page.

Damage never stops a file: a record cut short is reported as truncated, and when fastwarc cannot
go on (garbage between records, a corrupt gzip member) reading resumes at the next record start
found after the damage (the next gzip member, or the next ``WARC/1.`` line), and the damaged
stretch is reported once.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from typing import IO

from fastwarc.stream_io import BrotliReader, ChunkedReader, ZstdReader
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from dechaff.corpus.records import (
    BAD_ENCODING,
    BAD_HTTP,
    BAD_WARC,
    TOO_LARGE,
    TRUNCATED,
    Failure,
    Item,
    Origin,
    Page,
    Skip,
)
from dechaff.corpus.sniff import (
    HTML_TYPES,
    binary_reason,
    charset_of,
    looks_like_html,
    media_type,
)
from dechaff.corpus.sources import GZIP_MAGIC, InputReader, open_binary

HEAD_READ_BYTES = 1 << 16
"""The HTTP head is looked for in the first 64 KiB of a record's block."""

MAX_HTTP_HEAD_BYTES = 1 << 15
"""fastwarc's own limit for an HTTP head; real heads stay under a few KiB."""

RESYNC_CHUNK_BYTES = 1 << 20
"""Bytes scanned at a time for the next record start after damage."""

TAIL_SCAN_BYTES = 1 << 16
"""Bytes looked at after the last record for the remains of one cut short."""

GZIP_MEMBER_MARKER = GZIP_MAGIC + b"\x08"
"""Common Crawl WARCs compress each record as its own gzip member (deflate method 8)."""

WARC_RECORD_MARKER = b"WARC/1."
"""An uncompressed record starts with its version line, right after a line break."""

_STATUS_RE = re.compile(r"HTTP/\d(?:\.\d)?\s+(\d{3})(?:\s|$)")
_PAGE_TYPES = WarcRecordType.response | WarcRecordType.resource


class _Undecodable(Exception):
    """A content or transfer encoding that cannot be undone."""


def read_warc(reader: InputReader) -> Iterator[Item]:
    """Items for every record of a WARC file, resuming after damage (see module docstring)."""
    with open_binary(reader.input.location) as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
        position: int | None = 0
        damaged = False  # inside a stretch already reported
        while position is not None:
            raw.seek(position)
            last_start: int | None = None
            try:
                for record in ArchiveIterator(raw, parse_http=False):
                    if not reader.room():
                        return
                    last_start = record.stream_pos
                    reader.position = last_start
                    item, short = _next_item(reader, record)
                    damaged = short
                    if item is not None:
                        yield item
                if not damaged and reader.room():
                    tail = _tail(raw, last_start, position, gzipped)
                    if tail is not None:
                        yield from _truncated_tail(reader, *tail)
                return
            except OSError as exc:
                if not damaged and reader.room():
                    failure = _damage(reader, last_start, position, exc)
                    if failure is not None:
                        yield failure
                damaged = True
                start = (last_start if last_start is not None else position) + 1
                position = _next_record_start(raw, start, gzipped)


def _next_item(reader: InputReader, record: WarcRecord) -> tuple[Item | None, bool]:
    """The item for a record (None when its shard is done) and whether it was cut short."""
    index = reader.count
    reader.count += 1
    block = _Block(record)
    if not reader.wanted(index):
        return None, block.finish()
    origin = _origin(reader, record, index)
    try:
        item = _item(reader, record, origin, block)
    except OSError as exc:  # the record's bytes cannot be read (corrupt compression)
        return Failure(origin, BAD_WARC, _say(exc)), True
    short = block.finish()
    if short and not isinstance(item, Failure):
        item = Failure(origin, TRUNCATED, f"{block.read_bytes} of {block.declared} bytes")
    return item, short


def _damage(reader: InputReader, last_start: int | None, position: int,
            exc: OSError) -> Failure | None:
    index = reader.count
    reader.count += 1
    if not reader.wanted(index):
        return None
    offset = last_start + 1 if last_start is not None else position
    name = reader.input.name
    origin = Origin(index, reader.input.location, offset, f"{name}@{offset}")
    return Failure(origin, BAD_WARC, _say(exc))


def _truncated_tail(reader: InputReader, offset: int, size: int) -> Iterator[Failure]:
    index = reader.count
    reader.count += 1
    if reader.wanted(index):
        origin = Origin(index, reader.input.location, offset, f"{reader.input.name}@{offset}")
        yield Failure(origin, TRUNCATED, f"{size} bytes after the last whole record")


def _tail(raw: IO[bytes], last_start: int | None, position: int,
          gzipped: bool) -> tuple[int, int] | None:
    """(offset, size) of bytes left after the last record fastwarc read, if any but blanks.

    fastwarc ends quietly on a record cut short early enough; such a record still holds bytes.
    """
    end = position if last_start is None else _record_end(raw, last_start, gzipped)
    if end is None:
        return None
    raw.seek(0, io.SEEK_END)
    size = raw.tell() - end
    raw.seek(end)
    return (end, size) if raw.read(TAIL_SCAN_BYTES).strip() else None


def _record_end(raw: IO[bytes], start: int, gzipped: bool) -> int | None:
    """Where the record starting at ``start`` ends (None when it cannot be told)."""
    raw.seek(start)
    if gzipped:
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        read = 0
        while not member.eof:
            chunk = raw.read(RESYNC_CHUNK_BYTES)
            if not chunk:
                return None
            read += len(chunk)
            try:
                while chunk and not member.eof:  # the output is dropped: only the end matters
                    member.decompress(chunk, RESYNC_CHUNK_BYTES)
                    chunk = member.unconsumed_tail
            except zlib.error:
                return None
        return start + read - len(member.unused_data)
    head = raw.read(HEAD_READ_BYTES)
    end = head.find(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head[:end]) if end != -1 else None
    if match is None:
        return None
    return start + end + 4 + int(match.group(1))


def _origin(reader: InputReader, record: WarcRecord, index: int) -> Origin:
    headers = record.headers
    offset = record.stream_pos
    return Origin(
        index,
        reader.input.location,
        offset,
        headers.get("WARC-Record-ID") or f"{reader.input.name}@{offset}",
        headers.get("WARC-Target-URI"),
        headers.get("WARC-Date"),
    )


class _Block:
    """A record's block, read in bounded pieces; remembers how much was read."""

    def __init__(self, record: WarcRecord) -> None:
        self.record = record
        self.has_length = "Content-Length" in record.headers
        self.declared = record.content_length
        self.read_bytes = 0

    def read(self, size: int) -> bytes:
        parts: list[bytes] = []
        remaining = min(size, self.declared - self.read_bytes)
        while remaining > 0:
            chunk = self.record.reader.read(remaining)
            if not chunk:
                break
            parts.append(chunk)
            remaining -= len(chunk)
        data = b"".join(parts)
        self.read_bytes += len(data)
        return data

    def finish(self) -> bool:
        """Consume the rest; True when the block is shorter than declared (or undeclared)."""
        try:
            self.read_bytes += self.record.reader.consume()
        except OSError:
            return True
        return not self.has_length or self.read_bytes < self.declared


def _item(reader: InputReader, record: WarcRecord, origin: Origin, block: _Block) -> Item:
    if not block.has_length:
        return Failure(origin, TRUNCATED, "WARC head cut short")
    if not record.record_type & _PAGE_TYPES:
        return Skip(origin, f"WARC {record.headers.get('WARC-Type') or 'untyped'} record")
    limit = reader.settings.max_page_bytes
    if record.record_type == WarcRecordType.response:
        head = block.read(HEAD_READ_BYTES)
        parsed = parse_http_head(head)
        if parsed is None:
            return Failure(origin, BAD_HTTP, repr(head[:80])[2:-1])
        status, fields, head_length = parsed
        if not 200 <= status < 300:
            return Skip(origin, f"HTTP status {status // 100}xx")
        content_type = fields.get("content-type")
        prefix = head[head_length:]
    else:
        fields, content_type, prefix = {}, record.headers.get("Content-Type"), b""
    mime = media_type(content_type)
    if mime is not None and mime not in HTML_TYPES:
        return Skip(origin, f"not HTML: {mime}")
    if block.declared - block.read_bytes + len(prefix) > limit:
        return Failure(origin, TOO_LARGE, f"{block.declared} bytes")
    body = prefix + block.read(limit)
    if block.read_bytes < block.declared:
        return Failure(origin, TRUNCATED, f"{block.read_bytes} of {block.declared} bytes")
    return _page(origin, body, fields, content_type, mime, limit, record)


def _page(origin: Origin, body: bytes, fields: dict[str, str], content_type: str | None,
          mime: str | None, limit: int, record: WarcRecord) -> Item:
    try:
        body = undo_encodings(body, fields, limit)
    except _Undecodable as exc:
        return Failure(origin, BAD_ENCODING, str(exc))
    if len(body) > limit:
        return Failure(origin, TOO_LARGE, f"over {limit} bytes decoded")
    if not body.strip():
        return Skip(origin, "empty payload")
    binary = binary_reason(body)
    if binary is not None:
        return Failure(origin, binary[0], binary[1])
    if mime is None and not looks_like_html(body):
        return Skip(origin, "not HTML: no type")
    truncated = "WARC-Truncated" in record.headers
    return Page(origin, body, charset_of(content_type), truncated)


def parse_http_head(block: bytes) -> tuple[int, dict[str, str], int] | None:
    """(status, lower-cased fields, head length) of an HTTP response; None for garbage."""
    crlf, lf = block.find(b"\r\n\r\n"), block.find(b"\n\n")
    ends = [(crlf, 4), (lf, 2)]
    found = [(end, size) for end, size in ends if end != -1]
    if not found:
        return None
    end, size = min(found)
    if end > MAX_HTTP_HEAD_BYTES:
        return None
    lines = block[:end].decode("latin-1").splitlines()
    match = _STATUS_RE.match(lines[0]) if lines else None
    if match is None:
        return None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            fields.setdefault(name.strip().lower(), value.strip())
    return int(match.group(1)), fields, end + size


def undo_encodings(body: bytes, fields: dict[str, str], limit: int) -> bytes:
    """The payload with chunked transfer and content encodings undone (at most limit+1 bytes).

    A payload labelled encoded that is plainly HTML already (a common server mistake) is kept
    as it is; otherwise an encoding that cannot be undone raises ``_Undecodable``.
    """
    try:
        if "chunked" in fields.get("transfer-encoding", "").lower():
            body = _read_all(ChunkedReader(io.BytesIO(body)), limit + 1)
        codings = [c.strip().lower() for c in fields.get("content-encoding", "").split(",")]
        for coding in reversed([c for c in codings if c and c != "identity"]):
            body = _decode(coding, body, limit + 1)
    except (OSError, zlib.error, EOFError) as exc:
        if looks_like_html(body):
            return body
        raise _Undecodable(_say(exc)) from None
    return body


def _decode(coding: str, body: bytes, limit: int) -> bytes:
    if coding in ("gzip", "x-gzip", "deflate"):
        try:
            return zlib.decompressobj(zlib.MAX_WBITS | 32).decompress(body, limit)
        except zlib.error:
            if coding != "deflate":
                raise
            return zlib.decompressobj(-zlib.MAX_WBITS).decompress(body, limit)
    if coding == "br":
        return _read_all(BrotliReader(io.BytesIO(body)), limit)
    if coding == "zstd":
        return _read_all(ZstdReader(io.BytesIO(body)), limit)
    raise _Undecodable(f"unknown content encoding {coding!r}")


def _read_all(stream: BrotliReader | ChunkedReader | ZstdReader, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while total < limit:
        chunk = stream.read(min(limit - total, 1 << 16))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _next_record_start(raw: IO[bytes], start: int, gzipped: bool) -> int | None:
    """Offset of the first record start at or after ``start``, or None at the end of file."""
    marker = GZIP_MEMBER_MARKER if gzipped else WARC_RECORD_MARKER
    raw.seek(max(start - 1, 0))
    buffer = raw.read(1) if start > 0 else b""  # the byte before start: is it a line break?
    base = start - len(buffer)
    search_from = len(buffer)
    while True:
        chunk = raw.read(RESYNC_CHUNK_BYTES)
        if not chunk:
            return None
        data = buffer + chunk
        found = data.find(marker, search_from)
        while found != -1:
            if gzipped or base + found == 0 or data[found - 1:found] == b"\n":
                return base + found
            found = data.find(marker, found + 1)
        buffer = data[-(len(marker) + 1):]  # a marker may straddle two chunks
        base += len(data) - len(buffer)
        search_from = 1


def _say(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())
