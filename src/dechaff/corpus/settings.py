"""What a corpus run does, as one picklable value shared by the reader, the workers and Ray.

Every threshold of corpus mode is here, with the reason for its value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from dechaff.api import Favor

Format = Literal["jsonl", "parquet"]
FORMATS: tuple[Format, ...] = ("jsonl", "parquet")

DEFAULT_TIME_LIMIT = 5.0
"""Seconds one record may take: ~500× a typical page (7-10 ms), so only real hangs are cut."""

DEFAULT_MEMORY_LIMIT_MB = 1024
"""Address space a worker may add to what it holds idle (RLIMIT_AS): the largest page allowed
(5 MB) needs well under 100 MB, so only runaway allocations hit this."""

DEFAULT_MAX_PAGE_BYTES = 5 * 1024 * 1024
"""Payloads above this are reported as too large, not parsed: Common Crawl caps payloads at
1 MiB, so 5 MiB keeps every real page while bounding a worker's memory."""

DEFAULT_SHARD_RECORDS = 2000
"""Records (of any WARC type) per shard: a crash loses at most one shard per worker (~15 s of
work on one core) and a Common Crawl WARC (~100,000 records) becomes ~50 shards."""

DEFAULT_HTML_FIELD = "html"
"""The JSONL field holding the page, unless --html-field says otherwise."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How records are read, bounded, extracted and written.

    The fields that change the output (everything except the limits on time and memory) are the
    run's ``fingerprint``: resuming an output directory with a different fingerprint is refused.
    """

    format: Format = "jsonl"
    favor: Favor = "balanced"
    include_comments: bool = False
    include_tables: bool = True
    shard_records: int = DEFAULT_SHARD_RECORDS
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    limit: int | None = None
    html_field: str = DEFAULT_HTML_FIELD
    time_limit: float = DEFAULT_TIME_LIMIT
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB

    def fingerprint(self) -> dict[str, Any]:
        """The settings that decide which records land in which shard, and what they hold."""
        values = asdict(self)
        del values["time_limit"], values["memory_limit_mb"]
        return values
