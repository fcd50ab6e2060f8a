"""``dechaff.clean_text``: the article kept, every removed line reported with its kind."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dechaff
from dechaff import Cleaned, Removed, clean_text
from dechaff.clean import clean_with
from dechaff.line_model import RuleKeeper, default_keeper

HEADLINE = "Harbour Council Approves Plan to Rebuild the Old Eastern Pier"
BYLINE = "By Reuters"
TAG = "Infrastructure"
CAPTION = (
    "Workers inspect the storm-damaged eastern pier at Marlow Bay on Tuesday. "
    "Photo: Anna Kovac/Reuters"
)
BODY = [
    "The harbour council voted on Tuesday to rebuild the eastern pier, which has been closed to "
    "the public since a winter storm tore away a third of its wooden deck two years ago.",
    "The plan, approved by nine votes to two, sets aside 14 million for new steel piles, a wider "
    "walkway and a launching ramp for the lifeboat crew, who have worked from a temporary "
    "slipway across the bay since the storm.",
    '"We have waited long enough, and the town has been patient with us," the council\'s chair, '
    'Miriam Osei, told members before the vote. "For most visitors, this pier is the first '
    'thing they see of Marlow Bay."',
    "Opponents argued that the money would be better spent on flood defences along the "
    "northern shore, where several streets flooded twice last year. Work is expected to begin "
    "in the spring and to take about eighteen months.",
]
TEASERS = [
    ("Fishermen Warn of Empty Nets as Water Temperatures Rise",
     "Boat crews along the coast say catches of cod have fallen by half since the summer, and "
     "several are consid"),
    ("New Ferry Timetable Cuts the Crossing to the Islands",
     "The operator says its faster vessels will shorten the trip by twenty minutes from the "
     "first sailing of the mo…"),
    ("Lighthouse Keeper's Cottage Opens as a Small Museum",
     "Volunteers spent three years restoring the cottage, which now displays the logbooks kept "
     "by four gene…"),
    ("School Rowing Team Wins Its First National Title",
     "The crew of eight, none of them older than seventeen, beat the favourites by less than a "
     "length in a fin…"),
    ("Storm Warning Issued for the Weekend Along the Coast",
     "Forecasters expect gusts of up to ninety kilometres an hour on Saturday night, with the "
     "highest tid"),
]


def record(*, bullet: str = "  • ", indent: str = "    ") -> str:
    """The record of issue 4, resiliparse-style: head, body, then a sidebar of five teasers."""
    head = [HEADLINE, "", BYLINE, "", TAG, "", CAPTION, ""]
    body = [line for paragraph in BODY for line in (paragraph, "")]
    sidebar = [
        line
        for title, snippet in TEASERS
        for line in (f"{bullet}{title}", f"{indent}{title}", snippet)
    ]
    return "\n".join(head + body + sidebar) + "\n"


def kinds(cleaned: Cleaned) -> dict[str, str]:
    return {span.text.strip(" •"): span.kind for span in cleaned.removed}


def check_spans(text: str, cleaned: Cleaned) -> None:
    for span in cleaned.removed:
        assert text[span.start : span.end] == span.text
        assert span.kind and span.reason
    starts = [span.start for span in cleaned.removed]
    assert starts == sorted(starts)


@pytest.mark.parametrize("keeper", ["model", "rules"])
def test_the_issue_record_comes_back_as_its_body(keeper: str) -> None:
    text = record()
    chosen = default_keeper() if keeper == "model" else RuleKeeper()
    cleaned = clean_with(text, chosen)
    body = "\n\n".join(BODY)
    assert cleaned.text in (body, f"{HEADLINE}\n\n{body}")
    named = kinds(cleaned)
    assert named[BYLINE] == "byline"
    assert named[TAG] == "tag"
    assert named[CAPTION] == "caption"
    for title, snippet in TEASERS:
        assert named[title] == "teaser"
        assert named[snippet] == "teaser"
    teasers = [span for span in cleaned.removed if span.kind == "teaser"]
    assert len(teasers) == 3 * len(TEASERS)
    check_spans(text, cleaned)


def test_the_public_function_uses_the_shipped_keeper() -> None:
    text = record()
    assert clean_text(text) == clean_with(text, default_keeper())
    assert dechaff.clean_text is clean_text


@pytest.mark.parametrize(("bullet", "indent"), [("- ", "  "), ("* ", "   "), ("", ""), ("• ", "")])
def test_the_teaser_signature_in_other_list_styles(bullet: str, indent: str) -> None:
    cleaned = clean_text(record(bullet=bullet, indent=indent))
    named = kinds(cleaned)
    for title, snippet in TEASERS:
        assert named[title.strip()] == "teaser"
        assert named[snippet] == "teaser"
    for paragraph in BODY:
        assert paragraph in cleaned.text


def test_a_given_title_removes_the_headline() -> None:
    cleaned = clean_text(record(), title=HEADLINE)
    assert cleaned.text == "\n\n".join(BODY)
    assert kinds(cleaned)[HEADLINE] == "title"


def test_teasers_are_found_in_another_language() -> None:
    teasers = [
        ("Fischer warnen vor leeren Netzen im Herbst", "Die Fangmengen an der Küste sind seit dem "
         "Sommer um die Hälfte gesunken, sagen mehrere Kapitä"),
        ("Neue Fähre verkürzt die Fahrt zu den Inseln", "Der Betreiber sagt, die schnelleren "
         "Schiffe sparen zwanzig Minuten auf der ersten Fahrt des Mor…"),
        ("Leuchtturm wird zum kleinen Museum umgebaut", "Freiwillige haben drei Jahre lang an dem "
         "Haus gearbeitet, in dem nun die Logbücher von vier Generati…"),
    ]
    body = (
        "Der Hafenrat hat am Dienstag beschlossen, den östlichen Pier wieder aufzubauen, der seit "
        "einem Sturm vor zwei Jahren für die Öffentlichkeit gesperrt ist. Die Arbeiten sollen im "
        "Frühjahr beginnen und etwa achtzehn Monate dauern, teilte die Vorsitzende mit."
    )
    text = "\n".join([body, body.replace("Hafenrat", "Stadtrat"), ""] + [
        line for title, snippet in teasers for line in (f"  • {title}", f"    {title}", snippet)
    ])
    cleaned = clean_text(text)
    assert cleaned.text.splitlines() == [body, body.replace("Hafenrat", "Stadtrat")]
    assert {span.kind for span in cleaned.removed} == {"teaser"}


def test_kept_lines_are_input_lines_in_order() -> None:
    text = record()
    cleaned = clean_text(text)
    position = 0
    for line in cleaned.text.splitlines():
        if line:
            position = text.index(line, position) + len(line)


def test_nothing_to_remove_is_a_valid_result() -> None:
    text = "\n\n".join(BODY)
    cleaned = clean_text(text)
    assert cleaned.text == text
    assert cleaned.removed == []


def test_notices_are_named() -> None:
    text = "\n".join([
        *BODY,
        "© 2026 Marlow Bay Gazette. All rights reserved.",
        "We use cookies to improve your experience on our website. Accept all",
        "Share on Facebook Twitter WhatsApp",
        "Sign up for our newsletter",
    ])
    named = kinds(clean_text(text))
    assert named["© 2026 Marlow Bay Gazette. All rights reserved."] == "copyright"
    assert named["We use cookies to improve your experience on our website. Accept all"] == "cookie"
    assert named["Share on Facebook Twitter WhatsApp"] == "share"
    assert named["Sign up for our newsletter"] == "newsletter"


def test_removed_is_a_span_record() -> None:
    span = clean_text(record()).removed[0]
    assert isinstance(span, Removed)
    assert {"kind", "start", "end", "text", "reason"} <= set(Removed.__dataclass_fields__)
    assert isinstance(span.reason, str) and span.reason


@pytest.mark.parametrize("text", ["", " ", "\n", "\n\n \t\n", "\x00", "•", "…", "# ", "- "])
def test_empty_and_degenerate_texts(text: str) -> None:
    cleaned = clean_text(text)
    check_spans(text, cleaned)
    assert cleaned.text.strip() == "" or cleaned.text.strip() in text


@pytest.mark.parametrize("favor", ["precision", "balanced", "recall"])
def test_favor_keeps_the_body(favor: str) -> None:
    cleaned = clean_text(record(), favor=favor)  # type: ignore[arg-type]
    for paragraph in BODY:
        assert paragraph in cleaned.text


def test_a_ten_megabyte_line() -> None:
    text = ("The river rose again overnight and the bridge stayed closed. " * 170_000)[:10_000_000]
    cleaned = clean_text(text)
    check_spans(text, cleaned)
    assert cleaned.text in ("", text.strip())


def test_binary_junk() -> None:
    junk = "".join(chr(c) for c in range(0, 0x3000, 7)) + "\udc80\udcff\ud800\ufffe\U0010ffff"
    text = junk + "\n" + "\n".join(BODY) + "\n" + junk[::-1]
    cleaned = clean_text(text)
    check_spans(text, cleaned)
    for paragraph in BODY:
        assert paragraph in cleaned.text


FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LINES = st.sampled_from(
    [HEADLINE, BYLINE, TAG, CAPTION, *BODY, *(t for pair in TEASERS for t in pair), "", "  ",
     "  • ", "1. ", "# ", "…", "...", "©", "\r", "\u2028", "\t"]
)


@FUZZ
@given(st.text())
def test_never_raises_and_offsets_are_exact(text: str) -> None:
    cleaned = clean_text(text)
    check_spans(text, cleaned)


@FUZZ
@given(st.lists(st.one_of(LINES, st.text(max_size=40)), max_size=40), st.sampled_from(
    ["\n", "\r\n", "\n\n", "\r"]))
def test_structured_noise(parts: list[str], separator: str) -> None:
    text = separator.join(parts)
    cleaned = clean_text(text, title=parts[0] if parts else None)
    check_spans(text, cleaned)
    kept = [line for line in cleaned.text.splitlines() if line.strip()]
    assert all(line in text for line in kept)
