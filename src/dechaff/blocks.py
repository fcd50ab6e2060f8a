"""Stage 4 — blocks: cut the DOM into text blocks, each with the facts a classifier needs.

A *block* is the inline text of one block-level element (a paragraph, heading, list item, table
cell, caption, ...). Every element on the path from ``<body>`` is recorded once in an element
table, so blocks can be grouped by container and containers can be scored.

The walk is the hot loop of extraction (it runs once per DOM node), so the element table is kept
column by column (``ElementTable``: lists, plus arrays for the vectorised features) and
``Page.elements[i]`` is a read-only view of one row. Totals over an element's blocks use the
document order: the subtree of element ``i`` is the elements ``i .. end[i] - 1``.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from selectolax.lexbor import LexborHTMLParser, LexborNode

from dechaff.compiled import load, pure_python
from dechaff.parse import HIDDEN_STYLE_RE

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

_TOKEN_CHARS = b"abcdefghijklmnopqrstuvwxyz0123456789"
_TOKEN_BYTES = bytes(c if c in _TOKEN_CHARS else ord(" ") for c in range(256))
"""``bytes.translate`` table keeping ASCII lowercase letters and digits (all else: a space)."""

MAX_BLOCKS = 20_000
"""Stop cutting after this many blocks: no article needs more, and it bounds time on huge pages."""
MAX_ELEMENTS = 200_000
"""Stop walking after this many elements, for the same reason."""
PARAGRAPH_MIN_CHARS = 80
"""A block this long with few links reads as a prose paragraph (about one full sentence)."""
PARAGRAPH_MAX_LINK_DENSITY = 0.5
"""...few links: less than half of its text is link text."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
NameTest = frozenset[str] | re.Pattern[str]
"""How to pick class/id names: by tokens, or by a pattern searched in the lowercased name."""


def starting_words(words: tuple[str, ...], not_after: str = r"\S") -> str:
    """A regex alternation of ``words``, each not right after a ``not_after`` character, with
    that check written after the word's first letter: a pattern that opens with a lookbehind
    is tried at every position of the text searched, one that opens with letters only where
    those letters stand (several times faster over a page's names)."""
    alternatives = (
        f"{re.escape(word[0])}(?<!{not_after}.){re.escape(word[1:])}" for word in words
    )
    return f"(?:{'|'.join(alternatives)})"


def _no_ints() -> IntArray:
    return np.zeros(0, dtype=np.int64)


def ints(values: list[int]) -> IntArray:
    """A list of ints as an array (``np.fromiter`` converts them about twice as fast)."""
    return np.fromiter(values, dtype=np.int64, count=len(values))


def floats(values: list[float]) -> FloatArray:
    return np.fromiter(values, dtype=np.float64, count=len(values))


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


@dataclass(slots=True, eq=False)
class ElementArrays:
    """The element table's numeric columns as arrays, for vectorised features."""

    parent: IntArray = field(default_factory=_no_ints)
    end: IntArray = field(default_factory=_no_ints)
    name: IntArray = field(default_factory=_no_ints)
    chars: IntArray = field(default_factory=_no_ints)
    link_chars: IntArray = field(default_factory=_no_ints)
    n_blocks: IntArray = field(default_factory=_no_ints)
    n_paragraphs: IntArray = field(default_factory=_no_ints)
    first_block: IntArray = field(default_factory=_no_ints)
    last_block: IntArray = field(default_factory=_no_ints)


@dataclass(slots=True, eq=False)
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
    chars: list[int] = field(default_factory=list)
    link_chars: list[int] = field(default_factory=list)
    n_blocks: list[int] = field(default_factory=list)
    n_paragraphs: list[int] = field(default_factory=list)
    first_block: list[int] = field(default_factory=list)
    """Index of the first block below the element (-1: none)."""
    last_block: list[int] = field(default_factory=list)
    arrays: ElementArrays = field(default_factory=ElementArrays)
    """The numeric columns again, as arrays."""

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
        return self._table.chars[self.index]

    @property
    def link_chars(self) -> int:
        return self._table.link_chars[self.index]

    @property
    def n_blocks(self) -> int:
        return self._table.n_blocks[self.index]

    @property
    def n_paragraphs(self) -> int:
        return self._table.n_paragraphs[self.index]

    @property
    def first_block(self) -> int:
        return self._table.first_block[self.index]

    @property
    def last_block(self) -> int:
        return self._table.last_block[self.index]


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


@dataclass(frozen=True, slots=True)
class Image:
    """An ``<img>`` of the page: where it sits and what it shows."""

    before: int
    """Index of the block it sits in or just before (``len(blocks)``: after the last)."""
    src: str
    alt: str


IMAGE_SOURCE_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "src")
"""Where an image's address is, in order: lazy loaders keep the real one in ``data-*``."""


def image_of(attrs: dict[str, str | None], before: int) -> Image | None:
    """The image an ``<img>``'s attributes describe (None: no usable address)."""
    for name in IMAGE_SOURCE_ATTRIBUTES:
        src = (attrs.get(name) or "").strip()
        if src and not src.startswith("data:"):
            return Image(before, src, " ".join((attrs.get("alt") or "").split()))
    return None


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
    offset: int = 0
    """Characters of text in all blocks before this one."""

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0

    @property
    def heading_level(self) -> int:
        return int(self.tag[1]) if self.tag in HEADING_TAGS else 0


@dataclass(slots=True, eq=False)
class Page:
    """A page cut into blocks, with the element table that the blocks point into."""

    blocks: list[Block]
    table: ElementTable = field(default_factory=ElementTable)
    truncated: bool = False
    # Block columns as arrays (filled with the element totals).
    block_element: IntArray = field(default_factory=_no_ints)
    """``Block.element`` of each block."""
    block_chars: IntArray = field(default_factory=_no_ints)
    block_links: IntArray = field(default_factory=_no_ints)
    words: list[list[str]] | None = None
    """The words of each block's lowercased text (see ``features.block_words``)."""
    word_counts: list[int] | None = None
    """How many words each block's text has (filled by ``features.page_features``)."""
    images: list[Image] = field(default_factory=list)
    """The ``<img>`` elements, when asked for (``include_images``)."""
    title_similarity: tuple[frozenset[str], list[float]] | None = None
    """Title words and each block's Jaccard overlap with them (see ``features``)."""
    _memo: dict[tuple[object, NameTest], list[bool]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _holders: list[int] | None = field(default=None, repr=False, compare=False)
    _live: set[int] | None = field(default=None, repr=False, compare=False)
    _joined: tuple[list[int], list[int], str] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def elements(self) -> Elements:
        return Elements(self.table)

    @property
    def total_chars(self) -> int:
        return self.table.chars[0] if len(self.table) else 0

    def ancestors(self, element: int) -> list[int]:
        """Indices from ``element`` up to the root (inclusive)."""
        parent = self.table.parent
        chain = []
        while element >= 0:
            chain.append(element)
            element = parent[element]
        return chain

    def names_matching(self, test: NameTest) -> list[bool]:
        r"""Per distinct class/id name (``table.names``): whether it has one of the tokens in
        ``test`` (a set), or ``test`` (a pattern) is found in it. Worked out once per page, and
        only for the names of elements with some block below them (for others: False).

        A pattern must never match or consume a line break (use lookarounds such as
        ``(?<!\S)`` rather than ``(?:^|\s)``): the names are searched joined a line apart."""
        hits = self._memo.get(("names", test))
        if hits is None:
            table = self.table
            hits = [False] * len(table.names)
            if isinstance(test, re.Pattern):
                # One scan over all the names, a line apart, instead of one search per name:
                # the patterns used never match or consume a line break, so a name has a match
                # in the joined text exactly when it has one of its own.
                live, starts, joined = self._joined_names()
                for match in test.finditer(joined):
                    hits[live[bisect_right(starts, match.start()) - 1]] = True
            else:
                for k in self._live_names():
                    hits[k] = not test.isdisjoint(table.name_tokens[k])
            self._memo[("names", test)] = hits
        return hits

    def elements_named(self, test: NameTest) -> list[int]:
        """The elements with some block below them whose class/id name ``test`` matches (see
        ``names_matching``), in document order."""
        hits = self.names_matching(test)
        if not any(hits):
            return []
        name = self.table.name
        return [i for i in self._block_holders() if hits[name[i]]]

    def _block_holders(self) -> list[int]:
        """The elements with some block below them, in document order."""
        if self._holders is None:
            self._holders = np.flatnonzero(self.table.arrays.n_blocks).tolist()
        return self._holders

    def _joined_names(self) -> tuple[list[int], list[int], str]:
        """The live names (sorted), where each starts in the joined text, and that text (the
        names a line apart): built once per page for all the patterns searched in it."""
        if self._joined is None:
            names = self.table.names
            live = sorted(self._live_names())
            starts, position = [], 0
            for k in live:
                starts.append(position)
                position += len(names[k]) + 1
            self._joined = (live, starts, "\n".join(names[k] for k in live))
        return self._joined

    def _live_names(self) -> set[int]:
        """The names of the elements with some block below them."""
        if self._live is None:
            name = self.table.name
            self._live = {name[i] for i in self._block_holders()}
        return self._live

    def named_near(self, test: NameTest, levels: int) -> list[bool]:
        """Per element: whether it or its nearest ancestors (``levels`` elements in all) are
        named as ``test`` says (see ``names_matching``)."""
        near = self._memo.get((levels, test))
        if near is None:
            size = len(self.table)
            hits = self.names_matching(test)
            if not any(hits):
                near = [False] * size
            else:
                arrays = self.table.arrays
                hit = np.array([*hits, False])  # (a last False for "no element")
                name = np.append(arrays.name, len(hits))
                parent = np.append(arrays.parent, -1)
                element = np.arange(size)
                found = np.zeros(size, dtype=np.bool_)
                for _ in range(levels):
                    found |= hit[name[element]]
                    element = parent[element]
                near = found.tolist()
            self._memo[(levels, test)] = near
        return near

    def inside_named(self, test: NameTest) -> list[bool]:
        """Per element: whether it or one of its ancestors is named as ``test`` says."""
        inside = self._memo.get(("inside", test))
        if inside is None:
            table = self.table
            size = len(table)
            hits = self.names_matching(test)
            if not any(hits):
                inside = [False] * size
            else:
                named = np.flatnonzero(np.array(hits)[table.arrays.name])
                # +1 where a named element's subtree starts, -1 where it ends.
                depth = np.bincount(named, minlength=size + 1) - np.bincount(
                    table.arrays.end[named], minlength=size + 1
                )
                inside = (np.cumsum(depth[:size]) > 0).tolist()
            self._memo[("inside", test)] = inside
        return inside

    def subtree_sum(self, values: npt.NDArray[Any]) -> FloatArray:
        """Per element: the total of ``values`` (one per block) over the blocks below it.

        Exact for whole numbers (partial sums stay below 2**53), like adding each block's value
        into every element on its path.
        """
        size = len(self.table)
        own = np.bincount(self.block_element, weights=values, minlength=size)
        running = np.concatenate((np.zeros(1), np.cumsum(own)))
        return np.asarray(running[self.table.arrays.end] - running[:size], dtype=np.float64)


class _Cutter:
    """The walk's state between nodes: the element table, the blocks, the text being gathered."""

    def __init__(self, include_links: bool, include_images: bool = False) -> None:
        self.include_links = include_links
        self.include_images = include_images
        self.images: list[Image] = []
        self.table = ElementTable()
        self.name_ids: dict[str, int] = {"": 0}
        self.blocks: list[Block] = []
        self.columns: tuple[list[int], list[int], list[int]] = ([], [], [])
        """Element, chars and link chars of each block."""
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
        """The name index of an element's ``class`` and ``id`` (0: neither; -1: it is hidden).

        Names are recorded as written; ``finish_names`` lowercases and splits them once each.
        """
        if "hidden" in attrs or attrs.get("aria-hidden") == "true":
            return -1
        style = attrs.get("style")
        if style and HIDDEN_STYLE_RE.search(style):
            return -1
        return self.shown_name_of(attrs)

    def shown_name_of(self, attrs: dict[str, str | None]) -> int:
        """``name_of`` without the hidden check."""
        cls = attrs.get("class")
        ident = attrs.get("id")
        if not (cls or ident):
            return 0
        raw = f"{cls or ''} {ident or ''}"
        name = self.name_ids.get(raw)
        if name is None:
            name = self.name_ids[raw] = len(self.table.names)
            self.table.names.append(raw)
        return name

    def finish_names(self) -> None:
        table = self.table
        batch = _name_entries(table.names)
        if batch is None:
            entries = [_name_entry(raw) for raw in table.names]
            batch = [name for name, _ in entries], [tokens for _, tokens in entries]
        table.names, table.name_tokens = batch

    def open_root(self, body: LexborNode) -> int:
        table = self.table
        table.tag.append("body")
        table.parent.append(-1)
        table.flags.append(_TAG_FLAGS.get("body", 0))
        table.name.append(self.shown_name_of(body.attributes))  # (the body is never skipped)
        table.end.append(-1)
        return 0

    def add_image(self, attrs: dict[str, str | None]) -> None:
        """Note an ``<img>`` at this point of the walk (in or before the next block)."""
        image = image_of(attrs, len(self.blocks))
        if image is not None:
            self.images.append(image)

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
            anchor = " ".join("".join(self.link_text).split())  # (whitespace runs: one space)
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
            link_chars = min(self.link_chars, chars)
            blocks = self.blocks
            blocks.append(
                Block(
                    len(blocks), text, element, self.table.tag[element], flags, chars,
                    link_chars, "".join(self.markdown).strip(), links, self.offset,
                )
            )
            elements, chars_of, links_of = self.columns
            elements.append(element)
            chars_of.append(chars)
            links_of.append(link_chars)
            self.offset += chars
            self.links = []
            if len(blocks) >= MAX_BLOCKS:
                self.truncated = True
        else:
            self.links.clear()
        self.text.clear()
        self.markdown.clear()
        self.link_chars = 0


def cut_blocks(
    tree: LexborHTMLParser, *, include_links: bool = False, include_images: bool = False
) -> Page:
    """Cut the page body into blocks (document order) and total the text under each element."""
    body = tree.body
    cutter = _Cutter(include_links, include_images)
    if body is None:
        return Page([])
    if _fast_walk is None:
        _walk(body, cutter)
    else:
        _fast_walk(body.mem_id, cutter, cutter.open_root(body))
    cutter.finish_names()
    page = Page(cutter.blocks, cutter.table, cutter.truncated, images=cutter.images)
    _total(page, cutter.columns)
    return page


def _name_entry(raw: str) -> tuple[str, tuple[str, ...]]:
    """A class/id value as written → lowercased and stripped, and its tokens."""
    name = raw.lower().strip()
    return name, _tokens(name)


_NAME_SEPARATOR = "\x00"
"""Joins a page's names to treat them in one go: the parser never leaves a NUL in a value."""
_TOKEN_BYTES_KEEPING_SEPARATOR = _NAME_SEPARATOR.encode() + _TOKEN_BYTES[1:]
"""``_TOKEN_BYTES`` that leaves the separator (byte 0) in place, to cut the names apart after."""


def _name_entries(raws: list[str]) -> tuple[list[str], list[tuple[str, ...]]] | None:
    """``_name_entry`` for all of a page's names at once (one lowercasing, one byte
    translation for the lot): the same result, in a fraction of the calls. None when a name
    holds the separator after all."""
    if not raws:
        return [], []
    joined = _NAME_SEPARATOR.join(raws)
    if joined.count(_NAME_SEPARATOR) != len(raws) - 1:
        return None
    lowered = joined.lower()
    names = [name.strip() for name in lowered.split(_NAME_SEPARATOR)]
    pieces = lowered.encode("utf-8", "surrogatepass").translate(_TOKEN_BYTES_KEEPING_SEPARATOR)
    tokens = [
        tuple(part.decode("ascii").split()) for part in pieces.split(_NAME_SEPARATOR.encode())
    ]
    return names, tokens


def _tokens(name: str) -> tuple[str, ...]:
    """Word pieces of a lowercased class/id value: its runs of ASCII letters and digits."""
    if not name:
        return ()
    pieces = name.encode("utf-8", "surrogatepass").translate(_TOKEN_BYTES)
    return tuple(pieces.decode("ascii").split())


# A stack entry for each open element: (the node after it, its index, the enclosing block-level
# element outside it, its kind).
_Open = tuple[LexborNode | None, int, int, int]


def _walk(body: LexborNode, cut: _Cutter) -> None:
    """Walk the DOM in document order (iteratively: depth is unbounded), cutting blocks.

    This loop runs once per DOM node, so its state lives in local variables and the rare
    events (links, marks, block ends) go to ``_Cutter`` methods.
    """
    table = cut.table
    tags, parents, flags_of, names, ends = (
        table.tag, table.parent, table.flags, table.name, table.end
    )
    last_element = MAX_ELEMENTS - 1
    text_parts, markdown = cut.text, cut.markdown
    kinds, tag_flags = _KINDS, _TAG_FLAGS
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
                if text_parts:
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
            if not raw:
                pass
            elif flags & IN_PRE:
                if text_parts or raw.strip():
                    text_parts.append(raw)
                    markdown.append(raw)
                    if cut.link_depth:
                        cut.link_chars += len(raw.strip())
                        cut.link_text.append(raw)
            elif raw.isspace():  # collapses to one space, kept only inside a block's text
                if text_parts:
                    text_parts.append(" ")
                    markdown.append(" ")
                    if cut.link_depth:
                        cut.link_text.append(" ")
            else:
                if not raw.isprintable() or "  " in raw:  # (printable: only ASCII spaces)
                    raw = _squeeze(raw)
                text_parts.append(raw)
                markdown.append(raw)
                if cut.link_depth:
                    cut.link_chars += len(raw.strip())
                    cut.link_text.append(raw)
            node = node.next
            continue
        if kind < 0:
            kind = _INLINE if tag and tag[0] != "-" else _SKIP
        if kind == _SKIP:
            if tag == "img" and cut.include_images:
                cut.add_image(node.attributes)
            node = node.next
            continue
        attrs = node.attributes
        name = cut.name_of(attrs) if attrs else 0
        if name < 0:
            node = node.next
            continue
        if kind == _BR:
            if flags_of[block_el] & IN_PRE:
                if text_parts:
                    text_parts.append("\n")
                    markdown.append("\n")
                    if cut.link_depth:
                        cut.link_text.append("\n")
            elif text_parts:
                cut.flush(block_el)
                if cut.truncated:
                    return
            node = node.next
            continue
        # An element: record it, then enter it.
        assert tag is not None  # (only text and skipped nodes lack a tag)
        index = len(tags)
        tags.append(tag)
        parents.append(parent_el)
        flags |= tag_flags.get(tag, 0)
        flags_of.append(flags)
        names.append(name)
        ends.append(-1)
        stack.append((node.next, index, block_el, kind))
        if kind == _BLOCK:
            if text_parts:
                cut.flush(block_el)
                if cut.truncated:
                    return
            block_el = index
        elif kind == _MARK:
            markdown.append(_INLINE_MARKS[tag])
        elif kind == _LINK:
            href = attrs.get("href")
            table.hrefs[index] = href
            cut.open_link(href)
        if index == last_element:
            cut.truncated = True
            return
        parent_el = index
        node = node.first_child


def _squeeze(text: str) -> str:
    """Each whitespace run as one space (``re.sub(r"\\s+", " ", text)``), at ``str.split`` speed.

    For text that is not all whitespace (``str.split`` and ``\\s`` agree on what is).
    """
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return f"{lead}{' '.join(text.split())}{trail}"


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


def _total(page: Page, columns: tuple[list[int], list[int], list[int]]) -> None:
    """Fill the block columns (element, chars, link chars), then total each element's blocks
    into the element table."""
    if _compiled_totals is None:
        reference_total(page, columns)
        return
    table, arrays = page.table, page.table.arrays
    page.block_element, page.block_chars, page.block_links = (ints(c) for c in columns)
    totals = _compiled_totals(
        table.parent, table.end, *columns, PARAGRAPH_MIN_CHARS, PARAGRAPH_MAX_LINK_DENSITY
    )
    arrays.parent, arrays.end = totals[0], totals[1]
    arrays.name = ints(table.name)
    (
        arrays.chars, arrays.link_chars, arrays.n_blocks, arrays.n_paragraphs,
        arrays.first_block, arrays.last_block,
    ) = totals[3:]
    (
        _, table.end, table.depth, table.chars, table.link_chars, table.n_blocks,
        table.n_paragraphs, table.first_block, table.last_block,
    ) = totals.tolist()


def reference_total(page: Page, columns: tuple[list[int], list[int], list[int]]) -> None:
    """``_total`` in numpy alone (the reference for the compiled totals)."""
    blocks, table = page.blocks, page.table
    size, n = len(table), len(blocks)
    page.block_element = element = ints(columns[0])
    page.block_chars = chars = ints(columns[1])
    page.block_links = links = ints(columns[2])
    arrays = table.arrays
    arrays.parent = ints(table.parent)
    arrays.name = ints(table.name)
    end = ints(table.end)
    end[end < 0] = size  # (elements still open when the walk stopped early)
    arrays.end, table.end = end, end.tolist()
    # Depth: the elements before this one whose subtree has not ended by it.
    ended = np.cumsum(np.bincount(end, minlength=size + 1)[:size])
    table.depth = (np.arange(size) - ended).tolist()
    # Sums over a subtree (elements i .. end[i] - 1) as differences of running sums.
    paragraph = (chars >= PARAGRAPH_MIN_CHARS) & (
        links / np.maximum(chars, 1) < PARAGRAPH_MAX_LINK_DENSITY
    )
    own = np.zeros((4, size + 1))
    for row, values in enumerate((chars, links, None, paragraph)):
        own[row, 1:] = np.bincount(element, weights=values, minlength=size)
    running = np.cumsum(own, axis=1)  # (whole numbers: exact)
    totals = (running[:, end] - running[:, :size]).astype(np.int64)
    arrays.chars, arrays.link_chars, arrays.n_blocks, arrays.n_paragraphs = totals
    table.chars, table.link_chars, table.n_blocks, table.n_paragraphs = totals.tolist()
    # First and last block of each subtree: range minimum/maximum over the elements' own.
    order = np.arange(n, dtype=np.int64)
    own_first = np.full(size + 1, n, dtype=np.int64)
    np.minimum.at(own_first, element, order)
    own_last = np.full(size + 1, -1, dtype=np.int64)
    np.maximum.at(own_last, element, order)
    bounds = np.empty(2 * size, dtype=np.int64)
    bounds[0::2] = np.arange(size)
    bounds[1::2] = end
    first = np.minimum.reduceat(own_first, bounds)[0::2] if size else own_first[:0]
    arrays.first_block = np.where(first >= n, -1, first)
    arrays.last_block = np.maximum.reduceat(own_last, bounds)[0::2] if size else own_last[:0]
    table.first_block = arrays.first_block.tolist()
    table.last_block = arrays.last_block.tolist()


# -- the compiled walk ------------------------------------------------------------------------


def compiled(name: str) -> Any:
    """The function ``name`` of ``dechaff._speedups``, or None (see ``dechaff.compiled``)."""
    return load("_speedups", name)


_LEXBOR_FUNCTIONS = (
    "lxb_dom_node_next_noi",
    "lxb_dom_node_first_child_noi",
    "lxb_dom_node_tag_id_noi",
    "lxb_dom_node_type_noi",
    "lxb_dom_element_qualified_name",
    "lxb_dom_element_first_attribute_noi",
    "lxb_dom_element_next_attribute_noi",
    "lxb_dom_attr_qualified_name",
    "lxb_dom_attr_value_noi",
)
"""The Lexbor functions the compiled walk calls (exported by selectolax's extension)."""

_PROBE_PAGE = """<html><body class="Probe  X">
<div id="a" style="color:red"> lead <b>bold <i>both</i></b> <em> </em>text&nbsp;&amp;
tail<br><span hidden>hidden</span><p aria-hidden="true">gone</p><p aria-hidden="false">kept</p>
<a href="/x" class="">link <strong>strong</strong></a><a>bare</a><a href="">empty</a></div>
<pre> keep   its
  spaces<br>and breaks </pre><my-widget data-x>custom <code>code</code></my-widget>
<ul><li><a href="/card"><h3>Card</h3><p>dek</p></a></li><li style="display: none">x</li></ul>
<table><tr><td>cell \u00e9\u4e2d</td><th>head</th></tr></table><!-- a comment -->
<svg><text>no</text></svg><script>no</script><img alt="no"><img src="/i.png" alt=" A  cat">
<p>  two  spaces\there <img data-src="/lazy.jpg" src="data:,"></p>
</body></html>"""
"""A page with one of each thing the walk treats specially: the compiled walk must cut it
exactly as the reference does before it is used."""


def _bind_fast_walk() -> Callable[[int, _Cutter, int], None] | None:
    """The compiled walk, bound to Lexbor and checked against ``_walk``; None when the
    extension is missing, Lexbor's functions cannot be found, or the check fails."""
    if pure_python():
        return None
    try:
        import selectolax.lexbor

        from dechaff import _speedups

        library = ctypes.CDLL(selectolax.lexbor.__file__)
        functions = {
            name: ctypes.cast(getattr(library, name), ctypes.c_void_p).value
            for name in _LEXBOR_FUNCTIONS
        }
    except (ImportError, OSError, AttributeError):
        return None
    try:
        # ``lxb_dom_text_t`` is a ``lxb_dom_node_t`` (eleven pointer-sized fields and an enum,
        # padded: twelve words) followed by its text.
        _speedups.bind(
            functions, 12 * ctypes.sizeof(ctypes.c_void_p), _KINDS, _TAG_FLAGS, _INLINE_MARKS,
            _close_mark, _squeeze, HIDDEN_STYLE_RE.search, Block, IN_PRE, MAX_ELEMENTS,
            MAX_BLOCKS,
        )
    except (TypeError, KeyError):  # an extension built from another version of this module
        return None
    walk: Callable[[int, _Cutter, int], None] = _speedups.walk
    return walk if _same_cut(LexborHTMLParser(_PROBE_PAGE), walk) else None


def _same_cut(tree: LexborHTMLParser, walk: Callable[[int, _Cutter, int], None]) -> bool:
    """Whether ``walk`` cuts ``tree`` exactly as the reference ``_walk`` does."""
    body = tree.body
    assert body is not None
    cuts = []
    for fast in (False, True):
        cutter = _Cutter(include_links=True, include_images=True)
        try:
            if fast:
                walk(body.mem_id, cutter, cutter.open_root(body))
            else:
                _walk(body, cutter)
        except Exception:  # a compiled walk that fails on the probe is not used
            return False
        table = cutter.table
        cuts.append(
            (cutter.blocks, table.tag, table.parent, table.flags, table.name, table.end,
             table.hrefs, table.names, cutter.images)
        )
    return cuts[0] == cuts[1] and len(cuts[0][0]) > 0


_fast_walk = _bind_fast_walk()
_compiled_totals: Callable[..., IntArray] | None = compiled("element_totals")
