"""Fixtures for the bench tests (helpers live in ``benchdata``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from benchdata import DatasetFactory, article_gold, article_pages, write_dataset


@pytest.fixture
def make_dataset(tmp_path: Path) -> DatasetFactory:
    """``make_dataset(name, pages={id: html or None}, gold=[dict or raw line], gz=True)``."""

    def build(
        name: str,
        pages: Mapping[str, str | None],
        gold: Sequence[Mapping[str, Any] | str],
        *,
        gz: bool = True,
    ) -> Path:
        return write_dataset(tmp_path / "data" / name, pages, gold, gz=gz)

    return build


@pytest.fixture
def article_dataset(make_dataset: DatasetFactory) -> Path:
    """Three clean article pages (``tiny``) with text, title, author, date, page_type gold."""
    return make_dataset("tiny", article_pages(), article_gold())
