"""Regression cases stored as data: discovery, scoring and checking.

Each folder under ``tests/pages/`` is one case guarding one failure mode. It holds the raw page
(``page.html`` or ``page.html.gz``, bytes exactly as fetched) and ``expected.json``. The keys of
``expected.json`` are documented in ``tests/pages/README.md``; every key except ``description``
and ``source`` is optional and only the keys present are checked.

This module has no pytest dependency so that ``scripts/add_case.py`` can reuse it.
"""

from __future__ import annotations

import codecs
import gzip
import html as html_lib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PAGES_DIR = Path(__file__).resolve().parent / "pages"
PAGE_NAMES = ("page.html.gz", "page.html")

REQUIRED_KEYS = frozenset({"description", "source"})
OPTIONAL_KEYS = frozenset(
    {
        "url",
        "gold_text",
        "min_f1",
        "text_contains",
        "text_excludes",
        "lines_exclude",
        "title",
        "authors_include",
        "date",
        "captions_include",
        "related_min",
        "related_titles_include",
        "comments_min",
        "text_empty",
        "notes",
    }
)
KNOWN_KEYS = REQUIRED_KEYS | OPTIONAL_KEYS | {"known_failure"}
KEY_ORDER = (
    "description",
    "source",
    "url",
    "notes",
    "text_empty",
    "title",
    "authors_include",
    "date",
    "min_f1",
    "text_contains",
    "text_excludes",
    "lines_exclude",
    "captions_include",
    "related_min",
    "related_titles_include",
    "comments_min",
    "gold_text",
)

SOURCE_RE = re.compile(
    r"^(aeb:[0-9a-f]{64} \(MIT, Scrapinghub article-extraction-benchmark\)"
    r"|wcxb-dev:\d{4} \(CC-BY-4\.0, Murrough Foley WCXB\)"
    r"|synthetic \(written for dechaff\))$"
)

# Scripts written without spaces between words: every character is its own token.
# Han (incl. extension A and compatibility ideographs), Hiragana and Katakana.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")
_WS_RE = re.compile(r"\s+")

SHINGLE = 4
PREVIEW_LINES = 8
PREVIEW_WIDTH = 110


# --------------------------------------------------------------------------- text utilities


def tokens(text: str) -> list[str]:
    """``\\w+`` runs; each CJK character is a token of its own. Case is kept."""
    return _TOKEN_RE.findall(text)


def shingles(toks: Sequence[str], k: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Multiset of k-token shingles; a non-empty text shorter than k is one shingle."""
    if not toks:
        return Counter()
    if len(toks) < k:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + k]) for i in range(len(toks) - k + 1))


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float

    def __str__(self) -> str:
        return f"F1 {self.f1:.3f} (precision {self.precision:.3f}, recall {self.recall:.3f})"


def shingle_f1(predicted: str, gold: str) -> Score:
    """Shingle precision/recall/F1 of ``predicted`` against ``gold`` (both empty scores 1)."""
    p, g = shingles(tokens(predicted)), shingles(tokens(gold))
    n_p, n_g = sum(p.values()), sum(g.values())
    if n_p == 0 and n_g == 0:
        return Score(1.0, 1.0, 1.0)
    if n_p == 0 or n_g == 0:
        return Score(0.0, 0.0, 0.0)
    overlap = sum((p & g).values())
    precision, recall = overlap / n_p, overlap / n_g
    f1 = 0.0 if overlap == 0 else 2 * precision * recall / (precision + recall)
    return Score(precision, recall, f1)


_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ad": None})


def norm(text: str) -> str:
    """Comparison form: NFC, curly quotes straightened, soft hyphens dropped, whitespace
    (incl. NBSP) collapsed, case folded. Used for every substring/equality check."""
    text = unicodedata.normalize("NFC", text).translate(_FOLD).replace("\u2026", "...")
    return _WS_RE.sub(" ", text).strip().casefold()


def _clip(text: str, width: int = PREVIEW_WIDTH) -> str:
    text = text.strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def preview(text: str, n: int = PREVIEW_LINES) -> str:
    """The first ``n`` non-blank lines, indented and clipped, for failure messages."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "      (empty)"
    out = [f"      | {_clip(ln)}" for ln in lines[:n]]
    if len(lines) > n:
        out.append(f"      | … ({len(lines) - n} more lines, {len(text)} chars in all)")
    return "\n".join(out)


def context(haystack: str, needle: str, width: int = 60) -> str:
    """``needle`` shown inside its surroundings in ``haystack`` (whitespace collapsed)."""
    flat = _WS_RE.sub(" ", haystack)
    i = flat.casefold().find(_WS_RE.sub(" ", needle).strip().casefold())
    if i < 0:
        return repr(needle)
    start, end = max(0, i - width), min(len(flat), i + len(needle) + width)
    return (
        ("…" if start else "")
        + flat[start:i]
        + "»"
        + flat[i : i + len(needle)]
        + "«"
        + flat[i + len(needle) : end]
        + ("…" if end < len(flat) else "")
    )


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    name: str
    path: Path
    expected: dict[str, Any] = field(repr=False)

    @property
    def page_path(self) -> Path:
        for name in PAGE_NAMES:
            p = self.path / name
            if p.exists():
                return p
        raise FileNotFoundError(f"{self.path}: no {' or '.join(PAGE_NAMES)}")

    def page_bytes(self) -> bytes:
        p = self.page_path
        data = p.read_bytes()
        return gzip.decompress(data) if p.suffix == ".gz" else data

    @property
    def url(self) -> str | None:
        url = self.expected.get("url")
        return url if isinstance(url, str) and url else None

    @property
    def gold(self) -> str | None:
        lines = self.expected.get("gold_text")
        return None if lines is None else "\n".join(lines)


def load_case(path: Path) -> Case:
    with (path / "expected.json").open(encoding="utf-8") as fh:
        expected = json.load(fh)
    return Case(path.name, path, expected)


def dump_expected(expected: dict[str, Any]) -> str:
    """expected.json text: keys in a fixed order (gold_text last), UTF-8 kept, 2-space indent."""
    rank = {k: i for i, k in enumerate(KEY_ORDER)}
    ordered = dict(sorted(expected.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    return json.dumps(ordered, ensure_ascii=False, indent=2) + "\n"


def discover(root: Path = PAGES_DIR) -> list[Case]:
    """Every case folder (a directory holding expected.json), sorted by name."""
    if not root.is_dir():
        return []
    return [load_case(p) for p in sorted(root.iterdir()) if (p / "expected.json").is_file()]


def page_visible_text(page: bytes) -> tuple[str, str]:
    """The page's text twice: text nodes glued (``""``) and space-separated (``" "``).

    Used to verify that the strings an expectation names really occur on the page. Script and
    style contents are dropped; the decoding is deliberately simple (UTF-8, else the <meta>
    charset) so the check does not depend on the code under test.
    """
    from selectolax.lexbor import LexborHTMLParser

    head = page[:4096].decode("ascii", "replace")
    m = re.search(r"charset=[\"']?([\w-]+)", head, re.I)
    encoding = "utf-8"
    if m:
        try:
            encoding = codecs.lookup(m.group(1)).name
        except LookupError:
            encoding = "utf-8"
    try:
        markup = page.decode(encoding)
    except UnicodeDecodeError:
        markup = page.decode("utf-8", "replace")
    tree = LexborHTMLParser(markup)
    for node in tree.css("script, style, template"):
        node.decompose()
    root = tree.root
    if root is None:
        return "", ""
    return root.text(separator=""), root.text(separator=" ")


def in_page(needle: str, page_texts: Iterable[str]) -> bool:
    n = norm(html_lib.unescape(needle))
    return any(n in norm(t) for t in page_texts)


# --------------------------------------------------------------------------- checking


def _text_block(label: str, text: str) -> str:
    return f"    {label}:\n{preview(text)}"


def _missing_and_extra(got: str, gold: str, n: int = 3) -> list[str]:
    got_lines = [norm(x) for x in got.splitlines() if x.strip()]
    gold_lines = [norm(x) for x in gold.splitlines() if x.strip()]
    got_set, gold_set = set(got_lines), set(gold_lines)
    missing = [x for x in gold_lines if x not in got_set and x not in norm(got)]
    extra = [x for x in got_lines if x not in gold_set and x not in norm(gold)]
    out = []
    if missing:
        out.append(f"    gold lines missing from the output ({len(missing)}):")
        out += [f"      - {_clip(x)}" for x in missing[:n]]
    if extra:
        out.append(f"    output lines not in the gold ({len(extra)}):")
        out += [f"      + {_clip(x)}" for x in extra[:n]]
    return out


def check(expected: dict[str, Any], article: Any) -> list[str]:
    """Compare an ``Article`` (anything with its attributes) against ``expected``.

    Returns human-readable failure descriptions; an empty list means the case passes.
    """
    failures: list[str] = []
    text: str = article.text or ""
    ntext = norm(text)

    if "text_empty" in expected:
        want_empty = bool(expected["text_empty"])
        if want_empty and text.strip():
            failures.append(
                f"text should be empty (no article on this page) but has {len(text)} chars:\n"
                + preview(text)
            )
        if not want_empty and not text.strip():
            failures.append("text should not be empty, but nothing was extracted")

    if expected.get("gold_text") is not None and "min_f1" in expected:
        gold = "\n".join(expected["gold_text"])
        score = shingle_f1(text, gold)
        if score.f1 < float(expected["min_f1"]) - 1e-9:
            parts = [
                f"text {score} is below min_f1 {expected['min_f1']}",
                _text_block("expected (gold) starts", gold),
                _text_block("got starts", text),
                *_missing_and_extra(text, gold),
            ]
            failures.append("\n".join(parts))

    for needle in expected.get("text_contains", []):
        if norm(needle) not in ntext:
            failures.append(
                f"text should contain {needle!r} but does not\n" + _text_block("got starts", text)
            )

    for needle in expected.get("text_excludes", []):
        if norm(needle) in ntext:
            failures.append(
                f"text should NOT contain {needle!r} (chaff) but does:\n"
                f"      {context(text, needle)}"
            )

    lines = {norm(ln) for ln in text.splitlines()}
    for line in expected.get("lines_exclude", []):
        if norm(line) in lines:
            failures.append(
                f"text should NOT have a line that is just {line!r} (chaff) but does:\n"
                f"      {context(text, line)}"
            )

    if "title" in expected:
        want, got = expected["title"], article.title
        if norm(want or "") != norm(got or ""):
            failures.append(f"title: expected {want!r}, got {got!r}")

    authors = [str(a) for a in (article.authors or ())]
    for want in expected.get("authors_include", []):
        if not any(norm(want) in norm(a) for a in authors):
            failures.append(f"authors: expected one matching {want!r}, got {authors!r}")

    if "date" in expected:
        want, got = expected["date"], article.date
        if (got or "")[:10] != (want or ""):
            failures.append(f"date: expected {want!r}, got {got!r}")

    captions = [str(c) for c in (article.captions or ())]
    for want in expected.get("captions_include", []):
        if not any(norm(want) in norm(c) for c in captions):
            got = [_clip(c, 80) for c in captions[:6]]
            failures.append(f"captions: expected one containing {want!r}, got {got or 'none'}")

    related = list(article.related or ())
    titles = [str(getattr(r, "title", r)) for r in related]
    if "related_min" in expected and len(related) < int(expected["related_min"]):
        failures.append(
            f"related: expected at least {expected['related_min']} items, got {len(related)}"
            + (f": {[_clip(t, 70) for t in titles[:8]]}" if titles else "")
        )
    ntitles = {norm(t) for t in titles}
    for want in expected.get("related_titles_include", []):
        if norm(want) not in ntitles:
            failures.append(
                f"related: expected an item titled {want!r}; got titles "
                f"{[_clip(t, 70) for t in titles[:8]]}"
            )

    comments = list(article.comments or ())
    if "comments_min" in expected and len(comments) < int(expected["comments_min"]):
        failures.append(
            f"comments: expected at least {expected['comments_min']}, got {len(comments)}"
        )

    return failures


def format_failures(case: Case, failures: list[str]) -> str:
    head = f"[{case.name}] {case.expected.get('description', '')}\n  source: " + str(
        case.expected.get("source")
    )
    return head + "\n" + "\n".join(f"  ✗ {f}" for f in failures)


# --------------------------------------------------------------------------- perfect prediction


@dataclass(frozen=True)
class _Item:
    title: str
    url: str | None = None
    snippet: str = ""


@dataclass(frozen=True)
class PerfectArticle:
    """What a perfect extractor would return for a case, built from its expectations only."""

    text: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    captions: tuple[str, ...] = ()
    related: tuple[_Item, ...] = ()
    comments: tuple[str, ...] = ()


def perfect_prediction(expected: dict[str, Any]) -> PerfectArticle:
    """The gold text (or, lacking gold, the required snippets) plus the expected fields."""
    if expected.get("text_empty"):
        text = ""
    elif expected.get("gold_text") is not None:
        text = "\n".join(expected["gold_text"])
    else:
        text = "\n".join(expected.get("text_contains", [])) or "Some article text."
    titles = list(expected.get("related_titles_include", []))
    fillers = int(expected.get("related_min", 0)) - len(titles)
    titles += [f"filler teaser {i}" for i in range(fillers)]
    return PerfectArticle(
        text=text,
        title=expected.get("title"),
        authors=tuple(expected.get("authors_include", [])),
        date=expected.get("date"),
        captions=tuple(expected.get("captions_include", [])),
        related=tuple(_Item(t) for t in titles),
        comments=tuple("a comment" for _ in range(int(expected.get("comments_min", 0)))),
    )
