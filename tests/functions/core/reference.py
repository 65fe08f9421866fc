"""An independent reference implementation of docs/data-contract.md, written from it alone.

It shares no code with functions/core/: the fuzzer (fuzz.py) runs both on the same bytes and
every disagreement is a bug on one side. Plain on purpose: a character state machine for the
CSV syntax (§2.1), a list of records, then the row rules (reference_values.py) and the
verdict (§3.4). Where the document is silent the choice is written down as "Assumption".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from tests.functions.core.reference_values import (
    Invalid,
    amount,
    header_key,
    identifier,
    quote40,
    timestamp,
)

BOM = b"\xef\xbb\xbf"
REQUIRED = ("transaction_id", "customer_id", "amount", "timestamp")
# §5.1: the first 100 row errors. Assumption: Outcome.row_errors holds the same 100 in strict
# mode too, where §3.4 only says "reports the first rows' errors".
ROW_ERRORS_REPORTED = 100


@dataclass(frozen=True)
class Field:
    value: str
    quoted: bool


@dataclass(frozen=True)
class Record:
    line: int  # §6: the physical line where the record starts
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class StructuralError:
    message: str
    # Every line the message may name. Assumption: §2.1 says which line an unterminated
    # quote names (where its field starts) but not which one a misplaced quote or a lone CR
    # names, so for those the record's first line, the field's and the character's all do.
    lines: frozenset[int] = frozenset()
    byte_offset: int | None = None


class Structural(Exception):
    """Raised on a §2 violation: the whole file fails with `error`."""

    def __init__(self, message: str, *lines: int, byte_offset: int | None = None) -> None:
        super().__init__(message)
        self.error = StructuralError(message, frozenset(lines), byte_offset)


@dataclass(frozen=True)
class Rejection:
    line: int
    fields: tuple[Field, ...]  # the raw fields, as read (§5.3)
    columns: tuple[str, ...]  # the required columns with a problem (the reason names each)
    reason: str


@dataclass
class Verdict:
    ok: bool
    rows_total: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    structural: StructuralError | None = None
    rejections: list[Rejection] = field(default_factory=list)
    header: tuple[Field, ...] = ()
    output: bytes | None = None  # processed/<path> when ok
    rejected_file: bytes | None = None  # failed/<path>.rejected.csv when ok with rejections

    @property
    def rejected_lines(self) -> list[int]:
        return [r.line for r in self.rejections]


def run(data: bytes, max_invalid_row_ratio: Decimal, source_timezone: str) -> Verdict:
    """What the contract makes of `data`: the verdict, the counts and both output files."""
    try:
        header, rows = parse(decode(data))
    except Structural as structural:
        # Assumption (the document is silent, the corpus agrees): no counts on a §2 error.
        return Verdict(ok=False, structural=structural.error)
    return judge(header, rows, max_invalid_row_ratio, source_timezone)


def decode(data: bytes) -> str:
    """§2.1 encoding. Assumptions: checked over the whole file before any syntax, so a bad
    byte wins over a syntax error earlier in the file; the offset counts from the first
    byte of the object (BOM included) to the first byte of the invalid sequence (for a
    sequence cut off by the end of the file, where it starts). Only one BOM, at offset 0, is
    not data: a second U+FEFF is the first character of the first header name."""
    if data in (b"", BOM):
        raise Structural("the file is empty")
    body = data.removeprefix(BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + len(data) - len(body)
        line = data.count(b"\n", 0, offset) + 1
        raise Structural(
            f"not valid UTF-8 (line {line}, byte offset {offset})", line, byte_offset=offset
        ) from None


def parse(text: str) -> tuple[Record, list[Record]]:
    """§2.2-§2.3: the checked header and the data records (all of them, each the right size)."""
    reader = records(text)
    header = next(reader)  # decode() has rejected the empty text, so there is a first record
    check_header(header)
    rows = []
    for record in reader:
        count = len(record.fields)
        if count != len(header.fields):
            blank = record.fields == (Field("", quoted=False),)
            what = "empty line" if blank else f"{count} fields"
            raise Structural(
                f"line {record.line}: {what}, expected {len(header.fields)} like the header",
                record.line,
            )
        rows.append(record)
    if not rows:
        raise Structural("the file has a header but no data rows")
    return header, rows


def check_header(header: Record) -> None:
    """§2.2. Assumptions: with several problems, the first required name in REQUIRED order
    is the one named; the message names no line (the corpus does the same); extra names
    may repeat, be empty or be 'line'/'reason' (nothing forbids it)."""
    keys = [header_key(f.value) for f in header.fields]
    for name in REQUIRED:
        if name not in keys:
            raise Structural(f"the header has no required column '{name}'")
        if keys.count(name) > 1:
            raise Structural(
                f"the header has the required column '{name}' {keys.count(name)} times"
            )


def records(text: str) -> Iterator[Record]:
    """§2.1 syntax as a state machine over characters; a record ends at LF, CRLF or the end.

    A final line break ends the last record and starts none (a blank line after it does).
    Assumption: every other character, control characters (NUL, DEL, U+001C-U+001F) and
    U+2028/U+2029 included, is data: RFC 4180 is ASCII-only, the contract says UTF-8.
    """
    pos, line = 0, 1
    while pos < len(text):
        start, fields = line, []
        while True:
            value, pos, line = _field(text, pos, line, start)
            fields.append(value)
            if pos == len(text):
                break
            char = text[pos]
            pos += 1
            if char == "\n" or (char == "\r" and text.startswith("\n", pos)):
                pos += char == "\r"
                line += 1
                break
            if char == "\r":
                raise Structural(
                    f"line {line}: a carriage return not followed by a line feed", start, line
                )
            # char == ",": the next field starts here (possibly empty, at the very end)
        yield Record(start, tuple(fields))


def _field(text: str, pos: int, line: int, record_line: int) -> tuple[Field, int, int]:
    """One field from `pos`: (the field, where it stopped, the line there)."""
    if text.startswith('"', pos):
        return _quoted(text, pos + 1, line, record_line)
    end = pos
    while end < len(text) and text[end] not in ",\r\n":
        if text[end] == '"':
            raise Structural(f"line {line}: a '\"' inside an unquoted field", record_line, line)
        end += 1
    return Field(text[pos:end], quoted=False), end, line


def _quoted(text: str, pos: int, line: int, record_line: int) -> tuple[Field, int, int]:
    opened, parts = line, []
    while True:
        close = text.find('"', pos)
        if close < 0:
            raise Structural(f"line {opened}: unterminated quoted field", opened)
        parts.append(text[pos:close])
        line += text.count("\n", pos, close)  # §6: LF counts, a lone CR inside quotes does not
        pos = close + 1
        if not text.startswith('"', pos):
            break
        parts.append('"')  # a doubled quote
        pos += 1
    if pos < len(text) and text[pos] not in ",\r\n":
        raise Structural(f"line {line}: text after a closing quote", record_line, opened, line)
    return Field("".join(parts), quoted=True), pos, line


def judge(header: Record, rows: list[Record], ratio: Decimal, zone: str) -> Verdict:
    """§3 on every row, §3.4 on the file, §4/§5.3 for the outputs when accepted."""
    position = {header_key(f.value): i for i, f in enumerate(header.fields)}
    index = {name: position[name] for name in REQUIRED}
    seen: set[str] = set()
    outputs, rejections = [], []
    for record in rows:
        cells, problems = _check_row(record, index, zone, seen)
        if problems:
            columns = tuple(column for column, _ in problems)
            reason = "; ".join(reason for _, reason in problems)
            rejections.append(Rejection(record.line, record.fields, columns, reason))
        else:
            outputs.append(cells)
    total, rejected = len(rows), len(rejections)
    verdict = Verdict(
        ok=total > rejected and rejected <= ratio * total,
        rows_total=total,
        rows_valid=total - rejected,
        rows_rejected=rejected,
        rejections=rejections,
        header=header.fields,
    )
    if verdict.ok:
        verdict.output = _output(header, index, outputs)
        verdict.rejected_file = _rejected_file(header, rejections) if rejections else None
    return verdict


def _check_row(
    record: Record, index: dict[str, int], zone: str, seen: set[str]
) -> tuple[list[Field], list[tuple[str, str]]]:
    """The row as §4 writes it, and its problems as (column, reason), in column order."""
    cells, problems = list(record.fields), []
    checks = {
        "transaction_id": lambda raw: _unique_id(raw, seen),
        "customer_id": lambda raw: identifier("customer_id", raw),
        "amount": amount,
        "timestamp": lambda raw: timestamp(raw, zone),
    }
    for name in REQUIRED:
        raw = record.fields[index[name]].value
        try:
            cells[index[name]] = Field(checks[name](raw), quoted=False)
        except Invalid as invalid:
            problems.append((name, str(invalid)))
    return cells, problems


def _unique_id(raw: str, seen: set[str]) -> str:
    """§3.1: every non-empty id joins `seen`, the rejected rows' too."""
    value = identifier("transaction_id", raw)
    if value in seen:
        raise Invalid(f"transaction_id {quote40(raw)} is a duplicate of an earlier row")
    seen.add(value)
    return value


def _output(header: Record, index: dict[str, int], rows: list[list[Field]]) -> bytes:
    """§4. Assumption: no BOM, and the last line ends with LF like every other."""
    names = list(header.fields)
    for name, i in index.items():
        names[i] = Field(name, quoted=False)
    return _csv([names, *rows])


def _rejected_file(header: Record, rejections: list[Rejection]) -> bytes:
    """§5.3. Assumption: written like §4 (same quoting, LF), the header as read, BOM gone."""
    extra = [Field("line", quoted=False), Field("reason", quoted=False)]
    rows = [
        [*r.fields, Field(str(r.line), quoted=False), Field(r.reason, quoted=False)]
        for r in rejections
    ]
    return _csv([[*header.fields, *extra], *rows])


def _csv(rows: list[list[Field]]) -> bytes:
    return "".join(",".join(_cell(f) for f in row) + "\n" for row in rows).encode("utf-8")


def _cell(cell: Field) -> str:
    """§4: quoted exactly when the value holds , " CR or LF, or is a quoted empty string."""
    if any(c in cell.value for c in ',"\r\n') or (cell.quoted and cell.value == ""):
        return '"' + cell.value.replace('"', '""') + '"'
    return cell.value
