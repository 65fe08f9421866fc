"""Deterministic zips: the same files give the same bytes, whatever their times or order."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from tools.artifacts import Artifact, sha256, write_zip
from tools.paths import REPO


def test_the_same_files_give_the_same_zip_whatever_their_times_and_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("A = 1\n")
    b.write_text("B = 2\n")
    first = tmp_path / "first.zip"
    unzipped = write_zip(first, [("pkg/a.py", a), ("pkg/b.py", b)])
    os.utime(a, (0, 0))
    second = tmp_path / "second.zip"
    write_zip(second, [("pkg/b.py", b), ("pkg/a.py", a)])

    assert first.read_bytes() == second.read_bytes()
    assert unzipped == 12
    with zipfile.ZipFile(first) as archive:
        assert [i.filename for i in archive.infolist()] == ["pkg/a.py", "pkg/b.py"]
    assert not (tmp_path / "first.zip.partial").exists()


def test_an_artifact_names_its_zip_relative_to_the_repository_when_inside_it(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "x.zip"
    write_zip(outside, [])

    entry = Artifact.of(outside, 0)

    assert entry == Artifact(str(outside), sha256(outside), outside.stat().st_size, 0)
    assert Artifact.of(REPO / "pyproject.toml", 0).path == "pyproject.toml"
