"""Stage 3 — metadata: title, authors, date, site, language, ... from the parsed page.

Each field is taken from the first source that has a usable value, strongest first:

1. JSON-LD (``<script type="application/ld+json">``), the article-like entity first
   (``@graph``, lists, ``mainEntity`` and ``@id`` references are followed);
2. ``<meta>`` tags (OpenGraph, Twitter, Dublin Core, citation_*, Parse.ly, Sailthru, ...);
3. microdata (``itemprop``);
4. the visible page: the headline ``<h1>``, bylines (``rel=author``, ``.byline``,
   ``.author-name``) and dates shown next to the headline or in ``<time>`` elements,
   skipping navigation, asides, comments and related-story teasers.

Two fields weigh sources against each other. The title prefers the page's ``<h1>`` when
it words the same headline as ``og:title`` / ``<title>`` (whose site-name suffixes are
cut). The date prefers, among contested declared publication dates, the one the page
displays by its headline.

The tree is only read: one CSS pass collects the structured sources; the visible-page
passes run only when those leave a field empty, and are scoped to the headline's
article region. ``extract_metadata`` never raises.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from dechaff.article import Metadata
from dechaff.authors import dedupe, split_names, strip_prefix
from dechaff.dates import MONTHS, normalize_date
from dechaff.jsonld import RANK_ARTICLE, RANK_PAGE, LdData, parse_blocks, rank, types


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal word list."""
    return frozenset(text.split())


MAX_TAGS = 20
"""Keyword lists past this are SEO stuffing, not the article's tags."""

MAX_TAG_CHARS = 50
"""A 'tag' longer than this is a sentence."""

MAX_TITLE_CHARS = 300
"""Longer 'titles' are body text or stuffed markup; ignored as title candidates."""

MAX_H1 = 5
"""Only the first few ``<h1>`` are title candidates; later ones are teasers in listings."""

MIN_H1_WORD_OVERLAP = 0.5
"""An ``<h1>`` sharing half its words (or the title's) with the declared title is the same
headline worded for the page; stable between 0.3 and 0.7 on the development pages."""

MAX_H2 = 10
"""``<h2>`` looked at for the title when no ``<h1>`` shows it (forums, some blogs)."""

MIN_HEADLINE_OVERLAP = 0.5
"""A heading holding (or held in) the title stands for it if it covers half of it."""

MAX_SITE_SEGMENT_WORDS = 6
"""A title segment naming the site is short ('The New York Times', 'Linux Foundation')."""

MIN_SITE_KEY_CHARS = 4
"""Domain labels and site names shorter than this match too much by containment."""

MAX_ANCESTORS = 40
"""Depth walked up from a byline or date to look for asides and teasers (pages nest ~30)."""

MAX_REGION_LEVELS = 10
"""Levels climbed from the headline to its article region when no <article>/<main> wraps it."""

MAX_BYLINE_NODES = 60
"""Byline candidates examined per page; the real one is near the top of the article."""

MAX_DATE_NODES = 60
"""Date candidates examined per page, for the same reason."""

MAX_TEXT_CHARS = 200
"""Text of a byline or date element longer than this is a container, not a byline."""

DATELINE_TEXTS = 20
"""Text nodes read on each side of the headline: the dateline sits within a few of them."""

MAX_WALK_NODES = 200
"""Nodes stepped through per side, so empty wrappers and icons cannot make the walk long."""

MAX_DATELINE_CHARS = 80
"""A line that holds the article's date is short ('Published on July 18, 2025 · 5 min')."""

MAX_SCRIPT_SCAN_CHARS = 500_000
"""Inline data scripts are searched this far for a publication date (page data is first)."""

HINT_CACHE_SIZE = 4096
"""Class/id values already judged: sites repeat a few hundred of them on every page."""

MAX_DESCRIPTION_CHARS = 1000
"""A description is a sentence or two; longer ones are cut (at a word boundary)."""

MONTH_FIRST_REGIONS = frozenset({"us", "ph", "ca", "fm", "mh", "pw"})
"""English-speaking regions that write 11/19/2019; other English and all other languages
write the day first."""

TITLE_SEPARATORS = r"\s+[|\-–—:·•»/~]\s+|\s*[|·•»]\s*|\s+::\s+|:\s+"
"""Between a page title and the site name: ' | ', ' - ', ' – ', ' — ', ' · ', ' » ', ': '."""

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "datepublished", "date.published", "dc.date.issued", "dcterms.issued", "dc.date",
    "dcterms.date", "dc.date.created", "dcterms.created", "citation_publication_date",
    "citation_date", "citation_online_date", "prism.publicationdate", "parsely-pub-date",
    "sailthru.date", "article.published", "published-date", "publish-date", "publish_date",
    "publication_date", "publication-date", "pubdate", "date", "original-publish-date",
    "og:published_time", "release_date", "bt:pubdate", "article_date_original",
    "cxenseparse:recs:publishtime", "date_published", "published", "created",
)
"""``<meta>`` names and properties that carry the publication date, most specific first."""

MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
    "dcterms.modified", "last-modified", "lastmod", "article:modified", "revised",
)
"""Last-resort dates: the page was at least this old when last changed."""

AUTHOR_META = (
    "author", "article:author", "og:article:author", "dc.creator", "dcterms.creator",
    "parsely-author", "sailthru.author", "byl", "cxenseparse:author", "article.author",
    "author_name", "dc.contributor", "book:author",
)
"""``<meta>`` names holding free-text author lists."""

SINGLE_AUTHOR_META = ("citation_author", "prism.author", "dc.creator.personalname")
"""``<meta>`` names repeated once per author, often 'Last, First'."""

TITLE_META = (
    "og:title", "twitter:title", "dc.title", "dcterms.title", "citation_title",
    "parsely-title", "sailthru.title", "title", "headline",
)
"""``<meta>`` titles (before ``<title>``, which carries site suffixes more often)."""

SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "dc.publisher",
             "citation_publisher", "citation_journal_title", "publisher")
"""``<meta>`` names for the site or publisher."""

DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description",
                    "dcterms.description", "sailthru.description")
"""``<meta>`` descriptions: OpenGraph's is written for sharing and tends to be the cleanest."""

IMAGE_META = ("og:image:secure_url", "og:image:url", "og:image", "twitter:image",
              "twitter:image:src", "thumbnailurl", "image", "parsely-image-url",
              "sailthru.image.full")
"""``<meta>`` images, the canonical OpenGraph one first."""

TAG_META = ("article:tag", "parsely-tags", "sailthru.tags", "news_keywords", "keywords")
"""``<meta>`` tag lists: article tags are curated; keywords are often SEO lists."""

LANGUAGE_META = ("content-language", "language", "dc.language", "dcterms.language",
                 "og:locale", "inlanguage")
"""``<meta>`` language declarations, after ``<html lang>``."""

LD_PUBLISHED = ("datePublished", "dateCreated", "uploadDate", "startDate")
LD_MODIFIED = ("dateModified",)
LD_AUTHOR = ("author", "creator")

LANGUAGE_ALIASES = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es",
    "ita": "it", "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "pol": "pl",
    "jpn": "ja", "zho": "zh", "chi": "zh", "kor": "ko", "ara": "ar", "tur": "tr",
    "swe": "sv", "dan": "da", "nor": "no", "nob": "nb", "fin": "fi", "ces": "cs",
    "cze": "cs", "ell": "el", "gre": "el", "heb": "he", "hin": "hi", "ukr": "uk",
    "english": "en", "german": "de", "deutsch": "de", "french": "fr", "français": "fr",
    "spanish": "es", "español": "es", "italian": "it", "italiano": "it",
    "portuguese": "pt", "português": "pt", "dutch": "nl", "nederlands": "nl",
    "iw": "he", "in": "id", "ji": "yi",
}
"""ISO 639-2 codes, a few language names, and deprecated ISO 639-1 codes, to ISO 639-1."""

_EXCLUDED_TAGS = frozenset({"aside", "footer", "nav", "form", "template", "noscript"})
_ARTICLE_PARTS = frozenset({"aside", "footer"})
_OFF_ARTICLE_WORDS = re.compile(
    r"related|recommend|teaser|sidebar|comment|carousel|breadcrumb|trending|popular|"
    r"read-?next|you-?may|also-?like|more-?from|most-?read|more-?stories",
    re.IGNORECASE,
)
_OFF_ARTICLE_PARTS = _words(
    "nav navbar navigation menu footer widget widgets promo latest more share social "
    "newsletter subscribe signup cookie ad ads advert advertisement"
)
DISCUSSION_TYPES = frozenset({"DiscussionForumPosting", "QAPage"})
"""schema.org types that declare the page a discussion: its posts are its content."""

_SOURCES_SELECTOR = (
    'meta[content], link[href], base[href], script[type*="ld+json" i], h1, title, '
    + ", ".join(f'[itemtype*="{name}"]' for name in sorted(DISCUSSION_TYPES))
)
_OPAQUE_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "select"})
_CLASS_PARTS = re.compile(r"[^a-z0-9]+")
_BYLINE_SELECTOR = (
    '[rel~="author"], [itemprop~="author"], [class*="byline" i], [class*="author" i], '
    '[id*="byline" i], [id*="author" i], [class*="writer" i], a[href*="/author/"], '
    'a[href*="/authors/"], a[href*="/autor/"], a[href*="/auteur/"]'
)
_BYLINE_WORDS = frozenset(
    {"byline", "author", "authors", "writer", "contributor", "creator"}
)
_BYLINE_NOT_WORDS = _words(
    """avatar bio biography desc description img image photo pic picture social follow about
    more box info title job role date time count list comment comments icon label
    position twitter email bylines"""
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HASHLIKE = re.compile(r"\d")
_BYLINE_SKIP_TAGS = frozenset(
    {"html", "body", "main", "article", "section", "ul", "ol", "table", "header", "img",
     "meta", "link", "script", "style", "svg", "picture", "figure", "button", "input"}
)
_DATE_SELECTOR = (
    'time, [itemprop~="datePublished"], [class*="date" i], [class*="publish" i], '
    '[class*="posted" i], [class*="timestamp" i], h1'
)
_DATE_HINT = re.compile(
    r"(?:^|[-_])(?:date|dateline|pubdate|publish(?:ed)?|posted|timestamp|post-?date|"
    r"entry-?date|byline-?date|article-?date|time)(?:$|[-_])",
    re.IGNORECASE,
)
_DATE_NOT = re.compile(r"modif|updat|comment|expir|event", re.IGNORECASE)
_BYLINE_CUT = re.compile(
    r"\d|[|•·»]|\b(?:on|le|am|el|il|op|em)\b|\b(?i:updated|published|posted on|"
    r"last modified|publié|mis à jour|veröffentlicht|aktualisiert|publicado|actualizado|"
    r"atualizado|pubblicato|aggiornato|gepubliceerd|bijgewerkt|opublikowano|"
    r"zaktualizowano)\b"
)
"""Where a byline's names end: a digit, a separator, 'on' / 'le' / 'am' (lower case only,
so 'Nadia El Khoury' survives) or a 'Published' / 'Updated' note."""
_LATE_BY = re.compile(r"\b(?:by|von|par|por|door|di|av|af|przez)\s+", re.IGNORECASE)
_MONTH_THEN_DIGIT = re.compile(r"\b([^\W\d_]{3,})\.?\s+\d")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_.]|$)")
_TITLE_SPLIT = re.compile(f"({TITLE_SEPARATORS})")
_COMPACT = re.compile(r"[\W_]+")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")
_SCRIPT_DATE = re.compile(
    r'\\?"(?:datePublished|publishedAt|published_at|publishDate|publish_date|'
    r'publicationDate|publication_date|first_publication_date|dateCreated)\\?"\s*:\s*'
    r'\\?"([^"\\]{8,40})\\?"'
)
_SCRIPT_DATE_KEYS = ("ublish", "ublicat", "dateCreated")
"""A part of each key ``_SCRIPT_DATE`` looks for: scripts with none of them are skipped."""
_URL_LIKE = re.compile(r"(?:https?:)?//|www\.|@", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_LANG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{2,8}))?\b")


@dataclass(frozen=True, slots=True)
class _Page:
    """What the field rules read: the tree, the ``<meta>`` map and the JSON-LD."""

    tree: LexborHTMLParser
    url: str | None
    metas: dict[str, list[str]]
    links: dict[str, list[str]]
    title_tag: str | None
    ld: LdData
    entities: tuple[dict[str, Any], ...]
    h1s: tuple[tuple[LexborNode, str], ...]
    discussion_markup: bool = False
    """Whether microdata declares one of ``DISCUSSION_TYPES``."""
    headline: LexborNode | None = None
    shared: frozenset[int] = frozenset()

    def meta(self, keys: Iterable[str]) -> Iterator[str]:
        """Cleaned ``<meta>`` values for ``keys``, in key order then page order."""
        for key in keys:
            for value in self.metas.get(key, ()):
                text = _clean(value)
                if text:
                    yield text

    def ld_values(self, keys: Iterable[str], max_rank: int = RANK_PAGE) -> Iterator[Any]:
        """JSON-LD values for ``keys`` from the ranked entities (article-like first)."""
        keys = tuple(keys)
        for entity in self.entities:
            if rank(entity) > max_rank:
                break
            for key in keys:
                value = entity.get(key)
                if value:
                    yield self.ld.resolve(value)


def extract_metadata(tree: LexborHTMLParser, url: str | None = None) -> Metadata:
    """Title, authors, date, site name, description, language, URL, image and tags."""
    try:
        return _extract(tree, url)
    except Exception:  # a last guard: metadata must never sink the extraction
        return Metadata(url=url if isinstance(url, str) else None)


def _extract(tree: LexborHTMLParser, url: str | None) -> Metadata:
    page = _read_page(tree, url if isinstance(url, str) and url.strip() else None)
    site_name = _site_name(page)
    language = _language(page)
    canonical = _canonical_url(page)
    title = _title(page, site_name, canonical)
    page = _with_headline(page, title)
    return Metadata(
        title=title,
        authors=_authors(page),
        date=_date(page, _day_first(page, language), canonical),
        site_name=site_name,
        description=_description(page),
        language=language[0] if language else None,
        url=canonical,
        image=_image(page, canonical),
        tags=_tags(page),
        discussion=_discussion(page),
    )


def _discussion(page: _Page) -> bool:
    """Whether the page declares itself a discussion (JSON-LD or microdata)."""
    return page.discussion_markup or any(page.ld.of_types(DISCUSSION_TYPES))


# ---------------------------------------------------------------- sources


def _read_page(tree: LexborHTMLParser, url: str | None) -> _Page:
    """Everything the structured sources need, in one pass over the tree."""
    metas: dict[str, list[str]] = {}
    links: dict[str, list[str]] = {}
    scripts: list[str] = []
    headings: list[tuple[LexborNode, str]] = []
    title: str | None = None
    discussion = False
    for node in tree.css(_SOURCES_SELECTOR):
        tag = node.tag
        if tag == "meta":
            _add_meta(metas, node.attributes)
        elif tag == "link" or tag == "base":
            _add_link(links, node.attributes, tag)
        elif tag == "script":
            scripts.append(node.text(deep=True) or "")
        elif tag == "h1" and len(headings) < MAX_H1:
            text = _clean(node.text(separator=" "))
            if text and len(text) <= MAX_TITLE_CHARS:
                headings.append((node, text))
        elif tag == "title" and title is None and _outside_svg(node):
            title = _clean(node.text())
        elif tag not in ("h1", "title"):
            discussion = True  # (other elements are selected for their discussion itemtype)
    ld = parse_blocks(scripts)
    ranked = tuple(_order_entities(ld, url))
    return _Page(tree, url, metas, links, title, ld, ranked, tuple(headings), discussion)


def _add_meta(metas: dict[str, list[str]], attrs: dict[str, str | None]) -> None:
    """File a ``<meta>``'s content under its lower-cased name / property / itemprop."""
    content = attrs.get("content")
    if not content or not content.strip():
        return
    for attr in ("property", "name", "itemprop", "http-equiv"):
        key = attrs.get(attr)
        if key:
            for part in key.lower().split():
                metas.setdefault(part, []).append(content)


def _add_link(links: dict[str, list[str]], attrs: dict[str, str | None], tag: str) -> None:
    """File a ``<link>`` href under each of its rel tokens (``<base>`` under 'base')."""
    href = attrs.get("href")
    if not href:
        return
    rels = (attrs.get("rel") or "").lower().split() if tag == "link" else ["base"]
    for rel in rels:
        links.setdefault(rel, []).append(href)


def _outside_svg(node: LexborNode) -> bool:
    parent = node.parent
    return parent is None or parent.tag not in ("svg", "symbol", "g")


def _with_headline(page: _Page, title: str | None) -> _Page:
    """The page with its headline element (and that element's ancestors) located."""
    headline = _headline(page, title)
    shared = frozenset(_ancestor_ids(headline.parent)) if headline else frozenset()
    return replace(page, headline=headline, shared=shared)


def _headline(page: _Page, title: str | None) -> LexborNode | None:
    """The ``<h1>`` (else ``<h2>``) showing the title, else the first ``<h1>`` in the open."""
    wanted = _norm(title) if title else ""
    if wanted:
        found = _showing(page.h1s, wanted) or _showing(_h2s(page), wanted)
        if found is not None:
            return found
    h1s = [node for node, _ in page.h1s]
    return next((n for n in h1s if not _excluded(n)), h1s[0] if h1s else None)


def _h2s(page: _Page) -> Iterator[tuple[LexborNode, str]]:
    for node in page.tree.css("h2")[:MAX_H2]:
        text = _clean(node.text(separator=" "))
        if text and len(text) <= MAX_TITLE_CHARS:
            yield node, text


def _showing(headings: Iterable[tuple[LexborNode, str]], wanted: str) -> LexborNode | None:
    """The heading equal to the title, else one overlapping most of it."""
    partial: LexborNode | None = None
    for node, text in headings:
        shown = _norm(text)
        if shown == wanted:
            return node
        shorter, longer = sorted((shown, wanted), key=len)
        if partial is None and shorter and shorter in longer and (
            len(shorter) >= MIN_HEADLINE_OVERLAP * len(longer)
        ):
            partial = node
    return partial


def _ancestor_ids(node: LexborNode | None) -> Iterator[int]:
    for _ in range(MAX_ANCESTORS):
        if node is None or node.tag in ("html", "body", None):
            return
        yield node.mem_id
        node = node.parent


def _order_entities(ld: LdData, url: str | None) -> list[dict[str, Any]]:
    """Ranked entities; among article-like ones, the one about this page first."""
    ranked = ld.ranked()
    if url:
        own = [e for e in ranked if rank(e) == RANK_ARTICLE and _is_about(e, url, ld)]
        ranked = own + [e for e in ranked if not any(e is o for o in own)]
    return ranked


def _is_about(entity: dict[str, Any], url: str, ld: LdData) -> bool:
    """Whether the entity's url / mainEntityOfPage / @id is the page's URL."""
    target = _url_key(url)
    for key in ("url", "mainEntityOfPage", "@id"):
        value = ld.resolve(entity.get(key))
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and _url_key(value) == target:
            return True
    return False


def _split_url(url: str | None) -> SplitResult | None:
    """``urlsplit`` that answers None for no URL or a malformed one ('http://[::1')."""
    if not url:
        return None
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def _url_key(url: str) -> str:
    """Host and path, without scheme, 'www.', query, fragment or trailing slash."""
    parts = _split_url(url)
    if parts is None:
        return url.strip()
    host = parts.netloc.lower().removeprefix("www.")
    return host + parts.path.rstrip("/")


def _clean(value: Any) -> str | None:
    """Whitespace-collapsed text, entities decoded once more if double-escaped."""
    if not isinstance(value, str):
        return None
    if "&" in value:
        value = html.unescape(value)
    text = _SPACES.sub(" ", value).strip()
    return text or None


def _ld_text(value: Any) -> str | None:
    """Text from a JSON-LD value: a string, ``{"name"|"@value"|"url": ...}`` or a list."""
    if isinstance(value, list):
        for item in value:
            text = _ld_text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        for key in ("name", "@value", "url", "contentUrl"):
            if value.get(key):
                return _ld_text(value[key])
        return None
    return _clean(value) if isinstance(value, str) else None


def _first(values: Iterable[Any]) -> str | None:
    for value in values:
        text = _ld_text(value)
        if text:
            return text
    return None


# ---------------------------------------------------------------- site, url, language


def _site_name(page: _Page) -> str | None:
    publisher = _first(page.ld_values(("publisher",)))
    website = _first(e.get("name") for e in page.ld.of_types(("WebSite",)))
    names = (*page.meta(SITE_META), publisher, website)
    return next((n for n in names if n and not _URL_LIKE.match(n)), None)


def _canonical_url(page: _Page) -> str | None:
    """``<link rel=canonical>``, else og:url, absolutised; else the given URL."""
    base = _base_url(page)
    candidates = [*page.links.get("canonical", ())[:1], *page.meta(("og:url",))]
    for candidate in candidates:
        absolute = _absolute(candidate, base)
        if absolute:
            return absolute
    return page.url


def _base_url(page: _Page) -> str | None:
    """The page URL, adjusted by ``<base href>`` when the page sets one."""
    hrefs = page.links.get("base")
    if not hrefs:
        return page.url
    return _absolute(hrefs[0], page.url) or page.url


def _absolute(href: Any, base: str | None) -> str | None:
    """``href`` made absolute against ``base``; only http(s) URLs are kept."""
    if not isinstance(href, str) or not href.strip():
        return None
    href = href.strip()
    try:
        joined: str = urljoin(base, href) if base else href
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return joined


def _language(page: _Page) -> tuple[str, str | None] | None:
    """(ISO 639-1 code, region or None) from ``<html lang>``, then meta, then JSON-LD."""
    root = page.tree.root
    declared = [root.attributes.get("lang"), root.attributes.get("xml:lang")] if root else []
    declared += list(page.meta(LANGUAGE_META))
    declared += [_ld_text(v) for v in page.ld_values(("inLanguage",))]
    for value in declared:
        language = reduce_language(value)
        if language:
            return language
    return None


def reduce_language(value: str | None) -> tuple[str, str | None] | None:
    """'en-US' -> ('en', 'us'); 'deu' -> ('de', None); junk -> None."""
    if not value:
        return None
    match = _LANG.match(value)
    if not match:
        alias = LANGUAGE_ALIASES.get(value.strip().casefold())
        return (alias, None) if alias else None
    code = match[1].lower()
    code = LANGUAGE_ALIASES.get(code, code)
    if len(code) != 2:
        alias = LANGUAGE_ALIASES.get(value.strip().casefold())
        return (alias, None) if alias else None
    region = match[2].lower() if match[2] and len(match[2]) == 2 else None
    return code, region


def _day_first(page: _Page, language: tuple[str, str | None] | None) -> bool:
    """False for US-style month-first dates (English in the US, or English, no region)."""
    if not language or language[0] != "en":
        return True
    return language[1] is not None and language[1] not in MONTH_FIRST_REGIONS


# ---------------------------------------------------------------- title


def _title(page: _Page, site_name: str | None, url: str | None) -> str | None:
    keys = _site_keys(site_name, url or page.url)
    title_tag = page.title_tag
    candidates = [
        *(_ld_text(v) for v in page.ld_values(("headline",), max_rank=RANK_ARTICLE)),
        *page.meta(TITLE_META),
        title_tag,
        *(_ld_text(v) for v in page.ld_values(("headline", "name"))),
    ]
    cleaned = [strip_site_name(c, keys) for c in candidates if c and len(c) <= MAX_TITLE_CHARS]
    cleaned = [c for c in cleaned if c]
    heading = _matching_h1(page, cleaned, title_tag, keys)
    if heading is None and cleaned:
        heading = _consistent_h1(page, cleaned[0], keys)
    return heading or (cleaned[0] if cleaned else _first_h1(page))


def _h1_texts(page: _Page) -> list[str]:
    return [text for _, text in page.h1s]


def _first_h1(page: _Page) -> str | None:
    texts = _h1_texts(page)
    return texts[0] if texts else None


def _matching_h1(
    page: _Page, cleaned: list[str], title_tag: str | None, keys: set[str]
) -> str | None:
    """An ``<h1>`` that is a declared title or a segment of ``<title>`` (not the site)."""
    wanted = {_norm(c) for c in cleaned}
    if title_tag:
        wanted.update(_norm(s) for s in _segments(title_tag) if not _is_site(s, keys))
    wanted.discard("")
    for text in _h1_texts(page):
        if _norm(text) in wanted and not _is_site(text, keys):
            return text
    return None


def _consistent_h1(page: _Page, declared: str, keys: set[str]) -> str | None:
    """The first ``<h1>`` in the open sharing most of its words with the declared title:
    the page's own wording of the headline, without the SEO variations of ``<title>``."""
    words = set(_WORD.findall(_norm(declared)))
    for node, text in page.h1s:
        own = set(_WORD.findall(_norm(text)))
        shared = len(words & own) / max(1, min(len(words), len(own)))
        if shared >= MIN_H1_WORD_OVERLAP and not _is_site(text, keys) and not _excluded(node):
            return text
    return None


def _segments(title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SPLIT.split(title)[::2] if p.strip()]


def strip_site_name(title: str, keys: set[str]) -> str:
    """'Headline | Site' / 'Site - Headline' -> 'Headline' when 'Site' is the site's name."""
    parts = _TITLE_SPLIT.split(title)
    while len(parts) >= 3 and parts[-2].strip() != ":" and _is_site(parts[-1], keys):
        parts = parts[:-2]
    while len(parts) >= 3 and _is_site(parts[0], keys, exact=True):
        parts = parts[2:]
    return "".join(parts).strip()


def _site_keys(site_name: str | None, url: str | None) -> set[str]:
    """Compact forms that name the site: its declared name and its domain's labels."""
    keys = {_compact(site_name)} if site_name else set()
    parts = _split_url(url)
    host = parts.netloc.lower() if parts else ""
    labels = host.split(":")[0].removeprefix("www.").split(".")
    keys.update(label for label in labels[:-1] if len(label) >= MIN_SITE_KEY_CHARS)
    if len(labels) >= 2:
        keys.add(_compact(".".join(labels[-2:])))
        keys.add(_compact(".".join(labels)))
    keys.discard("")
    return keys


def _is_site(segment: str, keys: set[str], exact: bool = False) -> bool:
    """Whether a title segment names the site (equal to, or unless ``exact`` containing,
    a site key). Leading segments need ``exact``: titles often start with a brand name."""
    if not keys or len(segment.split()) > MAX_SITE_SEGMENT_WORDS:
        return False
    compact = _compact(segment)
    if not compact:
        return False
    if compact in keys or exact:
        return compact in keys
    return any(
        len(key) >= MIN_SITE_KEY_CHARS and (key in compact or compact in key)
        and len(compact) >= MIN_SITE_KEY_CHARS
        for key in keys
    )


def _compact(text: str) -> str:
    return _COMPACT.sub("", unicodedata.normalize("NFKC", text).casefold())


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" .:|-–—")


# ---------------------------------------------------------------- authors


def _authors(page: _Page) -> tuple[str, ...]:
    people, organisations = _ld_authors(page)
    if people:
        return dedupe(people)
    for names in (_meta_authors(page), _visible_authors(page)):
        if names:
            return dedupe(names)
    return dedupe(organisations)


def _ld_authors(page: _Page) -> tuple[list[str], list[str]]:
    """(people, organisations) named as authors of the main JSON-LD entity."""
    people: list[str] = []
    organisations: list[str] = []
    for value in page.ld_values(LD_AUTHOR, max_rank=RANK_PAGE):
        for item in value if isinstance(value, list) else [value]:
            item = page.ld.resolve(item)
            names = _ld_person_names(item)
            is_org = isinstance(item, dict) and "Person" not in types(item) and bool(types(item))
            (organisations if is_org else people).extend(names)
        if people or organisations:
            break
    return people, organisations


def _ld_person_names(item: Any) -> list[str]:
    if isinstance(item, str):
        return split_names(item)
    if not isinstance(item, dict):
        return []
    name = item.get("name")
    if isinstance(name, list):
        name = next((n for n in name if isinstance(n, str)), None)
    if not isinstance(name, str):
        given, family = item.get("givenName"), item.get("familyName")
        name = f"{given} {family}" if isinstance(given, str) and isinstance(family, str) else None
    return split_names(name) if name else []


def _meta_authors(page: _Page) -> list[str]:
    for key in AUTHOR_META:
        names = [n for value in page.meta((key,)) for n in split_names(value)]
        if names:
            return names
    for key in SINGLE_AUTHOR_META:
        names = [n for value in page.meta((key,)) for n in split_names(value, split=False)]
        if names:
            return names
    return []


def _visible_authors(page: _Page) -> list[str]:
    """Microdata authors, else the first byline, in the headline's region of the page."""
    region = _region(page)
    nodes = region.css(_BYLINE_SELECTOR)[:MAX_BYLINE_NODES]
    found = _microdata_authors(page, nodes) or _byline_authors(page, nodes)
    if found or region is page.tree:
        return found
    nodes = page.tree.css(_BYLINE_SELECTOR)[:MAX_BYLINE_NODES]
    return _microdata_authors(page, nodes) or _byline_authors(page, nodes)


def _region(page: _Page) -> LexborNode | LexborHTMLParser:
    """The headline's ``<article>`` / ``<main>`` (or a few levels up): bylines and dates
    are looked for there, which is faster on big pages and skips most teasers. Without a
    headline, the whole page."""
    node = page.headline
    if node is None:
        return page.tree
    for _ in range(MAX_REGION_LEVELS):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
        if node.tag in ("article", "main"):
            break
    return node


def _microdata_authors(page: _Page, nodes: list[LexborNode]) -> list[str]:
    for node in nodes:
        if node.tag == "meta" or "author" not in (node.attributes.get("itemprop") or ""):
            continue
        if _excluded(node, page.shared):
            continue
        inner = node.css_first('[itemprop~="name"]')
        source = inner or node
        raw = source.attributes.get("content") or _short_text(source)
        names = split_names(raw or "", strict=inner is None)
        if names:
            return names
    return []


def _byline_authors(page: _Page, nodes: list[LexborNode]) -> list[str]:
    """Names from the first byline element outside asides, comments and teasers."""
    names: list[str] = []
    anchor: LexborNode | None = None
    for node in nodes:
        if anchor is not None and not _near(node, anchor):
            continue
        if not _is_byline_node(node) or _excluded(node, page.shared):
            continue
        found = split_names(_byline_text(node), strict=True)
        if found:
            names.extend(found)
            anchor = anchor or node
    return names


def _is_byline_node(node: LexborNode) -> bool:
    if node.tag in _BYLINE_SKIP_TAGS:
        return False
    attrs = node.attributes
    if "author" in (attrs.get("rel") or "").lower().split():
        return True
    if "author" in (attrs.get("itemprop") or "").lower().split():
        return True
    href = attrs.get("href") or ""
    if node.tag == "a" and re.search(r"/(?:authors?|autor|auteur)/", href):
        return True
    hints = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".split()
    return any(_is_byline_hint(h) for h in hints)


def _is_byline_hint(token: str) -> bool:
    """'byline', 'author-name', 'post__author', 'Byline_authorName__x1y2': yes;
    'author-bio', 'byline__date', 'comment-author-avatar': no (the last word decides)."""
    words = _hint_words(token)
    if not words or words[-1] in _BYLINE_NOT_WORDS or "comment" in words:
        return False
    return not _BYLINE_WORDS.isdisjoint(words) or "by-line" in token.lower()


def _hint_words(token: str) -> list[str]:
    """A class token's words: split at -, _ and camelCase; hash-like parts dropped."""
    parts = [p for p in re.split(r"[-_]+", token) if p and not _HASHLIKE.search(p)]
    return [w.lower() for p in parts for w in _CAMEL.split(p) if w]


def _byline_text(node: LexborNode) -> str:
    """The element's text, line by line, each cut where a date or 'Updated' note begins."""
    raw = node.text(separator="\n")
    if len(raw) > MAX_TEXT_CHARS * 2:
        return ""
    return "\n".join(_cut_line(line) for line in raw.split("\n"))


def _cut_line(line: str) -> str:
    """'By Jane Doe on May 3' -> 'Jane Doe'; 'Posted May 3, 2020 by Jane Doe' -> 'Jane Doe'."""
    line = strip_prefix(line)
    cut = _BYLINE_CUT.search(line)
    month = next((m for m in _MONTH_THEN_DIGIT.finditer(line) if m[1].casefold() in MONTHS), None)
    end = min((m.start() for m in (cut, month) if m is not None), default=len(line))
    if line[:end].strip():
        return line[:end]
    later = _LATE_BY.search(line)
    return _cut_line(line[later.end() :]) if later else ""


def _near(node: LexborNode, anchor: LexborNode) -> bool:
    """Same parent or grandparent as the first byline (multi-author bylines)."""
    mine = [node.parent, node.parent.parent if node.parent else None]
    theirs = [anchor.parent, anchor.parent.parent if anchor.parent else None]
    ids = {n.mem_id for n in theirs if n is not None}
    return any(n is not None and n.mem_id in ids for n in mine)


def _short_text(node: LexborNode) -> str | None:
    text = _clean(node.text(separator=" "))
    return text if text and len(text) <= MAX_TEXT_CHARS else None


def _excluded(node: LexborNode, shared: frozenset[int] = frozenset()) -> bool:
    """Inside an aside, nav, footer, form, or a block marked related / teaser / comments.

    Only the ancestors below ``shared`` (the headline's ancestors) count: a wrapper that
    also holds the headline is the article itself, whatever its class says. An
    ``<aside>`` or ``<footer>`` of the headline's own ``<article>`` is its byline box.
    """
    current: LexborNode | None = node
    by_tag = False
    for _ in range(MAX_ANCESTORS):
        if current is None or current.tag in ("html", "body", None):
            return by_tag
        if current.mem_id in shared:
            return by_tag and current.tag != "article"
        tag = current.tag
        if tag in _EXCLUDED_TAGS:
            if tag not in _ARTICLE_PARTS:
                return True
            by_tag = True
        if _off_article_hint(current):
            return True
        current = current.parent
    return by_tag


def _off_article_hint(node: LexborNode) -> bool:
    """Class or id naming a related / teaser / navigation / comments block."""
    attrs = node.attributes
    cls, ident = attrs.get("class"), attrs.get("id")
    return bool(cls or ident) and _is_off_article_hint(f"{cls or ''} {ident or ''}")


@lru_cache(maxsize=HINT_CACHE_SIZE)
def _is_off_article_hint(hint: str) -> bool:
    if _OFF_ARTICLE_WORDS.search(hint):
        return True
    return not _OFF_ARTICLE_PARTS.isdisjoint(_CLASS_PARTS.split(hint.lower()))


# ---------------------------------------------------------------- date


def _date(page: _Page, day_first: bool, url: str | None) -> str | None:
    """The publication date, checked against the dates the page shows by its headline.

    Declared publication dates (JSON-LD, ``<meta>``, the URL) are candidates; when the page
    displays one of them by its headline, that one wins. Otherwise the first declared one,
    then the displayed date, then the last modification date.
    """
    published = [
        _first_date(page.ld_values(LD_PUBLISHED), day_first),
        _first_date(page.meta(PUBLISHED_META), day_first),
        _url_date(url, page.url),
    ]
    modified = [
        _first_date(page.ld_values(LD_MODIFIED), day_first),
        _first_date(page.meta(MODIFIED_META), day_first),
    ]
    declared = [d for d in published if d]
    needs_check = _needs_display_check(declared)
    shown = _shown_dates(page, day_first) if needs_check else []
    if not declared and not shown:
        declared = [d for d in (_script_date(page, day_first),) if d]
    return _reconcile(declared, [d for d in modified if d], shown)


def _script_date(page: _Page, day_first: bool) -> str | None:
    """A publication date in the page's inline data scripts (``__NEXT_DATA__`` and the
    like), for pages that render their dateline with JavaScript: the first one wins."""
    for node in page.tree.css("script:not([src])"):
        text = (node.text(deep=True) or "")[:MAX_SCRIPT_SCAN_CHARS]
        if not any(key in text for key in _SCRIPT_DATE_KEYS):
            continue  # (a plain substring test is many times faster than the pattern)
        match = _SCRIPT_DATE.search(text)
        if match:
            return normalize_date(match[1], day_first=day_first)
    return None


def _needs_display_check(published: list[str]) -> bool:
    """Only a missing or contested publication date is worth checking on the page."""
    if not published:
        return True
    days = {d[:10] for d in published}
    return len(days) > 1


def _reconcile(published: list[str], modified: list[str], shown: list[str]) -> str | None:
    shown_days = {d[:10] for d in shown}
    for candidate in published:
        if candidate[:10] in shown_days:
            return candidate
    for choice in (published, shown, modified):
        if choice:
            return choice[0]
    return None


def _shown_dates(page: _Page, day_first: bool) -> list[str]:
    """Dates displayed by the headline, then the first dated element outside teasers."""
    shown = _heading_dates(page, day_first)
    visible = _visible_date(page, day_first)
    return [*shown, visible] if visible else shown


def _first_date(values: Iterable[Any], day_first: bool) -> str | None:
    for value in values:
        found = normalize_date(_ld_text(value), day_first=day_first)
        if found:
            return found
    return None


def _url_date(*urls: str | None) -> str | None:
    """A /2019/11/19/ (or 2019-11-19) date in the page's URL path."""
    for url in urls:
        parts = _split_url(url)
        match = _URL_DATE.search(parts.path) if parts else None
        if match:
            found = normalize_date("-".join(f"{int(g):02d}" for g in match.groups()))
            if found:
                return found
    return None


def _visible_date(page: _Page, day_first: bool) -> str | None:
    """The first dated element after the headline (else before it), outside teasers."""
    before: str | None = None
    seen_h1 = page.headline is None
    headline = page.headline.mem_id if page.headline is not None else None
    for node in _region(page).css(_DATE_SELECTOR)[:MAX_DATE_NODES]:
        if node.tag == "h1":
            seen_h1 = seen_h1 or node.mem_id == headline
            continue
        if not _is_date_node(node) or _excluded(node, page.shared):
            continue
        found = _node_date(node, day_first)
        if found and seen_h1:
            return found
        before = before or found
    return before


def _heading_dates(page: _Page, day_first: bool) -> list[str]:
    """Short dated texts right after the headline (its dateline), then right before it."""
    found: list[str] = []
    if page.headline is None:
        return found
    for texts in (_texts_after(page.headline), _texts_before(page.headline)):
        for text in texts:
            if len(text) <= MAX_DATELINE_CHARS and _DIGIT.search(text):
                value = normalize_date(text, day_first=day_first)
                if value:
                    found.append(value)
                    break
    return found


def _texts_after(node: LexborNode) -> Iterator[str]:
    """The next ``DATELINE_TEXTS`` non-blank text nodes after ``node`` in page order."""
    current = _next_in_order(node, into=False)
    return _texts(current, _next_in_order)


def _texts_before(node: LexborNode) -> Iterator[str]:
    """The previous ``DATELINE_TEXTS`` non-blank text nodes before ``node``."""
    return _texts(_previous_in_order(node), lambda n, into=True: _previous_in_order(n))


def _texts(start: LexborNode | None, step: Any) -> Iterator[str]:
    """Text nodes (and ``<time datetime>`` values) from ``start`` on, skipping asides."""
    current, seen, steps = start, 0, 0
    while current is not None and seen < DATELINE_TEXTS and steps < MAX_WALK_NODES:
        steps += 1
        if current.is_text_node:
            text = (current.text_content or "").strip()
            if text:
                seen += 1
                yield text
        elif current.tag in ("body", "html"):
            return
        elif current.tag == "time" and current.attributes.get("datetime"):
            yield current.attributes.get("datetime") or ""
        current = step(current, into=not _closed(current))


def _closed(node: LexborNode) -> bool:
    """Not entered by the dateline walk: scripts, styles, navigation, asides, teasers."""
    tag = node.tag
    if tag is None or tag.startswith("-"):
        return False
    return tag in _OPAQUE_TAGS or tag in _EXCLUDED_TAGS or _off_article_hint(node)


def _next_in_order(node: LexborNode, into: bool = True) -> LexborNode | None:
    """The node after ``node`` in page order (its first child when ``into``)."""
    if into and node.child is not None:
        return node.child
    current: LexborNode | None = node
    while current is not None:
        if current.next is not None:
            return current.next
        current = current.parent
    return None


def _previous_in_order(node: LexborNode) -> LexborNode | None:
    """The node before ``node`` in page order (the deepest last child of its sibling)."""
    if node.prev is None:
        return node.parent
    current = node.prev
    while current.last_child is not None and not _closed(current):
        current = current.last_child
    return current


def _is_date_node(node: LexborNode) -> bool:
    attrs = node.attributes
    if node.tag == "time" or "datePublished" in (attrs.get("itemprop") or ""):
        return not _DATE_NOT.search(attrs.get("class") or "")
    hints = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".split()
    return any(_DATE_HINT.search(h) and not _DATE_NOT.search(h) for h in hints)


def _node_date(node: LexborNode, day_first: bool) -> str | None:
    attrs = node.attributes
    for key in ("datetime", "content", "data-date", "title"):
        found = normalize_date(attrs.get(key), day_first=day_first)
        if found:
            return found
    return normalize_date(_short_text(node), day_first=day_first)


# ---------------------------------------------------------------- description, image, tags


def _description(page: _Page) -> str | None:
    text = _first(page.meta(DESCRIPTION_META)) or _first(page.ld_values(("description",)))
    if not text or len(text) <= MAX_DESCRIPTION_CHARS:
        return text
    return text[:MAX_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"


def _image(page: _Page, url: str | None) -> str | None:
    base = url or page.url
    candidates: list[Any] = [
        *page.meta(IMAGE_META),
        *(_ld_text(v) for v in page.ld_values(("image", "thumbnailUrl"))),
        *page.links.get("image_src", ()),
    ]
    for candidate in candidates:
        absolute = _absolute(candidate, base)
        if absolute:
            return absolute
    return None


def _tags(page: _Page) -> tuple[str, ...]:
    """Tags from the first source that has any: article:tag, JSON-LD keywords, keywords."""
    groups: list[list[str]] = [list(page.meta(("article:tag",)))]
    groups.append([k for v in page.ld_values(("keywords",)) for k in _ld_keywords(v)])
    groups += [list(page.meta((key,))) for key in TAG_META[1:]]
    for group in groups:
        tags = _split_tags(group)
        if tags:
            return tags
    return ()


def _ld_keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _split_tags(values: list[str]) -> tuple[str, ...]:
    tags = (
        t.strip() for value in values for t in re.split(r"[,;]", value) if t and t.strip()
    )
    plausible = (t for t in tags if len(t) <= MAX_TAG_CHARS and is_plausible_tag(t))
    return dedupe(plausible, limit=MAX_TAGS)


def is_plausible_tag(tag: str) -> bool:
    """Starts with a letter or digit (not an internal '@marker' / '_flag'), not a URL."""
    return tag[:1].isalnum() and "://" not in tag


__all__ = ["extract_metadata", "reduce_language", "strip_site_name"]
