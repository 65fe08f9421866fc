"""One file through the core and through the reference, and every way the two disagree.

Compared: the verdict, the counts, structural or not, the line (and byte offset) a
structural error names, the rejected lines (the first 100, as §5.1 reports them), every row
reason naming its failing columns, the processed bytes, and the rejected-rows file read
back as CSV (header, raw fields and line of each row; its reasons only loosely, as above,
since their wording is free; its quoting, e.g. `""` against an empty field, not at all).
Both entry points are given a rejected-rows path and must write that file exactly when the
file is accepted with rejected rows (as tests/functions/core/test_corpus.py expects of
both). An exception escaping the core is a disagreement too.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from functions.core import CoreConfig, Outcome, process_file, validate_file
from tests.functions.core import reference
from tests.functions.core.adversarial import Case

ENTRY_POINTS = ("process_file", "validate_file")
_LINE = re.compile(r"\bline (\d+)")
_OFFSET = re.compile(r"\bbyte offset (\d+)")


@dataclass(frozen=True)
class Observed:
    """What one call of the core produced."""

    outcome: Outcome | None
    output: bytes | None  # None: not written (or not asked for)
    rejected: bytes | None
    exception: str | None = None


@dataclass(frozen=True)
class Comparison:
    case: Case
    expected: reference.Verdict
    observed: dict[str, Observed]
    differences: dict[str, list[str]]  # entry point -> "aspect: detail"

    @property
    def aspects(self) -> frozenset[str]:
        return frozenset(d.split(":")[0] for diffs in self.differences.values() for d in diffs)


def compare(case: Case) -> Comparison:
    expected = reference.run(case.data, case.ratio, case.zone)
    observed = {name: call_core(name, case) for name in ENTRY_POINTS}
    differences = {
        name: diffs for name, seen in observed.items() if (diffs := differ(expected, seen, name))
    }
    return Comparison(case, expected, observed, differences)


def call_core(entry_point: str, case: Case) -> Observed:
    config = CoreConfig(max_invalid_row_ratio=case.ratio, source_timezone=case.zone)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        source, output, rejected = Path(tmp, "in.csv"), Path(tmp, "out.csv"), Path(tmp, "rej.csv")
        source.write_bytes(case.data)
        try:
            if entry_point == "process_file":
                outcome = process_file(source, output, config=config, rejected=rejected)
            else:
                outcome = validate_file(source, config=config, rejected=rejected)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # a Rust panic in polars is a BaseException
            return Observed(None, None, None, f"{type(error).__name__}: {error}")
        return Observed(outcome, _read(output), _read(rejected))


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def differ(expected: reference.Verdict, seen: Observed, entry_point: str) -> list[str]:
    if seen.outcome is None:
        return [f"exception: {seen.exception}"]
    outcome = seen.outcome
    diffs = _verdict(expected, outcome) + _structural(expected, outcome) + _rows(expected, outcome)
    if entry_point == "process_file" and seen.output != expected.output:
        diffs.append(f"output: {_short(seen.output)} instead of {_short(expected.output)}")
    diffs += _rejected_file(expected, seen.rejected)
    return diffs


def _verdict(expected: reference.Verdict, outcome: Outcome) -> list[str]:
    diffs = []
    if outcome.ok is not expected.ok:
        diffs.append(f"ok: {outcome.ok} instead of {expected.ok}")
    counts = ("rows_total", "rows_valid", "rows_rejected")
    mine, theirs = [getattr(expected, c) for c in counts], [getattr(outcome, c) for c in counts]
    if mine != theirs:
        diffs.append(f"counts: total/valid/rejected {theirs} instead of {mine}")
    return diffs


def _structural(expected: reference.Verdict, outcome: Outcome) -> list[str]:
    error, message = expected.structural, outcome.structural_error
    if (error is None) != (message is None):
        return [f"structural: {message!r} instead of {error.message if error else None!r}"]
    if error is None or message is None:
        return []
    diffs = []
    line = _LINE.search(message)
    if error.lines and (line is None or int(line[1]) not in error.lines):
        diffs.append(f"structural_line: {message!r} should name line {sorted(error.lines)}")
    offset = _OFFSET.search(message)
    if error.byte_offset is not None and (offset is None or int(offset[1]) != error.byte_offset):
        diffs.append(f"structural_line: {message!r} should name byte offset {error.byte_offset}")
    return diffs


def _rows(expected: reference.Verdict, outcome: Outcome) -> list[str]:
    wanted = expected.rejections[: reference.ROW_ERRORS_REPORTED]
    lines = [e.line for e in outcome.row_errors]
    if lines != [r.line for r in wanted]:
        return [f"row_lines: {_few(lines)} instead of {_few([r.line for r in wanted])}"]
    return [
        f"reasons: line {r.line} {e.reason!r} does not name {r.columns}"
        for r, e in zip(wanted, outcome.row_errors, strict=True)
        if not _names(e.reason, r.columns)
    ]


def _names(reason: str, columns: tuple[str, ...]) -> bool:
    return all(column in reason.lower() for column in columns)


def _rejected_file(expected: reference.Verdict, written: bytes | None) -> list[str]:
    if (written is None) != (expected.rejected_file is None):
        return [f"rejected_file: {_short(written)} instead of {_short(expected.rejected_file)}"]
    if written is None:
        return []
    try:
        header, *rows = reference.records(reference.decode(written))
    except reference.Structural as error:
        return [f"rejected_file: unreadable as CSV ({error.error.message}): {_short(written)}"]
    names = [f.value for f in header.fields]
    if names != [f.value for f in expected.header] + ["line", "reason"]:
        return [f"rejected_file: header {names}"]
    got = [[f.value for f in r.fields[:-1]] for r in rows]
    want = [[*(f.value for f in r.fields), str(r.line)] for r in expected.rejections]
    if got != want:
        return [f"rejected_file: rows {_few(got)} instead of {_few(want)}"]
    return [
        f"rejected_file: line {r.line} reason {row.fields[-1].value!r} does not name {r.columns}"
        for r, row in zip(expected.rejections, rows, strict=True)
        if not _names(row.fields[-1].value, r.columns)
    ]


def _few(items: list[object]) -> str:
    return repr(items) if len(items) <= 8 else f"{items[:8]!r}... ({len(items)})"


def _short(data: bytes | None) -> str:
    if data is None:
        return "nothing"
    return repr(data) if len(data) <= 300 else f"{data[:300]!r}... ({len(data)} bytes)"
