"""The extractors a benchmark run can compare: dechaff itself and optional peers.

An :class:`Extractor` is a name, a timed ``text`` callable ``(html, url) -> Prediction`` and an
optional untimed ``metadata`` callable for tools whose metadata comes from a separate call.
Peers are imported lazily inside their factory, so the product never imports them; a missing
one raises :class:`ExtractorUnavailable` naming the ``pip install`` that provides it.
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dechaff.api import Favor, Format

FALLBACK_URL = "https://example.invalid/"

TEXT_ONLY: tuple[Format, ...] = ("text",)
"""dechaff renders only the text the bench scores, as trafilatura's ``extract`` does."""
"""Some peers (newspaper4k) require a URL; pages without one get this placeholder."""

PEER_MODULES: dict[str, str] = {
    "trafilatura": "trafilatura",
    "readability": "readability-lxml",
    "resiliparse": "resiliparse",
    "justext": "justext",
    "newspaper": "newspaper4k",
    "goose3": "goose3",
    "boilerpy3": "boilerpy3",
    "html_text": "html-text",
    "inscriptis": "inscriptis",
}
"""Top-level module of every peer -> the pip package that provides it (the product imports none)."""


@dataclass(frozen=True, slots=True)
class Prediction:
    text: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None


ExtractFn = Callable[[str, "str | None"], Prediction]


@dataclass(frozen=True, slots=True)
class Extractor:
    """``text`` is the timed call; ``metadata`` (optional) runs untimed for title/authors/date."""

    name: str
    text: ExtractFn
    metadata: ExtractFn | None = None
    version: str | None = None


class ExtractorUnavailable(RuntimeError):
    """The extractor's package is not installed (message says what to install)."""


def merge_metadata(text_prediction: Prediction, meta: Prediction) -> Prediction:
    return replace(text_prediction, title=meta.title, authors=meta.authors, date=meta.date)


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def _require(module: str, pip_name: str) -> ModuleType:
    try:
        with warnings.catch_warnings():  # e.g. newspaper4k warns at import that nltk is absent
            warnings.simplefilter("ignore")
            return importlib.import_module(module)
    except ImportError as exc:
        raise ExtractorUnavailable(f"{pip_name} is not installed: pip install {pip_name}") from exc


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text or None


def _authors(value: object) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(a.strip() for a in value.split(";") if a.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(a).strip() for a in value if str(a).strip())
    return ()


def html_fragment_text(fragment: str) -> str:
    """Visible text of an HTML fragment, text nodes on separate lines (for HTML-output peers)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(fragment)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    root = tree.body or tree.root
    return root.text(separator="\n", strip=True) if root is not None else ""


# ---------------------------------------------------------------------------------------------
# dechaff


def _dechaff(favor: Favor) -> Extractor:
    import dechaff

    def text(html: str, url: str | None) -> Prediction:
        article = dechaff.extract(html, url, favor=favor, formats=TEXT_ONLY)
        return Prediction(article.text, article.title, article.authors, article.date)

    name = "dechaff" if favor == "balanced" else f"dechaff-{favor}"
    return Extractor(name, text, version=dechaff.__version__)


# ---------------------------------------------------------------------------------------------
# trafilatura (text call timed alone; metadata from a separate untimed call)


def _trafilatura(**options: bool) -> Extractor:
    trafilatura = _require("trafilatura", "trafilatura")
    from trafilatura.metadata import extract_metadata

    def text(html: str, url: str | None) -> Prediction:
        result = trafilatura.extract(
            html, url=url, include_comments=False, include_tables=True, **options
        )
        return Prediction(text=result or "")

    def metadata(html: str, url: str | None) -> Prediction:
        doc = extract_metadata(html, default_url=url)
        return Prediction(
            title=_str_or_none(doc.title), authors=_authors(doc.author), date=_str_or_none(doc.date)
        )

    suffix = {"fast": "-fast", "favor_precision": "-precision"}
    name = "trafilatura" + "".join(suffix[k] for k, v in options.items() if v)
    return Extractor(name, text, _same_page_memo(metadata), version=_version("trafilatura"))


_last_metadata: list[tuple[str, str | None, Prediction]] = []  # at most one entry


def _same_page_memo(fn: ExtractFn) -> ExtractFn:
    """``fn`` computed once per page for all trafilatura variants (their metadata call is the
    same and untimed): the runner hands every extractor the very same ``html`` object."""

    def memo(html: str, url: str | None) -> Prediction:
        if _last_metadata and _last_metadata[0][0] is html and _last_metadata[0][1] == url:
            return _last_metadata[0][2]
        prediction = fn(html, url)
        _last_metadata[:] = [(html, url, prediction)]
        return prediction

    return memo


# ---------------------------------------------------------------------------------------------
# optional peers, each called the way its documentation recommends for article text


def _readability() -> Extractor:
    module = _require("readability", "readability-lxml")

    def text(html: str, url: str | None) -> Prediction:
        doc = module.Document(html, url=url)
        return Prediction(text=html_fragment_text(doc.summary()), title=doc.short_title())

    return Extractor("readability-lxml", text, version=_version("readability-lxml"))


def _resiliparse() -> Extractor:
    module = _require("resiliparse.extract.html2text", "resiliparse")

    def text(html: str, url: str | None) -> Prediction:
        return Prediction(text=module.extract_plain_text(html, main_content=True))

    return Extractor("resiliparse", text, version=_version("resiliparse"))


_HTML_LANG_RE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3})(?![A-Za-z])", re.I)
HTML_LANG_WINDOW = 4096
"""Characters searched for ``<html lang>``: the tag opens a page, after a doctype and comments."""

JUSTEXT_LANGUAGES = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay", "nb": "Norwegian_Bokmal",
    "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sr": "Serbian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese",
}
"""ISO 639-1 codes -> jusText stoplist names (jusText's lists are named in English)."""
JUSTEXT_DEFAULT_LANGUAGE = "English"  # for pages declaring no language: most pages are English


def html_language(html: str) -> str | None:
    """The primary subtag of ``<html lang="...">`` in lower case, if the page declares one."""
    match = _HTML_LANG_RE.search(html, 0, HTML_LANG_WINDOW)
    return match.group(1).lower() if match else None


def _justext() -> Extractor:
    """jusText with the stoplist of the page's declared language, as its docs ask; a declared
    language without a stoplist (Chinese, Japanese...) runs its language-independent mode."""
    module = _require("justext", "justext")
    available = set(module.get_stoplists())
    stoplists: dict[str, frozenset[str]] = {}

    def stoplist(language: str | None) -> frozenset[str]:
        name = JUSTEXT_DEFAULT_LANGUAGE if language is None else JUSTEXT_LANGUAGES.get(language)
        if name is None or name not in available:
            return frozenset()
        if name not in stoplists:
            stoplists[name] = frozenset(module.get_stoplist(name))
        return stoplists[name]

    def text(html: str, url: str | None) -> Prediction:
        words = stoplist(html_language(html))
        if words:
            paragraphs = module.justext(html, words)
        else:  # jusText's language-independent mode: no stoplist, stop-word thresholds at 0
            paragraphs = module.justext(html, words, stopwords_low=0, stopwords_high=0)
        return Prediction(text="\n".join(p.text for p in paragraphs if not p.is_boilerplate))

    return Extractor("justext", text, version=_version("jusText"))


def _newspaper() -> Extractor:
    module = _require("newspaper", "newspaper4k")

    def text(html: str, url: str | None) -> Prediction:
        article = module.Article(url or FALLBACK_URL, fetch_images=False)  # no network
        article.download(input_html=html)
        article.parse()
        return Prediction(
            article.text or "",
            article.title or None,
            _authors(article.authors),
            _str_or_none(article.publish_date),
        )

    return Extractor("newspaper4k", text, version=_version("newspaper4k"))


def _goose() -> Extractor:
    module = _require("goose3", "goose3")
    goose: Any = module.Goose()

    def text(html: str, url: str | None) -> Prediction:
        article = goose.extract(raw_html=html)
        return Prediction(
            article.cleaned_text or "",
            article.title or None,
            _authors(article.authors),
            _str_or_none(article.publish_date),
        )

    return Extractor("goose3", text, version=_version("goose3"))


def _boilerpy() -> Extractor:
    module = _require("boilerpy3.extractors", "boilerpy3")
    extractor: Any = module.ArticleExtractor(raise_on_failure=False)

    def text(html: str, url: str | None) -> Prediction:
        return Prediction(text=extractor.get_content(html) or "")

    return Extractor("boilerpy3", text, version=_version("boilerpy3"))


def _html_text() -> Extractor:
    module = _require("html_text", "html-text")

    def text(html: str, url: str | None) -> Prediction:
        return Prediction(text=module.extract_text(html))

    return Extractor("html-text", text, version=_version("html-text"))


def _inscriptis() -> Extractor:
    module = _require("inscriptis", "inscriptis")

    def text(html: str, url: str | None) -> Prediction:
        return Prediction(text=module.get_text(html))

    return Extractor("inscriptis", text, version=_version("inscriptis"))


REGISTRY: dict[str, Callable[[], Extractor]] = {
    "dechaff": lambda: _dechaff("balanced"),
    "dechaff-precision": lambda: _dechaff("precision"),
    "dechaff-recall": lambda: _dechaff("recall"),
    "trafilatura": lambda: _trafilatura(),
    "trafilatura-fast": lambda: _trafilatura(fast=True),
    "trafilatura-precision": lambda: _trafilatura(favor_precision=True),
    "readability-lxml": _readability,
    "resiliparse": _resiliparse,
    "justext": _justext,
    "newspaper4k": _newspaper,
    "goose3": _goose,
    "boilerpy3": _boilerpy,
    "html-text": _html_text,
    "inscriptis": _inscriptis,
}

DEFAULT_EXTRACTORS = tuple(REGISTRY)
"""The default run: every registered extractor that is installed (the others are skipped)."""


def get_extractor(name: str) -> Extractor:
    """Build a registered extractor; ``KeyError`` if unknown, ``ExtractorUnavailable`` if absent."""
    if name not in REGISTRY:
        raise KeyError(f"unknown extractor {name!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[name]()


def resolve_extractors(names: Sequence[str]) -> tuple[list[Extractor], dict[str, str]]:
    """Build the named extractors (order kept, repeats dropped) and the ones skipped, each with
    the reason (a missing peer's reason names its ``pip install``). Unknown names: ``KeyError``."""
    extractors: list[Extractor] = []
    skipped: dict[str, str] = {}
    for name in dict.fromkeys(names):
        try:
            extractors.append(get_extractor(name))
        except ExtractorUnavailable as exc:
            skipped[name] = str(exc)
    return extractors, skipped


def availability() -> dict[str, str | None]:
    """Each registered name mapped to ``None`` (usable) or the reason it is not."""
    status: dict[str, str | None] = {}
    for name, factory in REGISTRY.items():
        try:
            factory()
        except ExtractorUnavailable as exc:
            status[name] = str(exc)
        else:
            status[name] = None
    return status
