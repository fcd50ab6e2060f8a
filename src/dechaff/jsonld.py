"""JSON-LD for the metadata stage: parse tolerant of real-world damage, find the main entity.

Pages embed schema.org data in ``<script type="application/ld+json">``: one object, a list,
an ``@graph``, references by ``@id``, sometimes broken (trailing commas, HTML comments, raw
control characters, several objects glued together). ``parse_blocks`` turns the script texts
into ``LdData``: the top-level entities in page order plus an ``@id`` index, and
``LdData.ranked()`` orders the entities article-like first. Nothing here raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal word list."""
    return frozenset(text.split())


MAX_SCRIPT_CHARS = 2_000_000
"""A JSON-LD block above this is not metadata (some sites inline whole catalogues): skipped."""

MAX_DEPTH = 12
"""Entities nest a few levels (graph > article > author); deeper walking only costs time."""

MAX_NODES = 5000
"""Bound on the dicts indexed per page, so a huge graph cannot make the walk slow."""

ARTICLE_TYPES = _words(
    """Article NewsArticle BlogPosting Report ReportageNews AnalysisNewsArticle
    OpinionNewsArticle BackgroundNewsArticle ReviewNewsArticle SatiricalArticle
    ScholarlyArticle TechArticle LiveBlogPosting SocialMediaPosting DiscussionForumPosting
    Review Recipe HowTo Question Answer Guide"""
)
"""Types that are the text of the page (also matched: any type ending in Article/Posting)."""

ENTITY_TYPES = _words(
    """Product ProductGroup Event Course SoftwareApplication MobileApplication VideoObject
    AudioObject PodcastEpisode Book Movie Dataset JobPosting Place LocalBusiness
    Service FAQPage QAPage CreativeWork Thing"""
)
"""Other main entities a page may be about: used after article-like ones."""

PAGE_SUFFIX = "Page"
"""WebPage, ItemPage, CollectionPage, AboutPage... describe the page itself: ranked last."""

RANK_ARTICLE, RANK_ENTITY, RANK_PAGE, RANK_OTHER = range(4)

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


@dataclass(frozen=True, slots=True)
class LdData:
    """Top-level entities (page order) and every entity with an ``@id``."""

    entities: tuple[dict[str, Any], ...] = ()
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        """A ``{"@id": ...}`` reference replaced by the entity it names (when known)."""
        if isinstance(value, dict) and len(value) <= 2 and isinstance(value.get("@id"), str):
            return self.by_id.get(value["@id"], value)
        return value

    def ranked(self) -> list[dict[str, Any]]:
        """Entities with a known kind, article-like first (stable within a rank)."""
        scored = [(rank(entity), i, entity) for i, entity in enumerate(self.entities)]
        return [entity for r, _, entity in sorted(scored) if r < RANK_OTHER]

    def of_types(self, names: Iterable[str]) -> Iterator[dict[str, Any]]:
        """Entities (top level or indexed) whose type is one of ``names``."""
        wanted = set(names)
        seen: set[int] = set()
        for entity in (*self.entities, *self.by_id.values()):
            if id(entity) not in seen and wanted & set(types(entity)):
                seen.add(id(entity))
                yield entity


def types(entity: dict[str, Any]) -> list[str]:
    """The entity's ``@type`` names, without ``schema:`` / URL prefixes."""
    raw = entity.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return [v.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if isinstance(v, str)]


def rank(entity: dict[str, Any]) -> int:
    """0 for article-like, 1 for another main entity, 2 for a web page, 3 for the rest."""
    names = types(entity)
    if any(n in ARTICLE_TYPES or n.endswith(("Article", "Posting")) for n in names):
        return RANK_ARTICLE
    if any(n in ENTITY_TYPES for n in names):
        return RANK_ENTITY
    if any(n.endswith(PAGE_SUFFIX) for n in names):
        return RANK_PAGE
    return RANK_OTHER


def loads_lenient(text: str) -> list[Any]:
    """Every JSON value in ``text``, repairing common damage; [] when nothing parses."""
    text = _WRAPPERS.sub("", text).strip()
    if not text or len(text) > MAX_SCRIPT_CHARS:
        return []
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        values = _decode_all(candidate)
        if values:
            return values
    return []


def _decode_all(text: str) -> list[Any]:
    """Values glued one after another (``{...}{...}``), as far as they decode."""
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    position = 0
    while position < len(text):
        try:
            value, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            break
        values.append(value)
        while position < len(text) and text[position] in " \t\r\n;,":
            position += 1
    return values


def _top_level(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Entities a block declares: itself, list items, ``@graph`` members, ``mainEntity``."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _top_level(item, depth + 1)
    elif isinstance(value, dict):
        if "@type" in value:
            yield value
        for key in ("@graph", "mainEntity"):
            if key in value:
                yield from _top_level(value[key], depth + 1)


def _index(value: Any, by_id: dict[str, dict[str, Any]]) -> None:
    """Every dict with an ``@id`` and more than the reference itself (bounded walk)."""
    queue: list[tuple[Any, int]] = [(value, 0)]
    seen = 0
    while queue and seen < MAX_NODES:
        item, depth = queue.pop()
        seen += 1
        if isinstance(item, dict):
            key = item.get("@id")
            if isinstance(key, str) and len(item) > 2 and key not in by_id:
                by_id[key] = item
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth < MAX_DEPTH:
            queue.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))


def parse_blocks(texts: Iterable[str]) -> LdData:
    """Parse the JSON-LD script texts of a page."""
    entities: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for text in texts:
        for value in loads_lenient(text):
            entities.extend(_top_level(value))
            _index(value, by_id)
    unique = list({id(entity): entity for entity in entities}.values())
    return LdData(tuple(unique), by_id)
