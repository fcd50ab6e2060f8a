"""Is a payload HTML? Content types, sniffing when the type is missing, binary detection."""

from __future__ import annotations

from dechaff.corpus.records import BINARY

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"})
"""Content types extracted; everything else is skipped as not HTML."""

SNIFF_BYTES = 1024
"""Prefix looked at to sniff HTML or binary: markup announces itself at the very start."""

HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<title", b"<meta")
"""Tags that make an untyped payload HTML when they occur in the sniffed prefix."""

BINARY_MAX_CONTROL_SHARE = 0.1
"""Text has (almost) no C0 control bytes besides whitespace; images and archives have ~25 %."""

MAGIC_NUMBERS = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"RIFF", "RIFF (WebP/AVI/WAV) data"), (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP data"),
    (b"\x1f\x8b", "gzip data"), (b"\x00\x00\x01\x00", "icon"), (b"wOFF", "font"),
    (b"wOF2", "font"), (b"OggS", "Ogg media"), (b"ID3", "MP3 audio"), (b"\x00asm", "WebAssembly"),
    (b"\x7fELF", "executable"), (b"BZh", "bzip2 data"), (b"\xfd7zXZ", "xz data"),
)
"""File signatures of binary formats met behind a text/html label."""

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32)])


def media_type(content_type: str | None) -> str | None:
    """``text/html; charset=utf-8`` → ``text/html`` (lower case); None when missing or empty."""
    if not content_type:
        return None
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime or None


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type value, if any."""
    if not content_type:
        return None
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def looks_like_html(body: bytes | str) -> bool:
    """Whether an untyped payload starts like an HTML document."""
    head = body[:SNIFF_BYTES]
    sample = head.encode("utf-8", "replace") if isinstance(head, str) else head
    lowered = sample.lower()
    return any(marker in lowered for marker in HTML_MARKERS)


def binary_reason(body: bytes) -> tuple[str, str] | None:
    """``(BINARY, what it looks like)`` when a payload is binary data rather than text."""
    sample = body[:SNIFF_BYTES]
    for magic, name in MAGIC_NUMBERS:
        if sample.startswith(magic):
            return BINARY, name
    if not sample or sample.startswith(_UTF16_BOMS) or _utf16_pattern(sample):
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > BINARY_MAX_CONTROL_SHARE * len(sample):
        return BINARY, f"{controls} control bytes in the first {len(sample)}"
    return None


def _utf16_pattern(sample: bytes) -> bool:
    """ASCII markup in UTF-16 without a BOM: NUL in (nearly) every other byte."""
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    return half > 0 and (even.count(0) > 0.9 * half or odd.count(0) > 0.9 * half)
