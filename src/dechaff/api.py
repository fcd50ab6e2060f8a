"""The public entry point: ``extract(page) -> Article``, stage by stage.

decode → parse → metadata → blocks → classify → assemble → render. ``extract`` is a pure
function: no global mutable state (the block model is loaded once and only read).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from dechaff.article import Article
from dechaff.assemble import assemble
from dechaff.blocks import Page, cut_blocks
from dechaff.classify import THRESHOLDS, Label, default_model
from dechaff.decode import DEFAULT_MAX_BYTES, decode
from dechaff.errors import InputError
from dechaff.metadata import extract_metadata
from dechaff.parse import parse, shown_html
from dechaff.render import body_pictures, render_html, render_markdown, render_text

Favor = Literal["precision", "balanced", "recall"]
FAVORS: tuple[Favor, ...] = ("precision", "balanced", "recall")
Format = Literal["text", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html")

SHELL_MAX_CHARS = 500
"""A page showing less text than this is an app shell: its content, if any, is what scripts
reveal or what a browser with scripts off shows, so that view is cut when it holds more."""


def _as_html(page: str | bytes, max_bytes: int, http_charset: str | None) -> tuple[str, bool]:
    if isinstance(page, (bytes, bytearray, memoryview)):
        decoded = decode(bytes(page), http_charset=http_charset, max_bytes=max_bytes)
        return decoded.text, decoded.truncated
    if isinstance(page, str):
        if len(page) > max_bytes:
            return page[:max_bytes], True
        return page, False
    raise InputError(f"page must be str or bytes, not {type(page).__name__}")


def _shown_blocks(html: str, blocks: Page, include_links: bool, include_images: bool) -> Page:
    """An app shell's blocks: those of the page as shown (see ``parse.shown_html``) when that
    view holds more text than the static one."""
    shown = shown_html(html)
    if shown == html:
        return blocks
    page = cut_blocks(parse(shown), include_links=include_links, include_images=include_images)
    return page if page.total_chars > blocks.total_chars else blocks


def extract(
    page: str | bytes,
    url: str | None = None,
    *,
    favor: Favor = "balanced",
    include_comments: bool = False,
    include_tables: bool = True,
    include_links: bool = False,
    include_images: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    http_charset: str | None = None,
    formats: Collection[Format] = FORMATS,
) -> Article:
    """Extract the article from a web page.

    ``page`` is raw bytes (decoded from BOM, ``http_charset``, ``<meta>`` or detection) or an
    already-decoded ``str``. Pages longer than ``max_bytes`` are cut there and the result is
    flagged ``truncated``. ``formats`` names the renderings wanted (the others stay empty:
    a corpus run that keeps text and Markdown skips the HTML). Never raises on odd markup;
    raises ``InputError`` for a wrong type, an unknown ``favor`` or an unknown format.
    """
    if favor not in FAVORS:
        raise InputError(f"favor must be one of {', '.join(FAVORS)}, not {favor!r}")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or isinstance(formats, str):
        raise InputError(f"formats must be a collection of {', '.join(FORMATS)}, not {formats!r}")
    html, truncated = _as_html(page, max_bytes, http_charset)
    tree = parse(html)
    meta = extract_metadata(tree, url)
    blocks = cut_blocks(tree, include_links=include_links, include_images=include_images)
    if blocks.total_chars < SHELL_MAX_CHARS:
        blocks = _shown_blocks(html, blocks, include_links, include_images)
    model = default_model()
    probs = model.classify(blocks, meta.title).tolist()
    parts = assemble(blocks, probs, meta, THRESHOLDS[favor], include_tables=include_tables)
    body = parts.body
    if include_comments and parts.comment_blocks:
        body = sorted([*body, *parts.comment_blocks], key=lambda b: b.index)
    pictures = None
    if include_images:
        captions = {i for i, label in enumerate(parts.labels) if label is Label.CAPTION}
        pictures = body_pictures(blocks, body, captions, meta.url or url)
    return Article(
        text=render_text(blocks, body) if "text" in formats else "",
        markdown=(render_markdown(blocks, body, meta.title, pictures)
                  if "markdown" in formats else ""),
        html=render_html(blocks, body, meta.title, pictures) if "html" in formats else "",
        title=meta.title,
        authors=meta.authors,
        date=meta.date,
        site_name=meta.site_name,
        description=meta.description,
        language=meta.language,
        url=meta.url,
        image=meta.image,
        tags=meta.tags,
        captions=tuple(parts.captions),
        related=tuple(parts.related),
        comments=tuple(parts.comments),
        truncated=truncated or blocks.truncated,
    )
