"""The dechaff command line, run in-process through ``main`` (plus one real subprocess run)."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import dechaff.cli as cli
import loopback
from dechaff import Article, __version__
from dechaff.cli import main
from dechaff.inputs import Page

SENTENCES = {
    "a": "The river flooded the old town after three days of heavy rain in the valley.",
    "c": "Engineers tested the new bridge with forty loaded trucks before it opened.",
    "d": "The library reopened on Monday with a larger reading room and longer hours.",
}


def article_page(sentence: str, title: str = "A page") -> str:
    filler = " ".join(
        f"Paragraph {i} adds more detail about the story so the article is long enough."
        for i in range(4)
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>"
        f"<p>{sentence}</p><p>{filler}</p><p>{filler} Ünïcödé ✓.</p></article>"
        f"<footer>© footer</footer></body></html>"
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """pages/a.html, pages/b/c.html.gz, pages/b/d.htm, and files that are not pages."""
    root = tmp_path / "pages"
    (root / "b").mkdir(parents=True)
    (root / "a.html").write_text(article_page(SENTENCES["a"]), encoding="utf-8")
    (root / "b" / "c.html.gz").write_bytes(gzip.compress(article_page(SENTENCES["c"]).encode()))
    (root / "b" / "d.htm").write_text(article_page(SENTENCES["d"]), encoding="utf-8")
    (root / "notes.txt").write_text("not a page", encoding="utf-8")
    (root / "b" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- single inputs -----------------------------------------------------------------------------


def test_file_to_stdout(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "extract", str(tree / "a.html"))
    assert (code, err) == (0, "")
    assert SENTENCES["a"] in out
    assert "==>" not in out
    assert out.endswith("\n")


def test_gz_file_same_as_plain(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tree / "c.html"
    plain.write_text(article_page(SENTENCES["c"]), encoding="utf-8")
    _, from_plain, _ = run(capsys, "extract", str(plain))
    code, from_gz, err = run(capsys, "extract", str(tree / "b" / "c.html.gz"))
    assert (code, err) == (0, "")
    assert from_gz == from_plain
    assert SENTENCES["c"] in from_gz


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = article_page(SENTENCES["d"]).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run(capsys, "extract", "-")
    assert (code, err) == (0, "")
    assert SENTENCES["d"] in out


def test_gzip_on_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = gzip.compress(article_page(SENTENCES["d"]).encode())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(capsys, "extract", "-", "--format", "json")
    assert code == 0
    assert SENTENCES["d"] in json.loads(out)["text"]


# --- several inputs ----------------------------------------------------------------------------


def test_directory_text_has_headers_in_order(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "extract", str(tree))
    assert (code, err) == (0, "")
    names = [tree / "a.html", tree / "b" / "c.html.gz", tree / "b" / "d.htm"]
    headers = [line for line in out.splitlines() if line.startswith("==> ")]
    assert headers == [f"==> {name} <==" for name in names]
    assert out.startswith(f"==> {names[0]} <==\n")
    assert f"\n\n==> {names[1]} <==\n" in out
    positions = [out.index(SENTENCES[key]) for key in ("a", "c", "d")]
    assert positions == sorted(positions)
    assert "not a page" not in out


def test_json_one_line_per_input(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = [str(tree / "b" / "d.htm"), str(tree / "a.html")]
    code, out, err = run(capsys, "extract", "--format", "json", *inputs)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert [r["input"] for r in records] == inputs
    assert SENTENCES["d"] in records[0]["text"]
    assert SENTENCES["a"] in records[1]["text"]
    expected_keys = {"input", *Article().to_dict()}
    assert all(set(r) == expected_keys for r in records)
    assert "Ünïcödé" in lines[0]  # UTF-8 kept as is, not \\u-escaped


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("text", ".txt"), ("markdown", ".md"), ("html", ".html"), ("json", ".json")],
)
def test_output_dir_mirrors_names(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, suffix: str
) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "extract", str(tree), "-o", str(out_dir), "--format", fmt)
    assert (code, out, err) == (0, "", "")
    written = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    assert written == sorted(f"{stem}{suffix}" for stem in ("a", "b/c", "b/d"))
    if fmt == "text":
        assert SENTENCES["c"] in (out_dir / "b" / "c.txt").read_text(encoding="utf-8")
    if fmt == "json":
        record = json.loads((out_dir / "b" / "c.json").read_text(encoding="utf-8"))
        assert record["input"] == str(tree / "b" / "c.html.gz")
        assert SENTENCES["c"] in record["text"]


def test_output_dir_name_clash_gets_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder, key in (("x", "a"), ("y", "c")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.html").write_text(article_page(SENTENCES[key]), "utf-8")
    out_dir = tmp_path / "out"
    inputs = [str(tmp_path / "x" / "page.html"), str(tmp_path / "y" / "page.html")]
    code, _, err = run(capsys, "extract", *inputs, "-o", str(out_dir))
    assert (code, err) == (0, "")
    assert SENTENCES["a"] in (out_dir / "page.txt").read_text(encoding="utf-8")
    assert SENTENCES["c"] in (out_dir / "page-2.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_jobs_2_equals_jobs_1(tree: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    missing = str(tree / "missing.html")
    args = ["extract", "--format", fmt, str(tree), missing, str(tree / "a.html")]
    serial = run(capsys, *args, "--jobs", "1")
    parallel = run(capsys, *args, "--jobs", "2")
    assert serial == parallel
    assert serial[0] == 1


def test_a_worker_that_dies_fails_only_its_input(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that kills its worker process (a crash, the out-of-memory killer) is reported as
    failed; the pool is rebuilt and every other input is extracted."""
    (tree / "deadly.html").write_text(article_page("This page kills the worker."), "utf-8")
    real = cli._extract

    def deadly(page: Page, options: cli.Options) -> Article:
        if b"kills the worker" in page.content:
            os._exit(1)  # (the workers are forked: they inherit this patch)
        return real(page, options)

    monkeypatch.setattr(cli, "_extract", deadly)
    code, out, err = run(capsys, "extract", "--jobs", "2", str(tree))
    assert code == 1
    assert err.splitlines() == [f"{tree / 'deadly.html'}: {cli.WORKER_DIED}"]
    for key in ("a", "c", "d"):
        assert SENTENCES[key] in out


# --- failures ----------------------------------------------------------------------------------


def test_failing_input_is_one_line_and_exit_1(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tree / "missing.html")
    code, out, err = run(capsys, "extract", missing, str(tree / "a.html"))
    assert code == 1
    assert err == f"{missing}: No such file or directory\n"
    assert SENTENCES["a"] in out


def test_empty_directory_is_a_failing_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "extract", str(tmp_path / "empty"))
    assert code == 1
    assert out == ""
    assert err.startswith(f"{tmp_path / 'empty'}: no *.html.gz")
    assert err.count("\n") == 1


def test_unexpected_exception_is_reported_not_raised(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Article:
        raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr(cli, "extract", broken)
    code, out, err = run(capsys, "extract", str(tree / "a.html"), str(tree / "b" / "d.htm"))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{tree / 'a.html'}: extraction failed: RuntimeError: boom with a second line",
        f"{tree / 'b' / 'd.htm'}: extraction failed: RuntimeError: boom with a second line",
    ]


def test_keyboard_interrupt_exits_130_quietly(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Article:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "extract", interrupted)
    assert run(capsys, "extract", str(tree / "a.html")) == (130, "", "")


def test_options_are_passed_to_extract(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def spy(*args: Any, **kwargs: Any) -> Article:
        calls.append((args, kwargs))
        return Article(text="spied")

    monkeypatch.setattr(cli, "extract", spy)
    code, out, _ = run(
        capsys, "extract", str(tree / "a.html"), "--favor", "precision", "--include-comments",
        "--include-links", "--include-images", "--no-tables", "--url", "https://example.com/a",
    )
    assert (code, out) == (0, "spied\n")
    args, kwargs = calls[0]
    assert args[0] == (tree / "a.html").read_bytes()
    assert args[1] == "https://example.com/a"
    assert kwargs["favor"] == "precision"
    assert kwargs["include_comments"] and kwargs["include_links"] and kwargs["include_images"]
    assert kwargs["include_tables"] is False


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["extract"],
        ["extract", "--format", "pdf", "x.html"],
        ["extract", "--jobs", "0", "x.html"],
        ["extract", "--jobs", "many", "x.html"],
        ["extract", "--favor", "speed", "x.html"],
        ["extract", "--url", "https://e.com/", "a.html", "b.html"],
        ["extract", "--no-such-option", "x.html"],
        ["frobnicate"],
    ],
)
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err
    assert "usage:" in err


def test_output_dir_that_is_a_file_is_bad_usage(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "extract", str(tree / "a.html"), "-o", str(tree / "notes.txt"))
    assert code == 2
    assert "not a directory" in err


# --- help, version, bench ----------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--help"], ["extract", "--help"]])
def test_help_shows_examples(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "examples:" in out
    assert "dechaff extract -o out/ --format markdown --jobs 4 crawl/" in out
    assert "exit status:" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"dechaff {__version__}\n", "")


def test_bench_dispatches_everything_after_bench(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[list[str]] = []
    fake = types.ModuleType("dechaff.bench.cli")
    fake.main = lambda argv: seen.append(argv) or 7  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dechaff.bench.cli", fake)
    code, _, _ = run(capsys, "bench", "--dataset", "x", "--extract", "-o", "y")
    assert code == 7
    assert seen == [["--dataset", "x", "--extract", "-o", "y"]]


def test_bench_unavailable_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "dechaff.bench.cli", None)  # makes the import fail
    code, _, err = run(capsys, "bench", "--limit", "3")
    assert code == 2
    assert "dechaff bench is not available" in err
    assert "Traceback" not in err


# --- URLs (loopback only) ----------------------------------------------------------------------


class PageHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/article":
            body = article_page(SENTENCES["a"]).encode("utf-8")
            self.send_response(200)
        else:
            body = b"gone"
            self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    with loopback.serve(ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)) as url:
        yield url


def test_url_input(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = f"{server_url}/article", f"{server_url}/nope"
    code, out, err = run(capsys, "extract", "--format", "json", good, bad)
    assert code == 1
    assert err == f"{bad}: HTTP 404 Not Found\n"
    record = json.loads(out)
    assert record["input"] == good
    assert SENTENCES["a"] in record["text"]


def test_non_http_url_is_a_failing_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "ftp://127.0.0.1/page.html")
    assert code == 1
    assert err.startswith("ftp://127.0.0.1/page.html: only http and https")


# --- the installed console script --------------------------------------------------------------


def test_console_script_subprocess(tree: Path) -> None:
    script = Path(sys.executable).parent / "dechaff"
    missing = str(tree / "missing.html")
    result = subprocess.run(
        [str(script), "extract", "-", missing, "--format", "json"],
        input=article_page(SENTENCES["c"]).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.decode() == f"{missing}: No such file or directory\n"
    record = json.loads(result.stdout)
    assert record["input"] == "-"
    assert SENTENCES["c"] in record["text"]
