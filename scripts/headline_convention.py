"""How much of a dataset's gold is the page's headline, and what that does to each extractor.

dechaff's ``text`` holds the article body without its headline (the headline goes to
``title``). Some gold sets put the headline on the first gold line; an extractor that keeps
in-body headings then gains recall there. This script re-scores a finished bench run's
predictions against the gold as is and against the gold with that first line removed, so the
two effects can be told apart. It is a diagnostic: the benchmark's figures are the "as is" ones.

A gold text's first line counts as the headline when it is at most ``HEADLINE_MAX_TOKENS``
tokens long and at least ``TITLE_SHARE`` of its tokens occur in the page's ``<title>``.

Usage::

    .venv/bin/python scripts/headline_convention.py [--data ../shared/data] \\
        [--predictions /tmp/dechaff-bench/predictions] [--dataset dragnet ...] \\
        [--extractor dechaff --extractor trafilatura ...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from pathlib import Path

from dechaff.bench.scoring import score_page_text

HEADLINE_MAX_TOKENS = 20
"""A headline is one short line."""
TITLE_SHARE = 0.6
"""...most of whose words the page's <title> repeats (the title often adds the site's name)."""
_WORD = re.compile(r"\w+")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.S | re.I)


def page_title_words(path: Path) -> set[str]:
    with gzip.open(path) as handle:
        found = _TITLE.search(handle.read())
    text = found.group(1).decode("utf-8", "replace") if found else ""
    return set(_WORD.findall(text.lower()))


def without_headline(gold: str, title_words: set[str]) -> tuple[str, bool]:
    first, _, rest = gold.partition("\n")
    tokens = _WORD.findall(first.lower())
    if tokens and len(tokens) <= HEADLINE_MAX_TOKENS and (
        sum(token in title_words for token in tokens) / len(tokens) >= TITLE_SHARE
    ):
        return rest, True
    return gold, False


def f1(golds: dict[str, str], predictions: dict[str, str]) -> tuple[float, float, float]:
    precisions, recalls = [], []
    for key, gold in golds.items():
        match = score_page_text(gold, predictions.get(key, "")).shingle
        if match.precision is not None:
            precisions.append(match.precision)
        if match.recall is not None:
            recalls.append(match.recall)
    p = sum(precisions) / max(len(precisions), 1)
    r = sum(recalls) / max(len(recalls), 1)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--predictions", type=Path, default=Path("/tmp/dechaff-bench/predictions"))
    parser.add_argument("--dataset", action="append")
    parser.add_argument("--extractor", action="append")
    args = parser.parse_args()
    for dataset in args.dataset or ["aeb", "wcxb-dev", "dragnet"]:
        rows = [json.loads(line) for line in (args.data / dataset / "gold.jsonl").open()]
        as_is = {row["id"]: row["text"] or "" for row in rows}
        body, dropped = {}, 0
        for row in rows:
            words = page_title_words(args.data / dataset / "pages" / f"{row['id']}.html.gz")
            body[row["id"]], removed = without_headline(as_is[row["id"]], words)
            dropped += removed
        print(f"{dataset}: the first gold line is the headline on {dropped} of {len(rows)} pages")
        for name in args.extractor or ["dechaff", "trafilatura"]:
            path = args.predictions / name / f"{dataset}.jsonl"
            predictions = {}
            for line in path.open():
                record = json.loads(line)
                predictions[record["id"]] = record.get("text") or ""
            for label, golds in (("gold as is", as_is), ("gold without headline", body)):
                score, p, r = f1(golds, predictions)
                print(f"  {name:22s} {label:22s} F1 {score:.3f}  P {p:.3f}  R {r:.3f}")


if __name__ == "__main__":
    main()
