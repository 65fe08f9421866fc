"""Deterministic zips and their manifest entries (``build/manifest.json``).

Every zip has sorted entries, 1980-01-01 timestamps and fixed permissions, so the same
sources give the same bytes and the same sha256: what content-addressed uploads rely on.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tools.paths import REPO

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold
FILE_ATTR = (0o100644 & 0xFFFF) << 16  # regular file, rw-r--r--


def sha256(path: Path) -> str:
    """Hex sha256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_zip(dest: Path, entries: Iterable[tuple[str, Path]]) -> int:
    """Write a deterministic zip of (archive name, file) pairs; return the unzipped size."""
    unzipped = 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, source in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # Unix, so external_attr holds the permission bits
            info.external_attr = FILE_ATTR
            info.compress_type = zipfile.ZIP_DEFLATED
            size = source.stat().st_size
            unzipped += size
            with source.open("rb") as src, archive.open(info, "w", force_zip64=size > 2**31) as out:
                shutil.copyfileobj(src, out, 1 << 20)
    partial.replace(dest)
    return unzipped


@dataclass(frozen=True)
class Artifact:
    """One manifest entry: where the zip is (relative to the repo root), its hash and sizes."""

    path: str
    sha256: str
    size: int
    unzipped_size: int

    @classmethod
    def of(cls, path: Path, unzipped: int) -> Artifact:
        """The entry of a zip just written."""
        location = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)
        return cls(location, sha256(path), path.stat().st_size, unzipped)
