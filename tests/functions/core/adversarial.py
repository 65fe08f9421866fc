"""A seeded generator of adversarial transaction files: mostly valid, with one planted defect.

`generate(seed, count)` yields `Case`s; case `i` of a seed is always the same bytes (its own
`random.Random(f"{seed}/{i}")`), so any disagreement can be replayed alone. Each case's tag
names the family and the defect it planted (`quote.space_before_open@last_noeol`); the
fuzzer counts disagreements per tag. Expected results are never written here: the
reference (reference.py) decides what each file means.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from tests.functions.core.adversarial_fields import FIELD_FAMILIES
from tests.functions.core.adversarial_table import BOM, WHERE, Table, place, place_cell

MALFORMED_QUOTES = [
    ("space_before_open", ' "b"'), ("text_before_open", 'a "b"'), ("nbsp_before_open", '\xa0"b"'),
    ("text_after_close", '"a" "b"'), ("letter_after_close", '"a"x'), ("space_after_close", '"a" '),
    ("tab_after_close", '"a"\t'), ("pairs_then_text", '"a""b"c'), ("quote_in_unquoted", 'a"b'),
    ("pair_in_unquoted", 'a""b'), ("unquoted_ends_with_quote", 'ab"'), ("lone_quote", '"'),
    ("unterminated", '"abc'), ("unterminated_after_pair", '"a""'),
    ("text_after_multiline_close", '"a\nb"c'), ("closed_then_quoted_again", '"a"""b"'),
]  # fmt: skip
BAD_UTF8 = {
    "lone_continuation": b"\x80", "ff": b"\xff", "overlong": b"\xc0\xaf",
    "overlong_3_bytes": b"\xe0\x80\xaf", "surrogate": b"\xed\xa0\x80",
    "above_u10ffff": b"\xf4\x90\x80\x80", "truncated_3_bytes": b"\xe2\x82",
    "truncated_4_bytes": b"\xf0\x9f\x98", "latin1_e_acute": b"\xe9", "lead_without_continuation": b"\xc3(",
}  # fmt: skip

BLANK_RECORDS = {
    "middle": "",
    "ws_line": " ",
    "ideographic_space_line": "\u3000",
    "quoted_empty_line": '""',
}
BLANK_TAILS = {"at_end": "\n", "two_at_end": "\n\n", "at_end_crlf": "\r\n", "ws_at_end": " "}


@dataclass(frozen=True)
class Case:
    seed: int
    index: int
    tag: str
    data: bytes
    ratio: Decimal
    zone: str


def generate(seed: int, count: int) -> Iterator[Case]:
    for index in range(count):
        yield case(seed, index)


def case(seed: int, index: int) -> Case:
    rng = random.Random(f"{seed}/{index}")
    table = Table(rng)
    family = rng.choices([f for f, _ in FAMILIES], weights=[w for _, w in FAMILIES])[0]
    tag = family(rng, table)
    return Case(seed, index, tag, table.render(), table.ratio, table.zone)


def quoting(rng: random.Random, t: Table) -> str:
    """§2.1: a misplaced or unclosed quote in the header, a middle row or the last row."""
    kind, text = rng.choice(MALFORMED_QUOTES)
    where = rng.choice(WHERE)
    cells, at = place_cell(t, where)
    cells[at] = text
    return f"quote.{kind}@{where}"


def carriage_return(rng: random.Random, t: Table) -> str:
    """§2.1: a CR outside quotes that no LF follows, including classic-Mac files."""
    kind = rng.choice(
        ("in_unquoted", "as_eol", "cr_cr_lf", "after_close_quote", "only_file", "at_end")
    )
    if kind == "only_file":
        t.eol, t.final_eol = "\r", rng.random() < 0.7
        return f"cr.only_file{'' if t.final_eol else '_noeol'}"
    if kind == "at_end":
        t.final_eol, t.tail = False, "\r"
        return "cr.at_end"
    if kind in ("as_eol", "cr_cr_lf"):  # a line break, so never after the last record
        where = rng.choice(("middle", "last", "header"))
        t.eols[place(t, where)] = "\r" if kind == "as_eol" else "\r\r\n"
    else:
        where = rng.choice(WHERE)
        cells, at = place_cell(t, where)
        cells[at] = "a\rb" if kind == "in_unquoted" else '"a"\rb'
    return f"cr.{kind}@{where}"


def ragged(rng: random.Random, t: Table) -> str:
    """§2.3: a record with one field too few or too many (or a header that is)."""
    kind = rng.choice(("short", "long", "trailing_comma", "unquoted_comma", "header_longer"))
    if kind == "header_longer":
        t.header.append("extra")
        return "ragged.header_longer"
    where = rng.choice(WHERE[:3])
    cells, at = place_cell(t, where)
    if kind == "short":
        del cells[at]
    elif kind == "unquoted_comma":
        cells[at] = "1,234"
    else:
        cells.append("x" if kind == "long" else "")
    return f"ragged.{kind}@{where}"


def blank(rng: random.Random, t: Table) -> str:
    """§2.3: a blank line is a one-field record, also after the final line break."""
    kind = rng.choice((*BLANK_RECORDS, *BLANK_TAILS, "after_header", "before_header"))
    t.ensure_rows(2)
    if kind in BLANK_RECORDS:
        t.rows.insert(rng.randrange(1, len(t.rows)), [BLANK_RECORDS[kind]])
    elif kind == "after_header":
        t.rows.insert(0, [""])
    elif kind == "before_header":
        t.head = rng.choice(("\n", "\r\n"))
    else:
        t.final_eol, t.tail = True, BLANK_TAILS[kind]
    return f"blank.{kind}"


def whole_file(rng: random.Random, t: Table) -> str:
    """§2.1/§2.3: empty objects, a header alone, a second BOM."""
    kind = rng.choice(("empty", "bom_only", "newline_only", "crlf_only", "space_only", "bom_newline",
                       "header_only", "header_only_noeol", "header_plus_blank", "double_bom", "one_row_noeol"))  # fmt: skip
    overrides = {"empty": b"", "bom_only": BOM, "newline_only": b"\n", "crlf_only": b"\r\n",
                 "space_only": b" ", "bom_newline": BOM + b"\n"}  # fmt: skip
    if kind in overrides:
        t.override = overrides[kind]
    elif kind == "double_bom":
        t.bom, t.head = True, "\ufeff"
    elif kind == "one_row_noeol":
        t.rows, t.final_eol = t.rows[:1], False
    else:
        t.rows, t.final_eol = [], kind != "header_only_noeol"
        t.tail = "\n" if kind == "header_plus_blank" else ""
    return f"file.{kind}"


def bad_utf8(rng: random.Random, t: Table) -> str:
    """§2.1: invalid UTF-8 anywhere (the message names its line and byte offset)."""
    name, sequence = rng.choice(list(BAD_UTF8.items()))
    if rng.random() < 0.05:
        t.override = t.render().decode("utf-8").encode("utf-16")
        return "utf8.utf16_file"
    where = rng.choice((*WHERE, "in_multiline_field", "end_of_file"))
    t.bad_bytes = sequence
    if where == "end_of_file":
        t.final_eol = False
        t.tail = t.MARK
        return f"utf8.{name}@end_of_file"
    if where == "in_multiline_field":
        t.ensure_rows(3)
        t.rows[1][0] = f'"a\nb{t.MARK}"'
        return f"utf8.{name}@in_multiline_field"
    cells, at = place_cell(t, where)
    cells[at] = f"x{t.MARK}"
    return f"utf8.{name}@{where}"


def valid(rng: random.Random, t: Table) -> str:
    """No defect: benign variations only (line endings, BOM, quoting, odd extra values)."""
    kind = rng.choice(("plain", "lf", "crlf", "mixed_eol", "bom", "bom_crlf", "no_final_eol",
                       "quoted_everything", "extra_values", "quoted_valid_forms"))  # fmt: skip
    if kind in ("lf", "crlf", "bom_crlf", "mixed_eol"):
        t.eol = {"lf": "\n", "mixed_eol": "mixed"}.get(kind, "\r\n")
    t.bom = kind.startswith("bom") or t.bom
    t.final_eol = kind != "no_final_eol" and t.final_eol
    if kind == "quoted_everything":
        t.header = [t.quote(c, force=True) for c in t.columns]
        t.rows = [[c if c.startswith('"') else t.quote(c, force=True) for c in r] for r in t.rows]
    if kind in ("extra_values", "quoted_valid_forms"):
        values = ODD_EXTRAS if kind == "extra_values" else VALID_QUOTED
        t.add_column(
            t.quote(rng.choice(("odd", 'say "x"', "a,b"))), [rng.choice(values) for _ in t.rows]
        )
    return f"valid.{kind}{t.maybe_reject_a_row()}"


ODD_EXTRAS = ["", '""', "\u200b", "\ufeff", "\x1c", "emoji \U0001f600", "\u05e9\u05dc\u05d5\u05dd",
              "e\u0301", " lead", "trail ", "\x00", "\x7f", '"\n"', '"\r"', '"\r\n"', '"a\n\nb"']  # fmt: skip
VALID_QUOTED = ['"a"""', '""""', '""', '"a,b"', '"a\nb"', '"a\r\nb"', '"a\rb"', '","', '"a""b""c"']


Family = Callable[[random.Random, Table], str]
FAMILIES: list[tuple[Family, int]] = [
    (valid, 6), (quoting, 12), (carriage_return, 6), (ragged, 5), (blank, 5), (whole_file, 3),
    (bad_utf8, 6), *FIELD_FAMILIES,
]  # fmt: skip
