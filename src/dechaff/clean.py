"""Clean text that was already extracted: keep the article, report every removed line.

The plain-text path reads like the HTML one, stage by stage: cut the text into lines
(``lines``) → line features (``line_features``) → a kind per line (``line_rules``) → assemble
the kept lines into the article and the removed ones into spans with offsets into the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dechaff.line_features import line_features
from dechaff.line_model import LineKeeper, default_keeper
from dechaff.line_rules import Decision, Kind, decide, name_lines
from dechaff.lines import Line, compiled_line, split_lines

CleanFavor = Literal["precision", "balanced", "recall"]
CLEAN_FAVORS: tuple[CleanFavor, ...] = ("precision", "balanced", "recall")


@dataclass(frozen=True, slots=True)
class Removed:
    """One removed line: ``source[start:end] == text``; ``kind`` says what it was."""

    kind: str
    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The article kept from a text, and every line removed from it (in input order).

    Each line of ``text`` is an input line, in order, with its surrounding whitespace removed; a
    blank line separates two kept lines that a blank line separated in the input.
    """

    text: str
    removed: list[Removed] = field(default_factory=list)


def clean_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    favor: CleanFavor = "balanced",
) -> Cleaned:
    """Keep the article of already-extracted ``text``; report what was removed and why.

    ``title`` (the headline, when known) helps find the headline and its repeats; ``url`` is
    accepted for symmetry with :func:`dechaff.extract` and currently unused. ``favor`` trades
    precision for recall. Never raises on a ``str``; removing nothing is a valid result.
    """
    return clean_with(text, default_keeper(), title=title, favor=favor)


def clean_with(
    text: str, keeper: LineKeeper, *, title: str | None = None, favor: str = "balanced"
) -> Cleaned:
    """:func:`clean_text` with a given keeper (the rules' body region or a learned model)."""
    lines = split_lines(text)
    features = line_features(lines, title)
    naming = name_lines(features, has_title=bool(title and title.strip()))
    decisions = decide(features, naming, keeper.keep(features, naming, favor))
    return _assemble(text, lines, decisions)


def _assemble(source: str, lines: list[Line], decisions: list[Decision]) -> Cleaned:
    """The kept lines joined into the article, a :class:`Removed` for every other line.

    :func:`reference_assemble`, compiled when the extension is there.
    """
    if _compiled_assemble is None:
        return reference_assemble(source, lines, decisions)
    text, removed = _compiled_assemble(source, lines, decisions, Kind.MAIN, Removed)
    return Cleaned(text, removed)


_compiled_assemble = compiled_line("assemble")


def reference_assemble(source: str, lines: list[Line], decisions: list[Decision]) -> Cleaned:
    """:func:`_assemble` in Python alone (the reference for the compiled pass)."""
    parts: list[str] = []
    removed: list[Removed] = []
    gap = False
    for line, decision in zip(lines, decisions, strict=True):
        gap = gap or line.blank_before
        if decision.kind is Kind.MAIN:
            if parts:
                parts.append("\n\n" if gap else "\n")
            parts.append(source[line.start : line.end])
            gap = False
        else:
            removed.append(
                Removed(
                    decision.kind.value,
                    line.start,
                    line.end,
                    source[line.start : line.end],
                    decision.reason,
                )
            )
    return Cleaned("".join(parts), removed)
