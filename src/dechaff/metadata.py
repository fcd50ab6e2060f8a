"""Stage 3 — metadata: title, authors, date, site, language, ... from the parsed page."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from dechaff.article import Metadata


def extract_metadata(tree: LexborHTMLParser, url: str | None = None) -> Metadata:
    """Placeholder: being written."""
    title = tree.css_first("title")
    return Metadata(title=title.text(strip=True) if title else None, url=url)
