"""Stage 7 — render: the body blocks as plain text, Markdown and clean HTML.

Plain text has one paragraph, heading, list item or table row per line; the cells of one table
row are joined with `` | ``. Markdown adds the headline as ``#``, headings, lists, quotes, code
fences and table rows. HTML is a minimal, safe rebuild (no attributes beyond ``href``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape

from dechaff.blocks import IN_BLOCKQUOTE, IN_PRE, Block, Page

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
            lines.append(CELL_SEPARATOR.join(c.text for c in cells))
    return "\n".join(lines)


def render_markdown(page: Page, blocks: Sequence[Block], title: str | None) -> str:
    """Markdown with the headline as ``#`` and structure kept."""
    out: list[str] = []
    if title:
        out.append(f"# {title}")
    prev_kind = ""
    for first, cells in _rows(page, blocks):
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


def _markdown_line(first: Block, cells: list[Block]) -> tuple[str, str]:
    if len(cells) > 1 or first.tag in CELL_TAGS:
        md = " | ".join(c.markdown.replace("|", "\\|").replace("\n", " ") for c in cells)
        return "tr", f"| {md} |"
    if first.flags & IN_PRE:
        return "pre", f"```\n{first.text}\n```"
    level = first.heading_level
    if level:
        return "h", f"{'#' * max(level, 2)} {first.markdown}"
    if first.tag == "li":
        return "li", f"- {first.markdown}"
    if first.flags & IN_BLOCKQUOTE:
        return "quote", f"> {first.markdown}"
    return "p", first.markdown


def render_html(page: Page, blocks: Sequence[Block], title: str | None) -> str:
    """A minimal clean HTML body: headline, paragraphs, headings, lists, quotes, code, tables."""
    out: list[str] = ["<article>"]
    if title:
        out.append(f"<h1>{escape(title)}</h1>")
    open_tag = ""
    for first, cells in _rows(page, blocks):
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


def _html_line(first: Block, cells: list[Block]) -> tuple[str, str]:
    if len(cells) > 1 or first.tag in CELL_TAGS:
        tds = "".join(f"<{c.tag}>{escape(c.text)}</{c.tag}>" for c in cells)
        return "tr", f"<tr>{tds}</tr>"
    text = escape(first.text)
    if first.flags & IN_PRE:
        return "pre", f"<pre><code>{text}</code></pre>"
    level = first.heading_level
    if level:
        tag = f"h{max(level, 2)}"
        return "h", f"<{tag}>{text}</{tag}>"
    if first.tag == "li":
        return "li", f"<li>{text}</li>"
    if first.flags & IN_BLOCKQUOTE:
        return "quote", f"<blockquote><p>{text}</p></blockquote>"
    return "p", f"<p>{text}</p>"
