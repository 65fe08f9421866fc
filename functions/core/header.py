"""The header record, data-contract.md §2.2: names trimmed and matched case-insensitively
(ASCII letters only), each required column exactly once."""

from __future__ import annotations

from dataclasses import dataclass

from functions.core import syntax

REQUIRED_COLUMNS = ("transaction_id", "customer_id", "amount", "timestamp")
# The characters with the Unicode White_Space property (§3.0): what polars' strip_chars()
# removes from values, so that header names and values are trimmed alike (a test checks it).
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class StructuralError(Exception):
    """The file as a whole is invalid; the message is meant for humans."""


@dataclass(frozen=True)
class Header:
    """The header record: its fields as read, the index of each required column, its lines."""

    fields: tuple[syntax.Field, ...]
    required: dict[str, int]
    lines: int

    @property
    def names(self) -> tuple[str, ...]:
        """The names as read (untrimmed)."""
        return tuple(f.value for f in self.fields)


def column_key(name: str) -> str:
    """What a header name is matched by: trimmed, ASCII letters in lower case."""
    return name.strip(WHITE_SPACE).translate(_ASCII_LOWER)


def header_from(record: syntax.Record) -> Header:
    """Check the first record as the header; StructuralError naming a missing or repeated column."""
    keys = [column_key(f.value) for f in record.fields]
    required: dict[str, int] = {}
    for column in REQUIRED_COLUMNS:
        count = keys.count(column)
        if count == 0:
            raise StructuralError(f"line 1: the header has no required column '{column}'")
        if count > 1:
            raise StructuralError(
                f"line 1: the header has the required column '{column}' {count} times"
            )
        required[column] = keys.index(column)
    return Header(record.fields, required, lines=record.lines)
