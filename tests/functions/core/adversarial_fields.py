"""Generator families that plant field values: header names, ids, amounts, timestamps,
daylight-saving edges, line numbering and the tolerance boundary (§2.2, §3, §6)."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from tests.functions.core.adversarial_table import REQUIRED, Table, choose
from tests.functions.core.adversarial_values import (
    AMOUNTS,
    DST_YEARS,
    DST_ZONES,
    NOT_WHITE_SPACE,
    TIMESTAMPS,
    WHITE_SPACE,
    ZONED_EDGES,
    dst_probes,
)

LOOKALIKES = {
    "long_s": ("customer_id", "cu\u017ftomer_id"), "dotless_i": ("transaction_id", "transact\u0131on_id"),
    "dotted_capital_i": ("transaction_id", "TRANSACT\u0130ON_ID"), "fullwidth_a": ("amount", "\uff41mount"),
    "cyrillic_a": ("amount", "\u0430mount"), "cyrillic_e": ("timestamp", "tim\u0435stamp"),
    "kelvin_sign": ("customer_id", "customer_id\u212a"), "long_s_timestamp": ("timestamp", "time\u017ftamp"),
}  # fmt: skip
HEADER_KINDS = ("missing", "duplicate_exact", "duplicate_case", "duplicate_padded", "case_variant",
                "padded_ws", "padded_not_ws", "lookalike", "quoted_names", "multiline_name",
                "extra_line_reason", "duplicate_extras", "empty_extra_name", "special_extra_names",
                "bom_in_later_name")  # fmt: skip
SPECIAL_NAMES = (
    '"a,b"',
    '"say ""x"""',
    '"ex\rtra"',
    '"multi\nline"',
    '"cr\r\nlf"',
    " spaced ",
    '""',
    "",
)


def _rows(rng: random.Random, t: Table, most: int = 3) -> list[int]:
    return rng.sample(range(len(t.rows)), min(len(t.rows), rng.randint(1, most)))


def _pad(rng: random.Random, value: str, chars: dict[str, str]) -> tuple[str, str]:
    name, char = rng.choice(list(chars.items()))
    before, after = rng.choice(((char, ""), ("", char), (char, char * 2)))
    return name, before + value + after


def header(rng: random.Random, t: Table) -> str:
    """§2.2: required names missing, twice, disguised; extra names of every shape."""
    kind = choose(rng, HEADER_KINDS)
    name = choose(rng, REQUIRED)
    at = t.col(name)
    copy = [row[at] for row in t.rows]
    if kind == "missing":
        t.drop_column(name)
    elif kind.startswith("duplicate_") and kind != "duplicate_extras":
        variant = {
            "duplicate_exact": name,
            "duplicate_case": name.upper(),
            "duplicate_padded": f" {name}\t",
        }
        t.add_column(t.quote(variant[kind]), copy)
    elif kind in ("case_variant", "padded_ws", "padded_not_ws", "lookalike", "bom_in_later_name"):
        kind, name, cell = _disguise(rng, t, kind, name)
        t.header[t.col(name)] = cell
    elif kind == "quoted_names":
        t.header = [t.quote(c, force=True) for c in t.columns]
    elif kind == "multiline_name":
        t.header[at] = t.quote(choose(rng, (f"{name}\n", f"\n{name}", f"\r\n{name}\r\n")))
    else:
        _extra_names(rng, t, kind)
    return f"header.{kind}" + ("" if kind == "missing" else t.maybe_reject_a_row())


def _disguise(rng: random.Random, t: Table, kind: str, name: str) -> tuple[str, str, str]:
    """(the tag's kind, the required column, its new header cell)."""
    if kind == "case_variant":
        return (
            kind,
            name,
            choose(rng, (name.upper(), name.title(), name.swapcase(), name.capitalize())),
        )
    if kind == "bom_in_later_name":
        return kind, name, "\ufeff" + name
    if kind == "lookalike":
        look, (target, text) = rng.choice(list(LOOKALIKES.items()))
        return f"lookalike_{look}", target, text
    char, padded = _pad(rng, name, WHITE_SPACE if kind == "padded_ws" else NOT_WHITE_SPACE)
    return f"{kind}_{char}", name, t.quote(padded)


def _extra_names(rng: random.Random, t: Table, kind: str) -> None:
    values = [t.quote("v") for _ in t.rows]
    if kind == "extra_line_reason":
        t.add_column("line", values)
        t.add_column("reason", list(values))
    elif kind == "duplicate_extras":
        for cell in rng.choice((("note", "note"), ("note", "Note"), ("", ""))):
            t.add_column(cell, list(values))
    elif kind == "empty_extra_name":
        t.add_column(choose(rng, ("", '""', " ")), values)
    else:
        t.add_column(choose(rng, SPECIAL_NAMES), values)


def identifiers(rng: random.Random, t: Table) -> str:
    """§3.1: empty, blank, unusual but non-empty, duplicate (trimmed, case, of a rejected row)."""
    t.ensure_rows(4)
    kind = choose(rng, ("empty", "ws_only", "zero_width", "bom_char", "c0_separator",
                        "duplicate_exact", "duplicate_trimmed", "duplicate_case", "duplicate_zwsp",
                        "duplicate_of_rejected", "two_empty", "triple", "customer_empty",
                        "customer_ws_only", "quoted_newline", "padded_newline", "padded_ws"))  # fmt: skip
    first, later = sorted(rng.sample(range(len(t.rows)), 2))
    original = t.rows[first][t.col("transaction_id")].strip('"')
    planted = {
        "empty": ("transaction_id", ""), "ws_only": ("transaction_id", _pad(rng, "", WHITE_SPACE)[1]),
        "zero_width": ("transaction_id", "\u200b"), "bom_char": ("transaction_id", "\ufeff"),
        "c0_separator": ("transaction_id", choose(rng, ("\x1c", "\x1d", "\x1e", "\x1f"))),
        "duplicate_exact": ("transaction_id", original),
        "duplicate_trimmed": ("transaction_id", _pad(rng, original, WHITE_SPACE)[1]),
        "duplicate_case": ("transaction_id", original.upper()),
        "duplicate_zwsp": ("transaction_id", original + "\u200b"),
        "duplicate_of_rejected": ("transaction_id", original),
        "triple": ("transaction_id", original), "customer_empty": ("customer_id", ""),
        "customer_ws_only": ("customer_id", _pad(rng, "", WHITE_SPACE)[1]),
        "quoted_newline": ("transaction_id", "t\nx"), "padded_newline": ("transaction_id", "\nt99\r\n"),
        "padded_ws": ("transaction_id", _pad(rng, "t98", WHITE_SPACE)[1]), "two_empty": ("transaction_id", ""),
    }  # fmt: skip
    column, value = planted[kind]
    targets = {later, first} if kind == "two_empty" else {later}
    if kind == "triple":
        targets.add(rng.choice([r for r in range(first + 1, len(t.rows)) if r != later] or [later]))
    for row in targets:
        t.put(row, column, value)
    if kind == "duplicate_of_rejected":
        t.put(first, "amount", "bad")
    return f"id.{kind}"


def amounts(rng: random.Random, t: Table) -> str:
    """§3.2: every amount form and its near misses, alone or padded."""
    name, value = rng.choice(AMOUNTS)
    if rng.random() < 0.15:
        char, value = _pad(
            rng, choose(rng, ("1.5", "-2", "1,000")), rng.choice((WHITE_SPACE, NOT_WHITE_SPACE))
        )
        name = f"padded_{'ws' if char in WHITE_SPACE else 'not_ws'}_{char}"
    for row in _rows(rng, t):
        t.put(row, "amount", value)
    return f"amount.{name}"


def timestamps(rng: random.Random, t: Table) -> str:
    """§3.3: every timestamp form and near miss; fractions and epochs of every length."""
    roll = rng.random()
    if roll < 0.1:
        digits = rng.randint(0, 10)
        fraction = "".join(choose(rng, "0123456789") for _ in range(digits))
        name, value = (
            f"fraction_{digits}_digits",
            f"2024-03-10T12:34:56.{fraction}" + choose(rng, ("Z", "+01:00", "")),
        )
    elif roll < 0.2:
        digits = rng.randint(8, 15)
        name, value = f"epoch_{digits}_digits", str(rng.randrange(10 ** (digits - 1), 10**digits))
    elif roll < 0.27:
        name, value, zones = rng.choice(ZONED_EDGES)
        t.zone = choose(rng, zones)
        name = f"{name}@{t.zone}"
    elif roll < 0.35:
        char, value = _pad(rng, "2024-03-10T12:34:56Z", rng.choice((WHITE_SPACE, NOT_WHITE_SPACE)))
        name = f"padded_{'ws' if char in WHITE_SPACE else 'not_ws'}_{char}"
    else:
        name, value = rng.choice(TIMESTAMPS)
    for row in _rows(rng, t):
        t.put(row, "timestamp", value)
    return f"ts.{name}"


def daylight_saving(rng: random.Random, t: Table) -> str:
    """§3.3: wall times around DST gaps and overlaps, in 2018-2037 and far beyond."""
    t.zone, year = choose(rng, DST_ZONES), choose(rng, DST_YEARS)
    kind, value = rng.choice(dst_probes(t.zone, year))
    if "T" in value and rng.random() < 0.3:
        value = value.replace("T", " ") + choose(rng, ("", ".5", ".000001"))
    for row in _rows(rng, t, most=2):
        t.put(row, "timestamp", value)
    era = "to_2037" if year <= 2037 else "from_2038"
    return f"dst.{kind}@{t.zone}.{era}"


def line_numbers(rng: random.Random, t: Table) -> str:
    """§6: line breaks inside quoted fields (LF, CRLF, a lone CR that is not one) before an
    invalid row, so its line number must count them."""
    kind, cell = rng.choice((("lf", '"a\nb"'), ("crlf", '"a\r\nb"'), ("cr", '"a\rb"'),
                             ("many", '"\n\n\n"'), ("blank_inside", '"a\n\nb"'), ("cr_end", '"a\r"'),
                             ("cr_lf_split", '"a\r"\n')))  # fmt: skip
    t.ensure_rows(4)
    if kind == "cr_lf_split":  # the record's break right after a CR kept inside quotes
        cell = '"a\r"'
        t.eol = "\n"
    for row in range(len(t.rows) - 1):
        if rng.random() < 0.5:
            t.rows[row][t.col("customer_id")] = cell.replace("a", "c")
    if rng.random() < 0.3:
        t.header[t.col("amount")] = '"\namount"'
    t.put(len(t.rows) - 1, "amount", "bad")
    t.ratio = Decimal(choose(rng, ("0.5", "1", "0")))
    return f"lines.{kind}"


def tolerance(rng: random.Random, t: Table) -> str:
    """§3.4: the verdict at and around rows_rejected == ratio * rows_total."""
    total = choose(rng, (10, 20))
    t.ensure_rows(total)
    t.rows = t.rows[:total]
    bad = rng.randint(1, 3)
    for row in rng.sample(range(total), bad):
        t.put(row, "amount", "x")
    kind = choose(rng, ("at_boundary", "just_below", "ratio_0.1", "ratio_1", "all_invalid"))
    exact = Decimal(bad) / Decimal(total)
    t.ratio = {"at_boundary": exact, "just_below": exact - Decimal("0.001"),
               "ratio_0.1": Decimal("0.1"), "ratio_1": Decimal(1), "all_invalid": Decimal(1)}[kind]  # fmt: skip
    if kind == "all_invalid":
        for row in range(total):
            t.put(row, "amount", "x")
    return f"tolerance.{kind}"


def many_errors(rng: random.Random, t: Table) -> str:
    """§3.4/§5.1: more than 100 rejected rows (only the first 100 are reported)."""
    t.ensure_rows(rng.randint(101, 130))
    for row in range(len(t.rows)):
        if row % 7 or rng.random() < 0.5:
            t.put(row, "amount", "bad")
    t.ratio = Decimal(choose(rng, ("0", "1")))
    return f"big.over_100_errors_ratio_{t.ratio}"


Family = Callable[[random.Random, Table], str]
FIELD_FAMILIES: list[tuple[Family, int]] = [
    (header, 8), (identifiers, 7), (amounts, 12), (timestamps, 12), (daylight_saving, 10),
    (line_numbers, 5), (tolerance, 4), (many_errors, 1),
]  # fmt: skip
