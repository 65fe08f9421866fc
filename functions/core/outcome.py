"""Result values of the core: row errors and the file outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_REPORTED_ROW_ERRORS = 100
_SUMMARY_LIMIT = 900  # bytes; the interface promises < 1 KB


@dataclass(frozen=True)
class RowError:
    """One rejected row: its 1-based physical line number (header = line 1) and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class Outcome:
    """What validating (and transforming) one file produced."""

    ok: bool
    rows_total: int
    rows_valid: int
    rows_rejected: int
    structural_error: str | None = None
    row_errors: tuple[RowError, ...] = ()
    #: The exact sum of the amounts written to the output (`"1234.50"`); None when no output
    #: was written (validate_file, or a rejected file).
    amount_total: str | None = None

    def error_summary(self) -> str:
        """Short human message (< 1 KB) for notifications and Step Functions."""
        if self.structural_error is not None:
            text = f"Invalid file: {self.structural_error}"
        elif self.ok:
            text = (
                f"Accepted: {self.rows_valid} of {self.rows_total} rows valid, "
                f"{self.rows_rejected} rejected"
            )
        else:
            why = "no valid rows" if self.rows_valid == 0 else "above the allowed invalid row ratio"
            text = f"{self.rows_rejected} of {self.rows_total} rows invalid ({why})"
            if self.row_errors:
                first = self.row_errors[0]
                text += f"; first: line {first.line}: {first.reason}"
        return _truncate_utf8(text, _SUMMARY_LIMIT)

    def error_report(self) -> dict[str, Any]:
        """JSON-able body of `failed/<path>.error.json`."""
        report: dict[str, Any] = {
            "valid": self.ok,
            "summary": self.error_summary(),
            "rows_total": self.rows_total,
            "rows_valid": self.rows_valid,
            "rows_rejected": self.rows_rejected,
        }
        if self.structural_error is not None:
            report["structural_error"] = self.structural_error
        else:
            report["row_errors"] = [{"line": e.line, "reason": e.reason} for e in self.row_errors]
            report["row_errors_truncated"] = self.rows_rejected > len(self.row_errors)
        return report


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "..."
