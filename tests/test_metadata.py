"""Metadata stage: each source, each normalisation, and robustness (dechaff.metadata)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from dechaff.article import Metadata
from dechaff.authors import split_names
from dechaff.metadata import _extract, extract_metadata, reduce_language, strip_site_name

URL = "https://news.example.com/world/2019/11/19/story.html"
PLAIN_URL = "https://news.example.com/story"


def meta_of(html: str, url: str | None = URL) -> Metadata:
    return extract_metadata(LexborHTMLParser(html), url)


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# ---------------------------------------------------------------- JSON-LD


def test_json_ld_graph_with_author_reference() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "#site", "name": "Example News"},
            {"@type": "WebPage", "@id": URL, "name": "Page name | Example News"},
            {
                "@type": "NewsArticle",
                "headline": "Rivers rise after storm",
                "datePublished": "2019-11-19T08:30:00+01:00",
                "author": [{"@id": "#p1"}, {"@type": "Person", "name": "John Roe"}],
                "publisher": {"@type": "Organization", "name": "Example News"},
                "keywords": ["floods", "weather", "Floods"],
                "inLanguage": "en-GB",
                "image": {"@type": "ImageObject", "url": "/img/lead.jpg"},
            },
            {"@type": "Person", "@id": "#p1", "name": "Jane Doe"},
        ],
    }
    meta = meta_of(page(head=ld(graph)))
    assert meta.title == "Rivers rise after storm"
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.date == "2019-11-19T08:30:00+01:00"
    assert meta.site_name == "Example News"
    assert meta.tags == ("floods", "weather")
    assert meta.image == "https://news.example.com/img/lead.jpg"


def test_json_ld_prefers_the_article_over_other_entities() -> None:
    blocks = ld({"@type": "Organization", "name": "Org", "author": "Not Me"}) + ld(
        [
            {"@type": "BreadcrumbList", "name": "Crumbs"},
            {"@type": "BlogPosting", "headline": "The post", "author": {"name": "Ann Lee"},
             "datePublished": "2021-05-06"},
        ]
    )
    meta = meta_of(page(head=blocks))
    assert (meta.title, meta.authors, meta.date) == ("The post", ("Ann Lee",), "2021-05-06")


def test_json_ld_main_entity_and_type_urls() -> None:
    data = {
        "@type": "WebPage",
        "mainEntity": {
            "@type": "http://schema.org/Article",
            "headline": "Inside story",
            "author": {"@type": "Person", "givenName": "Ada", "familyName": "Byron"},
        },
    }
    meta = meta_of(page(head=ld(data)))
    assert meta.title == "Inside story"
    assert meta.authors == ("Ada Byron",)


def test_broken_json_ld_is_repaired_or_skipped() -> None:
    trailing_comma = '<script type="application/ld+json">{"@type": "Article", ' \
        '"headline": "Still read", "datePublished": "2020-02-03",}</script>'
    garbage = '<script type="application/ld+json">{not json at all</script>'
    meta = meta_of(page(head=garbage + trailing_comma))
    assert meta.title == "Still read"
    assert meta.date == "2020-02-03"


def test_broken_json_ld_falls_back_to_meta() -> None:
    head = ('<script type="application/ld+json"><!-- {"@type": </script>'
            '<meta property="og:title" content="From OpenGraph">')
    assert meta_of(page(head=head)).title == "From OpenGraph"


def test_json_ld_organisation_author_only_when_nothing_else() -> None:
    data = {"@type": "Article", "author": {"@type": "Organization", "name": "Acme Labs"}}
    assert meta_of(page(head=ld(data))).authors == ("Acme Labs",)
    with_byline = page(head=ld(data), body='<h1>T</h1><p class="byline">By Jo Park</p>')
    assert meta_of(with_byline).authors == ("Jo Park",)


# ---------------------------------------------------------------- meta tags


def test_meta_tags() -> None:
    head = """
      <meta property="og:title" content="A headline">
      <meta property="og:site_name" content="The Daily">
      <meta property="article:published_time" content="2018-03-04T05:06:07Z">
      <meta property="article:author" content="https://facebook.com/someone">
      <meta name="author" content="By Maria Garcia">
      <meta name="description" content="  A   short &amp;amp; sweet summary. ">
      <meta property="article:tag" content="Politics"><meta property="article:tag" content="EU">
      <meta name="keywords" content="ignored, because, article tags exist">
    """
    meta = meta_of(page(head=head))
    assert meta.title == "A headline"
    assert meta.site_name == "The Daily"
    assert meta.date == "2018-03-04T05:06:07+00:00"
    assert meta.authors == ("Maria Garcia",)
    assert meta.description == "A short & sweet summary."
    assert meta.tags == ("Politics", "EU")


def test_citation_authors_one_per_tag() -> None:
    head = ('<meta name="citation_author" content="Doe, Jane">'
            '<meta name="citation_author" content="Roe, John A.">'
            '<meta name="citation_publication_date" content="2015/07/01">')
    meta = meta_of(page(head=head))
    assert meta.authors == ("Jane Doe", "John A. Roe")
    assert meta.date == "2015-07-01"


def test_keywords_meta_split_deduplicated_and_limited() -> None:
    words = ", ".join(["Alpha", "alpha ", "Beta"] + [f"k{i}" for i in range(40)])
    meta = meta_of(page(head=f'<meta name="keywords" content="{words}">'))
    assert meta.tags[:3] == ("Alpha", "Beta", "k0")
    assert len(meta.tags) == 20


# ---------------------------------------------------------------- microdata and bylines


def test_discussion_declared_by_json_ld_or_microdata() -> None:
    posting = ld({"@context": "https://schema.org", "@type": "DiscussionForumPosting",
                  "headline": "Which lens?"})
    assert meta_of(page(head=posting)).discussion
    graph = ld({"@graph": [{"@type": "WebSite"}, {"@type": ["QAPage"], "name": "Q"}]})
    assert meta_of(page(head=graph)).discussion
    microdata = '<div itemscope itemtype="http://schema.org/DiscussionForumPosting"><h1>T</h1></div>'
    assert meta_of(page(body=microdata)).discussion
    article = ld({"@type": "NewsArticle", "headline": "Not a thread"})
    breadcrumbs = '<h1 itemscope itemtype="https://schema.org/BreadcrumbList">Home</h1>'
    assert not meta_of(page(head=article, body=breadcrumbs)).discussion


def test_microdata_author_and_date() -> None:
    body = """<article><h1 itemprop="headline">Micro</h1>
      <span itemprop="author" itemscope><span itemprop="name">Lee Chan</span></span>
      <meta itemprop="datePublished" content="2017-08-09"></article>"""
    meta = meta_of(page(body=body))
    assert meta.authors == ("Lee Chan",)
    assert meta.date == "2017-08-09"


def test_visible_byline_with_two_authors_and_a_date() -> None:
    body = """<article><h1>Storm</h1>
      <div class="byline">By <a rel="author" href="/a/1">Jane Doe</a> and
      <a rel="author" href="/a/2">John Roe</a> | Nov 19, 2019</div><p>Text</p></article>"""
    meta = meta_of(page(body=body), PLAIN_URL)
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.date == "2019-11-19"


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Nadia El Khoury on Nov 3, 2020", ("Nadia El Khoury",)),
        ("Posted on Nov 3, 2020 by Ann Lee", ("Ann Lee",)),
        ("Published by Ann Lee", ("Ann Lee",)),
        ("Nov 3, 2020 · 5 min read", ()),
    ],
)
def test_byline_text_around_dates(byline: str, authors: tuple[str, ...]) -> None:
    body = f'<h1>T</h1><p class="byline">{byline}</p>'
    assert meta_of(page(body=body), PLAIN_URL).authors == authors


def test_byline_in_comments_and_related_is_ignored() -> None:
    body = """<article><h1>Story</h1><p>Text</p></article>
      <section class="comments"><span class="comment-author">Troll Person</span></section>
      <aside class="related"><span class="author-name">Other Writer</span></aside>"""
    assert meta_of(page(body=body)).authors == ()


def test_related_teaser_time_is_not_the_article_date() -> None:
    body = """
      <aside class="related-posts"><ul>
        <li><a href="/old">Old story</a> <time datetime="2015-01-02">Jan 2, 2015</time></li>
      </ul></aside>
      <article><header><h1>Fresh story</h1>
        <time datetime="2020-06-07T09:00:00+02:00">7 June 2020</time></header>
        <p>Body text.</p>
        <div class="related"><time datetime="2016-03-04">4 March 2016</time></div>
      </article>"""
    assert meta_of(page(body=body), PLAIN_URL).date == "2020-06-07T09:00:00+02:00"


def test_dateline_text_near_the_headline() -> None:
    body = """<div class="post"><h1>Headline here</h1>
      <div><span>Published on</span> <span>July 18, 2025</span></div>
      <p>On March 3, 2020 something else happened.</p></div>"""
    assert meta_of(page(body=body), PLAIN_URL).date == "2025-07-18"


def test_inline_page_data_date_when_nothing_is_declared_or_shown() -> None:
    data = '<script id="__NEXT_DATA__">{"props":{"post":{"publishedAt":"2025-10-20T13:08:55' \
        '-07:00","updatedAt":"2025-10-21T00:00:00Z"}}}</script>'
    assert meta_of(page(body="<h1>x</h1>" + data), PLAIN_URL).date == "2025-10-20T13:08:55-07:00"


def test_url_date_when_nothing_else() -> None:
    assert meta_of(page(body="<h1>x</h1>")).date == "2019-11-19"


# ---------------------------------------------------------------- authors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("Von Max Mustermann", ["Max Mustermann"]),
        ("Par Jean Dupont", ["Jean Dupont"]),
        ("Por María García", ["María García"]),
        ("Door Jan Jansen", ["Jan Jansen"]),
        ("Di Mario Rossi", ["Mario Rossi"]),
        ("Written by: Ann Lee", ["Ann Lee"]),
        ("Analysis by Chris Cillizza, CNN Editor-at-large", ["Chris Cillizza"]),
        ("Tom Krisher, AP Auto Writer", ["Tom Krisher"]),
        ("Podium Staff", ["Podium Staff"]),
        ("Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe, John Roe & Ann Lee; Bo Li", ["Jane Doe", "John Roe", "Ann Lee", "Bo Li"]),
        ("Jane Doe, Senior Editor", ["Jane Doe"]),
        ("Dylan Bailey, MS, RD, FAND", ["Dylan Bailey"]),
        ("Reuters", ["Reuters"]),
        ("AP", ["AP"]),
        ("By AFP", ["AFP"]),
        ("Associated Press", ["Associated Press"]),
        ("Jane Doe - Reuters", ["Jane Doe", "Reuters"]),
        ("Staff", []),
        ("admin", []),
        ("Staff Writer", []),
        ("https://example.com/authors/jane", []),
        ("jane@example.com", []),
        ("@janedoe", []),
        ("Ludwig van Beethoven", ["Ludwig van Beethoven"]),
        ("{{ author }}", []),
    ],
)
def test_author_cleanup(raw: str, expected: list[str]) -> None:
    assert split_names(raw) == expected


@pytest.mark.parametrize(
    ("lang", "byline", "date_text", "authors"),
    [
        ("de", "Von Max Mustermann | 19.11.2019, 10:00 Uhr", "", ("Max Mustermann",)),
        ("fr", "Par Jean Dupont, publié le 19 novembre 2019 à 10h00", "", ("Jean Dupont",)),
        ("es", "Por María García y Juan Pérez", "19 de noviembre de 2019",
         ("María García", "Juan Pérez")),
        ("it", "di Mario Rossi", "19 novembre 2019", ("Mario Rossi",)),
        ("nl", "Door Jan Jansen en Piet Pieters", "19 november 2019",
         ("Jan Jansen", "Piet Pieters")),
        ("pt", "Por Ana Souza", "19/11/2019", ("Ana Souza",)),
        ("ja", "山田太郎", "2019年11月19日", ("山田太郎",)),
        ("ru", "Иван Петров", "19 ноября 2019", ("Иван Петров",)),
        ("pl", "Jan Kowalski", "19 listopada 2019", ("Jan Kowalski",)),
    ],
)
def test_visible_bylines_and_dates_in_other_languages(
    lang: str, byline: str, date_text: str, authors: tuple[str, ...]
) -> None:
    body = (f'<article><h1>Headline</h1><div class="byline">{byline}</div>'
            f'<span class="date">{date_text}</span><p>Text.</p></article>')
    meta = meta_of(page(body=body, lang=lang), PLAIN_URL)
    assert meta.authors == authors
    assert meta.date == "2019-11-19"
    assert meta.language == lang


def test_author_cleanup_of_visible_text_is_stricter() -> None:
    assert split_names("Insights from our team", strict=True) == []
    assert split_names("Post by galitsyn » Sat Dec 16", strict=True)[:1] == ["galitsyn"]
    assert split_names("By the Lavazza Team", strict=True) == ["the Lavazza Team"]


def test_authors_deduplicated_case_and_space_insensitive() -> None:
    head = '<meta name="author" content="Jane Doe, jane  doe, JANE DOE, John Roe">'
    assert meta_of(page(head=head)).authors == ("Jane Doe", "John Roe")


# ---------------------------------------------------------------- title


def test_title_suffix_matching_site_name_is_stripped() -> None:
    head = '<title>Rivers rise | Example News</title><meta property="og:site_name" ' \
        'content="Example News">'
    assert meta_of(page(head=head)).title == "Rivers rise"


def test_title_suffix_matching_domain_is_stripped() -> None:
    head = "<title>Rivers rise - Example.com</title>"
    assert meta_of(page(head=head), "https://www.example.com/x").title == "Rivers rise"


def test_title_prefix_only_stripped_when_it_is_exactly_the_site() -> None:
    keys = {"docker", "dockercom"}
    assert strip_site_name("Docker | Build faster", keys) == "Build faster"
    assert strip_site_name("Docker Hardened Images: Validated", keys) == (
        "Docker Hardened Images: Validated"
    )
    assert strip_site_name("Hyphen - in - titles", set()) == "Hyphen - in - titles"


def test_title_prefers_h1_consistent_with_declared_title() -> None:
    head = "<title>Best laptops 2025: our picks | Shop</title>"
    body = "<nav><h1>Shop</h1></nav><main><h1>The best laptops of 2025</h1></main>"
    assert meta_of(page(head=head, body=body), "https://shop.test/x").title == (
        "The best laptops of 2025"
    )


def test_title_falls_back_to_h1() -> None:
    assert meta_of(page(body="<h1> Only  heading </h1>")).title == "Only heading"


# ---------------------------------------------------------------- url, image, language


def test_canonical_url_is_absolutised() -> None:
    head = '<link rel="canonical" href="/world/story">'
    assert meta_of(page(head=head)).url == "https://news.example.com/world/story"


def test_canonical_respects_base_href_and_falls_back() -> None:
    head = '<base href="https://cdn.example.org/en/"><link rel="canonical" href="story">'
    assert meta_of(page(head=head)).url == "https://cdn.example.org/en/story"
    og = '<meta property="og:url" content="https://example.com/og">'
    assert meta_of(page(head=og)).url == "https://example.com/og"
    assert meta_of(page(), URL).url == URL
    assert meta_of(page(head='<link rel="canonical" href="/rel">'), None).url is None
    assert meta_of(page(head='<link rel="canonical" href="javascript:x()">')).url == URL


def test_image_is_absolutised() -> None:
    head = '<meta property="og:image" content="//img.example.com/a.jpg">'
    assert meta_of(page(head=head)).image == "https://img.example.com/a.jpg"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("en-US", ("en", "us")), ("EN", ("en", None)), ("pt_BR", ("pt", "br")),
     ("deu", ("de", None)), ("zh-Hans-CN", ("zh", None)), ("English", ("en", None)),
     ("x-default", None), ("", None), ("12", None)],
)
def test_language_reduction(value: str, expected: tuple[str, str | None] | None) -> None:
    assert reduce_language(value) == expected


def test_language_sources_in_order() -> None:
    assert meta_of(page(lang="de-AT")).language == "de"
    locale = '<meta property="og:locale" content="fr_FR">'
    assert meta_of(page(head=locale, lang="")).language == "fr"
    header = '<meta http-equiv="Content-Language" content="es">'
    assert meta_of(page(head=header + locale, lang="")).language == "es"
    assert meta_of(page(head=ld({"@type": "Article", "inLanguage": "it-IT"}), lang="")).language \
        == "it"


def test_us_pages_read_month_first() -> None:
    body = '<h1>Title</h1><p class="date">03/04/2021</p>'
    assert meta_of(page(body=body, lang="en-US"), None).date == "2021-03-04"
    assert meta_of(page(body=body, lang="en-GB"), None).date == "2021-04-03"


# ---------------------------------------------------------------- robustness


def test_empty_and_odd_inputs() -> None:
    assert meta_of("", None) == Metadata()
    assert meta_of("<html><head><title></title></head></html>", "not a url").url == "not a url"
    weird = '<meta property content><meta name="author"><link rel="canonical">' \
        '<time datetime="99999-99-99">x</time><h1></h1>'
    assert meta_of(weird).title is None


def test_deep_json_ld_does_not_raise() -> None:
    deep = "[" * 5000 + "]" * 5000
    meta = meta_of(page(head=f'<script type="application/ld+json">{deep}</script>'))
    assert meta.title is None


def test_tree_is_not_modified() -> None:
    html = page(head=ld({"@type": "Article", "headline": "H"}), body="<h1>H</h1><p>x</p>")
    tree = LexborHTMLParser(html)
    before = tree.html
    extract_metadata(tree, URL)
    assert tree.html == before


_FRAGMENTS = st.sampled_from([
    "<meta property=\"{a}\" content=\"{b}\">", "<meta name=\"{a}\" content=\"{b}\">",
    "<script type=\"application/ld+json\">{a}</script>", "<time datetime=\"{a}\">{b}</time>",
    "<div class=\"{a}\">{b}</div>", "<h1>{a}</h1>", "<title>{a}</title>",
    "<link rel=\"{a}\" href=\"{b}\">", "<a rel=\"author\" href=\"{a}\">{b}</a>",
    "<span itemprop=\"{a}\">{b}</span>", "<aside>{a}</aside>", "<html lang=\"{a}\">",
])
_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "og:title", "author", "byline", "article:published_time", "canonical",
        "datePublished", "{\"@type\": \"Article\", \"author\": [1, null, {\"@id\": 2}]}",
        "{\"@graph\": [{\"@type\": [\"Article\", 3], \"headline\": {\"x\": []}}]}",
        "2019-02-30", "By , and & ;", "//", "http://[::1", "\x00", "&amp;amp;",
        "{\"@type\": \"NewsArticle\", \"url\": \"http://[::1\", \"@id\": {}}",
    ]),
)


@st.composite
def _html_pages(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_FRAGMENTS, _VALUES, _VALUES), max_size=8))
    return "".join(f.replace("{a}", a).replace("{b}", b) for f, a, b in parts)


@settings(max_examples=150, deadline=None)
@given(html=st.one_of(st.text(max_size=300), _html_pages()),
       url=st.one_of(st.none(), st.text(max_size=30), st.sampled_from([URL, "http://[::1/"])))
def test_random_input_never_raises(html: str, url: str | None) -> None:
    result = _extract(LexborHTMLParser(html), url)  # without the safety net
    assert isinstance(result, Metadata)
    assert isinstance(result.authors, tuple) and isinstance(result.tags, tuple)
    assert result.language is None or len(result.language) == 2
