"""The records of a corpus run: what is read from an input, and what is written out.

Reading yields, for every record of an input, exactly one of

* ``Page``    — an HTML payload to extract;
* ``Skip``    — not a page (a WARC ``request`` record, an image, a redirect...): counted, not
  written;
* ``Failure`` — a page that cannot be extracted (garbage, truncated, too large...): counted and
  written to ``errors-*.jsonl``.

Each output record (one JSON object per line, or one Parquet row) has these fields:

=============== ============================== =================================================
field           type                           meaning
=============== ============================== =================================================
id              string                         WARC-Record-ID; the file's relative path for a
                                               directory; the ``id`` field (else ``FILE:LINE``)
                                               for JSONL
url             string or null                 WARC-Target-URI, or the JSONL ``url`` field
crawl_date      string or null                 WARC-Date (ISO 8601) as written in the WARC
title           string or null                 the article's headline
authors         list of strings
date            string or null                 publication date (ISO 8601)
site_name       string or null
description     string or null
language        string or null                 BCP 47 tag declared by the page
canonical_url   string or null                 the URL the page declares for itself
image           string or null                 the lead image
tags            list of strings
text            string                         the body, one block per line
markdown        string                         the body as Markdown
captions        list of strings                photo captions found beside the body
related         list of {title, url, snippet}  teasers / recommendations
comments        list of {author, date, text}   reader comments (only with include_comments)
truncated       bool                           the payload was cut (WARC-Truncated or size cap)
source          {file, offset, index}          input file, byte offset of the WARC record (null
                                               for other inputs), record number in the file
=============== ============================== =================================================

Pages whose extraction yields no text are counted as ``empty`` and not written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dechaff.api import Format
from dechaff.article import Article

if TYPE_CHECKING:
    import pyarrow

# Failure reasons: the keys of summary.json's "failed" counts and errors-*.jsonl's "reason".
BAD_WARC = "garbage WARC record"
TRUNCATED = "truncated WARC record"
BAD_HTTP = "garbage HTTP head"
BAD_ENCODING = "undecodable content encoding"
BINARY = "binary body labelled HTML"
TOO_LARGE = "too large"
UNREADABLE = "unreadable input"
TIMEOUT = "time limit exceeded"
MEMORY = "memory limit exceeded"
CRASH = "worker crashed"
EXTRACTION_ERROR = "extraction error"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record comes from and what identifies it."""

    index: int
    """The record's number within its input (every record counts, of any kind)."""
    file: str
    offset: int | None
    id: str
    url: str | None = None
    crawl_date: str | None = None

    def source(self) -> dict[str, Any]:
        return {"file": self.file, "offset": self.offset, "index": self.index}


@dataclass(frozen=True, slots=True)
class Page:
    """An HTML payload to extract (transfer and content encodings already undone)."""

    origin: Origin
    body: bytes | str
    charset: str | None = None
    truncated: bool = False

    @property
    def index(self) -> int:
        return self.origin.index


@dataclass(frozen=True, slots=True)
class Skip:
    """A record that is not an HTML page; ``reason`` names its kind (``not HTML: image/png``)."""

    origin: Origin
    reason: str

    @property
    def index(self) -> int:
        return self.origin.index


@dataclass(frozen=True, slots=True)
class Failure:
    """A record that could not be extracted: ``reason`` is one of the constants above."""

    origin: Origin
    reason: str
    detail: str = ""

    @property
    def index(self) -> int:
        return self.origin.index


Item = Page | Skip | Failure


RECORD_FORMATS: tuple[Format, ...] = ("text", "markdown")
"""The renderings a record carries: the HTML rendering is not written, so not made."""


def output_record(origin: Origin, article: Article, *, truncated: bool) -> dict[str, Any]:
    """The output record for an extracted page (field order as documented above)."""
    return {
        "id": origin.id,
        "url": origin.url,
        "crawl_date": origin.crawl_date,
        "title": article.title,
        "authors": list(article.authors),
        "date": article.date,
        "site_name": article.site_name,
        "description": article.description,
        "language": article.language,
        "canonical_url": article.url,
        "image": article.image,
        "tags": list(article.tags),
        "text": article.text,
        "markdown": article.markdown,
        "captions": list(article.captions),
        "related": [{"title": r.title, "url": r.url, "snippet": r.snippet}
                    for r in article.related],
        "comments": [{"author": c.author, "date": c.date, "text": c.text}
                     for c in article.comments],
        "truncated": truncated or article.truncated,
        "source": origin.source(),
    }


def error_record(failure: Failure) -> dict[str, Any]:
    """The line written to errors-*.jsonl for a failed record."""
    origin = failure.origin
    return {
        "id": origin.id,
        "url": origin.url,
        "reason": failure.reason,
        "detail": failure.detail,
        "source": origin.source(),
    }


def parquet_schema() -> pyarrow.Schema:
    """The Arrow schema of Parquet shards: the fields documented above, in that order."""
    import pyarrow as pa

    text = pa.string()
    return pa.schema([
        ("id", text), ("url", text), ("crawl_date", text), ("title", text),
        ("authors", pa.list_(text)), ("date", text), ("site_name", text),
        ("description", text), ("language", text), ("canonical_url", text), ("image", text),
        ("tags", pa.list_(text)), ("text", text), ("markdown", text),
        ("captions", pa.list_(text)),
        ("related", pa.list_(pa.struct([("title", text), ("url", text), ("snippet", text)]))),
        ("comments", pa.list_(pa.struct([("author", text), ("date", text), ("text", text)]))),
        ("truncated", pa.bool_()),
        ("source", pa.struct([("file", text), ("offset", pa.int64()), ("index", pa.int64())])),
    ])
