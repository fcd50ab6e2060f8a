"""Helpers for the bench tests: tiny synthetic benchmark datasets written to a folder."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ARTICLE = (
    "<html><head><title>{title}</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/login'>Login</a></nav>"
    "<article><h1>{title}</h1>{paragraphs}</article>"
    "<footer>Copyright footer text</footer></body></html>"
)

PARAGRAPHS = {
    "a1": ["The quick brown fox jumps over the lazy dog near the river bank today.",
           "Scientists said the finding could change how we think about foxes."],
    "a2": ["A new bridge opened in the city on Monday after three years of work.",
           "Officials expect traffic to ease across the whole northern district."],
    "a3": ["Local bakers won a national prize for their sourdough bread this week.",
           "The bakery plans to open a second shop before the end of the year."],
}

DatasetFactory = Callable[..., Path]


def article_html(title: str, paragraphs: Sequence[str]) -> str:
    return ARTICLE.format(title=title, paragraphs="".join(f"<p>{p}</p>" for p in paragraphs))


def write_dataset(
    root: Path,
    pages: Mapping[str, str | None],
    gold: Sequence[Mapping[str, Any] | str],
    *,
    gz: bool = True,
) -> Path:
    """``pages`` maps id to HTML (None = no page file); ``gold`` items are dicts or raw lines."""
    (root / "pages").mkdir(parents=True)
    for page_id, html in pages.items():
        if html is None:
            continue
        data = html.encode("utf-8")
        if gz:
            (root / "pages" / f"{page_id}.html.gz").write_bytes(gzip.compress(data))
        else:
            (root / "pages" / f"{page_id}.html").write_bytes(data)
    lines = [g if isinstance(g, str) else json.dumps(g) for g in gold]
    (root / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def article_gold() -> list[dict[str, Any]]:
    """Text, title, author, date and page_type gold for the three PARAGRAPHS pages."""
    return [
        {"id": pid, "url": f"https://example.com/{pid}", "text": "\n".join(paras),
         "title": f"Title {pid}", "author": "Jane Doe", "date": "2024-05-01",
         "page_type": "article" if pid != "a3" else "forum"}
        for pid, paras in PARAGRAPHS.items()
    ]


def article_pages() -> dict[str, str | None]:
    return {pid: article_html(f"Title {pid}", paras) for pid, paras in PARAGRAPHS.items()}
