"""A datatrove pipeline step: ``DechaffExtractor`` drops in where ``Trafilatura`` is used::

    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from dechaff.corpus.datatrove_step import DechaffExtractor

    pipeline = [WarcReader("crawl/"), DechaffExtractor(), JsonlWriter("out/")]

It runs in datatrove's extractor sandbox (a per-document timeout in a child process, like the
other extractors). The document's text becomes the article body (``markdown=True``: Markdown).
Needs the ``datatrove`` extra: ``pip install 'dechaff[datatrove]'``.
"""

from __future__ import annotations

from typing import ClassVar

from datatrove.pipeline.extractors.base import BaseExtractor

from dechaff.api import Favor, Format, extract

DEFAULT_TIMEOUT = 1.0
"""Seconds per document: datatrove's own default for its extractors (~100× dechaff's median)."""


class DechaffExtractor(BaseExtractor):  # type: ignore[misc]  # datatrove is untyped
    """datatrove extractor step backed by ``dechaff.extract``."""

    name = "🧹 dechaff"
    _requires_dependencies: ClassVar[list[str]] = ["dechaff"]

    def __init__(self, favor: Favor = "balanced", *, include_comments: bool = False,
                 include_tables: bool = True, markdown: bool = False,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__(timeout)
        self.favor: Favor = favor
        self.include_comments = include_comments
        self.include_tables = include_tables
        self.markdown = markdown
        self.formats: tuple[Format, ...] = ("markdown",) if markdown else ("text",)

    def extract(self, text: str) -> str:
        article = extract(text, favor=self.favor, include_comments=self.include_comments,
                          include_tables=self.include_tables,
                          formats=self.formats)
        return article.markdown if self.markdown else article.text
