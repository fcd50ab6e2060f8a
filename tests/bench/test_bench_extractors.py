"""Extractor registry: dechaff and trafilatura wrappers, optional peers skipped with a hint."""

from __future__ import annotations

import ast
import inspect
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from benchdata import PARAGRAPHS, article_html

import dechaff
from dechaff.bench import extractors
from dechaff.bench.charts import Box, family, place_labels, styles
from dechaff.bench.extractors import (
    PEER_MODULES,
    REGISTRY,
    ExtractorUnavailable,
    _require,
    get_extractor,
    html_fragment_text,
    html_language,
)

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


def test_labels_keep_apart_and_near_their_own_point() -> None:
    bounds = Box(0, 0, 400, 300)
    anchors = [(100.0, 150.0), (108.0, 150.0), (104.0, 158.0), (300.0, 150.0)]
    sizes = [(60.0, 12.0)] * len(anchors)
    placed = place_labels(anchors, sizes, bounds)
    boxes = [box for box, _ in placed]
    for i, box in enumerate(boxes):
        assert box.inside(bounds)
        assert all(box.overlap(other) == 0 for other in boxes[i + 1:])
        assert not any(box.contains(anchor) for anchor in anchors)
    assert placed[3][1] == 0  # a lone point keeps its label beside it

    def gap(box: Box, point: tuple[float, float]) -> float:
        x, y = box.nearest(point)
        return math.hypot(x - point[0], y - point[1])

    for (box, ring), anchor in zip(placed, anchors, strict=True):
        if ring == 0:  # no leader line: the label's own point is the nearest one
            assert all(gap(box, anchor) < gap(box, other) for other in anchors if other != anchor)


def test_chart_styles_share_a_colour_per_family() -> None:
    names = ["dechaff", "dechaff-recall", "trafilatura", "trafilatura-fast", "html-text"]
    style = styles(names)
    assert style["dechaff"][0] == style["dechaff-recall"][0] != style["trafilatura"][0]
    assert style["dechaff"][1] != style["dechaff-recall"][1]
    assert family("html-text", names) == "html-text"


LONG_ARTICLE = article_html(  # paragraphs over 200 characters: jusText's "long enough"
    "A fox story",
    [
        "The quick brown fox jumps over the lazy dog near the river bank today, and the people "
        "who live in the village said that they had never seen such a thing in all their years. "
        "Scientists said the finding could change how we think about foxes, because it shows "
        "that they are able to plan their jumps with a care that nobody had expected of them.",
        "The dog, for its part, did not seem to mind at all and went back to sleep in the sun "
        "while the fox ran off into the woods on the other side of the water before dinner. "
        "The people of the village have since put up a small sign beside the river to remember "
        "the day on which the fox and the dog met there for the first and the last time.",
    ] * 2,
)
PEERS = [name for name in REGISTRY if not name.startswith(("dechaff", "trafilatura"))]


@pytest.mark.parametrize("name", PEERS)
def test_installed_peer_extracts_the_article(name: str) -> None:
    try:
        extractor = get_extractor(name)
    except ExtractorUnavailable as exc:
        pytest.skip(str(exc))
    text = extractor.text(LONG_ARTICLE, "https://example.com/fox").text
    assert "quick brown fox jumps over the lazy dog" in " ".join(text.split())
    assert extractor.version


def test_peer_modules_cover_every_peer_factory() -> None:
    source = inspect.getsource(extractors)
    required = set(re.findall(r'_require\("([\w.]+)", "([\w-]+)"\)', source))
    assert {(module.split(".")[0], pip) for module, pip in required} == set(PEER_MODULES.items())


def test_extraction_package_never_imports_a_peer() -> None:
    """No module of dechaff outside dechaff.bench names a peer (or the bench) in an import."""
    package = Path(dechaff.__file__).parent
    forbidden = {*PEER_MODULES, "dechaff.bench"}
    offenders = []
    for path in package.rglob("*.py"):
        if (package / "bench") in path.parents:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:  # a file mid-edit is another test's business
            continue
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in forbidden or n.startswith("dechaff.bench")]
    assert offenders == []


def test_extracting_loads_no_peer() -> None:
    code = (
        "import sys, dechaff, dechaff.cli\n"
        f"dechaff.extract({LONG_ARTICLE!r})\n"
        f"print(sorted(m for m in {sorted(PEER_MODULES)!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("html", "language"), [
    ('<!doctype html><html lang="de-AT"><p>x', "de"),
    ("<html class=a xml:lang=pt_BR>", "pt"),
    ("<html><body lang=fr>", None),
    ("<html lang='english'>", None),
])
def test_html_language(html: str, language: str | None) -> None:
    assert html_language(html) == language


def test_justext_uses_the_declared_language() -> None:
    try:
        extractor = get_extractor("justext")
    except ExtractorUnavailable as exc:
        pytest.skip(str(exc))
    german = ("Der schnelle braune Fuchs springt über den faulen Hund, und die Leute im Dorf "
              "sagen, dass sie so etwas noch nie in ihrem ganzen Leben gesehen haben. Die "
              "Forscher meinen, dass der Fuchs seine Sprünge mit einer Sorgfalt plant, die man "
              "von ihm nicht erwartet hätte, und sie wollen ihn nun noch lange beobachten.")
    page = f'<html lang="de"><body><nav>Start</nav><p>{german}</p><p>{german}</p></body></html>'
    assert "schnelle braune Fuchs" in extractor.text(page, None).text
    assert "schnelle braune Fuchs" not in extractor.text(page.replace('"de"', '"en"'), None).text
