"""fetch: served from a local http.server on 127.0.0.1 (no internet), plus httpx.MockTransport."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

import loopback
from dechaff import FetchError, __version__
from dechaff.fetch import Fetched, fetch

PAGE = "<html><head><title>Тест</title></head><body><p>Привет</p></body></html>"
BIG_BYTES = 300_000
SLOW_SECONDS = 2.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        path = self.path
        if path == "/ok":
            self.reply(200, PAGE.encode("cp1251"), "text/html; charset=windows-1251")
        elif path == "/plain":
            self.reply(200, b"<p>no charset</p>", "text/html")
        elif path == "/ua":
            self.reply(200, self.headers.get("User-Agent", "").encode(), "text/plain")
        elif path == "/missing":
            self.reply(404, b"not here", "text/plain")
        elif path == "/boom":
            self.reply(500, b"oops", "text/plain")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect("/ok" if left <= 1 else f"/hop/{left - 1}")  # /hop/N: N redirects
        elif path == "/to-ftp":
            self.redirect("ftp://127.0.0.1/file")
        elif path == "/big":
            self.reply(200, b"x" * BIG_BYTES, "text/html")
        elif path == "/big-unsized":
            self.stream_without_length(b"y" * BIG_BYTES)
        elif path == "/gzip":
            body = gzip.compress(b"<p>" + b"z" * BIG_BYTES + b"</p>")
            self.reply(200, body, "text/html", extra={"Content-Encoding": "gzip"})
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self.reply(200, b"<p>late</p>", "text/html")
        else:
            self.reply(404, b"", "text/plain")

    def reply(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, cap)
            self.close_connection = True

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stream_without_length(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for start in range(0, len(body), 16_384):
                self.wfile.write(body[start : start + 16_384])
        except (BrokenPipeError, ConnectionResetError):
            pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up early (timeouts, size caps) are part of the tests."""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with loopback.serve(QuietServer(("127.0.0.1", 0), Handler)) as url:
        yield url


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests must go straight to the loopback server, whatever the environment says."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


def test_ok(base_url: str) -> None:
    result = fetch(f"{base_url}/ok")
    assert result == Fetched(f"{base_url}/ok", PAGE.encode("cp1251"), "windows-1251", 200)


def test_no_charset(base_url: str) -> None:
    result = fetch(f"{base_url}/plain")
    assert result.charset is None
    assert result.content == b"<p>no charset</p>"


def test_user_agent(base_url: str) -> None:
    agent = fetch(f"{base_url}/ua").content.decode()
    assert agent == f"dechaff/{__version__} (+https://github.com/dechaff/dechaff)"


@pytest.mark.parametrize(("path", "status"), [("/missing", "404"), ("/boom", "500")])
def test_non_2xx_is_error_naming_status(base_url: str, path: str, status: str) -> None:
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch(base_url + path)


def test_redirects_followed_to_final_url(base_url: str) -> None:
    result = fetch(f"{base_url}/hop/5")
    assert result.url == f"{base_url}/ok"
    assert result.status == 200
    assert result.content == PAGE.encode("cp1251")


def test_redirect_chain_longer_than_five_is_error(base_url: str) -> None:
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(f"{base_url}/hop/6")


def test_max_redirects_parameter(base_url: str) -> None:
    with pytest.raises(FetchError, match="more than 1 redirects"):
        fetch(f"{base_url}/hop/2", max_redirects=1)


def test_redirect_to_other_scheme_is_error(base_url: str) -> None:
    with pytest.raises(FetchError):
        fetch(f"{base_url}/to-ftp")


@pytest.mark.parametrize("path", ["/big", "/big-unsized", "/gzip"])
def test_size_cap(base_url: str, path: str) -> None:
    with pytest.raises(FetchError, match="100000-byte cap"):
        fetch(base_url + path, max_bytes=100_000)


def test_gzip_body_decoded_under_cap(base_url: str) -> None:
    result = fetch(f"{base_url}/gzip")
    assert len(result.content) == BIG_BYTES + 7


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "data:text/html,hi", "127.0.0.1/x", ""]
)
def test_non_http_scheme_refused(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch(url)


def test_url_without_host_refused() -> None:
    with pytest.raises(FetchError, match="no host"):
        fetch("http:///path")


def test_timeout(base_url: str) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{base_url}/slow", timeout=0.3)
    assert time.monotonic() - start < SLOW_SECONDS


def test_connection_refused_is_error() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="ConnectError"):
        fetch(f"http://127.0.0.1:{port}/", timeout=2)


def test_injected_transport() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, content=b"<p>mock</p>", headers={"Content-Type": "text/html; charset=utf-8"}
        )

    result = fetch("https://example.test/page", transport=httpx.MockTransport(handler))
    assert result == Fetched("https://example.test/page", b"<p>mock</p>", "utf-8", 200)
    assert seen[0].headers["user-agent"].startswith("dechaff/")


def test_transport_network_error_is_fetch_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset\nby peer")

    with pytest.raises(FetchError, match=r"^ReadError: connection reset by peer$"):
        fetch("https://example.test/", transport=httpx.MockTransport(handler))
