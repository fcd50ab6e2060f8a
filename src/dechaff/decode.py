"""Stage 1 — decode: page bytes to ``str`` (BOM, HTTP charset, <meta> charset, detection)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20_000_000
"""Pages above this size are truncated (and flagged): 20 MB is trafilatura's cap too."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    truncated: bool = False


def decode(page: bytes, *, http_charset: str | None = None,
           max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Decode raw page bytes. Placeholder: being written."""
    truncated = len(page) > max_bytes
    return Decoded(page[:max_bytes].decode("utf-8", "replace"), "utf-8", truncated)
