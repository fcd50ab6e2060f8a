"""Stage 4 — blocks: cut the DOM into text blocks, each with the facts a classifier needs.

A *block* is the inline text of one block-level element (a paragraph, heading, list item, table
cell, caption, ...). Every element on the path from ``<body>`` is recorded once in an element
table, so blocks can be grouped by container and containers can be scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
import numpy.typing as npt

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
_TOKEN_RE = re.compile(r"[a-z0-9]+")
"""Word pieces of a class/id value: the runs of ASCII letters and digits."""

MAX_BLOCKS = 20_000
"""Stop cutting after this many blocks: no article needs more, and it bounds time on huge pages."""
MAX_ELEMENTS = 200_000
"""Stop walking after this many elements, for the same reason."""
PARAGRAPH_MIN_CHARS = 80
"""A block this long with few links reads as a prose paragraph (about one full sentence)."""
PARAGRAPH_MAX_LINK_DENSITY = 0.5
"""...few links: less than half of its text is link text."""

IntArray = npt.NDArray[np.int64]

_INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}

# What the walk does with a node, by tag (anything else is an inline element).
_TEXT, _SKIP, _BR, _BLOCK, _MARK, _LINK, _INLINE = range(7)
_KINDS: dict[str | None, int] = {
    **dict.fromkeys(BLOCK_TAGS, _BLOCK),
    **dict.fromkeys(_INLINE_MARKS, _MARK),
    "a": _LINK,
    "br": _BR,
    **dict.fromkeys(SKIP_TAGS, _SKIP),  # last: a skipped tag (``dialog``) is never a block
    "img": _SKIP,  # never text and never recorded, hidden or not
    "-text": _TEXT,
    "-comment": _SKIP,
    "-doctype": _SKIP,
    "-document": _SKIP,
    None: _SKIP,
}
"""Tags not listed are inline elements (or, named ``-...``, other non-element nodes)."""


@dataclass(slots=True)
class ElementTable:
    """Every element on some block's path (inside ``<body>``), one list per column.

    Elements are numbered in document order, so a parent comes before its children and the
    subtree of element ``i`` is exactly the elements ``i .. end[i] - 1``.
    """

    tag: list[str] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    name: list[int] = field(default_factory=list)
    """Index into ``names``: the element's class/id value."""
    end: list[int] = field(default_factory=list)
    """One past the last element of this element's subtree."""
    hrefs: dict[int, str | None] = field(default_factory=dict)
    """``href`` of each ``<a>`` element."""
    names: list[str] = field(default_factory=lambda: [""])
    """Distinct lowercased ``class`` and ``id`` values, space-joined (``names[0]`` is none)."""
    name_tokens: list[tuple[str, ...]] = field(default_factory=lambda: [()])
    """Word pieces of each name (``"post-body main"`` → ``post``, ``body``, ``main``)."""
    # Totals over the blocks below each element, filled after the walk (see ``_total``).
    chars: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    link_chars: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_blocks: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_paragraphs: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    first_block: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    last_block: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.tag)


class Element:
    """One row of the element table (a read-only view)."""

    __slots__ = ("_table", "index")

    def __init__(self, table: ElementTable, index: int) -> None:
        self._table = table
        self.index = index

    def __repr__(self) -> str:
        return f"Element({self.index}, {self.tag!r}, parent={self.parent})"

    @property
    def tag(self) -> str:
        return self._table.tag[self.index]

    @property
    def parent(self) -> int:
        return self._table.parent[self.index]

    @property
    def depth(self) -> int:
        return self._table.depth[self.index]

    @property
    def flags(self) -> int:
        return self._table.flags[self.index]

    @property
    def classid(self) -> str:
        """Lowercased ``class`` and ``id`` attribute values, space-joined."""
        return self._table.names[self._table.name[self.index]]

    @property
    def tokens(self) -> tuple[str, ...]:
        """Word pieces of ``classid`` (``"post-body main"`` → ``post``, ``body``, ``main``)."""
        return self._table.name_tokens[self._table.name[self.index]]

    @property
    def href(self) -> str | None:
        return self._table.hrefs.get(self.index)

    @property
    def chars(self) -> int:
        return int(self._table.chars[self.index])

    @property
    def link_chars(self) -> int:
        return int(self._table.link_chars[self.index])

    @property
    def n_blocks(self) -> int:
        return int(self._table.n_blocks[self.index])

    @property
    def n_paragraphs(self) -> int:
        return int(self._table.n_paragraphs[self.index])

    @property
    def first_block(self) -> int:
        return int(self._table.first_block[self.index])

    @property
    def last_block(self) -> int:
        return int(self._table.last_block[self.index])


class Elements(Sequence[Element]):
    """The element table as a sequence of ``Element`` views."""

    __slots__ = ("_table",)

    def __init__(self, table: ElementTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table.tag)

    @overload
    def __getitem__(self, index: int) -> Element: ...

    @overload
    def __getitem__(self, index: slice) -> list[Element]: ...

    def __getitem__(self, index: int | slice) -> Element | list[Element]:
        if isinstance(index, slice):
            return [Element(self._table, i) for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("element index out of range")
        return Element(self._table, index)

    def __iter__(self) -> Iterator[Element]:
        table = self._table
        return (Element(table, i) for i in range(len(table.tag)))


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
    table: ElementTable = field(default_factory=ElementTable)
    truncated: bool = False

    @property
    def elements(self) -> Elements:
        return Elements(self.table)

    @property
    def total_chars(self) -> int:
        return int(self.table.chars[0]) if len(self.table) else 0

    def ancestors(self, element: int) -> list[int]:
        """Indices from ``element`` up to the root (inclusive)."""
        parent = self.table.parent
        chain = []
        while element >= 0:
            chain.append(element)
            element = parent[element]
        return chain


class _Cutter:
    """The walk's state between nodes: the element table, the blocks, the text being gathered."""

    def __init__(self, include_links: bool) -> None:
        self.include_links = include_links
        self.table = ElementTable()
        self.name_ids: dict[str, int] = {"": 0}
        self.blocks: list[Block] = []
        self.truncated = False
        self.offset = 0
        # Inline text gathered for the block being built.
        self.text: list[str] = []
        self.markdown: list[str] = []
        self.link_chars = 0
        self.links: list[tuple[str, str]] = []
        # Open links.
        self.link_depth = 0
        self.link_text: list[str] = []
        self.open_hrefs: list[str] = []

    # -- elements -------------------------------------------------------------------------
    def name_of(self, attrs: dict[str, str | None]) -> int:
        """The name index of an element's ``class`` and ``id`` (0 when it has neither)."""
        cls = attrs.get("class")
        ident = attrs.get("id")
        if not (cls or ident):
            return 0
        raw = f"{cls or ''} {ident or ''}"
        name = self.name_ids.get(raw)
        if name is None:
            table = self.table
            classid = raw.lower().strip()
            name = self.name_ids[raw] = len(table.names)
            table.names.append(classid)
            table.name_tokens.append(tuple(_TOKEN_RE.findall(classid)))
        return name

    def open_root(self, body: LexborNode) -> int:
        table = self.table
        table.tag.append("body")
        table.parent.append(-1)
        table.depth.append(0)
        table.flags.append(_TAG_FLAGS.get("body", 0))
        table.name.append(self.name_of(body.attributes))
        table.end.append(-1)
        return 0

    # -- links ----------------------------------------------------------------------------
    def open_link(self, href: str | None) -> None:
        if self.link_depth == 0:
            self.link_text = []
        self.link_depth += 1
        self.open_hrefs.append(href or "")
        if self.include_links and href:
            self.markdown.append("[")

    def close_link(self, href: str | None) -> None:
        if not self.link_depth:
            return
        self.link_depth -= 1
        if self.open_hrefs:
            self.open_hrefs.pop()
        if self.link_depth == 0:
            anchor = _WS_RE.sub(" ", "".join(self.link_text)).strip()
            if anchor:
                self.links.append((anchor, href or ""))
        if self.include_links and href:
            self.markdown.append(f"]({href})")

    # -- blocks ---------------------------------------------------------------------------
    def flush(self, element: int) -> None:
        """Emit the gathered text as a block of ``element`` (if there is any text)."""
        if not self.text:
            return
        flags = self.table.flags[element]
        text = "".join(self.text)
        text = text.strip("\n") if flags & IN_PRE else text.strip()
        if text:
            links = self.links
            if self.link_depth and not links:
                # A link wrapping block elements (a card): credit the block to that link.
                links.append((text, self.open_hrefs[-1] if self.open_hrefs else ""))
            chars = len(text)
            blocks = self.blocks
            blocks.append(
                Block(
                    len(blocks), text, element, self.table.tag[element], flags, chars,
                    min(self.link_chars, chars), "".join(self.markdown).strip(), links,
                    False, self.offset,
                )
            )
            self.offset += chars
            self.links = []
            if len(blocks) >= MAX_BLOCKS:
                self.truncated = True
        else:
            self.links.clear()
        self.text.clear()
        self.markdown.clear()
        self.link_chars = 0


def cut_blocks(tree: LexborHTMLParser, *, include_links: bool = False) -> Page:
    """Cut the page body into blocks (document order) and total the text under each element."""
    body = tree.body
    cutter = _Cutter(include_links)
    if body is None:
        return Page([])
    _walk(body, cutter)
    table = cutter.table
    size = len(table)
    table.end = [size if end < 0 else end for end in table.end]
    _total(table, cutter.blocks)
    return Page(cutter.blocks, table, cutter.truncated)


def _is_hidden(attrs: dict[str, str | None]) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


# A stack entry for each open element: (the node after it, its index, the enclosing block-level
# element outside it, its kind).
_Open = tuple[LexborNode | None, int, int, int]


def _walk(body: LexborNode, cut: _Cutter) -> None:  # noqa: C901 - the hot loop, kept in one piece
    """Walk the DOM in document order (iteratively: depth is unbounded), cutting blocks.

    This loop runs once per DOM node, so its state lives in local variables and the rare
    events (links, marks, block ends) go to ``_Cutter`` methods.
    """
    table = cut.table
    tags, parents, depths, flags_of, names, ends = (
        table.tag, table.parent, table.depth, table.flags, table.name, table.end
    )
    text_parts, markdown = cut.text, cut.markdown
    kinds, tag_flags, ws_sub = _KINDS, _TAG_FLAGS, _WS_RE.sub
    root = cut.open_root(body)
    stack: list[_Open] = [(None, root, root, _BLOCK)]
    block_el = parent_el = root
    flags = flags_of[root]
    node = body.first_child
    while True:
        if node is None:  # the innermost open element ends
            after, index, block_el, kind = stack.pop()
            ends[index] = len(tags)
            if kind == _BLOCK:
                cut.flush(index)
                if cut.truncated:
                    return
            elif kind == _MARK:
                _close_mark(markdown, _INLINE_MARKS[tags[index]])
            elif kind == _LINK:
                cut.close_link(table.hrefs[index])
            if not stack:
                return
            parent_el = parents[index]
            flags = flags_of[parent_el]
            node = after
            continue
        tag = node.tag
        kind = kinds.get(tag, -1)
        if kind == _TEXT:
            raw = node.text_content
            if raw:
                text = raw if flags & IN_PRE else ws_sub(" ", raw)
                if text_parts or text.strip():
                    text_parts.append(text)
                    markdown.append(text)
                    if cut.link_depth:
                        cut.link_chars += len(text.strip())
                        cut.link_text.append(text)
            node = node.next
            continue
        if kind < 0:
            kind = _INLINE if tag and tag[0] != "-" else _SKIP
        if kind == _SKIP:
            node = node.next
            continue
        attrs = node.attributes
        if attrs and _is_hidden(attrs):
            node = node.next
            continue
        if kind == _BR:
            if flags_of[block_el] & IN_PRE:
                if text_parts:
                    text_parts.append("\n")
                    markdown.append("\n")
                    if cut.link_depth:
                        cut.link_text.append("\n")
            else:
                cut.flush(block_el)
                if cut.truncated:
                    return
            node = node.next
            continue
        # An element: record it, then enter it.
        index = len(tags)
        assert tag is not None
        tags.append(tag)
        parents.append(parent_el)
        depths.append(len(stack))
        flags |= tag_flags.get(tag, 0)
        flags_of.append(flags)
        names.append(cut.name_of(attrs) if attrs else 0)
        ends.append(-1)
        stack.append((node.next, index, block_el, kind))
        if kind == _BLOCK:
            cut.flush(block_el)
            block_el = index
        elif kind == _MARK:
            markdown.append(_INLINE_MARKS[tag])
        elif kind == _LINK:
            href = attrs.get("href")
            table.hrefs[index] = href
            cut.open_link(href)
        if cut.truncated or index + 1 >= MAX_ELEMENTS:
            cut.truncated = True
            return
        parent_el = index
        node = node.first_child


def _close_mark(md: list[str], mark: str) -> None:
    """Close ``**``/``*``/`` ` `` around the text since it opened; drop the pair if it is empty."""
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


def _total(table: ElementTable, blocks: list[Block]) -> None:
    """Total each element's blocks (those of the elements in its subtree ``i .. end[i] - 1``)."""
    size = len(table)
    n = len(blocks)
    element = np.array([b.element for b in blocks], dtype=np.int64)
    chars = np.array([b.chars for b in blocks], dtype=np.int64)
    links = np.array([b.link_chars for b in blocks], dtype=np.int64)
    paragraph = (chars >= PARAGRAPH_MIN_CHARS) & (links / np.maximum(chars, 1)
                                                   < PARAGRAPH_MAX_LINK_DENSITY)
    start = np.arange(size, dtype=np.int64)
    end = np.array(table.end, dtype=np.int64)

    def subtree_sum(weights: IntArray | None) -> IntArray:
        own = np.bincount(element, weights=weights, minlength=size)
        running = np.concatenate(([0], np.cumsum(own)))
        out: IntArray = (running[end] - running[start]).astype(np.int64)
        return out

    table.chars = subtree_sum(chars)
    table.link_chars = subtree_sum(links)
    table.n_blocks = subtree_sum(None)
    table.n_paragraphs = subtree_sum(paragraph.astype(np.int64))
    # First and last block of each subtree: range minimum/maximum over the per-element ones.
    order = np.arange(n, dtype=np.int64)
    own_first = np.full(size + 1, n, dtype=np.int64)
    np.minimum.at(own_first, element, order)
    own_last = np.full(size + 1, -1, dtype=np.int64)
    np.maximum.at(own_last, element, order)
    bounds = np.empty(2 * size, dtype=np.int64)
    bounds[0::2] = start
    bounds[1::2] = end
    first = np.minimum.reduceat(own_first, bounds)[0::2] if size else own_first[:0]
    table.first_block = np.where(first >= n, -1, first)
    table.last_block = np.maximum.reduceat(own_last, bounds)[0::2] if size else own_last[:0]
