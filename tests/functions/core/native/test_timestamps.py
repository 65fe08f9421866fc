"""The core's C timestamp parser (functions/core/native): its Arrow plumbing and its rule.

The rule itself is held to data-contract.md §3.3 by the reference (reference_values.py):
here on single values drawn near the grammar, in `make fuzz` and test_differential.py on
whole files.
"""

from __future__ import annotations

import resource
import string
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.core import native
from functions.core.rules import timestamp
from functions.core.rules.stages import apply_stages
from tests.functions.core import reference_values

_US = 1_000_000


def _us(text: str) -> int:
    instant = datetime.fromisoformat(text).replace(tzinfo=UTC)
    return round((instant - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * _US)


def _parsed(values: pl.Series) -> list[tuple[int | None, int | None]]:
    out = native.parse_timestamps(values)
    assert out.dtype == native.PARSED and len(out) == len(values)
    return list(zip(out.struct.field(native.INSTANT), out.struct.field(native.WALL), strict=True))


@pytest.mark.parametrize(
    ("value", "instant", "wall"),
    [
        ("2024-03-10T12:34:56Z", _us("2024-03-10T12:34:56"), None),
        ("2024-03-10 12:34:56.123456789-0530", _us("2024-03-10T18:04:56.123456"), None),
        ("2024-03-10T12:34:56+01:00", _us("2024-03-10T11:34:56"), None),
        ("2024-03-10T00:00:00-00:00", _us("2024-03-10T00:00:00"), None),
        ("2024-03-10T12:34:56.5", None, _us("2024-03-10T12:34:56.5")),  # no offset: a wall time
        ("2024-02-29", None, _us("2024-02-29T00:00:00")),  # inline (<= 12 bytes) and a leap day
        ("2000-02-29T00:00:00Z", _us("2000-02-29T00:00:00"), None),  # divisible by 400: leap
        ("0001-01-01", None, _us("0001-01-01T00:00:00")),
        ("1710074096", 1_710_074_096 * _US, None),  # epoch seconds, inline
        ("1710074096789", 1_710_074_096_789_000, None),  # epoch milliseconds, in a buffer
        ("000000001", _US, None),  # leading zeros count as digits
    ],
)
def test_each_accepted_form_gives_its_instant_or_wall_time(
    value: str, instant: int | None, wall: int | None
) -> None:
    assert _parsed(pl.Series([value])) == [(instant, wall)]


@pytest.mark.parametrize(
    "value",
    [
        "", "20240101", "100000000000000", "12345678", "2023-02-29", "1900-02-29", "2100-02-29T00:00:00Z", "2024-04-31", "2024-00-10",
        "2024-13-01", "2024-01-00", "2024-1-5", "2024-03-10T24:00:00Z", "2024-03-10T23:60:00Z",
        "2024-03-10T23:59:60Z", "2024-03-10T12:34:56.Z", "2024-03-10T12:34:56.1234567890Z",
        "2024-03-10T12:34:56+24:00", "2024-03-10T12:34:56+05:60", "2024-03-10T12:34:56+053",
        "2024-03-10T12:34:56+05:30:00", "2024-03-10T12:34:56z", "2024-03-10t12:34:56Z",
        "2024-03-10T12:34:56ZZ", "2024-03-10Z", "2024-03-10+01:00", "2024-03-10T12:34",
        "2024-03-10T12:34:5Z", "-1710074096", "\uff11\uff17\uff11\uff10\uff10\uff17\uff14\uff10\uff19\uff16", "2024-03-10T12:34:56Z\x00",
        "2024-03-1\uff10", "x" * 200,
    ],
)  # fmt: skip
def test_values_outside_the_forms_are_null_in_both(value: str) -> None:
    assert _parsed(pl.Series([value])) == [(None, None)]


def test_nulls_slices_and_chunks_keep_every_value_in_its_row() -> None:
    # a sliced chunk exports an Arrow offset; a multi-chunk Series is parsed chunk by chunk
    long = "2024-03-10T12:34:56.123456Z"
    head = pl.Series(["junk", long, None, "2024-03-10"])[1:]
    values = pl.concat([head, pl.Series(["1710074096", long])], rechunk=False)
    assert values.n_chunks() == 2

    assert _parsed(values) == [
        (_us("2024-03-10T12:34:56.123456"), None),
        (None, None),
        (None, _us("2024-03-10T00:00:00")),
        (1_710_074_096 * _US, None),
        (_us("2024-03-10T12:34:56.123456"), None),
    ]


def test_an_empty_series_gives_an_empty_struct() -> None:
    assert _parsed(pl.Series([], dtype=pl.String)) == []


def test_a_column_that_is_not_text_is_refused() -> None:
    with pytest.raises(TypeError, match="expected Arrow format b'vu'"):
        native._parse_chunk(pl.Series([1, 2]))


def test_the_c_function_refuses_an_array_without_string_view_buffers() -> None:
    empty, instant, wall = native._Array(), native._Array(), native._Array()
    empty.length, empty.n_buffers = 1, 2

    assert native._lib.etl_parse_timestamps(empty, instant, wall) == -2
    assert not instant.release and not wall.release  # nothing allocated, nothing to free


@pytest.mark.parametrize(
    ("us", "text"),
    [
        (0, "1970-01-01T00:00:00Z"),
        (1, "1970-01-01T00:00:00.000001Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (1_710_074_096_120_000, "2024-03-10T12:34:56.120000Z"),
        (_us("2000-02-29T23:59:59"), "2000-02-29T23:59:59Z"),
        (_us("0001-01-01T00:00:00"), "0001-01-01T00:00:00Z"),
        (_us("9999-12-31T23:59:59") + 999_999, "9999-12-31T23:59:59.999999Z"),
        (_us("0001-01-01T00:00:00") - 1, None),  # year 0000: no four-digit year
        (_us("9999-12-31T23:59:59") + _US, None),  # year 10000
        (None, None),
    ],
)
def test_instants_are_written_as_section_4_writes_them(us: int | None, text: str | None) -> None:
    assert native.format_instants(pl.Series([us], dtype=pl.Int64)).to_list() == [text]


def test_formatting_keeps_every_value_in_its_row_across_slices_and_chunks() -> None:
    head = pl.Series([None, 0, 1_500_000, None], dtype=pl.Int64)[1:]
    values = pl.concat([head, pl.Series([-1], dtype=pl.Int64)], rechunk=False)
    assert values.n_chunks() == 2

    assert native.format_instants(values).to_list() == [
        "1970-01-01T00:00:00Z",
        "1970-01-01T00:00:01.500000Z",
        None,
        "1969-12-31T23:59:59.999999Z",
    ]
    assert native.format_instants(pl.Series([], dtype=pl.Int64)).to_list() == []


def test_the_formatter_refuses_what_is_not_int64_or_too_long_for_its_offsets() -> None:
    with pytest.raises(TypeError, match="expected Arrow format b'l'"):
        native._text(pl.Series(["1"]), pl.String(), b"l", 10, "etl_format_instants")
    text = native._Array()
    huge = native._Array()
    huge.length, huge.n_buffers = native.FORMAT_MAX_ROWS + 1, 2
    assert native._lib.etl_format_instants(huge, text) == -3
    huge.n_buffers = 3
    assert native._lib.etl_format_instants(huge, text) == -2
    assert not text.release


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(_us("0001-01-01T00:00:00"), _us("9999-12-31T23:59:59")), max_size=40))
def test_formatting_agrees_with_the_reference(values: list[int]) -> None:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    expected = [reference_values._iso_utc(epoch + timedelta(microseconds=us)) for us in values]
    assert native.format_instants(pl.Series(values, dtype=pl.Int64)).to_list() == expected


def test_a_missing_library_is_an_import_error_naming_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(native, "LIBRARY", native.LIBRARY.with_name("absent.so"))
    with pytest.raises(ImportError, match="make native"):
        native._load()


def test_parsing_and_formatting_many_times_release_what_they_allocate() -> None:
    # polars calls the C release of each output once done: the same memory is reused
    values = pl.Series(["2024-03-10T12:34:56.123456Z"] * 200_000)
    instants = native.parse_timestamps(values).struct.field(native.INSTANT)

    native.format_instants(instants)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(20):
        native.parse_timestamps(values)
        native.format_instants(instants)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    # 20 leaked rounds would be 20 x (2 x 1.6 MB parsed + 8.6 MB of text) = 236 MB
    assert grown_kib < 16 * 1024


# Values near the grammar: digits, its separators and a few bytes just outside it.
_NEAR = st.text(alphabet=string.digits + "-:T Z.+zt\u0660", max_size=32)
_SHAPED = st.builds(
    lambda date, sep, time, fraction, offset: f"{date}{sep}{time}{fraction}{offset}",
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.sampled_from(["T", " ", "", "t"]),
    st.from_regex(r"([0-9]{2}:[0-9]{2}:[0-9]{2})?", fullmatch=True),
    st.from_regex(r"(\.[0-9]{0,11})?", fullmatch=True),
    st.sampled_from(["", "Z", "+", "-"]).flatmap(
        lambda s: (
            st.just(s)
            if s in ("", "Z")
            else st.from_regex(r"[0-9]{2}:?[0-9]{2,3}", fullmatch=True).map(lambda o: s + o)
        )
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(_NEAR, _SHAPED, st.from_regex(r"[0-9]{7,16}", fullmatch=True)), max_size=30)
)
def test_the_rule_agrees_with_the_reference_on_values_near_the_grammar(values: list[str]) -> None:
    rows = pl.LazyFrame({"raw": values}, schema={"raw": pl.String})
    got = apply_stages(rows, timestamp.stages("raw", "out", "UTC")).collect()["out"].to_list()
    expected = []
    for value in values:
        try:
            expected.append(reference_values.timestamp(value, "UTC"))
        except reference_values.Invalid:
            expected.append(None)
    assert got == expected
