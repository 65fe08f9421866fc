"""The core's C writer of output rows (functions/core/native/rows.c): §4's CSV lines and the
exact sum of the amounts written.

Its lines are held to polars' write_csv, which wrote the output before it (the same quoting:
data-contract.md §4), on every field shape and on random text made of the bytes that matter.
"""

from __future__ import annotations

import random
from decimal import Decimal

import polars as pl
import pytest

from functions.core import native
from functions.core.native.rows import RowWriter

AWKWARD = [
    None, "", "plain", "a,b", 'say "hi"', '"', '""', "no\rte", "a\nb", "\r\n", " padded ",
    "é ünïcode ✓", "exactly12byt", "thirteen byte", "a long value, well past twelve bytes",
    '"quoted at both ends"', ",", "x" * 300,
]  # fmt: skip


def _polars_lines(columns: list[pl.Series], keep: pl.Series | None = None) -> bytes:
    frame = pl.DataFrame(columns)
    if keep is not None:
        frame = frame.filter(keep)
    return frame.write_csv(include_header=False).encode()


def _ours(
    columns: list[pl.Series],
    keep: pl.Series | None = None,
    amount: int | None = None,
    capacity: int = 1 << 20,
    instant: int | None = None,
) -> tuple[bytes, int, int]:
    """(the bytes written, the sum in hundredths, how many times the sink was called)."""
    parts: list[bytes] = []
    sink = parts.append
    total = RowWriter(capacity).write(
        columns, keep, amount, lambda m: sink(bytes(m)), instant=instant
    )
    return b"".join(parts), total, len(parts)


def _columns(rows: list[tuple[str | None, ...]]) -> list[pl.Series]:
    return [
        pl.Series(f"c{j}", list(col), dtype=pl.String)
        for j, col in enumerate(zip(*rows, strict=True))
    ]


def test_each_field_is_written_as_polars_writes_it() -> None:
    rows = [(value, "x", value) for value in AWKWARD]
    columns = _columns(rows)

    written, _, _ = _ours(columns)

    assert written == _polars_lines(columns)
    assert written.split(b"\n")[:5] == [b",x,", b'"",x,""', b"plain,x,plain", b'"a,b",x,"a,b"', b'"say ""hi""",x,"say ""hi"""']  # fmt: skip


def test_random_text_of_the_bytes_that_matter_is_written_as_polars_writes_it() -> None:
    rng = random.Random(13)
    alphabet = [",", '"', "\r", "\n", " ", "a", "é", "✓"]
    rows = [
        tuple(
            None if rng.random() < 0.1 else "".join(rng.choices(alphabet, k=rng.randrange(0, 30)))
            for _ in range(4)
        )
        for _ in range(5_000)
    ]
    columns = _columns(rows)
    keep = pl.Series([rng.random() < 0.7 for _ in rows])

    assert _ours(columns)[0] == _polars_lines(columns)
    assert _ours(columns, keep)[0] == _polars_lines(columns, keep)


def test_only_the_kept_rows_are_written_and_a_null_keep_is_not_kept() -> None:
    columns = _columns([("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")])

    assert _ours(columns, pl.Series([True, False, None, True]))[0] == b"a,1\nd,4\n"
    assert _ours(columns, pl.Series([False] * 4)) == (b"", 0, 1)


def test_rows_go_out_a_buffer_at_a_time_and_a_row_larger_than_the_buffer_grows_it() -> None:
    rows = [(f"t{i}", "a,b" * (i % 5), "x" * (i % 40)) for i in range(500)]
    columns = _columns(rows)
    expected = _polars_lines(columns)

    small, _, calls = _ours(columns, capacity=256)
    tiny, _, _ = _ours(columns, capacity=1)  # no row fits: grown to the first, then as needed

    assert small == tiny == expected
    assert calls > 10


def test_the_amounts_written_are_summed_exactly_past_64_bits() -> None:
    amounts = ["9999999999999999.99"] * 1000 + ["-0.01", "0.10", "-1234567890123456.78"]
    columns = [pl.Series("id", [str(i) for i in range(len(amounts))]), pl.Series("amount", amounts)]
    keep = pl.Series([True] * len(amounts))

    written, total, _ = _ours(columns, keep, amount=1)

    # 1000 x (10**18 - 1) - 1 + 10 - 123456789012345678 hundredths
    assert total == sum(Decimal(a) * 100 for a in amounts) == 999876543210987653331
    assert total > 2**64
    assert written.count(b"\n") == len(amounts)
    negative = _ours([pl.Series("a", ["-5.00", "1.25", "-9999999999999999.99"])], amount=0)[1]
    assert negative == -500 + 125 - 999999999999999999


def test_only_the_kept_amounts_count_and_a_null_one_adds_nothing() -> None:
    columns = [pl.Series("amount", ["1.00", "2.00", None, "4.00"])]

    assert _ours(columns, pl.Series([True, False, True, True]), amount=0)[1] == 500


@pytest.mark.parametrize(
    "bad", ["1.5", "1,000.00", "abc", "", ".50", "1.2x", "-", "12345678901234567.00"]
)
def test_an_amount_not_written_as_section_4_writes_one_is_an_error(bad: str) -> None:
    with pytest.raises(RuntimeError, match="not an amount"):
        _ours([pl.Series("amount", ["1.00", bad])], amount=0)


def test_chunks_cut_at_other_rows_and_slices_are_read_at_their_rows() -> None:
    rows = [(f"id{i}", "long enough to need a buffer " * (i % 2), str(i)) for i in range(100)]
    one = _columns(rows)
    expected = _polars_lines(one)
    # each column cut into chunks at different rows, and the keep column at others again
    cut = [
        pl.concat([c.slice(0, k), c.slice(k, 100)], rechunk=False) for c, k in zip(one, (3, 50, 77), strict=True)
    ]  # fmt: skip
    keep = pl.concat([pl.Series([True] * 10), pl.Series([True] * 90)], rechunk=False)

    assert _ours(cut, keep)[0] == expected
    lines = expected.splitlines(keepends=True)
    assert _ours([c.slice(40, 30) for c in one])[0] == b"".join(lines[40:70])


def test_a_column_that_is_not_text_is_refused() -> None:
    with pytest.raises(TypeError, match="expected Arrow format"):
        _ours([pl.Series("n", [1, 2])])


# The first and the last instant §4 writes (0001-01-01T00:00:00Z, 9999-12-31T23:59:59.999999Z)
MIN_US, MAX_US = -62_135_596_800_000_000, 253_402_300_800_000_000 - 1


def test_an_instant_column_is_written_as_format_instants_writes_it() -> None:
    # the output's timestamps: formatted as the row is written, exactly the text the rules'
    # own formatting gives (a null, and an instant outside 0001-9999, as nothing)
    rng = random.Random(7)
    instants: list[int | None] = [rng.randrange(MIN_US, MAX_US) for _ in range(3_000)]
    instants += [0, -1, 1, MIN_US, MAX_US, MIN_US - 1, MAX_US + 1, None, 1_704_153_600_000_000]
    whole_seconds = [rng.randrange(MIN_US, MAX_US) // 10**6 * 10**6 for _ in range(500)]
    instants += whole_seconds
    column = pl.Series("ts", instants, dtype=pl.Int64)
    ids = pl.Series("id", [f"r{i}" for i in range(len(instants))])
    keep = pl.Series([rng.random() < 0.8 for _ in instants])
    text = native.format_instants(column)
    assert text.null_count() == 3  # the two outside 0001-9999 and the null

    for k in (None, keep):
        after = ids.alias("after")
        written = _ours([ids, column, after], k, instant=1)[0]
        assert written == _polars_lines([ids, text, after], k)
    assert b"9999-12-31T23:59:59.999999Z" in written and b"0001-01-01T00:00:00Z" in written
    assert _ours([column], instant=0, capacity=1)[0] == _polars_lines([text])


def test_an_instant_column_is_written_at_its_rows_across_chunks() -> None:
    instants = pl.Series("ts", [i * 86_400_000_001 for i in range(100)], dtype=pl.Int64)
    ids = pl.Series("id", [str(i) for i in range(100)])
    expected = _polars_lines([ids, native.format_instants(instants)])
    cut = pl.concat([instants.slice(0, 33), instants.slice(33, 100)], rechunk=False)

    assert _ours([ids, cut], instant=1)[0] == expected
    lines = expected.splitlines(keepends=True)
    middle = _ours([ids.slice(10, 20), instants.slice(10, 20)], instant=1)[0]
    assert middle == b"".join(lines[10:30])


def test_an_instant_column_must_be_int64_and_not_the_amount_column() -> None:
    with pytest.raises(TypeError, match="expected Arrow format"):
        _ours([pl.Series("ts", ["2024-01-01T00:00:00Z"])], instant=0)
    with pytest.raises(RuntimeError, match="etl_write_rows"):
        _ours([pl.Series("n", [1], dtype=pl.Int64)], amount=0, instant=0)
