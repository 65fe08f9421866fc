"""Core configuration: the invalid-row tolerance and the source time zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from contract.environment import Env


@dataclass(frozen=True)
class CoreConfig:
    """How strict the core is and how offset-less timestamps are read.

    `max_invalid_row_ratio`: share of rows that may be rejected while the file is still
    accepted (0 = strict). `source_timezone`: IANA zone for timestamps without an offset.
    """

    max_invalid_row_ratio: Decimal = Decimal(0)
    source_timezone: str = "UTC"

    def __post_init__(self) -> None:
        ratio = self.max_invalid_row_ratio
        if not isinstance(ratio, Decimal) or not ratio.is_finite() or not 0 <= ratio <= 1:
            raise ValueError(
                f"max_invalid_row_ratio must be a decimal between 0 and 1, got {ratio!r}"
            )
        if not usable_time_zone(self.source_timezone):
            raise ValueError(
                f"source_timezone {self.source_timezone!r} is not an IANA time zone name the "
                "pipeline can use (such as Europe/Berlin; not localtime, posixrules, posix/... "
                "or right/...)"
            )

    @property
    def strict(self) -> bool:
        """No invalid row tolerated: the first rejected row fails the file."""
        return not self.max_invalid_row_ratio

    def accepts(self, rows_total: int, rows_rejected: int) -> bool:
        """Whether a file with these counts is accepted: a valid row, rejections within the ratio."""
        return (
            rows_total - rows_rejected >= 1
            and Decimal(rows_rejected) <= self.max_invalid_row_ratio * rows_total
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CoreConfig:
        """Read MAX_INVALID_ROW_RATIO and SOURCE_TIMEZONE (blank or unset means default).

        A bad value raises ValueError whose message starts with the variable's name.
        """
        raw_ratio = env.get(Env.MAX_INVALID_ROW_RATIO, "").strip()
        ratio = Decimal(0)
        if raw_ratio:
            try:
                ratio = Decimal(raw_ratio)
            except InvalidOperation:
                ratio = Decimal("NaN")
            if not ratio.is_finite() or not 0 <= ratio <= 1:
                raise ValueError(
                    f"{Env.MAX_INVALID_ROW_RATIO} must be a decimal between 0 and 1, "
                    f"got {raw_ratio!r}"
                )
        zone = env.get(Env.SOURCE_TIMEZONE, "").strip() or "UTC"
        try:
            return cls(max_invalid_row_ratio=ratio, source_timezone=zone)
        except ValueError as exc:
            raise ValueError(f"{Env.SOURCE_TIMEZONE}: {exc}") from exc


def usable_time_zone(name: str) -> bool:
    """Whether `name` is a zone both converters of local times accept (rules/local_time.py):
    polars' tables (which lack e.g. `localtime`, `posixrules`, `posix/...`, `right/...`,
    `Factory`) and zoneinfo (case-sensitive: no `utc`)."""
    if not name:
        return False
    try:
        ZoneInfo(name)
        pl.Series([0], dtype=pl.Datetime("us")).dt.replace_time_zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, pl.exceptions.PolarsError):
        return False
    return True
