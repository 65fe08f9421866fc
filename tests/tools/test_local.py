"""tools.local: which files of an input folder are uploaded, and under which keys."""

from __future__ import annotations

import logging
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


def test_the_iam_line_and_each_denial_are_printed(caplog: pytest.LogCaptureFixture) -> None:
    from tools.emulator import Emulator
    from tools.emulator.iam import Entry
    from tools.emulator.iam.policy import Decision, Effect

    emulator = Emulator()
    assert emulator.authorizer is not None
    denial = Entry("fn", "arn:aws:iam::1:role/r", "arn:aws:sts::1:assumed-role/r/fn", "s3",
                   "CopyObject", "s3:PutObjectTagging", "arn:aws:s3:::b/failed/x",
                   Decision(Effect.IMPLICIT_DENY))  # fmt: skip
    emulator.authorizer.ledger.record(denial)
    caplog.set_level(logging.INFO, logger=local.__name__)

    assert local.report_iam(emulator) == 1

    assert caplog.messages == [
        "IAM: 0 allowed, 1 denied",
        "  IAM DENIED fn: s3 CopyObject -> s3:PutObjectTagging on arn:aws:s3:::b/failed/x (DENIED: implicit-deny)",
    ]
