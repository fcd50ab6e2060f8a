#!/usr/bin/env python3
"""Create a page regression case under tests/pages/NAME/.

    python scripts/add_case.py NAME --page FILE_OR_DATASET:ID [--description TEXT]

``--page`` is either a file (``.html`` or ``.html.gz``; copied byte for byte) or a benchmark page
``aeb:<id or unique id prefix>`` / ``wcxb-dev:<id>`` read from the data folder (``--data``,
default ``$DECHAFF_DATA`` or ``../shared/data`` next to the repository). For a benchmark page,
expected.json is filled from its gold: gold_text, min_f1, text_contains, text_excludes (the
``without`` snippets that really are on the page and not in the gold), title, authors, date.

The script then prints what is left to edit: the keys that make the case guard its failure mode.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import pagecases as pc  # noqa: E402

DATASETS = {
    "aeb": "MIT, Scrapinghub article-extraction-benchmark",
    "wcxb-dev": "CC-BY-4.0, Murrough Foley WCXB",
}
REFUSED = {"dragnet": "its license allows evaluation only: its pages must not be copied"}
HINT_SELECTORS = {
    "caption": "figcaption, [class*=caption]",
    "related/teaser": "[class*=related], [class*=recommend], [class*=teaser]",
    "cookie": "[class*=cookie], [id*=cookie], [class*=consent]",
    "newsletter": "[class*=newsletter], [id*=newsletter], [class*=subscribe]",
    "share": "[class*=share]",
    "breadcrumb": "[class*=breadcrumb]",
    "comment": "[class*=comment], [id*=comments]",
    "byline": "[class*=byline], [rel=author]",
}


def default_data_dir() -> Path:
    env = os.environ.get("DECHAFF_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def find_gold(data: Path, dataset: str, id_prefix: str) -> dict[str, Any]:
    gold_path = data / dataset / "gold.jsonl"
    if not gold_path.is_file():
        sys.exit(f"add_case: no {gold_path} (set --data or DECHAFF_DATA)")
    matches: list[dict[str, Any]] = []
    with gold_path.open(encoding="utf-8") as fh:
        for line in fh:
            row: dict[str, Any] = json.loads(line)
            if row["id"] == id_prefix:
                return row
            if row["id"].startswith(id_prefix):
                matches.append(row)
    if len(matches) != 1:
        sys.exit(f"add_case: {dataset}:{id_prefix} matches {len(matches)} pages, need exactly 1")
    return matches[0]


def split_authors(author: str | None) -> list[str]:
    if not author:
        return []
    parts = re.split(r"\s*(?:,|;|&|\band\b)\s*", author)
    return [p.strip() for p in parts if p.strip()]


def pick_contains(row: dict[str, Any], gold: str, texts: tuple[str, str]) -> list[str]:
    """2-3 strings that must be in the text: ``with`` snippets, else mid-length gold sentences."""
    ngold = pc.norm(gold)
    picked = [s for s in row.get("with") or [] if pc.norm(s) in ngold and pc.in_page(s, texts)]
    if len(picked) >= 2:
        return picked[:3]
    lines = [ln for ln in gold.splitlines() if len(ln) >= 60]
    for ln in (lines[:1] + lines[len(lines) // 2 : len(lines) // 2 + 1] + lines[-1:])[:3]:
        sentence = re.split(r"(?<=[.!?。])\s", ln)[0].strip()
        if len(sentence) > 120:
            sentence = sentence[:100].rsplit(" ", 1)[0]
        if pc.in_page(sentence, texts) and sentence not in picked:
            picked.append(sentence)
    return picked[:3]


def pick_excludes(row: dict[str, Any], gold: str, texts: tuple[str, str]) -> list[str]:
    ngold = pc.norm(gold)
    return [
        s
        for s in row.get("without") or []
        if s.strip() and pc.norm(s) not in ngold and pc.in_page(s, texts)
    ]


def chaff_hints(page: bytes, gold: str) -> dict[str, list[str]]:
    """Texts of likely chaff elements that are on the page but not in the gold."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(page.decode("utf-8", "replace"))
    for node in tree.css("script, style"):
        node.decompose()
    ngold = pc.norm(gold)
    hints: dict[str, list[str]] = {}
    for label, selector in HINT_SELECTORS.items():
        seen: list[str] = []
        for node in tree.css(selector):
            text = re.sub(r"\s+", " ", node.text(separator=" ")).strip()
            if 8 <= len(text) <= 200 and pc.norm(text) not in ngold and text not in seen:
                seen.append(text)
        if seen:
            hints[label] = seen[:3]
    return hints


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("name", help="case folder name: lowercase letters, digits, underscores")
    ap.add_argument("--page", required=True, help="FILE (.html/.html.gz) or DATASET:ID")
    ap.add_argument("--description", default="TODO: the failure mode this case guards")
    ap.add_argument("--url", help="page URL (default: from the dataset gold)")
    ap.add_argument("--data", type=Path, default=default_data_dir(), help="benchmark data folder")
    ap.add_argument("--min-f1", type=float, default=0.85, help="min_f1 for gold cases (0.85)")
    ap.add_argument("--force", action="store_true", help="overwrite an existing case")
    args = ap.parse_args(argv)

    if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", args.name):
        ap.error("NAME must be lowercase letters, digits and underscores")
    dest = pc.PAGES_DIR / args.name
    if dest.exists() and not args.force:
        ap.error(f"{dest} exists (use --force to overwrite)")

    expected: dict[str, Any] = {"description": args.description}
    gold = ""
    file = Path(args.page)
    if file.is_file():
        page_name = "page.html.gz" if file.name.endswith(".gz") else "page.html"
        expected["source"] = "synthetic (written for dechaff)"
        expected["url"] = args.url
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, dest / page_name)
        case_page = dest / page_name
    else:
        dataset, sep, page_id = args.page.partition(":")
        if dataset in REFUSED:
            ap.error(f"{dataset}: {REFUSED[dataset]}")
        if not sep or dataset not in DATASETS:
            ap.error(f"--page: no such file, and not DATASET:ID with DATASET in {list(DATASETS)}")
        row = find_gold(args.data, dataset, page_id)
        src = args.data / dataset / "pages" / f"{row['id']}.html.gz"
        dest.mkdir(parents=True, exist_ok=True)
        case_page = dest / "page.html.gz"
        shutil.copyfile(src, case_page)  # bytes unchanged, still gzip'ed
        expected["source"] = f"{dataset}:{row['id']} ({DATASETS[dataset]})"
        expected["url"] = args.url or row.get("url") or None
        gold = row.get("text") or ""
        texts = pc.page_visible_text(pc.Case(args.name, dest, {}).page_bytes())
        if row.get("text") == "":
            expected["text_empty"] = True
        elif gold:
            expected["gold_text"] = gold.splitlines()
            expected["min_f1"] = args.min_f1
            expected["text_contains"] = pick_contains(row, gold, texts)
            if excludes := pick_excludes(row, gold, texts):
                expected["text_excludes"] = excludes
        if row.get("title"):
            expected["title"] = row["title"]
        if authors := split_authors(row.get("author")):
            expected["authors_include"] = authors
        if isinstance(row.get("date"), str) and re.fullmatch(r"\d{4}-\d\d-\d\d", row["date"]):
            expected["date"] = row["date"]
        if row.get("page_type"):
            expected["notes"] = f"WCXB page_type: {row['page_type']}"

    out = dest / "expected.json"
    out.write_text(pc.dump_expected(expected), encoding="utf-8")

    rel = dest.relative_to(REPO)
    print(f"created {rel}/{case_page.name} and {rel}/expected.json")
    print("filled: " + ", ".join(k for k in expected if k not in ("description",)))
    print("\nnow edit expected.json:")
    if expected["source"].startswith("synthetic"):
        print("  - source: set to synthetic; only pages written for dechaff may use it")
    if expected["description"].startswith("TODO"):
        print("  - description: one line naming the failure mode this case guards")
    if "gold_text" in expected:
        print("  - min_f1: raise to 0.9+ if the page is a clean article")
    else:
        print("  - gold_text + min_f1 (optional), or text_contains with 2-3 body sentences")
    print("  - text_excludes: the chaff this case is about, verified on the page, not in the body")
    print("  - lines_exclude: lone labels (tags, 'Advertisement') that must not be a line")
    print("  - captions_include / related_min / related_titles_include / comments_min, if shown")
    print("  - title / authors_include / date, if not filled")
    if gold:
        hints = chaff_hints(pc.Case(args.name, dest, {}).page_bytes(), gold)
        if hints:
            print("\nchaff candidates on the page (not in the gold):")
            for label, texts_ in hints.items():
                for t in texts_:
                    print(f"  {label:>15}: {t[:100]}")
    print(f"\nthen: .venv/bin/python -m pytest tests/test_pages.py -k {args.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
