"""Baseline: pandas with the pyarrow CSV reader, every column read as a string, vectorized checks.

Pitfalls handled: ``to_datetime`` from components rolls ``24:00`` and ``:60`` over to the next
day/minute (so the ranges are checked explicitly), and amounts never go through floats (they
become integer cents from the regex groups).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from bench.baselines import Outcome, RowError, map_header

STRING = pd.ArrowDtype(pa.string())


def _int(col: pd.Series, default: str = "0") -> pd.Series:
    """Cast a string column of ASCII digits (missing or empty: ``default``) to numpy int64."""
    col = col.fillna("")
    return col.where(col != "", default).astype("int64[pyarrow]").astype("int64")


AMOUNT_RE = r"^[ \t]*(?P<sign>[+-]?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?[ \t]*$"
ISO_RE = (
    r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<frac>[0-9]{1,9}))?(?P<off>Z|(?P<osign>[+-])(?P<oh>[0-9]{2}):?(?P<om>[0-9]{2}))?)?$"
)


def _amounts(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (formatted amount, error reason or '') for a string column."""
    parts = col.str.extract(AMOUNT_RE)
    matched = parts["whole"].notna().astype(bool)
    frac = parts["frac"].fillna("").str.rstrip("0")
    whole = parts["whole"].fillna("0").str.replace(",", "", regex=False).str.lstrip("0")
    too_precise = matched & (frac.str.len() > 2).astype(bool)
    too_big = matched & (whole.str.len() > 16).astype(bool)
    ok = matched & ~too_precise & ~too_big
    whole_i = _int(whole.where(ok, ""))
    frac_i = _int(frac.where(ok, "").str.pad(2, side="right", fillchar="0"))
    cents = whole_i * 100 + frac_i
    negative = (parts["sign"].fillna("") == "-").astype(bool) & (cents != 0)
    text = (
        negative.map({True: "-", False: ""})
        + (cents // 100).astype("str")
        + "."
        + (cents % 100).astype("str").str.zfill(2)
    )
    reason = pd.Series("", index=col.index, dtype="str")
    reason = reason.mask(~matched, "amount is not a decimal number")
    reason = reason.mask(too_precise, "amount has more than two fractional digits")
    reason = reason.mask(too_big, "amount does not fit DECIMAL(18,2)")
    return text, reason


def _timestamps(col: pd.Series, source_timezone: str) -> tuple[pd.Series, pd.Series]:
    """Return (formatted UTC timestamp, error reason or '') for a string column."""
    reason = pd.Series("", index=col.index, dtype="str")
    digits = col.str.fullmatch(r"[0-9]+").fillna(False).astype(bool)
    n = col.str.len().fillna(0).astype("int64")
    is_s = digits & n.between(9, 11)
    is_ms = digits & n.between(12, 14)
    reason = reason.mask(digits & ~is_s & ~is_ms, "ambiguous all-digit timestamp")
    p = col.str.extract(ISO_RE)
    iso = p["year"].notna().astype(bool)
    reason = reason.mask(~digits & ~iso, "timestamp is not ISO 8601 or epoch")
    comp = pd.DataFrame(
        {
            k: _int(p[k], "0" if k in ("hour", "minute", "second") else "1")
            for k in ("year", "month", "day", "hour", "minute", "second")
        }
    )
    bad_time = iso & ((comp["hour"] > 23) | (comp["minute"] > 59) | (comp["second"] > 59))
    comp.loc[bad_time, ["hour", "minute", "second"]] = 0
    local = pd.to_datetime(comp, errors="coerce")
    bad_date = iso & local.isna()
    oh = _int(p["oh"])
    om = _int(p["om"])
    bad_off = iso & ((oh > 23) | (om > 59))
    reason = reason.mask(bad_time | bad_date | bad_off, "timestamp is not a valid date and time")
    micro = _int(p["frac"].fillna("").str.slice(0, 6).str.pad(6, side="right", fillchar="0"))
    off_min = (oh * 60 + om) * (p["osign"].fillna("") == "-").astype(bool).map({True: -1, False: 1})
    no_off = iso & (p["off"].fillna("") == "").astype(bool)
    utc = local + pd.to_timedelta(micro, unit="us") - pd.to_timedelta(off_min, unit="m")
    if source_timezone != "UTC":
        zoned = local[no_off].dt.tz_localize(source_timezone, ambiguous="NaT", nonexistent="NaT")
        utc = utc.where(
            ~no_off,
            (
                zoned.dt.tz_convert("UTC").dt.tz_localize(None)
                + pd.to_timedelta(micro[no_off], unit="us")
            ),
        )
    num = _int(col.where(is_s | is_ms, "0"))
    epoch = pd.to_datetime(num.where(is_s, num // 1000), unit="s") + pd.to_timedelta(
        (num % 1000).where(is_ms, 0) * 1000, unit="us"
    )
    moment = utc.where(iso, epoch).astype("datetime64[us]")
    us = moment.dt.microsecond.fillna(0).astype("int64")
    text = (
        moment.dt.strftime("%Y-%m-%dT%H:%M:%S")
        + ("." + us.astype("str").str.zfill(6)).where(us != 0, "")
        + "Z"
    )
    return text, reason


def process_file(
    source: str | Path,
    output: str | Path,
    *,
    rejected: str | Path | None = None,
    source_timezone: str = "UTC",
) -> Outcome:
    """Validate and transform ``source`` into ``output`` in memory with pandas."""
    outcome = Outcome()
    df = pd.read_csv(
        source,
        engine="pyarrow",
        dtype=STRING,
        dtype_backend="pyarrow",
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    try:
        index, out_header = map_header(list(df.columns))
    except ValueError as exc:
        outcome.structural_error = str(exc)
        return outcome
    cols = list(df.columns)
    tid_c, cid_c = cols[index["transaction_id"]], cols[index["customer_id"]]
    amt_c, ts_c = cols[index["amount"]], cols[index["timestamp"]]
    tid = df[tid_c].str.strip()
    reason = pd.Series("", index=df.index, dtype="str")
    amount, amount_reason = _amounts(df[amt_c])
    stamp, stamp_reason = _timestamps(df[ts_c], source_timezone)
    # Later checks first so the earliest rule wins (same precedence as the row-by-row baseline).
    reason = reason.mask(stamp_reason != "", stamp_reason)
    reason = reason.mask(amount_reason != "", amount_reason)
    reason = reason.mask(df[cid_c].str.strip() == "", "customer_id is empty")
    reason = reason.mask((tid != "") & tid.duplicated(), "transaction_id is duplicated")
    reason = reason.mask(tid == "", "transaction_id is empty")
    ok = reason == ""
    df[amt_c] = amount
    df[ts_c] = stamp
    df.columns = out_header
    df[ok].to_csv(output, index=False, lineterminator="\n")
    outcome.rows_total = len(df)
    bad = reason[~ok]
    outcome.row_errors = [RowError(int(i) + 2, r) for i, r in zip(bad.index, bad, strict=True)]
    return outcome.finish(rejected)
