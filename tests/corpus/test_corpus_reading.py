"""Reading inputs into records: WARC (with damage), JSONL, HTML directories; no extraction."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from warcs import Record, http_response, page_record, write_warc

from dechaff.corpus import Failure, Page, Settings, Skip, expand_inputs, read_records
from dechaff.corpus.records import (
    BAD_ENCODING,
    BAD_HTTP,
    BAD_WARC,
    BINARY,
    TOO_LARGE,
    TRUNCATED,
    UNREADABLE,
)
from dechaff.errors import InputError

HTML = b"<html><head><title>T</title></head><body><p>Hello corpus world.</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def read(path: Path, **settings: object) -> list[Page | Skip | Failure]:
    return list(read_records(str(path), Settings(**settings)))  # type: ignore[arg-type]


def kinds(items: list[Page | Skip | Failure]) -> list[str]:
    return [type(item).__name__ if isinstance(item, Page) else item.reason for item in items]


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_page_carries_its_warc_headers_and_http_charset(tmp_path: Path, gzipped: bool) -> None:
    record = page_record(HTML, "http://a.example/x", content_type="text/html; charset=ISO-8859-1")
    path = write_warc(tmp_path / "a.warc.gz", [record], gzipped=gzipped)
    [page] = read(path)
    assert isinstance(page, Page)
    assert page.body == HTML
    assert page.charset == "ISO-8859-1"
    assert page.origin.id == record.record_id
    assert page.origin.url == "http://a.example/x"
    assert page.origin.crawl_date == "2024-05-01T12:00:00Z"
    assert page.origin.offset == 0 and page.origin.index == 0


def test_only_html_responses_are_pages(tmp_path: Path) -> None:
    records = [
        Record(b"GET / HTTP/1.1\r\n\r\n", warc_type="request",
               content_type="application/http; msgtype=request"),
        page_record(HTML, "http://a/1"),
        page_record(PNG, "http://a/2", content_type="image/png"),
        page_record(HTML, "http://a/3", status="301 Moved Permanently"),
        page_record(HTML, "http://a/4", content_type=None),
        page_record(b'{"a": 1}', "http://a/5", content_type=None),
        Record(b"software: test\r\n", warc_type="warcinfo", content_type="application/warc-fields"),
        Record(HTML, warc_type="resource", content_type="text/html"),
    ]
    items = read(write_warc(tmp_path / "m.warc.gz", records))
    assert kinds(items) == [
        "WARC request record", "Page", "not HTML: image/png", "HTTP status 3xx", "Page",
        "not HTML: no type", "WARC warcinfo record", "Page",
    ]
    assert [item.index for item in items] == list(range(8))


def test_transfer_and_content_encodings_are_undone(tmp_path: Path) -> None:
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (HTML[:30], HTML[30:])) + b"0\r\n\r\n"
    deflated = zlib.compress(HTML)
    records = [
        page_record(gzip.compress(HTML), "http://a/gzip", extra="Content-Encoding: gzip\r\n"),
        page_record(deflated, "http://a/deflate", extra="Content-Encoding: deflate\r\n"),
        Record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
               + chunked),
        page_record(HTML, "http://a/lie", extra="Content-Encoding: gzip\r\n"),
        page_record(b"\x00" * 64, "http://a/bad", extra="Content-Encoding: gzip\r\n"),
    ]
    items = read(write_warc(tmp_path / "e.warc.gz", records))
    assert [getattr(i, "body", None) for i in items[:4]] == [HTML] * 4
    assert isinstance(items[4], Failure) and items[4].reason == BAD_ENCODING


def test_garbage_http_head_is_a_failure_and_reading_goes_on(tmp_path: Path) -> None:
    records = [Record(b"\x00\x01\x02garbage\xff no HTTP here\r\n\r\n<p>x</p>"),
               page_record(HTML, "http://a/ok")]
    assert kinds(read(write_warc(tmp_path / "g.warc.gz", records))) == [BAD_HTTP, "Page"]


def test_binary_body_labelled_html_is_a_failure(tmp_path: Path) -> None:
    records = [page_record(PNG, "http://a/png"), page_record(bytes(range(256)) * 4, "http://a/b")]
    items = read(write_warc(tmp_path / "b.warc.gz", records))
    assert kinds(items) == [BINARY, BINARY]


def test_utf16_html_is_not_binary(tmp_path: Path) -> None:
    body = HTML.decode().encode("utf-16-le")
    [page] = read(write_warc(tmp_path / "u.warc.gz", [page_record(body, "http://a/u16")]))
    assert isinstance(page, Page)


def test_a_page_over_the_size_cap_is_a_failure_without_being_read(tmp_path: Path) -> None:
    big = b"<html><body>" + b"<p>filler</p>" * 100_000 + b"</body></html>"
    items = read(write_warc(tmp_path / "big.warc.gz", [page_record(big, "http://a/big"),
                                                          page_record(HTML, "http://a/ok")]),
                 max_page_bytes=1_000_000)
    assert kinds(items) == [TOO_LARGE, "Page"]


@pytest.mark.parametrize("gzipped", [True, False])
@pytest.mark.parametrize("cut", [40, 200])  # inside the WARC head; inside the payload
def test_a_record_cut_by_the_end_of_the_file_is_truncated(tmp_path: Path, gzipped: bool,
                                                          cut: int) -> None:
    last = Record(http_response(HTML * 3)).encode()
    if gzipped:
        tail = gzip.compress(last)
        tail = tail[: len(tail) * cut // 400]
    else:
        tail = last[:cut]
    path = write_warc(tmp_path / "t.warc", [page_record(HTML, "http://a/ok"), tail],
                      gzipped=gzipped)
    assert kinds(read(path)) == ["Page", TRUNCATED]


@pytest.mark.parametrize("gzipped", [True, False])
def test_garbage_between_records_is_reported_once_and_reading_resumes(tmp_path: Path,
                                                                      gzipped: bool) -> None:
    records: list[Record | bytes] = [page_record(HTML, "http://a/1"), b"JUNK\r\n" * 50,
                                     page_record(HTML, "http://a/2"), page_record(HTML, "http://a/3")]
    items = read(write_warc(tmp_path / "j.warc", records, gzipped=gzipped))
    assert kinds(items) == ["Page", BAD_WARC, "Page", "Page"]
    assert [i.origin.url for i in items if isinstance(i, Page)] == ["http://a/1", "http://a/2",
                                                                     "http://a/3"]


def test_records_of_done_shards_are_passed_over_but_numbered(tmp_path: Path) -> None:
    from dechaff.corpus.sources import InputReader

    records = [page_record(HTML, f"http://a/{i}") for i in range(7)]
    path = write_warc(tmp_path / "d.warc.gz", records)
    [source] = expand_inputs([str(path)])
    reader = InputReader(source, Settings(), wanted=lambda index: index % 3 == 0)
    assert [item.index for item in reader] == [0, 3, 6]
    assert reader.count == 7


def test_jsonl_input_reads_the_html_field(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a", "url": "http://a/", "content": HTML.decode()}), "",
             "not json", json.dumps({"id": "b"}), json.dumps({"content": "<p>x</p>"})]
    path = tmp_path / "pages.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    items = read(path, html_field="content")
    assert kinds(items) == ["Page", UNREADABLE, UNREADABLE, "Page"]
    assert items[0].origin.id == "a" and items[0].origin.url == "http://a/"
    assert items[3].origin.id == "pages.jsonl.gz:5"


def test_a_directory_of_html_files_is_one_input(tmp_path: Path) -> None:
    (tmp_path / "site" / "sub").mkdir(parents=True)
    (tmp_path / "site" / "b.html").write_bytes(HTML)
    (tmp_path / "site" / "sub" / "a.html.gz").write_bytes(gzip.compress(HTML))
    (tmp_path / "site" / "notes.txt").write_text("ignored")
    [source] = expand_inputs([str(tmp_path / "site")])
    items = read(tmp_path / "site")
    assert source.kind == "html"
    assert [i.origin.id for i in items] == ["b.html", "sub/a.html.gz"]
    assert all(isinstance(i, Page) and i.body == HTML for i in items)


def test_globs_expand_in_order_and_bad_arguments_are_named(tmp_path: Path) -> None:
    for name in ("b.warc.gz", "a.warc.gz"):
        write_warc(tmp_path / name, [page_record(HTML, "http://a/")])
    found = expand_inputs([str(tmp_path / "*.warc.gz"), str(tmp_path / "a.warc.gz")])
    assert [Path(i.location).name for i in found] == ["a.warc.gz", "b.warc.gz"]
    with pytest.raises(InputError, match="no file matches"):
        expand_inputs([str(tmp_path / "*.nothing")])
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([str(tmp_path / "missing.warc")])
    (tmp_path / "x.bin").write_bytes(b"")
    with pytest.raises(InputError, match="unknown input type"):
        expand_inputs([str(tmp_path / "x.bin")])


def test_brotli_content_encoding_is_undone(tmp_path: Path) -> None:
    import io

    from fastwarc.stream_io import BrotliWriter

    buffer = io.BytesIO()
    writer = BrotliWriter(buffer)
    writer.write(HTML)
    writer.close()
    record = page_record(buffer.getvalue(), "http://a/br", extra="Content-Encoding: br\r\n")
    [page] = read(write_warc(tmp_path / "br.warc.gz", [record]))
    assert isinstance(page, Page) and page.body == HTML


def test_fsspec_urls_are_read(tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    data = write_warc(tmp_path / "m.warc.gz", [page_record(HTML, "http://a/mem")]).read_bytes()
    memory = fsspec.filesystem("memory")
    with memory.open("/dechaff-test/crawl-1.warc.gz", "wb") as handle:
        handle.write(data)
    try:
        [source] = expand_inputs(["memory://dechaff-test/*.warc.gz"])
        assert source.location == "memory:///dechaff-test/crawl-1.warc.gz"
        [page] = list(read_records(source.location))
        assert isinstance(page, Page) and page.origin.url == "http://a/mem"
    finally:
        memory.rm("/dechaff-test", recursive=True)
