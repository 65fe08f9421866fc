"""What ``make local`` uploads: which files, under which keys, how, and how long it waits.

A file goes up as ``raw/<name>``, a folder recursively as ``raw/<relative path>``. Every file
whose key the bucket notification triggers on is uploaded, dot-files included (S3 has no
notion of hidden files); every other file is left out and named with its reason, so nothing
is dropped silently (docs/operations.md §2).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from contract.keys import CSV_SUFFIX, MAX_KEY_BYTES, RAW_PREFIX, triggers_pipeline
from tools.output import LiveLine

log = logging.getLogger(__name__)

#: The wait for outcomes once uploaded: base + per file + per MB (docs/operations.md §2).
BASE_WAIT, PER_FILE_WAIT, PER_MB_WAIT = 120.0, 2.0, 1.0


@dataclass
class Inputs:
    """The files to upload (object key -> file) and every file left out, with why."""

    files: dict[str, Path] = field(default_factory=dict)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files.values())


def skip_reason(key: str) -> str:
    """Why an object under ``key`` would not start the pipeline ("" when it would).

    The bucket notification's filter (stacks/storage.py) is ``contract.keys.triggers_pipeline``:
    prefix ``raw/`` and suffix ``.csv``, matched case-sensitively as S3 matches it.
    """
    if len(key.encode()) > MAX_KEY_BYTES:
        return f"its key is {len(key.encode())} bytes, over S3's {MAX_KEY_BYTES}-byte limit"
    if triggers_pipeline(key):
        return ""
    suffix = Path(key).suffix
    if suffix.lower() == CSV_SUFFIX:
        return f"ends in {suffix!r}: S3's suffix filter is case-sensitive, only {CSV_SUFFIX!r} starts the pipeline"  # fmt: skip
    return f"no {CSV_SUFFIX!r} suffix: the bucket notification would not start the pipeline"


def input_files(path: Path) -> Inputs:
    """Object key -> file for every file the notification triggers on; the others skipped."""
    if path.is_file():
        key = RAW_PREFIX + path.name
        if reason := skip_reason(key):
            raise FileNotFoundError(f"{path}: {reason}")
        return Inputs({key: path})
    if not path.is_dir():
        raise FileNotFoundError(f"input {path} is neither a file nor a folder")
    found = Inputs()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        key = RAW_PREFIX + file.relative_to(path).as_posix()
        if reason := skip_reason(key):
            found.skipped.append((file, reason))
        else:
            found.files[key] = file
    return found


def report_skipped(inputs: Inputs, root: Path) -> None:
    """Each file left out, so nothing is dropped silently."""
    if inputs.skipped:
        log.info(f"      not uploaded: {len(inputs.skipped)} file(s) the pipeline would not start on")  # fmt: skip
    for file, reason in inputs.skipped:
        name = file.relative_to(root) if file.is_relative_to(root) else file
        log.info(f"        {name}: {reason}")


def upload(bucket: str, inputs: Inputs, started: float, line: LiveLine | None) -> None:
    """Put every file under its key; the progress line counts files and bytes."""
    s3, total, sent = boto3.client("s3"), inputs.size, 0
    for n, (key, path) in enumerate(inputs.files.items(), start=1):
        body = path.read_bytes()
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        sent += len(body)
        if line is not None:
            line.update(f"[{time.monotonic() - started:5.1f}s] uploading {n}/{len(inputs.files)} files, {sent / 1e6:.1f} of {total / 1e6:.1f} MB")  # fmt: skip
    if line is not None:
        line.done()


def wait_budget(count: int, size: int) -> float:
    """Seconds to wait for every outcome once uploaded: a base plus a share per file and per
    MB, from runs on a 2-core machine with margin (docs/operations.md §2)."""
    return BASE_WAIT + PER_FILE_WAIT * count + PER_MB_WAIT * size / 1_000_000
