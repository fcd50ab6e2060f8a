"""The public entry point: ``extract(page) -> Article``, stage by stage."""

from __future__ import annotations

from typing import Literal

from dechaff.article import Article
from dechaff.decode import DEFAULT_MAX_BYTES, decode
from dechaff.errors import InputError
from dechaff.metadata import extract_metadata

Favor = Literal["precision", "balanced", "recall"]
FAVORS: tuple[Favor, ...] = ("precision", "balanced", "recall")


def extract(
    page: str | bytes,
    url: str | None = None,
    *,
    favor: Favor = "balanced",
    include_comments: bool = False,
    include_tables: bool = True,
    include_links: bool = False,
    include_images: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    http_charset: str | None = None,
) -> Article:
    """Extract the article from a web page (interim implementation while the pipeline lands)."""
    from selectolax.lexbor import LexborHTMLParser

    if favor not in FAVORS:
        raise InputError(f"favor must be one of {', '.join(FAVORS)}, not {favor!r}")
    if isinstance(page, (bytes, bytearray, memoryview)):
        decoded = decode(bytes(page), http_charset=http_charset, max_bytes=max_bytes)
        html, truncated = decoded.text, decoded.truncated
    elif isinstance(page, str):
        truncated = len(page) > max_bytes
        html = page[:max_bytes]
    else:
        raise InputError(f"page must be str or bytes, not {type(page).__name__}")
    tree = LexborHTMLParser(html)
    meta = extract_metadata(tree, url)
    body = tree.body
    text = "\n".join(p.text(strip=True) for p in body.css("p")) if body else ""
    return Article(text=text, title=meta.title, url=meta.url, truncated=truncated)
