"""Page regression cases: one folder under tests/pages/ per failure mode.

Adding a case needs no code: create ``tests/pages/<name>/`` with the page and ``expected.json``
(``python scripts/add_case.py`` does most of it). See ``tests/pages/README.md`` for the keys.

``test_page`` runs the extractor; the other tests check the cases themselves, so that a failing
``test_page`` always means the extractor, never a broken expectation.
"""

from __future__ import annotations

import html

import pytest

import dechaff
import pagecases as pc  # tests/ is on sys.path (pytest's default rootdir/prepend import mode)

CASES = pc.discover()
IDS = [c.name for c in CASES]
MAX_TOTAL_BYTES = 15 * 1024 * 1024


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_page(case: pc.Case) -> None:
    article = dechaff.extract(case.page_bytes(), case.url)
    failures = pc.check(case.expected, article)
    known = case.expected.get("known_failure")
    if failures and known:
        pytest.xfail(f"known failure (issue stays open until fixed): {known}")
    if failures:
        pytest.fail(pc.format_failures(case, failures), pytrace=False)
    if known:
        pytest.fail(f"{case.name} passes now: delete its known_failure entry", pytrace=False)


# --------------------------------------------------------------------------- the cases themselves


def test_enough_cases() -> None:
    assert len(CASES) >= 30, f"only {len(CASES)} cases under {pc.PAGES_DIR}"


def test_total_size() -> None:
    total = sum(f.stat().st_size for f in pc.PAGES_DIR.rglob("*") if f.is_file())
    assert total <= MAX_TOTAL_BYTES, f"tests/pages is {total / 1e6:.1f} MB (cap 15 MB)"


def test_every_folder_is_a_case() -> None:
    strays = [
        p.name
        for p in pc.PAGES_DIR.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and not (p / "expected.json").exists()
    ]
    assert not strays, f"folders without expected.json: {strays}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_is_well_formed(case: pc.Case) -> None:
    e = case.expected
    pages = [n for n in pc.PAGE_NAMES if (case.path / n).exists()]
    assert len(pages) == 1, f"{case.name}: need exactly one of {pc.PAGE_NAMES}, found {pages}"
    missing = pc.REQUIRED_KEYS - e.keys()
    assert not missing, f"{case.name}: missing keys {sorted(missing)}"
    unknown = e.keys() - pc.KNOWN_KEYS
    assert not unknown, f"{case.name}: unknown keys {sorted(unknown)} (typo?)"
    assert e["description"].strip() and "\n" not in e["description"]
    assert pc.SOURCE_RE.match(e["source"]), f"{case.name}: bad source {e['source']!r}"
    for key in (
        "gold_text",
        "text_contains",
        "text_excludes",
        "lines_exclude",
        "authors_include",
        "captions_include",
        "related_titles_include",
    ):
        if key in e:
            assert isinstance(e[key], list), f"{case.name}: {key} must be a list"
            assert all(isinstance(x, str) and x.strip() for x in e[key]), (
                f"{case.name}: {key} must hold non-empty strings"
            )
    if "min_f1" in e:
        assert "gold_text" in e, f"{case.name}: min_f1 needs gold_text"
        assert 0 < e["min_f1"] <= 1
    if "date" in e:
        assert len(e["date"]) == 10 and e["date"][4] == "-" and e["date"][7] == "-"
    if e.get("text_empty"):
        assert not e.get("text_contains") and not e.get("gold_text"), case.name
    checks = e.keys() - {"description", "source", "url", "notes"}
    assert checks, f"{case.name}: checks nothing"
    # the page really decodes and is HTML
    assert b"<" in case.page_bytes()[:4096]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_perfect_prediction_passes(case: pc.Case) -> None:
    """The checker accepts the truth: gold text (+ expected fields) passes every check."""
    failures = pc.check(case.expected, pc.perfect_prediction(case.expected))
    assert not failures, "the expectation contradicts itself:\n" + pc.format_failures(
        case, failures
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_expected_strings_are_on_the_page(case: pc.Case) -> None:
    """Every string an expectation names occurs in the page, so each check means something."""
    texts = pc.page_visible_text(case.page_bytes())
    raw = case.page_bytes().decode("utf-8", "replace")
    e = case.expected
    absent: list[str] = []
    for key in (
        "text_contains",
        "text_excludes",
        "lines_exclude",
        "captions_include",
        "related_titles_include",
    ):
        absent += [f"{key}: {s!r}" for s in e.get(key, []) if not pc.in_page(s, texts)]
    # title/authors may live only in metadata (<title>, <meta>, JSON-LD): search the markup too
    markup = (*texts, html.unescape(raw))
    metadata_values = ([e["title"]] if e.get("title") else []) + e.get("authors_include", [])
    absent += [f"title/authors: {s!r}" for s in metadata_values if not pc.in_page(s, markup)]
    assert not absent, f"{case.name}: not found on the page:\n  " + "\n  ".join(absent)


# --------------------------------------------------------------------------- the scorer


def test_shingle_f1() -> None:
    assert pc.shingle_f1("", "").f1 == 1.0
    assert pc.shingle_f1("a b c d e", "").f1 == 0.0
    assert pc.shingle_f1("", "a b c d e").f1 == 0.0
    assert pc.shingle_f1("one two three four five", "one two three four five").f1 == 1.0
    # punctuation and line breaks do not matter, case does
    assert pc.shingle_f1("one, two.\nthree four", "one two three four").f1 == 1.0
    assert pc.shingle_f1("One two three four", "one two three four").f1 == 0.0
    # short texts are one shingle
    assert pc.shingle_f1("hi there", "hi there").f1 == 1.0
    assert pc.shingle_f1("hi there", "hi you").f1 == 0.0
    # 5 tokens = 2 shingles; prediction adds one token → 3 shingles, 2 overlap
    s = pc.shingle_f1("a b c d e f", "a b c d e")
    assert (s.precision, s.recall) == (2 / 3, 1.0)
    assert abs(s.f1 - 0.8) < 1e-9
    # multiset: a repeated paragraph counts twice
    assert pc.shingle_f1("a b c d a b c d", "a b c d").precision < 1.0


def test_tokens_cjk() -> None:
    assert pc.tokens("空袭造成 3 人死亡。") == ["空", "袭", "造", "成", "3", "人", "死", "亡"]
    assert pc.tokens("日本語のテキスト") == list("日本語のテキスト")
    assert pc.tokens("Привет, мир! مرحبا بالعالم") == ["Привет", "мир", "مرحبا", "بالعالم"]
    assert pc.tokens("GPU的性能abc") == ["GPU", "的", "性", "能", "abc"]


def test_checker_reports_failures() -> None:
    expected = {
        "gold_text": ["The first paragraph of the story.", "A second paragraph follows here."],
        "min_f1": 0.9,
        "text_contains": ["second paragraph"],
        "text_excludes": ["Accept cookies"],
        "lines_exclude": ["CONFLICT"],
        "title": "Headline",
        "authors_include": ["Reuters"],
        "date": "2024-05-01",
        "captions_include": ["A photo"],
        "related_min": 2,
        "related_titles_include": ["Other story"],
        "comments_min": 1,
    }
    bad = pc.PerfectArticle(
        text="CONFLICT\nThe first paragraph of the story.\nAccept cookies and go on",
        title="Headline | Site",
        authors=("Staff",),
        date="2024-05-02T10:00:00Z",
        related=(pc._Item("Other story Other story"),),
    )
    failures = pc.check(expected, bad)
    joined = "\n".join(failures)
    for fragment in (
        "below min_f1",
        "should contain 'second paragraph'",
        "»Accept cookies«",
        "just 'CONFLICT'",
        "title:",
        "authors:",
        "date:",
        "captions:",
        "at least 2 items",
        "titled 'Other story'",
        "comments:",
        "gold lines missing",
        "output lines not in the gold",
    ):
        assert fragment in joined, f"{fragment!r} not reported in:\n{joined}"
    assert pc.check(expected, pc.perfect_prediction(expected)) == []
    assert pc.check({"text_empty": True}, pc.PerfectArticle(text="x")) != []
    assert pc.check({"text_empty": False}, pc.PerfectArticle(text=" ")) != []
