"""The CSV syntax of data-contract.md §2.1, written twice over the same field patterns.

- As anchored regular expressions for polars (Rust `regex`, a DFA: no per-byte Python), which
  accept the longest run of whole records of exactly `width` fields at the start of a text.
  The grammar is unambiguous (an unquoted field holds no `"`, a quoted one is closed only by a
  `"` followed by a separator), so the run a pattern accepts is exactly the valid one.
- As a small tokenizer (`read_record`), used where the file is small or already known to be
  broken: the header, and the one record the patterns stopped at, to say what is wrong and
  where. It is never run over the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An unquoted field: no quote, comma, CR or LF (a CR is allowed only right before a LF).
UNQUOTED = r'[^",\r\n]*'
# A quoted field: anything but a lone quote (CR and LF are data); `""` is a doubled quote.
QUOTED = r'"(?:[^"]|"")*"'
# The Rust regex's compiled size grows with the width of a record pattern; past this many
# fields (about 5,000 exceed its limit) records are cut by `ANY_RECORD` and counted apart.
MAX_PATTERN_WIDTH = 1_500


def _field() -> str:
    return f"(?:{UNQUOTED}|{QUOTED})"


def records_pattern(width: int | None) -> str:
    """Anchored: the whole records (of `width` fields, any number if None) starting the text.

    Each ends with LF or CRLF; used with `str.replace(pattern, "")`, what is left starts at
    the first record that is not whole and valid.
    """
    f = _field()
    count = "*" if width is None else f"{{{width - 1}}}"
    return f"^(?:{f}(?:,{f}){count}\\r?\\n)*"


def last_record_pattern(width: int | None) -> str:
    """A whole text that is exactly one record without a line break (the file's last line)."""
    f = _field()
    count = "*" if width is None else f"{{{width - 1}}}"
    return f"^{f}(?:,{f}){count}$"


# One record, unanchored, ending in a line break or at the end: extract_all cuts a valid text
# into its records (the empty match at the very end is not a record).
ANY_RECORD = f"{_field()}(?:,{_field()})*(?:\\r?\\n|$)"
# What is inside the quotes of a quoted field, for counting the separators outside them.
QUOTED_PART = r'"[^"]*"'

# Python's `re` backtracks: possessive quantifiers keep a doubled quote from being read back
# as a closing quote followed by a stray one (`"a""` is unterminated, not `"a"` + `"`).
_QUOTED_RE = re.compile(r'"[^"]*+(?:""[^"]*+)*+"')
_UNQUOTED_RE = re.compile(UNQUOTED)


@dataclass(frozen=True)
class Field:
    """A field as read: its value (quotes removed, `""` undoubled) and whether it was quoted."""

    value: str
    quoted: bool


@dataclass(frozen=True)
class Record:
    """A whole record: its fields, where the text after it starts, the line there, and the
    number of lines it spans."""

    fields: tuple[Field, ...]
    end: int
    end_line: int
    lines: int


@dataclass(frozen=True)
class Problem:
    """Why a text is not valid CSV: the problem in words, its line and character index."""

    what: str
    line: int
    pos: int


STRAY_QUOTE = (
    "a '\"' inside an unquoted field (a field holding '\"' must be quoted, its '\"' doubled)"
)
AFTER_QUOTE = (
    "text after the closing quote of a quoted field (a field holding '\"' must be quoted "
    "as a whole, its '\"' doubled)"
)
LONE_CR = "a carriage return (CR) not followed by a line feed: only LF and CRLF end a line"
UNTERMINATED = "unterminated quoted field (a '\"' is never closed)"


def read_record(text: str, pos: int, line: int, *, at_end: bool) -> Record | Problem | None:
    """The record starting at `text[pos]` (on `line`), or what is wrong with it.

    None when `text` stops inside the record and `at_end` is False (more text may follow);
    with `at_end`, the end of `text` is the end of the file, which also ends a record.
    """
    fields: list[Field] = []
    first = line
    while True:
        if text.startswith('"', pos):
            match = _QUOTED_RE.match(text, pos)
            if match is None:
                return Problem(UNTERMINATED, line, pos) if at_end else None
            raw = match.group()
            fields.append(Field(raw[1:-1].replace('""', '"'), quoted=True))
            line += raw.count("\n")
            pos = match.end()
            if text.startswith('"', pos) or (pos < len(text) and text[pos] not in ",\r\n"):
                return Problem(AFTER_QUOTE, line, pos)
        else:
            start = pos
            pos = _UNQUOTED_RE.match(text, pos).end()  # type: ignore[union-attr]  # matches ""
            if text.startswith('"', pos):
                return Problem(STRAY_QUOTE, line, pos)
            fields.append(Field(text[start:pos], quoted=False))
        ended = _separator(text, pos, line, at_end=at_end)
        if isinstance(ended, tuple):
            return Record(tuple(fields), *ended, lines=line - first + 1)
        if not isinstance(ended, int):
            return ended
        pos = ended


def _separator(
    text: str, pos: int, line: int, *, at_end: bool
) -> int | tuple[int, int] | Problem | None:
    """After a field: the next field's start (int), the record's end (end, line), or a Problem."""
    if pos == len(text):
        return (pos, line) if at_end else None
    char = text[pos]
    if char == ",":
        return pos + 1
    if char == "\n":
        return (pos + 1, line + 1)
    if text.startswith("\r\n", pos):
        return (pos + 2, line + 1)
    if pos + 1 == len(text) and not at_end:
        return None  # a CR ending the text read so far: its LF may follow
    return Problem(LONE_CR, line, pos)
