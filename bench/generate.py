"""Deterministic synthetic transaction CSV files for the benchmark (docs/data-contract.md §3 forms).

Rows are built with vectorized numpy + polars expressions, one chunk of up to 1M rows at a
time, so even the 20M-row file is generated in bounded memory. Files are cached under
``bench/data/`` by their parameters (rows, seed, variant, generator version).

Every file uses the same shape: header ``transaction_id,customer_id,Amount,timestamp,currency,
merchant,description`` (``Amount`` exercises case-insensitive header matching), amounts in
every accepted form (signed, grouped and therefore quoted, trailing zeros, padded with
whitespace), timestamps in every accepted shape, and extra columns including a quoted
description containing commas and doubled quotes. Fields never contain newlines, so the
1-based line number of data row ``i`` (0-based) is ``i + 2`` in every implementation.

The ``dirty`` variant turns about 0.5 % of the rows invalid (one reason per row); the
``clean`` variant has none.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

GENERATOR_VERSION = 4
DATA_DIR = Path(__file__).resolve().parent / "data"
HEADER = [
    "transaction_id",
    "customer_id",
    "Amount",
    "timestamp",
    "currency",
    "merchant",
    "description",
]
CHUNK_ROWS = 1_000_000
INVALID_SHARE = 0.005

# Invalid forms: (column, value). Each is an error under docs/data-contract.md §3 for a different reason.
INVALID_AMOUNTS = [
    "12.345",
    "12,34.00",
    "1,2345.00",
    "1e3",
    "NaN",
    "1.005",
    "12.3.4",
    "--5.00",
    "",
    "12 34",
]
INVALID_TIMESTAMPS = [
    "2023-02-29T10:00:00Z",  # not a leap year
    "2024-04-31T08:15:00Z",  # April has 30 days
    "2024-13-01T00:00:00Z",  # month 13
    "2024-06-01T24:00:00Z",  # hour 24
    "2024-06-30T23:59:60Z",  # leap second
    "2024-06-01T12:60:00+02:00",  # minute 60
    "20240115",  # 8-digit compact date: ambiguous
    "2024-1-5T10:00:00Z",  # unpadded date
    "2024-06-01T10:00:00.1234567890Z",  # 10 fraction digits
    "not a date",
    "",
    "12345678",  # 8 digits
    "123456789012345",  # 15 digits
]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF"]
DESCRIPTIONS = [
    "",
    "coffee",
    "Groceries, weekly",
    'Refund for "damaged" item, partial',
    "Subscription, monthly, auto-renew",
    "fuel",
]
OFFSETS_MIN = np.array([-600, -480, -300, -210, 0, 60, 120, 330, 345, 540, 600, 840])


def data_path(rows: int, variant: str, seed: int = 42, data_dir: Path = DATA_DIR) -> Path:
    """Return the cache path of a generated file with these parameters."""
    return data_dir / f"tx_{variant}_{rows}_s{seed}_v{GENERATOR_VERSION}.csv"


def _amounts() -> pl.Expr:
    """Amount strings in every accepted form, as a polars expression over helper columns."""
    whole = pl.col("_cents") // 100
    frac = pl.col("_cents") % 100
    whole_s = whole.cast(pl.String)
    frac2 = frac.cast(pl.String).str.zfill(2)
    g0 = (whole % 1000).cast(pl.String).str.zfill(3)
    g1 = ((whole // 1000) % 1000).cast(pl.String)
    g1z = g1.str.zfill(3)
    g2 = ((whole // 1_000_000) % 1000).cast(pl.String)
    grouped = (
        pl.when(whole >= 1_000_000)
        .then(pl.concat_str([g2, pl.lit(","), g1z, pl.lit(","), g0]))
        .when(whole >= 1000)
        .then(pl.concat_str([g1, pl.lit(","), g0]))
        .otherwise(whole_s)
    )
    form = pl.col("_aform")
    body = (
        pl.when(form == 0)
        .then(pl.concat_str([whole_s, pl.lit("."), frac2]))  # 1234.50
        .when(form == 1)
        .then(whole_s)  # 1234
        .when(form == 2)
        .then(pl.concat_str([whole_s, pl.lit("."), frac2.str.head(1)]))  # 1234.5 (cents % 10 == 0)
        .when(form == 3)
        .then(pl.concat_str([whole_s, pl.lit("."), frac2, pl.lit("00")]))  # 1234.5000
        .when(form == 4)
        .then(pl.concat_str([grouped, pl.lit("."), frac2]))  # "1,234.50"
        .otherwise(pl.concat_str([pl.lit(" "), whole_s, pl.lit("."), frac2, pl.lit(" ")]))
    )
    sign = (
        pl.when(pl.col("_sign") == 1)
        .then(pl.lit("-"))
        .when(pl.col("_sign") == 2)
        .then(pl.lit("+"))
        .otherwise(pl.lit(""))
    )
    return (
        pl.when(form == 5)
        .then(pl.concat_str([pl.lit(" "), sign, body.str.strip_chars(), pl.lit(" ")]))
        .otherwise(pl.concat_str([sign, body]))
    )


def _timestamps() -> pl.Expr:
    """Timestamp strings in every accepted shape, from helper columns."""
    utc = pl.from_epoch("_epoch", time_unit="s")
    local = utc + pl.duration(minutes=pl.col("_off"))
    off_abs = pl.col("_off").abs()
    off_sign = pl.when(pl.col("_off") < 0).then(pl.lit("-")).otherwise(pl.lit("+"))
    oh = (off_abs // 60).cast(pl.String).str.zfill(2)
    om = (off_abs % 60).cast(pl.String).str.zfill(2)
    frac = pl.concat_str(
        [pl.lit("."), pl.col("_nanos").cast(pl.String).str.zfill(9).str.head(pl.col("_fdig"))]
    )
    iso_t = utc.dt.strftime("%Y-%m-%dT%H:%M:%S")
    iso_sp = utc.dt.strftime("%Y-%m-%d %H:%M:%S")
    loc_t = local.dt.strftime("%Y-%m-%dT%H:%M:%S")
    shape = pl.col("_tshape")
    return (
        pl.when(shape == 0)
        .then(pl.concat_str([iso_t, pl.lit("Z")]))
        .when(shape == 1)
        .then(pl.concat_str([iso_t, frac, pl.lit("Z")]))
        .when(shape == 2)
        .then(pl.concat_str([loc_t, off_sign, oh, pl.lit(":"), om]))
        .when(shape == 3)
        .then(pl.concat_str([loc_t, frac, off_sign, oh, om]))
        .when(shape == 4)
        .then(iso_t)
        .when(shape == 5)
        .then(pl.concat_str([iso_sp, frac]))
        .when(shape == 6)
        .then(pl.concat_str([iso_sp, pl.lit("Z")]))
        .when(shape == 7)
        .then(utc.dt.strftime("%Y-%m-%d"))
        .when(shape == 8)
        .then(pl.col("_epoch").cast(pl.String))
        .otherwise((pl.col("_epoch") * 1000 + pl.col("_nanos") // 1_000_000).cast(pl.String))
    )


def make_chunk(rows: int, start: int, seed: int, invalid_share: float) -> pl.DataFrame:
    """Build one chunk of ``rows`` rows whose transaction ids start at ``start``."""
    rng = np.random.default_rng([seed, start])
    cents = np.exp(rng.uniform(0, np.log(2e8), rows)).astype(np.int64)
    aform = rng.choice(6, rows, p=[0.45, 0.1, 0.1, 0.1, 0.15, 0.1])
    cents = np.where(aform == 1, cents // 100 * 100, cents)
    cents = np.where(aform == 2, cents // 10 * 10, cents)
    helpers = pl.DataFrame(
        {
            "_id": np.arange(start, start + rows, dtype=np.int64),
            "_cust": rng.integers(0, 100_000, rows),
            "_cents": cents,
            "_aform": aform,
            "_sign": rng.choice(3, rows, p=[0.85, 0.12, 0.03]),
            # 1999-01-01 .. 2026-12-31: epoch seconds of 9 and 10 digits.
            "_epoch": rng.integers(915_148_800, 1_798_675_200, rows),
            "_nanos": rng.integers(0, 1_000_000_000, rows),
            "_fdig": rng.integers(1, 10, rows),
            "_off": OFFSETS_MIN[rng.integers(0, len(OFFSETS_MIN), rows)],
            "_tshape": rng.choice(
                10, rows, p=[0.25, 0.15, 0.12, 0.08, 0.1, 0.05, 0.05, 0.05, 0.08, 0.07]
            ),
            "_cur": rng.integers(0, len(CURRENCIES), rows),
            "_desc": rng.choice(len(DESCRIPTIONS), rows, p=[0.45, 0.25, 0.1, 0.08, 0.07, 0.05]),
        }
    )
    df = helpers.select(
        pl.concat_str([pl.lit("T"), pl.col("_id").cast(pl.String).str.zfill(9)]).alias(
            "transaction_id"
        ),
        pl.concat_str([pl.lit("C"), pl.col("_cust").cast(pl.String).str.zfill(5)]).alias(
            "customer_id"
        ),
        _amounts().alias("Amount"),
        _timestamps().alias("timestamp"),
        pl.lit(pl.Series(CURRENCIES)).gather(pl.col("_cur")).alias("currency"),
        pl.concat_str([pl.lit("Shop "), (pl.col("_cust") % 977).cast(pl.String)]).alias("merchant"),
        pl.lit(pl.Series(DESCRIPTIONS)).gather(pl.col("_desc")).alias("description"),
    )
    if invalid_share > 0:
        df = _inject_invalid(df, rng, invalid_share)
    return df


def _inject_invalid(df: pl.DataFrame, rng: np.random.Generator, share: float) -> pl.DataFrame:
    """Make about ``share`` of the rows invalid, one reason per row."""
    rows = df.height
    n_bad = max(1, int(rows * share))
    bad = np.sort(rng.choice(np.arange(1, rows), n_bad, replace=False))
    kind = rng.choice(5, n_bad, p=[0.3, 0.35, 0.15, 0.1, 0.1])
    ids = df["transaction_id"].to_numpy().astype(object)
    cust = df["customer_id"].to_numpy().astype(object)
    amount = df["Amount"].to_numpy().astype(object)
    ts = df["timestamp"].to_numpy().astype(object)
    bad_set = set(bad.tolist())
    for i, k in zip(bad.tolist(), kind.tolist(), strict=True):
        if k == 0:
            amount[i] = INVALID_AMOUNTS[int(rng.integers(len(INVALID_AMOUNTS)))]
        elif k == 1:
            ts[i] = INVALID_TIMESTAMPS[int(rng.integers(len(INVALID_TIMESTAMPS)))]
        elif k == 2:  # duplicate of an earlier row that is itself valid
            j = int(rng.integers(0, i))
            while j in bad_set:
                j = int(rng.integers(0, i))
            ids[i] = ids[j]
        elif k == 3:
            ids[i] = "" if rng.random() < 0.5 else "   "
        else:
            cust[i] = "" if rng.random() < 0.5 else "  "
    return df.with_columns(
        pl.Series("transaction_id", ids, dtype=pl.String),
        pl.Series("customer_id", cust, dtype=pl.String),
        pl.Series("Amount", amount, dtype=pl.String),
        pl.Series("timestamp", ts, dtype=pl.String),
    )


def generate(
    rows: int,
    variant: str = "dirty",
    seed: int = 42,
    data_dir: Path = DATA_DIR,
    force: bool = False,
    invalid_share: float = INVALID_SHARE,
) -> Path:
    """Write (or reuse from the cache) a file of ``rows`` rows and return its path."""
    if variant not in ("dirty", "clean"):
        raise ValueError(f"unknown variant {variant!r}")
    path = data_path(rows, variant, seed, data_dir)
    if invalid_share != INVALID_SHARE:
        path = path.with_stem(f"{path.stem}_i{invalid_share:g}")
    if path.exists() and not force:
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    share = invalid_share if variant == "dirty" else 0.0
    with tmp.open("wb") as fh:
        for start in range(0, rows, CHUNK_ROWS):
            chunk = make_chunk(min(CHUNK_ROWS, rows - start), start, seed, share)
            chunk.write_csv(fh, include_header=start == 0, quote_style="necessary")
    tmp.replace(path)
    return path


def main() -> None:
    """Command line: generate one file and print its path and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--variant", choices=["dirty", "clean"], default="dirty")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    path = generate(args.rows, args.variant, args.seed, force=args.force)
    print(f"{path} {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
