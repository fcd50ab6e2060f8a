"""The output directory: shards, error files, the manifest of completed units, summary.json.

Layout of DIR::

    <input>-<hash>-<shard>.jsonl.gz    records of one unit (or .parquet)
    errors-<input>-<hash>-<shard>.jsonl  failed records of that unit (only when there are some)
    manifest.log                       one JSON line per completed unit (its files and counts)
    run.json                           the settings the output was made with
    summary.json                       totals over every unit in the manifest
    .tmp/  .lock                       work in progress; the lock keeps a second run out

A unit is committed in three steps: its files are written and fsynced under ``.tmp/``, renamed
into DIR (atomic; a redone unit replaces its own files by name), then its manifest line is
appended and fsynced. A crash at any point leaves either no trace of the unit in the manifest
(so the next run redoes it, replacing any file already renamed) or the unit complete: no
partial shard is ever visible and no record is ever written twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import IO, Any

from dechaff.corpus.settings import Settings
from dechaff.corpus.summary import Counts
from dechaff.corpus.units import UnitKey, UnitResult
from dechaff.errors import DechaffError

MANIFEST = "manifest.log"
RUN_FILE = "run.json"
SUMMARY_FILE = "summary.json"
TMP_DIR = ".tmp"
LOCK_FILE = ".lock"

SUFFIXES = {"jsonl": ".jsonl.gz", "parquet": ".parquet"}
ERRORS_PREFIX = "errors-"
ERRORS_SUFFIX = ".jsonl"

NAME_MAX_CHARS = 80
"""Input names are cut to this length in shard names (file systems allow 255 bytes)."""

HASH_CHARS = 8
"""Hex digits of the input location's hash in shard names: tells apart same-named inputs."""

PARQUET_COMPRESSION = "zstd"
"""Smaller than snappy on text at similar speed; read by every current Parquet reader."""

_INPUT_SUFFIX_RE = re.compile(
    r"(\.(warc|arc|jsonl|ndjson|json|html?|xhtml))?(\.(gz|zst|lz4))?$", re.I)
_UNSAFE_RE = re.compile(r"[^\w.-]+")


class OutputError(DechaffError):
    """The output directory cannot be used (not ours, other settings, locked, unwritable)."""


def unit_name(key: UnitKey) -> str:
    """``CC-MAIN-...-00000.warc.gz`` shard 3 → ``CC-MAIN-...-00000-1a2b3c4d-00003``."""
    location, shard = key
    base = os.path.basename(location.rstrip("/")) or "input"
    stem = _UNSAFE_RE.sub("_", _INPUT_SUFFIX_RE.sub("", base))[:NAME_MAX_CHARS] or "input"
    digest = hashlib.sha1(location.encode("utf-8")).hexdigest()[:HASH_CHARS]
    return f"{stem}-{digest}-{shard:05d}"


class OutputDir:
    """An output directory held (locked) by this run; see the module docstring."""

    def __init__(self, path: Path, settings: Settings, *, overwrite: bool = False) -> None:
        self.path = path
        self.settings = settings
        self.overwrite = overwrite
        self.suffix = SUFFIXES[settings.format]
        self.done: dict[UnitKey, Counts] = {}
        self._lock: int | None = None

    # --- opening -----------------------------------------------------------------------------

    def open(self) -> None:
        """Lock DIR, clear it (--overwrite) or check it may be resumed, load the manifest."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            if self.overwrite:
                self._clear()
            self._check_owner()
            self._check_settings()
            shutil.rmtree(self.path / TMP_DIR, ignore_errors=True)
            (self.path / TMP_DIR).mkdir()
            self._load_manifest()
        except OSError as exc:
            self.close()
            raise OutputError(f"{self.path}: {exc.strerror or exc}") from None
        except OutputError:
            self.close()
            raise

    def _take_lock(self) -> None:
        fd = os.open(self.path / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(f"{self.path}: another dechaff run is writing here") from None
        self._lock = fd

    def _ours(self, name: str) -> bool:
        return (name in (MANIFEST, RUN_FILE, SUMMARY_FILE, TMP_DIR, LOCK_FILE)
                or name.endswith(tuple(SUFFIXES.values()))
                or (name.startswith(ERRORS_PREFIX) and name.endswith(ERRORS_SUFFIX)))

    def _clear(self) -> None:
        for entry in self.path.iterdir():
            if entry.name == LOCK_FILE or not self._ours(entry.name):
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()

    def _check_owner(self) -> None:
        if (self.path / RUN_FILE).exists():
            return
        foreign = sorted(e.name for e in self.path.iterdir()
                         if not e.name.startswith(".") and e.name != MANIFEST)
        if foreign:
            raise OutputError(
                f"{self.path} is not empty and holds no dechaff run ({', '.join(foreign[:3])}"
                f"{', ...' if len(foreign) > 3 else ''}); choose an empty or new --output")

    def _check_settings(self) -> None:
        run_file = self.path / RUN_FILE
        wanted = self.settings.fingerprint()
        if run_file.exists():
            try:
                recorded = json.loads(run_file.read_text(encoding="utf-8")).get("settings")
            except ValueError:
                recorded = None
            if recorded != wanted:
                changed = _differences(recorded, wanted)
                raise OutputError(
                    f"{self.path} holds a run with other settings ({changed}); "
                    "rerun with the same settings to resume, or pass --overwrite to start over")
            return
        self._write_atomic(run_file, json.dumps({"settings": wanted}, indent=2) + "\n")

    def _load_manifest(self) -> None:
        manifest = self.path / MANIFEST
        if not manifest.exists():
            return
        data = manifest.read_bytes()
        if data and not data.endswith(b"\n"):  # a line torn by a crash: that unit is redone
            data = data[: data.rfind(b"\n") + 1]
            with open(manifest, "r+b") as handle:
                handle.truncate(len(data))
        for line in data.splitlines():
            try:
                entry = json.loads(line)
                key = (str(entry["input"]), int(entry["shard"]))
                self.done[key] = Counts.from_dict(entry["counts"])
            except (ValueError, KeyError, TypeError):
                continue

    # --- committing --------------------------------------------------------------------------

    def is_done(self, key: UnitKey) -> bool:
        return key in self.done

    def commit(self, result: UnitResult) -> None:
        """Make a finished unit visible (atomically) and record it in the manifest."""
        name = unit_name(result.key)
        files: list[str] = []
        shard = self.path / (name + self.suffix)
        errors = self.path / f"{ERRORS_PREFIX}{name}{ERRORS_SUFFIX}"
        if result.errors:
            lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in result.errors)
            self._write_atomic(errors, lines)
            files.append(errors.name)
        else:
            errors.unlink(missing_ok=True)
        if result.data or result.rows:
            self._write_shard(shard, result)
            files.append(shard.name)
        else:
            shard.unlink(missing_ok=True)
        _sync_directory(self.path)
        entry = {"input": result.location, "shard": result.shard, "files": files,
                 "counts": result.counts.to_dict()}
        with open(self.path / MANIFEST, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            _sync(handle)
        self.done[result.key] = result.counts

    def _write_shard(self, path: Path, result: UnitResult) -> None:
        temporary = self.path / TMP_DIR / path.name
        if self.settings.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            from dechaff.corpus.records import parquet_schema

            table = pa.Table.from_pylist(list(result.rows), schema=parquet_schema())
            pq.write_table(table, temporary, compression=PARQUET_COMPRESSION)
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
        else:
            with open(temporary, "wb") as handle:
                handle.write(result.data)
                _sync(handle)
        os.replace(temporary, path)

    def _write_atomic(self, path: Path, text: str) -> None:
        temporary = self.path / TMP_DIR / path.name
        temporary.parent.mkdir(exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            _sync(handle)
        os.replace(temporary, path)

    # --- totals ------------------------------------------------------------------------------

    def totals(self) -> Counts:
        total = Counts()
        for counts in self.done.values():
            total.merge(counts)
        return total

    def write_summary(self, data: dict[str, Any]) -> None:
        self._write_atomic(self.path / SUMMARY_FILE, json.dumps(data, indent=2) + "\n")

    def close(self) -> None:
        if self._lock is not None:
            shutil.rmtree(self.path / TMP_DIR, ignore_errors=True)
            os.close(self._lock)
            self._lock = None


def _sync(handle: IO[Any]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _differences(recorded: Any, wanted: dict[str, Any]) -> str:
    if not isinstance(recorded, dict):
        return "unreadable run.json"
    keys = sorted(set(recorded) | set(wanted))
    changed = [f"{k}: {recorded.get(k)!r} → {wanted.get(k)!r}" for k in keys
               if recorded.get(k) != wanted.get(k)]
    return "; ".join(changed)
