"""Hand-written WARC files for the corpus tests (the format is text headers plus a payload)."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "aeb" / "pages"
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "src" / "dechaff" / "examples"


@dataclass(frozen=True)
class Record:
    """One WARC record: its WARC type, target URI and block (HTTP message or payload)."""

    block: bytes
    uri: str = "http://example.com/"
    warc_type: str = "response"
    content_type: str = "application/http; msgtype=response"
    record_id: str = ""

    def encode(self) -> bytes:
        record_id = self.record_id or f"<urn:uuid:{uuid.uuid4()}>"
        head = (
            "WARC/1.0\r\n"
            f"WARC-Type: {self.warc_type}\r\n"
            f"WARC-Record-ID: {record_id}\r\n"
            "WARC-Date: 2024-05-01T12:00:00Z\r\n"
            f"WARC-Target-URI: {self.uri}\r\n"
            f"Content-Type: {self.content_type}\r\n"
            f"Content-Length: {len(self.block)}\r\n\r\n"
        ).encode()
        return head + self.block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str | None = "text/html; charset=utf-8",
                  status: str = "200 OK", extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\n"
    if content_type is not None:
        head += f"Content-Type: {content_type}\r\n"
    head += extra + f"Content-Length: {len(body)}\r\n\r\n"
    return head.encode("latin-1") + body


def page_record(body: bytes, uri: str, **http: str) -> Record:
    record_id = f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>"
    return Record(http_response(body, **http), uri=uri, record_id=record_id)


def write_warc(path: Path, records: Iterable[Record | bytes], *, gzipped: bool = True) -> Path:
    """Write records (or raw bytes, for damage) as a WARC; gzip per record like Common Crawl."""
    with open(path, "wb") as handle:
        for record in records:
            data = record.encode() if isinstance(record, Record) else record
            handle.write(gzip.compress(data, mtime=0) if gzipped and isinstance(record, Record)
                         else data)
    return path


def sample_pages(count: int) -> list[bytes]:
    """``count`` real pages from the shared AEB set (or the bundled examples), cycled."""
    files = sorted(PAGES_DIR.glob("*.html.gz")) or sorted(EXAMPLES_DIR.glob("*.html.gz"))
    pages = [gzip.decompress(f.read_bytes()) for f in files[: max(count, 1)]]
    return [pages[i % len(pages)] for i in range(count)]


def page_records(count: int, prefix: str = "http://example.com/page") -> list[Record]:
    return [page_record(body, f"{prefix}/{i}") for i, body in enumerate(sample_pages(count))]
