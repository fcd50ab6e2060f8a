"""Bad inputs: ``extract`` returns an Article or raises a documented DechaffError, in bounded time.

The same inputs go through the CLI, which must report, never show a traceback.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dechaff
from dechaff import Article, DechaffError
from dechaff.cli import main

DOCUMENTED_ERRORS = tuple(
    getattr(dechaff, name)
    for name in dechaff.__all__
    if isinstance(getattr(dechaff, name), type) and issubclass(getattr(dechaff, name), DechaffError)
)

BIG_PAGE_BYTES = 50_000_000
"""A page well past the 20 MB default cap."""

BIG_PAGE_SECONDS = 15.0
"""Bound for the 50 MB page: what is kept (20 MB) must be processed at a sane rate."""

DEEP_NESTING = 100_000
DEEP_NESTING_SECONDS = 3.0
"""The depth guard must keep 100,000 nested <div>s fast (unguarded Lexbor takes ~27 s)."""

DEEP_NESTING_KILL_SECONDS = 20.0
"""The deep-nesting child process is killed after this: a missing guard fails fast."""

MANY_PARAGRAPHS = 200_000
MANY_PARAGRAPHS_SECONDS = 10.0
"""200,000 <p> tags (~2 MB of markup) must not be quadratic anywhere."""

ARTICLE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Storm hits the coast</title>"
    "<script>var s = '<p>not text</p>'; if (a < b && c > d) {}</script>"
    "<style>p { color: red }</style></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Storm hits the coast</h1>"
    "<p>A strong storm reached the coast on Sunday night, bringing heavy rain and wind.</p>"
    "<p>Thousands of homes lost power, and several roads were closed by fallen trees.</p>"
    "<!-- a comment --><p>Officials said repairs would take at least three days.</p>"
    "</article><footer>© 2024 News</footer></body></html>"
)


def rng_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def cut(text: str, marker: str, extra: int = 0) -> str:
    """``text`` cut just after ``marker`` (plus ``extra`` characters)."""
    return text[: text.index(marker) + len(marker) + extra]


BAD_INPUTS: dict[str, bytes | str] = {
    "empty-bytes": b"",
    "empty-str": "",
    "whitespace-only": b"  \n\t\r\n   \x0c ",
    "whitespace-only-str": " \n\t " * 100,
    "random-bytes": rng_bytes(1, 100_000),
    "png-header-and-noise": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng_bytes(2, 50_000),
    "gzip-stream": gzip.compress(ARTICLE.encode() * 20),
    "nul-bytes": b"\x00" * 10_000,
    "nuls-inside-page": ARTICLE.encode().replace(b"<p>", b"<p>\x00\x00"),
    "utf16-label-on-ascii": ARTICLE.replace("utf-8", "utf-16").encode(),
    "utf7-label": ARTICLE.replace("utf-8", "utf-7").encode() + b"+ADw-script+AD4-",
    "unknown-label": ARTICLE.replace("utf-8", "klingon-8").encode(),
    "lying-label-cp1251-as-utf8": ARTICLE.replace("Sunday", "воскресенье").encode("cp1251"),
    "lying-label-utf8-as-shift-jis": ARTICLE.replace("utf-8", "shift_jis")
    .replace("Sunday", "日曜日")
    .encode(),
    "invalid-utf8-everywhere": ARTICLE.encode().replace(b" ", b"\xff\xfe"),
    "lone-surrogates-str": ARTICLE.replace("Sunday", "\ud800\udfff\ud83d"),
    "bad-entities": "<p>&#0; &#xD800; &#x110000; &#99999999999; &bogus; &amp &lt</p>" * 50,
    "cut-in-tag": cut(ARTICLE, "<articl"),
    "cut-in-attribute": cut(ARTICLE, "<a href='/"),
    "cut-in-comment": cut(ARTICLE, "<!-- a com"),
    "cut-in-script": cut(ARTICLE, "<script>var s = '<p>no"),
    "cut-in-entity": "<p>Some text &am",
    "cut-in-doctype": "<!DOCTYP",
    "unclosed-everything": "<html><head><title>t<body><div><p><b><i><table><tr><td><ul><li>"
    "<a href='x'>text that goes on and on " * 200,
    "unclosed-comment": "<p>before</p><!-- never closed <p>hidden</p>" * 10,
    "unclosed-script": "<p>before</p><script>document.write('<p>x</p>')" + "x" * 10_000,
    "only-script": "<script>" + "var a = 1;" * 10_000 + "</script>",
    "stray-end-tags": "</div></p></body></html></table>" * 1_000 + "<p>text</p>",
    "only-tags-no-text": "<div><span></span></div>" * 5_000,
    "long-single-line": "<p>" + "word " * 200_000 + "</p>",
    "long-attribute": "<div class='" + "c" * 1_000_000 + "'>text</div>",
    "many-attributes": "<div " + " ".join(f"a{i}='{i}'" for i in range(20_000)) + ">t</div>",
    "cdata-and-pi": "<![CDATA[<p>x</p>]]><?php echo 1; ?><p>text</p>",
    "svg-and-math": "<svg><foreignObject><p>in svg</p></foreignObject></svg><math><mi>x",
    "frameset": "<frameset><frame src='a'><noframes><p>no frames</p></noframes></frameset>",
    "xml-not-html": "<?xml version='1.0'?><rss><channel><item><title>t</title></item></channel>",
    "bom-only": b"\xef\xbb\xbf",
    "utf16-bom-odd-length": b"\xff\xfe<\x00p\x00>\x00x",
}


def extract_or_documented_error(page: bytes | str) -> Article | None:
    """The Article, or None when ``extract`` raised one of the documented errors."""
    try:
        article = dechaff.extract(page)
    except DOCUMENTED_ERRORS:
        return None
    assert isinstance(article, Article)
    assert isinstance(article.text, str)
    assert isinstance(article.markdown, str)
    assert isinstance(article.html, str)
    json.loads(article.to_json())
    return article


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input(name: str) -> None:
    start = time.perf_counter()
    extract_or_documented_error(BAD_INPUTS[name])
    assert time.perf_counter() - start < MANY_PARAGRAPHS_SECONDS


def test_wrong_types_raise_input_error() -> None:
    for page in (None, 42, ["<p>x</p>"], {"html": "x"}):
        with pytest.raises(dechaff.InputError):
            dechaff.extract(page)  # type: ignore[arg-type]


def test_unknown_favor_raises_input_error() -> None:
    with pytest.raises(dechaff.InputError):
        dechaff.extract(ARTICLE, favor="speed")  # type: ignore[arg-type]


def big_page(opening: bytes, sentence: bytes) -> bytes:
    """A page of ``BIG_PAGE_BYTES`` and more: ``opening``, then paragraphs of ``sentence``."""
    paragraph = b"<p>" + sentence * 20 + b"</p>\n"
    return opening + paragraph * (BIG_PAGE_BYTES // len(paragraph) + 1)


@pytest.mark.parametrize(
    "opening",
    [
        b"<html><body>",
        # (no text shown: the app-shell fallback parses the page a second time, still bounded)
        b"<html><body><div hidden>",
    ],
    ids=["shown", "hidden"],
)
def test_fifty_megabyte_page_is_truncated_in_bounded_time(opening: bytes) -> None:
    page = big_page(opening, b"Many words in a long paragraph of a very large page. ")
    assert len(page) > BIG_PAGE_BYTES
    start = time.perf_counter()
    article = extract_or_documented_error(page)
    elapsed = time.perf_counter() - start
    del page
    assert article is None or article.truncated
    assert elapsed < BIG_PAGE_SECONDS


def test_fifty_megabyte_str_is_truncated() -> None:
    page = "<p>" + "x" * BIG_PAGE_BYTES + "</p>"
    article = extract_or_documented_error(page)
    assert article is None or article.truncated


def test_many_paragraphs_in_bounded_time() -> None:
    page = "<html><body>" + "<p>Short paragraph text.</p>" * MANY_PARAGRAPHS
    start = time.perf_counter()
    extract_or_documented_error(page)
    assert time.perf_counter() - start < MANY_PARAGRAPHS_SECONDS


def deep_nesting_page() -> str:
    return "<html><body>" + "<div>" * DEEP_NESTING + "deep text" + "</div>" * DEEP_NESTING


def test_deep_nesting_in_bounded_time() -> None:
    """Run in a child process so a missing depth guard fails in seconds instead of hanging."""
    code = (
        "import time, dechaff\n"
        f"n = {DEEP_NESTING}\n"
        "page = '<html><body>' + '<div>' * n + 'deep text' + '</div>' * n\n"
        "start = time.perf_counter()\n"
        "article = dechaff.extract(page)\n"
        "print(time.perf_counter() - start)\n"
        "assert isinstance(article.text, str)\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=DEEP_NESTING_KILL_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{DEEP_NESTING} nested <div>s took over {DEEP_NESTING_KILL_SECONDS} s")
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) < DEEP_NESTING_SECONDS


# --- the same through the CLI ------------------------------------------------------------------


def write_inputs(directory: Path) -> list[str]:
    paths = []
    for name, page in BAD_INPUTS.items():
        path = directory / f"{name}.html"
        path.write_bytes(page if isinstance(page, bytes) else page.encode("utf-8", "surrogatepass"))
        paths.append(str(path))
    return paths


def test_bad_inputs_through_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_inputs(tmp_path)
    code = main(["extract", "--format", "json", *paths])
    out, err = capsys.readouterr()
    assert code in (0, 1)
    assert "Traceback" not in err
    failed = [line.split(": ", 1)[0] for line in err.splitlines()]
    assert set(failed) <= set(paths)
    assert len(out.splitlines()) + len(failed) == len(paths)
    assert (code == 1) == bool(failed)


def test_large_and_deep_inputs_through_cli_subprocess(tmp_path: Path) -> None:
    deep = tmp_path / "deep.html"
    deep.write_text(deep_nesting_page(), encoding="utf-8")
    many = tmp_path / "many.html.gz"
    many.write_bytes(gzip.compress(b"<p>Short paragraph text.</p>" * MANY_PARAGRAPHS))
    junk = tmp_path / "junk.html.gz"
    junk.write_bytes(b"\x1f\x8b" + rng_bytes(3, 10_000))  # gzip magic, corrupt stream
    script = Path(sys.executable).parent / "dechaff"
    try:
        result = subprocess.run(
            [str(script), "extract", "--format", "json", str(deep), str(many), str(junk)],
            capture_output=True,
            text=True,
            timeout=DEEP_NESTING_KILL_SECONDS + MANY_PARAGRAPHS_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the CLI did not finish on deep/large inputs in time")
    assert "Traceback" not in result.stderr
    [failure] = result.stderr.splitlines()
    assert failure.startswith(f"{junk}: corrupt gzip data")
    assert result.returncode == 1
    assert [json.loads(line)["input"] for line in result.stdout.splitlines()] == [
        str(deep),
        str(many),
    ]
