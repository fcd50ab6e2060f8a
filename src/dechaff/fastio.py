"""gzip and JSON lines at the batch edges (``dechaff clean``, ``dechaff run``), fast when it can be.

- **gzip** goes through python-isal (Intel's ISA-L igzip) when it is installed: on JSON lines of
  extracted text it compresses about 4× and decompresses about 2.5× faster than zlib, for the
  same format and a similar size. Without it, the standard library's :mod:`gzip` does the same.
- **JSON lines** are written by orjson when it is installed and writes exactly what was read:
  the standard library encodes otherwise (a NaN or an infinity, which orjson would turn into
  ``null``; an integer beyond 64 bits, which orjson refuses; text holding lone surrogates).
  Reading stays with the standard library's decoder, which is as fast here and never rounds
  a big integer; :class:`JsonReader` notes the NaNs and infinities as it reads them.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

_gzip: Any = gzip
_IsalError: type[BaseException] = zlib.error
try:
    from isal import igzip as _igzip
    from isal.isal_zlib import error as _isal_error
except ImportError:  # pragma: no cover - isal is a dependency; the stdlib is the fallback
    pass
else:
    _gzip, _IsalError = _igzip, cast(type[BaseException], _isal_error)

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib is the fallback
    _orjson = None  # type: ignore[assignment]

GZIP_READ_ERRORS: tuple[type[BaseException], ...] = (EOFError, zlib.error, _IsalError, OSError)
"""What reading damaged gzip data raises: truncated (EOFError), corrupt (zlib's or ISA-L's
error) or not gzip at all (``BadGzipFile``, an OSError)."""


def gzip_reader(stream: IO[bytes]) -> BinaryIO:
    """The gunzipped content of ``stream`` (multi-member, as gzip(1) reads it)."""
    return cast(BinaryIO, _gzip.GzipFile(fileobj=stream, mode="rb"))


def gzip_writer(path: Path | str, level: int) -> BinaryIO:
    """A gzip file at ``path`` written at compression ``level``."""
    return cast(BinaryIO, _gzip.open(path, "wb", compresslevel=level))


def gzip_compress(data: bytes, level: int) -> bytes:
    """One gzip member of ``data``, with no timestamp (the same input gives the same bytes)."""
    member: bytes = _gzip.compress(data, compresslevel=level, mtime=0)
    return member


class JsonReader:
    """``json.loads(text, strict=False)`` (control characters inside strings are data) that
    says whether the last document held a NaN or an infinity (JSON extensions Python reads as
    floats, and orjson would write back as ``null``). One per thread."""

    def __init__(self) -> None:
        self.non_finite = False
        self._decoder = json.JSONDecoder(strict=False, parse_constant=self._constant)

    def loads(self, text: str) -> Any:
        self.non_finite = False
        return self._decoder.decode(text)

    def _constant(self, name: str) -> float:
        self.non_finite = True
        return float(name)


def json_line(value: Any, finite: bool = True) -> bytes:
    """``value`` as one line of UTF-8 JSON, newline included.

    orjson encodes when ``finite`` (``value`` holds no NaN or infinity: see
    :class:`JsonReader`). Text with lone surrogates (undecodable input bytes kept by
    ``surrogateescape``) is written back as those bytes; any other surrogate as a JSON escape.
    """
    if _orjson is not None and finite:
        try:
            return _orjson.dumps(value, option=_orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # an integer beyond 64 bits, a lone surrogate: the stdlib keeps it
            pass
    try:
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True).encode("ascii") + b"\n"
