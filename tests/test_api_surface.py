"""The public API is a tested artefact: ``dechaff.__all__`` lists exactly these names, sorted."""

from __future__ import annotations

import importlib.metadata
import inspect

import pytest

import dechaff

PUBLIC_API = [
    "Article",
    "Cleaned",
    "Comment",
    "DechaffError",
    "FetchError",
    "InputError",
    "Metadata",
    "Related",
    "Removed",
    "__version__",
    "clean_text",
    "extract",
]
"""The documented public API. Changing it is an API change: update this list on purpose."""


def test_all_is_exactly_the_public_api() -> None:
    assert dechaff.__all__ == PUBLIC_API


def test_all_is_sorted_without_duplicates() -> None:
    assert dechaff.__all__ == sorted(set(dechaff.__all__))


@pytest.mark.parametrize("name", PUBLIC_API)
def test_every_name_is_importable(name: str) -> None:
    assert getattr(dechaff, name) is not None
    namespace: dict[str, object] = {}
    exec(f"from dechaff import {name}", namespace)
    assert namespace[name] is getattr(dechaff, name)


def test_star_import_gives_exactly_the_public_api() -> None:
    namespace: dict[str, object] = {}
    exec("from dechaff import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == PUBLIC_API


def test_errors_form_the_documented_tree() -> None:
    assert issubclass(dechaff.DechaffError, Exception)
    assert issubclass(dechaff.InputError, dechaff.DechaffError)
    assert issubclass(dechaff.FetchError, dechaff.DechaffError)


@pytest.mark.parametrize("name", [n for n in PUBLIC_API if not n.startswith("_")])
def test_public_objects_are_documented(name: str) -> None:
    assert inspect.getdoc(getattr(dechaff, name))


def test_version_matches_installed_metadata() -> None:
    assert dechaff.__version__ == importlib.metadata.version("dechaff")


def test_extract_signature() -> None:
    params = inspect.signature(dechaff.extract).parameters
    assert list(params)[:2] == ["page", "url"]
    keyword_only = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert {
        "favor",
        "include_comments",
        "include_tables",
        "include_links",
        "include_images",
        "max_bytes",
        "http_charset",
        "formats",
    } <= keyword_only


PAGE = "<html><body><article><h1>Head</h1><p>A first paragraph of the story here.</p>" \
       "<p>A second paragraph that goes on for a while.</p></article></body></html>"


def test_formats_render_only_what_is_asked() -> None:
    full = dechaff.extract(PAGE)
    text_only = dechaff.extract(PAGE, formats=("text",))
    assert text_only.text == full.text and full.text
    assert text_only.markdown == "" and text_only.html == ""
    no_html = dechaff.extract(PAGE, formats=("text", "markdown"))
    assert no_html.markdown == full.markdown and no_html.html == ""


@pytest.mark.parametrize("formats", [("txt",), "text"])
def test_unknown_formats_are_refused(formats: object) -> None:
    with pytest.raises(dechaff.InputError, match="formats"):
        dechaff.extract(PAGE, formats=formats)  # type: ignore[arg-type]


def test_clean_text_signature() -> None:
    params = inspect.signature(dechaff.clean_text).parameters
    assert next(iter(params)) == "text"
    keyword_only = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert {"title", "url", "favor"} <= keyword_only
