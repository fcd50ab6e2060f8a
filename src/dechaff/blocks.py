"""Stage 4 — blocks: cut the DOM into text blocks, each with the facts a classifier needs.

A *block* is the inline text of one block-level element (a paragraph, heading, list item, table
cell, caption, ...). Every element on the path from ``<body>`` is recorded once in an element
table, so blocks can be grouped by container and containers can be scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

SKIP_TAGS = frozenset(
    "script style noscript template svg math iframe object embed canvas select option "
    "textarea input button head link meta video audio map area dialog".split()
)
"""Elements whose content is never article text."""

BLOCK_TAGS = frozenset(
    "address article aside blockquote center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li main menu nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul caption body html".split()
)
"""Elements that start a new block (HTML's block-level and table elements)."""

HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())

# Bits of ``Element.flags``: a property that every descendant inherits.
IN_NAV = 1
IN_HEADER = 2
IN_FOOTER = 4
IN_ASIDE = 8
IN_FORM = 16
IN_FIGURE = 32
IN_LIST = 64
IN_TABLE = 128
IN_ARTICLE = 256
IN_MAIN = 512
IN_BLOCKQUOTE = 1024
IN_PRE = 2048
IN_CAPTION = 4096
IN_HEADING = 8192
IN_ADDRESS = 16384
IN_TIME = 32768

_TAG_FLAGS = {
    "nav": IN_NAV,
    "header": IN_HEADER,
    "footer": IN_FOOTER,
    "aside": IN_ASIDE,
    "form": IN_FORM,
    "figure": IN_FIGURE,
    "ul": IN_LIST,
    "ol": IN_LIST,
    "dl": IN_LIST,
    "menu": IN_LIST,
    "table": IN_TABLE,
    "article": IN_ARTICLE,
    "main": IN_MAIN,
    "blockquote": IN_BLOCKQUOTE,
    "pre": IN_PRE,
    "figcaption": IN_CAPTION,
    "caption": IN_CAPTION,
    "h1": IN_HEADING,
    "h2": IN_HEADING,
    "h3": IN_HEADING,
    "h4": IN_HEADING,
    "h5": IN_HEADING,
    "h6": IN_HEADING,
    "address": IN_ADDRESS,
    "time": IN_TIME,
}

_WS_RE = re.compile(r"\s+")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TOKEN_SPLIT_RE = re.compile(r"[^a-z0-9]+")

MAX_BLOCKS = 20_000
"""Stop cutting after this many blocks: no article needs more, and it bounds time on huge pages."""
MAX_ELEMENTS = 200_000
"""Stop walking after this many elements, for the same reason."""


@dataclass(slots=True)
class Element:
    """One element on some block's path (only elements inside ``<body>`` are recorded)."""

    tag: str
    parent: int
    depth: int
    flags: int
    classid: str
    """Lowercased ``class`` and ``id`` attribute values, space-joined."""
    tokens: tuple[str, ...] = ()
    """Word pieces of ``classid`` (``"post-body main"`` → ``post``, ``body``, ``main``)."""
    href: str | None = None
    # Totals over the blocks below this element, filled after the walk.
    chars: int = 0
    link_chars: int = 0
    n_blocks: int = 0
    n_paragraphs: int = 0
    first_block: int = -1
    last_block: int = -1


@dataclass(slots=True)
class Block:
    """The inline text of one block-level element, with what the classifier looks at."""

    index: int
    text: str
    element: int
    """Index of the block-level element that holds this text (in ``Page.elements``)."""
    tag: str
    flags: int
    chars: int
    link_chars: int
    markdown: str
    links: list[tuple[str, str]] = field(default_factory=list)
    """(anchor text, href) of the links inside this block."""
    in_link_only: bool = False
    offset: int = 0
    """Characters of text in all blocks before this one."""

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0

    @property
    def heading_level(self) -> int:
        return int(self.tag[1]) if self.tag in HEADING_TAGS else 0


@dataclass(slots=True)
class Page:
    """A page cut into blocks, with the element table that the blocks point into."""

    blocks: list[Block]
    elements: list[Element]
    truncated: bool = False

    @property
    def total_chars(self) -> int:
        return self.elements[0].chars if self.elements else 0

    def ancestors(self, element: int) -> list[int]:
        """Indices from ``element`` up to the root (inclusive)."""
        chain = []
        while element >= 0:
            chain.append(element)
            element = self.elements[element].parent
        return chain


@dataclass(slots=True)
class _Buffer:
    """Inline text gathered for the block being built."""

    text: list[str] = field(default_factory=list)
    markdown: list[str] = field(default_factory=list)
    link_chars: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)

    def clear(self) -> None:
        self.text.clear()
        self.markdown.clear()
        self.links.clear()
        self.link_chars = 0


_INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}


def _is_hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


class _Cutter:
    """Walks the DOM once (iteratively: depth is unbounded) and emits blocks."""

    def __init__(self, include_links: bool) -> None:
        self.include_links = include_links
        self.blocks: list[Block] = []
        self.elements: list[Element] = []
        self.buf = _Buffer()
        self.truncated = False
        self.link_depth = 0
        self.link_text: list[str] = []
        self.open_hrefs: list[str] = []

    # -- elements -------------------------------------------------------------------------
    def open_element(self, node: LexborNode, tag: str, parent: int) -> int:
        attrs = node.attributes
        cls = attrs.get("class") or ""
        ident = attrs.get("id") or ""
        classid = f"{cls} {ident}".lower().strip() if (cls or ident) else ""
        parent_el = self.elements[parent] if parent >= 0 else None
        flags = (parent_el.flags if parent_el else 0) | _TAG_FLAGS.get(tag, 0)
        depth = parent_el.depth + 1 if parent_el else 0
        tokens = tuple(t for t in _TOKEN_SPLIT_RE.split(classid) if t) if classid else ()
        href = attrs.get("href") if tag == "a" else None
        self.elements.append(Element(tag, parent, depth, flags, classid, tokens, href))
        return len(self.elements) - 1

    # -- blocks ---------------------------------------------------------------------------
    def add_text(self, raw: str, in_pre: bool) -> None:
        if not raw:
            return
        text = raw if in_pre else _WS_RE.sub(" ", raw)
        if not text.strip() and not self.buf.text:
            return
        self.buf.text.append(text)
        self.buf.markdown.append(text)
        if self.link_depth:
            self.buf.link_chars += len(text.strip())
            self.link_text.append(text)

    def flush(self, element: int) -> None:
        buf = self.buf
        if not buf.text:
            return
        el = self.elements[element]
        in_pre = bool(el.flags & IN_PRE)
        text = "".join(buf.text)
        text = text.strip("\n") if in_pre else text.strip()
        if text:
            if self.link_depth and not buf.links:
                # A link wrapping block elements (a card): credit the block to that link.
                buf.links.append((text, self.open_hrefs[-1] if self.open_hrefs else ""))
            chars = len(text)
            markdown = "".join(buf.markdown).strip()
            block = Block(
                index=len(self.blocks),
                text=text,
                element=element,
                tag=el.tag,
                flags=el.flags,
                chars=chars,
                link_chars=min(buf.link_chars, chars),
                markdown=markdown,
                links=list(buf.links),
            )
            self.blocks.append(block)
            if len(self.blocks) >= MAX_BLOCKS:
                self.truncated = True
        buf.clear()


def cut_blocks(tree: LexborHTMLParser, *, include_links: bool = False) -> Page:
    """Cut the page body into blocks (document order) and total the text under each element."""
    body = tree.body
    cutter = _Cutter(include_links)
    if body is None:
        return Page([], [])
    _walk(body, cutter)
    page = Page(cutter.blocks, cutter.elements, cutter.truncated)
    _total_elements(page)
    return page


# Stack entries: (node, element index of the enclosing block-level element, element index of
# this node's parent) for nodes to enter, or ``None`` node with an index to close.
_Frame = tuple[LexborNode | None, int, int, str]


def _walk(body: LexborNode, cutter: _Cutter) -> None:
    root = cutter.open_element(body, "body", -1)
    stack: list[_Frame] = [(None, root, root, "body")]
    _push_children(body, root, root, stack)
    elements = cutter.elements
    while stack:
        if cutter.truncated or len(elements) >= MAX_ELEMENTS:
            cutter.truncated = True
            break
        node, block_el, parent_el, closing_tag = stack.pop()
        if node is None:
            _close(cutter, block_el, parent_el, closing_tag)
            continue
        tag = node.tag
        if tag == "-text":
            in_pre = bool(elements[parent_el].flags & IN_PRE)
            cutter.add_text(node.text_content or "", in_pre)
            continue
        if tag is None or tag.startswith("-") or tag in SKIP_TAGS or _is_hidden(node):
            continue
        if tag == "br":
            if elements[block_el].flags & IN_PRE:
                cutter.add_text("\n", True)
            else:
                cutter.flush(block_el)
            continue
        if tag == "img":
            continue
        index = cutter.open_element(node, tag, parent_el)
        if tag in BLOCK_TAGS:
            cutter.flush(block_el)
            stack.append((None, index, block_el, tag))
            _push_children(node, index, index, stack)
        else:
            _open_inline(cutter, tag, elements[index])
            stack.append((None, block_el, index, tag))
            _push_children(node, block_el, index, stack)


def _push_children(node: LexborNode, block_el: int, parent_el: int, stack: list[_Frame]) -> None:
    children = list(node.iter(include_text=True))
    for child in reversed(children):
        stack.append((child, block_el, parent_el, ""))


def _open_inline(cutter: _Cutter, tag: str, element: Element) -> None:
    mark = _INLINE_MARKS.get(tag)
    if mark:
        cutter.buf.markdown.append(mark)
    elif tag == "a":
        if cutter.link_depth == 0:
            cutter.link_text = []
        cutter.link_depth += 1
        cutter.open_hrefs.append(element.href or "")
        if cutter.include_links and element.href:
            cutter.buf.markdown.append("[")


def _close(cutter: _Cutter, block_el: int, inner_el: int, tag: str) -> None:
    """Close an element: a block-level one flushes its text, an inline one closes its mark."""
    if tag in BLOCK_TAGS:
        cutter.flush(block_el)
        return
    element = cutter.elements[inner_el]
    mark = _INLINE_MARKS.get(tag)
    buf = cutter.buf
    if mark:
        _close_mark(buf, mark)
    elif tag == "a" and cutter.link_depth:
        cutter.link_depth -= 1
        if cutter.open_hrefs:
            cutter.open_hrefs.pop()
        anchor = _WS_RE.sub(" ", "".join(cutter.link_text)).strip()
        if cutter.link_depth == 0 and anchor:
            buf.links.append((anchor, element.href or ""))
        if cutter.include_links and element.href:
            buf.markdown.append(f"]({element.href})")


def _close_mark(buf: _Buffer, mark: str) -> None:
    """Close ``**``/``*``/`` ` `` around the text since it opened; drop the pair if it is empty."""
    md = buf.markdown
    try:
        start = len(md) - 1 - md[::-1].index(mark)
    except ValueError:
        return
    inner = "".join(md[start + 1 :])
    if not inner.strip():
        del md[start]
        return
    stripped = inner.strip()
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    del md[start:]
    md.append(f"{lead}{mark}{stripped}{mark}{trail}")


def _total_elements(page: Page) -> None:
    """Sum each block's text into every element on its path."""
    elements = page.elements
    offset = 0
    for block in page.blocks:
        block.offset = offset
        offset += block.chars
        paragraph = block.chars >= PARAGRAPH_MIN_CHARS and block.link_density < 0.5
        index = block.element
        while index >= 0:
            el = elements[index]
            el.chars += block.chars
            el.link_chars += block.link_chars
            el.n_blocks += 1
            if paragraph:
                el.n_paragraphs += 1
            if el.first_block < 0:
                el.first_block = block.index
            el.last_block = block.index
            index = el.parent


PARAGRAPH_MIN_CHARS = 80
"""A block this long with few links reads as a prose paragraph (about one full sentence)."""
