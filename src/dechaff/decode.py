"""Stage 1 — decode: page bytes to ``str``.

Evidence is weighed the way browsers do (WHATWG Encoding and the HTML prescan), strongest first:

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. the UTF-16 byte pattern (a NUL in every other byte) at the start of a page without BOM;
3. the HTTP charset (``Content-Type``), when given and a known web encoding;
4. ``<meta charset>``, ``<meta http-equiv=content-type>`` or an XML declaration near the start;
5. UTF-8, when the bytes are UTF-8 (stray windows-1252 bytes tolerated and read as such);
6. charset-normalizer, on a bounded sample of the page's non-ASCII text;
7. windows-1252 with replacement.

A declared charset that does not fit the bytes is a lie and is passed over: bytes that are valid
UTF-8 and not pure ASCII are UTF-8 whatever the label says, and a label under which too many
bytes fail to decode is skipped. Unknown and unsafe labels (UTF-7, the "replacement" family,
Python-only codecs such as rot13) are ignored. ``decode`` never raises.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20_000_000
"""Pages above this size are truncated (and flagged): 20 MB is trafilatura's cap too."""

META_SCAN_BYTES = 4096
"""<meta> charsets and XML declarations are looked for in this prefix: they belong in <head>."""

META_TAG_MAX_CHARS = 1024
"""A <meta> tag longer than this is not read for a charset (bounds the prescan on junk)."""

UTF16_SNIFF_BYTES = 512
"""Prefix examined for the UTF-16 NUL pattern; markup there is mostly ASCII."""

UTF16_MIN_NUL_SHARE = 0.3
"""ASCII in UTF-16 puts a NUL in every other byte; a third leaves room for non-Latin text."""

UTF16_MAX_OTHER_NUL_SHARE = 0.05
"""...while the other byte of each pair is (almost) never NUL."""

MAX_BAD_SHARE = 0.1
"""Share of non-ASCII bytes that may fail to decode: more is a wrong label, not stray damage."""

UTF8_MIN_VALID_SHARE = 0.5
"""A page whose non-ASCII characters are at least half valid UTF-8 is UTF-8 with stray legacy
bytes (read as windows-1252); legacy CJK encodings reach ~0.3 by chance, legacy 8-bit ~0."""

DETECT_SCAN_BYTES = 262_144
"""Detection looks for non-ASCII text only in this prefix, so it costs the same on any page."""

DETECT_SAMPLE_BYTES = 32_768
"""Text handed to charset-normalizer: enough for a confident guess, small enough for ~1 ms."""

DETECT_CANDIDATES = (
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "koi8_r", "koi8_u", "cp874", "cp932", "euc_jp", "gb18030", "big5", "cp949",
)
"""Legacy encodings still met on the web; a short list keeps detection fast and avoids
exotic guesses (such as hp_roman8) for ordinary pages."""

WINDOWS_1252_TIE = 0.05
"""Detectors confuse the windows-125x siblings on Latin text: within this much chaos of the
best guess, windows-1252 (the browsers' default) is taken."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Python codec name (as codecs.lookup reports it) -> codec used to decode, for the encodings a
# web page may declare. Substitutions follow WHATWG: latin-1/ascii are read as windows-1252,
# Shift_JIS as Windows-31J, GBK/GB2312 as GB18030, Big5 as Big5-HKSCS, EUC-KR as windows-949.
_WEB_CODECS = {
    "utf-8": "utf-8",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "euc_kr": "cp949",
    **{name: name for name in (
        "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
        "cp1258", "cp874", "cp866", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic",
        "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7",
        "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16",
        "cp932", "euc_jp", "iso2022_jp", "gb18030", "big5hkscs", "cp949",
    )},
}

# WHATWG labels Python does not know, mapped straight to the codec used.
_EXTRA_LABELS = {
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "x-user-defined": "cp1252",  # the HTML prescan reads this label as windows-1252
    "windows-874": "cp874",
    "dos-874": "cp874",
    "iso-8859-8-i": "iso8859-8",
    "csiso88598i": "iso8859-8",
    "logical": "iso8859-8",
    "x-mac-roman": "mac-roman",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
    "x-gbk": "gb18030",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "windows-949": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "csksc56011987": "cp949",
    **{f"x-cp{n}": f"cp{n}" for n in range(1250, 1259)},
}

_MAX_LABEL_CHARS = 40
_HIGH_BYTES = bytes(range(0x80, 0x100))
_TRAIL_BYTES = bytes(range(0x40, 0x100))  # bytes that may continue a multibyte character
_ENCODED_REPLACEMENT = "\ufffd".encode()
# Matched against the lower-cased head.
_CHARSET_RE = re.compile(rb"charset\s*=\s*[\"']?\s*([\w.:-]+)")
_XML_DECL_RE = re.compile(rb"\A\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']?\s*([\w.:-]+)")
_TAG_DELIMITERS_RE = re.compile(rb"[<>]")
_CP1252_FALLBACK = "dechaff.cp1252-fallback"  # codec error handler registered below
_ISO2022JP_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252", "replace"), error.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded page: its text, the Python codec used, and whether bytes were cut off."""

    text: str
    encoding: str
    truncated: bool = False


def decode(
    page: bytes, *, http_charset: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Decoded:
    """Decode raw page bytes to text; never raises.

    ``http_charset`` is the charset parameter of the HTTP ``Content-Type``, if known. Pages longer
    than ``max_bytes`` are cut to that many bytes (never inside a character) and flagged
    ``truncated``. NUL characters are dropped. ``encoding`` is a Python codec name.
    """
    data = bytes(page)
    limit = max(max_bytes, 0)
    truncated = len(data) > limit
    raw = _Raw(data[:limit] if truncated else data, partial=truncated)
    encoding, text = _choose(raw, http_charset)
    if b"\x00" in raw.data:  # a NUL character needs a NUL byte; scanning str is far slower
        text = text.replace("\x00", "")
    return Decoded(text, encoding, truncated)


class _Raw:
    """The page bytes, with the decodings tried on them (UTF-8 validity is computed once)."""

    __slots__ = ("_utf8", "_utf8_known", "data", "partial")

    def __init__(self, data: bytes, *, partial: bool) -> None:
        self.data = data
        self.partial = partial  # cut at max_bytes: a trailing incomplete character is dropped
        self._utf8: str | None = None
        self._utf8_known = False

    def decode(self, codec: str, errors: str = "strict") -> str:
        if self.partial:
            decoder = codecs.getincrementaldecoder(codec)(errors)
            return str(decoder.decode(self.data, final=False))
        return self.data.decode(codec, errors)

    def strict(self, codec: str) -> str | None:
        try:
            return self.decode(codec)
        except UnicodeDecodeError:
            return None

    def utf8(self) -> str | None:
        """The page as strict UTF-8, or None when it is not UTF-8."""
        if not self._utf8_known:
            self._utf8 = self.strict("utf-8")
            self._utf8_known = True
        return self._utf8

    def mostly_utf8(self) -> str | None:
        """The page as UTF-8 with stray invalid bytes read as windows-1252, when at least
        ``UTF8_MIN_VALID_SHARE`` of its non-ASCII characters are valid UTF-8."""
        text = self.decode("utf-8", "replace")
        bad = text.count("\ufffd") - self.data.count(_ENCODED_REPLACEMENT)
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        if non_ascii - bad < UTF8_MIN_VALID_SHARE * non_ascii or non_ascii == 0:
            return None
        return self.decode("utf-8", _CP1252_FALLBACK)

    def lenient(self, codec: str) -> str | None:
        """The page decoded with replacement, unless too many bytes fail (a wrong codec)."""
        text = self.decode(codec, "replace")
        bad = text.count("\ufffd")
        high = len(self.data) - len(self.data.translate(None, _HIGH_BYTES))
        return text if bad <= MAX_BAD_SHARE * high else None


def _choose(raw: _Raw, http_charset: str | None) -> tuple[str, str]:
    """The codec to use and the decoded text, following the order in the module docstring."""
    if not raw.data:
        return "utf-8", ""
    bom = _decode_bom(raw)
    if bom is not None:
        return bom
    utf16 = _sniff_utf16(raw.data)
    if utf16 is not None:
        return utf16, raw.decode(utf16, "replace")
    for codec in _declared_codecs(raw.data, http_charset):
        chosen = _try_declared(raw, codec)
        if chosen is not None:
            return chosen
    return _undeclared(raw)


def _decode_bom(raw: _Raw) -> tuple[str, str] | None:
    for bom, codec in _BOMS:
        if raw.data.startswith(bom):
            rest = _Raw(raw.data[len(bom):], partial=raw.partial)
            return codec, rest.decode(codec, "replace")
    return None


def _sniff_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the start of the page has UTF-16's NUL pattern."""
    head = data[:UTF16_SNIFF_BYTES]
    if b"\x00" not in head or len(head) < 2:
        return None
    pairs = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= UTF16_MIN_NUL_SHARE * pairs and even <= UTF16_MAX_OTHER_NUL_SHARE * pairs:
        return "utf-16-le"
    if even >= UTF16_MIN_NUL_SHARE * pairs and odd <= UTF16_MAX_OTHER_NUL_SHARE * pairs:
        return "utf-16-be"
    return None


def _declared_codecs(data: bytes, http_charset: str | None) -> list[str]:
    """Codecs declared for the page, strongest first, without repeats or unusable labels."""
    labels = [http_charset, *_markup_labels(data[:META_SCAN_BYTES])]
    found: list[str] = []
    for label in labels:
        codec = codec_for_label(label)
        if codec is not None and codec not in found:
            found.append(codec)
    return found


def _markup_labels(head: bytes) -> list[str]:
    """Charset labels from <meta> tags, then from an XML declaration, in the page's head.

    Walks the (few) occurrences of ``charset`` with ``bytes.find`` rather than every tag with
    ``re``: the prescan then costs a small fraction of decoding a typical page.
    """
    head = head.lower()
    labels = []
    pos = head.find(b"charset")
    while pos >= 0:
        label = _meta_charset_at(head, pos)
        if label:
            labels.append(label)
        pos = head.find(b"charset", pos + 7)
    xml = _XML_DECL_RE.match(head)
    if xml:
        labels.append(xml.group(1).decode("ascii", "replace"))
    return labels


def _meta_charset_at(head: bytes, pos: int) -> str | None:
    """The label of ``charset=...`` at ``pos`` if it sits in a <meta> tag outside comments."""
    tag_start = head.rfind(b"<", max(0, pos - META_TAG_MAX_CHARS), pos)
    if tag_start < 0 or not head.startswith(b"<meta", tag_start):
        return None
    if b">" in head[tag_start:pos] or head.rfind(b"<!--", 0, pos) > head.rfind(b"-->", 0, pos):
        return None
    match = _CHARSET_RE.match(head, pos)
    return match.group(1).decode("ascii", "replace") if match else None


def codec_for_label(label: str | None) -> str | None:
    """The Python codec for a charset label as a browser reads it, or None if unusable.

    UTF-16/32 labels give None: such pages are recognised by their BOM or NUL pattern, and a
    label readable as ASCII cannot be on a UTF-16 page (WHATWG reads it as UTF-8).
    """
    if not label:
        return None
    name = label.strip().strip("\"'").strip().lower()
    if not name or len(name) > _MAX_LABEL_CHARS:
        return None
    if name in _EXTRA_LABELS:
        return _EXTRA_LABELS[name]
    try:
        python_name = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    return _WEB_CODECS.get(python_name)


def _try_declared(raw: _Raw, codec: str) -> tuple[str, str] | None:
    """Decode with a declared codec, unless the bytes show the declaration is a lie."""
    if codec == "utf-8":
        text = raw.utf8()
        if text is None:
            text = raw.mostly_utf8()
        return None if text is None else (codec, text)
    if not raw.data.isascii():
        utf8 = raw.utf8()
        if utf8 is not None:
            return "utf-8", utf8  # valid non-ASCII UTF-8 is no accident: the label lies
    text = raw.strict(codec)
    if text is None:
        text = raw.lenient(codec)
    return None if text is None else (codec, text)


def _undeclared(raw: _Raw) -> tuple[str, str]:
    """No usable declaration: UTF-8 if it fits, else detection, else windows-1252."""
    if raw.data.isascii() and any(esc in raw.data for esc in _ISO2022JP_ESCAPES):
        return "iso2022_jp", raw.decode("iso2022_jp", "replace")
    utf8 = raw.utf8()
    if utf8 is None:
        utf8 = raw.mostly_utf8()
    if utf8 is not None:
        return "utf-8", utf8
    detected = _detect(raw.data)
    if detected is not None:
        text = raw.strict(detected) or raw.lenient(detected)
        if text is not None:
            return detected, text
    return "cp1252", raw.decode("cp1252", "replace")


def _detect(data: bytes) -> str | None:
    """charset-normalizer's guess for the page's non-ASCII text, as a usable codec."""
    sample = _detection_sample(data)
    if not sample:
        return None
    try:
        from charset_normalizer import from_bytes

        matches = list(
            from_bytes(sample, cp_isolation=list(DETECT_CANDIDATES), preemptive_behaviour=False)
        )
    except Exception:  # a third-party detector must not make decode raise
        return None
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + WINDOWS_1252_TIE:
            best = match
    return codec_for_label(best.encoding)


def _detection_sample(data: bytes) -> bytes:
    """The runs of text between '<' and '>' that hold non-ASCII bytes, up to the sample size.

    The sample ends on a byte below 0x40, which no legacy multibyte encoding uses as a trail
    byte, so no character is cut (detectors reject a sample ending in half a character).
    """
    runs: list[bytes] = []
    size = 0
    for run in _TAG_DELIMITERS_RE.split(data[:DETECT_SCAN_BYTES]):
        if run.isascii():
            continue
        runs.append(run)
        size += len(run) + 1
        if size >= DETECT_SAMPLE_BYTES:
            break
    sample = b"\n".join(runs)
    if len(sample) > DETECT_SAMPLE_BYTES:
        sample = sample[:DETECT_SAMPLE_BYTES].rstrip(_TRAIL_BYTES) or sample[:DETECT_SAMPLE_BYTES]
    return sample
