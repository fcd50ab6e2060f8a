"""Date normalisation: written forms of a date -> ISO 8601 (dechaff.dates)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dechaff.dates import MIN_YEAR, max_plausible_year, normalize_date

MAX_YEAR = 2030


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-11-19", "2019-11-19"),
        ("2019-11-19T10:00:00Z", "2019-11-19T10:00:00+00:00"),
        ("2019-11-19T10:00:00.123+0530", "2019-11-19T10:00:00+05:30"),
        ("2019-11-19T10:00:00-05:00", "2019-11-19T10:00:00-05:00"),
        ("2019-11-19 10:00", "2019-11-19T10:00:00"),
        ("2019-11-19T10:00:00", "2019-11-19T10:00:00"),
        ("Tue, 19 Nov 2019 10:00:00 GMT", "2019-11-19T10:00:00+00:00"),
        ("Tue, 19 Nov 2019 10:00:00 +0100", "2019-11-19T10:00:00+01:00"),
        ("November 19, 2019", "2019-11-19"),
        ("Nov. 19th, 2019", "2019-11-19"),
        ("Published on Nov 19, 2019 at 5:00 PM", "2019-11-19"),
        ("19 Nov 2019", "2019-11-19"),
        ("Tuesday 19 November 2019", "2019-11-19"),
        ("19. November 2019", "2019-11-19"),
        ("19 de noviembre de 2019", "2019-11-19"),
        ("le 1er janvier 2020", "2020-01-01"),
        ("19 listopada 2019 r.", "2019-11-19"),
        ("3 März 2021", "2021-03-03"),
        ("2019/11/19", "2019-11-19"),
        ("19.11.2019", "2019-11-19"),
        ("11/19/2019", "2019-11-19"),
        ("19/11/2019", "2019-11-19"),
        ("2019年11月19日", "2019-11-19"),
        ("2019년 11월 19일", "2019-11-19"),
        ("20191119", "2019-11-19"),
        ("1574168580", "2019-11-19T13:03:00+00:00"),
        ("1574168580000", "2019-11-19T13:03:00+00:00"),
    ],
)
def test_formats(text: str, expected: str) -> None:
    assert normalize_date(text, max_year=MAX_YEAR) == expected


def test_ambiguous_numeric_dates_follow_day_first() -> None:
    assert normalize_date("01/02/2020", max_year=MAX_YEAR) == "2020-02-01"
    assert normalize_date("01/02/2020", day_first=False, max_year=MAX_YEAR) == "2020-01-02"
    # unambiguous either way
    assert normalize_date("25/12/2020", day_first=False, max_year=MAX_YEAR) == "2020-12-25"


@pytest.mark.parametrize(
    "text",
    ["1899-01-01", f"{MIN_YEAR - 1}-06-01", "2091-01-01", "2019-13-45", "2019-02-30",
     "garbage", "", "   ", "Nov 2019", "32 November 2019", "2019-11-19T25:00:00Z"],
)
def test_rejects_implausible_or_invalid(text: str) -> None:
    result = normalize_date(text, max_year=MAX_YEAR)
    if text.startswith("2019-11-19T25"):
        assert result == "2019-11-19"  # the day is sound, the impossible time is dropped
    else:
        assert result is None


def test_default_upper_bound_is_next_year() -> None:
    next_year = max_plausible_year()
    assert normalize_date(f"{next_year}-01-01") == f"{next_year}-01-01"
    assert normalize_date(f"{next_year + 1}-01-01") is None


def test_none_and_non_strings() -> None:
    assert normalize_date(None) is None
    assert normalize_date(123) is None  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_never_raises(text: str) -> None:
    result = normalize_date(text)
    assert result is None or result[:4].isdigit()
