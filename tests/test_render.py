"""Stage 7 — render: text, Markdown and HTML of the body, and images when asked for."""

from __future__ import annotations

import dechaff

STORY = """<html><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Storm reaches the coast</h1>
<figure><img src="/img/waves.jpg" alt="waves"><figcaption>Waves at dawn on the coast.</figcaption>
</figure>
<p>A strong storm reached the coast on Sunday night with heavy rain and wind across the region.</p>
<p>Thousands of homes lost power <img data-src="/img/map.png" src="data:," alt="outage map"> and
roads were <b>closed</b> <i> by</i> fallen trees in many towns along the shore.</p>
<p>Officials said repairs to the lines would take several days to complete.</p>
</article>
<aside><img src="/ads/banner.gif" alt="ad"><p>Buy now!</p></aside>
</body></html>"""
URL = "https://news.example/world/storm"


def test_images_are_left_out_unless_asked_for() -> None:
    article = dechaff.extract(STORY, URL)
    assert "![" not in article.markdown
    assert "<img" not in article.html


def test_images_in_the_body_are_placed_where_they_stand() -> None:
    article = dechaff.extract(STORY, URL, include_images=True)
    lines = article.markdown.splitlines()
    lead = lines.index("![Waves at dawn on the coast.](https://news.example/img/waves.jpg)")
    inline = lines.index("![outage map](https://news.example/img/map.png)")
    first_paragraph = next(i for i, line in enumerate(lines) if line.startswith("A strong storm"))
    second_paragraph = next(i for i, line in enumerate(lines) if line.startswith("Thousands"))
    assert lead < first_paragraph < inline < second_paragraph
    assert "banner.gif" not in article.markdown  # (not in the body)
    assert (
        '<figure><img src="https://news.example/img/waves.jpg" alt="waves">'
        "<figcaption>Waves at dawn on the coast.</figcaption></figure>"
    ) in article.html
    assert "Waves at dawn on the coast." in article.captions


def test_images_change_nothing_in_the_text() -> None:
    assert (
        dechaff.extract(STORY, URL, include_images=True).text == dechaff.extract(STORY, URL).text
    )


def test_spaces_where_inline_elements_meet_are_single() -> None:
    article = dechaff.extract(STORY, URL)
    assert "roads were closed by fallen trees" in article.text
    assert "roads were **closed** * by* fallen" not in article.markdown
    assert "  " not in article.text
