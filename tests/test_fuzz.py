"""Property tests: whatever the page, ``extract`` returns an Article or raises a DechaffError."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dechaff
from dechaff import Article, DechaffError
from dechaff.decode import decode

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""200 examples per property keep the whole module at a few seconds (the budget is 30 s)."""

TAGS = [
    "html", "head", "body", "title", "meta", "link", "script", "style", "noscript", "template",
    "div", "span", "p", "a", "b", "i", "em", "strong", "article", "section", "main", "aside",
    "nav", "header", "footer", "h1", "h2", "h3", "ul", "ol", "li", "dl", "dt", "dd", "table",
    "thead", "tbody", "tr", "td", "th", "caption", "figure", "figcaption", "img", "br", "hr",
    "pre", "code", "blockquote", "form", "input", "textarea", "select", "option", "button",
    "iframe", "svg", "math", "time", "address",
]
ATTRIBUTES = [
    "class", "id", "href", "src", "style", "role", "itemprop", "hidden", "lang", "dir", "alt",
    "title", "rel", "datetime",
]
ATTRIBUTE_VALUES = [
    "content", "article-body", "comment", "comments", "nav", "menu", "related", "share",
    "post", "author", "javascript:alert(1)", "/a/b?c=d&e=f", "<", ">", '"', "'", "&amp;", "",
]
WORDS = [
    "the", "storm", "reached", "coast", "on", "Sunday", "night", "and", "power", "was",
    "lost", "Read more", "Share", "Comments", "©", "é", "日本語", "Привет", "&nbsp;", "&#0;",
    "&#xD800;", "\u200b", "\ufeff", "\x00", "\r\n", "\t",
]

REAL_LOOKING_PAGES = [
    (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Storm hits</title>"
        "<meta property='og:title' content='Storm hits the coast'>"
        "<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"author\":"
        "{\"name\":\"Ann Lee\"},\"datePublished\":\"2024-03-01\"}</script></head>"
        "<body><header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
        "<main><article><h1>Storm hits the coast</h1><p class='byline'>By Ann Lee</p>"
        "<p>A strong storm reached the coast on Sunday night with heavy rain.</p>"
        "<figure><img src='a.jpg' alt='Waves'><figcaption>Waves at dawn.</figcaption></figure>"
        "<p>Thousands of homes lost power; roads were closed by fallen trees.</p>"
        "<table><tr><th>Town</th><th>Rain</th></tr><tr><td>Rye</td><td>80 mm</td></tr></table>"
        "</article><aside class='related'><h2>Related</h2><ul><li><a href='/x'>Floods</a></li>"
        "</ul></aside></main><section id='comments'><div class='comment'><p>Stay safe!</p>"
        "</div></section><footer>© 2024 News</footer></body></html>"
    ),
    (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
        "<title>Новости</title></head><body><div id='content'><div class='post'>"
        "<h2>Заголовок статьи</h2><p>Первый абзац текста статьи о погоде.</p>"
        "<p>Второй абзац: дожди продлятся до выходных.</p></div>"
        "<div class='sidebar'><a href='/1'>Ссылка</a> | <a href='/2'>Ещё</a></div></div>"
        "</body></html>"
    ),
    (
        "<html><body><div class='forum'><div class='msg'><b>user1</b><p>How do I fix this?</p>"
        "</div><div class='msg'><b>user2</b><p>Try restarting <code>it</code> first.</p>"
        "<pre>$ systemctl restart x</pre></div></div><ul class='pager'><li>1</li><li>2</li>"
        "</ul><div class='cookie-banner'>We use cookies. <button>OK</button></div></body></html>"
    ),
]
PAGE_ENCODINGS = ["utf-8", "cp1251", "utf-8"]
_TAG_RE = re.compile(rb"<[^>]*>")


def check(page: bytes | str) -> None:
    try:
        article = dechaff.extract(page)
    except DechaffError:
        return
    assert isinstance(article, Article)
    assert isinstance(article.text, str)
    assert isinstance(article.markdown, str)
    assert isinstance(article.html, str)


# --- strategies --------------------------------------------------------------------------------

text_nodes = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=30),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join),
)
attributes = st.lists(
    st.tuples(st.sampled_from(ATTRIBUTES), st.sampled_from(ATTRIBUTE_VALUES) | st.text(max_size=8)),
    max_size=3,
)


@st.composite
def elements(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = "".join(
        f" {name}={quote}{value}{quote}"
        for (name, value), quote in zip(
            draw(attributes), draw(st.lists(st.sampled_from(["'", '"', ""]), min_size=3)),
            strict=False,
        )
    )
    inner = "".join(draw(st.lists(children, max_size=4)))
    other = draw(st.sampled_from(TAGS))
    closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", f"</{other}>"]))
    return f"<{tag}{attrs}>{inner}{closing}"


def extras(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        elements(children),
        children.map(lambda inner: f"<!--{inner}-->"),
        children.map(lambda inner: f"<![CDATA[{inner}]]>"),
        st.sampled_from(["<!DOCTYPE html>", "<br>", "<hr/>", "</p>", "<p", "<!--", "&", "<"]),
    )


html_fragments = st.recursive(text_nodes, extras, max_leaves=40)
html_documents = st.lists(html_fragments, min_size=1, max_size=6).map("".join)


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    index = draw(st.integers(0, len(REAL_LOOKING_PAGES) - 1))
    data = REAL_LOOKING_PAGES[index].encode(PAGE_ENCODINGS[index])
    for _ in range(draw(st.integers(1, 4))):
        data = draw(st.sampled_from([truncate, flip_bytes, delete_tag, insert_bytes]))(draw, data)
    return data


def truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def flip_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    buffer = bytearray(data)
    for position in draw(st.lists(st.integers(0, len(data) - 1), max_size=8)):
        buffer[position] = draw(st.integers(0, 255))
    return bytes(buffer)


def delete_tag(draw: st.DrawFn, data: bytes) -> bytes:
    tags = list(_TAG_RE.finditer(data))
    if not tags:
        return data
    tag = tags[draw(st.integers(0, len(tags) - 1))]
    return data[: tag.start()] + data[tag.end() :]


def insert_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    position = draw(st.integers(0, len(data)))
    return data[:position] + draw(st.binary(max_size=16)) + data[position:]


# --- properties --------------------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=2_000))
def test_random_text(text: str) -> None:
    check(text)
    check(text.encode("utf-8"))


@FUZZ
@given(st.binary(max_size=4_000), st.sampled_from([None, "utf-8", "shift_jis", "bogus", "utf-16"]))
def test_random_bytes(data: bytes, charset: str | None) -> None:
    check(data)
    decoded = decode(data, http_charset=charset)
    assert isinstance(decoded.text, str)
    assert "\x00" not in decoded.text


@FUZZ
@given(html_documents)
def test_grammar_html(document: str) -> None:
    check(document)
    check(document.encode("utf-8", "surrogatepass"))


@FUZZ
@given(mutated_pages())
def test_mutated_real_looking_pages(data: bytes) -> None:
    check(data)


def test_unmutated_pages_have_text() -> None:
    """The seeds of the mutation test are real articles: extraction finds their text."""
    for page, encoding in zip(REAL_LOOKING_PAGES, PAGE_ENCODINGS, strict=True):
        article = dechaff.extract(page.encode(encoding))
        assert article.text.strip()
