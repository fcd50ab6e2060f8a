"""Cutting plain text into line records: offsets, markers, indentation, blank lines."""

from __future__ import annotations

import pytest

from dechaff.lines import Line, split_lines


def spans(text: str) -> list[str]:
    return [text[line.start : line.end] for line in split_lines(text)]


def test_blank_lines_are_not_records_but_are_remembered() -> None:
    lines = split_lines("first\n\n\nsecond\nthird\n")
    assert [line.text for line in lines] == ["first", "second", "third"]
    assert [line.blank_before for line in lines] == [False, True, False]
    assert [line.number for line in lines] == [0, 1, 2]


@pytest.mark.parametrize(
    "text",
    [
        "a\r\nb\r\n\r\nc",
        "a\rb\x0bc\x0cd\x1ce\x85f\u2028g\u2029h",
        "  \t indented \t \n\u00a0\u3000wide spaces\u3000\n",
        "no newline at the end",
        "",
        "\n\n\n",
    ],
)
def test_offsets_point_at_the_stripped_line(text: str) -> None:
    for line in split_lines(text):
        assert text[line.start : line.end] == text[line.start : line.end].strip()
        assert text[line.start : line.end]
        assert line.text in text[line.start : line.end]


def test_crlf_offsets() -> None:
    assert spans("one\r\n  two  \r\n") == ["one", "two"]


@pytest.mark.parametrize(
    ("raw", "marker", "text"),
    [
        ("  • Teaser headline", "bullet", "Teaser headline"),
        ("- item", "bullet", "item"),
        ("* item", "bullet", "item"),
        ("+ item", "bullet", "item"),
        ("1. first step", "number", "first step"),
        ("12) twelfth", "number", "twelfth"),
        ("(3) third", "number", "third"),
        ("## A heading", "heading", "A heading"),
        ("> quoted", "quote", "quoted"),
        ("-5 degrees at night", "", "-5 degrees at night"),
        ("#hashtag", "", "#hashtag"),
        ("2019. A year.", "", "2019. A year."),
        ("J. Smith wrote", "", "J. Smith wrote"),
        ("•", "", "•"),
    ],
)
def test_list_markers(raw: str, marker: str, text: str) -> None:
    (line,) = split_lines(raw)
    assert (line.marker, line.text) == (marker, text)
    assert raw[line.start : line.end] == raw.strip()


def test_indentation_counts_tabs_as_four_columns() -> None:
    lines = split_lines("  • item\n    nested\n\tdeep\nflat")
    assert [line.indent for line in lines] == [2, 4, 4, 0]


def test_line_records_are_immutable() -> None:
    (line,) = split_lines("text")
    assert isinstance(line, Line)
    with pytest.raises(AttributeError):
        line.text = "other"  # type: ignore[misc]


def test_number_of_records_is_bounded() -> None:
    text = "\n".join(f"line {i}" for i in range(50))
    lines = split_lines(text, max_lines=10)
    assert len(lines) == 10
    last = lines[-1]
    assert text[last.start : last.end].startswith("line 9\n")
    assert text[last.start : last.end].endswith("line 49")


def test_one_huge_line() -> None:
    text = "word " * 200_000
    (line,) = split_lines(text)
    assert (line.start, line.end) == (0, len(text) - 1)
