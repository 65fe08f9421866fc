"""Execution names: valid for Step Functions, readable, and one per object version."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common.naming import execution_name

NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


@pytest.mark.parametrize(
    "key",
    [
        "raw/x.csv",
        "raw/a/b/c/transactions 2026-01-02.csv",
        "raw/" + "é" * 300 + ".csv",
        "raw/" + "deep/" * 100 + "file.csv",
        "raw/---.csv",
    ],
)
def test_execution_name_is_a_valid_step_functions_name(key: str) -> None:
    name = execution_name("bucket", key, "v1", "")
    assert NAME.fullmatch(name), name
    assert name == execution_name("bucket", key, "v1", "")


def test_execution_name_keeps_the_file_name_readable() -> None:
    name = execution_name("bucket", "raw/" + "folder/" * 20 + "sales-2026.csv", "v1", "")
    assert name.split("-")[0] != "file"
    assert "sales-2026-" in name


def test_execution_name_changes_with_bucket_key_and_version_only() -> None:
    base = execution_name("b", "raw/x.csv", "v1", "e1")
    assert execution_name("b", "raw/x.csv", "v1", "e2") == base  # the version identifies it
    assert execution_name("b", "raw/x.csv", "v2", "e1") != base
    assert execution_name("b2", "raw/x.csv", "v1", "e1") != base
    assert execution_name("b", "raw/y.csv", "v1", "e1") != base
    # Without a version (unversioned bucket) the etag decides, quoted or not.
    assert execution_name("b", "raw/x.csv", "", '"e1"') == execution_name(
        "b", "raw/x.csv", "", "e1"
    )
    assert execution_name("b", "raw/x.csv", "", "e1") != execution_name("b", "raw/x.csv", "", "e2")


@given(
    bucket=st.text(min_size=3, max_size=63),
    path=st.text(min_size=1, max_size=1024),
    version=st.text(max_size=1024),
    etag=st.text(max_size=64),
)
def test_any_object_gets_a_valid_distinct_execution_name(
    bucket: str, path: str, version: str, etag: str
) -> None:
    name = execution_name(bucket, "raw/" + path, version, etag)

    assert NAME.fullmatch(name), name
    assert name != execution_name(bucket, "raw/" + path + "x", version, etag)


def test_attempt_0_is_the_triggers_name_and_later_attempts_are_distinct_and_stable() -> None:
    trigger = execution_name("b", "raw/x.csv", "v1", "e1")
    assert execution_name("b", "raw/x.csv", "v1", "e1", attempt=0) == trigger
    later = [execution_name("b", "raw/x.csv", "v1", "e1", attempt=n) for n in range(1, 6)]
    assert len({trigger, *later}) == 6
    assert later == [execution_name("b", "raw/x.csv", "v1", "e1", attempt=n) for n in range(1, 6)]
    assert all(NAME.fullmatch(name) for name in later)
    with pytest.raises(ValueError):
        execution_name("b", "raw/x.csv", "v1", "e1", attempt=-1)
