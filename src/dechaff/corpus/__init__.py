"""Corpus runs: WARC / JSONL / HTML inputs in, sharded clean records out.

Bounded (a time and a memory limit per record), crash-safe and exactly once (a manifest of
completed shards; rerun to resume), on the cores of one machine or on a Ray cluster::

    from dechaff.corpus import Settings, run

    summary = run(["crawl/*.warc.gz"], "out/", Settings(format="parquet"), workers=8)
    summary["extracted"], summary["failed"]

``read_records`` reads one input's records (``Page`` / ``Skip`` / ``Failure``) without
extracting them; ``extract_page`` turns a ``Page`` into an output record (see
``dechaff.corpus.records`` for the fields). Needs the ``corpus`` extra (fastwarc, pyarrow);
``--engine ray`` needs the ``ray`` extra.
"""

from __future__ import annotations

from collections.abc import Iterator

from dechaff.corpus.records import Failure, Item, Origin, Page, Skip
from dechaff.corpus.run import ENGINES, default_workers, run
from dechaff.corpus.settings import FORMATS, Settings
from dechaff.corpus.shards import OutputError
from dechaff.corpus.sources import Input, InputReader, expand_inputs
from dechaff.corpus.workers import extract_page


def read_records(location: str, settings: Settings | None = None) -> Iterator[Item]:
    """Every record of one input (a path, glob match or URL), as ``Page``/``Skip``/``Failure``."""
    settings = settings or Settings()
    for source in expand_inputs([location]):
        yield from InputReader(source, settings)


__all__ = [
    "ENGINES",
    "FORMATS",
    "Failure",
    "Input",
    "Item",
    "Origin",
    "OutputError",
    "Page",
    "Settings",
    "Skip",
    "default_workers",
    "expand_inputs",
    "extract_page",
    "read_records",
    "run",
]
