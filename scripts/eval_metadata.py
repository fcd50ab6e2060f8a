"""Score title / author / date extraction against a gold file (dechaff vs trafilatura).

Usage::

    .venv/bin/python scripts/eval_metadata.py [--data DIR] [--limit N] [--failures FIELD]

``DIR`` holds ``gold.jsonl`` (``id``, ``url``, ``title``, ``author``, ``date``) and
``pages/<id>.html.gz``. For each field, only pages whose gold value is non-null and
non-empty count; a missing prediction is wrong.

- title: exact match after NFKC, casefold, whitespace collapse, surrounding punctuation
  and quotes stripped;
- author: at least one name in common, after splitting both sides on ``,`` ``;`` ``&``
  `` and `` and reducing each name to its ``\\w`` runs (NFKC, casefold) joined by spaces;
- date: same calendar date (``YYYY-MM-DD``).

trafilatura's predictions are cached (``--cache``) since it is the slow side.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from dechaff.metadata import extract_metadata

FIELDS = ("title", "author", "date")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb-dev"
DEFAULT_CACHE = Path("/tmp/dechaff-eval-metadata-trafilatura.json")

_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Punctuation, symbols and quote marks stripped from both ends of a title.
_EDGE = "".join(
    chr(c)
    for c in range(0x3000)
    if unicodedata.category(chr(c))[0] in "PS" or chr(c) in "\"'`"
)

Prediction = dict[str, Any]


def norm_title(value: str) -> str:
    """NFKC, casefold, collapse whitespace, strip surrounding punctuation and quotes."""
    text = " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    return text.strip(_EDGE + " ")


def author_names(value: str | Iterable[str]) -> set[str]:
    """The normalised names in a string (or strings), split on , ; & and ' and '."""
    parts = [value] if isinstance(value, str) else list(value)
    names: set[str] = set()
    for part in parts:
        for piece in _AUTHOR_SPLIT.split(unicodedata.normalize("NFKC", part)):
            name = " ".join(_WORD.findall(piece.casefold()))
            if name:
                names.add(name)
    return names


def calendar_date(value: str | None) -> str | None:
    """The ``YYYY-MM-DD`` at the start of an ISO date, or None."""
    match = _DATE.match(value.strip()) if value else None
    return "-".join(match.groups()) if match else None


def is_correct(field: str, predicted: Any, gold: Any) -> bool:
    """Whether ``predicted`` matches ``gold`` under the field's rule; missing = wrong."""
    if not predicted:
        return False
    if field == "title":
        return norm_title(str(predicted)) == norm_title(str(gold))
    if field == "author":
        return bool(author_names(predicted) & author_names(str(gold)))
    got = calendar_date(str(predicted))
    return got is not None and got == calendar_date(str(gold))


def has_gold(row: dict[str, Any], field: str) -> bool:
    """Gold value present: non-null and non-empty."""
    value = row.get(field)
    return value is not None and str(value).strip() != ""


def load_rows(data: Path, limit: int | None) -> list[dict[str, Any]]:
    """The gold rows, optionally the first ``limit``."""
    with open(data / "gold.jsonl", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return rows[:limit] if limit else rows


def read_page(data: Path, page_id: str) -> str:
    """The page's HTML decoded as UTF-8 (errors replaced)."""
    with gzip.open(data / "pages" / f"{page_id}.html.gz") as handle:
        return handle.read().decode("utf-8", errors="replace")


def predict_dechaff(html: str, url: str | None) -> tuple[Prediction, float]:
    """dechaff's title/author/date and the ms extract_metadata took (parse excluded)."""
    tree = LexborHTMLParser(html)
    start = time.perf_counter()
    meta = extract_metadata(tree, url or None)
    elapsed = (time.perf_counter() - start) * 1000
    return {"title": meta.title, "author": list(meta.authors), "date": meta.date}, elapsed


def predict_trafilatura(html: str, url: str | None) -> Prediction:
    """trafilatura's title/author/date (its authors come joined by '; ')."""
    import trafilatura

    try:
        doc = trafilatura.extract_metadata(html, default_url=url or None)
    except Exception:  # the comparator's own crashes count as missing predictions
        return {"title": None, "author": None, "date": None}
    author = doc.author.split("; ") if doc.author else None
    return {"title": doc.title, "author": author, "date": doc.date}


def trafilatura_predictions(
    data: Path, rows: list[dict[str, Any]], cache: Path
) -> dict[str, Prediction]:
    """trafilatura's predictions for ``rows``, reusing and extending the cache."""
    cached: dict[str, Prediction] = {}
    if cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
    missing = [row for row in rows if row["id"] not in cached]
    for row in missing:
        cached[row["id"]] = predict_trafilatura(read_page(data, row["id"]), row.get("url"))
    if missing:
        cache.write_text(json.dumps(cached, ensure_ascii=False), encoding="utf-8")
    return cached


def dechaff_predictions(
    data: Path, rows: list[dict[str, Any]]
) -> tuple[dict[str, Prediction], list[float]]:
    """dechaff's predictions for ``rows`` and the per-page timings."""
    predictions: dict[str, Prediction] = {}
    timings: list[float] = []
    for row in rows:
        predictions[row["id"]], elapsed = predict_dechaff(
            read_page(data, row["id"]), row.get("url")
        )
        timings.append(elapsed)
    return predictions, timings


def score(
    rows: list[dict[str, Any]], predictions: dict[str, Prediction], field: str
) -> tuple[int, int]:
    """(correct, n) for one field over the rows with gold for it."""
    judged = [row for row in rows if has_gold(row, field)]
    correct = sum(
        is_correct(field, predictions[row["id"]].get(field), row[field]) for row in judged
    )
    return correct, len(judged)


def failures(
    rows: list[dict[str, Any]], predictions: dict[str, Prediction], field: str
) -> Iterator[tuple[str, Any, Any]]:
    """(id, predicted, gold) for each wrong prediction of ``field``."""
    for row in rows:
        if has_gold(row, field):
            got = predictions[row["id"]].get(field)
            if not is_correct(field, got, row[field]):
                yield row["id"], got, row[field]


def print_table(results: dict[str, dict[str, Prediction]], rows: list[dict[str, Any]]) -> None:
    """One line per field: each extractor's share of correct values, and n."""
    names = list(results)
    print(f"{'field':<8}" + "".join(f"{name:>14}" for name in names) + f"{'n':>7}")
    for field in FIELDS:
        cells = []
        n = 0
        for name in names:
            correct, n = score(rows, results[name], field)
            cells.append(f"{correct / n:>14.3f}" if n else f"{'-':>14}")
        print(f"{field:<8}" + "".join(cells) + f"{n:>7}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--failures", choices=FIELDS, help="list dechaff's misses for a field")
    parser.add_argument(
        "--versus", action="store_true", help="with --failures: only where trafilatura is right"
    )
    args = parser.parse_args(argv)

    rows = load_rows(args.data, args.limit)
    ours, timings = dechaff_predictions(args.data, rows)
    results: dict[str, dict[str, Prediction]] = {"dechaff": ours}
    if not args.no_trafilatura:
        results["trafilatura"] = trafilatura_predictions(args.data, rows, args.cache)
    print_table(results, rows)
    print(f"extract_metadata median {statistics.median(timings):.3f} ms/page over {len(rows)}")
    if args.failures:
        theirs = results.get("trafilatura", {})
        for page_id, got, gold in failures(rows, ours, args.failures):
            other = theirs.get(page_id, {}).get(args.failures)
            if args.versus and not is_correct(args.failures, other, gold):
                continue
            print(f"{page_id}\tgot={got!r}\tgold={gold!r}\ttraf={other!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
