"""Stage 2 — parse: HTML text to a Lexbor DOM, with a guard against pathological nesting.

Lexbor's tree builder checks the stack of open elements on many start tags, so a page of
100,000 nested ``<div>`` costs it tens of seconds. Before parsing we measure the nesting depth
with a cheap tag scan and, above a cap, drop the tags that would nest deeper (their text stays).
"""

from __future__ import annotations

import re
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser

MAX_NESTING = 4000
"""Lexbor stays under ~50 ms up to this depth; real pages (even counting tag-like text in
scripts, which the cheap scan cannot tell apart) stay below ~600."""

_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen".split()
)
"""Elements that never take children, so they never deepen the tree."""

SELF_CLOSING_TAGS = frozenset(
    "p li dt dd option optgroup tr td th thead tbody tfoot rp rt colgroup caption".split()
)
"""Elements the parser closes implicitly when a sibling starts, so unclosed ones stay shallow."""

_NOSCRIPT_RE = re.compile(r"<(/?)noscript\b", re.IGNORECASE)
_HIDDEN_ATTR_RE = re.compile(r"(<[a-zA-Z][^<>]*?\s)hidden(?=[\s=/>])", re.IGNORECASE)
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
"""An inline style that hides its element (the blocks stage skips such elements)."""

_SHALLOW = "|".join(sorted(VOID_TAGS | SELF_CLOSING_TAGS))
_QUICK_TAG_RE = re.compile(rf"<(/?)(?!(?:{_SHALLOW})[\s/>])[a-zA-Z]")
_STEP = {"": 1, "/": -1}


def parse(html: str) -> LexborHTMLParser:
    """Parse ``html`` into a Lexbor DOM, flattening nesting deeper than ``MAX_NESTING``."""
    # Each tag the depth scan counts starts with "<": with few of those, skip the scan.
    if html.count("<") > MAX_NESTING and approximate_depth(html) > MAX_NESTING:
        html = flatten_deep_nesting(html, MAX_NESTING)
    return LexborHTMLParser(html)


def shown_html(html: str) -> str:
    """The page as a reader sees it once scripts have run or with scripts off: ``<noscript>``
    content as ordinary markup (a ``<div>``: forum software serves whole threads there for
    crawlers) and elements hidden until the page's scripts reveal them (the ``hidden``
    attribute, ``display: none``, ``visibility: hidden``: streamed server rendering parks the
    article in such an element) shown. The same string when there is nothing to show."""
    html = _NOSCRIPT_RE.sub(r"<\1div", html)
    html = _HIDDEN_ATTR_RE.sub(r"\1data-hidden", html)
    return HIDDEN_STYLE_RE.sub("display: revert", html)


def approximate_depth(html: str) -> int:
    """Deepest nesting of start/end tags, counted at C speed (a cheap upper-bound-ish hint)."""
    steps = _QUICK_TAG_RE.findall(html)
    if len(steps) <= MAX_NESTING:
        return len(steps)
    return max(accumulate(map(_STEP.__getitem__, steps)))


def flatten_deep_nesting(html: str, cap: int) -> str:
    """Drop start and end tags that would nest deeper than ``cap`` (their text is kept)."""
    depth = 0
    drops: list[tuple[int, int]] = []
    dropped_open = 0
    for match in _TAG_RE.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in VOID_TAGS or name in SELF_CLOSING_TAGS or self_closing:
            continue
        if closing:
            if dropped_open:
                dropped_open -= 1
                drops.append(match.span())
            elif depth > 0:
                depth -= 1
            continue
        if depth >= cap:
            dropped_open += 1
            drops.append(match.span())
            continue
        depth += 1
    if not drops:
        return html
    return _cut_spans(html, drops)


def _cut_spans(text: str, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return "".join(parts)
