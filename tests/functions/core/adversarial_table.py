"""The file a generator family edits: a valid table of raw CSV cells, rendered to bytes last."""

from __future__ import annotations

import random
from decimal import Decimal

REQUIRED = ("transaction_id", "customer_id", "amount", "timestamp")
BOM = b"\xef\xbb\xbf"
# Where a structural defect goes: the header, a record in the middle, the last record with a
# final line break, the last record without one.
WHERE = ("middle", "last", "last_noeol", "header")
EXTRA_NAMES = ("note", "memo", "Region", "id_extra", "zone name")
EXTRA_CELLS = ("x", "", '""', "a b", '"with, comma"', '"say ""hi"""', '"line1\nline2"', "\u00fcn\u00ef", "  padded  ", '"x"')  # fmt: skip
CUSTOMERS = ("c", "c1", "cust-9", "\u00dcn\u00efc\u00f8d\u00e9", "\u65e5\u672c")
SAFE_AMOUNTS = ("1", "2.5", "-3.75", "1,234.56", "0.10", "100", "+7")
SAFE_TIMESTAMPS = (
    "2024-05-01T12:00:00Z", "2024-05-01 08:30:00+02:00", "1714564800", "1714564800123",
    "2024-05-01", "2024-05-01T12:00:00", "2024-05-01T12:00:00.25-0300",
)  # fmt: skip
ROW_COUNTS = (1, 2, 3, 4, 5, 6, 8, 12, 20)
RATIOS = ("0", "0", "0", "0.1", "0.5", "1")
ZONES = ("UTC",) * 6 + ("America/New_York", "Europe/Berlin", "Australia/Lord_Howe")


def choose[T](rng: random.Random, options: tuple[T, ...] | list[T]) -> T:
    return options[rng.randrange(len(options))]


class Table:
    """Header and rows as raw cells (already quoted as they appear), plus how to join them."""

    MARK = "\ue000"  # a private-use character, replaced by `bad_bytes` once encoded

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._ids = 0
        extras = rng.sample(EXTRA_NAMES, choose(rng, (0, 0, 1, 1, 2, 3)))
        self.columns = [*REQUIRED, *extras]
        rng.shuffle(self.columns)
        self.header = [self.quote(c) for c in self.columns]
        self.rows = [self.valid_row() for _ in range(choose(rng, ROW_COUNTS))]
        self.eol = rng.choices(("\n", "\r\n", "mixed"), weights=(6, 3, 1))[0]
        self.eols: dict[int, str] = {}  # the line break after record i (0 = header), if odd
        self.final_eol = rng.random() < 0.85
        self.bom = rng.random() < 0.1
        self.head = ""  # text between the BOM and the header
        self.tail = ""  # text after the last record (and its line break)
        self.ratio = Decimal(choose(rng, RATIOS))
        self.zone = choose(rng, ZONES)
        self.bad_bytes: bytes | None = None
        self.override: bytes | None = None  # the whole file, when a family writes it outright

    def quote(self, value: str, *, force: bool = False) -> str:
        """The cell for `value`: quoted when it must be, and now and then when it need not."""
        if force or any(c in value for c in ',"\r\n') or self.rng.random() < 0.1:
            return '"' + value.replace('"', '""') + '"'
        return value

    def next_id(self) -> str:
        self._ids += 1
        return f"t{self._ids}"

    def valid_row(self) -> list[str]:
        values = {
            "transaction_id": self.next_id(),
            "customer_id": choose(self.rng, CUSTOMERS),
            "amount": choose(self.rng, SAFE_AMOUNTS),
            "timestamp": choose(self.rng, SAFE_TIMESTAMPS),
        }
        return [
            self.quote(values[c]) if c in values else choose(self.rng, EXTRA_CELLS)
            for c in self.columns
        ]

    def maybe_reject_a_row(self) -> str:
        """Now and then one invalid row within tolerance, so the §5.3 rejected-rows file
        carries the family's odd header and values too; the tag's suffix says so."""
        if self.rng.random() < 0.6:
            return ""
        self.ensure_rows(2)
        self.put(self.rng.randrange(len(self.rows)), "amount", "bad")
        self.ratio = Decimal(choose(self.rng, ("0.5", "1")))
        return "+rejected"

    def ensure_rows(self, count: int) -> None:
        while len(self.rows) < count:
            self.rows.append(self.valid_row())

    def record(self, index: int) -> list[str]:
        """Record `index` of the file: 0 is the header."""
        return self.header if index == 0 else self.rows[index - 1]

    def col(self, name: str) -> int:
        return self.columns.index(name)

    def put(self, row: int, name: str, value: str) -> None:
        self.rows[row][self.col(name)] = self.quote(value)

    def add_column(self, name_cell: str, cells: list[str], name: str = "") -> None:
        at = self.rng.randrange(len(self.columns) + 1)
        self.columns.insert(at, name or f"extra{at}")
        self.header.insert(at, name_cell)
        for row, cell in zip(self.rows, cells, strict=True):
            row.insert(at, cell)

    def drop_column(self, name: str) -> None:
        at = self.col(name)
        del self.columns[at], self.header[at]
        for row in self.rows:
            del row[at]

    def render(self) -> bytes:
        if self.override is not None:
            return self.override
        records = [self.header, *self.rows]
        text = self.head
        for i, cells in enumerate(records):
            text += ",".join(cells)
            if i < len(records) - 1 or self.final_eol:
                text += self.eols.get(i) or self._eol()
        data = (BOM if self.bom else b"") + (text + self.tail).encode("utf-8")
        if self.bad_bytes is not None:
            data = data.replace(self.MARK.encode("utf-8"), self.bad_bytes, 1)
        return data

    def _eol(self) -> str:
        return choose(self.rng, ("\n", "\r\n")) if self.eol == "mixed" else self.eol


def place(t: Table, where: str) -> int:
    """The record a structural defect goes to, the file shaped for `where` (see WHERE)."""
    if where == "header":
        return 0
    if where == "middle":
        t.ensure_rows(3)
        return t.rng.randrange(1, len(t.rows))
    t.final_eol = where == "last"
    return len(t.rows)


def place_cell(t: Table, where: str) -> tuple[list[str], int]:
    """The record and field a defect goes to. In the header it is an extra column of its
    own, so the defect never also hides a required name (one defect per file)."""
    index = place(t, where)
    if index == 0:
        t.add_column("extra", [t.quote("v") for _ in t.rows])
        return t.header, t.header.index("extra")
    cells = t.record(index)
    # The last field of a record is where end-of-record checks go wrong most: favour it.
    return cells, len(cells) - 1 if t.rng.random() < 0.5 else t.rng.randrange(len(cells))
