"""Parse stage: the depth guard and the page as shown (dechaff.parse), and the app-shell
fallback that uses it (dechaff.api)."""

from __future__ import annotations

import dechaff
from dechaff.api import SHELL_MAX_CHARS
from dechaff.blocks import cut_blocks
from dechaff.parse import MAX_NESTING, approximate_depth, parse, shown_html

POST = (
    "<p>The opening post of the thread explains the problem in a few long sentences, so that "
    "the readers who answer it know what was tried before and what happened then.</p>"
)


def shown_text(html: str) -> str:
    return "\n".join(b.text for b in cut_blocks(parse(shown_html(html))).blocks)


def test_shown_html_unwraps_noscript() -> None:
    html = f"<html><body><div id='app'></div><noscript><main>{POST}</main></noscript></body></html>"
    assert cut_blocks(parse(html)).total_chars == 0
    assert "opening post" in shown_text(html)


def test_shown_html_shows_hidden_elements() -> None:
    for hidden in (
        "<div hidden>",
        '<div hidden="">',
        '<div class="x" HIDDEN id="S:0">',
        '<div style="visibility: hidden; min-height: 100vh">',
        '<div style="display:none">',
    ):
        html = f"<html><body>{hidden}{POST}</div></body></html>"
        assert cut_blocks(parse(html)).total_chars == 0, hidden
        assert "opening post" in shown_text(html), hidden


def test_shown_html_leaves_words_and_other_attributes_alone() -> None:
    html = '<p data-hidden-note="x" title="hidden">hidden treasure</p><i class="hidden-xs">a</i>'
    assert shown_html(html) == html


def test_app_shell_is_read_as_shown() -> None:
    shell = f"<html><body><div id='root'></div><noscript>{POST * 3}</noscript></body></html>"
    assert "opening post" in dechaff.extract(shell).text


def test_page_with_text_keeps_its_noscript_out() -> None:
    body = POST.replace("opening post", "article") * 4
    assert len(body) > SHELL_MAX_CHARS
    html = (
        f"<html><body><article>{body}</article>"
        "<noscript><p>Please turn on JavaScript to see the comments and the related stories "
        "that this site shows under every article.</p></noscript></body></html>"
    )
    assert "JavaScript" not in dechaff.extract(html).text


def test_depth_guard_flattens_deep_nesting() -> None:
    html = "<div>" * (MAX_NESTING * 2) + "deep text" + "</div>" * (MAX_NESTING * 2)
    assert approximate_depth(html) > MAX_NESTING
    assert "deep text" in parse(html).body.text()  # type: ignore[union-attr]
