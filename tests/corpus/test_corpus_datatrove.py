"""The datatrove step extracts documents like dechaff.extract, inside datatrove's sandbox."""

from __future__ import annotations

import pytest

from dechaff import extract


def test_dechaff_extractor_step_replaces_the_html_with_the_article(
        good_bodies: list[bytes]) -> None:
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from dechaff.corpus.datatrove_step import DechaffExtractor

    html = good_bodies[0].decode("utf-8", "replace")
    step = DechaffExtractor(timeout=30)
    docs = list(step.run([Document(text=html, id="a"), Document(text="<p></p>", id="b")]))
    assert [doc.id for doc in docs] == ["a"]  # the empty one is dropped, as datatrove does
    assert docs[0].text == extract(html).text
