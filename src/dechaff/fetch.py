"""Fetching a page over HTTP(S) for the CLI: bounded in size, redirects and time.

Every failure is a ``FetchError`` whose message names the reason (status, cap, network error).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from dechaff.errors import FetchError

DEFAULT_TIMEOUT = 30.0
"""Seconds for the whole fetch (and for each network operation): a page is not worth more."""

DEFAULT_MAX_BYTES = 20_000_000
"""Bodies above this are refused: the same 20 MB cap that extract truncates pages to."""

DEFAULT_MAX_REDIRECTS = 5
"""Redirects followed; real sites need one or two, long chains are loops or traps."""

ALLOWED_SCHEMES = ("http", "https")
"""Only web URLs are fetched (no file://, ftp:// or data: through this door)."""

ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
"""Ask for HTML first, as browsers do, but take whatever the server has."""


def user_agent() -> str:
    """``dechaff/<version> (+https://github.com/dechaff/dechaff)``."""
    from dechaff import __version__

    return f"dechaff/{__version__} (+https://github.com/dechaff/dechaff)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page: the final URL after redirects, its raw body, the HTTP charset, the status."""

    url: str
    content: bytes
    charset: str | None
    status: int


def fetch(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET ``url`` (http or https), following up to ``max_redirects`` redirects.

    Raises ``FetchError`` for another scheme, a non-2xx final status, a body over ``max_bytes``
    (after content decoding), a fetch longer than ``timeout`` seconds, or a network error.
    ``transport`` replaces httpx's network transport (tests use ``httpx.MockTransport``).
    """
    _check_scheme(url)
    deadline = time.monotonic() + timeout
    try:
        with _client(timeout, max_redirects, transport) as client:
            return _get(client, url, max_bytes, deadline, timeout)
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {max_redirects} redirects") from None
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(f"unsupported URL scheme ({exc})") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL ({exc})") from None
    except httpx.HTTPError as exc:
        raise FetchError(_network_reason(exc)) from None


def _get(
    client: httpx.Client, url: str, max_bytes: int, deadline: float, timeout: float
) -> Fetched:
    with client.stream("GET", url) as response:
        _check_status(response)
        content = _read_capped(response, max_bytes, deadline, timeout)
        return Fetched(
            url=str(response.url),
            content=content,
            charset=response.charset_encoding,
            status=response.status_code,
        )


def _check_scheme(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(f"invalid URL ({exc})") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchError(f"only http and https URLs can be fetched: {url}")
    if not parts.hostname:
        raise FetchError("URL has no host")


def _client(
    timeout: float, max_redirects: int, transport: httpx.BaseTransport | None
) -> httpx.Client:
    return httpx.Client(
        follow_redirects=True,
        max_redirects=max_redirects,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": user_agent(), "Accept": ACCEPT},
        transport=transport,
    )


def _check_status(response: httpx.Response) -> None:
    if not 200 <= response.status_code < 300:
        reason = response.reason_phrase or ""
        raise FetchError(f"HTTP {response.status_code} {reason}".rstrip())


def _read_capped(
    response: httpx.Response, max_bytes: int, deadline: float, timeout: float
) -> bytes:
    """The decoded body, refused once it passes ``max_bytes`` or the deadline."""
    declared = response.headers.get("content-length", "")
    encoded = "content-encoding" in response.headers  # then the length is of compressed bytes
    if declared.isdigit() and not encoded and int(declared) > max_bytes:
        raise FetchError(f"body of {declared} bytes exceeds the {max_bytes}-byte cap")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"body exceeds the {max_bytes}-byte cap")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _network_reason(exc: httpx.HTTPError) -> str:
    """A one-line reason for a network error (httpx messages can be empty or multi-line)."""
    message = " ".join(str(exc).split())
    kind = type(exc).__name__
    return f"{kind}: {message}" if message else kind
