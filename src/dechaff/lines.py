"""Plain text cut into line blocks: the text-side counterpart of ``blocks``.

Each non-blank line of the input becomes a :class:`Line` with its character offsets in the input,
its content (surrounding whitespace and any list marker removed), its indentation and its marker
(a bullet such as ``•`` or ``-``, a number ``3.``, a Markdown heading ``##`` or quote ``>``).
Blank lines are not records; a line only remembers whether a blank line came before it. Lines
are cut where ``str.splitlines`` cuts them, so every offset is exact for any ``str``.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from dechaff.compiled import load

TAB_WIDTH = 4
"""Columns a tab counts for in a line's indentation (the common editor and Markdown setting)."""

MAX_LINES = 200_000
"""Lines kept as records; beyond this the rest of the text is one last line (bounded work)."""

BULLETS = "•·◦▪▫▸▹►‣●○■□◆◇➢➤→✓✔-*+–—"
"""Characters that open a list item when followed by a space."""

_MARKER_RE = re.compile(
    r"(?:(?P<heading>#{1,6})|(?P<quote>>+)|(?P<number>\(?\d{1,3}[.)])"
    rf"|(?P<bullet>[{re.escape(BULLETS)}]))[ \t\u00a0]+(?=\S)"
)
_MARKER_OPENERS = BULLETS + "#>("
"""First characters (besides digits) of a line that may open with a marker."""


def compiled_line(name: str) -> Any:
    """The function ``name`` of ``dechaff._line_speedups``, or None (see ``dechaff.compiled``)."""
    return load("_line_speedups", name)


class Line(NamedTuple):
    """One non-blank input line.

    ``start``/``end`` delimit the line without its surrounding whitespace (marker included), so
    ``source[start:end]`` is what a reader sees; ``text`` is that without the list marker.
    """

    number: int
    """Position among the non-blank lines, from 0."""
    start: int
    end: int
    text: str
    indent: int
    marker: str
    """``""``, ``"bullet"``, ``"number"``, ``"heading"`` or ``"quote"``."""
    blank_before: bool


_new_line = tuple.__new__
"""``Line(...)`` without the keyword handling of a named tuple's ``__new__`` (one per line)."""


def _indent_width(prefix: str) -> int:
    return sum(TAB_WIDTH if char == "\t" else 1 for char in prefix)


def _marker(content: str) -> tuple[str, str]:
    """(kind, content without the marker) of a stripped line."""
    if content[0] not in _MARKER_OPENERS and not content[0].isdigit():
        return "", content
    found = _MARKER_RE.match(content)
    if found is None or found.lastgroup is None:
        return "", content
    return found.lastgroup, content[found.end() :]


def split_lines(text: str, *, max_lines: int = MAX_LINES) -> list[Line]:
    """The non-blank lines of ``text`` with exact offsets; blank lines only set ``blank_before``.

    :func:`reference_split_lines`, compiled when the extension is there.
    """
    if _compiled_split is not None:
        lines: list[Line] | None = _compiled_split(text, max_lines, TAB_WIDTH, Line, BULLETS)
        if lines is not None:
            return lines
    return reference_split_lines(text, max_lines=max_lines)


_compiled_split = compiled_line("split_marked_lines")


def reference_split_lines(text: str, *, max_lines: int = MAX_LINES) -> list[Line]:
    """:func:`split_lines` in Python alone (the reference for the compiled pass)."""
    lines: list[Line] = []
    offset = 0
    blank_before = False
    raw_lines = text.splitlines(keepends=True)
    if len(raw_lines) > max_lines:
        head = sum(len(raw) for raw in raw_lines[: max_lines - 1])
        raw_lines = [*raw_lines[: max_lines - 1], text[head:]]
    for raw in raw_lines:
        body = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        content = body.strip()
        if not content:
            blank_before = True
            offset += len(raw)
            continue
        lead = len(body) - len(body.lstrip())
        start = offset + lead
        end = start + len(content)
        kind, stripped = _marker(content)
        indent = _indent_width(body[:lead]) if lead else 0
        lines.append(
            _new_line(Line, (len(lines), start, end, stripped.strip(), indent, kind, blank_before))
        )
        blank_before = False
        offset += len(raw)
    return lines
