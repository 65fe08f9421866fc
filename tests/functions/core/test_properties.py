"""Property-based tests: exact amounts, same instants, no crash on arbitrary bytes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.core import CoreConfig, Outcome, process_file, validate_file

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HEADER = ["transaction_id", "customer_id", "amount", "timestamp"]


def _run(tmp_path: Path, rows: list[list[str]]) -> list[dict[str, str]]:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([HEADER, *rows])
    source = tmp_path / "in.csv"
    source.write_text(buf.getvalue(), encoding="utf-8")
    output = tmp_path / "out.csv"
    outcome = process_file(source, output, config=CoreConfig())
    assert outcome.ok, outcome.row_errors
    with output.open(newline="") as f:
        return list(csv.DictReader(f))


amounts = st.decimals(
    min_value=Decimal("-9999999999999999.99"),
    max_value=Decimal("9999999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@st.composite
def written_amount(draw: st.DrawFn) -> tuple[Decimal, str]:
    value = draw(amounts)
    integer, _, fraction = f"{abs(value):.2f}".partition(".")
    if draw(st.booleans()):
        integer = f"{int(integer):,}"
    if fraction == "00" and draw(st.booleans()):
        text = integer  # no fraction at all
    else:
        text = f"{integer}.{fraction}" + "0" * draw(st.integers(0, 3))
    sign = "-" if value < 0 else draw(st.sampled_from(["", "+"]))
    pad = draw(st.sampled_from(["", " ", "  ", "\t"]))
    return value, f"{pad}{sign}{text}{pad}"


@SETTINGS
@given(st.lists(written_amount(), min_size=1, max_size=20))
def test_any_decimal_18_2_round_trips_exactly(
    tmp_path: Path, cases: list[tuple[Decimal, str]]
) -> None:
    rows = [[f"t{i}", "c", text, "2024-01-01"] for i, (_, text) in enumerate(cases)]

    out = _run(tmp_path, rows)

    assert [Decimal(r["amount"]) for r in out] == [v for v, _ in cases]
    for row in out:
        assert row["amount"].split(".")[1].__len__() == 2
        assert row["amount"] != "-0.00"


# hypothesis takes naive bounds; `timezones` makes every drawn value aware (UTC).
@SETTINGS
@given(
    st.decimals(
        min_value=Decimal("-99999999"),
        max_value=Decimal("99999999"),
        places=5,
        allow_nan=False,
        allow_infinity=False,
    ).filter(lambda d: d != d.quantize(Decimal("0.01")))
)
def test_more_than_two_significant_fraction_digits_are_rejected_never_rounded(
    tmp_path: Path, value: Decimal
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(f"transaction_id,customer_id,amount,timestamp\nt,c,{value},2024-01-01\n")

    outcome = validate_file(source, config=CoreConfig())

    assert not outcome.ok
    assert outcome.rows_rejected == 1
    assert "more than 2 significant fraction digits" in outcome.row_errors[0].reason


instants = st.datetimes(
    min_value=datetime(1973, 3, 4),  # noqa: DTZ001
    max_value=datetime(2999, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


@st.composite
def written_timestamp(draw: st.DrawFn) -> tuple[datetime, str]:
    instant = draw(instants)
    style = draw(st.sampled_from(["iso", "epoch_s", "epoch_ms"]))
    if style == "epoch_s":
        instant = instant.replace(microsecond=0)
        return instant, str(int(instant.timestamp()))
    if style == "epoch_ms":
        instant = instant.replace(microsecond=instant.microsecond // 1000 * 1000)
        seconds = int((instant - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())
        return instant, str(seconds * 1000 + instant.microsecond // 1000)
    kind = draw(st.sampled_from(["Z", "colon", "plain", "none"]))
    zone = UTC if kind in ("Z", "none") else draw(offsets)
    local = instant.astimezone(zone)
    digits = draw(st.integers(0, 9))
    nanos = f"{local.microsecond:06d}" + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=3, max_size=3))
    )
    fraction = f".{nanos[:digits]}" if digits else ""
    if not digits:
        instant = instant.replace(microsecond=0)
    else:
        instant = instant.replace(microsecond=int(nanos[:digits].ljust(9, "0")[:6]))
    sep = draw(st.sampled_from(["T", " "]))
    text = local.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + fraction
    offset = zone.utcoffset(None)
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    hh, mm = divmod(abs(minutes), 60)
    text += {
        "Z": "Z",
        "none": "",
        "colon": f"{sign}{hh:02d}:{mm:02d}",
        "plain": f"{sign}{hh:02d}{mm:02d}",
    }[kind]
    return instant, text


@SETTINGS
@given(st.lists(written_timestamp(), min_size=1, max_size=20))
def test_any_written_instant_maps_to_the_same_utc_instant(
    tmp_path: Path, cases: list[tuple[datetime, str]]
) -> None:
    rows = [[f"t{i}", "c", "1", text] for i, (_, text) in enumerate(cases)]

    out = _run(tmp_path, rows)

    for row, (instant, text) in zip(out, cases, strict=True):
        value = row["timestamp"]
        assert value.endswith("Z"), text
        assert datetime.fromisoformat(value) == instant, text
        if instant.microsecond == 0:
            assert len(value) == 20, text
        else:
            assert len(value) == 27, text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(alphabet='ab,"\n\r 1-:.T\xe9', max_size=120).map(
            lambda t: ("transaction_id,customer_id,amount,timestamp\n" + t).encode()
        ),
    )
)
def test_arbitrary_bytes_always_give_an_outcome(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    output = tmp_path / "out.csv"
    output.unlink(missing_ok=True)

    outcome = process_file(source, output, config=CoreConfig())
    validated = validate_file(source, config=CoreConfig())

    assert isinstance(outcome, Outcome)
    assert outcome == validated
    assert output.exists() == outcome.ok
    if outcome.structural_error is not None:
        assert not outcome.ok
    else:
        assert outcome.rows_total == outcome.rows_valid + outcome.rows_rejected >= 1
    assert len(outcome.error_summary().encode()) < 1024
