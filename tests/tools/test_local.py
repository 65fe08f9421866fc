"""tools.local: which files of an input folder are uploaded, and under which keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import local


def test_local_input_keys_mirror_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.csv").write_text("x")
    (tmp_path / "top.csv").write_text("y")
    (tmp_path / ".hidden").write_text("z")
    (tmp_path / "notes.txt").write_text("not a csv")

    assert sorted(local.input_files(tmp_path)) == ["raw/a/b/x.csv", "raw/top.csv"]
    with pytest.raises(FileNotFoundError, match=r"only \.csv"):
        local.input_files(tmp_path / "notes.txt")
    assert list(local.input_files(tmp_path / "top.csv")) == ["raw/top.csv"]
    with pytest.raises(FileNotFoundError):
        local.input_files(tmp_path / "missing")
    assert local.main(["--input", str(tmp_path / "missing")]) == 1
