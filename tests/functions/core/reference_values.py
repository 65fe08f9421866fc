"""The reference's value rules (docs/data-contract.md §3.0-§3.3, §4), written from the document.

Each check returns the value as §4 writes it or raises `Invalid` with a §5.2-style reason.
Deliberately plain: regular expressions over ASCII digits, string arithmetic for amounts
(no float, not even Decimal is needed), `datetime` + `zoneinfo` for instants.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# §3.0: the characters with the Unicode White_Space property, and nothing else. Python's
# str.strip() would also strip U+001C-U+001F, which the contract keeps.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# §2.2: case-insensitive for ASCII letters only (str.lower() would fold e.g. U+0130).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# §3.0: a digit is 0-9 only, so every pattern spells [0-9] (\d matches any Unicode digit).
_AMOUNT = re.compile(
    r"(?P<sign>[+-]?)(?P<int>[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.(?P<frac>[0-9]+))?"
)
_DATE = r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
_DATETIME = re.compile(
    _DATE + r"[T ](?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,9}))?"
    r"(?:(?P<z>Z)|(?P<sign>[+-])(?P<oh>[0-9]{2}):?(?P<om>[0-9]{2}))?"
)
_BARE_DATE = re.compile(_DATE)
_ALL_DIGITS = re.compile(r"[0-9]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Invalid(ValueError):
    """A row-level problem; its message is the reason (§5.2)."""


def trim(value: str) -> str:
    return value.strip(WHITE_SPACE)


def header_key(name: str) -> str:
    """The name a header cell is matched by (§2.2): trimmed, ASCII letters lower-cased."""
    return trim(name).translate(_ASCII_LOWER)


def quote40(value: str) -> str:
    return f"'{value[:40]}'"


def identifier(column: str, raw: str) -> str:
    """§3.1 (emptiness only; uniqueness needs the whole file, see reference.py)."""
    value = trim(raw)
    if not value:
        raise Invalid(f"{column} is empty")
    return value


def amount(raw: str) -> str:
    """§3.2 -> §4: the exact DECIMAL(18,2) text, e.g. ' +1,234.5 ' -> '1234.50'.

    Assumptions: "surrounding whitespace" is the §3.0 set; a first group with leading zeros
    ('000,123', '0,001') is still "one to three digits", so it is accepted.
    """
    value = trim(raw)
    if not value:
        raise Invalid("amount is empty")
    match = _AMOUNT.fullmatch(value)
    if match is None:
        raise Invalid(f"amount {quote40(raw)} is not a plain decimal number")
    integer = match["int"].replace(",", "").lstrip("0")
    fraction = (match["frac"] or "").rstrip("0")
    if len(integer) > 16:
        raise Invalid(
            f"amount {quote40(raw)} does not fit DECIMAL(18,2) (more than 16 integer digits)"
        )
    if len(fraction) > 2:
        raise Invalid(f"amount {quote40(raw)} has more than 2 significant fraction digits")
    text = f"{integer or '0'}.{fraction.ljust(2, '0')}"
    negative = match["sign"] == "-" and text != "0.00"  # negative zero is 0.00
    return f"-{text}" if negative else text


def timestamp(raw: str, zone: str) -> str:
    """§3.3 -> §4: the UTC instant as YYYY-MM-DDTHH:MM:SS[.ffffff]Z."""
    value = trim(raw)
    if not value:
        raise Invalid("timestamp is empty")
    try:
        instant = _instant(value, zone)
    except (ValueError, OverflowError) as error:  # impossible date/time, or beyond 0001-9999
        raise Invalid(f"timestamp {quote40(raw)} is not a valid date/time ({error})") from None
    if instant is None:
        raise Invalid(f"timestamp {quote40(raw)} is not in a supported format")
    return _iso_utc(instant)


def _instant(value: str, zone: str) -> datetime | None:
    """The UTC instant of `value`, None when no form matches; ValueError when impossible."""
    if _ALL_DIGITS.fullmatch(value):
        return _epoch(value)
    if match := _DATETIME.fullmatch(value):
        return _date_time(match, zone)
    if match := _BARE_DATE.fullmatch(value):
        naive = datetime(int(match["y"]), int(match["mo"]), int(match["d"]))  # noqa: DTZ001 - a wall time
        return local_to_utc(naive, zone)
    return None


def _epoch(digits: str) -> datetime:
    # Assumption: leading zeros count as digits ('0000000001' is 10 digits: epoch seconds).
    if 9 <= len(digits) <= 11:
        return _EPOCH + timedelta(seconds=int(digits))
    if 12 <= len(digits) <= 14:
        return _EPOCH + timedelta(milliseconds=int(digits))
    raise ValueError("an all-digit value that is neither epoch seconds nor milliseconds")


def _date_time(match: re.Match[str], zone: str) -> datetime:
    # Digits beyond microseconds are truncated (§4), so they are dropped right here.
    micro = int((match["f"] or "").ljust(9, "0")[:6])
    fields = ("y", "mo", "d", "h", "mi", "s")
    # ValueError when impossible; naive on purpose, its zone is applied below
    naive = datetime(*(int(match[f]) for f in fields), micro)  # noqa: DTZ001
    if match["z"]:
        return naive.replace(tzinfo=UTC)
    if match["sign"]:
        hours, minutes = int(match["oh"]), int(match["om"])
        if hours > 23 or minutes > 59:
            raise ValueError("offset out of range")
        offset = timedelta(hours=hours, minutes=minutes)
        utc = naive - offset if match["sign"] == "+" else naive + offset  # OverflowError at edges
        return utc.replace(tzinfo=UTC)
    return local_to_utc(naive, zone)


def local_to_utc(naive: datetime, zone: str) -> datetime:
    """§3.3: a wall time in `zone`; a gap is an error, a repeated hour the earlier instant.

    fold=0 is, by PEP 495, the offset in force before the transition; a wall time that does
    not come back unchanged from UTC lies in a gap. zoneinfo applies the TZif footer's rule
    beyond the last listed transition, which is what §3.3 asks for years such as 2100.
    Assumption: a bare date whose midnight falls in a gap (America/Havana 2024-03-10) is a
    row error like any other non-existent local time.
    """
    tz = ZoneInfo(zone)
    utc = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise ValueError(f"a local time that does not exist in {zone}")
    return utc


def _iso_utc(instant: datetime) -> str:
    # Formatted by hand: strftime('%Y') does not pad years below 1000 on every platform.
    i = instant.astimezone(UTC)
    text = f"{i.year:04d}-{i.month:02d}-{i.day:02d}T{i.hour:02d}:{i.minute:02d}:{i.second:02d}"
    # Assumption: "non-zero sub-second part" means the microseconds written, so a value
    # with only nanoseconds (.0000005) gets no fraction.
    return f"{text}.{i.microsecond:06d}Z" if i.microsecond else f"{text}Z"
