"""Stage 7 — render: the body blocks as plain text, Markdown and clean HTML.

Plain text has one paragraph, heading, list item or table row per line; the cells of one table
row are joined with `` | ``. Markdown adds the headline as ``#``, headings, lists, quotes, code
fences and table rows. HTML is a minimal, safe rebuild (no attributes beyond ``href``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import urljoin

from dechaff.blocks import IN_BLOCKQUOTE, IN_PRE, Block, Page


@dataclass(frozen=True, slots=True)
class Picture:
    """An image shown in the body: its address (absolute when the page's URL is known), its
    alt text and the caption that went with it (if any)."""

    src: str
    alt: str
    caption: str = ""


LEAD_IMAGE_REACH = 3
"""A captioned image up to this many blocks above the body's first block is its lead image
(between the headline, kicker or byline and the first paragraph)."""

Pictures = Mapping[int, Sequence[Picture]]
"""Images to show before each body block, by block index."""


def body_pictures(
    page: Page, body: Sequence[Block], captions: set[int], url: str | None
) -> dict[int, list[Picture]]:
    """The page's images that belong to the body, each placed before a body block: those in or
    just before a body block, and those of captions (``captions``: block indices) inside the
    body's span, with the caption as their text."""
    if not body or not page.images:
        return {}
    in_body = {b.index for b in body}
    first, last = body[0].index - LEAD_IMAGE_REACH, body[-1].index
    out: dict[int, list[Picture]] = {}
    for image in page.images:
        k = image.before
        caption = ""
        if k in captions and first <= k <= last:
            caption = page.blocks[k].text
            k = next(i for i in range(k, last + 1) if i in in_body)  # (last is in the body)
        if k not in in_body:
            continue
        src = urljoin(url, image.src) if url else image.src
        out.setdefault(k, []).append(Picture(src, image.alt, caption))
    return out

CELL_TAGS = frozenset({"td", "th"})
CELL_SEPARATOR = " | "


def _rows(page: Page, blocks: Sequence[Block]) -> Iterator[tuple[Block, list[Block]]]:
    """Yield body lines: a table row groups its cells; every other block stands alone."""
    i = 0
    n = len(blocks)
    while i < n:
        block = blocks[i]
        if block.tag not in CELL_TAGS:
            yield block, [block]
            i += 1
            continue
        parent = page.table.parent
        row = parent[block.element]
        cells = [block]
        i += 1
        while i < n and blocks[i].tag in CELL_TAGS and parent[blocks[i].element] == row:
            cells.append(blocks[i])
            i += 1
        yield block, cells


def render_text(page: Page, blocks: Sequence[Block]) -> str:
    """One line per paragraph, heading, list item or table row."""
    lines = []
    for first, cells in _rows(page, blocks):
        if first.flags & IN_PRE:
            lines.append(first.text)
        else:
            lines.append(CELL_SEPARATOR.join(_tidy(c.text) for c in cells))
    return "\n".join(lines)


def _tidy(text: str) -> str:
    """Runs of spaces as one (they appear where inline elements meet: ``a <b> b</b>``)."""
    return " ".join(text.split()) if "  " in text else text


def render_markdown(
    page: Page, blocks: Sequence[Block], title: str | None, pictures: Pictures | None = None
) -> str:
    """Markdown with the headline as ``#`` and structure kept (and ``pictures`` as images)."""
    out: list[str] = []
    if title:
        out.append(f"# {title}")
    prev_kind = ""
    for first, cells in _rows(page, blocks):
        for picture in (pictures or {}).get(first.index, ()):
            if out:
                out.append("")
            out.append(_markdown_image(picture))
            prev_kind = "img"
        kind, line = _markdown_line(first, cells)
        if out and not (kind == prev_kind and kind in ("li", "tr")):
            out.append("")
        if kind == "tr" and prev_kind != "tr":
            width = len(cells)
            out.append(line)
            out.append("|" + " --- |" * width)
        else:
            out.append(line)
        prev_kind = kind
    return "\n".join(out).strip() + ("\n" if out else "")


def _markdown_image(picture: Picture) -> str:
    alt = (picture.caption or picture.alt).replace("[", "(").replace("]", ")")
    src = picture.src.replace(" ", "%20").replace(")", "%29")
    return f"![{alt}]({src})"


def _markdown_line(first: Block, cells: list[Block]) -> tuple[str, str]:
    if len(cells) > 1 or first.tag in CELL_TAGS:
        md = " | ".join(_tidy(c.markdown.replace("|", "\\|").replace("\n", " ")) for c in cells)
        return "tr", f"| {md} |"
    if first.flags & IN_PRE:
        return "pre", f"```\n{first.text}\n```"
    markdown = _tidy(first.markdown)
    level = first.heading_level
    if level:
        return "h", f"{'#' * max(level, 2)} {markdown}"
    if first.tag == "li":
        return "li", f"- {markdown}"
    if first.flags & IN_BLOCKQUOTE:
        return "quote", f"> {markdown}"
    return "p", markdown


def render_html(
    page: Page, blocks: Sequence[Block], title: str | None, pictures: Pictures | None = None
) -> str:
    """A minimal clean HTML body: headline, paragraphs, headings, lists, quotes, code, tables
    (and ``pictures`` as figures)."""
    out: list[str] = ["<article>"]
    if title:
        out.append(f"<h1>{escape(title)}</h1>")
    open_tag = ""
    for first, cells in _rows(page, blocks):
        shown = (pictures or {}).get(first.index, ())
        if shown and open_tag:
            out.append(f"</{open_tag}>")
            open_tag = ""
        out.extend(_html_figure(picture) for picture in shown)
        kind, html = _html_line(first, cells)
        wrapper = {"li": "ul", "tr": "table"}.get(kind, "")
        if wrapper != open_tag:
            if open_tag:
                out.append(f"</{open_tag}>")
            if wrapper:
                out.append(f"<{wrapper}>")
            open_tag = wrapper
        out.append(html)
    if open_tag:
        out.append(f"</{open_tag}>")
    out.append("</article>")
    return "\n".join(out)


def _html_figure(picture: Picture) -> str:
    img = f'<img src="{escape(picture.src)}" alt="{escape(picture.alt)}">'
    caption = f"<figcaption>{escape(picture.caption)}</figcaption>" if picture.caption else ""
    return f"<figure>{img}{caption}</figure>"


def _html_line(first: Block, cells: list[Block]) -> tuple[str, str]:
    if len(cells) > 1 or first.tag in CELL_TAGS:
        tds = "".join(f"<{c.tag}>{escape(_tidy(c.text))}</{c.tag}>" for c in cells)
        return "tr", f"<tr>{tds}</tr>"
    if first.flags & IN_PRE:
        return "pre", f"<pre><code>{escape(first.text)}</code></pre>"
    text = escape(_tidy(first.text))
    level = first.heading_level
    if level:
        tag = f"h{max(level, 2)}"
        return "h", f"<{tag}>{text}</{tag}>"
    if first.tag == "li":
        return "li", f"<li>{text}</li>"
    if first.flags & IN_BLOCKQUOTE:
        return "quote", f"<blockquote><p>{text}</p></blockquote>"
    return "p", f"<p>{text}</p>"
