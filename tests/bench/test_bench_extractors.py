"""Extractor registry: dechaff and trafilatura wrappers, optional peers skipped with a hint."""

from __future__ import annotations

import pytest
from benchdata import PARAGRAPHS, article_html

from dechaff.bench.extractors import (
    REGISTRY,
    ExtractorUnavailable,
    _require,
    get_extractor,
    html_fragment_text,
)
from dechaff.bench.report import _label_levels

HTML = article_html("A fox story", PARAGRAPHS["a1"] * 4)


def test_missing_package_names_the_pip_install() -> None:
    with pytest.raises(ExtractorUnavailable, match="pip install some-peer"):
        _require("no_such_module_for_dechaff_tests", "some-peer")
    with pytest.raises(KeyError, match="unknown extractor"):
        get_extractor("nope")


@pytest.mark.parametrize("name", ["dechaff", "dechaff-precision", "dechaff-recall"])
def test_dechaff_variants(name: str) -> None:
    extractor = get_extractor(name)
    assert extractor.name == name and extractor.metadata is None
    assert "quick brown fox" in extractor.text(HTML, "https://example.com/a").text


def test_trafilatura_text_and_untimed_metadata() -> None:
    extractor = get_extractor("trafilatura")
    assert extractor.metadata is not None
    assert "quick brown fox" in extractor.text(HTML, None).text
    meta = extractor.metadata(HTML, "https://example.com/a")
    assert meta.title == "A fox story" and meta.text == ""
    assert {"trafilatura-fast", "trafilatura-precision", "justext"} <= set(REGISTRY)


def test_html_fragment_text_keeps_words_apart() -> None:
    text = html_fragment_text("<div><p>one</p><p>two</p><script>x()</script></div>")
    assert text.split() == ["one", "two"]


def test_label_levels_stack_only_neighbours() -> None:
    points = [("a", 10.0, 0.90), ("b", 11.0, 0.90), ("c", 100.0, 0.90), ("d", 10.5, 0.50)]
    assert _label_levels(points) == [0, 1, 0, 0]
