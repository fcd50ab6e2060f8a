"""Benchmark datasets: a folder with ``gold.jsonl`` and ``pages/<id>.html[.gz]``.

Gold lines carry ``id`` and optionally ``url``, ``text`` (null = no text gold), ``title``,
``author``, ``date``, ``page_type``, ``language``, ``split``, ``with`` / ``without`` (snippet
lists). A malformed line is reported in :attr:`Dataset.problems` and skipped; loading goes on.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOLD_FILE = "gold.jsonl"
PAGES_DIR = "pages"
PAGE_SUFFIXES = (".html.gz", ".html")
_SAFE_ID_RE = re.compile(r"^[\w.-]+$")  # ids become file names: no separators, no traversal


@dataclass(frozen=True, slots=True)
class GoldRecord:
    """One page's gold. ``text`` is ``None`` when the dataset has no text gold for the page."""

    id: str
    url: str | None = None
    text: str | None = None
    title: str | None = None
    author: str | None = None
    date: str | None = None
    page_type: str | None = None
    language: str | None = None
    split: str | None = None
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()

    @property
    def has_snippets(self) -> bool:
        return bool(self.with_ or self.without)


@dataclass(slots=True)
class Dataset:
    name: str
    path: Path
    records: list[GoldRecord]
    problems: list[str] = field(default_factory=list)

    def select(self, limit: int | None) -> list[GoldRecord]:
        """The first ``limit`` records in sorted id order (all of them when ``limit`` is None)."""
        ordered = sorted(self.records, key=lambda r: r.id)
        return ordered if limit is None else ordered[:limit]

    def page_path(self, page_id: str) -> Path | None:
        for suffix in PAGE_SUFFIXES:
            candidate = self.path / PAGES_DIR / f"{page_id}{suffix}"
            if candidate.is_file():
                return candidate
        return None

    def read_page(self, page_id: str) -> bytes:
        """Raw page bytes (gunzipped). Raises ``FileNotFoundError`` when the page is missing."""
        path = self.page_path(page_id)
        if path is None:
            raise FileNotFoundError(f"{self.name}: no page file for id {page_id!r}")
        data = path.read_bytes()
        return gzip.decompress(data) if path.name.endswith(".gz") else data


class GoldLineError(ValueError):
    """A gold line that cannot be used."""


def _optional_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise GoldLineError(f"{key!r} must be a string or null, not {type(value).__name__}")


def _snippets(obj: dict[str, Any], key: str) -> tuple[str, ...]:
    value = obj.get(key)
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return tuple(s for s in value if s.strip())
    raise GoldLineError(f"{key!r} must be a list of strings")


def parse_gold_line(line: str) -> GoldRecord:
    """One JSON line to a record; raises :class:`GoldLineError` with the reason."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldLineError(f"invalid JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise GoldLineError("not a JSON object")
    page_id = obj.get("id")
    if isinstance(page_id, int) and not isinstance(page_id, bool):
        page_id = str(page_id)
    if not isinstance(page_id, str) or not _SAFE_ID_RE.match(page_id):
        raise GoldLineError(f"missing or unusable id {page_id!r}")
    return GoldRecord(
        id=page_id,
        url=_optional_str(obj, "url") or None,
        text=_optional_str(obj, "text"),
        title=_optional_str(obj, "title"),
        author=_optional_str(obj, "author"),
        date=_optional_str(obj, "date"),
        page_type=_optional_str(obj, "page_type"),
        language=_optional_str(obj, "language"),
        split=_optional_str(obj, "split"),
        with_=_snippets(obj, "with"),
        without=_snippets(obj, "without"),
    )


def load_dataset(path: Path) -> Dataset:
    """Read ``path/gold.jsonl``; bad lines and duplicate ids go to ``problems``."""
    gold_path = path / GOLD_FILE
    if not gold_path.is_file():
        raise FileNotFoundError(f"{path}: no {GOLD_FILE}")
    dataset = Dataset(name=path.resolve().name, path=path, records=[])
    seen: set[str] = set()
    with gold_path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = parse_gold_line(line)
            except GoldLineError as exc:
                dataset.problems.append(f"{dataset.name}: {GOLD_FILE} line {number}: {exc}")
                continue
            if record.id in seen:
                dataset.problems.append(
                    f"{dataset.name}: {GOLD_FILE} line {number}: duplicate id {record.id!r}"
                )
                continue
            seen.add(record.id)
            dataset.records.append(record)
    return dataset
