"""tools.local_inputs: which files ``make local`` uploads, under which keys, and which it names as skipped."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tools import local_inputs
from tools.local_inputs import input_files, report_skipped, skip_reason, wait_budget
from tools.paths import TEMPLATES_DIR

LONG = "d" * 1020 + ".csv"  # raw/ + this is over S3's 1,024 bytes


def _tree(root: Path) -> None:
    for name in ["a/b/x.csv", "top.csv", ".hidden.csv", ".git/HEAD", "UPPER.CSV", "notes.txt", "Mixed.Csv"]:  # fmt: skip
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)


def test_every_file_the_notification_triggers_on_is_uploaded_dot_files_too(tmp_path: Path) -> None:
    _tree(tmp_path)

    inputs = input_files(tmp_path)

    assert sorted(inputs.files) == ["raw/.hidden.csv", "raw/a/b/x.csv", "raw/top.csv"]
    assert inputs.files["raw/a/b/x.csv"] == tmp_path / "a" / "b" / "x.csv"
    skipped = {p.relative_to(tmp_path).as_posix(): why for p, why in inputs.skipped}
    assert sorted(skipped) == [".git/HEAD", "Mixed.Csv", "UPPER.CSV", "notes.txt"]
    assert "case-sensitive" in skipped["UPPER.CSV"] and "case-sensitive" in skipped["Mixed.Csv"]
    assert "no '.csv' suffix" in skipped["notes.txt"]
    assert inputs.size == sum(len(k.removeprefix("raw/")) for k in inputs.files)


def test_every_skipped_file_is_named_with_its_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _tree(tmp_path)
    caplog.set_level(logging.INFO, logger=local_inputs.__name__)

    report_skipped(input_files(tmp_path), tmp_path)

    assert caplog.messages[0] == "      not uploaded: 4 file(s) the pipeline would not start on"
    named = [m.strip().split(": ", 1)[0] for m in caplog.messages[1:]]
    assert named == [".git/HEAD", "Mixed.Csv", "UPPER.CSV", "notes.txt"]


def test_the_rule_is_the_bucket_notifications_filter_as_s3_applies_it() -> None:
    storage = json.loads((TEMPLATES_DIR / "storage.json").read_text())
    (config,) = storage["Resources"]["DataBucket"]["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]  # fmt: skip
    rules = {r["Name"]: r["Value"] for r in config["Filter"]["S3Key"]["Rules"]}

    def s3_triggers(key: str) -> bool:  # S3 matches prefix and suffix byte for byte
        return key.startswith(rules["prefix"]) and key.endswith(rules["suffix"])

    keys = ["raw/a.csv", "raw/.a.csv", "raw/a.CSV", "raw/a.csv.bak", "raw/dir.csv/x", "raw/ü.csv", "raw/a.txt"]  # fmt: skip
    for key in keys:
        assert (skip_reason(key) == "") == s3_triggers(key), key


def test_a_key_s3_would_refuse_is_skipped_and_a_single_file_is_refused_with_why(
    tmp_path: Path,
) -> None:
    assert "over S3's 1024-byte limit" in skip_reason("raw/" + LONG)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "top.csv").write_text("y")

    with pytest.raises(FileNotFoundError, match=r"no '\.csv' suffix"):
        input_files(tmp_path / "notes.txt")
    assert list(input_files(tmp_path / "top.csv").files) == ["raw/top.csv"]
    with pytest.raises(FileNotFoundError, match="neither a file nor a folder"):
        input_files(tmp_path / "missing")


def test_the_wait_grows_with_the_files_and_their_bytes() -> None:
    six_samples = wait_budget(6, 1_500)
    assert six_samples >= 60  # never below the former fixed wait
    assert wait_budget(200, 200 * 500) > six_samples + 300  # 200 small files
    assert wait_budget(1, 500_000_000) > six_samples + 400  # one 500 MB file
