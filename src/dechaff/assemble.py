"""Stage 6 — assemble: turn labelled blocks into the article body and its separated parts.

Input: the page's blocks with P(main) from the classifier. Output: which blocks form the body
(in document order), and the captions, related items and comments found beside it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from dechaff.article import Comment, Metadata, Related
from dechaff.blocks import IN_NAV, IN_TABLE, IN_TIME, Block, Page
from dechaff.classify import Label, in_comments, is_caption

TEASER_MIN_WORDS = 4
"""A link reads as a teaser headline (not a menu entry) from this many words on."""
TEASER_LINK_DENSITY = 0.6
"""A block mostly made of link text is a teaser headline or a menu entry."""
TEASER_MIN_ITEMS = 2
"""Teasers come in runs: a lone headline link is not a related-stories list."""
BYLINE_MAX_CHARS = 120
"""A byline is one short line; anything longer is prose that mentions the author."""
TITLE_SIMILARITY = 0.8
"""Word overlap with the page title above which a heading is the headline itself."""
CAPTION_MAX_CHARS = 400
"""Longer text inside a figure is prose laid out in a figure, not a caption."""
MAX_RELATED = 50
"""Related lists longer than this are site indexes, not recommendations."""

_WORD_RE = re.compile(r"\w+")
_BYLINE_RE = re.compile(
    r"^\s*(?:by|von|par|por|door|di|da|av|af|od|przez|автор|от|بقلم|作者|文)\s*[:\-]?\s+\S",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Assembly:
    """What the assemble stage decided, block by block."""

    labels: list[Label]
    body: list[Block]
    captions: list[str] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    comment_blocks: list[Block] = field(default_factory=list)


def _words(text: str) -> set[str]:
    return set(_WORD_RE.findall(unicodedata.normalize("NFKC", text).lower()))


def _similar(text: str, ref: set[str]) -> float:
    words = _words(text)
    if not words or not ref:
        return 0.0
    return len(words & ref) / len(words | ref)


def assemble(
    page: Page,
    probs: list[float],
    meta: Metadata,
    threshold: float,
    *,
    include_tables: bool = True,
) -> Assembly:
    """Label every block, then gather the body and the parts separated from it."""
    blocks = page.blocks
    labels = [Label.MAIN if p >= threshold else Label.BOILERPLATE for p in probs]
    if not include_tables:
        for b in blocks:
            if b.flags & IN_TABLE:
                labels[b.index] = Label.BOILERPLATE
    _mark_headline(blocks, labels, meta)
    _mark_bylines(blocks, labels, meta)
    captions = _mark_captions(page, labels)
    comment_blocks = _mark_comments(page, labels)
    related = _mark_teasers(page, labels)
    body = [b for b in blocks if labels[b.index] is Label.MAIN]
    return Assembly(
        labels=labels,
        body=body,
        captions=captions,
        related=related,
        comments=_comments(page, comment_blocks),
        comment_blocks=comment_blocks,
    )


def _first_main(labels: list[Label]) -> int:
    for i, label in enumerate(labels):
        if label is Label.MAIN:
            return i
    return len(labels)


def _mark_headline(blocks: list[Block], labels: list[Label], meta: Metadata) -> None:
    """The headline is the title, not body text: drop it (and repeats of it) from the body."""
    title_words = _words(meta.title or "")
    first = _first_main(labels)
    for b in blocks:
        if b.chars > 300:
            continue
        near_top = b.index <= first + 2
        if title_words and _similar(b.text, title_words) >= TITLE_SIMILARITY:
            if labels[b.index] is Label.MAIN or near_top:
                labels[b.index] = Label.TITLE
        elif b.tag == "h1" and near_top and labels[b.index] is Label.MAIN and b.index <= first:
            labels[b.index] = Label.TITLE


def _mark_bylines(blocks: list[Block], labels: list[Label], meta: Metadata) -> None:
    """Short lines naming the author ("By Jane Doe", "Reuters · 3 min read") are metadata."""
    names = [a.lower() for a in meta.authors if len(a) >= 2]
    first = _first_main(labels)
    for b in blocks:
        if labels[b.index] is not Label.MAIN or b.chars > BYLINE_MAX_CHARS:
            continue
        if b.index > first + 6 and not (b.flags & IN_TIME):
            continue
        low = b.text.lower()
        named = any(n in low for n in names)
        if (named and b.chars < len(max(names, key=len, default="")) + 60) or _BYLINE_RE.match(b.text):
            labels[b.index] = Label.BYLINE
        elif b.flags & IN_TIME and b.chars < 40:
            labels[b.index] = Label.BYLINE


def _mark_captions(page: Page, labels: list[Label]) -> list[str]:
    captions: list[str] = []
    for b in page.blocks:
        if b.chars > CAPTION_MAX_CHARS or labels[b.index] in (Label.TITLE, Label.BYLINE):
            continue
        if is_caption(page, b):
            if labels[b.index] is Label.MAIN or _near_main(labels, b.index):
                captions.append(b.text)
            labels[b.index] = Label.CAPTION
    return captions


def _near_main(labels: list[Label], i: int) -> bool:
    lo, hi = max(0, i - 2), min(len(labels), i + 3)
    return any(labels[j] is Label.MAIN for j in range(lo, hi))


def _mark_comments(page: Page, labels: list[Label]) -> list[Block]:
    out = []
    for b in page.blocks:
        if labels[b.index] in (Label.TITLE, Label.CAPTION):
            continue
        if in_comments(page, b) and not _main_outside_comments(page, b):
            labels[b.index] = Label.COMMENT
            out.append(b)
    return out


def _main_outside_comments(page: Page, block: Block) -> bool:
    """Guard against a page whose whole body sits inside a "comment"-named wrapper."""
    root = page.elements[0]
    el = page.elements[block.element]
    return el.chars > 0.8 * root.chars


def _comments(page: Page, blocks: list[Block]) -> list[Comment]:
    """Group comment blocks by their innermost comment-named container."""
    groups: dict[int, list[Block]] = {}
    for b in blocks:
        key = b.element
        for index in page.ancestors(b.element):
            if "comment" in page.elements[index].classid:
                key = index
                break
        groups.setdefault(key, []).append(b)
    comments = []
    for members in groups.values():
        author = next((m.text for m in members if _is_author_block(page, m)), None)
        date = next((m.text for m in members if m.flags & IN_TIME), None)
        text = "\n".join(m.text for m in members if m.text not in (author, date))
        if text:
            comments.append(Comment(text=text, author=author, date=date))
    return comments


def _is_author_block(page: Page, block: Block) -> bool:
    tokens = page.elements[block.element].tokens
    return block.chars < 60 and any(t in ("author", "name", "fn", "username", "user") for t in tokens)


def _mark_teasers(page: Page, labels: list[Label]) -> list[Related]:
    """Runs of headline links outside the body (each maybe with a snippet) are related items."""
    candidates: list[tuple[Block, str, str]] = []
    for b in page.blocks:
        if labels[b.index] is not Label.BOILERPLATE or b.flags & IN_NAV or not b.links:
            continue
        if b.link_density < TEASER_LINK_DENSITY:
            continue
        anchor, href = max(b.links, key=lambda link: len(link[0]))
        if len(_WORD_RE.findall(anchor)) >= TEASER_MIN_WORDS:
            candidates.append((b, anchor, href))
    if len(candidates) < TEASER_MIN_ITEMS:
        return []
    related: list[Related] = []
    seen: set[str] = set()
    for b, anchor, href in candidates:
        key = anchor.lower()
        labels[b.index] = Label.TEASER
        if key in seen:
            continue
        seen.add(key)
        snippet = _snippet(page, labels, b, anchor)
        related.append(Related(title=anchor, url=href or None, snippet=snippet))
        if len(related) >= MAX_RELATED:
            break
    return related


def _snippet(page: Page, labels: list[Label], head: Block, title: str) -> str:
    """The non-link text right after a teaser headline, inside the same item."""
    item = page.elements[head.element].parent
    parts = []
    for b in page.blocks[head.index + 1 : head.index + 4]:
        if labels[b.index] is not Label.BOILERPLATE or b.link_density > 0.5:
            break
        if item not in page.ancestors(b.element):
            break
        labels[b.index] = Label.TEASER
        if b.text.lower() != title.lower():
            parts.append(b.text)
    return " ".join(parts)
