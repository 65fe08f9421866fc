"""Baselines written for the same data contract as the core (docs/data-contract.md), for the benchmark.

Each module exposes ``process_file(source, output, *, rejected=None) -> Outcome`` with the same
meaning as ``functions.core.process_file``: validate every row, write the valid rows transformed
(canonical names, UTC ``Z`` timestamps, two-digit decimals, extra columns unchanged) to
``output``, the rejected rows' line numbers and reasons to ``rejected``, and return the counts.
The benchmark always keeps the valid rows (the invalid-row tolerance is 1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED = ("transaction_id", "customer_id", "amount", "timestamp")
# What "trimmed" removes (data-contract.md §3.0): the Unicode White_Space characters. Not
# str.strip()'s set, which also takes U+001C..U+001F.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True)
class RowError:
    """One rejected row: its 1-based line number in the file and why."""

    line: int
    reason: str


@dataclass
class Outcome:
    """What a baseline returns; mirrors the attributes of the core's outcome."""

    rows_total: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    structural_error: str = ""
    row_errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file is structurally valid (rows may still be rejected)."""
        return not self.structural_error

    def finish(self, rejected: str | Path | None) -> Outcome:
        """Derive the counts from ``rows_total`` and ``row_errors``; write the rejected file."""
        self.rows_rejected = len(self.row_errors)
        self.rows_valid = self.rows_total - self.rows_rejected
        if self.rows_total == 0:
            self.structural_error = "no data rows"
        if rejected is not None:
            with Path(rejected).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(["line", "reason"])
                writer.writerows((e.line, e.reason) for e in self.row_errors)
        return self


def map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Map each required column to its index and return the output header names.

    Raises ValueError naming a missing or duplicated required column.
    """
    index: dict[str, int] = {}
    out: list[str] = []
    for i, name in enumerate(header):
        key = name.strip(WHITE_SPACE).lower()
        if key in REQUIRED:
            if key in index:
                raise ValueError(f"duplicated required column: {key}")
            index[key] = i
            out.append(key)
        else:
            out.append(name)
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise ValueError(f"missing required column: {', '.join(missing)}")
    return index, out
