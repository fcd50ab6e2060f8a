"""The records dechaff returns: ``Article`` and the parts it separates from the body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Related:
    """A teaser or recommendation item found beside the article."""

    title: str
    url: str | None = None
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader comment."""

    text: str
    author: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Metadata:
    """Page-level metadata, gathered before the body is cut into blocks."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    discussion: bool = False
    """The page declares itself a discussion (a forum thread, a Q&A page)."""


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: body in three renderings, metadata, and the separated parts."""

    text: str = ""
    markdown: str = ""
    html: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()
    comments: tuple[Comment, ...] = ()
    truncated: bool = field(default=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists, nested records become dicts)."""
        return {
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "site_name": self.site_name,
            "description": self.description,
            "language": self.language,
            "url": self.url,
            "image": self.image,
            "tags": list(self.tags),
            "text": self.text,
            "markdown": self.markdown,
            "html": self.html,
            "captions": list(self.captions),
            "related": [
                {"title": r.title, "url": r.url, "snippet": r.snippet} for r in self.related
            ],
            "comments": [
                {"author": c.author, "date": c.date, "text": c.text} for c in self.comments
            ],
            "truncated": self.truncated,
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The record as a JSON string (UTF-8 characters kept as they are)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
