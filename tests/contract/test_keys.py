"""contract.keys: the raw/ -> processed/ | failed/ layout and the trigger rule."""

from __future__ import annotations

import pytest

from contract.keys import (
    MAX_KEY_BYTES,
    RAW_PREFIX,
    SHORTENED_MARK,
    FileKeys,
    fit,
    triggers_pipeline,
)


def test_keys_map_raw_to_every_outcome() -> None:
    keys = FileKeys.of("raw/2026/01/x.csv")
    assert keys.path == "2026/01/x.csv"
    assert keys.processed == "processed/2026/01/x.csv"
    assert keys.failed == "failed/2026/01/x.csv"
    assert keys.error_report == "failed/2026/01/x.csv.error.json"
    assert keys.rejected == "failed/2026/01/x.csv.rejected.csv"
    assert keys.outcomes == ("processed/2026/01/x.csv", "failed/2026/01/x.csv")
    assert FileKeys.from_path("2026/01/x.csv") == keys


@pytest.mark.parametrize("key", ["processed/x.csv", "x.csv", "raw/", "Raw/x.csv", "/raw/x.csv"])
def test_keys_refuse_anything_but_a_raw_file(key: str) -> None:
    with pytest.raises(ValueError, match="must start with 'raw/'"):
        FileKeys.of(key)


@pytest.mark.parametrize(
    ("key", "triggers"),
    [
        ("raw/x.csv", True),
        ("raw/a/b/.csv", True),  # S3's suffix filter matches a bare ".csv" file name too
        ("raw/x.CSV", False),  # the filter is case-sensitive
        ("raw/x.csv.gz", False),
        ("processed/x.csv", False),
        ("x.csv", False),
    ],
)
def test_only_csv_objects_under_raw_trigger_the_pipeline(key: str, triggers: bool) -> None:
    assert triggers_pipeline(key) is triggers


def test_every_derived_key_of_the_longest_legal_key_is_legal() -> None:
    # GIVEN a raw key of exactly 1,024 bytes, multi-byte characters where the cut falls
    path = "é" * 400 + "x" * (MAX_KEY_BYTES - len(RAW_PREFIX) - 800 - len(".csv")) + ".csv"
    keys = FileKeys.from_path(path)
    assert len(keys.raw.encode()) == MAX_KEY_BYTES

    derived = (keys.processed, keys.failed, keys.error_report, keys.rejected)

    # THEN each fits, keeps its prefix and suffix, is marked as shortened, and is distinct
    assert all(len(k.encode()) <= MAX_KEY_BYTES for k in derived)
    assert keys.error_report.startswith("failed/") and keys.error_report.endswith(".csv.error.json")
    assert keys.processed.endswith(".csv") and SHORTENED_MARK in keys.processed
    assert len(set(derived)) == 4
    other = FileKeys.from_path(path[:-5] + "y.csv")
    assert other.error_report != keys.error_report  # the digest is of the whole path


def test_a_key_that_fits_is_never_shortened() -> None:
    path = "x" * (MAX_KEY_BYTES - len("failed/") - len(".error.json"))
    assert fit("failed/", path, ".error.json") == "failed/" + path + ".error.json"
    assert SHORTENED_MARK in fit("failed/", path + "x", ".error.json")
